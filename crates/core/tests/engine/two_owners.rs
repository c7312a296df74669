//! Two owners' desktops that make the same epoch of a collection at once (each after a
//! people change of its own, offline, before seeing the other's): every desktop chooses
//! the same one of the two, and content sealed under either still opens for the people
//! both were sealed to, because it names the very epoch whose key sealed it.

use dossier_core::Role;

use super::collection_keys::{ANN, BO, CY, DAN, filed, share_packs};
use super::signed::{person, relay, settle_erasure};
use super::*;

const ZOE: &str = "zoe's own passphrase";

#[test]
fn content_sealed_under_either_of_two_epochs_made_at_once_opens_everywhere() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mut ann, _) = create(dir);
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Zoe", ZOE, FAST, Role::Owner, &[]).unwrap();
    ann.add_person("Bo", BO, FAST, Role::DepartmentStaff, &["Science".into()])
        .unwrap();
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut zoe = Library::join(&dir.join("zoe"), &objects, &person("Zoe", ZOE)).unwrap();
    let mut bo = Library::join(&dir.join("bo"), &objects, &person("Bo", BO)).unwrap();
    relay(&mut ann, &mut [&mut zoe, &mut bo]);

    // Offline, each owner gives Science to someone new: each desktop makes the next
    // epoch of its keys, and files a record under it.
    ann.add_person("Cy", CY, FAST, Role::DepartmentStaff, &["Science".into()])
        .unwrap();
    zoe.add_person("Dan", DAN, FAST, Role::DepartmentStaff, &["Science".into()])
        .unwrap();
    let hers = filed(
        &mut ann,
        dir,
        "ann.txt",
        b"filed on Ann's desktop",
        "Science",
    );
    let theirs = filed(
        &mut zoe,
        dir,
        "zoe.txt",
        b"filed on Zoe's desktop",
        "Science",
    );
    let (a, z) = (
        ann.version(hers, None).unwrap().content_key.unwrap(),
        zoe.version(theirs, None).unwrap().content_key.unwrap(),
    );
    assert_eq!(
        (a.collection.as_str(), z.collection.as_str()),
        ("Science", "Science")
    );
    assert_eq!(a.epoch, z.epoch, "the same epoch, made twice");
    assert!(a.object.is_some() && z.object.is_some() && a.object != z.object);

    relay(&mut ann, &mut [&mut zoe, &mut bo]);
    relay(&mut zoe, &mut [&mut ann, &mut bo]);
    settle_erasure(&mut [&mut ann, &mut zoe, &mut bo]);
    for (from, to) in [(&ann, &zoe), (&ann, &bo), (&zoe, &ann), (&zoe, &bo)] {
        share_packs(from, to);
    }
    // Every desktop opens both records: whichever epoch it chose, and whatever key it
    // happened to hold already.
    for lib in [&ann, &zoe, &bo] {
        assert_eq!(content(lib, hers, None), b"filed on Ann's desktop");
        assert_eq!(content(lib, theirs, None), b"filed on Zoe's desktop");
        let report = lib.verify(&mut |_| {}).unwrap();
        assert!(report.is_clean(), "{report:?}");
    }
}
