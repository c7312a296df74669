//! Writes the format-compatibility fixture `tests/fixtures/store-journal-v1`: the store
//! journal segments (`store/journal/<device>/<seq>`) the `library-v1` fixture gets when it
//! is first opened for writing, from which its catalog can be rebuilt (run once when a
//! store journal format version is introduced):
//! `cargo run -p dossier-core --example make_store_journal_fixture`.

mod fixtures;

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture("store-journal-v1")?;
    let work = tempfile::tempdir()?;
    let lib = fixtures::library_v1_copy(work.path())?;
    let device = lib.device_id().to_string();
    let journal = lib.root().join("store/journal").join(&device);
    drop(lib);
    fixtures::copy_dir(&journal, &out.join(&device))?;
    Ok(())
}
