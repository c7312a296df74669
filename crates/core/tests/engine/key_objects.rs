//! Key objects as a remote holds them: only authentic ones are taken in or joined with,
//! whatever the remote (or anyone with its credentials) writes.

use dossier_core::SlotKdf;
use dossier_core::{Authenticity, RepoFile};

use super::*;

/// An object as a build before 2026-12 wrote it: format 1, no tag.
fn legacy(body: &[u8]) -> Vec<u8> {
    let mut repo = RepoFile::parse(body).unwrap();
    repo.format = 1;
    repo.auth = None;
    repo.to_bytes()
}

/// The forgery: a copy of a real key object whose only slot is junk.
fn junk(body: &[u8]) -> Vec<u8> {
    let mut repo = RepoFile::parse(body).unwrap();
    let mut slot = repo.keys.slots[0].clone();
    slot.id = "deadbeef".into();
    slot.wrapped = vec![0; slot.wrapped.len()];
    repo.keys.slots = vec![slot];
    repo.to_bytes()
}

fn recovery(key: &dossier_core::RecoveryKey) -> Secret {
    Secret::RecoveryKey(key.clone())
}

fn unlocks(dir: &Path, with: &Secret) -> bool {
    LockedLibrary::open(&dir.join("lib"), Access::Read)
        .unwrap()
        .unlock(with)
        .is_ok()
}

/// The key objects checked in under `tests/fixtures/repo-v1` (format 1, before key
/// objects were authenticated) and `repo-v2` must keep parsing, and a new desktop must
/// keep joining from each with the fixture's passphrase: format 2 verifies under the
/// fixture library's key, format 1 is trusted on first use.
#[test]
fn repo_fixtures_still_join() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let library: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixtures.join("library-v1/library/library.json")).unwrap(),
    )
    .unwrap();
    for (fixture, expected) in [
        ("repo-v1", Authenticity::Legacy),
        ("repo-v2", Authenticity::Authentic),
    ] {
        for (seq, object) in [(0, "dossier.repo"), (1, "keys/00000000000000000001")] {
            let body = std::fs::read(fixtures.join(fixture).join(object)).unwrap();
            let repo = RepoFile::parse(&body).unwrap();
            assert_eq!(
                serde_json::to_value(repo.library_id).unwrap(),
                library["library_id"],
                "{fixture}/{object}"
            );
            let t = tempfile::tempdir().unwrap();
            let objects = [(seq, body.clone())];
            let lib = Library::join(
                &t.path().join("lib"),
                &objects,
                &secret("fixture passphrase"),
            )
            .unwrap();
            assert_eq!(lib.library_id(), repo.library_id);
            assert_eq!(
                lib.open_key_object(seq, &body).unwrap().1,
                expected,
                "{fixture}/{object}"
            );
            assert!(matches!(
                Library::join(
                    &t.path().join("other"),
                    &objects,
                    &secret("not the passphrase")
                ),
                Err(Error::WrongPassphrase)
            ));
        }
    }
}

/// The lock-out: a junk copy, a format-1 copy, a replay and a forged object are
/// each refused by a desktop, which keeps its slots and unlocks with the passphrase and
/// the recovery key as before.
#[test]
fn forged_and_replayed_key_objects_are_refused_and_change_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, rk) = create(t.path());
    let first = lib.key_object(0).unwrap();
    assert!(!lib.merge_remote_keys(0, &first).unwrap());
    let before = std::fs::read(t.path().join("lib/keys.json")).unwrap();
    let other = tempfile::tempdir().unwrap();
    let (stranger, _) = create(other.path());
    let mut forged = RepoFile::parse(&stranger.key_object(1).unwrap()).unwrap();
    forged.library_id = lib.library_id();
    forged.keys.library_id = lib.library_id();
    forged.keys.key_check = RepoFile::parse(&first).unwrap().keys.key_check;
    for (what, body) in [
        ("a junk copy (format 2)", junk(&first)),
        ("a junk copy (format 1)", legacy(&junk(&first))),
        ("a format-1 copy", legacy(&first)),
        ("dossier.repo replayed as keys/1", first.clone()),
        ("another key's tag", forged.to_bytes()),
        ("not JSON", b"<html>404</html>".to_vec()),
    ] {
        let refused = lib.merge_remote_keys(1, &body);
        assert!(
            matches!(refused, Err(Error::Integrity { .. })),
            "{what}: {refused:?}"
        );
        assert_eq!(
            std::fs::read(t.path().join("lib/keys.json")).unwrap(),
            before,
            "{what}"
        );
    }
    drop(lib);
    assert!(unlocks(t.path(), &secret(PASS)));
    assert!(unlocks(t.path(), &recovery(&rk)));
}

/// Taking in an authentic object never leaves a desktop without a usable slot: one whose
/// only slot asks for more than the bounds is refused.
#[test]
fn a_merge_never_leaves_no_usable_slot() {
    let t = tempfile::tempdir().unwrap();
    let (mut a, _) = create(t.path());
    let first = a.key_object(0).unwrap();
    a.merge_remote_keys(0, &first).unwrap();
    // Another desktop of the library, whose slots were all replaced by an unusable one
    // (written by hand: Dossier itself refuses to write such a slot).
    let objects = [(0, first)];
    let b = Library::join(&t.path().join("b"), &objects, &secret(PASS)).unwrap();
    let keys_json = t.path().join("b/keys.json");
    let mut keys: dossier_core::KeyFile =
        serde_json::from_slice(&std::fs::read(&keys_json).unwrap()).unwrap();
    let mut slot = keys.slots[0].clone();
    slot.id = "0badc0de".into();
    slot.kdf = SlotKdf::Passphrase {
        m_cost_kib: u32::MAX,
        t_cost: 1,
        p_cost: 1,
        salt: vec![1; 16],
    };
    keys.slots = vec![slot];
    std::fs::write(&keys_json, serde_json::to_vec(&keys).unwrap()).unwrap();
    let unusable = b.key_object(1).unwrap();
    assert!(matches!(
        a.merge_remote_keys(1, &unusable),
        Err(Error::Integrity { .. })
    ));
    assert_eq!(a.key_file().unwrap().slots.len(), 2);
}

/// A new desktop joins with the newest authentic object: junk, format-1 copies and
/// garbage above it are passed over, and a passphrase that object no longer holds is
/// refused even though an older object still has it.
#[test]
fn a_new_desktop_joins_only_with_the_newest_authentic_object() {
    let t = tempfile::tempdir().unwrap();
    let (mut a, rk) = create(t.path());
    let first = a.key_object(0).unwrap();
    a.merge_remote_keys(0, &first).unwrap();
    let old = a
        .key_file()
        .unwrap()
        .slots
        .into_iter()
        .find(|s| s.kind_name() == "passphrase")
        .unwrap();
    a.add_passphrase("the new office passphrase", "office", FAST)
        .unwrap();
    a.remove_slot(&old.id).unwrap();
    let second = a.key_object(1).unwrap();
    let join = |name: &str, objects: &[(u64, Vec<u8>)], with: &Secret| {
        Library::join(&t.path().join(name), objects, with).map(|l| l.key_file().unwrap())
    };
    let attacked = [
        (0, first.clone()),
        (1, second.clone()),
        (2, junk(&second)),
        (3, legacy(&first)),
        (4, first.clone()),
        (5, b"garbage".to_vec()),
    ];
    let keys = join("b", &attacked, &secret("the new office passphrase")).unwrap();
    assert_eq!(keys, a.key_file().unwrap());
    assert!(join("c", &attacked, &recovery(&rk)).is_ok());
    assert!(matches!(
        join("d", &attacked, &secret(PASS)),
        Err(Error::WrongPassphrase)
    ));
    assert!(!t.path().join("d").join("library.json").exists());
    // Without the newer object, the old set is the newest authentic one.
    assert!(join("e", &attacked[..1], &secret(PASS)).is_ok());
    // A remote of format-1 objects only is trusted on first use; once an authentic
    // object exists, format-1 copies no longer count.
    let old_remote = [(0, legacy(&first)), (1, legacy(&junk(&first)))];
    assert!(join("f", &old_remote, &secret(PASS)).is_ok());
    let upgraded = [(0, legacy(&first)), (1, second)];
    assert!(matches!(
        join("g", &upgraded, &secret(PASS)),
        Err(Error::WrongPassphrase)
    ));
    assert!(matches!(
        join("h", &[(1, b"{}".to_vec())], &secret(PASS)),
        Err(Error::Integrity { .. })
    ));
}

/// Copies of a real key object with its key check or its library id changed keep the
/// real slots: the secret opens such a slot (or, under another library id, does not),
/// but the copy is not the library's. Joining passes over the copies and still opens the
/// real slot in the real object, rather than counting the slot as tried and failed.
#[test]
fn altered_copies_of_a_key_object_do_not_spoil_its_slots() {
    let t = tempfile::tempdir().unwrap();
    let (a, rk) = create(t.path());
    let first = a.key_object(0).unwrap();
    let mut other_check = RepoFile::parse(&first).unwrap();
    other_check.keys.key_check = vec![9; 32];
    let mut other_library = RepoFile::parse(&first).unwrap();
    other_library.library_id = dossier_core::LibraryId::new();
    other_library.keys.library_id = other_library.library_id;
    let objects = [
        (0, first),
        (1, other_check.to_bytes()),
        (2, other_library.to_bytes()),
    ];
    for (name, with) in [("b", secret(PASS)), ("c", recovery(&rk))] {
        let lib = Library::join(&t.path().join(name), &objects, &with).unwrap();
        assert_eq!(lib.library_id(), a.library_id());
    }
}

/// `tests/fixtures/repo-v3` (written once, see `make_repo_fixture`): the key objects of
/// the `people-v1` library after its owner made Cy Dunn department staff, each signed by
/// her. Cy joins with the members' key and Ann with the library's; a desktop of the
/// fixture library takes in the slot the owner's signature vouches for, and nothing from
/// a copy whose signature was altered.
#[test]
fn the_repo_v3_fixture_joins_its_people_and_its_signatures_still_verify() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let objects: Vec<(u64, Vec<u8>)> = [(0, "dossier.repo"), (1, "keys/00000000000000000001")]
        .into_iter()
        .map(|(seq, name)| {
            (
                seq,
                std::fs::read(fixtures.join("repo-v3").join(name)).unwrap(),
            )
        })
        .collect();
    let newest = RepoFile::parse(&objects[1].1).unwrap();
    assert_eq!(newest.format, 3);
    assert!(newest.keys.members_check.is_some());
    let t = tempfile::tempdir().unwrap();
    for (who, passphrase) in [
        ("Cy Dunn", "cy fixture passphrase"),
        ("Ann Lee", "ann fixture passphrase"),
    ] {
        let lib = Library::join(
            &t.path().join(who),
            &objects,
            &super::signed::person(who, passphrase),
        )
        .unwrap();
        assert_eq!(lib.library_id(), newest.library_id);
    }

    let mut altered = newest.clone();
    let signature = &mut altered.signature.as_mut().expect("signed").signature;
    signature[0] ^= 1;
    let altered = altered.to_bytes();
    for (body, taken) in [(&altered, false), (&objects[1].1, true)] {
        let dir = t.path().join(format!("bea-{taken}"));
        copy_dir(&fixtures.join("people-v1/library"), &dir);
        let mut bea = LockedLibrary::open(&dir, Access::Write)
            .unwrap()
            .sign_in("Bea Cruz", "bea fixture passphrase")
            .unwrap();
        bea.merge_remote_keys(0, &objects[0].1).unwrap();
        assert_eq!(bea.merge_remote_keys(1, body).unwrap(), taken);
        let has_cy = bea
            .key_file()
            .unwrap()
            .slots
            .iter()
            .any(|s| s.identity().is_some_and(|i| i.public.name == "Cy Dunn"));
        assert_eq!(has_cy, taken);
    }
}
