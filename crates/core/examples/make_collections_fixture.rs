//! Writes the format-compatibility fixture `tests/fixtures/collections-v1` (run once when a
//! format version is introduced, then never again for that version): a library kept by
//! its people in which collection Science has keys (`collection_keys` operations, epochs
//! sealed to its readers) and a record Bo Park filed there (`content_key` on its version
//! and its pack), beside one of "all". Owned by Ann Lee; Bo Park is department staff of
//! Science. Test keys behind published passphrases:
//! `cargo run -p dossier-core --example make_collections_fixture`.

mod fixtures;

use dossier_core::{Access, ImportOptions, LockedLibrary, Role};

fn main() -> fixtures::Res<()> {
    let root = fixtures::new_fixture("collections-v1")?;
    let (all, science) = (root.join("content/all"), root.join("content/science"));
    std::fs::create_dir_all(&all)?;
    std::fs::create_dir_all(&science)?;
    std::fs::write(all.join("roll.txt"), "The whole school's roll call.\n")?;
    std::fs::write(
        science.join("lab.txt"),
        "Titration results of the chemistry lab, term 2.\n",
    )?;
    let kdf = fixtures::KDF;
    let library = root.join("library");
    let mut lib = fixtures::create_library(&library)?;
    lib.import(&[all], &ImportOptions::default(), &mut |_| {})?;
    lib.become_owner("Ann Lee", "ann fixture passphrase", kdf)?;
    lib.add_person(
        "Bo Park",
        "bo fixture passphrase",
        kdf,
        Role::DepartmentStaff,
        &["Science".into()],
    )?;
    drop(lib);
    let mut bo = LockedLibrary::open(&library, Access::Write)?
        .sign_in("Bo Park", "bo fixture passphrase")?;
    bo.import(&[science], &ImportOptions::default(), &mut |_| {})?;
    drop(bo);
    Ok(())
}
