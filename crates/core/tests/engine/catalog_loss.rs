//! A catalog that is missing, empty, damaged or older than the store is never written to
//! and costs no pack; the store journal alone rebuilds it, whole.

use std::collections::BTreeSet;

use dossier_core::{CatalogProblem, CatalogRepair, FieldKey, FieldValue, Listing};
use serde_json::{Value, json};

use super::*;

fn root(dir: &Path) -> PathBuf {
    dir.join("lib")
}

/// Every pack file under `store/` (in `packs/` or in quarantine), by name and size.
fn packs_on_disk(dir: &Path) -> BTreeSet<(String, u64)> {
    let mut out = BTreeSet::new();
    let mut stack = vec![
        root(dir).join("store/packs"),
        root(dir).join("store/quarantine"),
    ];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                out.insert((e.file_name().to_string_lossy().into_owned(), m.len()));
            }
        }
    }
    out
}

/// What a user can see of the library: every document with its details, versions and
/// their bytes, and the audit trail.
fn state(lib: &Library) -> Value {
    let mut docs = Vec::new();
    for d in lib.catalog().list(Listing::All).unwrap() {
        let detail = lib.catalog().document(d.id).unwrap();
        let versions = lib.catalog().versions(d.id).unwrap();
        let bytes: Vec<String> = versions
            .iter()
            .map(|v| {
                let mut out = Vec::new();
                lib.write_version(v, &mut out).unwrap();
                blake3::hash(&out).to_hex().to_string()
            })
            .collect();
        docs.push(json!({ "detail": detail, "versions": versions, "bytes": bytes }));
    }
    json!({ "docs": docs, "audit": lib.catalog().audit(None).unwrap() })
}

/// A library with documents, versions, tags, fields, a hold and a trashed document,
/// made over several transactions.
fn populated(dir: &Path) -> Library {
    let (mut lib, _) = create(dir);
    let files: Vec<PathBuf> = (0..6)
        .map(|i| {
            write(
                &dir.join("in"),
                &format!("record-{i}.bin"),
                &noise(150_000 + i * 7_000, i as u64 + 11),
            )
        })
        .collect();
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    assert_eq!(docs.len(), 6);
    lib.tag(docs[0], &["transcript".into(), "2024".into()], &[])
        .unwrap();
    lib.set_field(
        docs[1],
        FieldKey::SubjectId,
        Some(FieldValue::Text("1234567".into())),
    )
    .unwrap();
    lib.place_legal_hold(docs[2], Some("case 14")).unwrap();
    lib.trash(docs[3]).unwrap();
    let newer = write(&dir.join("in"), "record-0-signed.bin", &noise(90_000, 99));
    lib.add_version(docs[0], &newer, Some("signed".into()), &mut |_| {})
        .unwrap();
    lib
}

fn rebuild(dir: &Path) -> (Library, dossier_core::RebuildReport) {
    let repair = CatalogRepair::open(&root(dir)).unwrap();
    let key = repair.unlock(&secret(PASS)).unwrap();
    repair.rebuild_catalog(key, &mut |_| {}).unwrap()
}

fn refused(dir: &Path) -> CatalogProblem {
    match LockedLibrary::open(&root(dir), Access::Write).and_then(|l| l.unlock(&secret(PASS))) {
        Err(Error::CatalogUnusable { problem, .. }) => problem,
        Err(e) => panic!("refused with another error: {e}"),
        Ok(_) => panic!("a damaged catalog was opened for writing"),
    }
}

fn catalog_file(dir: &Path, suffix: &str) -> PathBuf {
    root(dir).join(format!("catalog.sqlite{suffix}"))
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    Deleted,
    DeletedWalKept,
    Truncated,
    Emptied,
    Junk,
}

#[test]
fn a_missing_or_damaged_catalog_is_refused_and_rebuilt_from_the_store() {
    for damage in [
        Damage::Deleted,
        Damage::DeletedWalKept,
        Damage::Truncated,
        Damage::Emptied,
        Damage::Junk,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let lib = populated(dir.path());
        let before = state(&lib);
        // A copy of the write-ahead log while it holds the latest transactions.
        let wal = std::fs::read(catalog_file(dir.path(), "-wal")).unwrap();
        drop(lib);
        let packs = packs_on_disk(dir.path());
        let main = catalog_file(dir.path(), "");
        match damage {
            Damage::Deleted => std::fs::remove_file(&main).unwrap(),
            Damage::DeletedWalKept => {
                std::fs::remove_file(&main).unwrap();
                std::fs::write(catalog_file(dir.path(), "-wal"), &wal).unwrap();
            }
            Damage::Truncated => {
                let len = std::fs::metadata(&main).unwrap().len();
                let f = std::fs::OpenOptions::new().write(true).open(&main).unwrap();
                f.set_len(len / 3).unwrap();
            }
            Damage::Emptied => std::fs::write(&main, b"").unwrap(),
            Damage::Junk => std::fs::write(&main, noise(64 * 1024, 5)).unwrap(),
        }
        let problem = refused(dir.path());
        match damage {
            Damage::Deleted | Damage::DeletedWalKept => {
                assert!(matches!(problem, CatalogProblem::Missing), "{problem:?}")
            }
            Damage::Emptied => assert!(matches!(problem, CatalogProblem::Empty), "{problem:?}"),
            Damage::Truncated | Damage::Junk => assert!(
                matches!(problem, CatalogProblem::Unreadable(_)),
                "{damage:?}: {problem:?}"
            ),
        }
        // Refused twice over: nothing moved, nothing deleted.
        refused(dir.path());
        assert_eq!(packs_on_disk(dir.path()), packs, "{damage:?}");

        let (lib, report) = rebuild(dir.path());
        assert!(report.missing_segments.is_empty() && report.damaged_segments.is_empty());
        assert_eq!(state(&lib), before, "{damage:?}");
        assert!(lib.verify(&mut |_| {}).unwrap().is_clean());
        // The damaged catalog is kept aside, never deleted.
        if !matches!(damage, Damage::Deleted) {
            let aside = report.set_aside.expect("the old catalog set aside");
            assert!(aside.read_dir().unwrap().count() >= 1);
        }
        drop(lib);
        // And the rebuilt library opens normally and takes new work.
        let mut lib = reopen(dir.path(), Access::Write);
        let more = write(&dir.path().join("in"), "after.bin", &noise(10_000, 123));
        assert_eq!(
            imported(&import(&mut lib, &[more], &ImportOptions::default())).len(),
            1
        );
    }
}

#[test]
fn an_older_catalog_with_or_without_its_wal_is_refused_and_the_store_has_the_rest() {
    for with_wal in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (mut lib, _) = create(dir.path());
        let first = write(&dir.path().join("in"), "first.bin", &noise(200_000, 1));
        import(&mut lib, &[first], &ImportOptions::default());
        // A backup taken while the library is open: the main file, and maybe its WAL.
        let backup = dir.path().join("backup");
        std::fs::create_dir_all(&backup).unwrap();
        let suffixes: &[&str] = if with_wal { &["", "-wal"] } else { &[""] };
        for s in suffixes {
            std::fs::copy(
                catalog_file(dir.path(), s),
                backup.join(s.to_string() + "x"),
            )
            .unwrap();
        }
        let later = write(&dir.path().join("in"), "later.bin", &noise(300_000, 2));
        let docs = imported(&import(&mut lib, &[later], &ImportOptions::default()));
        lib.tag(docs[0], &["later".into()], &[]).unwrap();
        let before = state(&lib);
        drop(lib);
        let packs = packs_on_disk(dir.path());
        for s in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(catalog_file(dir.path(), s));
        }
        for s in suffixes {
            std::fs::copy(
                backup.join(s.to_string() + "x"),
                catalog_file(dir.path(), s),
            )
            .unwrap();
        }
        let problem = refused(dir.path());
        assert!(
            matches!(
                problem,
                CatalogProblem::Behind { .. } | CatalogProblem::Empty
            ),
            "with_wal {with_wal}: {problem:?}"
        );
        assert_eq!(packs_on_disk(dir.path()), packs);
        let (lib, _) = rebuild(dir.path());
        assert_eq!(state(&lib), before, "with_wal {with_wal}");
    }
}

#[test]
fn a_store_segment_lost_after_its_commit_is_written_again_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let lib = populated(dir.path());
    let device = lib.device_id();
    drop(lib);
    let journal = root(dir.path())
        .join("store/journal")
        .join(device.to_string());
    let mut files: Vec<_> = std::fs::read_dir(&journal)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let last = files.last().unwrap().clone();
    let body = std::fs::read(&last).unwrap();
    // As if the process died between the catalog's commit and the segment's write.
    std::fs::remove_file(&last).unwrap();
    let lib = reopen(dir.path(), Access::Write);
    assert_eq!(std::fs::read(&last).unwrap().len(), body.len());
    drop(lib);
    // Nothing in the journal is readable without the key.
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(!bytes.windows(7).any(|w| w == b"1234567"));
        assert!(!bytes.windows(10).any(|w| w == b"transcript"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&last).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "store segments are private: {mode:o}");
    }
}

#[test]
fn unknown_packs_go_to_quarantine_and_prune_deletes_them_only_when_proven_unneeded() {
    let dir = tempfile::tempdir().unwrap();
    let lib = populated(dir.path());
    drop(lib);
    // A pack an import wrote and never committed (the process died before the commit).
    let stray = format!("{:064x}", 0xabcdefu64);
    let shard = root(dir.path()).join("store/packs").join(&stray[..2]);
    std::fs::create_dir_all(&shard).unwrap();
    std::fs::write(shard.join(&stray), noise(4096, 3)).unwrap();
    let mut lib = reopen(dir.path(), Access::Write);
    assert_eq!(lib.recovered().quarantined_packs, 1);
    let quarantined = root(dir.path()).join("store/quarantine").join(&stray);
    assert!(quarantined.is_file() && !shard.join(&stray).exists());
    let report = lib.prune(&dossier_core::PruneOptions::default()).unwrap();
    assert_eq!(report.quarantine_deleted, 1);
    assert!(!quarantined.exists());
    assert!(lib.verify(&mut |_| {}).unwrap().is_clean());
}

#[test]
fn a_rebuild_that_misses_a_segment_says_so_and_keeps_quarantined_packs() {
    let dir = tempfile::tempdir().unwrap();
    let lib = populated(dir.path());
    let device = lib.device_id();
    // The import's segment: the first, or the second where a keyring holds the erasure
    // keys (the first epoch begins just before the first import).
    let import = match lib.erasure_status().unwrap().current {
        Some(_) => 2,
        None => 1,
    };
    drop(lib);
    let journal = root(dir.path())
        .join("store/journal")
        .join(device.to_string());
    std::fs::remove_file(journal.join(format!("{import:012}"))).unwrap();
    std::fs::remove_file(catalog_file(dir.path(), "")).unwrap();
    let (mut lib, report) = rebuild(dir.path());
    assert_eq!(report.missing_segments, vec![import]);
    // What the lost segment announced is not in the catalog, so its packs wait in
    // quarantine: nothing proves them unneeded.
    let quarantined = lib.recovered().quarantined_packs;
    assert!(
        quarantined >= 1,
        "the import's pack is unknown to the rebuilt catalog"
    );
    let report = lib.prune(&dossier_core::PruneOptions::default()).unwrap();
    assert_eq!(report.quarantine_deleted, 0);
    assert_eq!(report.quarantine_kept as usize, quarantined);
}

#[test]
fn a_rebuild_around_a_damaged_last_segment_leaves_a_library_that_opens_and_writes() {
    let dir = tempfile::tempdir().unwrap();
    let lib = populated(dir.path());
    let device = lib.device_id();
    drop(lib);
    let journal = root(dir.path())
        .join("store/journal")
        .join(device.to_string());
    let mut files: Vec<_> = std::fs::read_dir(&journal)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let last = files.last().unwrap().clone();
    let mut body = std::fs::read(&last).unwrap();
    *body.last_mut().unwrap() ^= 1;
    std::fs::write(&last, &body).unwrap();
    std::fs::remove_file(catalog_file(dir.path(), "")).unwrap();
    let (lib, report) = rebuild(dir.path());
    assert_eq!(report.damaged_segments.len(), 1, "{report:?}");
    drop(lib);
    // The damaged file is still there (never deleted), and the library opens for
    // writing: the number stays taken, new work gets the next one.
    assert_eq!(std::fs::read(&last).unwrap(), body);
    let mut lib = reopen(dir.path(), Access::Write);
    let more = write(&dir.path().join("in"), "after.bin", &noise(10_000, 77));
    assert_eq!(
        imported(&import(&mut lib, &[more], &ImportOptions::default())).len(),
        1
    );
    let report = lib.prune(&dossier_core::PruneOptions::default()).unwrap();
    assert!(
        report.held_back,
        "nothing is collected on an incomplete catalog"
    );
    drop(lib);
    assert_eq!(
        std::fs::read_dir(&journal).unwrap().count(),
        files.len() + 1
    );
}

#[test]
fn a_set_aside_a_crash_interrupted_is_finished_into_the_same_folder() {
    let dir = tempfile::tempdir().unwrap();
    let lib = populated(dir.path());
    let before = state(&lib);
    drop(lib);
    // Stopped while setting the catalog aside: the catalog moved, its WAL not yet.
    std::fs::write(
        catalog_file(dir.path(), "-wal"),
        b"the old catalog's last transactions",
    )
    .unwrap();
    let partial = root(dir.path()).join("catalog-replaced/20260101T000000.000Z.partial");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::rename(catalog_file(dir.path(), ""), partial.join("catalog.sqlite")).unwrap();
    let (lib, report) = rebuild(dir.path());
    assert_eq!(state(&lib), before);
    let aside = report.set_aside.expect("set aside");
    assert_eq!(aside, partial.with_extension(""), "finished where it began");
    let mut names: Vec<String> = aside
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["catalog.sqlite", "catalog.sqlite-wal"]);
    assert_eq!(
        std::fs::read(aside.join("catalog.sqlite-wal")).unwrap(),
        b"the old catalog's last transactions"
    );
    assert_eq!(
        root(dir.path())
            .join("catalog-replaced")
            .read_dir()
            .unwrap()
            .count(),
        1,
        "one folder holds the old catalog whole"
    );
}

#[test]
fn a_library_from_before_the_store_journal_keeps_its_quarantine_through_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library-v1");
    copy_dir(&fixture.join("library"), &root(dir.path()));
    // A pack nothing in the catalog names: it may be content the catalog of those days
    // lost, so only a journal that began with the library could prove it unneeded.
    let stray = format!("{:064x}", 0x5eedu64);
    let shard = root(dir.path()).join("store/packs").join(&stray[..2]);
    std::fs::create_dir_all(&shard).unwrap();
    std::fs::write(shard.join(&stray), noise(4096, 5)).unwrap();
    let pass = secret("fixture passphrase");
    let open = || {
        LockedLibrary::open(&root(dir.path()), Access::Write)
            .unwrap()
            .unlock(&pass)
            .unwrap()
    };
    let mut lib = open();
    assert_eq!(lib.recovered().quarantined_packs, 1);
    assert_eq!(
        lib.catalog().journal_incomplete().unwrap().as_deref(),
        Some("upgraded")
    );
    let report = lib.prune(&dossier_core::PruneOptions::default()).unwrap();
    assert_eq!((report.quarantine_deleted, report.quarantine_kept), (0, 1));
    drop(lib);
    // The catalog is lost and rebuilt from the store journal, which began with the
    // upgrade: the rebuilt catalog must still know that.
    std::fs::remove_file(catalog_file(dir.path(), "")).unwrap();
    let repair = CatalogRepair::open(&root(dir.path())).unwrap();
    let key = repair.unlock(&pass).unwrap();
    let (mut lib, report) = repair.rebuild_catalog(key, &mut |_| {}).unwrap();
    assert!(report.missing_segments.is_empty(), "{report:?}");
    assert_eq!(
        lib.catalog().journal_incomplete().unwrap().as_deref(),
        Some("upgraded")
    );
    let report = lib.prune(&dossier_core::PruneOptions::default()).unwrap();
    assert_eq!(
        report.quarantine_deleted, 0,
        "an unaccounted pack was deleted"
    );
    assert!(
        root(dir.path())
            .join("store/quarantine")
            .join(&stray)
            .is_file()
    );
}
