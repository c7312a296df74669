//! Nothing readable at rest: with the library open (its write-ahead log full) and after it
//! closed, no title, file name, passage or student id appears in the catalog's files, the
//! search index, the store or the derived files, and the library's files are private.

use dossier_core::{FieldKey, FieldValue};

use super::*;

const SECRETS: [&str; 4] = [
    "Quetzalcoatl Fairweather",
    "transcript-of-7654321",
    "the applicant demonstrated exceptional quadrivium",
    "7654321",
];

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn assert_nothing_readable(root: &Path) {
    let all = files(root);
    assert!(all.iter().any(|p| p.ends_with("catalog.sqlite")));
    assert!(
        all.iter()
            .any(|p| p.extension().is_some_and(|e| e == "store")),
        "the index holds a document store"
    );
    for p in all {
        let bytes = std::fs::read(&p).unwrap();
        for s in SECRETS {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "{s:?} readable in {}",
                p.display()
            );
        }
    }
}

/// Every folder under `root` (and `root`) is 0700 and every file 0600 on Unix.
fn assert_private(root: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for f in [
            "catalog.sqlite",
            "keys.json",
            "library.json",
            "index",
            "store/tmp",
        ] {
            assert!(root.join(f).exists(), "{f}");
        }
        let mut stack = vec![root.to_owned()];
        while let Some(d) = stack.pop() {
            assert_eq!(mode(&d), 0o700, "{}", d.display());
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    assert_eq!(mode(&p), 0o600, "{}", p.display());
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = root;
}

#[test]
fn catalog_store_and_journal_hold_nothing_readable() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let file = write(
        &dir.path().join("in"),
        "transcript-of-7654321.txt",
        format!(
            "Transcript of Quetzalcoatl Fairweather, student 7654321: {}.",
            SECRETS[2]
        )
        .as_bytes(),
    );
    let doc = imported(&import(&mut lib, &[file], &ImportOptions::default()))[0];
    lib.set_field(
        doc,
        FieldKey::SubjectName,
        Some(FieldValue::Text(SECRETS[0].into())),
    )
    .unwrap();
    let report = lib.process(&processing(), &mut |_| {}).unwrap();
    assert!(report.indexed > 0, "the document was indexed");
    assert!(
        !lib.catalog()
            .texts(lib.catalog().versions(doc).unwrap()[0].id)
            .unwrap()
            .is_empty(),
        "the text was extracted"
    );
    let root = dir.path().join("lib");
    assert!(
        root.join("catalog.sqlite-wal").is_file(),
        "the WAL is in use"
    );
    assert_nothing_readable(&root);
    assert_private(&root);
    drop(lib);
    assert_nothing_readable(&root);
    assert_private(&root);
    // And it opens again with the key, and only with it.
    let lib = reopen(dir.path(), Access::Read);
    assert_eq!(
        lib.catalog().document(doc).unwrap().subject_name.as_deref(),
        Some(SECRETS[0])
    );
}

#[test]
fn a_catalog_written_before_encryption_is_encrypted_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library-v1");
    let root = dir.path().join("lib");
    copy_dir(&fixture.join("library"), &root);
    let plain = std::fs::read(root.join("catalog.sqlite")).unwrap();
    assert!(plain.starts_with(b"SQLite format 3\0"));
    let lib = LockedLibrary::open(&root, Access::Write)
        .unwrap()
        .unlock(&secret("fixture passphrase"))
        .unwrap();
    let docs = lib.catalog().list(dossier_core::Listing::All).unwrap();
    assert!(!docs.is_empty());
    drop(lib);
    // Its files were made 0644 and its folders 0755: the upgrade makes every one private.
    assert_private(&root);
    let encrypted = std::fs::read(root.join("catalog.sqlite")).unwrap();
    assert!(!encrypted.starts_with(b"SQLite format 3\0"));
    for d in &docs {
        assert!(
            !encrypted
                .windows(d.title.len())
                .any(|w| w == d.title.as_bytes()),
            "{} readable after the conversion",
            d.title
        );
    }
    let again = LockedLibrary::open(&root, Access::Read)
        .unwrap()
        .unlock(&secret("fixture passphrase"))
        .unwrap();
    assert_eq!(
        again
            .catalog()
            .list(dossier_core::Listing::All)
            .unwrap()
            .len(),
        docs.len()
    );
}
