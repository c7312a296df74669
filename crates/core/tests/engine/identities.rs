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
