//! Destruction under the retention schedule (issue 22): the records officer approves a
//! batch of due records and they are gone from every desktop (rows, versions, text,
//! thumbnails, index entries, the packs that held them), held ones survive, nothing
//! that arrives later brings them back, and the certificate says so, signed.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use dossier_core::{
    Basis, Certificate, DisclosureException, FieldKey, FieldValue, NewDisclosure, RecordSeries,
    RetentionEvent, RetentionRule, Role, SearchRequest, SubjectField, hashed_id,
};

use super::*;

const ANN: &str = "ann's own passphrase";
const BEA: &str = "bea's own passphrase";
/// Words only the destroyed record holds.
const MARKER: &str = "Quartermaine";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn hits(lib: &Library, q: &str) -> u64 {
    [false, true]
        .map(|trashed| {
            lib.search(&SearchRequest {
                query: q.into(),
                trashed,
                ..Default::default()
            })
            .unwrap()
            .total
        })
        .iter()
        .sum()
}

/// Transcripts in the series "Academic records", kept 5 years after their person left.
pub(super) fn transcripts_kept_five_years(lib: &mut Library) {
    lib.set_series(
        "Transcript",
        Some(RecordSeries {
            name: "Academic records".into(),
            rule: RetentionRule::Years {
                years: 5,
                after: RetentionEvent::Left,
            },
        }),
    )
    .unwrap();
}

/// Whether any file under `dir` holds `needle` as plain bytes.
fn any_file_holds(dir: &Path, needle: &[u8]) -> Option<PathBuf> {
    walk(dir).into_iter().find(|p| {
        std::fs::read(p)
            .map(|b| b.windows(needle.len()).any(|w| w == needle))
            .unwrap_or(false)
    })
}

#[test]
fn an_approved_destruction_leaves_nothing_of_the_records_and_is_certified() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bea", BEA, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    let student = |lib: &mut Library, number: &str, name: &str, left: &str| {
        let v: BTreeMap<SubjectField, String> = [
            (SubjectField::Kind, "student".to_owned()),
            (SubjectField::Number, number.to_owned()),
            (SubjectField::Name, name.to_owned()),
            (SubjectField::Left, left.to_owned()),
        ]
        .into();
        lib.add_subject(&v).unwrap()
    };
    let zed = student(&mut ann, "ZQ-7001", "Zebulon Quartermaine", "2015-06-30");
    let dee = student(&mut ann, "7002", "Dee Ray", "2015-06-30");
    let bo = student(&mut ann, "7003", "Bo Park", "2024-02-29");
    let dir = t.path().join("in");
    let transcript = |lib: &mut Library, name: &str, body: &[u8], subject| {
        let d = imported(&import(
            lib,
            &[write(&dir, name, body)],
            &ImportOptions::default(),
        ))[0];
        lib.set_field(
            d,
            FieldKey::Type,
            Some(FieldValue::Text("Transcript".into())),
        )
        .unwrap();
        lib.set_document_subject(d, Some(subject)).unwrap();
        d
    };
    // Zed's record: a picture (with a cached thumbnail), then its text as a second
    // version, and a large part of its own (many chunks, in a pack of its own).
    let mut png = Vec::new();
    image::RgbImage::from_pixel(64, 48, image::Rgb([20, 90, 200]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let zed_doc = transcript(&mut ann, "zed-scan.png", &png, zed);
    let text = write(
        &dir,
        "zed.txt",
        format!("Transcript of Zebulon {MARKER}, number ZQ-7001: Calculus A, Latin B.").as_bytes(),
    );
    ann.add_version(zed_doc, &text, None, &mut |_| {}).unwrap();
    let dee_doc = transcript(&mut ann, "dee.txt", b"Transcript of Dee Ray: Art A.", dee);
    let bo_doc = transcript(&mut ann, "bo.txt", b"Transcript of Bo Park: Music B.", bo);
    transcripts_kept_five_years(&mut ann);
    ann.place_legal_hold(dee_doc, Some("court order 12"))
        .unwrap();
    ann.process(&processing(), &mut |_| {}).unwrap();
    // Zed's record and Dee's were disclosed.
    let zed_title = ann.catalog().document(zed_doc).unwrap().summary.title;
    for (subject, doc) in [(zed, zed_doc), (dee, dee_doc)] {
        ann.record_disclosure(NewDisclosure {
            subject,
            party: "Northside High School, registrar".into(),
            interest: "enrolling there".into(),
            basis: Basis::Exception {
                exception: DisclosureException::OtherSchool,
            },
            date: day("2016-01-10"),
            documents: vec![(doc, None)],
            redisclosure: Vec::new(),
            note: None,
        })
        .unwrap();
    }
    ann.refresh_index().unwrap();
    assert_eq!(hits(&ann, MARKER), 1);
    let zed_versions: Vec<_> = ann
        .catalog()
        .versions(zed_doc)
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    let derived = t.path().join("lib/derived");
    assert!(
        zed_versions
            .iter()
            .any(|v| derived.join(v.to_string()).exists()),
        "a thumbnail was cached"
    );
    let packs_before = walk(&t.path().join("lib/store/packs")).len();

    let objects = [(0, ann.key_object(0).unwrap())];
    let mut bea = Library::join(
        &t.path().join("bea"),
        &objects,
        &super::signed::person("Bea", BEA),
    )
    .unwrap();
    super::signed::relay(&mut ann, &mut [&mut bea]);
    let today = day("2026-12-07");

    // Registrar staff may not destroy records, nor read what was destroyed.
    assert!(matches!(
        bea.destroy(&[zed_doc], today),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        bea.destructions(),
        Err(Error::NotPermitted { .. })
    ));
    // Only what is due: Bo's transcript is kept until 2029, and nothing is destroyed.
    assert!(matches!(
        ann.destroy(&[zed_doc, bo_doc], today),
        Err(Error::NotDue { .. })
    ));
    assert!(ann.catalog().document(zed_doc).is_ok());
    // Nor as of a day to come.
    assert!(matches!(
        ann.destroy(&[zed_doc], day("2999-01-01")),
        Err(Error::NotUnderstood { .. })
    ));
    // Bea, not yet told, renames Zed's record on her desktop (offline).
    bea.set_field(
        zed_doc,
        FieldKey::Title,
        Some(FieldValue::Text(format!("{MARKER} renamed"))),
    )
    .unwrap();

    // The approved batch: Zed's is destroyed; Dee's is held and kept.
    let report = ann.destroy(&[zed_doc, dee_doc], today).unwrap();
    assert_eq!(report.destroyed, 1);
    assert_eq!(report.held.len(), 1);
    assert!(
        report.held[0].why.contains("legal hold"),
        "{:?}",
        report.held
    );
    let shredded = report
        .shredded
        .clone()
        .expect("shredded at once: the packs are here");
    assert!(shredded.dropped_packs >= 1, "{shredded:?}");
    assert!(shredded.deleted_packs >= 1, "{shredded:?}");
    assert!(
        walk(&t.path().join("lib/store/packs")).len() < packs_before + shredded.new_packs as usize
    );
    assert!(!ann.shredding_pending().unwrap());

    super::signed::relay(&mut ann, &mut [&mut bea]);
    super::signed::relay(&mut bea, &mut [&mut ann]);
    bea.shred().unwrap();
    for lib in [&ann, &bea] {
        assert!(
            lib.catalog().document(zed_doc).is_err(),
            "destroyed, and Bea's rename did not bring it back"
        );
        assert_eq!(hits(lib, MARKER), 0);
        assert_eq!(hits(lib, "Calculus"), 0);
        assert!(lib.catalog().document(dee_doc).is_ok(), "held: kept");
        assert!(lib.catalog().document(bo_doc).is_ok(), "not due: kept");
    }
    assert_eq!(
        content(&ann, dee_doc, None),
        b"Transcript of Dee Ray: Art A."
    );
    assert!(
        zed_versions
            .iter()
            .all(|v| !derived.join(v.to_string()).exists()),
        "its thumbnails are gone"
    );
    // No file of either desktop holds its words in the clear.
    for folder in [t.path().join("lib"), t.path().join("bea")] {
        assert_eq!(any_file_holds(&folder, MARKER.as_bytes()), None);
        assert_eq!(any_file_holds(&folder, b"Calculus"), None);
    }

    // The certificate: what was destroyed, by hashed id, signed by Ann; no title, name
    // or number in it.
    let listed = ann.destructions().unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].signed);
    assert_eq!(listed[0].remote_confirmed, None);
    let batch = listed[0].destruction.batch;
    assert_eq!(batch, report.batch);
    let certificate = ann.destruction_certificate(batch).unwrap();
    let json = serde_json::to_string(&certificate).unwrap();
    for secret in [
        MARKER,
        "Zebulon",
        "ZQ-7001",
        "zed.txt",
        &zed_doc.to_string(),
    ] {
        assert!(!json.contains(secret), "the certificate names {secret}");
    }
    let check = ann
        .check_certificate(&Certificate::parse(json.as_bytes()).unwrap())
        .unwrap();
    assert_eq!(check.approver.as_deref(), Some("Ann"));
    assert_eq!(check.destruction.records.len(), 1);
    assert_eq!(check.destruction.records[0].id, hashed_id(zed_doc));
    assert_eq!(check.destruction.records[0].series, "Academic records");
    assert_eq!(check.destruction.records[0].due, "2020-06-30");
    assert_eq!(check.destruction.records[0].versions, 2);
    assert_eq!(check.destruction.held, 1);
    assert!(!check.remote_confirmed);
    // A certificate changed after it was signed is refused.
    let forged = json.replace("\\\"held\\\":1", "\\\"held\\\":0");
    assert_ne!(forged, json);
    assert!(matches!(
        ann.check_certificate(&Certificate::parse(forged.as_bytes()).unwrap()),
        Err(Error::BadSignature { .. })
    ));
    // The signer's name is the library's, not what a file says.
    let renamed = json.replace("\"name\":\"Ann\"", "\"name\":\"The Principal\"");
    assert_ne!(renamed, json);
    let check = ann
        .check_certificate(&Certificate::parse(renamed.as_bytes()).unwrap())
        .unwrap();
    assert_eq!(check.approver.as_deref(), Some("Ann"));
    // The remote found clear (as sync records it): the certificate confirms it, signed.
    let seen = ann.remote_shredding(&HashSet::new()).unwrap();
    assert!(seen.deletable().is_empty());
    let checks = ann
        .check_remote_after_destruction(&HashSet::new(), &seen)
        .unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].packs_holding, 0);
    assert!(
        ann.check_remote_after_destruction(&HashSet::new(), &seen)
            .unwrap()
            .is_empty()
    );
    let certificate = ann.destruction_certificate(batch).unwrap();
    let check = ann.check_certificate(&certificate).unwrap();
    assert!(check.remote_confirmed);
    assert_eq!(check.remote_checks[0].1.as_deref(), Some("Ann"));
    let pdf = ann
        .certificate_report(&certificate)
        .unwrap()
        .write(dossier_core::ReportForm::Pdf)
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let report = ann.destruction_report().unwrap();
    assert_eq!(report.rows.len(), 1);
    assert_eq!(report.rows[0][3], "1");

    // The record of the disclosure stays, on both desktops, without the destroyed
    // record's title; the kept record's is still there.
    for lib in [&ann, &bea] {
        let told = lib.disclosures(zed).unwrap();
        assert_eq!(told.len(), 1);
        let item = &told[0].disclosure.items[0];
        assert_eq!(item.doc, zed_doc);
        assert_eq!(item.title, "(destroyed record)");
        assert_ne!(item.title, zed_title);
        let kept = &lib.disclosures(dee).unwrap()[0].disclosure.items[0];
        assert_eq!(kept.doc, dee_doc);
        assert_ne!(kept.title, "(destroyed record)");
    }
    // The trail keeps that it happened, not what it was; it still verifies.
    let trail = ann.catalog().audit(None).unwrap();
    let destroyed: Vec<_> = trail.iter().filter(|e| e.action == "destroyed").collect();
    assert_eq!(destroyed.len(), 2, "{destroyed:?}");
    assert!(
        destroyed
            .iter()
            .all(|e| !e.detail.as_deref().unwrap_or("").contains(MARKER))
    );
    assert!(ann.check_audit().unwrap().is_clean());
    assert!(bea.check_audit().unwrap().is_clean());
}

/// Roles that may not: an auditor reads what was destroyed and checks its certificate,
/// but destroys nothing, records no disclosure and writes no directory information;
/// department staff do none of these and do not read destructions.
#[test]
fn roles_without_the_right_neither_destroy_nor_disclose() {
    use dossier_core::{Basis, DisclosureException, LockedLibrary, NewDisclosure, SubjectFilter};

    const CAL: &str = "cal's own passphrase";
    const DEE: &str = "dee's own passphrase";
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Cal", CAL, FAST, Role::Auditor, &[])
        .unwrap();
    ann.add_person(
        "Dee",
        DEE,
        FAST,
        Role::DepartmentStaff,
        &["Science".to_owned()],
    )
    .unwrap();
    let student = ann
        .add_subject(
            &[
                (SubjectField::Kind, "student".to_owned()),
                (SubjectField::Number, "QX-1".to_owned()),
                (SubjectField::Name, "Quincy Xu".to_owned()),
                (SubjectField::Left, "2010-06-30".to_owned()),
            ]
            .into(),
        )
        .unwrap();
    let dir = t.path().join("in");
    let docs = imported(&import(
        &mut ann,
        &[
            write(&dir, "old.txt", b"an old transcript"),
            write(&dir, "older.txt", b"an older transcript"),
        ],
        &ImportOptions::default(),
    ));
    for d in &docs {
        ann.set_field(
            *d,
            FieldKey::Type,
            Some(FieldValue::Text("Transcript".into())),
        )
        .unwrap();
        ann.set_document_subject(*d, Some(student)).unwrap();
    }
    transcripts_kept_five_years(&mut ann);
    let today = day("2026-12-07");
    let batch = ann.destroy(&docs[..1], today).unwrap().batch;
    // Department staff work on a desktop of their own.
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut dee = Library::join(
        &t.path().join("dee"),
        &objects,
        &super::signed::person("Dee", DEE),
    )
    .unwrap();
    super::signed::relay(&mut ann, &mut [&mut dee]);
    drop(ann);
    let disclosure = || NewDisclosure {
        subject: student,
        party: "Northside High School".into(),
        interest: "enrolment".into(),
        basis: Basis::Exception {
            exception: DisclosureException::OtherSchool,
        },
        date: today,
        documents: vec![(docs[1], None)],
        redisclosure: Vec::new(),
        note: None,
    };
    let open = |who: &str, passphrase: &str| {
        LockedLibrary::open(&t.path().join("lib"), Access::Write)
            .unwrap()
            .sign_in(who, passphrase)
            .unwrap()
    };

    let mut cal = open("Cal", CAL);
    assert!(matches!(
        cal.destroy(&docs[1..], today),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        cal.record_disclosure(disclosure()),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        cal.directory_report(&SubjectFilter::default()),
        Err(Error::NotPermitted { .. })
    ));
    assert_eq!(cal.destructions().unwrap().len(), 1);
    let check = cal
        .check_certificate(&cal.destruction_certificate(batch).unwrap())
        .unwrap();
    assert_eq!(check.approver.as_deref(), Some("Ann"));
    assert!(
        cal.disclosures(student).unwrap().is_empty(),
        "nothing was recorded"
    );
    drop(cal);

    assert!(matches!(
        dee.destroy(&docs[1..], today),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        dee.record_disclosure(disclosure()),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        dee.directory_report(&SubjectFilter::default()),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        dee.destructions(),
        Err(Error::NotPermitted { .. })
    ));
    drop(dee);
    let ann = open("Ann", ANN);
    assert!(ann.catalog().document(docs[1]).is_ok(), "still there");
    assert!(ann.disclosures(student).unwrap().is_empty());
    assert!(ann.check_audit().unwrap().is_clean());
}
