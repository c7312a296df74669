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
const DAN: (&str, &str) = ("Dan", "dan's own passphrase");

/// File the record titled `title` in science.
async fn into_science(e: &Engine<Owned>, title: &'static str) {
    e.local()
        .run(move |l| {
            let doc = l
                .catalog()
                .list(Listing::All)?
                .into_iter()
                .find(|d| d.title == title)
                .unwrap()
                .id;
            l.set_field(
                doc,
                FieldKey::Collection,
                Some(FieldValue::Text("science".into())),
            )
        })
        .await
        .unwrap();
}

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
    into_science(&ann, "lab").await;
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

/// Every object of `from` that `to` lacks, copied over: what a desktop that worked on an
/// older view of the remote (listed it just before another desktop's change) sent.
async fn copy_new_objects(from: &Memory, to: &Memory) {
    let there: std::collections::HashSet<String> = to
        .list("")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key.to_string())
        .collect();
    for o in from.list("").await.unwrap() {
        if !there.contains(o.key.as_str()) {
            let body = from.get(&o.key, u64::MAX).await.unwrap();
            to.put_if_absent(&o.key, body).await.unwrap();
        }
    }
}

#[tokio::test]
async fn a_department_members_desktop_waits_for_history_sealed_before_its_writer_heard_of_keys() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let files = dir.join("files");
    let memory = Arc::new(Memory::new());
    let make = || Box::new(Arc::clone(&memory)) as Box<dyn Remote>;
    let ann = engine(make(), create(&dir.join("ann")));
    ann.attach().await.unwrap();
    ann.local()
        .run(|l| {
            l.become_owner(OWNER.0, OWNER.1, quick_kdf())?;
            l.add_person(DAN.0, DAN.1, quick_kdf(), Role::RegistrarStaff, &[])
                .map(|_| ())
        })
        .await
        .unwrap();
    file(&ann, &files, "quimby-roll.txt").await;
    ann.sync().await.unwrap();
    let dan = joined_as(make(), &make, dir.join("dan"), DAN).await;
    dan.sync().await.unwrap();

    // Dan's desktop lists the remote; then Ann gives science's staff a member, and the
    // journal keys of its own; then Dan's desktop sends what it wrote, sealed under the
    // library's key as the remote looked when it listed it.
    let before = Memory::new();
    copy_new_objects(&memory, &before).await;
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
    into_science(&ann, "lab").await;
    assert!(ann.sync().await.unwrap().checkpoint_written);
    let before = Arc::new(before);
    let dan = engine(
        Box::new(Arc::clone(&before)),
        dan.into_local().into_library().unwrap(),
    );
    file(&dan, &files, "quimby-late.txt").await;
    assert_eq!(dan.sync().await.unwrap().segments_sent, 1);
    copy_new_objects(&before, &memory).await;
    let dan = engine(make(), dan.into_local().into_library().unwrap());

    // Bo's desktop cannot open that segment: it waits for it, without an error, and
    // takes in everything else.
    let bo = joined_as(make(), &make, dir.join("bo"), BO).await;
    let joined = bo.sync().await.unwrap();
    assert!(joined.checkpoint_used, "{joined:?}");
    assert_eq!(joined.segments_waiting, 1, "{joined:?}");
    assert_eq!(titles(&bo).await, ["lab"]);
    let check = bo.check_remote(OnDamage::Report).await.unwrap();
    assert!(check.damaged.is_empty(), "{check:?}");

    // Ann's desktop applies it under the library's key, and seals it again in a
    // checkpoint at once; Dan's desktop now seals under the journal's keys.
    let r = ann.sync().await.unwrap();
    assert!(r.checkpoint_written, "{r:?}");
    file(&dan, &files, "fossils.txt").await;
    into_science(&dan, "fossils").await;
    dan.sync().await.unwrap();

    // Bo's desktop takes the late segment from the checkpoint, sees no record of "all"
    // in it, and goes on with Dan's next segment.
    let r = bo.sync().await.unwrap();
    assert_eq!(r.segments_waiting, 0, "{r:?}");
    assert!(r.refused.is_empty() && r.history.is_empty(), "{r:?}");
    assert_eq!(titles(&bo).await, ["fossils", "lab"]);
    ann.sync().await.unwrap();
    assert_eq!(
        titles(&ann).await,
        ["fossils", "lab", "quimby-late", "quimby-roll"]
    );
}
