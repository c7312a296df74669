//! A version's manifest: the ordered chunk ids and plaintext lengths of its content.
//!
//! Binary form (format 1): a sequence of 36-byte records, chunk id (32) then length (u32 LE).
//! In JSON (journal operations) it is that binary form in base64.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::ids::ChunkId;

const RECORD: usize = 36;

/// Ordered chunks of one version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub chunks: Vec<(ChunkId, u32)>,
}

impl Manifest {
    /// Total plaintext length.
    pub fn size(&self) -> u64 {
        self.chunks.iter().map(|(_, l)| u64::from(*l)).sum()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.chunks.len() * RECORD);
        for (id, len) in &self.chunks {
            out.extend_from_slice(&id.0);
            out.extend_from_slice(&len.to_le_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if !bytes.len().is_multiple_of(RECORD) {
            return Err(Error::Integrity {
                object: "version manifest".into(),
                detail: "length is not a whole number of records",
            });
        }
        Ok(Self {
            chunks: bytes
                .chunks_exact(RECORD)
                .map(|r| {
                    (
                        ChunkId(r[..32].try_into().expect("32")),
                        u32::from_le_bytes(r[32..].try_into().expect("4")),
                    )
                })
                .collect(),
        })
    }
}

impl Serialize for Manifest {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&data_encoding::BASE64.encode(&self.to_bytes()))
    }
}

impl<'de> Deserialize<'de> for Manifest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let b = data_encoding::BASE64
            .decode(s.as_bytes())
            .map_err(serde::de::Error::custom)?;
        Manifest::from_bytes(&b).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_binary_and_json() {
        let m = Manifest {
            chunks: vec![(ChunkId([3; 32]), 65536), (ChunkId([4; 32]), 12)],
        };
        assert_eq!(Manifest::from_bytes(&m.to_bytes()).unwrap(), m);
        let j = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Manifest>(&j).unwrap(), m);
        assert_eq!(m.size(), 65548);
        assert!(Manifest::from_bytes(&[1, 2, 3]).is_err());
    }
}
