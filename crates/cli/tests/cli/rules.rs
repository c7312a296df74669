//! `dossier rules`: a rule written as JSON files a scan under the student whose number
//! OCR reads on it; a rule tested against the library changes exactly what it showed.

use super::*;

#[test]
fn a_scan_whose_text_has_a_student_number_lands_on_that_student() {
    let lib = Lib::new();
    require_tools(&lib);
    let work = lib.work();
    std::fs::write(
        work.join("roster.csv"),
        "Student ID,Name,Grade\n2024-0173,Ada Okafor,Grade 9\n2024-0174,Bo Lind,Grade 9\n",
    )
    .unwrap();
    lib.ok(&[
        "subject",
        "import-roster",
        work.join("roster.csv").to_str().unwrap(),
    ]);
    let rule = work.join("transcripts.json");
    std::fs::write(
        &rule,
        r#"{
          "name": "Transcripts",
          "when": [{ "on": "text", "pattern": { "match": "words", "value": "official transcript" } }],
          "then": [
            { "set": "type", "value": "Transcript" },
            { "set": "subject", "pattern": "(\\d{4}-\\d{4})", "from": "text" },
            { "set": "title", "template": "{type} – {name}" }
          ]
        }"#,
    )
    .unwrap();
    let id = lib
        .ok(&["rules", "add", rule.to_str().unwrap()])
        .trim()
        .to_owned();
    assert_eq!(lib.json(&["rules", "ls", "--json"])[0]["id"], id.as_str());
    // A rule that cannot work is refused, and says why.
    let bad = work.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"name": "bad", "when": [{"on": "text", "pattern": {"match": "regex", "value": "(x"}}], "then": [{"set": "type", "value": "x"}]}"#,
    )
    .unwrap();
    let out = lib.run(&["rules", "add", bad.to_str().unwrap()]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("not a usable regular expression"),
        "{}",
        stderr(&out)
    );

    // The scan: its only text is what OCR reads.
    let pile = work.join("scans");
    std::fs::create_dir_all(&pile).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/transcript-scan.png"),
        pile.join("scan-0001.png"),
    )
    .unwrap();
    lib.ok(&["import", pile.to_str().unwrap()]);
    let doc = doc_by_name(&lib, "scan-0001.png");
    let shown = lib.json(&["show", &doc, "--json"]);
    assert_eq!(shown["document"]["type"], "Transcript", "{shown}");
    assert_eq!(shown["document"]["subject_id"], "2024-0173");
    assert_eq!(shown["document"]["title"], "Transcript – Ada Okafor");
    let ada = lib.json(&["subject", "show", "2024-0173", "--json"]);
    assert_eq!(ada["documents"][0]["id"], doc.as_str());

    // A second rule for what is filed already: test, then apply, change the same.
    std::fs::write(work.join("note.txt"), "Westfield High School newsletter\n").unwrap();
    lib.ok(&["import", work.join("note.txt").to_str().unwrap()]);
    let school = work.join("school.json");
    std::fs::write(
        &school,
        r#"{"name": "Westfield", "position": 5,
            "when": [{"on": "text", "pattern": {"match": "phrase", "value": "westfield high"}}],
            "then": [{"set": "tags", "values": ["westfield"]}, {"set": "collection", "value": "Archive"}]}"#,
    )
    .unwrap();
    let preview = lib.json(&["rules", "test", "--json", school.to_str().unwrap()]);
    assert_eq!(preview.as_array().unwrap().len(), 2, "{preview}");
    lib.ok(&["rules", "add", school.to_str().unwrap()]);
    let applied = lib.json(&["rules", "apply", "--json", "Westfield"]);
    assert_eq!(applied, preview);
    assert_eq!(
        lib.json(&["rules", "test", "--json", "Westfield"]),
        serde_json::json!([])
    );
    lib.ok(&["rules", "rm", "Westfield"]);
    assert_eq!(
        lib.json(&["rules", "ls", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
