//! Writes the format-compatibility fixture `tests/fixtures/invitation-v<INVITATION_FORMAT>`:
//! an invitation sealed under its one-time code, the invitee's answer (their identity,
//! passphrase "fixture passphrase") and its fingerprint, as this build makes them (run once
//! when an invitation format version is introduced): `cargo run -p dossier-core --example
//! make_invitation_fixture`.

mod fixtures;

use dossier_core::{
    INVITATION_DAYS, Identity, Invitation, InviteCode, LibraryId, MemberId, Role, answer_invitation,
};

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture(&format!("invitation-v{}", dossier_core::INVITATION_FORMAT))?;
    std::fs::create_dir_all(&out)?;
    let owner = Identity::generate(MemberId::new(), "Ann Lee")?;
    let code = InviteCode::generate();
    let invitation = Invitation {
        format: dossier_core::INVITATION_FORMAT,
        id: code.id(),
        library: LibraryId::new(),
        member: MemberId::new(),
        name: "Bo Chen".into(),
        role: Role::DepartmentStaff,
        collections: vec!["science".into()],
        owner: owner.public().clone(),
        by: owner.public().clone(),
        head: None,
        // The fixture is opened long after it was made: its expiry is not what it tests.
        expires_ms: chrono::Utc::now().timestamp_millis() + INVITATION_DAYS * 24 * 3600 * 1000,
    };
    std::fs::write(out.join("code.txt"), code.display().as_bytes())?;
    std::fs::write(
        out.join("invitation.bin"),
        code.seal_invitation(&invitation)?,
    )?;
    let (reply, fingerprint) =
        answer_invitation(&code, &invitation, "fixture passphrase", fixtures::KDF)?;
    std::fs::write(out.join("reply.bin"), reply)?;
    std::fs::write(out.join("fingerprint.txt"), fingerprint.as_str())?;
    Ok(())
}
