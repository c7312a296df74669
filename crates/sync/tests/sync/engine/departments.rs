//! A department member joins (issue 21): the records filed before, in "all" (some before
//! the library had people at all), were in segments under the library's own key, which
//! every member's desktop holds. Adding the first department member gives "all" keys of
//! its own, and the owner's next sync writes a checkpoint at once, sealed in parts, so the
//! member's desktop, which starts from it, learns nothing of those records, not even
//! their titles, and holds their collection's record.

use dossier_core::{FieldKey, FieldValue, Role};

use super::leaving::{file, joined_as, titles};
use super::*;

const OWNER: (&str, &str) = ("Ann", "ann's own passphrase");
const BO: (&str, &str) = ("Bo", "bo's own passphrase");

#[tokio::test]
async fn a_department_member_joins_from_a_checkpoint_that_keeps_all_from_them() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let files = dir.join("files");
    let memory = Arc::new(Memory::new());
    let make = || Box::new(Arc::clone(&memory)) as Box<dyn Remote>;
    let ann = engine(make(), create(&dir.join("ann")));
    ann.attach().await.unwrap();
    file(&ann, &files, "quimby-before-people.txt").await;
    ann.sync().await.unwrap();
    ann.local()
        .run(|l| l.become_owner(OWNER.0, OWNER.1, quick_kdf()).map(|_| ()))
        .await
        .unwrap();
    file(&ann, &files, "quimby-roll.txt").await;
    let first = ann.sync().await.unwrap();
    assert!(!first.checkpoint_written, "{first:?}");

    // Bo joins science's staff; Ann files a lab report there.
    ann.local()
        .run(|l| {
            l.add_person(
                BO.0,
                BO.1,
                quick_kdf(),
                Role::DepartmentStaff,
                &["science".into()],
            )
            .map(|_| ())
        })
        .await
        .unwrap();
    file(&ann, &files, "lab.txt").await;
    ann.local()
        .run(|l| {
            let lab = l
                .catalog()
                .list(Listing::All)?
                .into_iter()
                .find(|d| d.title == "lab")
                .unwrap()
                .id;
            l.set_field(
                lab,
                FieldKey::Collection,
                Some(FieldValue::Text("science".into())),
            )
        })
        .await
        .unwrap();
    let r = ann.sync().await.unwrap();
    assert!(
        r.checkpoint_written,
        "new keys call for a checkpoint at once: {r:?}"
    );
    // Once written, not again for the same keys.
    file(&ann, &files, "quimby-after.txt").await;
    let again = ann.sync().await.unwrap();
    assert!(!again.checkpoint_written, "{again:?}");

    let bo = joined_as(make(), &make, dir.join("bo"), BO).await;
    let joined = bo.sync().await.unwrap();
    assert!(joined.checkpoint_used, "{joined:?}");
    assert_eq!(titles(&bo).await, ["lab"]);
    let listed = titles(&ann).await;
    assert_eq!(
        listed,
        ["lab", "quimby-after", "quimby-before-people", "quimby-roll"]
    );
    // What Bo's desktop cannot read is not damage to it.
    let check = bo.check_remote(OnDamage::Report).await.unwrap();
    assert!(check.damaged.is_empty(), "{check:?}");
}
