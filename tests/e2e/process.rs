//! Processing the whole corpus while `dossier process` is killed at random moments.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use dossier_e2e::{corpus, dossier};
use rand::Rng;

use super::json;

/// Per-document time limit for the test runs: a pathological file ends failed, not hung.
const TIME_LIMIT: &str = "120";

/// Document ids and total for a query, with and without the trash.
fn results(lib: &std::path::Path, query: &str) -> (u64, BTreeSet<String>) {
    let v = json(lib, &["search", "--json", "--limit", "10000", query]);
    let ids = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect();
    (v["total"].as_u64().unwrap(), ids)
}

const QUERIES: &[&str] = &[
    "the",
    "quick brown",
    "\"lazy fox\"",
    "report*",
    "invoice table",
    "status:failed",
    "status:protected",
    "status:done",
    "year:2026",
    "pdf",
    "lorem ipsum",
    "tesseract",
];

/// Import the corpus, then run `dossier process` and SIGKILL it after a random number of
/// finished jobs, six times, then let it finish. No job is lost or duplicated: every
/// version has exactly one extraction job and one thumbnail job, every job ends done, password protected or
/// failed with a reason, every document is still listed, and the index answers queries
/// exactly like an index rebuilt from scratch.
#[test]
fn processing_the_corpus_killed_at_random_moments_loses_no_job() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    assert!(dossier(&lib, &["init"]).output().unwrap().status.success());
    let out = dossier(
        &lib,
        &[
            "import",
            "--no-process",
            "--json",
            corpus().to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.code().unwrap() <= 1, "import failed");
    let docs: BTreeSet<String> = json(&lib, &["ls", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    // One document for each distinct non-empty file.
    let distinct: BTreeSet<[u8; 32]> = dossier_e2e::walk(&corpus())
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .filter(|b| !b.is_empty())
        .map(|b| *blake3::hash(&b).as_bytes())
        .collect();
    assert_eq!(docs.len(), distinct.len());

    let mut rng = rand::rng();
    for kill in 0..6 {
        let mut child = dossier(
            &lib,
            &["--time-limit", TIME_LIMIT, "process", "--progress-json"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        let kill_after = rng.random_range(1..150usize);
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = 0;
        while seen < kill_after {
            let Some(Ok(_)) = lines.next() else { break };
            seen += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // The library opens and reports its jobs after every kill.
        let jobs = json(&lib, &["jobs", "--json"]);
        assert!(jobs["counts"].is_object(), "kill {kill}: {jobs}");
    }

    // An uninterrupted run finishes everything (exit 1 when some files failed).
    let out = dossier(&lib, &["--time-limit", TIME_LIMIT, "process", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.code().unwrap() <= 1,
        "process: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = json(&lib, &["jobs", "--all", "--json"]);
    let jobs = all["jobs"].as_array().unwrap();
    let mut extracts: HashMap<&str, usize> = HashMap::new();
    let mut thumbnails: HashMap<&str, usize> = HashMap::new();
    for j in jobs {
        let state = j["state"].as_str().unwrap();
        assert!(
            ["done", "protected", "failed"].contains(&state),
            "job not finished: {j}"
        );
        if state == "failed" {
            let reason = j["reason"].as_str().unwrap_or_default();
            assert!(!reason.is_empty(), "failed without a reason: {j}");
            assert!(!reason.contains('\n'), "reason not in plain words: {j}");
        }
        let per_doc = match j["kind"].as_str() {
            Some("extract") => &mut extracts,
            Some("thumbnail") => &mut thumbnails,
            _ => continue,
        };
        *per_doc.entry(j["doc"].as_str().unwrap()).or_default() += 1;
    }
    for d in &docs {
        assert_eq!(extracts.get(d.as_str()), Some(&1), "document {d}");
        assert_eq!(thumbnails.get(d.as_str()), Some(&1), "document {d}");
    }
    assert_eq!(extracts.len(), docs.len());
    assert_eq!(thumbnails.len(), docs.len());
    // Nothing disappeared.
    let after: BTreeSet<String> = json(&lib, &["ls", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(after, docs);

    // The index, built in pieces between kills, equals one rebuilt from scratch.
    let before: Vec<_> = QUERIES.iter().map(|q| results(&lib, q)).collect();
    assert!(before[0].0 >= 5, "{:?}", before[0].0);
    let every = results(&lib, "");
    assert_eq!(every.0, docs.len() as u64);
    json(&lib, &["reindex", "--json"]);
    let rebuilt: Vec<_> = QUERIES.iter().map(|q| results(&lib, q)).collect();
    for ((q, a), b) in QUERIES.iter().zip(&before).zip(&rebuilt) {
        assert_eq!(a, b, "query {q:?} differs after a clean rebuild");
    }
}
