//! Writes the format-compatibility fixture `tests/fixtures/journal-keys-v1` (run once when a
//! format version is introduced, then never again for that version): a library kept by
//! its people whose registrar staff Bo Park was removed, so its journal has keys of its
//! own, and what its remote holds: a segment sealed under the library's key (format 1,
//! before), one under epoch 0 of the journal's key (format 2, after), the epoch object
//! (`epochs/<digest>`) and a checkpoint under that key (format 3). Owned by Ann Lee. Test
//! keys behind published passphrases:
//! `cargo run -p dossier-core --example make_journal_keys_fixture`.

mod fixtures;

use dossier_core::{ImportOptions, Library, Role};

/// Send `lib`'s unsent changes into `remote` as a sync would, sealed as it seals them.
fn send(lib: &mut Library, remote: &std::path::Path) -> fixtures::Res<()> {
    for (name, body) in lib.journal_key_objects()? {
        write(remote, &name, &body)?;
    }
    while let Some(segment) = lib.next_segment()? {
        let body = lib.seal_segment(&segment)?;
        write(
            remote,
            &dossier_core::segment_name(segment.device, segment.seq),
            &body,
        )?;
        lib.mark_sent(&segment)?;
    }
    Ok(())
}

fn write(remote: &std::path::Path, name: &str, body: &[u8]) -> fixtures::Res<()> {
    let path = remote.join(name);
    std::fs::create_dir_all(path.parent().expect("a folder"))?;
    std::fs::write(path, body)?;
    Ok(())
}

fn main() -> fixtures::Res<()> {
    let root = fixtures::new_fixture("journal-keys-v1")?;
    let (before, after) = (root.join("content/before"), root.join("content/after"));
    std::fs::create_dir_all(&before)?;
    std::fs::create_dir_all(&after)?;
    std::fs::write(before.join("roll.txt"), "The roll call Bo Park saw.\n")?;
    std::fs::write(
        after.join("minutes.txt"),
        "Minutes of the meeting after Bo Park left.\n",
    )?;
    let kdf = fixtures::KDF;
    let remote = root.join("remote");
    let mut lib = fixtures::create_library(&root.join("library"))?;
    lib.become_owner("Ann Lee", "ann fixture passphrase", kdf)?;
    let bo = lib
        .add_person(
            "Bo Park",
            "bo fixture passphrase",
            kdf,
            Role::RegistrarStaff,
            &[],
        )?
        .member;
    lib.import(&[before], &ImportOptions::default(), &mut |_| {})?;
    send(&mut lib, &remote)?;
    lib.remove_person(bo)?;
    lib.import(&[after], &ImportOptions::default(), &mut |_| {})?;
    send(&mut lib, &remote)?;
    let (name, body) = lib.seal_checkpoint()?.ok_or("a checkpoint")?;
    write(&remote, &name, &body)?;
    drop(lib);
    Ok(())
}
