//! Typed custom fields through the public API: a type's fields with their kinds, values
//! checked by them whether a person or a rule sets them, kept through a catalog rebuilt
//! from the store.

use dossier_core::{Action, Condition, Error, FieldDef, FieldKey, FieldKind, FieldValue, Rule};

use super::*;

fn def(name: &str, kind: FieldKind) -> FieldDef {
    FieldDef {
        name: name.into(),
        kind,
    }
}

#[test]
fn fields_are_typed_by_their_kind_for_people_and_rules_alike() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let fields = vec![
        def("Pages", FieldKind::Number),
        def("Sent", FieldKind::Date),
        def(
            "Kind",
            FieldKind::Choice {
                options: vec!["Home".into(), "School".into()],
            },
        ),
    ];
    lib.set_type_fields("  Letter ", fields.clone()).unwrap();
    assert_eq!(lib.catalog().type_fields("letter").unwrap(), fields);
    assert!(matches!(
        lib.set_type_fields("Letter", vec![def("type", FieldKind::Text)]),
        Err(Error::BadFieldDefs { .. })
    ));

    // A person's value: checked, and named as the type names the field.
    assert_eq!(
        lib.field_value(Some("Letter"), "pages", "3").unwrap(),
        (FieldKey::Custom("Pages".into()), FieldValue::Number(3.0))
    );
    assert!(matches!(
        lib.field_value(Some("Letter"), "Sent", "last week"),
        Err(Error::BadFieldValue { .. })
    ));
    assert_eq!(
        lib.field_value(None, "pages", "three").unwrap().1,
        FieldValue::Text("three".into()),
        "a type without the field types by the look"
    );

    // A rule's values: a number in words is left unset and said so, never an error.
    let src = t.path().join("in");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("letter.txt"),
        "Dear parent, the trip is on Monday.\n",
    )
    .unwrap();
    import(&mut lib, &[src], &ImportOptions::default());
    let letters = Rule {
        name: "letters".into(),
        position: 1,
        enabled: true,
        when: vec![Condition::Mime {
            mime: "text/".into(),
        }],
        then: vec![
            Action::Type {
                value: "Letter".into(),
            },
            Action::Field {
                name: "Pages".into(),
                value: "three".into(),
            },
            Action::Field {
                name: "sent".into(),
                value: "2026-01-05".into(),
            },
            Action::Field {
                name: "Kind".into(),
                value: "home".into(),
            },
        ],
    };
    let preview = lib.preview_rule(&letters).unwrap();
    assert_eq!(
        preview[0].changes,
        [
            "type = Letter",
            "Pages: \"three\" is not a number, like 12 or 3.5; left unset",
            "Sent = 2026-01-05",
            "Kind = Home",
        ]
    );
    let id = lib.set_rule(None, letters).unwrap();
    assert_eq!(lib.apply_rule(id).unwrap(), preview);
    let doc = preview[0].doc;
    let d = lib.catalog().document(doc).unwrap();
    assert_eq!(
        d.fields.get("Sent"),
        Some(&FieldValue::Date("2026-01-05".into()))
    );
    assert_eq!(d.fields.get("Kind"), Some(&FieldValue::Text("Home".into())));
    assert!(!d.fields.contains_key("Pages"));
    let audit = lib.catalog().audit(None).unwrap();
    assert!(audit.iter().any(|e| e.action == "type_fields_set"));

    // Kept through a catalog rebuilt from the store.
    drop(lib);
    let lib = rebuilt_catalog(t.path());
    assert_eq!(
        lib.catalog().all_type_fields().unwrap(),
        [("Letter".to_owned(), fields)]
    );
}
