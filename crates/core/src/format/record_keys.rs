//! A table of records' keys (issue 22): what an erasure epoch's key seals for the
//! desktops that hold it ([`crate::keys::ErasureKey::seal_record_keys`]).
//!
//! ```text
//! "DRK1" | count (u32 LE) | count × (document id, 16 bytes | record key, 32 bytes)
//! ```
//!
//! Read only after it authenticated under the epoch's key, and still bounded: the count
//! must be what the length holds, and no document may be listed twice.

use std::collections::HashSet;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::ids::DocId;

/// One record's key as the table holds it (zeroized on drop).
pub type KeyBytes = Zeroizing<[u8; 32]>;

const MAGIC: &[u8; 4] = b"DRK1";
const ENTRY: usize = 16 + 32;

/// `keys` as the table's bytes (zeroized when dropped: they are keys).
pub fn encode(keys: &[(DocId, KeyBytes)]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(8 + keys.len() * ENTRY));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(keys.len() as u32).to_le_bytes());
    for (doc, key) in keys {
        out.extend_from_slice(doc.0.as_bytes());
        out.extend_from_slice(key.as_ref());
    }
    out
}

/// The records' keys a table holds, in its order.
pub fn decode(bytes: &[u8]) -> Result<Vec<(DocId, KeyBytes)>> {
    let bad = |detail| Error::Integrity {
        object: "a table of records' keys".into(),
        detail,
    };
    let rest = bytes.strip_prefix(MAGIC).ok_or(bad("not one"))?;
    let (count, rest) = rest.split_at_checked(4).ok_or(bad("cut short"))?;
    let count = u32::from_le_bytes(count.try_into().expect("four bytes")) as usize;
    if rest.len() != count.checked_mul(ENTRY).ok_or(bad("too many entries"))? {
        return Err(bad("its length is not its count's"));
    }
    let mut seen = HashSet::with_capacity(count);
    rest.chunks_exact(ENTRY)
        .map(|entry| {
            let (doc, key) = entry.split_at(16);
            let doc = DocId(uuid::Uuid::from_slice(doc).expect("16 bytes"));
            if !seen.insert(doc) {
                return Err(bad("a document listed twice"));
            }
            Ok((doc, Zeroizing::new(key.try_into().expect("32 bytes"))))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_reads_back_and_a_bad_one_is_refused() {
        let keys: Vec<_> = (0..3)
            .map(|i| (DocId::new(), Zeroizing::new([i; 32])))
            .collect();
        let table = encode(&keys);
        assert_eq!(decode(&table).unwrap(), keys);
        assert_eq!(decode(&encode(&[])).unwrap(), vec![]);
        assert!(decode(&table[..table.len() - 1]).is_err());
        assert!(decode(b"DRK1").is_err());
        assert!(decode(b"XRK1\0\0\0\0").is_err());
        let mut wrong_count = table.to_vec();
        wrong_count[4] = 4;
        assert!(decode(&wrong_count).is_err());
        let twice = encode(&[keys[0].clone(), keys[0].clone()]);
        assert!(decode(&twice).is_err());
    }
}
