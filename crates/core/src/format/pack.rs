//! Pack files: immutable containers of sealed chunks with their own encrypted index, so
//! a lost catalog can be rebuilt from packs alone. The sync issue uploads them as they are.
//!
//! Layout (format 1):
//!
//! ```text
//! "DOSPACK1"                                   8-byte magic
//! sealed chunk *                               nonce(12) | AES-256-GCM(stored chunk) | tag(16)
//! sealed index                                 nonce(12) | AES-256-GCM(index entries) | tag(16)
//! index length: u32 LE | "DOSPIDX1"             12-byte trailer
//! ```
//!
//! A stored chunk is one codec byte (`0` raw, `1` zstd) then the data; the chunk id is its
//! associated data. Index entries are 44 bytes each: chunk id (32), offset (u32 LE),
//! sealed length (u32 LE), plaintext length (u32 LE). The pack id is the BLAKE3 hash of the
//! whole file, checkable without a key.

use crate::error::{Error, Result};
use crate::ids::{ChunkId, PackId};

pub const PACK_MAGIC: &[u8; 8] = b"DOSPACK1";
pub const INDEX_MAGIC: &[u8; 8] = b"DOSPIDX1";
pub const TRAILER_LEN: usize = 12;
pub const INDEX_AAD: &[u8] = b"dossier pack index v1";
const ENTRY_LEN: usize = 44;

/// Codec byte of a stored chunk.
pub const CODEC_RAW: u8 = 0;
pub const CODEC_ZSTD: u8 = 1;

/// Where one chunk lives inside a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackEntry {
    pub chunk: ChunkId,
    pub offset: u32,
    pub sealed_len: u32,
    pub plain_len: u32,
}

/// Serialize index entries (before sealing).
pub fn encode_index(entries: &[PackEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * ENTRY_LEN);
    for e in entries {
        out.extend_from_slice(&e.chunk.0);
        out.extend_from_slice(&e.offset.to_le_bytes());
        out.extend_from_slice(&e.sealed_len.to_le_bytes());
        out.extend_from_slice(&e.plain_len.to_le_bytes());
    }
    out
}

/// Parse index entries (after opening).
pub fn decode_index(bytes: &[u8], pack: &PackId) -> Result<Vec<PackEntry>> {
    if !bytes.len().is_multiple_of(ENTRY_LEN) {
        return Err(Error::Integrity {
            object: format!("pack {pack}"),
            detail: "index length is not a whole number of entries",
        });
    }
    Ok(bytes
        .chunks_exact(ENTRY_LEN)
        .map(|e| PackEntry {
            chunk: ChunkId(e[..32].try_into().expect("32 bytes")),
            offset: u32::from_le_bytes(e[32..36].try_into().expect("4 bytes")),
            sealed_len: u32::from_le_bytes(e[36..40].try_into().expect("4 bytes")),
            plain_len: u32::from_le_bytes(e[40..44].try_into().expect("4 bytes")),
        })
        .collect())
}

/// The trailer written after the sealed index.
pub fn trailer(index_len: u32) -> [u8; TRAILER_LEN] {
    let mut t = [0u8; TRAILER_LEN];
    t[..4].copy_from_slice(&index_len.to_le_bytes());
    t[4..].copy_from_slice(INDEX_MAGIC);
    t
}

/// Locate the sealed index in a whole pack file: returns its byte range.
pub fn index_range(pack_bytes: &[u8], pack: &PackId) -> Result<std::ops::Range<usize>> {
    let bad = |detail| Error::Integrity {
        object: format!("pack {pack}"),
        detail,
    };
    if pack_bytes.len() < PACK_MAGIC.len() + TRAILER_LEN || &pack_bytes[..8] != PACK_MAGIC {
        return Err(bad("not a Dossier pack (bad magic)"));
    }
    let t = &pack_bytes[pack_bytes.len() - TRAILER_LEN..];
    if &t[4..] != INDEX_MAGIC {
        return Err(bad("bad trailer"));
    }
    let len = u32::from_le_bytes(t[..4].try_into().expect("4 bytes")) as usize;
    let end = pack_bytes.len() - TRAILER_LEN;
    let start = end
        .checked_sub(len)
        .filter(|s| *s >= PACK_MAGIC.len())
        .ok_or(bad("index length out of range"))?;
    Ok(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_entries_round_trip() {
        let entries = vec![
            PackEntry {
                chunk: ChunkId([1; 32]),
                offset: 8,
                sealed_len: 100,
                plain_len: 70,
            },
            PackEntry {
                chunk: ChunkId([2; 32]),
                offset: 108,
                sealed_len: 29,
                plain_len: 1,
            },
        ];
        let id = PackId([0; 32]);
        assert_eq!(decode_index(&encode_index(&entries), &id).unwrap(), entries);
        assert!(decode_index(&[0; 43], &id).is_err());
    }

    #[test]
    fn index_range_rejects_garbage() {
        let id = PackId([0; 32]);
        assert!(index_range(b"short", &id).is_err());
        let mut p = PACK_MAGIC.to_vec();
        p.extend_from_slice(&[9; 5]);
        p.extend_from_slice(&trailer(5));
        assert_eq!(index_range(&p, &id).unwrap(), 8..13);
        let mut p2 = p.clone();
        let n = p2.len();
        p2[n - 12] = 200;
        assert!(index_range(&p2, &id).is_err());
    }
}
