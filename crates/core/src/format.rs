//! Every persisted format in one place: `library.json`, `keys.json`, `lock.json`, pack
//! files, version manifests, journal operations, derived files (thumbnails, page
//! renders), the search index's sealed files and its meta file, the export manifest, the
//! keyring's entries and what sync keeps (`remote.json` here, `dossier.repo` on the
//! remote). Sealed objects share one codec
//! ([`sealed`]).
//!
//! **Invariant:** a change to anything here is a format change: bump the version it carries
//! and keep reading the old one. `tests/fixtures/` in this crate holds a library written by
//! format 1 that the integration tests open and read back.

pub mod batch;
pub mod checkpoint;
pub mod collection_keys;
pub mod derived;
pub mod destruction;
pub mod disclosure;
pub mod disclosure_export;
pub mod export_manifest;
pub mod extracted;
pub mod field_def;
pub mod identity;
pub mod index_file;
pub mod index_meta;
pub mod invitation;
pub mod journal;
pub mod keyfile;
pub mod keyring_entry;
pub mod library_json;
pub mod lock_json;
pub mod manifest;
pub mod member;
pub mod op;
pub mod pack;
pub mod person_export;
pub mod record_keys;
pub mod remote_json;
pub mod repo;
pub mod request;
pub mod rule;
pub(crate) mod sealed;
pub mod sections;
pub mod series;
pub mod store_journal;
pub mod subject;
pub mod view;

/// The most a journal segment's JSON (of either journal) may decompress to: far above
/// what [`crate::SEGMENT_OPS`] operations take, far below what would exhaust memory.
pub const MAX_SEGMENT_JSON: u64 = 256 * 1024 * 1024;
/// The most a checkpoint's JSON (the whole catalog's operations) may decompress to.
pub const MAX_CHECKPOINT_JSON: u64 = 4 * 1024 * 1024 * 1024;

/// The largest sealed object (journal segment, checkpoint) whose JSON is at most
/// `json` bytes: zstd never grows data by more than a small fraction, plus the header,
/// nonce and tag. What a download of such an object is capped at.
pub const fn max_sealed(json: u64) -> u64 {
    json + json / 64 + 64 * 1024
}

/// Decompress zstd data that may decompress to at most `limit` bytes. The error says
/// why it was refused: not zstd data, or larger than the limit (a decompression bomb is
/// stopped at the limit, never held whole).
pub(crate) fn unzstd(data: &[u8], limit: u64) -> std::result::Result<Vec<u8>, &'static str> {
    use std::io::Read;
    let decoder = zstd::stream::read::Decoder::with_buffer(data).map_err(|_| "not zstd data")?;
    let mut out = Vec::new();
    decoder
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|_| "not zstd data")?;
    if out.len() as u64 > limit {
        return Err("decompresses to more than Dossier ever writes");
    }
    Ok(out)
}

/// Serde helper: bytes as standard base64 strings.
pub(crate) mod b64 {
    use data_encoding::BASE64;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&BASE64.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        BASE64
            .decode(s.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

/// Optional bytes as base64 (absent or `null`: `None`).
pub(crate) mod b64_opt {
    use data_encoding::BASE64;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => s.serialize_some(&BASE64.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| {
                BASE64
                    .decode(s.as_bytes())
                    .map_err(serde::de::Error::custom)
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn zstd_data_decompresses_only_up_to_its_limit() {
        let mut bomb = Vec::new();
        zstd::stream::copy_encode(std::io::repeat(0).take(1 << 20), &mut bomb, 3).unwrap();
        assert!(bomb.len() < 1024, "a million zeros compress to little");
        assert_eq!(unzstd(&bomb, 1 << 20).unwrap().len(), 1 << 20);
        assert_eq!(
            unzstd(&bomb, (1 << 20) - 1),
            Err("decompresses to more than Dossier ever writes")
        );
        assert_eq!(unzstd(b"not compressed", 1 << 20), Err("not zstd data"));
    }
}

/// A map of member ids to sealed boxes, the boxes in base64.
pub(crate) mod sealed_map {
    use std::collections::BTreeMap;

    use data_encoding::BASE64;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::ids::MemberId;

    pub fn serialize<S: Serializer>(
        map: &BTreeMap<MemberId, Vec<u8>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        map.iter()
            .map(|(m, b)| (m.to_string(), BASE64.encode(b)))
            .collect::<BTreeMap<_, _>>()
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<MemberId, Vec<u8>>, D::Error> {
        BTreeMap::<String, String>::deserialize(d)?
            .into_iter()
            .map(|(m, b)| {
                Ok((
                    m.parse().map_err(serde::de::Error::custom)?,
                    BASE64
                        .decode(b.as_bytes())
                        .map_err(serde::de::Error::custom)?,
                ))
            })
            .collect()
    }
}
