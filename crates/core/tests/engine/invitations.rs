//! Invitations (issue 21): an owner invites a person by a one-time code; the person's own
//! desktop makes their keys and answers; the owner grants them only when the fingerprint
//! they were read matches; the new desktop pins the owner the invitation named.

use dossier_core::{
    DeviceId, Fingerprint, Hlc, InvitationState, InviteCode, MemberId, Op, OpKind, Role, Segment,
    Stamp, answer_invitation, own_answer,
};

use super::signed::{person, relay};
use super::*;

const ANN: &str = "ann's own passphrase";
const DAN: &str = "dan's own passphrase";

/// Ann's library, kept by its people, with one document.
fn owned(dir: &Path) -> (Library, dossier_core::DocId) {
    let (mut ann, _) = create(dir);
    let report = import(
        &mut ann,
        &[write(dir, "report.txt", b"term report of a student")],
        &ImportOptions::default(),
    );
    let doc = imported(&report)[0];
    ann.become_owner("Ann", ANN, FAST).unwrap();
    (ann, doc)
}

/// An invitation made and recorded by `lib` (the remote's part is the sync crate's).
fn invite(
    lib: &mut Library,
    name: &str,
    role: Role,
    collections: &[String],
) -> dossier_core::Result<dossier_core::NewInvitation> {
    let made = lib.prepare_invitation(name, role, collections)?;
    lib.record_invitation(&made)?;
    Ok(made)
}

fn role_of(lib: &Library, name: &str) -> Option<Role> {
    lib.people()
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .map(|p| p.role)
}

#[test]
fn an_invited_person_joins_with_keys_made_on_their_own_desktop() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, doc) = owned(t.path());
    let made = invite(&mut ann, "Dan", Role::RegistrarStaff, &[]).unwrap();
    let shown = made.code.display().to_string();

    // Dan's desktop: the code as he typed it opens the invitation, which names the owner.
    let code = InviteCode::parse(&shown.to_lowercase().replace('-', " ")).unwrap();
    let invitation = code.open_invitation(&made.sealed).unwrap();
    assert_eq!(invitation.name, "Dan");
    assert_eq!(invitation.role, Role::RegistrarStaff);
    assert_eq!(invitation.owner.member, ann.person().unwrap().member);
    let (reply, fingerprint) = answer_invitation(&code, &invitation, DAN, FAST).unwrap();

    // Before an owner confirms, the remote's key objects hold nothing for him.
    let objects = [(0, ann.key_object(0).unwrap())];
    let dan_dir = t.path().join("dan");
    let early = Library::join_invited(&dan_dir, &objects, &invitation, DAN);
    assert!(
        matches!(early, Err(Error::InvitationNotConfirmed { .. })),
        "{early:?}"
    );
    assert!(!dan_dir.join("library.json").exists());

    // Ann sees the answer's fingerprint; a different one grants nothing.
    let listed = ann.invitations().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, InvitationState::Open);
    // Ann's desktop can show her the code again, and never writes it in a log line.
    let again = listed[0].code.clone().unwrap();
    assert!(!format!("{:?}", listed[0]).contains(&again));
    let (public, shown_to_ann) = ann.invitation_reply(invitation.id, &reply).unwrap();
    assert_eq!(shown_to_ann, fingerprint);
    assert_eq!(public.member, invitation.member);
    assert!(matches!(
        ann.confirm_invitation(invitation.id, &reply, "0000 1111 2222 3333 4444 5555"),
        Err(Error::FingerprintMismatch { .. })
    ));
    assert_eq!(role_of(&ann, "Dan"), None);

    // The fingerprint read to her (spaces as typed do not matter) grants his role.
    let typed = fingerprint.as_str().replace(' ', "");
    ann.confirm_invitation(invitation.id, &reply, &typed)
        .unwrap();
    assert_eq!(role_of(&ann, "Dan"), Some(Role::RegistrarStaff));
    assert_eq!(ann.invitations().unwrap()[0].state, InvitationState::Joined);
    assert!(matches!(
        ann.confirm_invitation(invitation.id, &reply, &typed),
        Err(Error::InvitationClosed { .. })
    ));

    // Dan's desktop joins with his own passphrase and signs in as him.
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut dan = Library::join_invited(&dan_dir, &objects, &invitation, DAN).unwrap();
    assert_eq!(dan.person().unwrap().member, invitation.member);
    relay(&mut ann, &mut [&mut dan]);
    assert_eq!(role_of(&dan, "Dan"), Some(Role::RegistrarStaff));
    assert_eq!(role_of(&dan, "Ann"), Some(Role::Owner));
    // What he signs is applied on Ann's desktop.
    dan.tag(doc, &["term".into()], &[]).unwrap();
    relay(&mut dan, &mut [&mut ann]);
    assert_eq!(ann.catalog().document(doc).unwrap().summary.tags, ["term"]);
    assert!(ann.held_batches().unwrap().is_empty());
    // The identity in his slot is the one his desktop made, and the digits he read
    // covered it, the owner the invitation named and the invitation.
    assert_eq!(
        Fingerprint::of_answer(
            dan.person().unwrap(),
            &invitation.owner.signing,
            &invitation.id.0
        ),
        fingerprint
    );
    // Removed later, he does not make the invitation open again.
    ann.remove_person(invitation.member).unwrap();
    assert_eq!(ann.invitations().unwrap()[0].state, InvitationState::Joined);
    assert!(matches!(
        ann.confirm_invitation(invitation.id, &reply, &typed),
        Err(Error::InvitationClosed { .. })
    ));
}

#[test]
fn a_changed_or_foreign_invitation_or_answer_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = owned(t.path());
    let made = invite(&mut ann, "Dan", Role::Auditor, &[]).unwrap();
    let code = InviteCode::parse(&made.code.display()).unwrap();

    // A byte changed in the invitation, or another code: not authentic.
    let mut changed = made.sealed.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    assert!(matches!(
        code.open_invitation(&changed),
        Err(Error::InvitationNotAuthentic)
    ));
    let other = InviteCode::generate();
    assert!(matches!(
        other.open_invitation(&made.sealed),
        Err(Error::InvitationNotAuthentic)
    ));

    // An answer made without the code (by whoever can write to the bucket) is refused.
    let invitation = code.open_invitation(&made.sealed).unwrap();
    let mut forged_invitation = invitation.clone();
    forged_invitation.id = other.id();
    let (forged, _) = answer_invitation(&other, &forged_invitation, DAN, FAST).unwrap();
    assert!(matches!(
        ann.invitation_reply(invitation.id, &forged),
        Err(Error::InvitationNotAuthentic)
    ));
    // An answer with keys for another member id is refused too.
    let mut elsewhere = invitation.clone();
    elsewhere.member = MemberId::new();
    let (wrong_member, fp) = answer_invitation(&code, &elsewhere, DAN, FAST).unwrap();
    assert!(matches!(
        ann.confirm_invitation(invitation.id, &wrong_member, fp.as_str()),
        Err(Error::InvitationNotAuthentic)
    ));

    // An answer under another name is refused.
    let mut renamed = invitation.clone();
    renamed.name = "Ann".into();
    let (other_name, fp) = answer_invitation(&code, &renamed, DAN, FAST).unwrap();
    assert!(matches!(
        ann.confirm_invitation(invitation.id, &other_name, fp.as_str()),
        Err(Error::InvitationNotAuthentic)
    ));

    // An answer someone else made with the code is never shown as Dan's: his passphrase
    // does not open it. His own is, with the digits he read.
    let (someone_elses, _) =
        answer_invitation(&code, &invitation, "mallory's passphrase", FAST).unwrap();
    assert!(matches!(
        own_answer(&code, &invitation, &someone_elses, DAN),
        Err(Error::AnswerNotYours)
    ));
    let (mine, my_digits) = answer_invitation(&code, &invitation, DAN, FAST).unwrap();
    assert_eq!(
        own_answer(&code, &invitation, &mine, DAN).unwrap(),
        my_digits
    );
    // Digits made with another owner in the invitation (one someone swapped) do not
    // match the ones the owner's desktop computes.
    let mut other_owner = invitation.clone();
    other_owner.owner = dossier_core::Identity::generate(MemberId::new(), "Mallory")
        .unwrap()
        .public()
        .clone();
    let (swapped, swapped_digits) = answer_invitation(&code, &other_owner, DAN, FAST).unwrap();
    assert!(matches!(
        ann.confirm_invitation(invitation.id, &swapped, swapped_digits.as_str()),
        Err(Error::FingerprintMismatch { .. })
    ));

    // A withdrawn invitation is never confirmed.
    let (reply, fingerprint) = answer_invitation(&code, &invitation, DAN, FAST).unwrap();
    ann.withdraw_invitation(invitation.id).unwrap();
    assert_eq!(
        ann.invitations().unwrap()[0].state,
        InvitationState::Withdrawn
    );
    assert!(matches!(
        ann.confirm_invitation(invitation.id, &reply, fingerprint.as_str()),
        Err(Error::InvitationClosed { .. })
    ));
    assert_eq!(role_of(&ann, "Dan"), None);
}

#[test]
fn only_an_owner_invites() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = owned(t.path());
    ann.add_person("Cal", "cal's own passphrase", FAST, Role::Auditor, &[])
        .unwrap();
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut cal = Library::join(
        &t.path().join("cal"),
        &objects,
        &person("Cal", "cal's own passphrase"),
    )
    .unwrap();
    let made = invite(&mut ann, "Dan", Role::Auditor, &[]).unwrap();
    relay(&mut ann, &mut [&mut cal]);
    assert!(matches!(
        invite(&mut cal, "Eve", Role::Owner, &[]),
        Err(Error::NotPermitted { .. } | Error::BatchRefused { .. })
    ));
    // The code is sealed to the owners: Cal's desktop lists the invitation, not its code.
    let on_cal = cal.invitations().unwrap();
    assert_eq!(on_cal.len(), 1);
    assert_eq!(on_cal[0].code, None);
    assert_eq!(
        ann.invitations().unwrap()[0].code.as_deref(),
        Some(made.code.display().as_str())
    );
    // Department staff are invited to at least one collection.
    assert!(matches!(
        invite(&mut ann, "Dee", Role::DepartmentStaff, &[]),
        Err(Error::MemberChangeRefused { .. })
    ));
}

#[test]
fn the_invited_desktop_keeps_the_owner_its_invitation_named() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = owned(t.path());
    // Bea joins the old way (a slot made on Ann's desktop): nothing pins the owner there.
    ann.add_person(
        "Bea",
        "bea's own passphrase",
        FAST,
        Role::RegistrarStaff,
        &[],
    )
    .unwrap();
    let made = invite(&mut ann, "Dan", Role::RegistrarStaff, &[]).unwrap();
    let code = InviteCode::parse(&made.code.display()).unwrap();
    let invitation = code.open_invitation(&made.sealed).unwrap();
    let (reply, fingerprint) = answer_invitation(&code, &invitation, DAN, FAST).unwrap();
    ann.confirm_invitation(invitation.id, &reply, fingerprint.as_str())
        .unwrap();
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut bea = Library::join(
        &t.path().join("bea"),
        &objects,
        &person("Bea", "bea's own passphrase"),
    )
    .unwrap();
    let mut dan = Library::join_invited(&t.path().join("dan"), &objects, &invitation, DAN).unwrap();
    relay(&mut ann, &mut [&mut bea, &mut dan]);
    assert_eq!(role_of(&bea, "Ann"), Some(Role::Owner));

    // Someone who holds the library's key (a copied recovery key, a former owner's
    // desktop) writes a `LibraryOwned` naming themselves, dated before Ann's.
    let mallory = dossier_core::Identity::generate(MemberId::new(), "Mallory").unwrap();
    let device = DeviceId::new();
    let early = Stamp {
        hlc: Hlc {
            wall_ms: 1,
            counter: 0,
        },
        device,
    };
    let forged = Segment {
        device,
        seq: 1,
        ops: vec![Op {
            stamp: early,
            kind: OpKind::LibraryOwned {
                owner: mallory.public().clone(),
            },
        }],
        link: None,
        withheld: None,
    };
    bea.apply_segment(&forged).unwrap();
    dan.apply_segment(&forged).unwrap();
    // Where nothing pinned the owner, the forgery takes the library over ...
    assert_eq!(role_of(&bea, "Ann"), None);
    assert_eq!(role_of(&bea, "Mallory"), Some(Role::Owner));
    // ... the invited desktop keeps the owner its invitation named, and everyone.
    assert_eq!(role_of(&dan, "Mallory"), None);
    assert_eq!(role_of(&dan, "Ann"), Some(Role::Owner));
    assert_eq!(role_of(&dan, "Dan"), Some(Role::RegistrarStaff));
}

/// `tests/fixtures/invitation-v1` (an invitation, its answer and the answer's
/// fingerprint, `make_invitation_fixture`) keeps opening with its code to the same.
#[test]
fn invitation_fixtures_still_open_to_the_same() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invitation-v1");
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let code = InviteCode::parse(&String::from_utf8(read("code.txt")).unwrap()).unwrap();
    let invitation = code.open_invitation(&read("invitation.bin")).unwrap();
    assert_eq!(invitation.name, "Bo Chen");
    assert_eq!(invitation.role, Role::DepartmentStaff);
    assert_eq!(invitation.collections, ["science"]);
    assert_eq!(invitation.owner.name, "Ann Lee");
    let reply = code.open_reply(&read("reply.bin")).unwrap();
    assert_eq!(reply.invitation, invitation.id);
    assert_eq!(reply.identity.public.member, invitation.member);
    assert_eq!(
        Fingerprint::of_answer(
            &reply.identity.public,
            &invitation.owner.signing,
            &invitation.id.0
        )
        .as_str()
        .as_bytes(),
        &read("fingerprint.txt")[..]
    );
    let bo = dossier_core::Identity::unwrap(&reply.identity, "fixture passphrase").unwrap();
    assert_eq!(bo.public(), &reply.identity.public);
}

#[test]
fn a_confirmation_cut_short_before_the_slot_is_finished_by_confirming_again() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = owned(t.path());
    let made = invite(&mut ann, "Dan", Role::Auditor, &[]).unwrap();
    let code = InviteCode::parse(&made.code.display()).unwrap();
    let invitation = code.open_invitation(&made.sealed).unwrap();
    let (reply, fingerprint) = answer_invitation(&code, &invitation, DAN, FAST).unwrap();
    ann.confirm_invitation(invitation.id, &reply, fingerprint.as_str())
        .unwrap();
    // The desktop stopped after the grant, before Dan's slot was written.
    let keys_json = t.path().join("lib/keys.json");
    let mut kf: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&keys_json).unwrap()).unwrap();
    let slots = kf["slots"].as_array_mut().unwrap();
    let before = slots.len();
    slots.retain(|s| !s.to_string().contains(&invitation.member.to_string()));
    assert_eq!(slots.len(), before - 1, "Dan's slot was there to take out");
    std::fs::write(&keys_json, serde_json::to_vec(&kf).unwrap()).unwrap();
    let objects = [(0, ann.key_object(0).unwrap())];
    let dan_dir = t.path().join("dan");
    assert!(matches!(
        Library::join_invited(&dan_dir, &objects, &invitation, DAN),
        Err(Error::InvitationNotConfirmed { .. })
    ));
    assert_eq!(ann.invitations().unwrap()[0].state, InvitationState::Joined);

    // Confirming again needs the digits again, and writes only the slot.
    assert!(matches!(
        ann.confirm_invitation(invitation.id, &reply, "0000 1111 2222 3333 4444 5555"),
        Err(Error::FingerprintMismatch { .. })
    ));
    let statements = ann.people().unwrap().len();
    ann.confirm_invitation(invitation.id, &reply, fingerprint.as_str())
        .unwrap();
    assert_eq!(ann.people().unwrap().len(), statements);
    assert_eq!(role_of(&ann, "Dan"), Some(Role::Auditor));
    let objects = [(0, ann.key_object(0).unwrap())];
    let dan = Library::join_invited(&dan_dir, &objects, &invitation, DAN).unwrap();
    assert_eq!(dan.person().unwrap().member, invitation.member);
    // With the slot there, the invitation is closed as before.
    assert!(matches!(
        ann.confirm_invitation(invitation.id, &reply, fingerprint.as_str()),
        Err(Error::InvitationClosed { .. })
    ));
}
