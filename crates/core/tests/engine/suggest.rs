//! Filing suggestions through the public API: a suggester learned from a library's typed
//! documents suggests a type for an untyped one, and learns a correction at once.

use dossier_core::{FieldKey, FieldValue};

use super::*;

#[test]
fn a_library_suggests_the_type_people_gave_documents_like_it() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let inbox = t.path().join("in");
    let texts = [
        (
            "a.txt",
            "Official transcript. Mathematics A. Credits earned 24. Cumulative GPA 3.4",
            Some("Transcript"),
        ),
        (
            "b.txt",
            "Academic transcript of record: grades and credits for each school year",
            Some("Transcript"),
        ),
        (
            "c.txt",
            "Immunization record: MMR doses given, polio vaccine, varicella",
            Some("Immunisation"),
        ),
        (
            "d.txt",
            "Vaccination history. Hepatitis B doses, MMR, tetanus booster",
            Some("Immunisation"),
        ),
        (
            "e.txt",
            "Transcript: credits, grade point average and courses taken",
            None,
        ),
        ("f.txt", "Record of vaccine doses given at the clinic", None),
    ];
    let files: Vec<PathBuf> = texts
        .iter()
        .map(|(name, text, _)| write(&inbox, name, text.as_bytes()))
        .collect();
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    lib.process(&processing(), &mut |_| {}).unwrap();
    for (doc, (_, _, label)) in docs.iter().zip(&texts) {
        if let Some(l) = label {
            lib.set_field(*doc, FieldKey::Type, Some(FieldValue::Text((*l).into())))
                .unwrap();
        }
    }
    let mut s = lib.type_suggester().unwrap();
    assert_eq!(s.documents(), 4, "learned from the typed documents only");
    let guess = |s: &dossier_core::TypeSuggester, doc| {
        s.suggest(&lib.document_features(doc).unwrap().unwrap())
            .map(|g| g.label)
    };
    assert_eq!(guess(&s, docs[4]).as_deref(), Some("Transcript"));
    assert_eq!(guess(&s, docs[5]).as_deref(), Some("Immunisation"));

    // A clerk re-types a transcript as a report card: taught at once, no relearning.
    let f = lib.document_features(docs[0]).unwrap().unwrap();
    s.teach(docs[0], &f, Some("Report card"));
    assert_eq!(s.documents(), 4);
    assert_eq!(guess(&s, docs[0]).as_deref(), Some("Report card"));
}
