//! End-to-end scenarios across processes: the `dossier` binary killed at random moments.

// A test binary: unwrap() failing is the test failing, with its location.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use dossier_e2e::{corpus, dossier, walk};
use rand::Rng;
use serde_json::Value;

mod process;
mod repair;
mod sync;
mod tidy;

fn json(library: &std::path::Path, args: &[&str]) -> Value {
    let out = dossier(library, args).output().unwrap();
    assert!(
        out.status.success(),
        "dossier {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// SIGKILL `dossier import` of the corpus at random points (chosen by how many progress
/// events it has printed), at least 24 times over three libraries. After every kill the
/// library must open and verify clean and hold every file the import had acknowledged;
/// a final import completes with each distinct file stored exactly once.
#[test]
fn imports_killed_at_random_moments_lose_nothing() {
    let corpus = corpus();
    let distinct: HashSet<[u8; 32]> = walk(&corpus)
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .filter(|b| !b.is_empty())
        .map(|b| *blake3::hash(&b).as_bytes())
        .collect();
    let files = walk(&corpus).len();
    let mut rng = rand::rng();
    let mut kills = 0;
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("library");
        assert!(dossier(&lib, &["init"]).output().unwrap().status.success());
        for _ in 0..8 {
            let mut child = dossier(
                &lib,
                &[
                    "import",
                    "--no-process",
                    "--progress-json",
                    corpus.to_str().unwrap(),
                ],
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
            // About 1.1 events a file in a full import: kill anywhere in it, early ones
            // included.
            let kill_after = rng.random_range(0..files * 11 / 10);
            let mut acknowledged = Vec::new();
            let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
            let mut seen = 0;
            while seen <= kill_after {
                let Some(Ok(line)) = lines.next() else { break };
                seen += 1;
                if let Ok(v) = serde_json::from_str::<Value>(&line)
                    && v["event"] == "file"
                    && v["outcome"]["status"] == "imported"
                {
                    acknowledged.push(v["outcome"]["doc"].as_str().unwrap().to_owned());
                }
            }
            child.kill().unwrap();
            child.wait().unwrap();
            kills += 1;
            // Opens, verifies clean, and keeps every acknowledged document.
            let verify = json(&lib, &["verify", "--json"]);
            assert!(
                verify["affected_documents"].as_array().unwrap().is_empty(),
                "round {round}: {verify}"
            );
            assert!(
                verify["damaged_chunks"].as_array().unwrap().is_empty(),
                "round {round}: {verify}"
            );
            assert!(
                verify["damaged_packs"].as_array().unwrap().is_empty(),
                "round {round}: {verify}"
            );
            let listed: HashSet<String> = json(&lib, &["ls", "--json"])
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_owned())
                .collect();
            for doc in &acknowledged {
                assert!(
                    listed.contains(doc),
                    "acknowledged document {doc} lost after kill {kills}"
                );
            }
        }
        // A final, uninterrupted import completes: every distinct file exactly once.
        let out = dossier(
            &lib,
            &["import", "--no-process", "--json", corpus.to_str().unwrap()],
        )
        .output()
        .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["refused"].as_u64().unwrap(),
            report["files"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["reason"] == "empty file (0 bytes)")
                .count() as u64
        );
        let stats = json(&lib, &["stats", "--json"]);
        assert_eq!(
            stats["documents"].as_u64().unwrap(),
            distinct.len() as u64,
            "documents duplicated or missing"
        );
        let verify = json(&lib, &["verify", "--json"]);
        assert!(
            verify["affected_documents"].as_array().unwrap().is_empty()
                && verify["unreferenced_packs"] == 0,
            "{verify}"
        );
        let exported = dir.path().join("export");
        assert!(
            dossier(&lib, &["export", "--all", exported.to_str().unwrap()])
                .output()
                .unwrap()
                .status
                .success()
        );
        let got: HashSet<[u8; 32]> = walk(&exported)
            .iter()
            .filter(|p| p.file_name().unwrap() != "manifest.json")
            .map(|p| *blake3::hash(&std::fs::read(p).unwrap()).as_bytes())
            .collect();
        assert_eq!(got, distinct);
    }
    assert!(kills >= 20);
}
