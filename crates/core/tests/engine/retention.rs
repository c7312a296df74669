//! Retention schedules (issue 22): a record series on a document type keeps its documents
//! permanently or some years after an event (the document's creation, its person's
//! enrolment or leaving); each document's disposition date follows, a hold always wins,
//! and only those who may dispose of records set series or read the queue.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use dossier_core::{
    DispositionState, FieldKey, FieldValue, RecordSeries, RetentionEvent, RetentionRule, Role,
    SubjectField,
};

use super::*;

const ANN: &str = "ann's own passphrase";
const BEA: &str = "bea's own passphrase";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn series(name: &str, rule: RetentionRule) -> Option<RecordSeries> {
    Some(RecordSeries {
        name: name.into(),
        rule,
    })
}

#[test]
fn a_schedule_on_a_type_computes_each_documents_date_from_its_persons_events() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    lib.become_owner("Ann", ANN, FAST).unwrap();
    lib.add_person("Bea", BEA, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    let student = |lib: &mut Library, number: &str, name: &str, left: Option<&str>| {
        let mut v: BTreeMap<SubjectField, String> = [
            (SubjectField::Kind, "student".to_owned()),
            (SubjectField::Number, number.to_owned()),
            (SubjectField::Name, name.to_owned()),
            (SubjectField::Enrolled, "2014-09-01".to_owned()),
        ]
        .into();
        if let Some(l) = left {
            v.insert(SubjectField::Left, l.to_owned());
        }
        lib.add_subject(&v).unwrap()
    };
    let gone = student(&mut lib, "1001", "Ann Lee", Some("2019-06-30"));
    let recent = student(&mut lib, "1002", "Bo Park", Some("2024-02-29"));
    let still = student(&mut lib, "1003", "Cy Diaz", None);
    let dir = t.path().join("in");
    let mut doc = |name: &str, doc_type: &str, subject| {
        let d = imported(&import(
            &mut lib,
            &[write(&dir, name, name.as_bytes())],
            &ImportOptions::default(),
        ))[0];
        lib.set_field(d, FieldKey::Type, Some(FieldValue::Text(doc_type.into())))
            .unwrap();
        if let Some(s) = subject {
            lib.set_document_subject(d, Some(s)).unwrap();
        }
        d
    };
    let t_gone = doc("t1.txt", "Transcript", Some(gone));
    let t_recent = doc("t2.txt", "Transcript", Some(recent));
    let t_still = doc("t3.txt", "transcript", Some(still));
    let roll = doc("roll.txt", "Attendance", None);
    let diploma = doc("diploma.txt", "Diploma", Some(gone));
    let letter = doc("letter.txt", "Letter", None);

    lib.set_series(
        "Transcript",
        series(
            "Academic records",
            RetentionRule::Years {
                years: 5,
                after: RetentionEvent::Left,
            },
        ),
    )
    .unwrap();
    lib.set_series(
        "Attendance",
        series(
            "Attendance",
            RetentionRule::Years {
                years: 1,
                after: RetentionEvent::Created,
            },
        ),
    )
    .unwrap();
    lib.set_series("Diploma", series("Diplomas", RetentionRule::Permanently))
        .unwrap();

    let today = day("2026-12-07");
    let of = |lib: &Library, d| lib.disposition(d, today).unwrap().unwrap();
    let gone_t = of(&lib, t_gone);
    assert_eq!(gone_t.event.as_deref(), Some("2019-06-30"));
    assert_eq!(gone_t.due.as_deref(), Some("2024-06-30"));
    assert_eq!(gone_t.state, DispositionState::Due);
    assert_eq!(gone_t.series, "Academic records");
    assert_eq!(gone_t.person.as_deref(), Some("Ann Lee (1001)"));
    let recent_t = of(&lib, t_recent);
    assert_eq!(recent_t.due.as_deref(), Some("2029-02-28"));
    assert_eq!(recent_t.state, DispositionState::Kept);
    let still_t = of(&lib, t_still);
    assert_eq!(
        (still_t.due, still_t.state),
        (None, DispositionState::Waiting)
    );
    let created = chrono::Utc::now().date_naive();
    let roll_d = of(&lib, roll);
    let a_year_on = RetentionRule::Years {
        years: 1,
        after: RetentionEvent::Created,
    }
    .due(Some(created))
    .unwrap();
    assert_eq!(roll_d.due, Some(a_year_on.format("%Y-%m-%d").to_string()));
    assert_eq!(roll_d.state, DispositionState::Kept);
    assert_eq!(of(&lib, diploma).state, DispositionState::Permanent);
    assert!(lib.disposition(letter, today).unwrap().is_none());

    // The queue: what is due first.
    let queue = lib.disposition_queue(today).unwrap();
    assert_eq!(queue.len(), 5);
    assert_eq!(queue[0].doc, t_gone);
    let due: Vec<_> = queue
        .iter()
        .filter(|d| d.state == DispositionState::Due)
        .collect();
    assert_eq!(due.len(), 1);

    // The person leaves; the waiting one is dated at once.
    lib.edit_subject(
        still,
        &[(SubjectField::Left, "2020-01-15".to_owned())].into(),
    )
    .unwrap();
    let still_t = of(&lib, t_still);
    assert_eq!(still_t.due.as_deref(), Some("2025-01-15"));
    assert_eq!(still_t.state, DispositionState::Due);
    // Its own retention period, later, wins over the rule...
    lib.set_retention(t_still, Some(day("2027-03-31"))).unwrap();
    assert_eq!(of(&lib, t_still).due.as_deref(), Some("2027-04-01"));
    assert_eq!(of(&lib, t_still).state, DispositionState::Kept);
    // ...and a legal hold wins over every date.
    lib.place_legal_hold(t_gone, Some("records request 7"))
        .unwrap();
    let held = of(&lib, t_gone);
    assert_eq!(held.state, DispositionState::Held);
    assert_eq!(held.held_by, ["a legal hold"]);
    assert_eq!(
        lib.disposition_queue(today).unwrap()[0].doc,
        t_gone,
        "held though due: shown first after the due"
    );

    // Registrar staff neither set series nor read the queue.
    drop(lib);
    let mut bea = LockedLibrary::open(&t.path().join("lib"), Access::Write)
        .unwrap()
        .sign_in("Bea", BEA)
        .unwrap();
    assert!(matches!(
        bea.set_series("Letter", series("Letters", RetentionRule::Permanently)),
        Err(Error::NotPermitted { .. })
    ));
    assert!(matches!(
        bea.disposition_queue(today),
        Err(Error::NotPermitted { .. })
    ));
}

/// An inspection request logged on one desktop reaches the others with the next sync,
/// and on each it holds the student's records (never purged, never due) until fulfilled;
/// the open ones are listed by due date, 45 days after receipt.
#[test]
fn an_inspection_request_holds_the_students_records_on_every_desktop_until_fulfilled() {
    use dossier_core::{NewRequest, Relation, RequestKind, RequestState};

    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bea", BEA, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    let student = |lib: &mut Library, number: &str, name: &str| {
        lib.add_subject(
            &[
                (SubjectField::Kind, "student".to_owned()),
                (SubjectField::Number, number.to_owned()),
                (SubjectField::Name, name.to_owned()),
                (SubjectField::Left, "2015-06-30".to_owned()),
            ]
            .into(),
        )
        .unwrap()
    };
    let asked_about = student(&mut ann, "2001", "Dee Ray");
    let other = student(&mut ann, "2002", "Eli Fox");
    let dir = t.path().join("in");
    let mut docs = Vec::new();
    for (name, subject) in [("d.txt", asked_about), ("e.txt", other)] {
        let d = imported(&import(
            &mut ann,
            &[write(&dir, name, name.as_bytes())],
            &ImportOptions::default(),
        ))[0];
        ann.set_field(
            d,
            FieldKey::Type,
            Some(FieldValue::Text("Transcript".into())),
        )
        .unwrap();
        ann.set_document_subject(d, Some(subject)).unwrap();
        docs.push(d);
    }
    ann.set_series(
        "Transcript",
        series(
            "Academic records",
            RetentionRule::Years {
                years: 5,
                after: RetentionEvent::Left,
            },
        ),
    )
    .unwrap();
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut bea = Library::join(
        &t.path().join("bea"),
        &objects,
        &super::signed::person("Bea", BEA),
    )
    .unwrap();
    super::signed::relay(&mut ann, &mut [&mut bea]);

    // Registrar staff log a parent's request at the counter.
    let id = bea
        .log_request(NewRequest {
            subject: asked_about,
            kind: RequestKind::Inspection,
            requester: "Fay Ray".into(),
            relation: Relation::Parent,
            received: day("2026-12-01"),
            note: Some("asked at the front desk".into()),
            asked: None,
        })
        .unwrap();
    super::signed::relay(&mut bea, &mut [&mut ann]);
    let today = day("2026-12-07");
    for lib in [&ann, &bea] {
        let open = lib.requests(false, today).unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].request.due, "2027-01-15");
        assert_eq!(open[0].student, "Dee Ray (2001)");
        assert!(!open[0].overdue);
        assert!(lib.requests(false, day("2027-01-16")).unwrap()[0].overdue);
        assert_eq!(
            lib.catalog()
                .hold(docs[0])
                .unwrap()
                .inspection_due
                .as_deref(),
            Some("2027-01-15")
        );
        assert_eq!(lib.catalog().hold(docs[1]).unwrap().inspection_due, None);
    }
    // The student's record merged into another (a duplicate found later): the hold
    // follows the documents to it.
    let kept = student(&mut ann, "2001-B", "Dee Ray");
    ann.merge_subjects(asked_about, kept).unwrap();
    assert_eq!(
        ann.catalog()
            .hold(docs[0])
            .unwrap()
            .inspection_due
            .as_deref(),
        Some("2027-01-15")
    );
    let held = ann.disposition(docs[0], today).unwrap().unwrap();
    assert_eq!(held.state, DispositionState::Held);
    assert_eq!(
        held.held_by,
        ["an open inspection request (due 2027-01-15)"]
    );
    assert_eq!(
        ann.disposition(docs[1], today).unwrap().unwrap().state,
        DispositionState::Due
    );
    for d in &docs {
        ann.trash(*d).unwrap();
    }
    assert!(matches!(ann.purge(docs[0]), Err(Error::Held { .. })));
    ann.purge(docs[1]).unwrap();

    // Fulfilled on Bea's desktop: the hold ends on Ann's at the next sync.
    bea.fulfil_request(id, day("2026-12-10")).unwrap();
    super::signed::relay(&mut bea, &mut [&mut ann]);
    assert_eq!(
        ann.request(id).unwrap().state,
        RequestState::Fulfilled {
            on: "2026-12-10".into()
        }
    );
    assert!(ann.requests(false, today).unwrap().is_empty());
    assert_eq!(ann.requests(true, today).unwrap().len(), 1);
    ann.purge(docs[0]).unwrap();
    // The request's history is the student's.
    let history = ann.catalog().subject_audit(asked_about).unwrap();
    assert!(
        history
            .iter()
            .filter(|e| e.action == "request_changed")
            .count()
            == 2,
        "{history:?}"
    );
    assert!(ann.check_audit().unwrap().is_clean());
}
