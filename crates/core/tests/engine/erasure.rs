//! Erasure epochs (issue 22) against the OS keyring (a real Secret Service in CI): the
//! first records begin the first epoch and their own keys go under it, a desktop without
//! its key asks for it and is given it, a destruction begins the next one, under which
//! the kept records' keys go again and the destroyed one's not, and every desktop, once it
//! holds that one, forgets every key before it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use dossier_core::{ErasureStatus, FieldKey, FieldValue, OsKeyring, Role, SubjectField};

use super::*;

const ANN: &str = "ann's own passphrase";
const BEA: &str = "bea's own passphrase";
const DAN: &str = "dan's own passphrase";

/// Whether this machine has a keyring to test against; CI must.
pub(super) fn keyring_here() -> bool {
    match OsKeyring.load_remote_secret("dossier-test probe") {
        Ok(_) => true,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI must run this test with a keyring (a Secret Service): {e}"
            );
            eprintln!("no keyring here ({e}): run through .ci/run to test erasure keys");
            false
        }
    }
}

/// A transcript of a student who left in 2015, kept five years after: due now.
fn due_transcript(lib: &mut Library, dir: &Path, name: &str) -> dossier_core::DocId {
    let v: BTreeMap<SubjectField, String> = [
        (SubjectField::Kind, "student".to_owned()),
        (SubjectField::Number, format!("N-{}", name.len())),
        (SubjectField::Name, name.to_owned()),
        (SubjectField::Left, "2015-06-30".to_owned()),
    ]
    .into();
    let student = lib.add_subject(&v).unwrap();
    let doc = imported(&import(
        lib,
        &[write(dir, &format!("{name}.txt"), name.as_bytes())],
        &ImportOptions::default(),
    ))[0];
    lib.set_field(
        doc,
        FieldKey::Type,
        Some(FieldValue::Text("Transcript".into())),
    )
    .unwrap();
    lib.set_document_subject(doc, Some(student)).unwrap();
    doc
}

/// A desktop of `who` joining the library of Ann's desktop (from its key object).
fn joined(ann: &Library, root: &Path, who: &str, passphrase: &str) -> Library {
    let objects = [(0, ann.key_object(0).unwrap())];
    Library::join(root, &objects, &super::signed::person(who, passphrase)).unwrap()
}

fn settled_on(status: &ErasureStatus) -> dossier_core::ErasureEpochId {
    assert!(status.settled(), "{status:?}");
    status.held[0]
}

#[test]
fn each_destruction_begins_an_erasure_epoch_and_every_desktop_forgets_the_one_before() {
    if !keyring_here() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bea", BEA, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    ann.add_person("Dan", DAN, FAST, Role::DepartmentStaff, &["Science".into()])
        .unwrap();
    super::destruction::transcripts_kept_five_years(&mut ann);
    let dir = t.path().join("in");
    let first = due_transcript(&mut ann, &dir, "Ida First");
    let second = due_transcript(&mut ann, &dir, "Ole Second");
    let mut bea = joined(&ann, &t.path().join("bea"), "Bea", BEA);
    let (mut ann_log, mut bea_log) = (Vec::new(), Vec::new());
    ann_log.extend(super::signed::relay(&mut ann, &mut [&mut bea]));
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();

    // The first records began the first epoch on Ann's desktop, and each has a key of its
    // own under it. Settling again commits nothing.
    let e0 = settled_on(&ann.erasure_status().unwrap());
    assert_eq!(ann.erasure_status().unwrap().current, Some((e0, 0)));
    let own = |lib: &Library, doc| lib.version(doc, None).unwrap().record_key.unwrap();
    let (first_key, second_key) = (own(&ann, first), own(&ann, second));
    assert_ne!(first_key, second_key);
    ann.settle_erasure().unwrap();
    assert!(ann.next_segment().unwrap().is_none());

    // Bea's desktop has no key of it: it asks, with a one-time key.
    ann_log.extend(super::signed::relay(&mut ann, &mut [&mut bea]));
    let asked = bea.settle_erasure().unwrap();
    assert!(asked.waiting && asked.held.is_empty(), "{asked:?}");
    assert_eq!(asked.current, Some((e0, 0)));
    // Asking again adds nothing.
    bea_log.extend(super::signed::relay(&mut bea, &mut [&mut ann]));
    assert!(bea.settle_erasure().unwrap().waiting);
    assert!(bea.next_segment().unwrap().is_none());
    // Ann's desktop gives it; Bea's takes it and forgets its one-time key.
    let gave = ann.settle_erasure().unwrap();
    assert_eq!(gave.given, 1, "{gave:?}");
    ann_log.extend(super::signed::relay(&mut ann, &mut [&mut bea]));
    let taken = bea.settle_erasure().unwrap();
    assert_eq!(settled_on(&taken), e0);
    assert!(!taken.waiting);
    // Given once: Ann's next settle gives nothing more.
    assert_eq!(ann.settle_erasure().unwrap().given, 0);
    assert!(ann.next_segment().unwrap().is_none());
    // With the epoch's key, Bea's desktop opened the records' own keys, and their content.
    super::collection_keys::share_packs(&ann, &bea);
    assert_eq!(content(&bea, first, None), b"Ida First");
    assert_eq!(content(&bea, second, None), b"Ole Second");

    // A destruction begins the next epoch; Ann's desktop forgets the first.
    let report = ann.destroy(&[first], today).unwrap();
    let e1 = report.erasure.expect("the next epoch began");
    assert_ne!(e1, e0);
    let ann_now = ann.erasure_status().unwrap();
    assert_eq!(settled_on(&ann_now), e1);
    assert_eq!(ann_now.current, Some((e1, 1)));
    // Bea's desktop moves on by the chain, without asking, and forgets the first.
    ann_log.extend(super::signed::relay(&mut ann, &mut [&mut bea]));
    let moved = bea.settle_erasure().unwrap();
    assert_eq!(settled_on(&moved), e1);
    assert!(!moved.waiting);
    assert!(bea.next_segment().unwrap().is_none());
    for lib in [&ann, &bea] {
        let status = lib.erasure_status().unwrap();
        assert_eq!(
            status.held,
            vec![e1],
            "no desktop keeps the first epoch's key"
        );
        assert!(!status.waiting, "no one-time key is left");
    }
    // What a desktop did not hold cannot be had from the journal: Dan's desktop
    // (department staff, who read one collection), joining now, holds nothing and asks.
    let mut dan = joined(&ann, &t.path().join("dan"), "Dan", DAN);
    for segment in ann_log.iter().chain(&bea_log) {
        dan.apply_segment(segment).unwrap();
    }
    let fresh = dan.settle_erasure().unwrap();
    assert!(fresh.waiting && fresh.held.is_empty(), "{fresh:?}");
    // Bea's desktop, holding the key, gives it.
    super::signed::relay(&mut dan, &mut [&mut bea, &mut ann]);
    assert_eq!(bea.settle_erasure().unwrap().given, 1);
    super::signed::relay(&mut bea, &mut [&mut dan, &mut ann]);
    assert_eq!(settled_on(&dan.settle_erasure().unwrap()), e1);
    assert_eq!(ann.settle_erasure().unwrap().given, 0);
    // The kept record's key reached Dan's desktop under the new epoch, the only one it
    // ever held; the destroyed one's is on no desktop.
    assert!(dan.catalog().record_key(&second_key).unwrap().is_some());
    for lib in [&ann, &bea, &dan] {
        assert!(lib.catalog().record_key(&first_key).unwrap().is_none());
        assert!(lib.catalog().record_key(&second_key).unwrap().is_some());
    }
}

/// Every desktop lost: the records officer's printed erasure recovery code gives the
/// library's content back to a new desktop, which otherwise has no one to ask. A typo, the
/// library's recovery key typed in its place, and another library's code are refused and
/// change nothing. After a destruction the code is outdated (it would still open copies
/// taken before it) until a new one is made.
#[test]
fn when_every_desktop_is_lost_the_erasure_recovery_code_opens_the_records_again() {
    use dossier_core::{ErasureRecoveryCode, Error, RecoveryCodeState};
    if !keyring_here() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (mut ann, recovery_key) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    super::destruction::transcripts_kept_five_years(&mut ann);
    let dir = t.path().join("in");
    let first = due_transcript(&mut ann, &dir, "Ida First");
    let second = due_transcript(&mut ann, &dir, "Ole Second");
    assert_eq!(
        ann.erasure_status().unwrap().recovery_code,
        RecoveryCodeState::None
    );
    let code = ann.new_erasure_recovery_code().unwrap();
    assert_eq!(
        ann.erasure_status().unwrap().recovery_code,
        RecoveryCodeState::Current
    );
    let printed = code.display();
    let mut log = Vec::new();
    // Ann's desktop is lost; a new one joins from what the remote holds.
    let mut again = joined(&ann, &t.path().join("again"), "Ann", ANN);
    log.extend(super::signed::relay(&mut ann, &mut [&mut again]));
    super::collection_keys::share_packs(&ann, &again);
    drop(ann);
    let alone = again.settle_erasure().unwrap();
    assert!(alone.waiting && alone.held.is_empty(), "{alone:?}");
    let v = again.version(first, None).unwrap();
    assert!(matches!(
        again.write_version(&v, &mut Vec::new()),
        Err(Error::RecordKeyUnavailable { .. })
    ));

    // What is not this library's code is refused, and nothing changes.
    let mut typo: Vec<char> = printed.chars().collect();
    typo[2] = if typo[2] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    assert!(matches!(
        ErasureRecoveryCode::parse(&typo),
        Err(Error::MalformedErasureCode(_))
    ));
    assert!(matches!(
        ErasureRecoveryCode::parse(&recovery_key.display()),
        Err(Error::MalformedErasureCode(_))
    ));
    let (mut other, _) = create(&t.path().join("other"));
    other.become_owner("Ann", ANN, FAST).unwrap();
    due_transcript(&mut other, &dir, "Somebody Else");
    let elsewhere = other.new_erasure_recovery_code().unwrap();
    let before = again.erasure_status().unwrap();
    assert!(matches!(
        again.recover_erasure(&ErasureRecoveryCode::parse(&elsewhere.display()).unwrap()),
        Err(Error::ErasureCodeUnknown)
    ));
    assert_eq!(again.erasure_status().unwrap(), before);

    // The code as printed, typed in lower case: the key, and the records, are back.
    let typed = ErasureRecoveryCode::parse(&printed.to_lowercase()).unwrap();
    let back = again.recover_erasure(&typed).unwrap();
    assert!(back.settled() && !back.waiting, "{back:?}");
    assert_eq!(content(&again, first, None), b"Ida First");
    assert_eq!(content(&again, second, None), b"Ole Second");

    // A destruction: the code still reaches the new epoch, so it is outdated until a
    // new one is made (and the old sheet shredded).
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    again.destroy(&[first], today).unwrap();
    assert_eq!(
        again.erasure_status().unwrap().recovery_code,
        RecoveryCodeState::Outdated
    );
    let newer = again.new_erasure_recovery_code().unwrap();
    assert_ne!(newer.display(), printed);
    assert_eq!(
        again.erasure_status().unwrap().recovery_code,
        RecoveryCodeState::Current
    );
}

/// A record's key given under an epoch that ends before a desktop hears of it still
/// reaches that desktop: Bea files a record under the first epoch while Ann, not having
/// heard of it, destroys another and begins the next; Cy's desktop takes both at once and
/// opens the new record's key with the first epoch's key before forgetting it, then gives
/// it again under the new epoch, so Ann's desktop has it too.
#[test]
fn a_record_key_given_under_an_epoch_that_just_ended_still_opens() {
    if !keyring_here() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bea", BEA, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    super::destruction::transcripts_kept_five_years(&mut ann);
    let dir = t.path().join("in");
    let due = due_transcript(&mut ann, &dir, "Ida First");
    let mut bea = joined(&ann, &t.path().join("bea"), "Bea", BEA);
    let mut cy = joined(&ann, &t.path().join("cy"), "Ann", ANN);
    super::signed::relay(&mut ann, &mut [&mut bea, &mut cy]);
    super::signed::settle_erasure(&mut [&mut ann, &mut bea, &mut cy]);
    let e0 = settled_on(&cy.erasure_status().unwrap());

    let filed = imported(&import(
        &mut bea,
        &[write(
            &dir,
            "enrolment.txt",
            b"Enrolment form of Ole Second",
        )],
        &ImportOptions::default(),
    ))[0];
    let filed_key = bea.version(filed, None).unwrap().record_key.unwrap();
    let from_bea = super::signed::relay(&mut bea, &mut []);
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let e1 = ann.destroy(&[due], today).unwrap().erasure.unwrap();
    assert_ne!(e1, e0);
    let from_ann = super::signed::relay(&mut ann, &mut []);
    for segment in from_bea.iter().chain(&from_ann) {
        cy.apply_segment(segment).unwrap();
    }
    assert_eq!(settled_on(&cy.settle_erasure().unwrap()), e1);
    assert!(
        cy.catalog().record_key(&filed_key).unwrap().is_some(),
        "the key given under the epoch that ended opened before it was forgotten"
    );
    super::collection_keys::share_packs(&bea, &cy);
    assert_eq!(content(&cy, filed, None), b"Enrolment form of Ole Second");
    // Given again under the new epoch: Ann's desktop, which never held it, opens it.
    for segment in &from_bea {
        ann.apply_segment(segment).unwrap();
    }
    super::signed::relay(&mut cy, &mut [&mut ann, &mut bea]);
    assert_eq!(settled_on(&ann.settle_erasure().unwrap()), e1);
    assert!(ann.catalog().record_key(&filed_key).unwrap().is_some());
}

/// A destruction that crossed the beginning of an epoch ends that epoch too: Rita (the
/// records officer, on a desktop not yet given the erasure key) destroys one record while
/// Ann, not having heard of it, destroys another and gives every kept key again under the
/// epoch she begins, the one Rita destroyed among them. Once each hears of the other, that
/// epoch ends (though Rita's destruction is the older), and the destroyed key is under no
/// epoch a desktop holds.
#[test]
fn a_destruction_that_crossed_the_beginning_of_an_epoch_ends_it_too() {
    if !keyring_here() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Rita", BEA, FAST, Role::RecordsOfficer, &[])
        .unwrap();
    super::destruction::transcripts_kept_five_years(&mut ann);
    let dir = t.path().join("in");
    let first = due_transcript(&mut ann, &dir, "Ida First");
    let second = due_transcript(&mut ann, &dir, "Ole Second");
    let second_key = ann.version(second, None).unwrap().record_key.unwrap();
    let mut rita = joined(&ann, &t.path().join("rita"), "Rita", BEA);
    super::signed::relay(&mut ann, &mut [&mut rita]);
    assert!(rita.settle_erasure().unwrap().waiting);

    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    rita.destroy(&[second], today).unwrap();
    let report = ann.destroy(&[first], today).unwrap();
    let e1 = report.erasure.expect("Ann's destruction began an epoch");
    assert_eq!(ann.erasure_status().unwrap().current, Some((e1, 1)));
    super::signed::relay(&mut rita, &mut [&mut ann]);
    super::signed::relay(&mut ann, &mut [&mut rita]);
    super::signed::settle_erasure(&mut [&mut ann, &mut rita]);
    let now = ann.erasure_status().unwrap();
    let (current, number) = now.current.unwrap();
    assert_eq!(
        number, 2,
        "the epoch that gave a destroyed key again ended: {now:?}"
    );
    for lib in [&ann, &rita] {
        assert_eq!(settled_on(&lib.erasure_status().unwrap()), current);
        assert!(lib.catalog().record_key(&second_key).unwrap().is_none());
        assert!(lib.catalog().document(second).is_err());
    }
}
