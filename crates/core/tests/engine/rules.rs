//! Intake rules through the public API: run when files are added and again once their
//! text is read, never over what a person filed, previewed exactly as they then apply.

use dossier_core::{
    Action, Condition, Error, FieldKey, FieldValue, Listing, NumberSource, Pattern, RosterOptions,
    Rule, SubjectKind,
};

use super::*;

fn rule(name: &str, position: i64, when: Vec<Condition>, then: Vec<Action>) -> Rule {
    Rule {
        name: name.into(),
        position,
        enabled: true,
        when,
        then,
    }
}

fn by_file(lib: &Library, name: &str) -> dossier_core::DocumentDetail {
    let d = lib
        .catalog()
        .list(Listing::Active)
        .unwrap()
        .into_iter()
        .find(|d| d.file_name == name)
        .unwrap();
    lib.catalog().document(d.id).unwrap()
}

#[test]
fn rules_file_new_documents_on_import_and_once_their_text_is_read() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let roster = write(
        t.path(),
        "roster.csv",
        b"number,name\nS00042,Ann Lee\nS00077,Bo Chen\n",
    );
    lib.import_roster(
        &roster,
        RosterOptions {
            kind: SubjectKind::Student,
            dry_run: false,
        },
    )
    .unwrap();
    lib.set_rule(
        None,
        rule(
            "admission forms",
            0,
            vec![
                Condition::Folder {
                    pattern: Pattern::Words("admissions".into()),
                },
                Condition::FileName {
                    pattern: Pattern::Words("form".into()),
                },
            ],
            vec![
                Action::Type {
                    value: "Admission form".into(),
                },
                Action::Subject {
                    pattern: r"S\d{5}".into(),
                    from: NumberSource::FileName,
                },
            ],
        ),
    )
    .unwrap();
    lib.set_rule(
        None,
        rule(
            "transcripts",
            1,
            vec![Condition::Text {
                pattern: Pattern::Phrase("official transcript".into()),
            }],
            vec![
                Action::Type {
                    value: "Transcript".into(),
                },
                Action::Subject {
                    pattern: r"\b(S\d{5})\b".into(),
                    from: NumberSource::Either,
                },
                Action::Title {
                    template: "{type} – {name}".into(),
                },
                Action::Tags {
                    values: vec!["records".into()],
                },
            ],
        ),
    )
    .unwrap();
    // A bad pattern is refused and changes nothing.
    let before = lib.catalog().rules().unwrap();
    let bad = lib.set_rule(
        None,
        rule(
            "broken",
            2,
            vec![Condition::Text {
                pattern: Pattern::Regex("(unclosed".into()),
            }],
            vec![Action::Type { value: "x".into() }],
        ),
    );
    assert!(matches!(bad, Err(Error::BadPattern { .. })), "{bad:?}");
    // So is a rule that would set a legal hold or a built-in property as a field.
    for name in ["hold", "retain_until", "type"] {
        let bad = lib.set_rule(
            None,
            rule(
                "sneaky",
                2,
                vec![],
                vec![Action::Field {
                    name: name.into(),
                    value: "true".into(),
                }],
            ),
        );
        assert!(matches!(bad, Err(Error::BadRule { .. })), "{name}: {bad:?}");
    }
    assert_eq!(lib.catalog().rules().unwrap(), before);

    let pile = t.path().join("Scans/Admissions");
    // The number is found without regard to case.
    write(&pile, "form s00077.txt", b"Application for admission");
    write(
        &pile,
        "scan-0001.txt",
        b"OFFICIAL  TRANSCRIPT\nStudent: S00042\n",
    );
    write(&pile, "scan-0002.txt", b"Official transcript of S00077");
    write(&pile, "letter.txt", b"Dear parent, the trip is on Friday.");
    import(&mut lib, &[pile], &ImportOptions::default());
    // On import: the folder and name rule has run; the text rule waits for the text.
    let form = by_file(&lib, "form s00077.txt");
    assert_eq!(form.summary.doc_type.as_deref(), Some("Admission form"));
    assert_eq!(form.subject_name.as_deref(), Some("Bo Chen"));
    assert_eq!(by_file(&lib, "scan-0001.txt").summary.doc_type, None);
    // A person files scan-0002 by hand before its text is read.
    let hand = by_file(&lib, "scan-0002.txt").summary.id;
    lib.set_field(
        hand,
        FieldKey::Type,
        Some(FieldValue::Text("Report card".into())),
    )
    .unwrap();

    lib.process(&processing(), &mut |_| {}).unwrap();
    let scan = by_file(&lib, "scan-0001.txt");
    assert_eq!(scan.summary.doc_type.as_deref(), Some("Transcript"));
    assert_eq!(scan.summary.subject_id.as_deref(), Some("S00042"));
    assert_eq!(scan.summary.title, "Transcript – Ann Lee");
    assert_eq!(scan.summary.tags, vec!["records".to_owned()]);
    // What the person set stays; what was empty is filled.
    let hand = by_file(&lib, "scan-0002.txt");
    assert_eq!(hand.summary.doc_type.as_deref(), Some("Report card"));
    assert_eq!(hand.subject_name.as_deref(), Some("Bo Chen"));
    assert_eq!(hand.summary.title, "Report card – Bo Chen");
    let letter = by_file(&lib, "letter.txt");
    assert_eq!(
        (letter.summary.doc_type, letter.summary.tags.len()),
        (None, 0)
    );
    let trail = lib.catalog().audit(Some(scan.summary.id)).unwrap();
    assert!(
        trail.iter().any(|e| e
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("rules transcripts:"))),
        "{trail:?}"
    );

    // A new rule for what is filed already: the preview is exactly what applying does.
    let letters = rule(
        "letters home",
        3,
        vec![Condition::Text {
            pattern: Pattern::Words("parent dear".into()),
        }],
        vec![
            Action::Type {
                value: "Letter".into(),
            },
            Action::Tags {
                values: vec!["home".into()],
            },
        ],
    );
    let preview = lib.preview_rule(&letters).unwrap();
    assert_eq!(preview.len(), 1, "{preview:?}");
    assert_eq!(preview[0].changes, vec!["type = Letter", "+tag home"]);
    let id = lib.set_rule(None, letters.clone()).unwrap();
    let applied = lib.apply_rule(id).unwrap();
    assert_eq!(applied, preview);
    let letter = by_file(&lib, "letter.txt");
    assert_eq!(letter.summary.doc_type.as_deref(), Some("Letter"));
    assert!(
        lib.preview_rule(&letters).unwrap().is_empty(),
        "nothing left to do"
    );
    lib.delete_rule(id).unwrap();
    assert_eq!(lib.catalog().rules().unwrap().len(), 2);
}

#[test]
fn a_rule_on_the_text_keeps_its_place_before_a_rule_on_the_folder() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    lib.set_rule(
        None,
        rule(
            "transcripts",
            0,
            vec![Condition::Text {
                pattern: Pattern::Phrase("official transcript".into()),
            }],
            vec![Action::Type {
                value: "Transcript".into(),
            }],
        ),
    )
    .unwrap();
    lib.set_rule(
        None,
        rule(
            "admissions",
            1,
            vec![Condition::Folder {
                pattern: Pattern::Words("admissions".into()),
            }],
            vec![
                Action::Type {
                    value: "Admission form".into(),
                },
                Action::Tags {
                    values: vec!["intake".into()],
                },
            ],
        ),
    )
    .unwrap();
    let pile = t.path().join("Scans/Admissions");
    write(&pile, "scan-1.txt", b"Official transcript of grades");
    write(&pile, "scan-2.txt", b"Application for admission");
    import(&mut lib, &[pile], &ImportOptions::default());
    // On import: the folder rule's tag at once; its type waits for the transcript rule,
    // which comes first and reads the text.
    for name in ["scan-1.txt", "scan-2.txt"] {
        let d = by_file(&lib, name);
        assert_eq!(d.summary.doc_type, None, "{name}");
        assert_eq!(d.summary.tags, vec!["intake".to_owned()], "{name}");
    }
    lib.process(&processing(), &mut |_| {}).unwrap();
    let transcript = by_file(&lib, "scan-1.txt");
    assert_eq!(transcript.summary.doc_type.as_deref(), Some("Transcript"));
    assert_eq!(transcript.summary.tags, vec!["intake".to_owned()]);
    let form = by_file(&lib, "scan-2.txt");
    assert_eq!(form.summary.doc_type.as_deref(), Some("Admission form"));
}
