//! Members' identities through the public API: the identity file, sealed boxes,
//! signatures and fingerprints of `tests/fixtures/identity-v1` keep opening, verifying and
//! reading the same.

use dossier_core::{Error, Fingerprint, Identity, IdentityFile, Purpose, verify_signature};

use super::*;

#[test]
fn identity_fixtures_still_open_verify_and_read_the_same() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/identity-v1");
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let file: IdentityFile = serde_json::from_slice(&read("identity.json")).unwrap();
    let ann = Identity::unwrap(&file, "fixture passphrase").unwrap();
    assert_eq!(ann.public(), &file.public);
    assert_eq!(ann.public().name, "Ann Lee");
    assert_eq!(
        Fingerprint::of(ann.public()).as_str().as_bytes(),
        &read("fingerprint.txt")[..]
    );
    assert_eq!(
        &ann.open_sealed(
            Purpose::MemberKeys,
            &read("sealed.bin"),
            "the fixture's box"
        )
        .unwrap()[..],
        &read("sealed.txt")[..]
    );
    verify_signature(
        &file.public,
        Purpose::MemberKeys,
        &read("signed.txt"),
        &read("signature.bin"),
        "the fixture's message",
    )
    .unwrap();
    assert!(matches!(
        verify_signature(
            &file.public,
            Purpose::MemberKeys,
            b"Ann Lee confirms Mallory's invitation",
            &read("signature.bin"),
            "a changed message",
        ),
        Err(Error::BadSignature { .. })
    ));
    assert!(matches!(
        Identity::unwrap(&file, "not the passphrase"),
        Err(Error::WrongPassphrase)
    ));
}

/// The statements of `tests/fixtures/members-v1`, made by the `identity-v1` owner, keep
/// replaying into the same members, in any order.
#[test]
fn member_fixtures_still_replay_into_the_same_registry() {
    use std::collections::BTreeMap;

    use dossier_core::{LibraryId, Registry, SignedStatement};

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |name: &str| std::fs::read(fixtures.join(name)).unwrap();
    let owner: IdentityFile = serde_json::from_slice(&read("identity-v1/identity.json")).unwrap();
    let library: LibraryId = String::from_utf8(read("members-v1/library.txt"))
        .unwrap()
        .parse()
        .unwrap();
    let mut statements: Vec<SignedStatement> =
        serde_json::from_slice(&read("members-v1/statements.json")).unwrap();
    let want: BTreeMap<String, String> =
        serde_json::from_slice(&read("members-v1/members.json")).unwrap();
    for _ in 0..2 {
        let registry = Registry::replay(library, owner.public.clone(), &statements);
        assert!(registry.refused().is_empty(), "{:?}", registry.refused());
        assert_eq!(registry.seq(), 3);
        let members: BTreeMap<String, String> = registry
            .members()
            .map(|g| (g.identity.name.clone(), g.role.name().to_owned()))
            .collect();
        assert_eq!(members, want);
        statements.reverse();
    }
}

/// Epochs 0 and 1 of collection Science in `tests/fixtures/epochs-v1` keep opening for the
/// `identity-v1` owner, through the chain, to the same keys.
#[test]
fn epoch_fixtures_still_open_to_the_same_keys() {
    use std::collections::BTreeMap;

    use dossier_core::{LibraryId, Registry, SignedEpochKeys, SignedStatement, open_epochs};

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |name: &str| std::fs::read(fixtures.join(name)).unwrap();
    let file: IdentityFile = serde_json::from_slice(&read("identity-v1/identity.json")).unwrap();
    let owner = Identity::unwrap(&file, "fixture passphrase").unwrap();
    let library: LibraryId = String::from_utf8(read("members-v1/library.txt"))
        .unwrap()
        .parse()
        .unwrap();
    let statements: Vec<SignedStatement> =
        serde_json::from_slice(&read("members-v1/statements.json")).unwrap();
    let registry = Registry::replay(library, file.public.clone(), &statements);
    let epochs: Vec<SignedEpochKeys> =
        serde_json::from_slice(&read("epochs-v1/epochs.json")).unwrap();
    let want: BTreeMap<u64, String> =
        serde_json::from_slice(&read("epochs-v1/checks.json")).unwrap();
    // The newest epoch alone opens both, through the chain.
    for given in [&epochs[..], &epochs[1..]] {
        let keys = open_epochs(&registry, &owner, "Science", given).unwrap();
        let checks: BTreeMap<u64, String> = keys
            .iter()
            .map(|(e, k)| (*e, data_encoding::HEXLOWER.encode(&k.check_value())))
            .collect();
        assert_eq!(checks, want);
    }
}
