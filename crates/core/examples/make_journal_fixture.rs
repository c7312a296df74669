//! Writes the format-compatibility fixture `tests/fixtures/journal-v3`: the operations of
//! the `library-v1` fixture sealed as that device's first two journal segments, linked
//! (the second names the first's digest, and a segment of another device as seen), each
//! carrying its audit chain's head, under their remote object names. Run once when a
//! journal format version is introduced:
//! `cargo run -p dossier-core --example make_journal_fixture`. (`journal-v1`, segments
//! without links, and `journal-v2`, links without audit heads, were written by this
//! example before those existed.)

mod fixtures;

use dossier_core::{AuditHash, AuditHead, Link, OpKind, Segment, segment_name};

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture("journal-v3")?;
    let work = tempfile::tempdir()?;
    let lib = fixtures::library_v1_copy(work.path())?;
    let all = lib
        .next_segment()?
        .ok_or("the fixture library has no operations")?;
    let half = all.ops.len() / 2;
    let mut head = AuditHead {
        events: 0,
        hash: AuditHash([0; 32]),
    };
    for op in &all.ops[..half] {
        if let OpKind::Audit { event } = &op.kind {
            head = AuditHead {
                events: head.events + 1,
                hash: AuditHash(event.chain_hash(&op.stamp)),
            };
        }
    }
    let first = Segment {
        ops: all.ops[..half].to_vec(),
        link: Some(Link {
            audit: Some(head),
            ..all.link.clone().ok_or("a segment without a link")?
        }),
        ..all.clone()
    };
    let other: dossier_core::DeviceId = "0190f3a2-0000-7000-8000-00000000000b".parse()?;
    let second = Segment {
        seq: 2,
        ops: all.ops[half..].to_vec(),
        link: Some(Link {
            prev: Some(first.digest()?),
            seen: [(other, 5)].into(),
            audit: all.link.as_ref().and_then(|l| l.audit),
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
