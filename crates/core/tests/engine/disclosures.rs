//! FERPA disclosures (issue 22, 34 CFR 99.32-99.37): a disclosure export writes what
//! was asked, at the versions asked, with the notice and the student's statements, in an
//! archive a password opens (its names say nothing), and records the disclosure in the
//! same step; the student's report lists exactly the disclosures made, on every desktop;
//! directory information is never disclosed of a student who opted out.

use std::io::Read;

use chrono::NaiveDate;
use dossier_core::{
    Basis, DisclosureException, DisclosureExportOptions, FieldKey, FieldValue, NewDisclosure,
    NewRequest, Relation, ReportForm, RequestKind, Role, SubjectField, SubjectFilter,
};

use super::*;

const ANN: &str = "ann's own passphrase";
const BEA: &str = "bea's own passphrase";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn unzip(path: &Path, name: &str, password: Option<&str>) -> zip::result::ZipResult<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap())?;
    let mut out = Vec::new();
    match password {
        Some(p) => archive.by_name_decrypt(name, p.as_bytes())?,
        None => archive.by_name(name)?,
    }
    .read_to_end(&mut out)?;
    Ok(out)
}

#[test]
fn a_disclosure_export_is_recorded_and_the_students_report_lists_exactly_the_disclosures() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bea", BEA, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    let student = |lib: &mut Library, number: &str, name: &str, opted_out: Option<&str>| {
        let mut v: std::collections::BTreeMap<SubjectField, String> = [
            (SubjectField::Kind, "student".to_owned()),
            (SubjectField::Number, number.to_owned()),
            (SubjectField::Name, name.to_owned()),
            (SubjectField::Programme, "Science".to_owned()),
        ]
        .into();
        if let Some(o) = opted_out {
            v.insert(SubjectField::DirectoryOptOut, o.to_owned());
        }
        lib.add_subject(&v).unwrap()
    };
    let ada = student(&mut ann, "3001", "Ada Quill", None);
    let ben = student(&mut ann, "3002", "Ben Stroud", Some("yes"));
    assert!(
        ann.catalog()
            .subject(ben)
            .unwrap()
            .directory_opt_out
            .is_some()
    );
    let dir = t.path().join("in");
    let transcript = imported(&import(
        &mut ann,
        &[write(
            &dir,
            "transcript.txt",
            b"Ada's transcript, first version",
        )],
        &ImportOptions::default(),
    ))[0];
    ann.set_field(
        transcript,
        FieldKey::Type,
        Some(FieldValue::Text("Transcript".into())),
    )
    .unwrap();
    ann.set_document_subject(transcript, Some(ada)).unwrap();
    let first = content(&ann, transcript, Some(1));
    ann.add_version(
        transcript,
        &write(&dir, "transcript.txt", b"Ada's transcript, second version"),
        Some("grades corrected".into()),
        &mut |_| {},
    )
    .unwrap();
    let letter = imported(&import(
        &mut ann,
        &[write(&dir, "letter.txt", b"A letter about Ada")],
        &ImportOptions::default(),
    ))[0];
    ann.set_document_subject(letter, Some(ada)).unwrap();
    // An amendment refused, with Ada's statement: it goes with every disclosure.
    let amendment = ann
        .log_request(NewRequest {
            subject: ada,
            kind: RequestKind::Amendment,
            requester: "Ada Quill".into(),
            relation: Relation::Student,
            received: day("2026-10-01"),
            note: None,
            asked: Some("the history grade".into()),
        })
        .unwrap();
    ann.decide_amendment(amendment, false, day("2026-10-20"), "recorded as given")
        .unwrap();
    ann.add_statement(amendment, "I sat the exam twice; the first grade stands.")
        .unwrap();

    // The transcript's first version and the letter go to a school.
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut bea = Library::join(
        &t.path().join("bea"),
        &objects,
        &super::signed::person("Bea", BEA),
    )
    .unwrap();
    super::signed::relay(&mut ann, &mut [&mut bea]);
    let v1 = ann.catalog().versions(transcript).unwrap()[0].id;
    let out = t.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let zip_path = out.join("For Northside.zip");
    let password = dossier_core::new_archive_password();
    assert_eq!(password.len(), 29);
    let to_school = NewDisclosure {
        subject: ada,
        party: "Northside High School, registrar".into(),
        interest: "Ada is enrolling there".into(),
        basis: Basis::Exception {
            exception: DisclosureException::OtherSchool,
        },
        date: day("2026-12-07"),
        documents: vec![(transcript, Some(v1)), (letter, None)],
        redisclosure: vec!["Northside district office, to place her".into()],
        note: None,
    };
    let report = ann
        .export_for_disclosure(
            to_school,
            &zip_path,
            &DisclosureExportOptions {
                password: Some(password.clone()),
                redact_others: None,
            },
        )
        .unwrap();
    assert!(report.encrypted);
    assert_eq!(report.files, 2);
    // The archive: the names say nothing, nothing opens without the password, the
    // version asked is the one written.
    let names: Vec<String> = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap())
        .unwrap()
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    assert_eq!(
        {
            let mut n = names.clone();
            n.sort();
            n
        },
        ["disclosure.json", "document-01.txt", "document-02.txt"]
    );
    let raw = std::fs::read(&zip_path).unwrap();
    for secret in ["Ada", "transcript", "Northside", "first version"] {
        assert!(
            !raw.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret:?} readable in the archive"
        );
    }
    assert!(unzip(&zip_path, "document-01.txt", None).is_err());
    assert!(unzip(&zip_path, "document-01.txt", Some("wrong")).is_err());
    assert_eq!(
        unzip(&zip_path, "document-01.txt", Some(&password)).unwrap(),
        first
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&unzip(&zip_path, "disclosure.json", Some(&password)).unwrap())
            .unwrap();
    assert_eq!(manifest["party"], "Northside High School, registrar");
    assert_eq!(manifest["files"][0]["version"], 1);
    assert_eq!(
        manifest["files"][0]["blake3"],
        blake3::hash(&first).to_hex().as_str()
    );
    assert_eq!(
        manifest["statements"][0]["statement"],
        "I sat the exam twice; the first grade stands."
    );
    assert!(
        manifest["notice"]
            .as_str()
            .unwrap()
            .contains("except to: Northside district office, to place her")
    );

    // A disclosure made by phone, recorded by hand by registrar staff on another desktop.
    bea.record_disclosure(NewDisclosure {
        subject: ada,
        party: "County health department".into(),
        interest: "an outbreak at the school".into(),
        basis: Basis::Exception {
            exception: DisclosureException::HealthOrSafety,
        },
        date: day("2026-12-08"),
        documents: vec![(letter, None)],
        redisclosure: Vec::new(),
        note: Some("by phone".into()),
    })
    .unwrap();
    // Directory information is never disclosed of a student who opted out; nothing is
    // recorded.
    let before = ann.disclosures(ben).unwrap().len();
    assert!(matches!(
        ann.record_disclosure(NewDisclosure {
            subject: ben,
            party: "Yearbook printers".into(),
            interest: "the yearbook".into(),
            basis: Basis::Exception {
                exception: DisclosureException::DirectoryInformation,
            },
            date: day("2026-12-08"),
            documents: Vec::new(),
            redisclosure: Vec::new(),
            note: None,
        }),
        Err(Error::DirectoryOptOut { .. })
    ));
    assert_eq!(ann.disclosures(ben).unwrap().len(), before);
    // A document filed under someone else is not the student's to disclose.
    let bens = imported(&import(
        &mut ann,
        &[write(&dir, "bens.txt", b"Ben's report card")],
        &ImportOptions::default(),
    ))[0];
    ann.set_document_subject(bens, Some(ben)).unwrap();
    assert!(matches!(
        ann.record_disclosure(NewDisclosure {
            subject: ada,
            party: "Northside High School".into(),
            interest: "x".into(),
            basis: Basis::Consent {
                signed: "2026-12-01".into(),
            },
            date: day("2026-12-08"),
            documents: vec![(bens, None)],
            redisclosure: Vec::new(),
            note: None,
        }),
        Err(Error::NotTheirRecord { .. })
    ));

    super::signed::relay(&mut bea, &mut [&mut ann]);
    super::signed::relay(&mut ann, &mut [&mut bea]);
    for lib in [&ann, &bea] {
        let made = lib.disclosures(ada).unwrap();
        let parties: Vec<&str> = made.iter().map(|d| d.disclosure.party.as_str()).collect();
        assert_eq!(
            parties,
            [
                "Northside High School, registrar",
                "County health department"
            ]
        );
        let sent = &made[0].disclosure;
        assert_eq!(
            sent.items
                .iter()
                .map(|i| (i.doc, i.number))
                .collect::<Vec<_>>(),
            [(transcript, 1), (letter, 1)]
        );
        let export = sent.export.as_ref().unwrap();
        assert!(export.encrypted);
        assert_eq!(export.blake3, blake3::hash(&raw).to_hex().as_str());
        assert!(made[1].disclosure.export.is_none());
        assert!(lib.disclosures(ben).unwrap().is_empty());
        // Each document's trail says to whom it went.
        let trail = lib.audit_trail(Some(transcript)).unwrap();
        assert_eq!(
            trail.iter().filter(|e| e.action == "disclosed").count(),
            1,
            "{trail:?}"
        );
        // The report the student may inspect: one row per disclosure, in CSV and PDF.
        let report = lib.disclosure_report(ada).unwrap();
        assert_eq!(report.rows.len(), 2);
        let csv = String::from_utf8(report.write(ReportForm::Csv).unwrap()).unwrap();
        assert_eq!(csv.lines().count(), 3, "{csv}");
        assert!(
            csv.contains("transcript (version 1); letter (version 1)"),
            "{csv}"
        );
        assert!(csv.contains("For Northside.zip (encrypted)"));
        assert!(csv.contains("recorded by hand"));
    }

    // The PDF is a real one: pdfium reads the parties back from it.
    let pdf = ann
        .disclosure_report(ada)
        .unwrap()
        .write(ReportForm::Pdf)
        .unwrap();
    let report_doc = imported(&import(
        &mut ann,
        &[write(&dir, "report.pdf", &pdf)],
        &ImportOptions::default(),
    ))[0];
    ann.process(&processing(), &mut |_| {}).unwrap();
    for word in ["Northside", "outbreak"] {
        let hits = ann
            .search(&dossier_core::SearchRequest {
                query: word.into(),
                ..dossier_core::SearchRequest::default()
            })
            .unwrap();
        assert!(
            hits.hits.iter().any(|h| h.id == report_doc),
            "{word} in the report PDF: {hits:?}"
        );
    }

    // Directory information leaves out who opted out, and says so.
    let directory = ann.directory_report(&SubjectFilter::default()).unwrap();
    let names: Vec<&str> = directory.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["Ada Quill"]);
    assert!(directory.about[0].starts_with("1 student who opted out"));
}

/// A class list disclosed for one student has every other student's name and number
/// blacked out in the copy: read again by OCR, the copy names her and no one else; the
/// record itself is untouched.
#[test]
fn a_disclosure_copy_can_redact_other_students() {
    use dossier_core::{Report, SearchRequest};

    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let student = |lib: &mut Library, number: &str, name: &str| {
        lib.add_subject(
            &[
                (SubjectField::Kind, "student".to_owned()),
                (SubjectField::Number, number.to_owned()),
                (SubjectField::Name, name.to_owned()),
            ]
            .into(),
        )
        .unwrap()
    };
    let ada = student(&mut lib, "3001", "Ada Quill");
    student(&mut lib, "3002", "Ben Stroud");
    student(&mut lib, "3003", "Cleo Marchetti");
    // A class list about all three, as a PDF with a text layer.
    let mut list = Report::new("Chemistry class list", &[("Number", 1.0), ("Student", 2.0)]);
    for (n, name) in [
        ("3001", "Ada Quill"),
        ("3002", "Ben Stroud"),
        ("3003", "Cleo Marchetti"),
    ] {
        list.rows.push(vec![n.into(), name.into()]);
    }
    let pdf = list.write(ReportForm::Pdf).unwrap();
    let dir = t.path().join("in");
    let doc = imported(&import(
        &mut lib,
        &[write(&dir, "class list.pdf", &pdf)],
        &ImportOptions::default(),
    ))[0];
    let opts = processing();
    let new = || NewDisclosure {
        subject: ada,
        party: "County attendance office".into(),
        interest: "Ada's attendance".into(),
        basis: Basis::Exception {
            exception: DisclosureException::AuditOrEvaluation,
        },
        date: day("2026-12-07"),
        documents: vec![(doc, None)],
        redisclosure: Vec::new(),
        note: None,
    };
    let redact = DisclosureExportOptions {
        password: None,
        redact_others: Some(opts.tools.clone()),
    };
    // Not read yet: its names cannot be found, and nothing is written or recorded.
    let early = t.path().join("early.zip");
    assert!(matches!(
        lib.export_for_disclosure(new(), &early, &redact),
        Err(Error::NotReadYet { .. })
    ));
    assert!(!early.exists() && lib.disclosures(ada).unwrap().is_empty());
    lib.process(&opts, &mut |_| {}).unwrap();

    let zip_path = t.path().join("attendance.zip");
    lib.export_for_disclosure(new(), &zip_path, &redact)
        .unwrap();
    let copy = unzip(&zip_path, "document-01 (redacted).pdf", None).unwrap();
    assert!(copy.starts_with(b"%PDF"));
    for hidden in ["Stroud", "Marchetti", "3002"] {
        assert!(!copy.windows(hidden.len()).any(|w| w == hidden.as_bytes()));
    }
    let made = lib.disclosures(ada).unwrap();
    // Each line of another student is blacked out (one box or more per line).
    assert!(made[0].disclosure.items[0].redacted >= Some(2), "{made:?}");

    // Read back by OCR, the copy names Ada and neither of the others.
    let back = imported(&import(
        &mut lib,
        &[write(&dir, "copy.pdf", &copy)],
        &ImportOptions::default(),
    ))[0];
    lib.process(&opts, &mut |_| {}).unwrap();
    let v = lib.catalog().versions(back).unwrap()[0].id;
    let text: String = lib
        .catalog()
        .texts(v)
        .unwrap()
        .into_iter()
        .map(|p| p.text)
        .collect();
    assert!(text.contains("Quill"), "OCR read the copy: {text:?}");
    for hidden in ["Stroud", "Marchetti", "Ben", "Cleo", "3002", "3003"] {
        assert!(!text.contains(hidden), "{hidden} in {text:?}");
    }
    // The record is as it was: its text still names everyone.
    let hits = lib
        .search(&SearchRequest {
            query: "Stroud".into(),
            ..SearchRequest::default()
        })
        .unwrap();
    assert!(hits.hits.iter().any(|h| h.id == doc));
}

/// Reports print students' names as they are spelled, in any Latin, Greek or Cyrillic
/// script, as text a reader finds again: pdfium reads them back from the PDF.
#[test]
fn a_report_prints_names_in_their_own_letters() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let names = [
        "Łukasz Żółć",
        "Nguyễn Thị Hương",
        "Дмитрий Соколов",
        "Ἀθηνᾶ Παππᾶ",
    ];
    for (i, name) in names.iter().enumerate() {
        lib.add_subject(
            &[
                (SubjectField::Kind, "student".to_owned()),
                (SubjectField::Number, format!("70{i}")),
                (SubjectField::Name, (*name).to_owned()),
            ]
            .into(),
        )
        .unwrap();
    }
    let pdf = lib
        .directory_report(&SubjectFilter::default())
        .unwrap()
        .write(ReportForm::Pdf)
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let dir = t.path().join("in");
    let report_doc = imported(&import(
        &mut lib,
        &[write(&dir, "directory.pdf", &pdf)],
        &ImportOptions::default(),
    ))[0];
    lib.process(&processing(), &mut |_| {}).unwrap();
    let version = lib.catalog().versions(report_doc).unwrap()[0].id;
    let text: String = lib
        .catalog()
        .texts(version)
        .unwrap()
        .into_iter()
        .map(|p| p.text)
        .collect();
    for name in names {
        assert!(text.contains(name), "{name} in the report's text: {text}");
    }
    let hits = lib
        .search(&dossier_core::SearchRequest {
            query: "Дмитрий".into(),
            ..dossier_core::SearchRequest::default()
        })
        .unwrap();
    assert!(hits.hits.iter().any(|h| h.id == report_doc), "{hits:?}");
}
