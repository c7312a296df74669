//! Index files: every file Tantivy writes under `index/`, sealed in blocks so that any
//! range can be read and authenticated without reading the rest of the file.
//!
//! Layout (format 1):
//!
//! ```text
//! "DOSIDX01"                    8-byte magic
//! salt                          32 random bytes, new for every file written
//! block 0 .. block n-2          AES-256-GCM(4096 plaintext bytes) | tag(16)
//! block n-1 (the last)          AES-256-GCM(0..=4096 plaintext bytes) | tag(16)
//! ```
//!
//! A file of `L` plaintext bytes has `max(1, ceil(L / 4096))` blocks (an empty file one
//! empty block, so that its emptiness is authenticated too). Each file has its own key, the
//! keyed BLAKE3 of its salt and name under the library's index key, and is written once,
//! so a block's number is its nonce: 8 bytes little endian, then 4 zero bytes. The
//! associated data is one byte, 1 for the last block and 0 for the others: a file cut at a
//! block boundary, a block moved, or a file renamed does not open.

/// The first bytes of every index file.
pub const MAGIC: &[u8; 8] = b"DOSIDX01";
/// Random bytes after the magic that make each file's key its own.
pub const SALT_LEN: usize = 32;
/// Bytes before the first block.
pub const HEADER_LEN: u64 = (MAGIC.len() + SALT_LEN) as u64;
/// Plaintext bytes in every block but the last.
pub const BLOCK: u64 = 4096;
/// The AES-GCM tag after each block's ciphertext.
pub const TAG: u64 = 16;
/// A whole block as stored.
pub const SEALED_BLOCK: u64 = BLOCK + TAG;

/// How many blocks a file of `plain` bytes has.
pub fn blocks(plain: u64) -> u64 {
    plain.div_ceil(BLOCK).max(1)
}

/// The stored size of a file of `plain` bytes (what the tests expect of a file).
#[cfg(test)]
pub fn sealed_len(plain: u64) -> u64 {
    HEADER_LEN + plain + TAG * blocks(plain)
}

/// The plaintext size of a stored file of `file_len` bytes, or `None` when no plaintext
/// size gives that length (the file was cut inside its header or a tag).
pub fn plain_len(file_len: u64) -> Option<u64> {
    let body = file_len.checked_sub(HEADER_LEN)?;
    let n = body.div_ceil(SEALED_BLOCK).max(1);
    let plain = body.checked_sub(TAG * n)?;
    (blocks(plain) == n).then_some(plain)
}

/// Where block `block` of a file of `plain` plaintext bytes is stored: its offset in the
/// file and its stored length (plaintext and tag).
pub fn block_span(block: u64, plain: u64) -> (u64, u64) {
    let start = block * BLOCK;
    let len = plain.saturating_sub(start).min(BLOCK);
    (HEADER_LEN + block * SEALED_BLOCK, len + TAG)
}

/// The nonce of block `block` (unique under the file's own key).
pub fn nonce(block: u64) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[..8].copy_from_slice(&block.to_le_bytes());
    n
}

/// The associated data of a block: whether it is the file's last.
pub fn aad(last: bool) -> [u8; 1] {
    [u8::from(last)]
}

/// The salt of a file whose first bytes are `header`, or `None` without the magic.
pub fn salt(header: &[u8]) -> Option<&[u8]> {
    let rest = header.strip_prefix(MAGIC.as_slice())?;
    rest.get(..SALT_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_round_trip_at_every_block_boundary() {
        for plain in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK, 3 * BLOCK + 7] {
            let stored = sealed_len(plain);
            assert_eq!(plain_len(stored), Some(plain), "{plain} bytes");
            let last = blocks(plain) - 1;
            let (off, len) = block_span(last, plain);
            assert_eq!(off + len, stored, "the last block ends the file ({plain})");
        }
        assert_eq!(sealed_len(0), HEADER_LEN + TAG);
        assert_eq!(blocks(BLOCK), 1);
        assert_eq!(blocks(BLOCK + 1), 2);
    }

    #[test]
    fn impossible_lengths_are_refused() {
        assert_eq!(plain_len(0), None);
        assert_eq!(plain_len(HEADER_LEN), None, "no room for the tag");
        assert_eq!(plain_len(HEADER_LEN + TAG - 1), None);
        assert_eq!(
            plain_len(HEADER_LEN + SEALED_BLOCK + 5),
            None,
            "a second block shorter than its tag"
        );
    }

    #[test]
    fn nonces_and_associated_data_are_stable() {
        assert_eq!(nonce(1), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(nonce(0x0102), [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(aad(true), [1]);
        assert_eq!(aad(false), [0]);
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&[7; SALT_LEN]);
        assert_eq!(salt(&header), Some(&[7u8; SALT_LEN][..]));
        assert_eq!(salt(b"DOSIDX01short"), None);
        assert_eq!(salt(&[0; 40]), None);
    }
}
