//! A department member's desktop holds no library key (issue 21): their key slot wraps
//! the members' key in its place, so with every key their desktop holds they open
//! nothing sealed under the library's key (the journal, checkpoints and content from
//! before the library had department staff), checked on the bytes. A role change wraps
//! the other key in their slot.

use dossier_core::{Role, parse_checkpoint_name};

use super::collection_keys::{ANN, BO, CY, DAN, school, share_packs};
use super::journal_keys::{deliver, epoch_objects, sealed, titles};
use super::signed::person;
use super::*;

/// Which key a library folder's own files are under, as its `library.json` says.
fn folder_keys(lib: &Library) -> serde_json::Value {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(lib.root().join("library.json")).unwrap()).unwrap();
    meta["keys"].clone()
}

/// `lib` closed and signed in again by `who` after taking in `from`'s key slots (what
/// key sync does through the remote).
fn signed_in_again(
    lib: Library,
    from: &Library,
    who: &str,
    passphrase: &str,
) -> dossier_core::Result<Library> {
    let root = lib.root().to_path_buf();
    drop(lib);
    std::fs::copy(from.root().join("keys.json"), root.join("keys.json")).unwrap();
    LockedLibrary::open(&root, Access::Write)?.sign_in(who, passphrase)
}

/// `to` starts from a checkpoint `from` writes now, as a new desktop's first sync does.
fn starts_from_a_checkpoint(from: &mut Library, to: &mut Library) {
    sealed(from);
    let (name, body) = from.seal_checkpoint().unwrap().unwrap();
    let (covered, device) = parse_checkpoint_name(&name).unwrap();
    epoch_objects(from, to);
    for s in to.open_checkpoint(covered, device, &body).unwrap() {
        to.apply_segment(&s).unwrap();
    }
}

#[test]
fn a_department_members_desktop_opens_nothing_sealed_under_the_librarys_key() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mut ann, _) = create(dir);
    let text = b"class roll of 2019, every pupil's name";
    let roll = imported(&import(
        &mut ann,
        &[write(dir, "roll-2019.txt", text)],
        &ImportOptions::default(),
    ))[0];
    // What the remote holds from before the library had people: the journal and a
    // checkpoint, under the library's key.
    let before = sealed(&mut ann);
    assert!(!before.is_empty());
    assert!(before.iter().all(|(_, b)| b.starts_with(b"DOSJRNL1")));
    let (name, checkpoint) = ann.seal_checkpoint().unwrap().unwrap();
    let (covered, device) = parse_checkpoint_name(&name).unwrap();
    let v = ann.version(roll, None).unwrap();
    assert!(v.content_key.is_none(), "under the library's key");

    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bo", BO, FAST, Role::DepartmentStaff, &["Science".into()])
        .unwrap();
    ann.add_person("Dan", DAN, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut bo = Library::join(&dir.join("bo"), &objects, &person("Bo", BO)).unwrap();
    let mut dan = Library::join(&dir.join("dan"), &objects, &person("Dan", DAN)).unwrap();
    // Bo's desktop is a folder under a key of its own sealed to him; Dan's, under the
    // library's.
    let bo_id = bo.person().unwrap().member;
    assert_eq!(folder_keys(&bo)["person"]["member"], bo_id.to_string());
    assert!(folder_keys(&dan).is_null());

    // The segments and the checkpoint from before: Dan's desktop reads them, Bo's none.
    epoch_objects(&ann, &bo);
    for (s, body) in &before {
        assert!(matches!(
            bo.open_segment(s.device, s.seq, body),
            Err(Error::JournalUnderLibraryKey { .. })
        ));
    }
    assert!(matches!(
        bo.open_checkpoint(covered, device, &checkpoint),
        Err(Error::JournalKeyUnavailable { .. })
    ));
    deliver(&ann, &before, &mut dan).unwrap();
    assert!(dan.open_checkpoint(covered, device, &checkpoint).is_ok());
    // (Dan's desktop is given the erasure key, and so the roll's own key, where a keyring
    // holds them.)
    super::journal_keys::settle_erasure(&mut [&mut ann, &mut dan]);

    // The roll's content as it was filed, its pack on his desktop and its version record
    // in hand: Bo's desktop opens nothing of it; Dan's does. (Ann's desktop has sealed
    // it again under "all"'s own keys since, which Bo is not given either.)
    share_packs(&ann, &bo);
    share_packs(&ann, &dan);
    let refused = bo.write_version(&v, &mut Vec::new());
    assert!(
        matches!(&refused, Err(Error::CollectionKeyUnavailable { collection }) if collection == "all"),
        "{refused:?}"
    );
    let mut out = Vec::new();
    dan.write_version(&v, &mut out).unwrap();
    assert_eq!(out, text);

    // What the library's people write now is sealed under keys Bo's desktop holds where
    // he may read it: his desktop starts from a checkpoint written now, and holds the
    // people, not the roll.
    starts_from_a_checkpoint(&mut ann, &mut bo);
    assert!(bo.registry().unwrap().unwrap().current(bo_id).is_some());
    assert!(!titles(&bo).contains(&"roll-2019".to_string()));

    // Made registrar staff, Bo's slot wraps the library's key: signed in again on his
    // own desktop (its key sealed to him), he reads what was written before. Dan, made department staff, is given the
    // members' key, which does not open his desktop's folder (it holds every record).
    let dan_id = dan.person().unwrap().member;
    ann.set_role(bo_id, Role::RegistrarStaff, &[]).unwrap();
    ann.set_role(dan_id, Role::DepartmentStaff, &["Science".into()])
        .unwrap();
    let bo = signed_in_again(bo, &ann, "Bo", BO).unwrap();
    for (s, body) in &before {
        assert!(bo.open_segment(s.device, s.seq, body).is_ok());
    }
    assert!(bo.open_checkpoint(covered, device, &checkpoint).is_ok());
    assert!(matches!(
        signed_in_again(dan, &ann, "Dan", DAN),
        Err(Error::FolderReadsMore)
    ));
}

/// Found by the convergence test: a person's slot written again (a role change) before
/// this desktop first took in the remote's key object left two slots of one person,
/// and the key object published then was refused everywhere. The merge keeps one: the
/// one for the keys the library counts, the newer of two.
#[test]
fn a_slot_written_again_before_the_first_merge_stays_the_persons_only_one() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, _) = create(t.path());
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bo", BO, FAST, Role::DepartmentStaff, &["Science".into()])
        .unwrap();
    let remote = ann.key_object(0).unwrap();
    let bo = ann.resolve_person("Bo").unwrap();
    let slot_of_bo = |lib: &Library| {
        lib.key_file()
            .unwrap()
            .slots
            .into_iter()
            .filter(|s| s.member() == Some(bo))
            .collect::<Vec<_>>()
    };
    let before = slot_of_bo(&ann);
    ann.set_role(bo, Role::RegistrarStaff, &[]).unwrap();
    let after = slot_of_bo(&ann);
    assert_eq!(after.len(), 1);
    assert_ne!(after[0].id, before[0].id, "written again");
    // His slot wrapped the members' key; now the library's, in a smaller sealed box.
    assert!(after[0].wrapped.len() < before[0].wrapped.len());

    ann.merge_remote_keys(0, &remote).unwrap();
    let merged = slot_of_bo(&ann);
    assert_eq!(merged.len(), 1, "one slot per person");
    assert_eq!(merged[0].id, after[0].id, "the newer");
    // Format 3 with a members' slot: a build before it stops rather than take it for
    // damage and cover it with its own slots.
    let published = dossier_core::RepoFile::parse(&ann.key_object(1).unwrap()).unwrap();
    assert_eq!(published.format, 3);
}

/// Found in review: changing one's own passphrase kept the slot's id, so key sync (which
/// tells slots apart by id) never published it, and the next merge put the old one back.
#[test]
fn a_changed_passphrase_reaches_the_remote_and_the_old_one_opens_nothing() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mut ann, _) = create(dir);
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bo", BO, FAST, Role::DepartmentStaff, &["Science".into()])
        .unwrap();
    let first = ann.key_object(0).unwrap();
    ann.keys_published(0).unwrap();
    let mut bo = Library::join(&dir.join("bo"), &[(0, first.clone())], &person("Bo", BO)).unwrap();
    bo.merge_remote_keys(0, &first).unwrap();
    starts_from_a_checkpoint(&mut ann, &mut bo);

    bo.change_passphrase("bo's second passphrase", FAST)
        .unwrap();
    let changed = bo
        .keys_to_publish(1)
        .unwrap()
        .expect("the changed slot is published");
    bo.keys_published(1).unwrap();
    assert!(ann.merge_remote_keys(1, &changed).unwrap());
    // Taken in on the owner's desktop, and what it publishes next: the new passphrase
    // joins, the old one opens nothing.
    let next = ann.key_object(2).unwrap();
    let joins = |name: &str, passphrase: &str| {
        Library::join(
            &dir.join(name),
            &[(2, next.clone())],
            &person("Bo", passphrase),
        )
    };
    assert!(matches!(joins("old", BO), Err(Error::WrongPassphrase)));
    joins("new", "bo's second passphrase").unwrap();
    // A later merge on Bo's desktop keeps his new slot.
    bo.merge_remote_keys(2, &next).unwrap();
    drop(bo);
    assert!(
        LockedLibrary::open(&dir.join("bo"), Access::Write)
            .unwrap()
            .sign_in("Bo", "bo's second passphrase")
            .is_ok()
    );
}

/// A department member's desktop holds the key that tags key objects (the members' key
/// carries it), so with the bucket's credentials they can publish a slot set written as
/// they like, and their desktop signs it. Found in review (session 35): one that left a
/// colleague's slot out, or put another in its place, was taken in everywhere, and that
/// colleague could no longer sign in on a new desktop. A key object now brings only the
/// changes to its signer's own slot, unless an owner signed it.
#[test]
fn a_key_object_a_department_member_alters_changes_no_one_elses_slot() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mut ann, _) = create(dir);
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bo", BO, FAST, Role::DepartmentStaff, &["Science".into()])
        .unwrap();
    ann.add_person("Dan", DAN, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    let first = ann.key_object(0).unwrap();
    ann.keys_published(0).unwrap();
    let joined = |name: &str, who: &str, passphrase: &str| {
        let mut lib = Library::join(
            &dir.join(name),
            &[(0, first.clone())],
            &person(who, passphrase),
        )
        .unwrap();
        lib.merge_remote_keys(0, &first).unwrap();
        lib
    };
    let bo = joined("bo", "Bo", BO);
    let mut dan = joined("dan", "Dan", DAN);
    starts_from_a_checkpoint(&mut ann, &mut dan);

    // Bo's desktop, altered: Dan's slot left out, and Ann's replaced by a newer one that
    // her passphrase does not open.
    let (ann_id, dan_id) = (
        ann.resolve_person("Ann").unwrap(),
        ann.resolve_person("Dan").unwrap(),
    );
    let path = bo.root().join("keys.json");
    drop(bo);
    let mut keys: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let slots = keys["slots"].as_array_mut().unwrap();
    let member = |s: &serde_json::Value| s["kdf"]["identity"]["public"]["member"].clone();
    let bos_wrapped = slots
        .iter()
        .find(|s| member(s) == serde_json::json!(ann.resolve_person("Bo").unwrap()))
        .unwrap()["kdf"]["identity"]["wrapped"]
        .clone();
    slots.retain(|s| member(s) != serde_json::json!(dan_id));
    let anns = slots
        .iter_mut()
        .find(|s| member(s) == serde_json::json!(ann_id))
        .unwrap();
    anns["id"] = "feedface".into();
    anns["created_ms"] = (anns["created_ms"].as_i64().unwrap() + 86_400_000).into();
    anns["kdf"]["identity"]["wrapped"] = bos_wrapped;
    std::fs::write(&path, serde_json::to_vec(&keys).unwrap()).unwrap();
    let bo = LockedLibrary::open(&dir.join("bo"), Access::Write)
        .unwrap()
        .sign_in("Bo", BO)
        .unwrap();
    let altered = bo.key_object(1).unwrap();
    let parsed = dossier_core::RepoFile::parse(&altered).unwrap();
    assert!(parsed.signature.is_some(), "signed by Bo");

    // As Bo's desktop signed it, unsigned, and signed in Ann's name: no slot changes on
    // Ann's desktop nor on Dan's.
    let mut unsigned: serde_json::Value = serde_json::from_slice(&altered).unwrap();
    unsigned.as_object_mut().unwrap().remove("signature");
    let mut as_ann: serde_json::Value = serde_json::from_slice(&altered).unwrap();
    as_ann["signature"]["by"] = serde_json::json!(ann_id);
    let slot_ids = |lib: &Library| {
        let mut ids: Vec<String> = lib
            .key_file()
            .unwrap()
            .slots
            .into_iter()
            .map(|s| s.id)
            .collect();
        ids.sort();
        ids
    };
    for body in [
        altered.clone(),
        serde_json::to_vec(&unsigned).unwrap(),
        serde_json::to_vec(&as_ann).unwrap(),
    ] {
        for lib in [&mut ann, &mut dan] {
            let before = slot_ids(lib);
            assert!(!lib.merge_remote_keys(1, &body).unwrap());
            assert_eq!(slot_ids(lib), before);
        }
    }

    // Ann's desktop publishes its slots again: Ann and Dan join with their passphrases.
    let again = ann.keys_to_publish(2).unwrap().expect("published again");
    for (name, who, passphrase) in [("ann2", "Ann", ANN), ("dan2", "Dan", DAN)] {
        Library::join(
            &dir.join(name),
            &[(1, altered.clone()), (2, again.clone())],
            &person(who, passphrase),
        )
        .unwrap();
    }
}

/// A department member's desktop folder (its catalog, index and store journal) is under
/// a key of its own sealed to them: a copy of it opens for no one else, not a colleague
/// of another department (who holds the members' key every department member holds),
/// not the owner, and not their own keys once reissued. Before, it was under the
/// members' key, and any department member signed in on a copy read its titles.
#[test]
fn a_department_members_folder_opens_only_with_their_own_keys() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mut ann, mut bo, _cy) = school(dir);
    // Bo files a record: it lands in Science.
    import(
        &mut bo,
        &[write(dir, "lab-report.txt", b"titration results")],
        &ImportOptions::default(),
    );
    assert!(titles(&bo).contains(&"lab-report".to_string()));
    let bo_id = bo.person().unwrap().member;
    let bo_root = bo.root().to_path_buf();
    drop(bo);

    // The folder copied (a stolen laptop, a backup), with every person's slot.
    let copy = dir.join("copy");
    super::copy_dir(&bo_root, &copy);
    std::fs::copy(ann.root().join("keys.json"), copy.join("keys.json")).unwrap();
    let before = std::fs::read(copy.join("library.json")).unwrap();
    let signed_in = |who: &str, passphrase: &str| {
        LockedLibrary::open(&copy, Access::Write)?.sign_in(who, passphrase)
    };
    assert!(matches!(
        signed_in("Cy", CY),
        Err(Error::FolderOfAnotherPerson)
    ));
    assert!(matches!(
        signed_in("Ann", ANN),
        Err(Error::FolderOfAnotherPerson)
    ));
    // A key of someone else's choosing sealed to Bo (his public keys are no secret) and
    // put in the copy is refused: he signed the one his desktop made.
    let bo_public = ann
        .registry()
        .unwrap()
        .unwrap()
        .current(bo_id)
        .unwrap()
        .identity
        .clone();
    let forged =
        dossier_core::seal_to(&bo_public, dossier_core::Purpose::FolderKey, &[7; 32]).unwrap();
    let mut meta: serde_json::Value = serde_json::from_slice(&before).unwrap();
    meta["keys"]["person"]["sealed"] = data_encoding::BASE64.encode(&forged).into();
    std::fs::write(copy.join("library.json"), meta.to_string()).unwrap();
    assert!(matches!(
        signed_in("Bo", BO),
        Err(Error::BadSignature { .. })
    ));
    std::fs::write(copy.join("library.json"), &before).unwrap();
    // Bo's own keys open it, and it holds what he was given.
    let bo = signed_in("Bo", BO).unwrap();
    assert!(titles(&bo).contains(&"lab-report".to_string()));
    drop(bo);
    // So does a catalog rebuilt from its store journal: with his keys, and no one else's.
    let rebuilt = |who: &str, passphrase: &str| {
        let repair = dossier_core::CatalogRepair::open(&copy)?;
        let key = repair.unlock(&person(who, passphrase))?;
        repair.rebuild_catalog(key, &mut |_| {})
    };
    assert!(matches!(
        rebuilt("Cy", CY),
        Err(Error::FolderOfAnotherPerson)
    ));
    let (bo, _) = rebuilt("Bo", BO).unwrap();
    assert!(titles(&bo).contains(&"lab-report".to_string()));
    drop(bo);

    // Given new keys (a forgotten passphrase), Bo opens it no more: he joins again in a
    // new folder, and this one is left as it was.
    let old_slots = std::fs::read(ann.root().join("keys.json")).unwrap();
    ann.reset_person(bo_id, "bo's new passphrase", FAST)
        .unwrap();
    std::fs::copy(ann.root().join("keys.json"), copy.join("keys.json")).unwrap();
    assert!(matches!(
        signed_in("Bo", "bo's new passphrase"),
        Err(Error::FolderOfOtherKeys)
    ));
    assert_eq!(std::fs::read(copy.join("library.json")).unwrap(), before);

    // On a desktop that reads every record (a shared PC), keys the library no longer
    // counts are refused by its people's history: Dan's, reissued, put back.
    let dan = ann.resolve_person("Dan").unwrap();
    ann.reset_person(dan, "dan's new passphrase", FAST).unwrap();
    let shared = ann.root().to_path_buf();
    drop(ann);
    std::fs::write(shared.join("keys.json"), old_slots).unwrap();
    assert!(matches!(
        LockedLibrary::open(&shared, Access::Write)
            .unwrap()
            .sign_in("Dan", DAN),
        Err(Error::NotPermitted { .. })
    ));
}
