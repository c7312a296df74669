//! Every persisted format in one place: `library.json`, `keys.json`, pack files, version
//! manifests, journal operations, derived files (thumbnails, page renders), the search index's sealed files and what sync
//! keeps (`remote.json` here, `dossier.repo` on the remote).
//!
//! **Invariant:** a change to anything here is a format change: bump the version it carries
//! and keep reading the old one. `tests/fixtures/` in this crate holds a library written by
//! format 1 that the integration tests open and read back.

pub mod checkpoint;
pub mod derived;
pub mod index_file;
pub mod journal;
pub mod keyfile;
pub mod library_json;
pub mod manifest;
pub mod op;
pub mod pack;
pub mod remote_json;
pub mod repo;
pub mod store_journal;

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
