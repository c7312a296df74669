//! People as records through the public API: a roster of thousands imported once and
//! again, bad rosters refused whole, records added, edited, merged and unmerged, and the
//! documents that follow them, through a reopen and a catalog rebuild.

use std::collections::BTreeMap;
use std::time::Instant;

use dossier_core::{
    Error, FieldKey, FieldValue, RosterIssue, RosterOptions, SubjectField, SubjectFilter,
    SubjectKind,
};

use super::*;

const STUDENTS: usize = 5_000;

fn roster(students: usize, programme_of_7: &str) -> String {
    let mut csv = String::from("Student ID,First Name,Last Name,DOB,Program,Enrolled,Status\n");
    for i in 0..students {
        let programme = if i == 7 { programme_of_7 } else { "Grade 10" };
        csv += &format!(
            "S{i:05},Given{i},Family{},20{:02}-{:02}-{:02},{programme},2024-09-01,enrolled\n",
            i % 97,
            8 + i % 3,
            1 + i % 12,
            1 + i % 28,
        );
    }
    csv
}

fn everyone(lib: &Library) -> Vec<dossier_core::SubjectRecord> {
    lib.catalog()
        .subjects(&SubjectFilter {
            include_merged: true,
            ..SubjectFilter::default()
        })
        .unwrap()
}

const IMPORT: RosterOptions = RosterOptions {
    kind: SubjectKind::Student,
    dry_run: false,
};

#[test]
fn a_roster_of_thousands_imports_once_and_importing_it_again_changes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    // A scan filed by hand with a student number before the roster came.
    let scan = write(&t.path().join("in"), "scan.txt", b"Transcript of S00042");
    let doc = imported(&import(&mut lib, &[scan], &ImportOptions::default()))[0];
    lib.set_field(
        doc,
        FieldKey::SubjectId,
        Some(FieldValue::Text("S00042".into())),
    )
    .unwrap();

    let file = write(
        t.path(),
        "roster.csv",
        roster(STUDENTS, "Grade 10").as_bytes(),
    );
    let dry = lib
        .import_roster(
            &file,
            RosterOptions {
                dry_run: true,
                ..IMPORT
            },
        )
        .unwrap();
    assert_eq!((dry.added, dry.updated), (STUDENTS, 0));
    assert!(everyone(&lib).is_empty(), "a dry run writes nothing");

    let started = Instant::now();
    let report = lib.import_roster(&file, IMPORT).unwrap();
    let took = started.elapsed();
    println!("roster of {STUDENTS} students imported in {took:?}");
    assert_eq!(
        (
            report.people,
            report.added,
            report.updated,
            report.unchanged
        ),
        (STUDENTS, STUDENTS, 0, 0)
    );
    assert_eq!(everyone(&lib).len(), STUDENTS);
    // The document typed with S00042 is now that student's.
    let ann = lib.catalog().resolve_subject("S00042").unwrap();
    let record = lib.catalog().subject(ann).unwrap();
    assert_eq!(record.name, "Given42 Family42");
    assert_eq!(record.birth_date.as_deref(), Some("2008-07-15"));
    assert_eq!(record.status.as_deref(), Some("active"));
    assert_eq!(record.documents, 1);
    assert_eq!(lib.catalog().document_subject(doc).unwrap(), Some(ann));
    assert_eq!(
        lib.catalog().document(doc).unwrap().subject_name.as_deref(),
        Some("Given42 Family42")
    );

    // Again: nothing changes, not even the audit trail.
    let audit = lib.catalog().audit(None).unwrap().len();
    let again = lib.import_roster(&file, IMPORT).unwrap();
    assert_eq!(
        (again.added, again.updated, again.unchanged),
        (0, 0, STUDENTS)
    );
    assert_eq!(lib.catalog().audit(None).unwrap().len(), audit);

    // A later export: one student changed programme, one joined.
    let mut next = roster(STUDENTS + 1, "Grade 11");
    next.push('\n');
    let file2 = write(t.path(), "roster-2.csv", next.as_bytes());
    let r = lib.import_roster(&file2, IMPORT).unwrap();
    assert_eq!((r.added, r.updated, r.unchanged), (1, 1, STUDENTS - 1));
    let seven = lib.catalog().resolve_subject("S00007").unwrap();
    assert_eq!(
        lib.catalog().subject(seven).unwrap().programme.as_deref(),
        Some("Grade 11")
    );
    let imports: Vec<_> = lib
        .catalog()
        .audit(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "roster_imported")
        .collect();
    assert_eq!(imports.len(), 2);
    assert_eq!(
        imports[1].detail.as_deref(),
        Some("roster-2.csv: 1 added, 1 updated")
    );

    // A file with bad lines imports nothing and says which lines.
    let before = everyone(&lib);
    let mut bad = roster(20, "Grade 12");
    bad = bad
        .replace("S00001,Given1,Family1", "S00001,,")
        .replace("2009-11-11", "11/11/2009");
    bad += "S00005,Again,Someone,2009-01-01,Grade 12,2024-09-01,enrolled\n";
    let file3 = write(t.path(), "roster-bad.csv", bad.as_bytes());
    match lib.import_roster(&file3, IMPORT) {
        Err(Error::RosterRejected { problems, .. }) => {
            let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
            assert_eq!(lines, vec![3, 12, 22], "{problems:?}");
            assert!(matches!(
                problems[2].issue,
                RosterIssue::Repeated { first_line: 7, .. }
            ));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(everyone(&lib), before, "a refused roster changes nothing");

    // Everything holds through a reopen and a catalog rebuilt from the store.
    drop(lib);
    let lib = reopen(t.path(), Access::Read);
    assert_eq!(everyone(&lib).len(), STUDENTS + 1);
    drop(lib);
    let lib = rebuilt_catalog(t.path());
    let rebuilt = everyone(&lib);
    assert_eq!(rebuilt.len(), STUDENTS + 1);
    assert_eq!(lib.catalog().document_subject(doc).unwrap(), Some(ann));
}

fn values(pairs: &[(SubjectField, &str)]) -> BTreeMap<SubjectField, String> {
    pairs.iter().map(|(f, v)| (*f, (*v).to_owned())).collect()
}

#[test]
fn people_are_added_edited_merged_and_unmerged_and_their_documents_follow() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let files = [
        write(&t.path().join("in"), "a.txt", b"enrolment form"),
        write(&t.path().join("in"), "b.txt", b"birth certificate"),
    ];
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    let ann = lib
        .add_subject(&values(&[
            (SubjectField::Kind, "student"),
            (SubjectField::Number, "1001"),
            (SubjectField::Name, "Ann Lee"),
            (SubjectField::BirthDate, "2009-03-07"),
        ]))
        .unwrap();
    let dup = lib
        .add_subject(&values(&[
            (SubjectField::Kind, "student"),
            (SubjectField::Number, "1001-B"),
            (SubjectField::Name, "Anne Lee"),
        ]))
        .unwrap();
    // The same number again is refused; so is a record without a name.
    assert!(matches!(
        lib.add_subject(&values(&[
            (SubjectField::Kind, "Student"),
            (SubjectField::Number, "1001"),
            (SubjectField::Name, "Someone Else"),
        ])),
        Err(Error::SubjectExists { .. })
    ));
    assert!(matches!(
        lib.add_subject(&values(&[
            (SubjectField::Kind, "staff"),
            (SubjectField::Number, "T1"),
        ])),
        Err(Error::BadSubjectValue { field: "name", .. })
    ));
    // A staff member may share a student's number.
    lib.add_subject(&values(&[
        (SubjectField::Kind, "staff"),
        (SubjectField::Number, "1001"),
        (SubjectField::Name, "Cy Dee"),
    ]))
    .unwrap();

    let changed = lib
        .edit_subject(
            ann,
            &values(&[
                (SubjectField::Programme, "IB Diploma"),
                (SubjectField::BirthDate, "2009-03-07"),
            ]),
        )
        .unwrap();
    assert_eq!(changed, vec![SubjectField::Programme]);
    assert!(
        lib.edit_subject(ann, &values(&[(SubjectField::Programme, "IB Diploma")]))
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        lib.edit_subject(dup, &values(&[(SubjectField::Number, "1001")])),
        Err(Error::SubjectExists { .. })
    ));

    lib.set_document_subject(docs[0], Some(ann)).unwrap();
    lib.set_document_subject(docs[1], Some(dup)).unwrap();
    let of_dup: Vec<_> = lib
        .catalog()
        .subject_documents(dup)
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(of_dup, vec![docs[1]]);

    lib.merge_subjects(dup, ann).unwrap();
    let merged = lib.catalog().subject(ann).unwrap();
    assert_eq!(merged.other_names, vec!["Anne Lee".to_owned()]);
    assert_eq!(merged.documents, 2);
    assert_eq!(lib.catalog().document_subject(docs[1]).unwrap(), Some(ann));
    assert_eq!(lib.catalog().subject(dup).unwrap().shown_as, Some(ann));
    assert!(matches!(
        lib.merge_subjects(ann, dup),
        Err(Error::SameSubject)
    ));
    // Listing shows the one person; the merged record is found on request.
    let listed = lib.catalog().subjects(&SubjectFilter {
        text: Some("lee".into()),
        ..SubjectFilter::default()
    });
    assert_eq!(
        listed.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ann]
    );

    lib.unmerge_subject(dup).unwrap();
    assert!(matches!(
        lib.unmerge_subject(dup),
        Err(Error::SubjectNotMerged)
    ));
    assert_eq!(lib.catalog().document_subject(docs[1]).unwrap(), Some(dup));
    assert_eq!(lib.catalog().subject(ann).unwrap().documents, 1);

    // The trail of Ann's record, and a document no longer about anyone.
    let trail: Vec<String> = lib
        .catalog()
        .subject_audit(ann)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        trail,
        ["subject_added", "subject_edited", "subjects_merged"]
    );
    lib.set_document_subject(docs[0], None).unwrap();
    assert_eq!(lib.catalog().document_subject(docs[0]).unwrap(), None);
    assert_eq!(
        lib.catalog().document(docs[0]).unwrap().summary.subject_id,
        None
    );

    // The checklist of Ann's programme: what is on file, what is missing; the timeline.
    lib.set_requirements(
        "ib diploma",
        &[
            "Transcript".into(),
            "Birth certificate".into(),
            "transcript".into(),
        ],
    )
    .unwrap();
    lib.set_requirements("*", &["Enrolment form".into()])
        .unwrap();
    lib.set_field(
        docs[1],
        FieldKey::Type,
        Some(FieldValue::Text("birth Certificate".into())),
    )
    .unwrap();
    let missing = |lib: &Library, who| -> Vec<(String, bool)> {
        lib.catalog()
            .dossier(who)
            .unwrap()
            .checklist
            .iter()
            .map(|c| (c.doc_type.clone(), c.missing()))
            .collect()
    };
    assert_eq!(
        missing(&lib, ann),
        [
            ("Transcript".to_owned(), true),
            ("Birth certificate".to_owned(), true)
        ]
    );
    lib.set_document_subject(docs[1], Some(ann)).unwrap();
    assert_eq!(
        missing(&lib, ann),
        [
            ("Transcript".to_owned(), true),
            ("Birth certificate".to_owned(), false)
        ]
    );
    // Someone of another programme gets the list for every programme.
    assert_eq!(missing(&lib, dup), [("Enrolment form".to_owned(), true)]);
    let dossier = lib.catalog().dossier(ann).unwrap();
    assert_eq!(dossier.requirements_of.as_deref(), Some("ib diploma"));
    assert_eq!(dossier.by_type.len(), 1);
    assert_eq!(
        dossier.by_type[0].doc_type.as_deref(),
        Some("birth Certificate")
    );
    let dates: Vec<&str> = dossier.timeline.iter().map(|e| e.date.as_str()).collect();
    assert_eq!(dates.first(), Some(&"2009-03-07"), "born first: {dates:?}");
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");

    // A reference is a number, a name or an id prefix.
    let cat = lib.catalog();
    assert_eq!(cat.resolve_subject("Ann Lee").unwrap(), ann);
    assert_eq!(cat.resolve_subject(&ann.to_string()[..8]).unwrap(), ann);
    assert!(matches!(
        cat.resolve_subject("1001"),
        Err(Error::AmbiguousSubject { count: 2, .. })
    ));
    assert!(matches!(
        cat.resolve_subject("9999"),
        Err(Error::NoSuchSubject { .. })
    ));
}

/// A person's whole record as a ZIP: every version of every document of theirs (not
/// another person's, not the trash), each file's hash in the manifest matching its bytes,
/// the checklist and history inside, each document's export in the audit trail, and an
/// existing file never replaced.
#[test]
fn a_persons_record_exports_as_a_zip_with_every_version_and_a_manifest() {
    use std::io::Read;

    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let inbox = t.path().join("in");
    let files = [
        write(&inbox, "transcript.txt", b"transcript, first issue"),
        write(&inbox, "letter.txt", b"a letter home"),
        write(&inbox, "other.txt", b"someone else's record"),
        write(&inbox, "binned.txt", b"filed by mistake"),
    ];
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    let ann = lib
        .add_subject(&values(&[
            (SubjectField::Kind, "student"),
            (SubjectField::Number, "2024-0173"),
            (SubjectField::Name, "Ann/Lee: Jr"),
        ]))
        .unwrap();
    let bo = lib
        .add_subject(&values(&[
            (SubjectField::Kind, "student"),
            (SubjectField::Number, "2024-0174"),
            (SubjectField::Name, "Bo"),
        ]))
        .unwrap();
    lib.set_document_subjects(&[
        (docs[0], Some(ann)),
        (docs[1], Some(ann)),
        (docs[2], Some(bo)),
        (docs[3], Some(ann)),
    ])
    .unwrap();
    lib.set_field(
        docs[0],
        FieldKey::Type,
        Some(FieldValue::Text("Transcript".into())),
    )
    .unwrap();
    lib.set_requirements("*", &["Transcript".into(), "ID photo".into()])
        .unwrap();
    let second = write(
        &t.path().join("v2"),
        "transcript.txt",
        b"transcript, corrected",
    );
    lib.add_version(docs[0], &second, Some("corrected".into()), &mut |_| {})
        .unwrap();
    lib.trash(docs[3]).unwrap();

    let record = lib.catalog().subject(ann).unwrap();
    let name = Library::person_export_name(&record);
    assert_eq!(
        name, "Record of Ann_Lee_ Jr (2024-0173).zip",
        "a name safe everywhere"
    );
    let dest = t.path().join("out").join(&name);
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let audit_before = lib.catalog().audit(None).unwrap().len();
    let report = lib.export_subject(ann, &dest).unwrap();
    assert_eq!(
        (report.documents, report.files),
        (2, 3),
        "two documents, three versions"
    );

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&dest).unwrap()).unwrap();
    let mut read = |path: &str| {
        let mut out = Vec::new();
        zip.by_name(path).unwrap().read_to_end(&mut out).unwrap();
        out
    };
    let manifest: dossier_core::PersonExport =
        serde_json::from_slice(&read("manifest.json")).unwrap();
    assert_eq!(manifest.format, dossier_core::PERSON_EXPORT_FORMAT);
    assert_eq!(manifest.person.number, "2024-0173");
    let on_file: Vec<(&str, bool)> = manifest
        .checklist
        .iter()
        .map(|c| (c.doc_type.as_str(), c.on_file))
        .collect();
    assert_eq!(on_file, [("Transcript", true), ("ID photo", false)]);
    let mut paths: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "Transcript/earlier versions/transcript (version 1).txt",
            "Transcript/transcript.txt",
            "Without a type/letter.txt"
        ]
    );
    for f in &manifest.files {
        let bytes = read(&f.path);
        assert_eq!(
            f.blake3,
            blake3::hash(&bytes).to_hex().to_string(),
            "{}",
            f.path
        );
        assert_eq!(bytes.len() as u64, f.size);
    }
    assert_eq!(read("Transcript/transcript.txt"), b"transcript, corrected");
    assert_eq!(
        read("Transcript/earlier versions/transcript (version 1).txt"),
        b"transcript, first issue"
    );
    assert!(
        manifest.history.iter().any(|e| e.action == "subject_added"),
        "the record's own history is inside: {:?}",
        manifest.history
    );
    assert!(manifest.history.iter().any(|e| e.document == Some(docs[1])));
    assert!(
        manifest.history.windows(2).all(|w| w[0].time <= w[1].time),
        "oldest first"
    );

    let audit = lib.catalog().audit(None).unwrap();
    let exported: Vec<_> = audit[audit_before..]
        .iter()
        .filter(|a| a.action == "exported")
        .collect();
    assert_eq!(
        exported.len(),
        2,
        "each exported document is in the audit trail"
    );

    // Exporting again to the same file is refused; the first export is intact.
    let first = std::fs::read(&dest).unwrap();
    assert!(matches!(
        lib.export_subject(ann, &dest),
        Err(Error::Io { .. })
    ));
    assert_eq!(std::fs::read(&dest).unwrap(), first);
    let leftovers = std::fs::read_dir(dest.parent().unwrap()).unwrap().count();
    assert_eq!(leftovers, 1, "no partial file is left beside it");
    // Into the folder under its own name, which is taken now: a second name.
    let beside = lib
        .export_subject_into(ann, dest.parent().unwrap())
        .unwrap();
    assert_eq!(
        beside.zip.file_name().unwrap(),
        "Record of Ann_Lee_ Jr (2024-0173) (2).zip"
    );
}
