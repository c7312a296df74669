//! Filing suggestions through the public API: a suggester learned from a library's filed
//! documents suggests a type and tags for an unfiled one and learns a correction at once;
//! the person a document names (by number or name) is suggested from the library's people,
//! and nothing is suggested that the document already has.

use std::collections::BTreeMap;

use dossier_core::{
    DocId, FieldKey, FieldValue, Filing, FilingSuggestion, PersonClue, SubjectField, Suggester,
};

use super::*;

fn suggestion(lib: &Library, s: &Suggester, doc: DocId) -> FilingSuggestion {
    lib.suggest_filing(doc, |f| s.suggest(Some(doc), f))
        .unwrap()
}

fn tags(s: &FilingSuggestion) -> Vec<&str> {
    s.tags.iter().map(|g| g.label.as_str()).collect()
}

#[test]
fn a_library_suggests_the_type_and_tags_people_gave_documents_like_it() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let inbox = t.path().join("in");
    let texts = [
        (
            "a.txt",
            "Official transcript. Mathematics A. Credits earned 24. Cumulative GPA 3.4",
            Some("Transcript"),
            &["grades"][..],
        ),
        (
            "b.txt",
            "Academic transcript of record: grades and credits for each school year",
            Some("Transcript"),
            &["grades", "Archive"][..],
        ),
        (
            "c.txt",
            "Immunization record: MMR doses given, polio vaccine, varicella",
            Some("Immunisation"),
            &["medical"][..],
        ),
        (
            "d.txt",
            "Vaccination history. Hepatitis B doses, MMR, tetanus booster",
            Some("Immunisation"),
            &["Medical"][..],
        ),
        (
            "e.txt",
            "Transcript: credits, grade point average and courses taken",
            None,
            &[][..],
        ),
        (
            "f.txt",
            "Record of vaccine doses given at the clinic, MMR",
            None,
            &[][..],
        ),
        ("g.txt", "Cafeteria menu for the spring term", None, &[][..]),
    ];
    let files: Vec<PathBuf> = texts
        .iter()
        .map(|(name, text, _, _)| write(&inbox, name, text.as_bytes()))
        .collect();
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    lib.process(&processing(), &mut |_| {}).unwrap();
    for (doc, (_, _, label, tags)) in docs.iter().zip(&texts).take(4) {
        lib.set_field(
            *doc,
            FieldKey::Type,
            label.map(|l| FieldValue::Text(l.into())),
        )
        .unwrap();
        let tags: Vec<String> = tags.iter().map(|t| (*t).to_owned()).collect();
        lib.tag(*doc, &tags, &[]).unwrap();
    }
    let mut s = lib.suggester().unwrap();
    assert_eq!(s.documents(), 4, "learned from the filed documents only");

    let e = suggestion(&lib, &s, docs[4]);
    assert_eq!(
        e.doc_type.as_ref().map(|g| g.label.as_str()),
        Some("Transcript")
    );
    assert_eq!(
        tags(&e),
        ["grades"],
        "both transcripts carry it; one carries Archive"
    );
    assert_eq!(e.person, None, "nobody in the library");
    let f = suggestion(&lib, &s, docs[5]);
    assert_eq!(tags(&f), ["medical"], "spelled as the nearest has it");
    // The tag the document already has (in any case) is not suggested again.
    lib.tag(docs[5], &["MEDICAL".to_owned()], &[]).unwrap();
    let f = suggestion(&lib, &s, docs[5]);
    assert_eq!(
        f.doc_type.as_ref().map(|g| g.label.as_str()),
        Some("Immunisation")
    );
    assert!(tags(&f).is_empty(), "{f:?}");
    // A typed document gets no type suggested; an unlike one no tags.
    assert_eq!(suggestion(&lib, &s, docs[0]).doc_type, None);
    assert!(tags(&suggestion(&lib, &s, docs[6])).is_empty());

    // A clerk re-types a transcript as a report card: taught at once, no relearning.
    let features = lib.document_features(docs[0]).unwrap().unwrap();
    s.teach(
        docs[0],
        &features,
        &Filing {
            doc_type: Some("Report card".into()),
            tags: vec!["grades".into()],
        },
    );
    assert_eq!(s.documents(), 4);
    assert_eq!(
        s.suggest(None, &features)
            .doc_type
            .map(|g| g.label)
            .as_deref(),
        Some("Report card")
    );
    // In the trash: nothing.
    lib.trash(docs[4]).unwrap();
    assert!(suggestion(&lib, &s, docs[4]).is_empty());
}

#[test]
fn the_person_a_document_names_is_suggested_by_number_before_name() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let person = |lib: &mut Library, kind: &str, number: &str, name: &str| {
        let values: BTreeMap<SubjectField, String> = [
            (SubjectField::Kind, kind),
            (SubjectField::Number, number),
            (SubjectField::Name, name),
        ]
        .into_iter()
        .map(|(f, v)| (f, v.to_owned()))
        .collect();
        lib.add_subject(&values).unwrap()
    };
    let maya = person(&mut lib, "student", "S2024-0173", "Maya Okafor");
    let tom = person(&mut lib, "student", "S2024-0200", "Tom Berg");
    person(&mut lib, "staff", "T0042", "Ines Silva");
    let twin = person(&mut lib, "student", "S2024-0300", "Ines Silva");
    let inbox = t.path().join("in");
    let files = [
        // Maya by number; Tom only by name (a number counts more).
        write(
            &inbox,
            "a.txt",
            b"Report for student S2024-0173. Class partner: Tom Berg.",
        ),
        // "Last, First", in capitals.
        write(&inbox, "b.txt", b"BERG, TOM\nGrade 7 report"),
        // Two students by name alone: nobody is suggested.
        write(
            &inbox,
            "c.txt",
            b"Maya Okafor and Tom Berg won the spelling bee.",
        ),
        // The staff member and a student share a name: the student.
        write(&inbox, "d.txt", b"Signed, Ines Silva"),
        write(&inbox, "scan_S2024-0200.txt", b"no names inside"),
    ];
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    lib.process(&processing(), &mut |_| {}).unwrap();
    let s = Suggester::new();
    let person_of =
        |lib: &Library, doc| suggestion(lib, &s, doc).person.map(|p| (p.subject, p.clue));
    assert_eq!(
        person_of(&lib, docs[0]),
        Some((maya, PersonClue::Number("S2024-0173".into())))
    );
    assert_eq!(
        person_of(&lib, docs[1]),
        Some((tom, PersonClue::Name("TOM BERG".into())))
    );
    assert_eq!(person_of(&lib, docs[2]), None, "two people, equally likely");
    assert_eq!(
        person_of(&lib, docs[3]),
        Some((twin, PersonClue::Name("Ines Silva".into())))
    );
    assert_eq!(
        person_of(&lib, docs[4]),
        Some((tom, PersonClue::Number("S2024-0200".into()))),
        "the file's name counts"
    );
    // Filed under a person: no person suggested.
    lib.set_document_subject(docs[0], Some(maya)).unwrap();
    assert_eq!(person_of(&lib, docs[0]), None);
}
