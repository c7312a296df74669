//! The import pipeline's first stages: the reader (each file hashed, sniffed and chunked,
//! one the library holds already known before any of it is sealed) and the workers that
//! give chunks their ids and seal them under each file's record's ciphers.

use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};

use super::plan::{Planned, describe_io};
use super::{CHUNK_AVG, CHUNK_MAX, CHUNK_MIN};
use crate::ids::{ChunkId, ContentHash};
use crate::keys::Crypto;
use crate::keys::master::ContentHasher;
use crate::sniff::SNIFF_LEN;
use crate::store::{SealedChunk, seal_chunk};

/// Messages to the committer, each with a global sequence number.
pub(super) enum Msg {
    Chunk {
        seq: u64,
        file: usize,
        id: ChunkId,
        len: u32,
        sealed: Option<SealedChunk>,
    },
    End {
        seq: u64,
        file: usize,
        hash: ContentHash,
        size: u64,
        head: Vec<u8>,
        /// Its content was found held already and nothing of it was sealed.
        unsealed: bool,
    },
    Failed {
        seq: u64,
        file: usize,
        reason: String,
    },
}

impl Msg {
    pub(super) fn seq(&self) -> u64 {
        match self {
            Msg::Chunk { seq, .. } | Msg::End { seq, .. } | Msg::Failed { seq, .. } => *seq,
        }
    }
}

pub(super) struct Work {
    seq: u64,
    file: usize,
    data: Vec<u8>,
}

/// Feeds the content hash and keeps the first bytes for sniffing while chunking reads.
struct Tap<R> {
    inner: R,
    hasher: ContentHasher,
    head: Vec<u8>,
    size: u64,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        if self.head.len() < SNIFF_LEN {
            let take = n.min(SNIFF_LEN - self.head.len());
            self.head.extend_from_slice(&buf[..take]);
        }
        self.size += n as u64;
        Ok(n)
    }
}

/// Files up to this size are read whole first, so that one whose content the library
/// holds already is known before any of it is sealed (each record's chunks are under its
/// own key: a duplicate sealed would be stored again, until prune).
const CHECKED_FIRST: u64 = 16 << 20;

pub(super) fn read_files(
    planned: &[Planned],
    crypto: &Crypto,
    held: &HashSet<ContentHash>,
    work: &Sender<Work>,
    out: &Sender<Msg>,
) {
    let mut seq = 0u64;
    let mut next = || {
        seq += 1;
        seq - 1
    };
    for (idx, p) in planned.iter().enumerate() {
        // Opened without blocking: a file swapped for a FIFO since it was planned is
        // refused, not waited on.
        let mut file = match crate::fsx::open_regular(&p.path, p.links) {
            Ok(f) => f,
            Err(e) => {
                if out
                    .send(Msg::Failed {
                        seq: next(),
                        file: idx,
                        reason: describe_io(&e),
                    })
                    .is_err()
                {
                    return;
                }
                continue;
            }
        };
        let sent = if p.size <= CHECKED_FIRST && !held.is_empty() {
            let mut whole = Vec::new();
            match (&mut file).take(CHECKED_FIRST + 1).read_to_end(&mut whole) {
                Ok(_) if whole.len() as u64 <= CHECKED_FIRST => {
                    let mut hasher = crypto.content_hasher();
                    hasher.update(&whole);
                    let hash = hasher.finalize();
                    if held.contains(&hash) {
                        // Held already: nothing of it is sealed (the committer reports it).
                        out.send(Msg::End {
                            seq: next(),
                            file: idx,
                            hash,
                            size: whole.len() as u64,
                            head: whole[..whole.len().min(SNIFF_LEN)].to_vec(),
                            unsealed: true,
                        })
                        .is_ok()
                    } else {
                        chunked(
                            std::io::Cursor::new(whole),
                            crypto,
                            idx,
                            &mut next,
                            work,
                            out,
                        )
                    }
                }
                // Grown past the size it was planned at, or unreadable: read as it comes.
                Ok(_) | Err(_) => match crate::fsx::open_regular(&p.path, p.links) {
                    Ok(again) => chunked(again, crypto, idx, &mut next, work, out),
                    Err(e) => out
                        .send(Msg::Failed {
                            seq: next(),
                            file: idx,
                            reason: describe_io(&e),
                        })
                        .is_ok(),
                },
            }
        } else {
            chunked(file, crypto, idx, &mut next, work, out)
        };
        if !sent {
            return;
        }
    }
}

/// Chunk file `idx` read from `input` for sealing, then say how it ended; `false` once
/// nobody listens.
fn chunked(
    input: impl Read,
    crypto: &Crypto,
    idx: usize,
    next: &mut impl FnMut() -> u64,
    work: &Sender<Work>,
    out: &Sender<Msg>,
) -> bool {
    let mut tap = Tap {
        inner: input,
        hasher: crypto.content_hasher(),
        head: Vec::new(),
        size: 0,
    };
    let mut failed = None;
    for chunk in fastcdc::v2020::StreamCDC::new(&mut tap, CHUNK_MIN, CHUNK_AVG, CHUNK_MAX) {
        match chunk {
            Ok(c) => {
                if work
                    .send(Work {
                        seq: next(),
                        file: idx,
                        data: c.data,
                    })
                    .is_err()
                {
                    return false;
                }
            }
            Err(e) => {
                failed = Some(format!("reading stopped part way: {e}"));
                break;
            }
        }
    }
    let msg = match failed {
        Some(reason) => Msg::Failed {
            seq: next(),
            file: idx,
            reason,
        },
        None if tap.size == 0 => Msg::Failed {
            seq: next(),
            file: idx,
            reason: "empty file (0 bytes)".into(),
        },
        None => Msg::End {
            seq: next(),
            file: idx,
            hash: tap.hasher.finalize(),
            size: tap.size,
            head: std::mem::take(&mut tap.head),
            unsealed: false,
        },
    };
    out.send(msg).is_ok()
}

/// Chunk ids and sealing, each file's under its own ciphers (`sealing[file]`: its
/// record's, drawn from its collection's key and its own).
pub(super) fn seal_work(
    sealing: &[Arc<Crypto>],
    known: &HashSet<ChunkId>,
    work: &Receiver<Work>,
    out: &Sender<Msg>,
) {
    for w in work {
        let crypto = &*sealing[w.file];
        let id = crypto.chunk_id(&w.data);
        let sealed = (!known.contains(&id)).then(|| seal_chunk(crypto, id, &w.data));
        if out
            .send(Msg::Chunk {
                seq: w.seq,
                file: w.file,
                id,
                len: w.data.len() as u32,
                sealed,
            })
            .is_err()
        {
            return;
        }
    }
}
