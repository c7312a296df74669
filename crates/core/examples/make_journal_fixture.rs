//! Writes the format-compatibility fixture `tests/fixtures/journal-v1`: the operations of
//! the `library-v1` fixture sealed as that device's first journal segment, under its
//! remote object name (run once when a journal format version is introduced):
//! `cargo run -p dossier-core --example make_journal_fixture`.

mod fixtures;

use dossier_core::format::journal::object_name;

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture("journal-v1")?;
    let work = tempfile::tempdir()?;
    let lib = fixtures::library_v1_copy(work.path())?;
    let segment = lib
        .next_segment()?
        .ok_or("the fixture library has no operations")?;
    let path = out.join(object_name(segment.device, segment.seq));
    std::fs::create_dir_all(path.parent().expect("a folder"))?;
    std::fs::write(&path, lib.seal_segment(&segment)?)?;
    Ok(())
}
