//! Disclosures and reports on the command line (issue 22): `dossier disclose --out
//! --encrypt` writes an archive only its printed password opens and records the
//! disclosure; `dossier report disclosures` lists exactly those made, as JSON, CSV and
//! PDF; a student who opted out of directory information is refused as such and left out
//! of the directory.

use super::*;

#[test]
fn a_disclosure_is_written_recorded_and_reported() {
    let lib = Lib::new();
    let f = lib.work().join("transcript.txt");
    std::fs::write(&f, "Transcript of Ada Quill").unwrap();
    lib.ok(&["import", f.to_str().unwrap()]);
    let doc = doc_by_name(&lib, "transcript.txt");
    lib.ok(&["subject", "add", "--number", "3001", "--name", "Ada Quill"]);
    lib.ok(&["subject", "add", "--number", "3002", "--name", "Ben Stroud"]);
    lib.ok(&["subject", "set", "3002", "directory_opt_out=2026-09-01"]);
    lib.ok(&["subject", "link", &doc, "3001"]);

    let zip = lib.work().join("for-northside.zip");
    let written = lib.json(&[
        "disclose",
        "3001",
        "--party",
        "Northside High School",
        "--interest",
        "Ada enrols there",
        "--exception",
        "other_school",
        "--doc",
        &format!("{doc}@1"),
        "--again-to",
        "Northside district office",
        "--date",
        "2026-12-07",
        "--out",
        zip.to_str().unwrap(),
        "--encrypt",
        "--json",
    ]);
    let password = written["password"].as_str().unwrap().to_owned();
    assert_eq!(written["report"]["files"], 1, "{written}");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    assert!(
        archive
            .by_name_decrypt("document-01.txt", b"not it")
            .is_err()
    );
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut archive
            .by_name_decrypt("document-01.txt", password.as_bytes())
            .unwrap(),
        &mut text,
    )
    .unwrap();
    assert_eq!(text, "Transcript of Ada Quill");
    // The file is never replaced.
    let again = lib.run(&[
        "disclose",
        "3001",
        "--party",
        "Someone else",
        "--interest",
        "x",
        "--consent",
        "2026-12-01",
        "--doc",
        &doc,
        "--out",
        zip.to_str().unwrap(),
    ]);
    assert_ne!(code(&again), 0);
    lib.ok(&[
        "disclose",
        "3001",
        "--party",
        "Dr. Ode, the student's physician",
        "--interest",
        "treatment",
        "--consent",
        "2026-12-01",
        "--doc",
        &doc,
        "--date",
        "2026-12-09",
    ]);

    let report = lib.json(&["report", "disclosures", "3001", "--json"]);
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{report}");
    assert_eq!(rows[0][0], "2026-12-07");
    assert_eq!(rows[0][1], "Northside High School");
    assert_eq!(rows[0][5], "Northside district office");
    assert_eq!(rows[0][6], "for-northside.zip (encrypted)");
    assert_eq!(rows[1][3], "written consent signed 2026-12-01");
    let csv = lib.work().join("disclosures.csv");
    lib.ok(&[
        "report",
        "disclosures",
        "3001",
        "--out",
        csv.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.starts_with("Date,Party,Legitimate interest,Legal basis"));
    let pdf = lib.work().join("disclosures.pdf");
    lib.ok(&[
        "report",
        "disclosures",
        "3001",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-1.4"));
    let out = lib.run(&[
        "report",
        "disclosures",
        "3001",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert_ne!(code(&out), 0, "an existing report is not replaced");
    let trail = lib.json(&["audit", &doc, "--json"]);
    assert_eq!(
        trail
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "disclosed")
            .count(),
        2,
        "{trail}"
    );

    // Directory information: refused for Ben, who opted out; he is left out of the list.
    let refused = lib.run(&[
        "disclose",
        "3002",
        "--party",
        "Yearbook printers",
        "--interest",
        "the yearbook",
        "--exception",
        "directory_information",
    ]);
    assert_ne!(code(&refused), 0);
    assert!(
        stderr(&refused).contains("opted out of directory information (2026-09-01)"),
        "{}",
        stderr(&refused)
    );
    let none = lib.json(&["report", "disclosures", "3002", "--json"]);
    assert_eq!(none["rows"], serde_json::json!([]));
    let directory = lib.json(&["report", "directory", "--json"]);
    assert_eq!(
        directory["rows"].as_array().unwrap().len(),
        1,
        "{directory}"
    );
    assert_eq!(directory["rows"][0][0], "Ada Quill");
    assert!(
        directory["about"][0]
            .as_str()
            .unwrap()
            .starts_with("1 student who opted out")
    );
    let shown = lib.ok(&["subject", "show", "3002"]);
    assert!(shown.contains("2026-09-01"), "{shown}");
}

#[test]
fn a_disclosure_can_black_out_other_students() {
    let lib = Lib::new();
    let f = lib.work().join("class.txt");
    std::fs::write(&f, "Chemistry: Ada Quill (3001), Ben Stroud (3002)\n").unwrap();
    lib.ok(&["import", f.to_str().unwrap()]);
    let doc = doc_by_name(&lib, "class.txt");
    lib.ok(&["subject", "add", "--number", "3001", "--name", "Ada Quill"]);
    lib.ok(&["subject", "add", "--number", "3002", "--name", "Ben Stroud"]);
    let zip = lib.work().join("redacted.zip");
    lib.ok(&[
        "disclose",
        "3001",
        "--party",
        "County attendance office",
        "--interest",
        "attendance",
        "--exception",
        "audit_or_evaluation",
        "--doc",
        &doc,
        "--out",
        zip.to_str().unwrap(),
        "--redact",
    ]);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("document-01 (redacted).txt").unwrap(),
        &mut text,
    )
    .unwrap();
    assert_eq!(
        text.trim(),
        "Chemistry: Ada Quill (3001), ███ ██████ (████)"
    );
    // The record is untouched.
    assert!(lib.ok(&["text", &doc]).contains("Ben Stroud (3002)"));
}
