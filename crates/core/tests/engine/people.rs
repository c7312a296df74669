//! A library kept by its people (issue 21): it opens for a person's own passphrase alone,
//! every change is judged by the signed-in person's role, the audit names them, and a
//! removed person's passphrase opens nothing, even with their old slot put back.

use dossier_core::{FieldKey, FieldValue, Role};

use super::journal_keys::{deliver, sealed, titles};
use super::signed::person;
use super::*;

const ANN: &str = "ann's own passphrase";
const BEA: &str = "bea's own passphrase";
const CAL: &str = "cal's own passphrase";
const DEE: &str = "dee's own passphrase";

fn sign_in(dir: &Path, who: &str, passphrase: &str) -> dossier_core::Result<Library> {
    LockedLibrary::open(&dir.join("lib"), Access::Write)?.sign_in(who, passphrase)
}

/// The people of `lib`, by name and role, owner first.
fn roles(lib: &Library) -> Vec<(String, Role)> {
    lib.people()
        .unwrap()
        .into_iter()
        .map(|p| (p.name, p.role))
        .collect()
}

fn audit_len(dir: &Path) -> usize {
    let lib = LockedLibrary::open(&dir.join("lib"), Access::Read)
        .unwrap()
        .sign_in("Ann", ANN)
        .unwrap();
    lib.catalog().audit(None).unwrap().len()
}

/// A library with one document, owned by Ann, with Bea (registrar staff), Cal (auditor)
/// and Dee (department staff of "history").
/// Dee's own desktop (department staff sign in only on a desktop of their own), joined
/// and given what Ann's desktop has written so far, as a sync would.
fn dee_desktop(dir: &Path, ann: &mut Library, passphrase: &str) -> Library {
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut dee = Library::join(&dir.join("dee"), &objects, &person("Dee", passphrase)).unwrap();
    let sent = sealed(ann);
    deliver(ann, &sent, &mut dee).unwrap();
    dee
}

fn staffed(dir: &Path) -> dossier_core::DocId {
    let (mut lib, _) = create(dir);
    let doc = imported(&import(
        &mut lib,
        &[write(dir, "report.txt", b"term report of a student")],
        &ImportOptions::default(),
    ))[0];
    let ann = lib.become_owner("Ann", ANN, FAST).unwrap();
    assert_eq!(lib.person().unwrap(), &ann);
    lib.add_person("Bea", BEA, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    lib.add_person("Cal", CAL, FAST, Role::Auditor, &[])
        .unwrap();
    lib.add_person("Dee", DEE, FAST, Role::DepartmentStaff, &["history".into()])
        .unwrap();
    doc
}

#[test]
fn a_library_kept_by_its_people_opens_for_them_and_judges_each_change_by_role() {
    let t = tempfile::tempdir().unwrap();
    let doc = staffed(t.path());
    let lib_dir = t.path().join("lib");

    // The library passphrase opens nothing any more; the keyring is not asked.
    let locked = LockedLibrary::open(&lib_dir, Access::Write).unwrap();
    assert!(locked.has_people().unwrap());
    let names: Vec<String> = locked
        .people_here()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Ann", "Bea", "Cal", "Dee"]);
    assert!(matches!(
        locked.unlock(&secret(PASS)),
        Err(Error::SignInRequired { .. })
    ));
    let kf: serde_json::Value =
        serde_json::from_slice(&std::fs::read(lib_dir.join("keys.json")).unwrap()).unwrap();
    assert_eq!(kf["format"], 2);
    let kinds: Vec<&str> = kf["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kdf"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["recovery", "member", "member", "member", "member"]);
    // Another person's passphrase does not open someone's slot.
    assert!(matches!(
        sign_in(t.path(), "Bea", ANN),
        Err(Error::WrongPassphrase)
    ));

    // Registrar staff file records, and the audit names them.
    let mut bea = sign_in(t.path(), "bea", BEA).unwrap();
    assert_eq!(bea.person().unwrap().name, "Bea");
    bea.tag(doc, &["term".into()], &[]).unwrap();
    let last = bea.catalog().audit(Some(doc)).unwrap().pop().unwrap();
    assert_eq!(last.user, "Bea");
    // ... but neither hold records nor manage people.
    let held = bea.place_legal_hold(doc, Some("subpoena")).unwrap_err();
    assert!(
        matches!(
            held,
            Error::NotPermitted {
                role: Some(Role::RegistrarStaff),
                ..
            }
        ),
        "{held}"
    );
    assert!(matches!(
        bea.add_person("Eve", "eve's own passphrase", FAST, Role::Owner, &[]),
        Err(Error::NotPermitted { .. })
    ));
    drop(bea);

    // The auditor changes nothing, and nothing of a refused change is kept.
    let before = audit_len(t.path());
    let mut cal = sign_in(t.path(), "Cal", CAL).unwrap();
    let refused = cal.tag(doc, &["mine".into()], &[]).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::NotPermitted {
                role: Some(Role::Auditor),
                ..
            }
        ),
        "{refused}"
    );
    assert!(refused.to_string().contains("auditor"), "{refused}");
    assert!(cal.trash(doc).is_err());
    drop(cal);
    assert_eq!(audit_len(t.path()), before);

    // Department staff sign in only on a desktop of their own: this one, made by someone
    // who reads every record, holds records they may not read, and their slot's key (the
    // members', not the library's) does not open it.
    assert!(matches!(
        sign_in(t.path(), "Dee", DEE),
        Err(Error::FolderReadsMore)
    ));
    // Department staff change their collection's records only, and cannot move one out.
    let mut ann = sign_in(t.path(), "Ann", ANN).unwrap();
    let mut dee = dee_desktop(t.path(), &mut ann, DEE);
    assert!(!titles(&dee).contains(&"report".to_string()));
    assert!(dee.tag(doc, &["history".into()], &[]).is_err());
    ann.set_field(
        doc,
        FieldKey::Collection,
        Some(FieldValue::Text("history".into())),
    )
    .unwrap();
    let sent = sealed(&mut ann);
    deliver(&ann, &sent, &mut dee).unwrap();
    drop(ann);
    assert!(titles(&dee).contains(&"report".to_string()));
    dee.tag(doc, &["essay".into()], &[]).unwrap();
    assert!(matches!(
        dee.set_field(
            doc,
            FieldKey::Collection,
            Some(FieldValue::Text("maths".into()))
        ),
        Err(Error::NotPermitted { .. })
    ));
    drop(dee);

    // Without a person, the recovery key reads but changes nothing.
    let recovery_reader = LockedLibrary::open(&lib_dir, Access::Write).unwrap();
    let kf = recovery_reader.key_file().unwrap();
    assert!(kf.slots.iter().all(|s| s.kind_name() != "passphrase"));
    drop(recovery_reader);

    // A removed person's passphrase opens nothing, even with their old slot put back.
    let stale_keys = std::fs::read(lib_dir.join("keys.json")).unwrap();
    let mut ann = sign_in(t.path(), "Ann", ANN).unwrap();
    let cal = ann.resolve_person("cal").unwrap();
    ann.remove_person(cal).unwrap();
    assert_eq!(
        roles(&ann),
        [
            ("Ann".into(), Role::Owner),
            ("Bea".into(), Role::RegistrarStaff),
            ("Dee".into(), Role::DepartmentStaff)
        ]
    );
    assert!(
        ann.people().unwrap().iter().all(|p| p
            .fingerprint
            .chars()
            .filter(char::is_ascii_digit)
            .count()
            == 24)
    );
    drop(ann);
    assert!(matches!(
        sign_in(t.path(), "Cal", CAL),
        Err(Error::WrongPassphrase)
    ));
    std::fs::write(lib_dir.join("keys.json"), &stale_keys).unwrap();
    assert!(matches!(
        sign_in(t.path(), "Cal", CAL),
        Err(Error::NotPermitted { role: None, .. })
    ));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(lib_dir.join("keys.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn the_recovery_key_reads_a_library_kept_by_its_people_and_signs_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, recovery) = create(t.path());
    let doc = imported(&import(
        &mut lib,
        &[write(t.path(), "a.txt", b"a record")],
        &ImportOptions::default(),
    ))[0];
    lib.become_owner("Ann", ANN, FAST).unwrap();
    drop(lib);
    let mut lib = LockedLibrary::open(&t.path().join("lib"), Access::Write)
        .unwrap()
        .unlock(&Secret::RecoveryKey(recovery))
        .unwrap();
    assert!(lib.person().is_none());
    assert_eq!(content(&lib, doc, None), b"a record");
    let err = lib.tag(doc, &["x".into()], &[]).unwrap_err();
    assert!(matches!(err, Error::SignInRequired { .. }), "{err}");
    assert!(lib.add_passphrase("a new passphrase", "x", FAST).is_err());
    assert!(lib.store_in_keyring().is_err());
}

/// A start interrupted after the ownership was committed and before the passphrase slots
/// were retired: the passphrase still reads, changes nothing, and the owner's sign-in
/// finishes the retirement.
#[test]
fn an_interrupted_start_is_finished_by_the_owners_sign_in() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let doc = imported(&import(
        &mut lib,
        &[write(t.path(), "a.txt", b"a record")],
        &ImportOptions::default(),
    ))[0];
    let lib_dir = t.path().join("lib");
    let with_passphrase: serde_json::Value =
        serde_json::from_slice(&std::fs::read(lib_dir.join("keys.json")).unwrap()).unwrap();
    lib.become_owner("Ann", ANN, FAST).unwrap();
    drop(lib);
    // keys.json as the crash left it: the passphrase slot beside Ann's.
    let mut kf: serde_json::Value =
        serde_json::from_slice(&std::fs::read(lib_dir.join("keys.json")).unwrap()).unwrap();
    let passphrase_slot = with_passphrase["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kdf"]["kind"] == "passphrase")
        .unwrap()
        .clone();
    kf["slots"].as_array_mut().unwrap().push(passphrase_slot);
    std::fs::write(lib_dir.join("keys.json"), serde_json::to_vec(&kf).unwrap()).unwrap();

    let mut lib = reopen(t.path(), Access::Write);
    assert!(matches!(
        lib.tag(doc, &["x".into()], &[]),
        Err(Error::SignInRequired { .. })
    ));
    drop(lib);
    drop(sign_in(t.path(), "Ann", ANN).unwrap());
    let locked = LockedLibrary::open(&lib_dir, Access::Read).unwrap();
    assert!(matches!(
        locked.unlock(&secret(PASS)),
        Err(Error::SignInRequired { .. })
    ));
}

/// `tests/fixtures/people-v1` (a library kept by its people, written once) keeps opening
/// for its people alone, with the same people and roles.
#[test]
fn the_people_fixture_still_opens_for_its_people() {
    let t = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/people-v1");
    copy_dir(&fixture.join("library"), &t.path().join("lib"));
    assert!(matches!(
        LockedLibrary::open(&t.path().join("lib"), Access::Read)
            .unwrap()
            .unlock(&secret("fixture passphrase")),
        Err(Error::SignInRequired { .. })
    ));
    let mut bea = sign_in(t.path(), "bea cruz", "bea fixture passphrase").unwrap();
    assert_eq!(
        roles(&bea),
        [
            ("Ann Lee".into(), Role::Owner),
            ("Bea Cruz".into(), Role::RegistrarStaff)
        ]
    );
    let doc = bea.catalog().list(Default::default()).unwrap()[0].id;
    assert_eq!(
        content(&bea, doc, None),
        std::fs::read(fixture.join("content/letter.txt")).unwrap()
    );
    bea.tag(doc, &["moved".into()], &[]).unwrap();
    assert!(matches!(
        bea.place_legal_hold(doc, None),
        Err(Error::NotPermitted { .. })
    ));
    let report = bea.verify(&mut |_| {}).unwrap();
    assert!(report.is_clean(), "{report:?}");
}

/// A person changes their own passphrase (the same keys); a person who forgot theirs is
/// given new keys by the owner, and their old passphrase and keys open nothing after.
#[test]
fn passphrases_change_and_a_forgotten_one_is_reset_by_the_owner() {
    let t = tempfile::tempdir().unwrap();
    let doc = staffed(t.path());
    let mut bea = sign_in(t.path(), "Bea", BEA).unwrap();
    let keys_before = bea.person().unwrap().clone();
    bea.change_passphrase("bea's second passphrase", FAST)
        .unwrap();
    drop(bea);
    assert!(matches!(
        sign_in(t.path(), "Bea", BEA),
        Err(Error::WrongPassphrase)
    ));
    let bea = sign_in(t.path(), "Bea", "bea's second passphrase").unwrap();
    assert_eq!(bea.person().unwrap(), &keys_before, "the same keys");
    drop(bea);

    // Dee forgot hers: only an owner gives new keys, with the same role and collections.
    let mut bea = sign_in(t.path(), "Bea", "bea's second passphrase").unwrap();
    let dee = bea.resolve_person("Dee").unwrap();
    assert!(matches!(
        bea.reset_person(dee, "dee's new passphrase", FAST),
        Err(Error::NotPermitted { .. })
    ));
    drop(bea);
    let old_slot = std::fs::read(t.path().join("lib/keys.json")).unwrap();
    let mut ann = sign_in(t.path(), "Ann", ANN).unwrap();
    let renewed = ann.reset_person(dee, "dee's new passphrase", FAST).unwrap();
    assert_eq!(renewed.member, dee);
    let listed = ann.people().unwrap();
    let d = listed.iter().find(|p| p.member == dee).unwrap();
    assert_eq!(
        (d.role, d.collections.clone()),
        (Role::DepartmentStaff, vec!["history".to_string()])
    );
    assert_eq!(
        d.fingerprint,
        dossier_core::Fingerprint::of(&renewed).as_str()
    );
    drop(ann);
    assert!(matches!(
        sign_in(t.path(), "Dee", DEE),
        Err(Error::WrongPassphrase)
    ));
    // Her new passphrase opens her slot, which holds the members' key: not enough for
    // a desktop made by someone who reads every record. On her own she signs in, and
    // still changes nothing that is not hers.
    assert!(matches!(
        sign_in(t.path(), "Dee", "dee's new passphrase"),
        Err(Error::FolderReadsMore)
    ));
    let mut ann = sign_in(t.path(), "Ann", ANN).unwrap();
    let mut dee_lib = dee_desktop(t.path(), &mut ann, "dee's new passphrase");
    drop(ann);
    assert!(!titles(&dee_lib).contains(&"report".to_string()));
    assert!(dee_lib.tag(doc, &["x".into()], &[]).is_err());
    drop(dee_lib);
    // Her old slot put back opens her old keys, which open nothing of a desktop made
    // with her new ones.
    std::fs::write(t.path().join("dee/keys.json"), old_slot).unwrap();
    assert!(matches!(
        LockedLibrary::open(&t.path().join("dee"), Access::Write)
            .unwrap()
            .sign_in("Dee", DEE),
        Err(Error::FolderOfOtherKeys)
    ));
}

/// What a security review found: the recovery slot is the owner's to remove, a refused
/// export writes nothing, and a department member's import lands in their collection.
#[test]
fn slots_exports_and_imports_are_judged_before_anything_is_written() {
    let t = tempfile::tempdir().unwrap();
    let doc = staffed(t.path());
    let keys = || std::fs::read(t.path().join("lib/keys.json")).unwrap();
    let before = keys();
    let mut cal = sign_in(t.path(), "Cal", CAL).unwrap();
    let recovery = cal
        .key_file()
        .unwrap()
        .slots
        .iter()
        .find(|s| s.kind_name() == "recovery")
        .unwrap()
        .id
        .clone();
    assert!(matches!(
        cal.remove_slot(&recovery),
        Err(Error::NotPermitted { .. })
    ));
    drop(cal);
    assert_eq!(keys(), before, "keys.json untouched");

    let mut ann = sign_in(t.path(), "Ann", ANN).unwrap();
    let mut dee = dee_desktop(t.path(), &mut ann, DEE);
    drop(ann);
    let out = t.path().join("out.txt");
    assert!(matches!(
        dee.export(doc, None, &out),
        Err(Error::NotPermitted { .. })
    ));
    assert!(!out.exists(), "nothing written");
    let folder = t.path().join("export");
    assert!(
        dee.export_documents(&[doc], &folder, &mut |_, _| {})
            .is_err()
    );
    assert!(!folder.exists(), "no folder made");
    // Her import is hers to file: it lands in her collection.
    let mine = imported(&import(
        &mut dee,
        &[write(t.path(), "essay.txt", b"an essay on the revolution")],
        &ImportOptions::default(),
    ))[0];
    assert_eq!(
        dee.catalog().document(mine).unwrap().collection.as_deref(),
        Some("history")
    );
    dee.tag(mine, &["essay".into()], &[]).unwrap();
    dee.export(mine, None, &out).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), b"an essay on the revolution");
}

/// A start that stopped after Ann's slot was written and before her ownership was
/// committed is taken up again by the same name and passphrase (the same person).
#[test]
fn an_owner_start_interrupted_before_its_commit_is_taken_up_again() {
    let t = tempfile::tempdir().unwrap();
    let (lib, _) = create(t.path());
    drop(lib);
    let lib_dir = t.path().join("lib");
    let before = tempfile::tempdir().unwrap();
    copy_dir(&lib_dir, &before.path().join("lib"));
    let mut lib = reopen(t.path(), Access::Write);
    let ann = lib.become_owner("Ann", ANN, FAST).unwrap();
    drop(lib);
    // The catalog as it was, keys.json with Ann's slot beside the passphrase's.
    let mut kf: serde_json::Value =
        serde_json::from_slice(&std::fs::read(lib_dir.join("keys.json")).unwrap()).unwrap();
    let old: serde_json::Value =
        serde_json::from_slice(&std::fs::read(before.path().join("lib/keys.json")).unwrap())
            .unwrap();
    for slot in old["slots"].as_array().unwrap() {
        if slot["kdf"]["kind"] == "passphrase" {
            kf["slots"].as_array_mut().unwrap().push(slot.clone());
        }
    }
    std::fs::remove_dir_all(&lib_dir).unwrap();
    copy_dir(&before.path().join("lib"), &lib_dir);
    std::fs::write(lib_dir.join("keys.json"), serde_json::to_vec(&kf).unwrap()).unwrap();

    let mut lib = reopen(t.path(), Access::Write);
    assert!(lib.registry().unwrap().is_none(), "no owner committed");
    let again = lib.become_owner("Ann", ANN, FAST).unwrap();
    assert_eq!(again, ann, "the same person, from her slot");
    drop(lib);
    sign_in(t.path(), "Ann", ANN).unwrap();
}
