//! Writes the format-compatibility fixture `tests/fixtures/people-v1` (run once when a
//! format version is introduced, then never again for that version): a library kept by
//! its people (`keys.json` format 2 with persons' slots; `library_owned` and
//! `member_statement` operations in its catalog and store journal), owned by Ann Lee with
//! Bea Cruz as registrar staff. Test keys behind published passphrases:
//! `cargo run -p dossier-core --example make_people_fixture`.

mod fixtures;

use dossier_core::{ImportOptions, Role};

fn main() -> fixtures::Res<()> {
    let root = fixtures::new_fixture("people-v1")?;
    let content = root.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        content.join("letter.txt"),
        "To the registrar: the transcript of a student who moved.\n",
    )?;
    let kdf = fixtures::KDF;
    let mut lib = fixtures::create_library(&root.join("library"))?;
    lib.import(&[content], &ImportOptions::default(), &mut |_| {})?;
    lib.become_owner("Ann Lee", "ann fixture passphrase", kdf)?;
    lib.add_person(
        "Bea Cruz",
        "bea fixture passphrase",
        kdf,
        Role::RegistrarStaff,
        &[],
    )?;
    drop(lib);
    Ok(())
}
