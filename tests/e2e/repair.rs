//! `dossier repair --rebuild-catalog` SIGKILLed at random moments: every kill leaves a
//! library that either refuses to be written (and says how to repair it) or works, never
//! loses a pack, and a repair that runs to the end brings back every document as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use dossier_e2e::{corpus, dossier, walk};
use rand::Rng;

use super::json;

/// Every pack file (in `packs/` or in quarantine), by name.
fn packs(library: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for sub in ["store/packs", "store/quarantine"] {
        let dir = library.join(sub);
        if dir.is_dir() {
            out.extend(
                walk(&dir)
                    .iter()
                    .map(|p| p.file_name().unwrap().to_string_lossy().into_owned()),
            );
        }
    }
    out
}

fn exported(library: &Path, dest: &Path) -> BTreeMap<String, [u8; 32]> {
    let out = dossier(library, &["export", "--all", dest.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    walk(dest)
        .iter()
        .filter(|p| p.file_name().unwrap() != "manifest.json")
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                *blake3::hash(&std::fs::read(p).unwrap()).as_bytes(),
            )
        })
        .collect()
}

#[test]
fn repairs_killed_at_random_moments_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    assert!(dossier(&lib, &["init"]).output().unwrap().status.success());
    let corpus = corpus();
    let out = dossier(&lib, &["import", "--no-process", corpus.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() <= 1);
    // Edits, each its own transaction and store segment, so a repair has many steps.
    let docs = json(&lib, &["ls", "--json"]);
    for (i, d) in docs.as_array().unwrap().iter().take(12).enumerate() {
        let id = d["id"].as_str().unwrap();
        let tag = format!("+batch{i}");
        assert!(
            dossier(&lib, &["tag", id, &tag])
                .output()
                .unwrap()
                .status
                .success()
        );
    }
    let before_ls = json(&lib, &["ls", "--json"]);
    let before = exported(&lib, &dir.path().join("before"));
    let packs_before = packs(&lib);
    std::fs::remove_file(lib.join("catalog.sqlite")).unwrap();

    let mut rng = rand::rng();
    let mut kills = 0;
    for round in 0..8 {
        let mut child = dossier(
            &lib,
            &[
                "repair",
                "--rebuild-catalog",
                "--no-process",
                "--progress-json",
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        // At least 14 events (planned, a segment each, replaced): kill among them.
        let kill_after = rng.random_range(0..13usize);
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = 0;
        while seen <= kill_after {
            let Some(Ok(_)) = lines.next() else { break };
            seen += 1;
        }
        child.kill().unwrap();
        // Only a repair that was still running counts as killed.
        if child.wait().unwrap().code().is_none() {
            kills += 1;
        }
        assert!(
            packs(&lib).is_superset(&packs_before),
            "round {round}: a pack was deleted"
        );
        // Either refused with the way out, or whole.
        let out = dossier(&lib, &["ls", "--json"]).output().unwrap();
        if out.status.success() {
            let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(
                listed, before_ls,
                "round {round}: a partial catalog is in place"
            );
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("repair --rebuild-catalog"),
                "round {round}: {err}"
            );
        }
    }
    assert!(kills >= 6, "only {kills} repairs were killed while running");
    let out = dossier(
        &lib,
        &["repair", "--rebuild-catalog", "--no-process", "--json"],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&lib, &["ls", "--json"]), before_ls);
    assert_eq!(exported(&lib, &dir.path().join("after")), before);
    let verify = json(&lib, &["verify", "--json"]);
    assert!(
        verify["affected_documents"].as_array().unwrap().is_empty()
            && verify["damaged_packs"].as_array().unwrap().is_empty(),
        "{verify}"
    );
    assert!(packs(&lib).is_superset(&packs_before));
    // And the one command that deletes finds nothing of it to delete.
    let out = dossier(&lib, &["prune", "--grace", "0"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let live: BTreeSet<String> = walk(&lib.join("store/packs"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        live.is_superset(&packs_before),
        "prune deleted a pack in use"
    );
}
