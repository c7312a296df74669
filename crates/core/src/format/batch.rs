//! Signed batches of operations (issue 21). In a library kept by its people, each change a
//! person commits ends with an [`OpKind::Signed`] operation that covers the operations of
//! the same device just before it: a batch. What is signed ([`message`]) binds the
//! library, the closing operation's stamp, the author, the registry's place the author
//! acted at, and each covered operation's exact JSON, so no operation can be added to,
//! removed from or moved between batches, nor a batch replayed in another library.
//!
//! **Invariant:** a batch never straddles two journal segments: it holds at most
//! [`MAX_BATCH_OPS`] operations and its signature, and segments are cut after a batch's
//! end ([`spans`] finds them again in any list of one device's operations).

use super::op::{Op, OpKind, Stamp};
use crate::ids::{LibraryId, MemberId};

/// The most operations one signature covers; with the signature, a batch fits in one
/// journal segment (`SEGMENT_OPS`).
pub const MAX_BATCH_OPS: usize = 4_999;

const CONTEXT: &[u8] = b"dossier 2026-12 signed batch v1";

/// The bytes `member` signs for the batch `covered` (the JSON of each operation it
/// covers), closed by the operation stamped `closing`, made when the registry stood after
/// statement `at`.
pub fn message(
    library: LibraryId,
    closing: &Stamp,
    member: MemberId,
    at: u64,
    covered: &[impl AsRef<[u8]>],
) -> Vec<u8> {
    let size: usize = covered.iter().map(|op| op.as_ref().len() + 8).sum();
    let mut out = Vec::with_capacity(256 + size);
    let mut field = |bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    field(CONTEXT);
    field(library.to_string().as_bytes());
    field(closing.key().as_bytes());
    field(member.to_string().as_bytes());
    field(&at.to_le_bytes());
    field(&(covered.len() as u64).to_le_bytes());
    for op in covered {
        field(op.as_ref());
    }
    out
}

/// Where a batch lies in a list of one device's operations in stamp order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The first operation it covers.
    pub start: usize,
    /// Its [`OpKind::Signed`] operation (the covered ones are `start..end`).
    pub end: usize,
}

/// The batches among `ops` (one device's operations in stamp order), and the positions of
/// closing operations that claim more operations than precede them since the previous
/// batch (malformed: they cover nothing). Operations outside every span are unsigned.
pub fn spans(ops: &[Op]) -> (Vec<Span>, Vec<usize>) {
    let (mut found, mut malformed) = (Vec::new(), Vec::new());
    let mut free_from = 0;
    for (i, op) in ops.iter().enumerate() {
        if let OpKind::Signed { covers, .. } = &op.kind {
            let covers = *covers as usize;
            if covers > MAX_BATCH_OPS || i - free_from < covers {
                malformed.push(i);
            } else {
                found.push(Span {
                    start: i - covers,
                    end: i,
                });
            }
            free_from = i + 1;
        }
    }
    (found, malformed)
}

/// How many of the first operations of `ops` (this device's unsent ones, in order) make
/// whole batches and unsigned operations, at most `max`: a segment cut there splits no
/// batch. `ops` must reach at least `max` operations beyond the cut it may make, or end.
pub fn cut(ops: &[Op], max: usize) -> usize {
    if ops.len() <= max {
        // Everything unsent: a batch is committed whole with its signature.
        return ops.len();
    }
    let (found, _) = spans(ops);
    let mut at = max;
    for span in found {
        if span.start < at && span.end >= at {
            at = span.start;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::op::Hlc;
    use crate::ids::{DeviceId, DocId};

    fn ops(kinds: &[Option<u32>]) -> Vec<Op> {
        let device = DeviceId::new();
        kinds
            .iter()
            .enumerate()
            .map(|(i, k)| Op {
                stamp: Stamp {
                    hlc: Hlc {
                        wall_ms: 1,
                        counter: i as u32,
                    },
                    device,
                },
                kind: match k {
                    Some(covers) => OpKind::Signed {
                        member: MemberId::new(),
                        at: 0,
                        covers: *covers,
                        signature: vec![0; 64],
                        scope: Vec::new(),
                    },
                    None => OpKind::Untrashed { doc: DocId::new() },
                },
            })
            .collect()
    }

    #[test]
    fn spans_find_batches_and_refuse_overreach() {
        // u u [u u S2] [u S1] S5(malformed: 0 free ops) u
        let list = ops(&[
            None,
            None,
            None,
            None,
            Some(2),
            None,
            Some(1),
            Some(5),
            None,
        ]);
        let (found, malformed) = spans(&list);
        assert_eq!(
            found,
            [Span { start: 2, end: 4 }, Span { start: 5, end: 6 }]
        );
        assert_eq!(malformed, [7]);
    }

    #[test]
    fn a_cut_never_splits_a_batch() {
        // u [u u u S3] [u u S2]
        let list = ops(&[None, None, None, None, Some(3), None, None, Some(2)]);
        assert_eq!(cut(&list, 3), 1);
        assert_eq!(cut(&list, 5), 5);
        assert_eq!(cut(&list, 6), 5);
        assert_eq!(cut(&list, 8), 8);
        assert_eq!(cut(&list[1..], 4), 4);
    }

    #[test]
    fn the_message_binds_every_part() {
        let list = ops(&[None, None, Some(2)]);
        let library = LibraryId::new();
        let member = MemberId::new();
        let json: Vec<Vec<u8>> = list
            .iter()
            .map(|o| serde_json::to_vec(o).unwrap())
            .collect();
        let base = message(library, &list[2].stamp, member, 3, &json[..2]);
        assert_ne!(
            base,
            message(LibraryId::new(), &list[2].stamp, member, 3, &json[..2])
        );
        assert_ne!(
            base,
            message(library, &list[1].stamp, member, 3, &json[..2])
        );
        assert_ne!(
            base,
            message(library, &list[2].stamp, MemberId::new(), 3, &json[..2])
        );
        assert_ne!(
            base,
            message(library, &list[2].stamp, member, 4, &json[..2])
        );
        assert_ne!(
            base,
            message(library, &list[2].stamp, member, 3, &json[1..2])
        );
        let mut changed = json.clone();
        changed[1][0] ^= 1;
        assert_ne!(
            base,
            message(library, &list[2].stamp, member, 3, &changed[..2])
        );
    }
}
