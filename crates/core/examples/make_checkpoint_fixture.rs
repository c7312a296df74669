//! Writes the format-compatibility fixture `tests/fixtures/checkpoint-v<FORMAT>`: a
//! checkpoint of the `library-v1` fixture's operations, sent as its device's first two
//! journal segments, under its remote object name, in this build's checkpoint format (run
//! once when a checkpoint format version is introduced):
//! `cargo run -p dossier-core --example make_checkpoint_fixture`.

mod fixtures;

use dossier_core::Segment;

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture(&format!("checkpoint-v{}", dossier_core::CHECKPOINT_FORMAT))?;
    let work = tempfile::tempdir()?;
    let mut lib = fixtures::library_v1_copy(work.path())?;
    let all = lib
        .next_segment()?
        .ok_or("the fixture library has no operations")?;
    let half = all.ops.len() / 2;
    lib.mark_sent(&Segment {
        ops: all.ops[..half].to_vec(),
        ..all
    })?;
    let second = lib.next_segment()?.ok_or("operations are left")?;
    lib.mark_sent(&second)?;
    let (name, body) = lib.seal_checkpoint()?.ok_or("segments are held")?;
    let path = out.join(name);
    std::fs::create_dir_all(path.parent().expect("a folder"))?;
    std::fs::write(&path, body)?;
    Ok(())
}
