//! `dossier subject`: people's records from a roster, edited, merged and searched by, as
//! scripts use them.

use super::*;

#[test]
fn people_come_from_a_roster_and_documents_find_their_person() {
    let lib = Lib::new();
    let input = lib.work().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("transcript.txt"), "Transcript of records\n").unwrap();
    std::fs::write(input.join("photo-id.txt"), "ID photo\n").unwrap();
    lib.ok(&["import", input.to_str().unwrap()]);
    let doc = doc_by_name(&lib, "transcript.txt");
    let photo = doc_by_name(&lib, "photo-id.txt");
    // Filed by number before the roster arrived.
    lib.ok(&["set", &doc, "subject=2024-017"]);
    // A number is kept as written: leading zeros and all.
    lib.ok(&["set", &photo, "subject=0012"]);
    assert_eq!(
        lib.json(&["show", &photo, "--json"])["document"]["subject_id"],
        "0012"
    );

    let roster = lib.work().join("roster.csv");
    std::fs::write(
        &roster,
        "Student Number;Surname;Given Name;Date of Birth;Programme;Status;Locker\n\
         2024-017;Okafor;Ada;2010-05-02;Grade 9;Enrolled;41\n\
         2024-018;Lind;Bo;2010-01-30;Grade 9;enrolled;42\n\
         2023-001;Ng;Chi;2009-11-12;Grade 10;graduated;43\n",
    )
    .unwrap();
    let dry = lib.json(&[
        "subject",
        "import-roster",
        "--dry-run",
        "--json",
        roster.to_str().unwrap(),
    ]);
    assert_eq!(dry["added"], 3);
    assert_eq!(
        lib.json(&["subject", "ls", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let report = lib.json(&[
        "subject",
        "import-roster",
        "--json",
        roster.to_str().unwrap(),
    ]);
    assert_eq!(report["added"], 3);
    assert_eq!(report["ignored_columns"], serde_json::json!(["Locker"]));
    let again = lib.ok(&["subject", "import-roster", roster.to_str().unwrap()]);
    assert!(
        again.contains("0 were added, 0 were updated, 3 unchanged"),
        "{again}"
    );

    let ada = lib.json(&["subject", "show", "2024-017", "--json"]);
    assert_eq!(ada["subject"]["name"], "Ada Okafor");
    assert_eq!(ada["subject"]["status"], "active");
    assert_eq!(ada["documents"][0]["id"], doc.as_str());
    assert_eq!(
        ada["history"].as_array().unwrap().len(),
        0,
        "a roster line is no edit"
    );
    let shown = lib.json(&["show", &doc, "--json"]);
    assert_eq!(shown["document"]["subject_name"], "Ada Okafor");

    // Grade 9 requires a transcript and an ID photo: Ada has the first.
    lib.ok(&["set", &doc, "type=Transcript"]);
    lib.ok(&["subject", "require", "Grade 9", "transcript", "ID photo"]);
    let required = lib.json(&["subject", "require", "--json"]);
    assert_eq!(
        required["Grade 9"],
        serde_json::json!(["transcript", "ID photo"])
    );
    let checklist =
        lib.json(&["subject", "show", "2024-017", "--json"])["dossier"]["checklist"].clone();
    assert_eq!(checklist[0]["documents"][0], doc.as_str());
    assert_eq!(checklist[1]["documents"], serde_json::json!([]));
    let text = lib.ok(&["subject", "show", "2024-017"]);
    assert!(text.contains("missing  ID photo"), "{text}");
    assert!(text.contains("on file  transcript"), "{text}");

    // Staff by hand, edited; a document linked to a person by name.
    let cy = lib.json(&[
        "subject",
        "add",
        "--staff",
        "--number",
        "T-9",
        "--name",
        "Cy Dee",
        "--programme",
        "Science",
        "--json",
    ]);
    assert_eq!(cy["kind"], "staff");
    lib.ok(&["subject", "set", "T-9", "status=retired", "left=2025-07-31"]);
    let cy = lib.json(&["subject", "show", "Cy Dee", "--json"]);
    assert_eq!(cy["subject"]["status"], "left");
    assert_eq!(cy["subject"]["left"], "2025-07-31");
    lib.ok(&["subject", "link", &photo, "2024-018"]);
    assert_eq!(
        lib.json(&["subject", "show", "2024-018", "--json"])["documents"][0]["id"],
        photo.as_str()
    );

    // Bo is a duplicate of Ada: Bo's document shows under Ada until the merge is undone.
    lib.ok(&["subject", "merge", "2024-018", "2024-017"]);
    let ada = lib.json(&["subject", "show", "2024-017", "--json"]);
    assert_eq!(ada["documents"].as_array().unwrap().len(), 2);
    assert_eq!(
        ada["subject"]["other_names"],
        serde_json::json!(["Bo Lind"])
    );
    assert_eq!(
        lib.json(&["subject", "ls", "--json"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        lib.json(&["subject", "ls", "--merged", "--json"])
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let same = lib.run(&["subject", "merge", "2024-017", "Bo Lind"]);
    assert_ne!(code(&same), 0);
    lib.ok(&[
        "subject",
        "unmerge",
        &lib.json(&["subject", "ls", "--merged", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["number"] == "2024-018")
            .unwrap()["id"]
            .as_str()
            .unwrap()[..10],
    ]);
    assert_eq!(
        lib.json(&["subject", "show", "2024-017", "--json"])["documents"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Ada's whole record for an inspection request: one ZIP, never written over.
    let zip = lib.work().join("ada.zip");
    let exported = lib.json(&[
        "subject",
        "export",
        "2024-017",
        "--to",
        zip.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        (exported["documents"].clone(), exported["files"].clone()),
        (1.into(), 1.into())
    );
    let first = std::fs::read(&zip).unwrap();
    assert!(first.starts_with(b"PK"), "a ZIP file");
    let again = lib.run(&[
        "subject",
        "export",
        "2024-017",
        "--to",
        zip.to_str().unwrap(),
    ]);
    assert_ne!(code(&again), 0, "an existing file is not replaced");
    assert_eq!(std::fs::read(&zip).unwrap(), first);

    // A roster with bad lines: exit 1, every line named, nothing imported.
    let bad = lib.work().join("bad.csv");
    std::fs::write(
        &bad,
        "number,name,birth_date\n9001,New Person,2011-01-01\n9002,,2011-01-01\n9003,Someone,31/12/2011\n",
    )
    .unwrap();
    let out = lib.run(&["subject", "import-roster", bad.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("line 3: name"), "{err}");
    assert!(err.contains("line 4: birth_date \"31/12/2011\""), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(
        lib.json(&["subject", "ls", "--json"])
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let missing = lib.run(&["subject", "show", "no such person"]);
    assert_eq!(code(&missing), 3);
    assert!(stderr(&missing).contains("no student or staff member matches"));
}
