//! A lost catalog, as a user meets it: writing commands refuse and delete nothing, and
//! `dossier repair --rebuild-catalog` brings every document back from the store.

use std::collections::BTreeMap;

use super::*;

/// Every file under `store/` but its temporary folder, with its size.
fn store_files(lib: &Lib) -> BTreeMap<String, u64> {
    let store = lib.path.join("store");
    let mut out = BTreeMap::new();
    let mut stack = vec![store.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            if m.is_dir() {
                if e.file_name() != "tmp" {
                    stack.push(e.path());
                }
            } else {
                let rel = e.path().strip_prefix(&store).unwrap().to_owned();
                out.insert(rel.to_string_lossy().into_owned(), m.len());
            }
        }
    }
    out
}

/// The exported files of a library, by name, as BLAKE3 hashes.
fn exported(lib: &Lib, name: &str) -> BTreeMap<String, String> {
    let dir = lib.work().join(name);
    lib.ok(&["export", "--all", dir.to_str().unwrap()]);
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "manifest.json")
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                blake3::hash(&std::fs::read(&p).unwrap())
                    .to_hex()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn a_deleted_catalog_loses_nothing_and_repair_brings_every_document_back() {
    let lib = Lib::new();
    let inbox = lib.work().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for i in 0..5 {
        std::fs::write(
            inbox.join(format!("letter-{i}.txt")),
            format!("Letter {i}: the enrolment of student 99{i}1234 in quadrivium studies."),
        )
        .unwrap();
    }
    let pdf = corpus().join("py-pdf+sample-files");
    let pdf = walk(&pdf)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF in the corpus");
    lib.ok(&["import", inbox.to_str().unwrap(), pdf.to_str().unwrap()]);
    let docs = lib.json(&["ls", "--json"]);
    let first = docs[0]["id"].as_str().unwrap().to_owned();
    lib.ok(&["tag", &first, "+transcript"]);
    lib.ok(&["set", &first, "student=1234567"]);
    lib.ok(&["hold", &first, "--reason", "case 14"]);
    let before_ls = lib.json(&["ls", "--json"]);
    let before_files = exported(&lib, "before");
    let before_audit = lib.json(&["audit", "--json"]);
    assert!(before_files.len() >= 5);

    // The catalog goes (a sync conflict, an incomplete copy...).
    let store = store_files(&lib);
    std::fs::remove_file(lib.path.join("catalog.sqlite")).unwrap();
    let other = lib.work().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("new.txt"), "a new letter").unwrap();
    for args in [
        vec!["import", other.to_str().unwrap()],
        vec!["process"],
        vec!["prune"],
        vec!["ls"],
    ] {
        let out = lib.run(&args);
        assert_eq!(code(&out), 3, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("repair --rebuild-catalog") && stderr(&out).contains("missing"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(store_files(&lib), store, "{args:?} changed the store");
    }
    assert!(!lib.path.join("catalog.sqlite").exists());

    let report = lib.json(&["repair", "--rebuild-catalog", "--json"]);
    assert!(
        report["missing_segments"].as_array().unwrap().is_empty(),
        "{report}"
    );
    assert_eq!(report["documents"], before_ls.as_array().unwrap().len());
    assert_eq!(lib.json(&["ls", "--json"]), before_ls);
    assert_eq!(lib.json(&["audit", "--json"]), before_audit);
    let check = lib.json(&["audit", "verify", "--json"]);
    assert_eq!(check["findings"], serde_json::json!([]), "{check}");
    assert_eq!(exported(&lib, "after"), before_files);
    let verify = lib.json(&["verify", "--json"]);
    assert!(
        verify["affected_documents"].as_array().unwrap().is_empty(),
        "{verify}"
    );
    // Processing ran again: the text is searchable; the hold is back.
    let found = lib.json(&["search", "quadrivium", "--json"]);
    assert_eq!(found["total"], 5, "{found}");
    let shown = lib.json(&["show", &first, "--json"]);
    assert_eq!(shown["document"]["legal_hold"], true, "{shown}");
}
