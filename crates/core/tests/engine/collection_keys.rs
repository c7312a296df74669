//! Collections' keys (issue 21, step 3): each collection's key is sealed, on the bytes, to
//! the people who may read it; an owner's desktop makes a new epoch whenever they change,
//! so a removed person opens nothing sealed after, and a person given a collection opens
//! its whole history; keys from anyone but an owner are refused on every desktop.

use std::collections::BTreeMap;

use dossier_core::{DeviceId, Op, OpKind, Role, Segment, open_epochs, sign_batch};

use super::signed::{identity, person, relay, stamp};
use super::*;

const ANN: &str = "ann's own passphrase";
const BO: &str = "bo's own passphrase";
const CY: &str = "cy's own passphrase";
const DAN: &str = "dan's own passphrase";

/// What `lib`'s signed-in person can open of each collection, by name.
fn readable(lib: &Library) -> BTreeMap<String, Vec<u64>> {
    lib.collection_access()
        .unwrap()
        .into_iter()
        .map(|a| (a.collection, a.readable))
        .collect()
}

fn newest(lib: &Library, collection: &str) -> dossier_core::CollectionAccess {
    lib.collection_access()
        .unwrap()
        .into_iter()
        .find(|a| a.collection == collection)
        .unwrap()
}

fn science() -> Vec<String> {
    vec!["Science".into()]
}

/// Ann (owner) with Bo (Science), Cy (Admissions) and Dan (registrar staff); Bo's and
/// Cy's desktops have joined and received everything.
fn school(dir: &Path) -> (Library, Library, Library) {
    let (mut ann, _) = create(dir);
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bo", BO, FAST, Role::DepartmentStaff, &science())
        .unwrap();
    ann.add_person(
        "Cy",
        CY,
        FAST,
        Role::DepartmentStaff,
        &["Admissions".into()],
    )
    .unwrap();
    ann.add_person("Dan", DAN, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut bo = Library::join(&dir.join("bo"), &objects, &person("Bo", BO)).unwrap();
    let mut cy = Library::join(&dir.join("cy"), &objects, &person("Cy", CY)).unwrap();
    relay(&mut ann, &mut [&mut bo, &mut cy]);
    (ann, bo, cy)
}

#[test]
fn each_collection_is_sealed_to_its_readers_and_sealed_anew_when_they_change() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, bo, mut cy) = school(t.path());
    let both = |s: Vec<u64>, a: Vec<u64>| {
        BTreeMap::from([("Admissions".to_string(), a), ("Science".to_string(), s)])
    };
    // Each person given a collection (Dan too, who reads every one) made a new epoch.
    let (s, a) = (
        newest(&ann, "Science").epoch,
        newest(&ann, "Admissions").epoch,
    );
    assert!(s >= 1 && a >= 1);
    let upto = |n: u64| (0..=n).collect::<Vec<u64>>();
    assert_eq!(readable(&ann), both(upto(s), upto(a)));
    assert_eq!(readable(&bo), both(upto(s), vec![]));
    assert_eq!(readable(&cy), both(vec![], upto(a)));
    let registry = ann.registry().unwrap().unwrap();
    let dan = registry
        .members()
        .find(|g| g.identity.name == "Dan")
        .unwrap()
        .identity
        .member;
    let (bo_id, cy_id) = (bo.person().unwrap().member, cy.person().unwrap().member);
    let science_readers = newest(&ann, "Science").readers;
    assert!(science_readers.contains(&bo_id) && science_readers.contains(&dan));
    assert!(!science_readers.contains(&cy_id));

    // On the bytes: Cy's own keys open no key of Science, whatever object she is given.
    let objects = ann.catalog().collection_keys().unwrap();
    let cy_keys = identity(&ann, "Cy", CY);
    assert!(matches!(
        open_epochs(&registry, &cy_keys, "Science", &objects),
        Err(Error::NotPermitted { .. })
    ));
    let bo_keys = identity(&ann, "Bo", BO);

    // Dan's role changes without changing who reads what: no new key.
    ann.set_role(dan, Role::Auditor, &[]).unwrap();
    assert_eq!(readable(&ann), both(upto(s), upto(a)));

    // Bo leaves: Science is sealed anew without him; Admissions, which he never read,
    // is not. His keys open the epoch he had, and nothing after.
    ann.remove_person(bo_id).unwrap();
    assert_eq!(readable(&ann), both(upto(s + 1), upto(a)));
    assert!(!newest(&ann, "Science").readers.contains(&bo_id));
    let registry = ann.registry().unwrap().unwrap();
    let objects = ann.catalog().collection_keys().unwrap();
    let his: Vec<u64> = open_epochs(&registry, &bo_keys, "Science", &objects)
        .unwrap()
        .into_keys()
        .collect();
    assert_eq!(his, upto(s));

    // Cy moves to Science: she opens its whole history through the newest key, and
    // Admissions is sealed anew without her.
    ann.set_role(cy_id, Role::DepartmentStaff, &science())
        .unwrap();
    relay(&mut ann, &mut [&mut cy]);
    assert_eq!(readable(&cy), both(upto(s + 2), upto(a)));
    assert_eq!(readable(&ann), both(upto(s + 2), upto(a + 1)));
    assert!(cy.held_batches().unwrap().is_empty());
}

#[test]
fn collection_keys_from_anyone_but_an_owner_are_refused_everywhere() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bo, _) = school(t.path());
    let library = ann.library_id();
    let at = ann.registry().unwrap().unwrap().seq();
    // Dan (registrar staff) sends Ann's genuine Admissions keys again, in a batch he
    // signs: a replay by someone who may not manage people.
    let genuine = ann
        .catalog()
        .collection_keys()
        .unwrap()
        .into_iter()
        .find(|k| k.epoch_keys().unwrap().collection == "Admissions")
        .unwrap();
    let dan = identity(&ann, "Dan", DAN);
    let device = DeviceId::new();
    let covered = [Op {
        stamp: stamp(device, 0),
        kind: OpKind::CollectionKeys { keys: genuine },
    }];
    let mut ops = covered.to_vec();
    ops.push(sign_batch(&dan, library, at, &covered, stamp(device, 1)).unwrap());
    let forged = Segment {
        device,
        seq: 1,
        ops,
        link: None,
    };
    let before = (readable(&ann), readable(&bo));
    for lib in [&mut ann, &mut bo] {
        assert_eq!(lib.apply_segment(&forged).unwrap(), 2);
        let held = lib.held_batches().unwrap();
        assert_eq!(held.len(), 1, "{held:?}");
        assert!(held[0].refused && held[0].reason.contains("registrar staff, may not"));
    }
    assert_eq!((readable(&ann), readable(&bo)), before);
}
