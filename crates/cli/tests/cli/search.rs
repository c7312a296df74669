//! `dossier search` and `dossier reindex`: exact results for words, phrases, prefixes,
//! fuzzy words, filters, dates, facets and sorting, on a small library of text files.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use super::*;

/// (file name, text, file date as days after 1970-01-01 at noon UTC)
const DOCS: &[(&str, &str, u64)] = &[
    (
        "transcript-2021.txt",
        "Official transcript for Anna Müller.\nFinal grade: A. Mathematics and physics.",
        18793, // 2021-06-15
    ),
    (
        "transcripts-2023.txt",
        "Transcripts requested by the registrar office. Students transferring next term.",
        19426, // 2023-03-10
    ),
    (
        "report-card.txt",
        "Report card. The final examination grade was excellent. Élève très appliquée.",
        19601, // 2023-09-01
    ),
    (
        "letter.txt",
        "Letter of recommendation for a scholarship. Grade final remarks follow.",
        19742, // 2024-01-20
    ),
    (
        "minutes.txt",
        "Meeting minutes: the committee discussed transportation budgets.",
        19848, // 2024-05-05
    ),
];

struct Fixture {
    lib: Lib,
}

impl Fixture {
    fn new() -> Self {
        let lib = Lib::new();
        let dir = lib.work().join("texts");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text, days) in DOCS {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            let when = SystemTime::UNIX_EPOCH + Duration::from_secs(days * 86_400 + 12 * 3600);
            std::fs::File::options()
                .write(true)
                .open(&p)
                .unwrap()
                .set_modified(when)
                .unwrap();
        }
        lib.ok(&["import", dir.to_str().unwrap()]);
        let f = Self { lib };
        let id = |n: &str| doc_by_name(&f.lib, n);
        let t21 = id("transcript-2021.txt");
        f.lib
            .ok(&["set", &t21, "type=Transcript", "subject=1234567"]);
        f.lib.ok(&["tag", &t21, "+graduated"]);
        let t23 = id("transcripts-2023.txt");
        f.lib
            .ok(&["set", &t23, "type=Transcript", "subject=7654321"]);
        f.lib.ok(&["tag", &t23, "+transfer"]);
        let rc = id("report-card.txt");
        f.lib.ok(&["set", &rc, "type=Report"]);
        f.lib.ok(&["tag", &rc, "+graduated"]);
        f.lib.ok(&["set", &id("letter.txt"), "grade_level=11"]);
        f.lib.ok(&["trash", &id("minutes.txt")]);
        f
    }

    /// The file names of the hits, in order, and the whole answer.
    fn search(&self, args: &[&str]) -> (Vec<String>, Value) {
        let mut all = vec!["search", "--json"];
        all.extend_from_slice(args);
        let v = self.lib.json(&all);
        let names = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["file_name"].as_str().unwrap().to_owned())
            .collect();
        (names, v)
    }

    /// The set of file names found.
    fn found(&self, args: &[&str]) -> BTreeSet<String> {
        let (names, v) = self.search(args);
        assert_eq!(v["total"], names.len(), "{v}");
        names.into_iter().collect()
    }
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn words_phrases_prefixes_fuzzy_and_accents_find_exactly_what_they_should() {
    let f = Fixture::new();
    // Stemmed words: "transcript" finds "Transcripts".
    assert_eq!(
        f.found(&["transcript"]),
        set(&["transcript-2021.txt", "transcripts-2023.txt"])
    );
    // All words must match, anywhere in the text.
    assert_eq!(
        f.found(&["final", "grade"]),
        set(&["transcript-2021.txt", "report-card.txt", "letter.txt"])
    );
    // A phrase must match in order.
    assert_eq!(f.found(&["\"final grade\""]), set(&["transcript-2021.txt"]));
    // Prefixes (the trashed "transportation" is not found).
    assert_eq!(
        f.found(&["transcr*"]),
        set(&["transcript-2021.txt", "transcripts-2023.txt"])
    );
    assert_eq!(
        f.found(&["trans*"]),
        set(&["transcript-2021.txt", "transcripts-2023.txt"])
    );
    assert_eq!(f.found(&["trans*", "--trash"]), set(&["minutes.txt"]));
    // Accents are folded both ways.
    assert_eq!(f.found(&["eleve"]), set(&["report-card.txt"]));
    assert_eq!(f.found(&["MULLER"]), set(&["transcript-2021.txt"]));
    assert_eq!(f.found(&["müller"]), set(&["transcript-2021.txt"]));
    // Exclusion.
    assert_eq!(
        f.found(&["grade -mathematics"]),
        set(&["report-card.txt", "letter.txt"])
    );
    // A typo finds the word when nothing matches as typed, and says so.
    let (names, v) = f.search(&["scholarsip"]);
    assert_eq!(names, ["letter.txt"]);
    assert_eq!(v["fuzzy"], true);
    let (_, v) = f.search(&["scholarship"]);
    assert_eq!(v["fuzzy"], false);
    // Explicit fuzzy words always allow edits.
    assert_eq!(
        f.found(&["registar~", "office"]),
        set(&["transcripts-2023.txt"])
    );
    // Nothing close: nothing found.
    assert_eq!(f.found(&["xylophone"]), set(&[]));
}

#[test]
fn filters_dates_facets_and_sorting_are_exact() {
    let f = Fixture::new();
    assert_eq!(
        f.found(&["type:transcript"]),
        set(&["transcript-2021.txt", "transcripts-2023.txt"])
    );
    assert_eq!(f.found(&["student:1234567"]), set(&["transcript-2021.txt"]));
    assert_eq!(
        f.found(&["type:transcript", "student:1234567"]),
        set(&["transcript-2021.txt"])
    );
    assert_eq!(
        f.found(&["tag:graduated"]),
        set(&["transcript-2021.txt", "report-card.txt"])
    );
    assert_eq!(f.found(&["--type", "Report"]), set(&["report-card.txt"]));
    assert_eq!(
        f.found(&["grade", "--tag", "graduated"]),
        set(&["transcript-2021.txt", "report-card.txt"])
    );
    assert_eq!(
        f.found(&["--", "grade", "-type:transcript"]),
        set(&["report-card.txt", "letter.txt"])
    );
    assert_eq!(f.found(&["grade_level:11"]), set(&["letter.txt"]));
    assert_eq!(f.found(&["file:report"]), set(&["report-card.txt"]));
    // Dates are the files' dates; after is inclusive, before exclusive.
    assert_eq!(
        f.found(&["year:2023"]),
        set(&["transcripts-2023.txt", "report-card.txt"])
    );
    assert_eq!(
        f.found(&["--after", "2023-01-01", "--before", "2024-01-01"]),
        set(&["transcripts-2023.txt", "report-card.txt"])
    );
    assert_eq!(
        f.found(&["--after", "2023-09-01"]),
        set(&["report-card.txt", "letter.txt"])
    );
    assert_eq!(
        f.found(&["before:2023-09-01"]),
        set(&["transcript-2021.txt", "transcripts-2023.txt"])
    );
    // Facet counts over every match.
    let (_, v) = f.search(&["grade"]);
    assert_eq!(
        v["facets"]["type"],
        serde_json::json!({"Report": 1, "Transcript": 1})
    );
    assert_eq!(v["facets"]["tag"], serde_json::json!({"graduated": 2}));
    assert_eq!(
        v["facets"]["year"],
        serde_json::json!({"2021": 1, "2023": 1, "2024": 1})
    );
    assert_eq!(v["facets"]["status"], serde_json::json!({"done": 3}));
    // Newest first by date, and with no words; limit and offset page through.
    let (names, v) = f.search(&["--sort", "date"]);
    assert_eq!(
        names,
        [
            "letter.txt",
            "report-card.txt",
            "transcripts-2023.txt",
            "transcript-2021.txt"
        ]
    );
    assert_eq!(v["total"], 4);
    let (names, v) = f.search(&["--limit", "2", "--offset", "1"]);
    assert_eq!(names, ["report-card.txt", "transcripts-2023.txt"]);
    assert_eq!(v["total"], 4);
    // By name, size and type, each either way round.
    let by_name = [
        "letter.txt",
        "report-card.txt",
        "transcript-2021.txt",
        "transcripts-2023.txt",
    ];
    assert_eq!(f.search(&["--sort", "name"]).0, by_name);
    let (names, _) = f.search(&["--sort", "name", "--reverse"]);
    assert_eq!(names, by_name.iter().rev().copied().collect::<Vec<_>>());
    let mut by_size: Vec<(usize, &str)> = DOCS
        .iter()
        .filter(|(n, _, _)| *n != "minutes.txt")
        .map(|(n, t, _)| (t.len(), *n))
        .collect();
    by_size.sort_by(|a, b| b.cmp(a));
    let by_size: Vec<&str> = by_size.into_iter().map(|(_, n)| n).collect();
    assert_eq!(f.search(&["--sort", "size"]).0, by_size);
    let (names, _) = f.search(&["--sort", "size", "--reverse"]);
    assert_eq!(names, by_size.iter().rev().copied().collect::<Vec<_>>());
    let (names, _) = f.search(&["--sort", "type"]);
    assert_eq!(names[0], "report-card.txt");
    assert_eq!(
        names[1..3].iter().cloned().collect::<BTreeSet<_>>(),
        set(&["transcript-2021.txt", "transcripts-2023.txt"])
    );
    assert_eq!(names[3], "letter.txt", "no type sorts last");
    // Each hit carries what a list of documents shows.
    let (_, v) = f.search(&["file:letter"]);
    let hit = &v["hits"][0];
    assert_eq!(hit["size"], DOCS[3].1.len());
    assert_eq!(hit["mime"], "text/plain");
    assert_eq!(hit["type"], Value::Null);
    assert_eq!(hit["status"], "done");
    assert_eq!(hit["versions"], 1);
    assert_eq!(hit["date_ms"], DOCS[3].2 * 86_400_000 + 12 * 3_600_000);
    let (_, v) = f.search(&["file:transcript-2021"]);
    assert_eq!(v["hits"][0]["type"], "Transcript");
    assert_eq!(v["hits"][0]["subject_id"], "1234567");
    assert_eq!(v["hits"][0]["tags"], serde_json::json!(["graduated"]));
    // A bad date is a clear error.
    let out = f.lib.run(&["search", "after:someday"]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("is not a date"), "{}", stderr(&out));
}

#[test]
fn hits_carry_title_file_name_snippet_and_page() {
    let f = Fixture::new();
    let (_, v) = f.search(&["\"final grade\""]);
    let hit = &v["hits"][0];
    assert_eq!(hit["title"], "transcript-2021");
    assert_eq!(hit["file_name"], "transcript-2021.txt");
    assert_eq!(hit["page"], 1);
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    let snippet = hit["snippet"].as_str().unwrap();
    assert_eq!(
        snippet,
        "Official transcript for Anna Müller. Final grade: A. Mathematics and physics."
    );
    let chars: Vec<char> = snippet.chars().collect();
    let marked: Vec<String> = hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (a, b) = (
                r[0].as_u64().unwrap() as usize,
                r[1].as_u64().unwrap() as usize,
            );
            chars[a..b].iter().collect()
        })
        .collect();
    assert_eq!(marked, ["Final", "grade"]);
    // The human form marks the same words.
    let text = f.lib.ok(&["search", "\"final grade\""]);
    assert!(
        text.contains("p. 1: Official transcript for Anna Müller. [Final] [grade]: A."),
        "{text}"
    );
    // A change is searchable at once: retitle and retag.
    let id = doc_by_name(&f.lib, "letter.txt");
    f.lib.ok(&["set", &id, "title=Scholarship recommendation"]);
    let (names, v) = f.search(&["title:recommendation"]);
    assert_eq!(names, ["letter.txt"]);
    assert_eq!(v["hits"][0]["title"], "Scholarship recommendation");
}

#[test]
fn a_damaged_or_missing_index_is_rebuilt_without_losing_documents() {
    let f = Fixture::new();
    let expect = f.search(&["grade"]).0;
    assert_eq!(expect.len(), 3);
    let index = f.lib.path.join("index");
    // Garbage in Tantivy's own metadata.
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    assert_eq!(f.search(&["grade"]).0, expect);
    // Every segment file truncated.
    for p in walk(&index) {
        if p.extension()
            .is_some_and(|e| e == "idx" || e == "term" || e == "store")
        {
            std::fs::write(&p, b"").unwrap();
        }
    }
    assert_eq!(f.search(&["grade"]).0, expect);
    // An index of an older schema.
    std::fs::write(index.join("dossier-index.json"), br#"{"schema":0}"#).unwrap();
    assert_eq!(f.search(&["grade"]).0, expect);
    // Gone altogether.
    std::fs::remove_dir_all(&index).unwrap();
    assert_eq!(f.search(&["grade"]).0, expect);
    // And rebuilt on request.
    let r = f.lib.json(&["reindex", "--json"]);
    assert_eq!(r["indexed"], 5);
    assert_eq!(f.search(&["grade"]).0, expect);
}
