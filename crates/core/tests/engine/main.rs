//! Integration tests of the library engine through its public API, on real files and a
//! real SQLite catalog in temporary folders.

// A test binary: unwrap() failing is the test failing, with its location.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use dossier_core::{
    Access, Error, ImportOptions, ImportOutcome, InitOptions, KdfParams, Library, LockedLibrary,
    Secret,
};
use zeroize::Zeroizing;

mod at_rest;
mod catalog_loss;
mod collection_keys;
mod deleting;
mod destruction;
mod disclosures;
mod erasure;
mod fixtures;
mod identities;
mod invitations;
mod journal_keys;
mod journal_parts;
mod key_objects;
mod links;
mod members_key;
mod office;
mod pdf_worker;
mod people;
mod retention;
mod rules;
mod scans;
mod signed;
mod subjects;
mod suggest;
mod two_owners;
mod type_fields;
mod views;

const PASS: &str = "correct horse battery";
/// Cheap Argon2 parameters so tests stay quick; production uses `KdfParams::default()`.
const FAST: KdfParams = KdfParams {
    m_cost_kib: 1024,
    t_cost: 1,
    p_cost: 1,
};

/// Processing with this crate's PDF worker (the CLI and the app are their own).
fn processing() -> dossier_core::ProcessOptions {
    let mut opts = dossier_core::ProcessOptions::default();
    opts.tools.pdfium.worker = Some(env!("CARGO_BIN_EXE_dossier-test-pdf-worker").into());
    opts
}

/// The library under `dir` with its catalog deleted and rebuilt from the store.
fn rebuilt_catalog(dir: &Path) -> Library {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("lib/catalog.sqlite{suffix}")));
    }
    let repair = dossier_core::CatalogRepair::open(&dir.join("lib")).unwrap();
    let key = repair.unlock(&secret(PASS)).unwrap();
    repair.rebuild_catalog(key, &mut |_| {}).unwrap().0
}

fn secret(p: &str) -> Secret {
    Secret::Passphrase(Zeroizing::new(p.to_owned()))
}

fn create(dir: &Path) -> (Library, dossier_core::RecoveryKey) {
    Library::create(
        &dir.join("lib"),
        &InitOptions {
            passphrase: Zeroizing::new(PASS.into()),
            kdf: FAST,
        },
    )
    .unwrap()
}

fn reopen(dir: &Path, access: Access) -> Library {
    LockedLibrary::open(&dir.join("lib"), access)
        .unwrap()
        .unlock(&secret(PASS))
        .unwrap()
}

/// Deterministic pseudo-random bytes (xorshift), so sizes and dedup figures are stable.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut s = seed | 1;
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s as u8
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

fn import(
    lib: &mut Library,
    paths: &[PathBuf],
    opts: &ImportOptions,
) -> dossier_core::ImportReport {
    lib.import(paths, opts, &mut |_| {}).unwrap()
}

fn content(lib: &Library, doc: dossier_core::DocId, n: Option<u32>) -> Vec<u8> {
    let v = lib.version(doc, n).unwrap();
    let mut out = Vec::new();
    lib.write_version(&v, &mut out).unwrap();
    out
}

fn imported(r: &dossier_core::ImportReport) -> Vec<dossier_core::DocId> {
    r.files
        .iter()
        .filter_map(|o| {
            if let ImportOutcome::Imported { doc, .. } = o {
                Some(*doc)
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn import_and_read_back_round_trips_content_and_metadata() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let big = noise(3 * 1024 * 1024 + 17, 1);
    let files = t.path().join("in");
    write(&files, "a/scan.bin", &big);
    write(
        &files,
        "a/b/letter.txt",
        b"Dear parent,\nyour child's transcript is attached.\n",
    );
    write(&files, "c.pdf", b"%PDF-1.4\n% a tiny broken pdf");
    let r = import(
        &mut lib,
        std::slice::from_ref(&files),
        &ImportOptions::default(),
    );
    assert_eq!((r.imported, r.duplicates, r.refused), (3, 0, 0), "{r:?}");
    let docs = lib.catalog().list(Default::default()).unwrap();
    assert_eq!(docs.len(), 3);
    let letter = docs.iter().find(|d| d.title == "letter").unwrap();
    assert_eq!(letter.mime, "text/plain");
    assert_eq!(letter.file_name, "letter.txt");
    assert_eq!(
        docs.iter().find(|d| d.title == "c").unwrap().mime,
        "application/pdf"
    );
    let scan = docs.iter().find(|d| d.title == "scan").unwrap();
    assert_eq!(scan.size, big.len() as u64);
    assert_eq!(content(&lib, scan.id, None), big);
    // Survives closing and reopening.
    drop(lib);
    let lib = reopen(t.path(), Access::Read);
    assert_eq!(content(&lib, scan.id, Some(1)), big);
    assert!(lib.verify(&mut |_| {}).unwrap().is_clean());
}

#[test]
fn duplicates_are_reported_and_not_stored_again() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let data = noise(500_000, 2);
    let a = write(t.path(), "one.bin", &data);
    let b = write(t.path(), "copy-of-one.bin", &data);
    let first = import(
        &mut lib,
        std::slice::from_ref(&a),
        &ImportOptions::default(),
    );
    let stored = lib.stats().unwrap().stored_bytes;
    let again = import(&mut lib, &[a.clone(), b.clone()], &ImportOptions::default());
    assert_eq!((again.imported, again.duplicates), (0, 2));
    let ImportOutcome::Duplicate { existing, .. } = &again.files[0] else {
        panic!("{again:?}")
    };
    assert_eq!(*existing, imported(&first)[0]);
    assert_eq!(lib.stats().unwrap().stored_bytes, stored);
    // --allow-duplicates makes a new document. Its content is stored again when records
    // have keys of their own (destroying one copy must not touch the other's), and not
    // otherwise.
    let forced = import(
        &mut lib,
        &[b],
        &ImportOptions {
            allow_duplicates: true,
            workers: 0,
            within: None,
        },
    );
    assert_eq!(forced.imported, 1);
    assert_eq!(lib.stats().unwrap().documents, 2);
    let copy = lib.version(imported(&forced)[0], None).unwrap();
    let grew = lib.stats().unwrap().stored_bytes - stored;
    match copy.record_key {
        Some(_) => assert!(grew >= data.len() as u64, "{grew}"),
        None => assert!(grew < 4096, "{grew}"),
    }
}

#[test]
fn unusable_inputs_are_refused_with_reasons_and_the_rest_imported() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let good = write(t.path(), "good.txt", b"fine");
    let empty = write(t.path(), "empty.txt", b"");
    let missing = t.path().join("missing.pdf");
    let mut inputs = vec![good, empty, missing];
    #[cfg(unix)]
    {
        let fifo = t.path().join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        inputs.push(fifo);
    }
    let r = import(&mut lib, &inputs, &ImportOptions::default());
    assert_eq!(r.imported, 1);
    let reasons: Vec<String> = r
        .files
        .iter()
        .filter_map(|o| {
            if let ImportOutcome::Refused { reason, .. } = o {
                Some(reason.clone())
            } else {
                None
            }
        })
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("empty file")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("no such file")),
        "{reasons:?}"
    );
    #[cfg(unix)]
    assert!(
        reasons.iter().any(|r| r.contains("not a regular file")),
        "{reasons:?}"
    );
}

#[test]
fn a_small_change_to_a_large_file_stores_little() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let mut data = noise(8 * 1024 * 1024, 3);
    let f = write(t.path(), "big.bin", &data);
    let doc = imported(&import(
        &mut lib,
        std::slice::from_ref(&f),
        &ImportOptions::default(),
    ))[0];
    let before = lib.stats().unwrap().stored_bytes;
    data.extend_from_slice(&noise(4096, 4));
    std::fs::write(&f, &data).unwrap();
    let outcome = lib
        .add_version(doc, &f, Some("appended".into()), &mut |_| {})
        .unwrap();
    assert!(
        matches!(outcome, ImportOutcome::Imported { .. }),
        "{outcome:?}"
    );
    let growth = lib.stats().unwrap().stored_bytes - before;
    assert!(
        growth < data.len() as u64 / 20,
        "grew {growth} bytes for a 4 KiB append"
    );
    assert_eq!(content(&lib, doc, None), data);
    assert_eq!(content(&lib, doc, Some(1)), data[..8 * 1024 * 1024]);
    // Restoring version 1 appends version 3 with the old content and no new data.
    let stored = lib.stats().unwrap().stored_bytes;
    lib.restore(doc, 1).unwrap();
    let versions = lib.catalog().versions(doc).unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[2].restored_from, Some(1));
    assert!(versions[2].current);
    assert_eq!(content(&lib, doc, None), data[..8 * 1024 * 1024]);
    assert_eq!(lib.stats().unwrap().stored_bytes, stored);
    // Adding identical content is refused.
    std::fs::write(&f, &data[..8 * 1024 * 1024]).unwrap();
    assert!(matches!(
        lib.add_version(doc, &f, None, &mut |_| {}).unwrap(),
        ImportOutcome::Refused { .. }
    ));
}

#[test]
fn a_flipped_byte_is_found_and_named() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let f = write(t.path(), "record.bin", &noise(300_000, 5));
    let other = write(t.path(), "other.txt", b"other document");
    import(&mut lib, &[f, other], &ImportOptions::default());
    assert!(lib.verify(&mut |_| {}).unwrap().is_clean());
    let pack = walk(&t.path().join("lib/store/packs"))
        .into_iter()
        .next()
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    bytes[100] ^= 0x40;
    std::fs::write(&pack, &bytes).unwrap();
    let report = lib.verify(&mut |_| {}).unwrap();
    assert!(!report.is_clean());
    assert_eq!(report.affected_documents.len(), 1, "{report:?}");
    assert_eq!(report.affected_documents[0].title, "record");
    assert!(!report.damaged_chunks.is_empty());
    // Reading the damaged document fails as an integrity error, not garbage.
    let doc = report.affected_documents[0].id;
    let v = lib.version(doc, None).unwrap();
    assert!(matches!(
        lib.write_version(&v, &mut Vec::new()),
        Err(Error::Integrity { .. })
    ));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out.sort();
    out
}

#[test]
fn locks_keys_and_wrong_secrets() {
    let t = tempfile::tempdir().unwrap();
    let (lib, recovery) = create(t.path());
    // A second writer is refused (within half a second), naming the holder.
    let err = LockedLibrary::open(&t.path().join("lib"), Access::Write).unwrap_err();
    assert!(matches!(err, Error::LibraryInUse { .. }), "{err}");
    assert!(err.to_string().contains("process"), "{err}");
    // Readers are fine while a writer holds the lock.
    LockedLibrary::open(&t.path().join("lib"), Access::Read).unwrap();
    drop(lib);
    let before = std::fs::read(t.path().join("lib/keys.json")).unwrap();
    let locked = LockedLibrary::open(&t.path().join("lib"), Access::Write).unwrap();
    assert!(matches!(
        locked.unlock(&secret("not the passphrase")),
        Err(Error::WrongPassphrase)
    ));
    assert_eq!(
        std::fs::read(t.path().join("lib/keys.json")).unwrap(),
        before
    );
    // The recovery key opens it too, typed with spaces instead of dashes.
    let typed = recovery.display().replace('-', " ");
    let mut lib = LockedLibrary::open(&t.path().join("lib"), Access::Write)
        .unwrap()
        .unlock(&Secret::from_input(&typed).unwrap())
        .unwrap();
    // A second passphrase works; removing the first leaves the second.
    lib.add_passphrase("second passphrase", "clerk", FAST)
        .unwrap();
    let first = lib.key_file().unwrap().slots[0].id.clone();
    lib.remove_slot(&first).unwrap();
    drop(lib);
    let lock = || LockedLibrary::open(&t.path().join("lib"), Access::Read).unwrap();
    assert!(lock().unlock(&secret(PASS)).is_err());
    lock().unlock(&secret("second passphrase")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(t.path().join("lib/keys.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn opening_something_else_is_a_clear_error() {
    let t = tempfile::tempdir().unwrap();
    assert!(matches!(
        LockedLibrary::open(t.path(), Access::Read),
        Err(Error::NotALibrary(_))
    ));
    std::fs::write(t.path().join("x"), b"x").unwrap();
    let r = Library::create(
        t.path(),
        &InitOptions {
            passphrase: Zeroizing::new(PASS.into()),
            kdf: FAST,
        },
    );
    assert!(matches!(r, Err(Error::AlreadyExists(_))));
}

#[test]
fn tags_fields_trash_and_audit() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let f = write(t.path(), "t.txt", b"transcript");
    let doc = imported(&import(&mut lib, &[f], &ImportOptions::default()))[0];
    lib.tag(doc, &["transcript".into(), "2024".into()], &[])
        .unwrap();
    lib.tag(doc, &[], &["2024".into()]).unwrap();
    use dossier_core::{FieldKey, FieldValue};
    lib.set_field(
        doc,
        FieldKey::Type,
        Some(FieldValue::Text("Transcript".into())),
    )
    .unwrap();
    lib.set_field(
        doc,
        FieldKey::from_name("student").unwrap(),
        Some(FieldValue::parse_typed("1234567")),
    )
    .unwrap();
    lib.set_field(
        doc,
        FieldKey::from_name("grade").unwrap(),
        Some(FieldValue::parse_typed("9")),
    )
    .unwrap();
    let d = lib.catalog().document(doc).unwrap();
    assert_eq!(d.summary.tags, vec!["transcript".to_owned()]);
    assert_eq!(d.summary.doc_type.as_deref(), Some("Transcript"));
    assert_eq!(d.summary.subject_id.as_deref(), Some("1234567"));
    assert_eq!(d.fields.get("grade"), Some(&FieldValue::Number(9.0)));
    lib.trash(doc).unwrap();
    assert!(lib.catalog().list(Default::default()).unwrap().is_empty());
    assert!(lib.trash(doc).is_err());
    lib.untrash(doc).unwrap();
    assert_eq!(lib.catalog().list(Default::default()).unwrap().len(), 1);
    let actions: Vec<String> = lib
        .catalog()
        .audit(Some(doc))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "edited",
            "edited",
            "edited",
            "edited",
            "edited",
            "trashed",
            "untrashed"
        ]
    );
    assert!(lib.verify(&mut |_| {}).unwrap().audit_problems.is_empty());
}

#[test]
fn exporting_chosen_documents_never_replaces_files_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let files = [
        write(dir.path(), "c.txt", b"transcript of C"),
        write(dir.path(), "d.txt", b"letter to D"),
        write(dir.path(), "e.txt", b"not chosen"),
    ];
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    let out = dir.path().join("inspection");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("C.TXT"), b"someone else's file").unwrap();
    std::fs::write(out.join("manifest.json"), b"[]").unwrap();
    let mut seen = Vec::new();
    let report = lib
        .export_documents(&docs[..2], &out, &mut |d, t| seen.push((d, t)))
        .unwrap();
    assert_eq!((report.documents, seen.len()), (2, 2));
    assert_eq!(
        std::fs::read(out.join("C.TXT")).unwrap(),
        b"someone else's file"
    );
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), b"[]");
    assert_eq!(
        std::fs::read(out.join("c (2).txt")).unwrap(),
        b"transcript of C"
    );
    assert_eq!(std::fs::read(out.join("d.txt")).unwrap(), b"letter to D");
    assert_eq!(report.manifest, out.join("manifest (2).json"));
    assert!(!out.join("e.txt").exists());
    let exported = lib
        .catalog()
        .audit(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "exported")
        .count();
    assert_eq!(exported, 2);
}

#[test]
fn journal_segments_open_only_in_their_own_library() {
    use dossier_core::Segment;
    let dir = tempfile::tempdir().unwrap();
    let (lib, _) = create(dir.path());
    let other_dir = tempfile::tempdir().unwrap();
    let (other, _) = create(other_dir.path());
    let segment = Segment {
        device: lib.device_id(),
        seq: 1,
        ops: Vec::new(),
        link: None,
        withheld: None,
    };
    let body = lib.seal_segment(&segment).unwrap();
    // The same library (another handle on it) opens it; another library does not.
    assert_eq!(
        lib.reader()
            .unwrap()
            .open_segment(lib.device_id(), 1, &body)
            .unwrap(),
        segment
    );
    assert!(matches!(
        other.open_segment(lib.device_id(), 1, &body),
        Err(Error::Integrity { .. })
    ));
}

#[test]
fn a_reader_sees_the_writers_commits_and_reads_content_while_it_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let reader = lib.reader().unwrap();
    assert!(!reader.is_writer());
    let words = dossier_core::SearchRequest {
        query: "quarterly attendance".into(),
        ..Default::default()
    };
    assert_eq!(reader.search(&words).unwrap().total, 0);
    let file = write(
        dir.path(),
        "attendance.txt",
        b"The quarterly attendance summary for grade 9.",
    );
    let docs = imported(&import(&mut lib, &[file], &ImportOptions::default()));
    lib.process(&processing(), &mut |_| {}).unwrap();
    // The reader opened before the import: it sees the new document and its content.
    let found = reader.search(&words).unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].id, docs[0]);
    assert_eq!(
        content(&reader, docs[0], None),
        b"The quarterly attendance summary for grade 9."
    );
    // A reader cannot change anything.
    let mut reader = reader;
    assert!(matches!(
        reader.tag(docs[0], &["x".into()], &[]),
        Err(Error::ReadOnly)
    ));
}

#[test]
fn processing_with_a_budget_stops_early_and_the_next_run_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let files: Vec<PathBuf> = (0..6)
        .map(|i| {
            write(
                dir.path(),
                &format!("note-{i}.txt"),
                format!("note {i}").as_bytes(),
            )
        })
        .collect();
    import(&mut lib, &files, &ImportOptions::default());
    let sliced = dossier_core::ProcessOptions {
        budget: Some(std::time::Duration::ZERO),
        ..processing()
    };
    let first = lib.process(&sliced, &mut |_| {}).unwrap();
    assert!(first.more_pending);
    assert_eq!(first.done, 0, "a zero budget starts no job");
    let rest = lib.process(&processing(), &mut |_| {}).unwrap();
    assert!(!rest.more_pending);
    // An extract and a thumbnail job per file.
    assert_eq!(rest.done, 12);
}

/// A pack missing from the store is damage until its announcing operation is on the
/// remote; after that it is only "not downloaded" (content fetched by the next sync).
#[test]
fn a_pack_kept_on_the_remote_is_not_damage_when_missing_here() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let file = dir.path().join("letter.txt");
    std::fs::write(&file, "Dear registrar, the transcript follows.\n").unwrap();
    lib.import(&[file], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let segment = lib.next_segment().unwrap().unwrap();
    let pack = segment.packs()[0];
    let path = lib
        .root()
        .join("store/packs")
        .join(&pack.to_hex()[..2])
        .join(pack.to_hex());
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let r = lib.verify(&mut |_| {}).unwrap();
    assert!(!r.is_clean() && r.not_downloaded_packs == 0, "{r:?}");

    lib.mark_sent(&segment).unwrap();
    let r = lib.verify(&mut |_| {}).unwrap();
    assert!(r.is_clean() && r.not_downloaded_packs == 1, "{r:?}");
    assert_eq!(lib.missing_packs().unwrap().len(), 1);
    // Fetched again: checked against its id, then whole.
    let mut wrong = bytes.clone();
    wrong[20] ^= 1;
    assert!(matches!(
        lib.install_pack(&pack, &wrong),
        Err(dossier_core::Error::Integrity { .. })
    ));
    lib.install_pack(&pack, &bytes).unwrap();
    let r = lib.verify(&mut |_| {}).unwrap();
    assert!(r.is_clean() && r.not_downloaded_packs == 0, "{r:?}");
    assert!(lib.missing_packs().unwrap().is_empty());
}

/// The library as it was at a past moment: documents, tags and versions of then, and
/// nothing made later; it opens with the same passphrase and verifies clean.
#[test]
fn the_library_as_it_was_at_a_past_moment() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let first = dir.path().join("first.txt");
    std::fs::write(&first, "Minutes of the September board meeting.\n").unwrap();
    lib.import(&[first], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let doc = lib.catalog().list(Default::default()).unwrap()[0].id;
    lib.tag(doc, &["board".into()], &[]).unwrap();
    // The moment to go back to; everything after it happens in a later millisecond.
    let moment = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    while u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap() <= moment {
        std::thread::yield_now();
    }
    let second = dir.path().join("second.txt");
    std::fs::write(&second, "Minutes of the October board meeting.\n").unwrap();
    lib.import(
        std::slice::from_ref(&second),
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    lib.add_version(doc, &second, None, &mut |_| {}).unwrap();
    lib.tag(doc, &[], &["board".into()]).unwrap();

    let dest = dir.path().join("as-it-was");
    let (copy, report) = lib.restore_library_at(moment, &dest).unwrap();
    assert_eq!((report.documents, report.versions), (1, 1), "{report:?}");
    assert_eq!(report.packs_not_here, 0);
    let docs = copy.catalog().list(Default::default()).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].tags, ["board"]);
    assert_eq!(
        content(&copy, doc, None),
        b"Minutes of the September board meeting.\n"
    );
    assert!(copy.verify(&mut |_| {}).unwrap().is_clean());
    assert_ne!(copy.device_id(), lib.device_id());
    assert_eq!(copy.remote().unwrap(), None);
    drop(copy);
    // Its own library: the passphrase opens it; the original is untouched.
    let reopened = LockedLibrary::open(&dest, Access::Read)
        .unwrap()
        .unlock(&secret(PASS))
        .unwrap();
    assert_eq!(
        reopened.catalog().list(Default::default()).unwrap().len(),
        1
    );
    assert_eq!(lib.catalog().list(Default::default()).unwrap().len(), 2);
    // Not over anything that is there.
    assert!(matches!(
        lib.restore_library_at(moment, &dest),
        Err(dossier_core::Error::AlreadyExists(_))
    ));
}

/// Content kept only on the remote is fetched when processing needs it; offline, the
/// jobs wait (no attempt counted, nothing failed) and run once the remote answers.
#[test]
fn processing_waits_for_content_the_remote_cannot_give_yet() {
    use dossier_core::PackSource;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[derive(Debug)]
    struct Remote {
        packs: std::collections::HashMap<dossier_core::PackId, Vec<u8>>,
        online: AtomicBool,
    }
    impl PackSource for Remote {
        fn fetch(&self, id: &dossier_core::PackId) -> dossier_core::Result<Vec<u8>> {
            if !self.online.load(Ordering::SeqCst) {
                return Err(dossier_core::Error::Fetch {
                    pack: *id,
                    source: Box::new(std::io::Error::other("the network is down")),
                });
            }
            Ok(self.packs[id].clone())
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let file = dir.path().join("attendance.txt");
    std::fs::write(&file, "The quarterly attendance summary for grade 9.\n").unwrap();
    lib.import(&[file], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    // Its pack goes to the "remote" and leaves this desktop.
    let segment = lib.next_segment().unwrap().unwrap();
    lib.mark_sent(&segment).unwrap();
    let mut packs = std::collections::HashMap::new();
    for pack in segment.packs() {
        packs.insert(pack, lib.read_pack(&pack).unwrap());
    }
    lib.set_remote("memory://test").unwrap();
    lib.set_cache_budget(Some(0)).unwrap();
    // Not before a listing of the remote showed it there whole.
    assert_eq!(lib.evict().unwrap().kept_packs, 1);
    let listed: Vec<_> = packs.iter().map(|(id, b)| (*id, b.len() as u64)).collect();
    lib.note_packs_on_remote(&listed).unwrap();
    assert_eq!(lib.evict().unwrap().kept_packs, 0);
    let remote = std::sync::Arc::new(Remote {
        packs,
        online: AtomicBool::new(false),
    });
    lib.set_pack_source(Some(remote.clone()));

    let mut told = Vec::new();
    let offline = lib
        .process(&processing(), &mut |e| {
            if let dossier_core::ProcessEvent::Unavailable { what } = e {
                told.push(what.to_owned());
            }
        })
        .unwrap();
    assert!(
        offline.more_pending && offline.done == 0 && offline.failed == 0,
        "{offline:?}"
    );
    assert!(
        told.iter().any(|w| w.contains("network is down")),
        "{told:?}"
    );

    remote.online.store(true, Ordering::SeqCst);
    let online = lib.process(&processing(), &mut |_| {}).unwrap();
    assert_eq!(
        (online.failed, online.more_pending),
        (0, false),
        "{online:?}"
    );
    assert!(online.done >= 2, "{online:?}");
    let hits = lib
        .search(&dossier_core::SearchRequest {
            query: "attendance".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.total, 1);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest)
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}
