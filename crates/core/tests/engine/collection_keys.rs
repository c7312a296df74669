//! Collections' keys (issue 21, step 3): each collection's key is sealed, on the bytes, to
//! the people who may read it; an owner's desktop makes a new epoch whenever they change,
//! so a removed person opens nothing sealed after, and a person given a collection opens
//! its whole history; keys from anyone but an owner are refused on every desktop.

use std::collections::BTreeMap;

use dossier_core::{
    DeviceId, DocId, FieldKey, FieldValue, JobFilter, JobKind, JobState, Listing, MasterKey, Op,
    OpKind, Role, Segment, open_epochs, sign_batch,
};

use super::signed::{identity, person, relay, settle_erasure, stamp};
use super::*;

pub(super) const ANN: &str = "ann's own passphrase";
pub(super) const BO: &str = "bo's own passphrase";
pub(super) const CY: &str = "cy's own passphrase";
pub(super) const DAN: &str = "dan's own passphrase";
pub(super) const EVE: &str = "eve's own passphrase";

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
pub(super) fn school(dir: &Path) -> (Library, Library, Library) {
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
    // "all" has keys of its own from the first department member on: they hold the
    // library's key (through their key slot) and may not read every record.
    let both = |s: Vec<u64>, a: Vec<u64>, all: Vec<u64>| {
        BTreeMap::from([
            ("Admissions".to_string(), a),
            ("Science".to_string(), s),
            ("all".to_string(), all),
        ])
    };
    // Each person given a collection (Dan too, who reads every one) made a new epoch.
    let (s, a, al) = (
        newest(&ann, "Science").epoch,
        newest(&ann, "Admissions").epoch,
        newest(&ann, "all").epoch,
    );
    assert!(s >= 1 && a >= 1 && al >= 1);
    let upto = |n: u64| (0..=n).collect::<Vec<u64>>();
    assert_eq!(readable(&ann), both(upto(s), upto(a), upto(al)));
    assert_eq!(readable(&bo), both(upto(s), vec![], vec![]));
    assert_eq!(readable(&cy), both(vec![], upto(a), vec![]));
    let all_readers = newest(&ann, "all").readers;
    assert!(!all_readers.contains(&bo.person().unwrap().member));
    assert!(!all_readers.contains(&cy.person().unwrap().member));
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
    assert_eq!(readable(&ann), both(upto(s), upto(a), upto(al)));

    // Bo leaves: Science is sealed anew without him; Admissions and "all", which he
    // never read, are not. His keys open the epoch he had, and nothing after.
    ann.remove_person(bo_id).unwrap();
    assert_eq!(readable(&ann), both(upto(s + 1), upto(a), upto(al)));
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
    assert_eq!(readable(&cy), both(upto(s + 2), upto(a), vec![]));
    assert_eq!(readable(&ann), both(upto(s + 2), upto(a + 1), upto(al)));
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
        withheld: None,
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

/// An owner's keys count for the epochs they made while an owner; once removed, they
/// cannot pass off a new one as made then: not in a batch they sign (judged at their
/// removal, see `signed`), nor in an operation no one signed, stamped before the library
/// had people, with an epoch of a collection of their own sealed to themselves.
#[test]
fn a_removed_owner_cannot_backdate_a_collections_keys() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bo, _) = school(t.path());
    let dan = identity(&ann, "Dan", DAN);
    let dan_id = dan.public().member;
    ann.set_role(dan_id, Role::Owner, &[]).unwrap();
    let then = ann.registry().unwrap().unwrap();
    ann.remove_person(dan_id).unwrap();
    relay(&mut ann, &mut [&mut bo]);

    let key = MasterKey::generate();
    let keys = then.seal_epoch(&dan, "Ledger", 0, &key, None).unwrap();
    let device = DeviceId::new();
    let mut early = stamp(device, 0);
    early.hlc.wall_ms = 1;
    let forged = Segment {
        device,
        seq: 1,
        ops: vec![Op {
            stamp: early,
            kind: OpKind::CollectionKeys { keys },
        }],
        link: None,
        withheld: None,
    };
    for lib in [&mut ann, &mut bo] {
        assert_eq!(lib.apply_segment(&forged).unwrap(), 1);
        let held = lib.held_batches().unwrap();
        assert_eq!(held.len(), 1, "{held:?}");
        assert!(held[0].refused && held[0].member.is_none(), "{held:?}");
        assert!(!readable(lib).contains_key("Ledger"));
    }
    // A record filed in Ledger is not sealed under his key.
    let doc = filed(
        &mut ann,
        t.path(),
        "ledger.txt",
        b"petty cash, december",
        "Ledger",
    );
    let sealed = ann.version(doc, None).unwrap().content_key;
    assert!(
        sealed.as_ref().is_none_or(|k| k.collection == "all"),
        "{sealed:?}"
    );
}

/// A record of `bytes` imported on `lib`'s desktop and filed in `collection`.
pub(super) fn filed(
    lib: &mut Library,
    dir: &Path,
    name: &str,
    bytes: &[u8],
    collection: &str,
) -> DocId {
    let doc = imported(&import(
        lib,
        &[write(dir, name, bytes)],
        &ImportOptions::default(),
    ))[0];
    lib.set_field(
        doc,
        FieldKey::Collection,
        Some(FieldValue::Text(collection.into())),
    )
    .unwrap();
    doc
}

/// The documents whose jobs a processing run of `lib` started.
fn processed(lib: &mut Library) -> Vec<DocId> {
    let mut started = Vec::new();
    lib.process(&super::processing(), &mut |e| {
        if let dossier_core::ProcessEvent::Started { job } = e {
            started.push(job.doc);
        }
    })
    .unwrap();
    started
}

/// A department desktop does not try, at every run, to extract records it cannot open:
/// their jobs wait for the collection's key, and run once it is given.
#[test]
fn jobs_for_records_a_desktop_cannot_open_wait_for_their_key() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bo, _) = school(t.path());
    let doc = filed(
        &mut ann,
        t.path(),
        "offer.txt",
        b"admission offer letter",
        "Admissions",
    );
    relay(&mut ann, &mut [&mut bo]);
    share_packs(&ann, &bo);
    assert!(processed(&mut bo).contains(&doc));
    let extract = |lib: &Library| {
        let jobs = lib
            .catalog()
            .job_statuses(JobFilter::Document(doc))
            .unwrap();
        let job = jobs.iter().find(|j| j.kind == JobKind::Extract).unwrap();
        (job.state, job.reason.clone())
    };
    let (state, reason) = extract(&bo);
    assert_eq!(state, JobState::Waiting);
    assert!(reason.unwrap().contains("Admissions"));
    // Nothing changed: the next run leaves them be.
    assert!(!processed(&mut bo).contains(&doc));

    // Bo is given Admissions too: its new key reaches his desktop, and the jobs run.
    let bo_id = bo.person().unwrap().member;
    ann.set_role(
        bo_id,
        Role::DepartmentStaff,
        &["Science".into(), "Admissions".into()],
    )
    .unwrap();
    relay(&mut ann, &mut [&mut bo]);
    // (And the record's own key, where a keyring holds the erasure keys.)
    settle_erasure(&mut [&mut ann, &mut bo]);
    assert!(processed(&mut bo).contains(&doc));
    assert_eq!(extract(&bo), (JobState::Done, None));
}

/// Copy every pack file `from` holds into `to`'s store (what sync does through the remote).
pub(super) fn share_packs(from: &Library, to: &Library) {
    let (src, dst) = (
        from.root().join("store/packs"),
        to.root().join("store/packs"),
    );
    for file in super::walk(&src) {
        let target = dst.join(file.strip_prefix(&src).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, &target).unwrap();
    }
}

#[test]
fn a_collections_content_is_sealed_under_its_key_and_opens_only_for_its_readers() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bo, mut cy) = school(t.path());
    let text = b"titration results of the chemistry lab, term 2";
    let report = import(
        &mut bo,
        &[write(t.path(), "lab.txt", text)],
        &ImportOptions::default(),
    );
    let doc = imported(&report)[0];
    relay(&mut bo, &mut [&mut ann, &mut cy]);
    share_packs(&bo, &ann);
    share_packs(&bo, &cy);

    // Bo's record is in Science, its content sealed under Science's newest key.
    let science = newest(&ann, "Science").epoch;
    let v = ann.version(doc, None).unwrap();
    let key = v.content_key.clone().unwrap();
    assert_eq!((key.collection.as_str(), key.epoch), ("Science", science));
    // Its readers open it: Bo, and Ann (an owner reads every collection).
    assert_eq!(content(&bo, doc, None), text);
    assert_eq!(content(&ann, doc, None), text);
    // So do the read handles the app previews with, opened from a signed-in handle.
    assert_eq!(content(&ann.reader().unwrap(), doc, None), text);
    // Cy (Admissions) holds the pack and the library's own key, and opens nothing of it.
    let theirs = cy.version(doc, None).unwrap();
    let refused = cy.write_version(&theirs, &mut Vec::new());
    assert!(
        matches!(&refused, Err(Error::CollectionKeyUnavailable { collection }) if collection == "Science"),
        "{refused:?}"
    );
    // Her desktop checks the pack's bytes against its id and leaves its content be: not
    // damage. Ann's opens every chunk of it.
    let hers = cy.verify(&mut |_| {}).unwrap();
    assert!(hers.is_clean(), "{hers:?}");
    assert_eq!(hers.sealed_elsewhere_packs, 1);
    let owners = ann.verify(&mut |_| {}).unwrap();
    assert!(owners.is_clean(), "{owners:?}");
    assert_eq!(owners.sealed_elsewhere_packs, 0);
    // The same file filed in "all" by the owner is sealed under "all"'s key: the
    // content is not shared across the collection's edge, and department staff, who
    // hold the library's own key, open nothing of it either.
    let report = import(
        &mut ann,
        &[write(t.path(), "copy.txt", text)],
        &ImportOptions::default(),
    );
    let copy = imported(&report)[0];
    assert_ne!(
        copy, doc,
        "not taken for a duplicate of a record in another collection"
    );
    let key = ann.version(copy, None).unwrap().content_key.unwrap();
    assert_eq!(key.collection, "all");
    assert_eq!(content(&ann, copy, None), text);
    let sent = super::journal_keys::sealed(&mut ann);
    super::journal_keys::deliver(&ann, &sent, &mut cy).unwrap();
    share_packs(&ann, &cy);
    assert!(
        !cy.catalog()
            .list(Listing::All)
            .unwrap()
            .iter()
            .any(|d| d.id == copy)
    );
    let refused = cy.write_version(&ann.version(copy, None).unwrap(), &mut Vec::new());
    assert!(
        matches!(&refused, Err(Error::CollectionKeyUnavailable { collection }) if collection == "all"),
        "{refused:?}"
    );

    // A new version of Bo's record stays under Science's key, also when Ann adds it.
    let v2 = write(t.path(), "lab-v2.txt", b"titration results, corrected");
    ann.add_version(doc, &v2, None, &mut |_| {}).unwrap();
    assert_eq!(
        ann.version(doc, None)
            .unwrap()
            .content_key
            .unwrap()
            .collection,
        "Science"
    );
}

/// `tests/fixtures/collections-v1` (written once: Science with keys, a record Bo filed
/// there and one of "all") keeps opening: each record for those who may read it, under
/// the key it was sealed with.
#[test]
fn the_collections_fixture_still_opens_each_record_for_its_readers() {
    let t = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collections-v1");
    copy_dir(&fixture.join("library"), &t.path().join("lib"));
    let open = |who: &str, passphrase: &str| {
        LockedLibrary::open(&t.path().join("lib"), Access::Write)
            .unwrap()
            .sign_in(who, passphrase)
            .unwrap()
    };
    let lab = std::fs::read(fixture.join("content/science/lab.txt")).unwrap();
    let roll = std::fs::read(fixture.join("content/all/roll.txt")).unwrap();
    let find = |lib: &Library, title: &str| {
        lib.catalog()
            .list(Default::default())
            .unwrap()
            .into_iter()
            .find(|d| d.title == title)
            .unwrap()
            .id
    };
    for (who, passphrase) in [
        ("Ann Lee", "ann fixture passphrase"),
        ("Bo Park", "bo fixture passphrase"),
    ] {
        let lib = open(who, passphrase);
        assert_eq!(readable(&lib)["Science"], [0], "{who}");
        let doc = find(&lib, "lab");
        let key = lib.version(doc, None).unwrap().content_key.unwrap();
        assert_eq!((key.collection.as_str(), key.epoch), ("Science", 0));
        assert_eq!(content(&lib, doc, None), lab, "{who}");
        if who == "Ann Lee" {
            assert_eq!(content(&lib, find(&lib, "roll"), None), roll);
        }
        let report = lib.verify(&mut |_| {}).unwrap();
        assert!(report.is_clean(), "{who}: {report:?}");
        assert_eq!(report.sealed_elsewhere_packs, 0, "{who}");
    }
}

#[test]
fn moving_a_record_to_another_collection_seals_it_again_under_that_key() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bo, mut cy) = school(t.path());
    let text = b"minutes of the science department meeting";
    let doc = imported(&import(
        &mut ann,
        &[write(t.path(), "minutes.txt", text)],
        &ImportOptions::default(),
    ))[0];
    let in_all = |lib: &Library, doc| lib.version(doc, None).unwrap().content_key.unwrap();
    assert_eq!(in_all(&ann, doc).collection, "all");
    // Two versions, a tag and a field, before the move, all in "all"'s part.
    let v2 = write(t.path(), "minutes-v2.txt", b"minutes, approved");
    ann.add_version(doc, &v2, None, &mut |_| {}).unwrap();
    ann.tag(doc, &["minutes".into()], &[]).unwrap();
    ann.set_field(
        doc,
        FieldKey::Type,
        Some(FieldValue::Text("Minutes".into())),
    )
    .unwrap();

    // Ann moves it to Science: in the same commit, its content is copied under Science's
    // key; Cy opens nothing of it; Bo does.
    ann.set_field(
        doc,
        FieldKey::Collection,
        Some(FieldValue::Text("Science".into())),
    )
    .unwrap();
    let key = ann.version(doc, None).unwrap().content_key.unwrap();
    assert_eq!(key.collection, "Science");
    let sent = super::journal_keys::sealed(&mut ann);
    for lib in [&mut bo, &mut cy] {
        super::journal_keys::deliver(&ann, &sent, lib).unwrap();
    }
    super::journal_keys::settle_erasure(&mut [&mut ann, &mut bo, &mut cy]);
    share_packs(&ann, &bo);
    share_packs(&ann, &cy);
    assert_eq!(content(&bo, doc, None), b"minutes, approved");
    assert_eq!(content(&ann, doc, Some(1)), text);
    // Cy's desktop never learnt of it: the move is in the parts of "all" and Science.
    let listed = |lib: &Library, doc| {
        lib.catalog()
            .list(Listing::All)
            .unwrap()
            .iter()
            .any(|d| d.id == doc)
    };
    assert!(listed(&bo, doc) && !listed(&cy, doc));
    // The move carried the record's history: Bo holds it as Ann does, every version.
    let detail = |lib: &Library| {
        let d = lib.catalog().document(doc).unwrap();
        (
            d.summary.title,
            d.summary.tags,
            d.summary.doc_type,
            d.collection,
            d.summary.versions,
        )
    };
    assert_eq!(detail(&bo), detail(&ann));
    assert_eq!(detail(&bo).4, 2);
    assert_eq!(content(&bo, doc, Some(1)), text);
    let theirs = ann.version(doc, None).unwrap();
    assert_eq!(theirs.content_key, Some(key));
    assert!(matches!(
        cy.write_version(&theirs, &mut Vec::new()),
        Err(Error::CollectionKeyUnavailable { .. })
    ));
    assert!(cy.held_batches().unwrap().is_empty());
    assert!(bo.verify(&mut |_| {}).unwrap().is_clean());

    // A record filed in a collection before it had keys is sealed under its first key
    // once a department member is given it.
    let report = import(
        &mut ann,
        &[write(t.path(), "recital.txt", b"spring recital programme")],
        &ImportOptions::default(),
    );
    let recital = imported(&report)[0];
    ann.set_field(
        recital,
        FieldKey::Collection,
        Some(FieldValue::Text("Music".into())),
    )
    .unwrap();
    assert_eq!(in_all(&ann, recital).collection, "all");
    ann.add_person(
        "Di",
        "di's own passphrase",
        FAST,
        Role::DepartmentStaff,
        &["Music".into()],
    )
    .unwrap();
    let key = ann.version(recital, None).unwrap().content_key.unwrap();
    assert_eq!((key.collection.as_str(), key.epoch), ("Music", 0));
    assert_eq!(content(&ann, recital, None), b"spring recital programme");
    let sent = super::journal_keys::sealed(&mut ann);
    super::journal_keys::deliver(&ann, &sent, &mut cy).unwrap();
    share_packs(&ann, &cy);
    assert!(!listed(&cy, recital));
    assert!(matches!(
        cy.write_version(&ann.version(recital, None).unwrap(), &mut Vec::new()),
        Err(Error::CollectionKeyUnavailable { .. })
    ));
}

/// A department member holds the library's own key (through the key slot their desktop
/// joins with): from the first one on, "all" has keys of its own, not sealed to them, and
/// records filed in it before are sealed again under those keys, so a department
/// member's desktop that joins from a checkpoint learns nothing of them, title or content.
#[test]
fn from_the_first_department_member_on_records_filed_in_all_are_sealed_under_its_own_keys() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    // One record filed before the library had people (its operations signed by no one),
    // one after.
    let early = imported(&import(
        &mut ann,
        &[write(
            t.path(),
            "quimby-roll.txt",
            b"roll of year 7, before people",
        )],
        &ImportOptions::default(),
    ))[0];
    ann.become_owner("Ann", ANN, FAST).unwrap();
    let text = b"year 11 exam results, every subject";
    let doc = imported(&import(
        &mut ann,
        &[write(t.path(), "quimby-results.txt", text)],
        &ImportOptions::default(),
    ))[0];
    assert_eq!(ann.version(doc, None).unwrap().content_key, None);
    assert!(!readable(&ann).contains_key("all"));

    ann.add_person("Bo", BO, FAST, Role::DepartmentStaff, &science())
        .unwrap();
    for d in [doc, early] {
        let key = ann.version(d, None).unwrap().content_key.unwrap();
        assert_eq!((key.collection.as_str(), key.epoch), ("all", 0));
    }
    assert_eq!(content(&ann, doc, None), text);
    let registry = ann.registry().unwrap().unwrap();
    let bo_id = registry
        .members()
        .find(|g| g.identity.name == "Bo")
        .unwrap()
        .identity
        .member;
    assert!(!newest(&ann, "all").readers.contains(&bo_id));

    // Bo's desktop joins from a checkpoint written once Ann's desktop sent everything,
    // with every epoch object.
    super::journal_keys::sealed(&mut ann);
    let (name, body) = ann.seal_checkpoint().unwrap().unwrap();
    let (covered, device) = dossier_core::parse_checkpoint_name(&name).unwrap();
    let mut bo = Library::join(
        &t.path().join("bo"),
        &[(0, ann.key_object(0).unwrap())],
        &person("Bo", BO),
    )
    .unwrap();
    super::journal_keys::epoch_objects(&ann, &bo);
    for s in bo.open_checkpoint(covered, device, &body).unwrap() {
        bo.apply_segment(&s).unwrap();
    }
    assert!(bo.registry().unwrap().unwrap().current(bo_id).is_some());
    assert!(super::journal_keys::titles(&bo).is_empty());
    share_packs(&ann, &bo);
    for d in [doc, early] {
        let refused = bo.write_version(&ann.version(d, None).unwrap(), &mut Vec::new());
        assert!(
            matches!(&refused, Err(Error::CollectionKeyUnavailable { collection }) if collection == "all"),
            "{refused:?}"
        );
    }
    // On the bytes: his own keys open no key of "all".
    let objects = ann.catalog().collection_keys().unwrap();
    assert!(matches!(
        open_epochs(&registry, &identity(&ann, "Bo", BO), "all", &objects),
        Err(Error::NotPermitted { .. })
    ));
}

/// Everyone who joins is given the library's own key, under which "all" is sealed while
/// every member reads every record. Once one of them leaves, "all" gets keys of its own,
/// sealed to the people who read every record now: what is filed after is unreadable to
/// the person who left (their copy of the library's key opens only what came before).
#[test]
fn once_someone_leaves_records_filed_in_all_are_sealed_under_a_key_they_were_not_given() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    for (name, passphrase) in [("Dan", DAN), ("Eve", EVE)] {
        ann.add_person(name, passphrase, FAST, Role::RegistrarStaff, &[])
            .unwrap();
    }
    let mut dan = joined(&mut ann, &t.path().join("dan"), "Dan", DAN);
    let mut eve = joined(&mut ann, &t.path().join("eve"), "Eve", EVE);
    relay(&mut ann, &mut [&mut dan, &mut eve]);
    let before = b"class list of year 9, autumn term";
    let old = imported(&import(
        &mut ann,
        &[write(t.path(), "before.txt", before)],
        &ImportOptions::default(),
    ))[0];
    // A record filed in Finance, a collection no department member was given: sealed
    // like "all", whose readers are the same people.
    let budget = filed(
        &mut ann,
        t.path(),
        "budget.txt",
        b"budget 2026, first draft",
        "Finance",
    );
    // While everyone given the library's key still reads every record, "all" has none.
    for doc in [old, budget] {
        assert_eq!(ann.version(doc, None).unwrap().content_key, None);
    }
    assert!(!readable(&ann).contains_key("all"));
    // Every desktop holds the erasure key while Dan is still a member (where a keyring
    // holds them): records' own keys reach his desktop as they reach Eve's.
    settle_erasure(&mut [&mut ann, &mut dan, &mut eve]);

    let dan_id = dan.person().unwrap().member;
    let dan_keys = identity(&ann, "Dan", DAN);
    ann.remove_person(dan_id).unwrap();
    let all = newest(&ann, "all");
    assert_eq!(all.epoch, 0);
    assert!(!all.readers.contains(&dan_id));
    assert!(all.readers.contains(&eve.person().unwrap().member));
    assert_eq!(all.readable, [0]);

    let after = b"disciplinary note filed after Dan left";
    let new = imported(&import(
        &mut ann,
        &[write(t.path(), "after.txt", after)],
        &ImportOptions::default(),
    ))[0];
    let key = ann.version(new, None).unwrap().content_key.unwrap();
    assert_eq!((key.collection.as_str(), key.epoch), ("all", 0));
    assert_eq!(content(&ann, new, None), after);
    // A new version of a record filed before is sealed under the new key too.
    let v2 = write(
        t.path(),
        "before-v2.txt",
        b"class list of year 9, corrected",
    );
    ann.add_version(old, &v2, None, &mut |_| {}).unwrap();
    assert_eq!(
        ann.version(old, None).unwrap().content_key,
        Some(key.clone())
    );
    // So is one of a record in Finance, which has no keys of its own.
    let b2 = write(t.path(), "budget-v2.txt", b"budget 2026, as voted");
    ann.add_version(budget, &b2, None, &mut |_| {}).unwrap();
    assert_eq!(
        ann.version(budget, None).unwrap().content_key,
        Some(key.clone())
    );
    assert!(!readable(&ann).contains_key("Finance"));

    // Dan's desktop receives everything (as from a bucket he still has credentials for):
    // what was filed before still opens with his copy of the library's key; nothing
    // after does, and on the bytes his own keys open no key of "all".
    // Eve, who stays, reads all of it.
    relay(&mut ann, &mut [&mut dan, &mut eve]);
    settle_erasure(&mut [&mut ann, &mut dan, &mut eve]);
    share_packs(&ann, &dan);
    share_packs(&ann, &eve);
    assert_eq!(content(&dan, old, Some(1)), before);
    assert_eq!(content(&dan, budget, Some(1)), b"budget 2026, first draft");
    for doc in [new, old, budget] {
        let version = ann.version(doc, None).unwrap();
        let refused = dan.write_version(&version, &mut Vec::new());
        assert!(
            matches!(&refused, Err(Error::CollectionKeyUnavailable { collection }) if collection == "all"),
            "{refused:?}"
        );
        assert_eq!(content(&eve, doc, None), content(&ann, doc, None));
    }
    assert_eq!(content(&eve, new, None), after);
    let registry = ann.registry().unwrap().unwrap();
    let sealed = ann.catalog().collection_keys().unwrap();
    assert!(matches!(
        open_epochs(&registry, &dan_keys, "all", &sealed),
        Err(Error::NotPermitted { .. })
    ));
    // Nothing to re-seal: the records filed before stay under the library's key.
    assert_eq!(ann.reconcile_sealing().unwrap(), 0);
}

/// A desktop signed in as `who`, joined with `ann`'s key object, that has applied every
/// segment `ann`'s desktop had sent before it joined.
pub(super) fn joined(ann: &mut Library, dir: &Path, who: &str, passphrase: &str) -> Library {
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut lib = Library::join(dir, &objects, &person(who, passphrase)).unwrap();
    super::journal_keys::epoch_objects(ann, &lib);
    let device = ann.device_id();
    let sent = ann.segments().unwrap().get(&device).copied().unwrap_or(0);
    for seq in 1..=sent {
        let body = ann.rebuild_segment(device, seq).unwrap().unwrap();
        let segment = lib.open_segment(device, seq, &body).unwrap();
        lib.apply_segment(&segment).unwrap();
    }
    lib
}

/// `lib` closed and opened again by `who`: no key opened before counts.
fn signed_in_again(lib: Library, who: &str, passphrase: &str) -> Library {
    let root = lib.root().to_path_buf();
    drop(lib);
    LockedLibrary::open(&root, Access::Write)
        .unwrap()
        .unlock(&person(who, passphrase))
        .unwrap()
}

/// The keys an owner made keep counting once they step down: the records sealed under
/// them stay readable to every reader, and the next epoch, if one is due, follows them
/// (a new first key would leave those records sealed under a key no one is given).
#[test]
fn a_collections_keys_keep_counting_after_the_owner_who_made_them_steps_down() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _, _) = school(t.path());
    let registry = ann.registry().unwrap().unwrap();
    let dan_id = registry
        .members()
        .find(|g| g.identity.name == "Dan")
        .unwrap()
        .identity
        .member;
    ann.set_role(dan_id, Role::Owner, &[]).unwrap();
    let mut dan = joined(&mut ann, &t.path().join("dan"), "Dan", DAN);
    relay(&mut ann, &mut [&mut dan]);

    // Dan, an owner, gives Eve History: his desktop makes History's first key, and he
    // files a record there.
    let history = vec!["History".to_string()];
    dan.add_person("Eve", EVE, FAST, Role::DepartmentStaff, &history)
        .unwrap();
    let text = b"history department trip consent forms";
    let doc = filed(&mut dan, t.path(), "consent.txt", text, "History");
    let first = newest(&dan, "History");
    let key = dan.version(doc, None).unwrap().content_key.unwrap();
    assert_eq!(
        (key.collection.as_str(), key.epoch),
        ("History", first.epoch)
    );
    relay(&mut dan, &mut [&mut ann]);
    settle_erasure(&mut [&mut dan, &mut ann]);
    share_packs(&dan, &ann);
    assert_eq!(content(&ann, doc, None), text);

    // Ann makes Dan registrar staff: he still reads History, so no new key is due, and
    // the keys he made still open its records.
    let objects = |lib: &Library| lib.catalog().collection_keys().unwrap().len();
    let before = objects(&ann);
    ann.set_role(dan_id, Role::RegistrarStaff, &[]).unwrap();
    ann.keep_keys().unwrap();
    assert_eq!(objects(&ann), before);
    assert_eq!(newest(&ann, "History"), first);
    // Opened afresh, so no key opened before counts.
    let mut ann = signed_in_again(ann, "Ann", ANN);
    assert_eq!(content(&ann, doc, None), text);
    relay(&mut ann, &mut [&mut dan]);
    let mut dan = signed_in_again(dan, "Dan", DAN);
    assert_eq!(content(&dan, doc, None), text);

    // Eve leaves: Ann's desktop makes the next epoch on top of Dan's, so one history
    // opens, and a new version goes under the new key.
    let eve_id = ann
        .registry()
        .unwrap()
        .unwrap()
        .members()
        .find(|g| g.identity.name == "Eve")
        .unwrap()
        .identity
        .member;
    ann.remove_person(eve_id).unwrap();
    let next = first.epoch + 1;
    assert_eq!(newest(&ann, "History").epoch, next);
    assert_eq!(readable(&ann)["History"], (0..=next).collect::<Vec<_>>());
    let later = b"history department trip consent forms, spring";
    let v2 = write(t.path(), "consent-2.txt", later);
    ann.add_version(doc, &v2, None, &mut |_| {}).unwrap();
    let key = ann.version(doc, None).unwrap().content_key.unwrap();
    assert_eq!((key.collection.as_str(), key.epoch), ("History", next));
    relay(&mut ann, &mut [&mut dan]);
    share_packs(&ann, &dan);
    let dan = signed_in_again(dan, "Dan", DAN);
    assert_eq!(content(&dan, doc, Some(1)), text);
    assert_eq!(content(&dan, doc, None), later);
    assert!(dan.held_batches().unwrap().is_empty());
    assert!(ann.held_batches().unwrap().is_empty());
}

/// An owner cannot give themself new keys (the statement would be signed with the keys it
/// retires, and refused): they are told so, and nothing changes.
#[test]
fn an_owner_is_told_to_change_their_passphrase_rather_than_give_themself_new_keys() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _, _) = school(t.path());
    let me = ann.person().unwrap().member;
    let before = ann.registry().unwrap().unwrap().seq();
    let refused = ann.reset_person(me, "ann's new passphrase", FAST);
    assert!(
        matches!(&refused, Err(Error::MemberChangeRefused { reason }) if reason.contains("change your passphrase")),
        "{refused:?}"
    );
    assert_eq!(ann.registry().unwrap().unwrap().seq(), before);
    assert!(ann.held_batches().unwrap().is_empty());
}
