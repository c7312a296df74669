//! Writes the format-compatibility fixture `tests/fixtures/journal-parts-v1` (run once
//! when a format version is introduced, then never again for that version): a library
//! kept by its people (owner Ann Lee; Bo Park, department staff of Science; Cy Diaz, of
//! Admissions) where Bo filed a record in Science, and that desktop's operations as
//! a journal segment of format 3 (`DOSJRNL3`: Bo's batches in a part under Science's
//! key) under their remote object names. Test keys behind published passphrases:
//! `cargo run -p dossier-core --example make_journal_parts_fixture`.

mod fixtures;

use dossier_core::{Access, ImportOptions, LockedLibrary, Role, segment_name};

fn main() -> fixtures::Res<()> {
    let root = fixtures::new_fixture("journal-parts-v1")?;
    let science = root.join("content/science");
    std::fs::create_dir_all(&science)?;
    std::fs::write(
        science.join("quimby-lab.txt"),
        "Titration results of Quimby's chemistry lab.\n",
    )?;
    let kdf = fixtures::KDF;
    let library = root.join("library");
    let mut lib = fixtures::create_library(&library)?;
    lib.become_owner("Ann Lee", "ann fixture passphrase", kdf)?;
    for (name, passphrase, collection) in [
        ("Bo Park", "bo fixture passphrase", "Science"),
        ("Cy Diaz", "cy fixture passphrase", "Admissions"),
    ] {
        lib.add_person(
            name,
            passphrase,
            kdf,
            Role::DepartmentStaff,
            &[collection.into()],
        )?;
    }
    drop(lib);
    let mut bo = LockedLibrary::open(&library, Access::Write)?
        .sign_in("Bo Park", "bo fixture passphrase")?;
    bo.import(&[science], &ImportOptions::default(), &mut |_| {})?;
    // The segment as sync would send it; the library keeps it unsent, so a test compares
    // what opens with what it would send.
    let segment = bo.next_segment()?.ok_or("the library has operations")?;
    let path = root.join(segment_name(segment.device, segment.seq));
    std::fs::create_dir_all(path.parent().ok_or("a folder")?)?;
    std::fs::write(&path, bo.seal_segment(&segment)?)?;
    Ok(())
}
