//! Writes the format-compatibility fixture `tests/fixtures/journal-v2`: the operations of
//! the `library-v1` fixture sealed as that device's first two journal segments, linked
//! (the second names the first's digest, and a segment of another device as seen), under
//! their remote object names. Run once when a journal format version is introduced:
//! `cargo run -p dossier-core --example make_journal_fixture`. (`journal-v1`, segments
//! without links, was written by this example before links existed.)

mod fixtures;

use dossier_core::{Link, Segment, segment_name};

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture("journal-v2")?;
    let work = tempfile::tempdir()?;
    let lib = fixtures::library_v1_copy(work.path())?;
    let all = lib
        .next_segment()?
        .ok_or("the fixture library has no operations")?;
    let half = all.ops.len() / 2;
    let first = Segment {
        ops: all.ops[..half].to_vec(),
        ..all.clone()
    };
    let other: dossier_core::DeviceId = "0190f3a2-0000-7000-8000-00000000000b".parse()?;
    let second = Segment {
        seq: 2,
        ops: all.ops[half..].to_vec(),
        link: Some(Link {
            prev: Some(first.digest()?),
            seen: [(other, 5)].into(),
        }),
        ..all
    };
    for segment in [first, second] {
        let path = out.join(segment_name(segment.device, segment.seq));
        std::fs::create_dir_all(path.parent().expect("a folder"))?;
        std::fs::write(&path, lib.seal_segment(&segment)?)?;
    }
    Ok(())
}
