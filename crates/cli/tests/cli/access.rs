//! The access log (issue 22): a document's text, pages or content shown on the command
//! line is one "viewed" entry per sitting; each export is an entry of its own; the log
//! reads per document, and the trail it is part of verifies.

use super::*;

#[test]
fn views_are_logged_once_per_sitting_and_exports_each_time() {
    let lib = Lib::new();
    let input = lib.work().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("transcript.txt"), "Transcript of records\n").unwrap();
    std::fs::write(input.join("letter.txt"), "Dear parent\n").unwrap();
    lib.ok(&["import", input.to_str().unwrap()]);
    let (transcript, letter) = (
        doc_by_name(&lib, "transcript.txt"),
        doc_by_name(&lib, "letter.txt"),
    );
    let png = lib.work().join("page.png");
    let png = png.to_str().unwrap();
    // One sitting on the transcript: its text twice, then a page.
    assert!(
        lib.ok(&["text", &transcript])
            .contains("Transcript of records")
    );
    lib.ok(&["text", &transcript]);
    lib.ok(&["thumbnail", &transcript, "-o", png]);
    // One on the letter.
    lib.ok(&["thumbnail", &letter, "-o", png]);
    // Two exports of the transcript.
    for name in ["one.txt", "two.txt"] {
        let out = lib.work().join(name);
        lib.ok(&["export", &transcript, "-o", out.to_str().unwrap()]);
    }

    let log = lib.json(&["audit", "access", "--json"]);
    let entries: Vec<(&str, &str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["doc"].as_str().unwrap(),
                e["title"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("viewed", transcript.as_str(), "transcript"),
            ("viewed", letter.as_str(), "letter"),
            ("exported", transcript.as_str(), "transcript"),
            ("exported", transcript.as_str(), "transcript"),
        ],
        "{log}"
    );
    assert_eq!(log[0]["detail"], "text");
    assert!(log[0]["version"].is_string() && log[0]["device"].is_string());
    let of_letter = lib.json(&["audit", "access", "--doc", &letter, "--json"]);
    assert_eq!(of_letter.as_array().unwrap().len(), 1, "{of_letter}");
    let none = lib.json(&["audit", "access", "--until", "2000-01-01", "--json"]);
    assert_eq!(none, serde_json::json!([]));
    assert!(lib.ok(&["audit", "access"]).contains("transcript"));

    let check = lib.json(&["audit", "verify", "--json"]);
    assert_eq!(check["findings"], serde_json::json!([]), "{check}");
    assert!(lib.ok(&["audit", "verify"]).contains("Nothing was changed"));
}
