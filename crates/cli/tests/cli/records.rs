//! Records management on the command line (issue 22). The access log: a document's text,
//! pages or content shown is one "viewed" entry per sitting, each export an entry of its
//! own, read per document, in a trail that verifies. Retention: a series on a type dates
//! its documents from their people's events, and the queue lists what is due.

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

#[test]
fn a_series_dates_documents_from_their_persons_leaving_and_the_queue_lists_the_due() {
    let lib = Lib::new();
    let input = lib.work().join("in");
    std::fs::create_dir_all(&input).unwrap();
    for name in ["t1.txt", "t2.txt"] {
        std::fs::write(input.join(name), format!("Transcript {name}\n")).unwrap();
    }
    lib.ok(&["import", input.to_str().unwrap()]);
    let (t1, t2) = (doc_by_name(&lib, "t1.txt"), doc_by_name(&lib, "t2.txt"));
    lib.ok(&[
        "subject",
        "add",
        "--number",
        "1001",
        "--name",
        "Ann Lee",
        "--left",
        "2019-06-30",
    ]);
    lib.ok(&["subject", "add", "--number", "1002", "--name", "Bo Park"]);
    for (doc, number) in [(&t1, "1001"), (&t2, "1002")] {
        lib.ok(&["set", doc, "type=Transcript"]);
        lib.ok(&["subject", "link", doc, number]);
    }
    lib.ok(&[
        "retention",
        "set",
        "Transcript",
        "--series",
        "Academic records",
        "--years",
        "5",
        "--after",
        "graduation",
    ]);
    let series = lib.json(&["retention", "ls", "--json"]);
    assert_eq!(
        series,
        serde_json::json!([{
            "type": "Transcript",
            "series": "Academic records",
            "rule": { "keep": "years", "years": 5, "after": "left" }
        }])
    );
    let queue = lib.json(&["retention", "queue", "--on", "2026-12-07", "--json"]);
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue[0]["doc"], t1.as_str());
    assert_eq!(queue[0]["due"], "2024-06-30");
    assert_eq!(queue[0]["state"], "due");
    let all = lib.json(&[
        "retention",
        "queue",
        "--on",
        "2026-12-07",
        "--all",
        "--json",
    ]);
    assert_eq!(all[1]["state"], "waiting", "{all}");
    let shown = lib.json(&["show", &t1, "--json"]);
    assert_eq!(shown["disposition"]["due"], "2024-06-30");
    assert!(
        lib.ok(&["show", &t1])
            .contains("may be destroyed from 2024-06-30")
    );

    // A hold wins; without the series nothing is due.
    lib.ok(&["hold", &t1, "--reason", "records request 3"]);
    let queue = lib.json(&["retention", "queue", "--on", "2026-12-07", "--json"]);
    assert_eq!(queue[0]["state"], "held");
    assert_eq!(queue[0]["held_by"], serde_json::json!(["a legal hold"]));
    lib.ok(&["retention", "unset", "Transcript"]);
    assert!(
        lib.ok(&["retention", "queue", "--on", "2026-12-07"])
            .contains("Nothing is due")
    );
    let out = lib.run(&["retention", "set", "Letter", "--series", "Letters"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

#[test]
fn an_inspection_request_holds_the_students_records_until_fulfilled() {
    let lib = Lib::new();
    let f = lib.work().join("report.txt");
    std::fs::write(&f, "report card").unwrap();
    lib.ok(&["import", f.to_str().unwrap()]);
    let doc = doc_by_name(&lib, "report.txt");
    lib.ok(&["subject", "add", "--number", "2001", "--name", "Dee Ray"]);
    lib.ok(&["subject", "link", &doc, "2001"]);
    let logged = lib.json(&[
        "request",
        "log",
        "2001",
        "--by",
        "Fay Ray",
        "--relation",
        "parent",
        "--received",
        "2026-12-01",
        "--json",
    ]);
    let id = logged["id"].as_str().unwrap().to_owned();
    assert_eq!(logged["request"]["due"], "2027-01-15");
    let open = lib.json(&["request", "ls", "--json"]);
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["student"], "Dee Ray (2001)");
    assert_eq!(open[0]["kind"], "inspection");

    lib.ok(&["trash", &doc]);
    let out = lib.ok(&["trash", "--empty"]);
    assert!(
        out.contains("Deleted 0 document(s)") && out.contains("inspection request"),
        "{out}"
    );
    lib.ok(&["request", "fulfil", &id, "--on", "2026-12-10"]);
    assert!(lib.ok(&["request", "ls"]).contains("No open requests"));
    let all = lib.json(&["request", "ls", "--all", "--json"]);
    assert_eq!(all[0]["state"]["state"], "fulfilled", "{all}");
    let out = lib.ok(&["trash", "--empty"]);
    assert!(out.contains("Deleted 1 document(s)"), "{out}");

    // An amendment refused keeps the student's statement.
    let asked = lib.json(&[
        "request",
        "log",
        "2001",
        "--by",
        "Dee Ray",
        "--relation",
        "student",
        "--amend",
        "the grade in History",
        "--json",
    ]);
    let id = asked["id"].as_str().unwrap().to_owned();
    let out = lib.run(&["request", "statement", &id, "I disagree"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    lib.ok(&[
        "request",
        "decide",
        &id,
        "--reason",
        "the grade was recorded as given",
    ]);
    lib.ok(&["request", "statement", &id, "I disagree with the grade"]);
    let all = lib.json(&["request", "ls", "--all", "--json"]);
    let amendment = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "amendment")
        .unwrap();
    assert_eq!(amendment["decision"]["amended"], false);
    assert_eq!(amendment["statement"], "I disagree with the grade");
}

/// Destruction on the command line: `retention destroy` lists what it would destroy and
/// stops; with `--yes` it destroys the due document (a held one is kept), and the
/// certificate is written as JSON that `check-certificate` verifies and as a PDF; a
/// certificate changed afterwards is refused. The destruction report lists the batch.
#[test]
fn a_due_document_is_destroyed_with_a_certificate() {
    let lib = Lib::new();
    let input = lib.work().join("in");
    std::fs::create_dir_all(&input).unwrap();
    for name in ["t1.txt", "t2.txt"] {
        std::fs::write(
            input.join(name),
            format!("Transcript {name} of Zoltan Vexley\n"),
        )
        .unwrap();
    }
    lib.ok(&["import", input.to_str().unwrap()]);
    let (t1, t2) = (doc_by_name(&lib, "t1.txt"), doc_by_name(&lib, "t2.txt"));
    for number in ["ZV-1", "ZV-2"] {
        lib.ok(&[
            "subject",
            "add",
            "--number",
            number,
            "--name",
            "Zoltan Vexley",
            "--left",
            "2015-06-30",
        ]);
    }
    for (doc, number) in [(&t1, "ZV-1"), (&t2, "ZV-2")] {
        lib.ok(&["set", doc, "type=Transcript"]);
        lib.ok(&["subject", "link", doc, number]);
    }
    lib.ok(&[
        "retention",
        "set",
        "Transcript",
        "--series",
        "Academic records",
        "--years",
        "5",
        "--after",
        "left",
    ]);
    lib.ok(&["hold", &t2, "--reason", "court order 4"]);

    // Without --yes: listed, nothing destroyed.
    let out = lib.run(&["retention", "destroy", &t1, &t2, "--on", "2026-12-07"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).contains("Add --yes"), "{}", stdout(&out));
    assert!(lib.json(&["show", &t1, "--json"])["document"]["title"].is_string());

    let done = lib.json(&[
        "retention",
        "destroy",
        &t1,
        &t2,
        "--on",
        "2026-12-07",
        "--yes",
        "--json",
    ]);
    assert_eq!(done["destruction"]["destroyed"], 1, "{done}");
    assert_eq!(done["destruction"]["held"][0]["title"], "t2", "{done}");
    let batch = done["destruction"]["batch"].as_str().unwrap().to_owned();
    let gone = lib.run(&["show", &t1]);
    assert_ne!(code(&gone), 0, "the destroyed document is gone");
    assert!(
        lib.json(&["show", &t2, "--json"])["document"]["title"].is_string(),
        "the held one is kept"
    );
    let json = lib.work().join("certificate.json");
    let pdf = lib.work().join("certificate.pdf");
    lib.ok(&[
        "retention",
        "certificate",
        &batch[..8],
        "--out",
        json.to_str().unwrap(),
    ]);
    lib.ok(&[
        "retention",
        "certificate",
        &batch,
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let text = std::fs::read_to_string(&json).unwrap();
    for secret in ["Vexley", "ZV-1", "t1.txt", t1.as_str()] {
        assert!(!text.contains(secret), "the certificate names {secret}");
    }
    let check = lib.json(&[
        "retention",
        "check-certificate",
        json.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        check["destruction"]["records"].as_array().unwrap().len(),
        1,
        "{check}"
    );
    assert_eq!(check["destruction"]["held"], 1);
    // Changed after it was made: refused.
    let forged = lib.work().join("forged.json");
    std::fs::write(
        &forged,
        text.replace("\\\"held\\\": 1", "\\\"held\\\": 0")
            .replace("\\\"held\\\":1", "\\\"held\\\":0"),
    )
    .unwrap();
    assert_ne!(std::fs::read_to_string(&forged).unwrap(), text);
    let out = lib.run(&["retention", "check-certificate", forged.to_str().unwrap()]);
    assert_ne!(code(&out), 0, "{}", stdout(&out));
    // Never replaced: writing it again to the same file is refused.
    let again = lib.run(&[
        "retention",
        "certificate",
        &batch,
        "--out",
        json.to_str().unwrap(),
    ]);
    assert_ne!(code(&again), 0);

    let report = lib.json(&["report", "destruction", "--json"]);
    assert_eq!(report["rows"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["rows"][0][2], batch.as_str());
    let listed = lib.json(&["retention", "destructions", "--json"]);
    assert_eq!(listed[0]["destruction"]["batch"], batch.as_str());
    let check = lib.json(&["audit", "verify", "--json"]);
    assert_eq!(check["findings"], serde_json::json!([]), "{check}");
}
