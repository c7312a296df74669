//! `dossier fields`: a type's fields with their kinds; a value that does not fit its
//! field is refused with what the field takes, and nothing of the command is set.

use super::*;

#[test]
fn values_fit_the_kinds_their_type_defines() {
    let lib = Lib::new();
    let f = lib.work().join("report.txt");
    std::fs::write(&f, "Term report for student 2024-0173\n").unwrap();
    lib.ok(&["import", f.to_str().unwrap()]);
    let id = lib.json(&["ls", "--json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    lib.ok(&[
        "fields",
        "set",
        "Report card",
        "Grade:number",
        "Term:choice=Autumn|Spring",
        "Issued:date",
        "Teacher",
    ]);
    let listed = lib.json(&["fields", "ls", "--json"]);
    assert_eq!(listed[0]["type"], "Report card");
    assert_eq!(
        listed[0]["fields"][1],
        serde_json::json!({"name": "Term", "kind": "choice", "options": ["Autumn", "Spring"]})
    );
    // A definition that cannot work is refused.
    let out = lib.run(&["fields", "set", "Report card", "Grade:integer"]);
    assert_ne!(code(&out), 0);
    assert!(stderr(&out).contains("the kind is text, number, date or choice"));
    let out = lib.run(&["fields", "set", "Report card", "title:text"]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("not a custom field's name"),
        "{}",
        stderr(&out)
    );

    // The type set by the same command decides: "twelve" is no number, and the title
    // given with it is not set either.
    let out = lib.run(&[
        "set",
        &id,
        "title=Autumn report",
        "type=Report card",
        "Grade=twelve",
    ]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("\"twelve\" is not a number"),
        "{}",
        stderr(&out)
    );
    let shown = lib.json(&["show", &id, "--json"]);
    assert_eq!(shown["document"]["title"], "report");
    assert!(shown["document"]["type"].is_null());

    lib.ok(&["set", &id, "type=Report card", "grade=12.5", "term=spring"]);
    let out = lib.run(&["set", &id, "Term=Summer"]);
    assert!(
        stderr(&out).contains("one of: Autumn, Spring"),
        "{}",
        stderr(&out)
    );
    lib.ok(&["set", &id, "Issued=2026-12-01", "Teacher=42"]);
    let fields = &lib.json(&["show", &id, "--json"])["document"]["fields"];
    assert_eq!(fields["Grade"], serde_json::json!({"number": 12.5}));
    assert_eq!(fields["Term"], serde_json::json!({"text": "Spring"}));
    assert_eq!(fields["Issued"], serde_json::json!({"date": "2026-12-01"}));
    assert_eq!(fields["Teacher"], serde_json::json!({"text": "42"}));
}
