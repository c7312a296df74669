//! Journal segments in parts (issue 21, "a journal per scope"): department staff hold
//! every segment and open only the library's own operations and their collections'
//! parts; another collection's records, titles included, are neither in what they can
//! open, nor in their catalog or search. A part they could not open is kept as it came:
//! their desktop sends the segment again, or a checkpoint of it, unchanged, and opens
//! the part once they are given its collection.

use dossier_core::{MemberId, Role, SearchRequest};

use super::collection_keys::{BO, school};
use super::journal_keys::{deliver, sealed, titles};
use super::signed::person;
use super::*;
use dossier_core::Segment;

/// How many records `lib`'s search finds for `words`, once its jobs ran (indexing).
fn found(lib: &mut Library, words: &str) -> u64 {
    lib.process(&super::processing(), &mut |_| {}).unwrap();
    lib.search(&SearchRequest {
        query: words.into(),
        ..Default::default()
    })
    .unwrap()
    .total
}

fn member(lib: &Library, name: &str) -> MemberId {
    lib.people()
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap()
        .member
}

#[test]
fn department_staff_open_only_the_parts_of_their_collections() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mut ann, mut bo, mut cy) = school(dir);
    // Cy (Admissions) files a letter; Bo (Science) a lab report.
    import(
        &mut cy,
        &[write(
            dir,
            "quimby-admission-letter.txt",
            b"offer of a place",
        )],
        &ImportOptions::default(),
    );
    let hers = sealed(&mut cy);
    import(
        &mut bo,
        &[write(dir, "titration-lab-report.txt", b"titration results")],
        &ImportOptions::default(),
    );
    let his = sealed(&mut bo);

    // On the bytes: the title is in no segment; Bo's desktop opens Cy's with the
    // Admissions part withheld, and nothing of the letter in what it opened.
    for (s, body) in &hers {
        assert!(!body.windows(6).any(|w| w == b"quimby"));
        let opened = bo.open_segment(s.device, s.seq, body).unwrap();
        let w = opened.withheld.as_ref().expect("a part sealed to others");
        assert!(w.parts.iter().all(|p| p.key.collection == "Admissions"));
        let json = serde_json::to_string(&opened.ops).unwrap();
        assert!(!json.contains("quimby"), "{json}");
    }
    deliver(&cy, &hers, &mut bo).unwrap();
    deliver(&bo, &his, &mut cy).unwrap();
    // Neither sees the other's record: not in the catalog, not in search.
    assert!(!titles(&bo).contains(&"quimby-admission-letter".to_string()));
    assert_eq!(found(&mut bo, "quimby"), 0);
    assert!(!titles(&cy).contains(&"titration-lab-report".to_string()));
    assert_eq!(found(&mut cy, "titration"), 0);
    // Their own records they see.
    assert_eq!(found(&mut bo, "titration"), 1);
    assert_eq!(found(&mut cy, "quimby"), 1);
    // The owner reads both, every part opened and checked against the digest.
    deliver(&cy, &hers, &mut ann).unwrap();
    deliver(&bo, &his, &mut ann).unwrap();
    assert_eq!(found(&mut ann, "quimby"), 1);
    assert_eq!(found(&mut ann, "titration"), 1);

    // Bo's catalog is lost and rebuilt from his store journal: the part withheld and the
    // segment's digest are still there (what follows sends the segment again from them).
    let withheld = bo.catalog().withheld_segments().unwrap();
    assert_eq!(withheld.len(), hers.len());
    let root = bo.root().to_path_buf();
    drop(bo);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(root.join(format!("catalog.sqlite{suffix}")));
    }
    let repair = dossier_core::CatalogRepair::open(&root).unwrap();
    let key = repair.unlock(&person("Bo", BO)).unwrap();
    let (rebuilt, report) = repair.rebuild_catalog(key, &mut |_| {}).unwrap();
    assert!(report.missing_segments.is_empty(), "{report:?}");
    drop(rebuilt);
    let mut bo = LockedLibrary::open(&root, Access::Write)
        .unwrap()
        .unlock(&person("Bo", BO))
        .unwrap();
    assert_eq!(bo.catalog().withheld_segments().unwrap(), withheld);
    assert_eq!(found(&mut bo, "titration"), 1);

    // Bo's desktop sends Cy's segment again as it came (a provider lost it), and writes
    // a checkpoint of it: the owner opens both whole.
    let (s, _) = &hers[0];
    let again = bo.rebuild_segment(s.device, s.seq).unwrap().unwrap();
    let opened = ann.open_segment(s.device, s.seq, &again).unwrap();
    assert!(opened.withheld.is_none());
    assert_eq!(&opened, s);
    let (name, body) = bo.seal_checkpoint().unwrap().unwrap();
    assert!(!body.windows(6).any(|w| w == b"quimby"));
    let (covered, device) = dossier_core::parse_checkpoint_name(&name).unwrap();
    let whole = ann.open_checkpoint(covered, device, &body).unwrap();
    assert!(whole.iter().all(|s| s.withheld.is_none()));
    assert!(whole.contains(s));

    // Bo is given Admissions too: once the keys reach his desktop, the part opens.
    let bo_id = member(&ann, "Bo");
    ann.set_role(
        bo_id,
        Role::DepartmentStaff,
        &["Science".into(), "Admissions".into()],
    )
    .unwrap();
    let grant = sealed(&mut ann);
    deliver(&ann, &grant, &mut bo).unwrap();
    assert!(titles(&bo).contains(&"quimby-admission-letter".to_string()));
    assert_eq!(found(&mut bo, "quimby"), 1);
    assert!(bo.catalog().withheld_segments().unwrap().is_empty());
    assert!(bo.verify(&mut |_| {}).unwrap().is_clean());
}

/// `tests/fixtures/journal-parts-v1` (written once: a segment of format 3 in which Bo
/// Park's record of Science is in a part under Science's key) keeps opening: whole for
/// the owner and for Bo, with Science's part withheld for Cy Diaz (Admissions), who finds
/// nothing of the record in what she opens.
#[test]
fn the_journal_parts_fixture_still_opens_for_each_reader_as_before() {
    let t = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/journal-parts-v1");
    copy_dir(&fixture.join("library"), &t.path().join("lib"));
    let journal = fixture.join("journal");
    let device_dir = std::fs::read_dir(&journal)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let device: dossier_core::DeviceId = device_dir.file_name().to_str().unwrap().parse().unwrap();
    let body = std::fs::read(device_dir.path().join("000000000001")).unwrap();
    assert!(body.starts_with(b"DOSJRNL3"));
    assert!(!body.windows(6).any(|w| w == b"quimby"));
    for (who, passphrase, whole) in [
        ("Ann Lee", "ann fixture passphrase", true),
        ("Bo Park", "bo fixture passphrase", true),
        ("Cy Diaz", "cy fixture passphrase", false),
    ] {
        let lib = LockedLibrary::open(&t.path().join("lib"), Access::Write)
            .unwrap()
            .sign_in(who, passphrase)
            .unwrap();
        let opened = lib.open_segment(device, 1, &body).unwrap();
        let mut sent = lib.next_segment().unwrap().unwrap();
        // Written before segments carried their audit chain's head.
        sent.link.as_mut().unwrap().audit = None;
        assert_eq!(opened.digest().unwrap(), sent.digest().unwrap(), "{who}");
        if whole {
            assert_eq!(opened, sent, "{who}");
        } else {
            let w = opened.withheld.as_ref().expect("Science's part withheld");
            assert!(w.parts.iter().all(|p| p.key.collection == "Science"));
            assert!(opened.ops.iter().all(|op| sent.ops.contains(op)));
            let json = serde_json::to_string(&opened.ops).unwrap();
            assert!(!json.contains("quimby"), "{json}");
        }
    }
}

/// A desktop holding a move in its own collection's part, and the other collection's
/// part as it came, sends the segment again, and writes a checkpoint of it, with the move
/// in those two parts: never in the header, which every member opens.
#[test]
fn a_desktop_sending_a_move_again_keeps_it_out_of_the_header() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mut ann, mut bo, mut cy) = school(dir);
    ann.add_person(
        "Hal",
        "hal's own passphrase",
        FAST,
        Role::DepartmentStaff,
        &["History".into()],
    )
    .unwrap();
    let hal =
        super::collection_keys::joined(&mut ann, &dir.join("hal"), "Hal", "hal's own passphrase");
    let keys = sealed(&mut ann);
    deliver(&ann, &keys, &mut bo).unwrap();
    deliver(&ann, &keys, &mut cy).unwrap();
    let doc = imported(&import(
        &mut bo,
        &[write(dir, "lab-safety.txt", b"lab safety rules")],
        &ImportOptions::default(),
    ))[0];
    let his = sealed(&mut bo);
    deliver(&bo, &his, &mut ann).unwrap();
    super::collection_keys::share_packs(&bo, &ann);
    // Ann moves Bo's record to Admissions: one batch, in Science's and Admissions' parts.
    ann.set_field(
        doc,
        dossier_core::FieldKey::Collection,
        Some(dossier_core::FieldValue::Text("Admissions".into())),
    )
    .unwrap();
    let moved = sealed(&mut ann);
    deliver(&ann, &moved, &mut bo).unwrap();
    let about = |lib: &Library, s: &Segment, body: &[u8]| {
        let opened = lib.open_segment(s.device, s.seq, body).unwrap();
        serde_json::to_string(&opened.ops)
            .unwrap()
            .contains(&doc.to_string())
    };
    let mut again = 0;
    for (s, body) in &moved {
        assert!(!about(&hal, s, body));
        let Some(rebuilt) = bo.rebuild_segment(s.device, s.seq).unwrap() else {
            continue;
        };
        again += 1;
        assert!(!about(&hal, s, &rebuilt), "the move reached the header");
        assert_eq!(&ann.open_segment(s.device, s.seq, &rebuilt).unwrap(), s);
    }
    assert!(again > 0);
    let (name, body) = bo.seal_checkpoint().unwrap().unwrap();
    let (covered, device) = dossier_core::parse_checkpoint_name(&name).unwrap();
    let hals = hal.open_checkpoint(covered, device, &body).unwrap();
    assert!(
        !serde_json::to_string(&hals)
            .unwrap()
            .contains(&doc.to_string())
    );
    let whole = ann.open_checkpoint(covered, device, &body).unwrap();
    assert!(moved.iter().all(|(s, _)| whole.contains(s)));
}
