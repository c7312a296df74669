//! Sealing one chunk: id, optional zstd, AES-256-GCM; and the reverse with checks.

use std::cell::RefCell;

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

/// zstd level for stored chunks (restic's "auto" mode is comparable).
const ZSTD_LEVEL: i32 = 3;

thread_local! {
    /// One compression context per thread: creating one per chunk costs more than
    /// compressing a small chunk.
    static ZSTD: RefCell<Option<(zstd::bulk::Compressor<'static>, Vec<u8>)>> =
        const { RefCell::new(None) };
}

/// Append the stored form of `data`: a codec byte, then the data compressed when that makes
/// it smaller, else as it is. Every chunk is tried: zstd gives up quickly on
/// incompressible blocks (about 2 GB/s per core on random data), while a probe of the first
/// bytes misses chunks that only compress further in (PDF streams after an image).
fn push_stored_form(data: &[u8], out: &mut Vec<u8>) {
    let compressed = data.len() >= 64
        && ZSTD.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.is_none() {
                let Ok(c) = zstd::bulk::Compressor::new(ZSTD_LEVEL) else {
                    return false;
                };
                *cell = Some((c, Vec::new()));
            }
            let (compressor, scratch) = cell.as_mut().expect("set above");
            scratch.clear();
            // Room for anything smaller than the input: a larger result fails early.
            scratch.reserve(data.len());
            match compressor.compress_to_buffer(data, scratch) {
                Ok(n) if n < data.len() => {
                    out.push(CODEC_ZSTD);
                    out.extend_from_slice(&scratch[..n]);
                    true
                }
                _ => false,
            }
        });
    if !compressed {
        out.push(CODEC_RAW);
        out.extend_from_slice(data);
    }
}

/// Seal a chunk whose id is already known.
pub fn seal_chunk(crypto: &Crypto, id: ChunkId, data: &[u8]) -> SealedChunk {
    SealedChunk {
        id,
        plain_len: data.len() as u32,
        sealed: crypto.seal_chunk_with(&id, data.len() + 1, |out| push_stored_form(data, out)),
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
