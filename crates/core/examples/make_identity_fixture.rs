//! Writes the format-compatibility fixture `tests/fixtures/identity-v<IDENTITY_FORMAT>`: a
//! member's identity file (passphrase "fixture passphrase"), a key sealed to it, a
//! message it signed and its fingerprint, as this build makes them (run once when an
//! identity format version is introduced): `cargo run -p dossier-core --example
//! make_identity_fixture`.

mod fixtures;

use dossier_core::{Fingerprint, IDENTITY_FORMAT, Identity, MemberId, Purpose, seal_to};

/// What the fixture's box holds and what its signature signs.
const SEALED: &[u8] = b"the key of collection all, epoch 0";
const SIGNED: &[u8] = b"Ann Lee confirms Bo Chen's invitation";

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture(&format!("identity-v{IDENTITY_FORMAT}"))?;
    std::fs::create_dir_all(&out)?;
    let ann = Identity::generate(MemberId::new(), "Ann Lee")?;
    let file = ann.wrap("fixture passphrase", fixtures::KDF)?;
    std::fs::write(out.join("identity.json"), serde_json::to_vec_pretty(&file)?)?;
    std::fs::write(
        out.join("sealed.bin"),
        seal_to(ann.public(), Purpose::MemberKeys, SEALED)?,
    )?;
    std::fs::write(out.join("sealed.txt"), SEALED)?;
    std::fs::write(out.join("signed.txt"), SIGNED)?;
    std::fs::write(
        out.join("signature.bin"),
        ann.sign(Purpose::MemberKeys, SIGNED),
    )?;
    std::fs::write(
        out.join("fingerprint.txt"),
        Fingerprint::of(ann.public()).as_str(),
    )?;
    Ok(())
}
