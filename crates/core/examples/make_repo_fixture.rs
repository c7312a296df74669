//! Writes the format-compatibility fixture `tests/fixtures/repo-v<REPO_FORMAT>` (run once
//! when a repo file format version is introduced): `cargo run -p dossier-core --example
//! make_repo_fixture`. `repo-v1` (no authentication tag) and `repo-v2` (tagged) were
//! written by this example before formats 2 and 3: the key objects a remote of the
//! `library-v1` fixture holds, `dossier.repo` and `keys/<n>`. `repo-v3` is the key
//! objects of the `people-v1` fixture's library once Ann Lee (its owner) has made Cy
//! Dunn department staff of "science", signed in as "cy fixture passphrase": a slot that
//! wraps the members' key (`KeyFile::members_check`), and each object signed by Ann.

mod fixtures;

use dossier_core::{Access, LockedLibrary, REPO_FORMAT, Role, key_object_name};

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture(&format!("repo-v{REPO_FORMAT}"))?;
    let work = tempfile::tempdir()?;
    let lib_dir = work.path().join("lib");
    fixtures::copy_dir(&fixtures::root().join("people-v1/library"), &lib_dir)?;
    let mut lib = LockedLibrary::open(&lib_dir, Access::Write)?
        .sign_in("Ann Lee", "ann fixture passphrase")?;
    std::fs::create_dir_all(out.join("keys"))?;
    // The first slot set, then the one with the department member.
    std::fs::write(out.join(key_object_name(0)), lib.key_object(0)?)?;
    lib.add_person(
        "Cy Dunn",
        "cy fixture passphrase",
        fixtures::KDF,
        Role::DepartmentStaff,
        &["science".into()],
    )?;
    std::fs::write(out.join(key_object_name(1)), lib.key_object(1)?)?;
    Ok(())
}
