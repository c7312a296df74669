//! Sealing one chunk: id, optional zstd, AES-256-GCM; and the reverse with checks.

use crate::error::{Error, Result};
use crate::format::pack::{CODEC_RAW, CODEC_ZSTD};
use crate::ids::ChunkId;
use crate::keys::Crypto;

/// A chunk ready to be appended to a pack.
#[derive(Debug)]
pub struct SealedChunk {
    pub id: ChunkId,
    pub plain_len: u32,
    pub sealed: Vec<u8>,
}

const PROBE: usize = 4096;

/// Compress only where it pays: a quick level-1 probe of the first 4 KiB skips data that is
/// already compressed (JPEG, ZIP-based office files, most PDF streams).
fn stored_form(data: &[u8]) -> Vec<u8> {
    let worth_trying = if data.len() > PROBE {
        zstd::bulk::compress(&data[..PROBE], 1)
            .map(|c| c.len() < PROBE * 15 / 16)
            .unwrap_or(false)
    } else {
        data.len() >= 64
    };
    if worth_trying
        && let Ok(c) = zstd::bulk::compress(data, 3)
        && c.len() + c.len() / 32 < data.len()
    {
        let mut out = Vec::with_capacity(c.len() + 1);
        out.push(CODEC_ZSTD);
        out.extend_from_slice(&c);
        return out;
    }
    let mut out = Vec::with_capacity(data.len() + 1);
    out.push(CODEC_RAW);
    out.extend_from_slice(data);
    out
}

/// Seal a chunk whose id is already known.
pub fn seal_chunk(crypto: &Crypto, id: ChunkId, data: &[u8]) -> SealedChunk {
    let stored = stored_form(data);
    SealedChunk {
        id,
        plain_len: data.len() as u32,
        sealed: crypto.seal_chunk(&id, &stored),
    }
}

/// Open, decompress and re-hash a chunk: any damage is an [`Error::Integrity`].
pub fn open_chunk(crypto: &Crypto, id: &ChunkId, sealed: &[u8], plain_len: u32) -> Result<Vec<u8>> {
    let stored = crypto.open_chunk(id, sealed)?;
    let bad = |detail| Error::Integrity {
        object: format!("chunk {id}"),
        detail,
    };
    let data = match stored.split_first() {
        Some((&CODEC_RAW, rest)) => rest.to_vec(),
        Some((&CODEC_ZSTD, rest)) => zstd::bulk::decompress(rest, plain_len as usize)
            .map_err(|_| bad("does not decompress"))?,
        _ => return Err(bad("unknown codec")),
    };
    if data.len() != plain_len as usize {
        return Err(bad("wrong length"));
    }
    if crypto.chunk_id(&data) != *id {
        return Err(bad("content does not match its id"));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::MasterKey;

    #[test]
    fn compressible_and_random_chunks_round_trip() {
        let c = MasterKey::generate().crypto();
        let text = b"transcript of records ".repeat(3000);
        let mut random = vec![0u8; 70_000];
        crate::fill_random(&mut random);
        for data in [&text[..], &random[..], b"tiny"] {
            let id = c.chunk_id(data);
            let s = seal_chunk(&c, id, data);
            assert_eq!(open_chunk(&c, &id, &s.sealed, s.plain_len).unwrap(), data);
        }
        // Text shrinks, random data is stored as it is (plus nonce, codec byte and tag).
        assert!(seal_chunk(&c, c.chunk_id(&text), &text).sealed.len() < text.len() / 10);
        assert_eq!(
            seal_chunk(&c, c.chunk_id(&random), &random).sealed.len(),
            random.len() + 29
        );
    }

    #[test]
    fn sealed_chunks_hold_no_plaintext() {
        let c = MasterKey::generate().crypto();
        let data = b"Jane Q. Student, date of birth 2009-04-01".repeat(10);
        let s = seal_chunk(&c, c.chunk_id(&data), &data);
        assert!(!s.sealed.windows(8).any(|w| w == b"Jane Q. "));
    }
}
