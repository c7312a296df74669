//! Writes the format-compatibility fixture `tests/fixtures/members-v<MEMBER_FORMAT>`:
//! statements about a library's members made by the owner of the `identity-v1` fixture
//! (Bo Chen made registrar staff, Cy Park department staff of Science, then Bo removed),
//! the library they are for, and the registry they make, as this build makes them (run
//! once when a statement format version is introduced): `cargo run -p dossier-core
//! --example make_members_fixture`.

mod fixtures;

use std::collections::BTreeMap;

use dossier_core::{
    Change, DeviceId, Identity, IdentityFile, LibraryId, MEMBER_FORMAT, MemberId, Registry, Role,
};

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture(&format!("members-v{MEMBER_FORMAT}"))?;
    let file: IdentityFile = serde_json::from_slice(&std::fs::read(
        fixtures::root().join("identity-v1/identity.json"),
    )?)?;
    let owner = Identity::unwrap(&file, "fixture passphrase")?;
    let bo = Identity::generate(MemberId::new(), "Bo Chen")?;
    let cy = Identity::generate(MemberId::new(), "Cy Park")?;
    let library = LibraryId::new();
    let mut registry = Registry::new(library, owner.public().clone());
    let mut statements = Vec::new();
    for change in [
        Change::Grant {
            member: bo.public().clone(),
            role: Role::RegistrarStaff,
            collections: Vec::new(),
            segments: Default::default(),
        },
        Change::Grant {
            member: cy.public().clone(),
            role: Role::DepartmentStaff,
            collections: vec!["Science".into()],
            segments: Default::default(),
        },
        Change::Remove {
            member: bo.public().member,
            segments: BTreeMap::from([(DeviceId::new(), 4)]),
        },
    ] {
        statements.push(registry.make(&owner, change, 1_796_500_000_000)?);
        registry = Registry::replay(library, owner.public().clone(), &statements);
    }
    let members: BTreeMap<String, String> = registry
        .members()
        .map(|g| (g.identity.name.clone(), g.role.name().to_owned()))
        .collect();
    std::fs::create_dir_all(&out)?;
    std::fs::write(
        out.join("statements.json"),
        serde_json::to_vec_pretty(&statements)?,
    )?;
    std::fs::write(out.join("library.txt"), library.to_string())?;
    std::fs::write(
        out.join("members.json"),
        serde_json::to_vec_pretty(&members)?,
    )?;
    Ok(())
}
