//! `dossier suggest`: a type and tags learned from what was filed, the person a document
//! names looked up among the library's people, and `--accept` filing it so.

use super::*;

#[test]
fn a_document_is_suggested_what_documents_like_it_were_filed_as() {
    let lib = Lib::new();
    let roster = lib.work().join("roster.csv");
    std::fs::write(
        &roster,
        "Student Number,Surname,Given Name\n2024-017,Okafor,Ada\n2024-018,Lind,Bo\n",
    )
    .unwrap();
    lib.ok(&["subject", "import-roster", roster.to_str().unwrap()]);
    let files = [
        (
            "a.txt",
            "Official transcript: credits earned, grades and cumulative GPA",
        ),
        (
            "b.txt",
            "Academic transcript of record: grades, credits and GPA by year",
        ),
        (
            "c.txt",
            "Immunization record: MMR doses given, polio vaccine",
        ),
        ("d.txt", "Vaccination history: MMR doses, tetanus booster"),
        (
            "e.txt",
            "Transcript for Okafor, Ada: credits, grades and GPA",
        ),
    ];
    let mut ids = Vec::new();
    for (name, text) in files {
        let f = lib.work().join(name);
        std::fs::write(&f, text).unwrap();
        lib.ok(&["import", f.to_str().unwrap()]);
        ids.push(doc_by_name(&lib, name));
    }
    lib.ok(&["process"]);
    for (id, t) in [
        (&ids[0], "Transcript"),
        (&ids[1], "Transcript"),
        (&ids[2], "Immunisation"),
        (&ids[3], "Immunisation"),
    ] {
        lib.ok(&["set", id, &format!("type={t}")]);
    }
    lib.ok(&["tag", &ids[0], "+academic"]);
    lib.ok(&["tag", &ids[1], "+Academic"]);

    let s = lib.json(&["suggest", &ids[4], "--json"]);
    assert_eq!(s["type"]["label"], "Transcript", "{s}");
    assert_eq!(s["tags"][0]["label"], "academic", "{s}");
    assert_eq!(s["person"]["number"], "2024-017", "{s}");
    assert_eq!(s["person"]["by"], "name");
    let text = lib.ok(&["suggest", &ids[4]]);
    assert!(
        text.contains("person: Ada Okafor (2024-017), by the name"),
        "{text}"
    );

    lib.ok(&["suggest", &ids[4], "--accept"]);
    let shown = &lib.json(&["show", &ids[4], "--json"])["document"];
    assert_eq!(shown["type"], "Transcript");
    assert_eq!(shown["tags"], serde_json::json!(["academic"]));
    assert_eq!(shown["subject_id"], "2024-017", "{shown}");
    // Filed: nothing more to suggest.
    assert!(
        lib.ok(&["suggest", &ids[4]])
            .contains("Nothing to suggest.")
    );
    let out = lib.run(&["suggest", "no-such-document"]);
    assert_ne!(code(&out), 0);
}
