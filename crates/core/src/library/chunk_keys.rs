//! Which key opens each chunk: its pack's content key, drawn with its record's own key for
//! a chunk of a version that names one (issue 22). Prune and verify open chunks pack by
//! pack, and a pack holds chunks of many records.

use std::collections::HashMap;
use std::sync::Arc;

use super::Library;
use crate::error::{Error, Result};
use crate::format::collection_keys::ContentKey;
use crate::ids::{ChunkId, RecordKeyId};
use crate::keys::Crypto;

/// The record keys of a library's chunks, and the ciphers opened so far.
pub(super) struct ChunkKeys {
    records: HashMap<ChunkId, RecordKeyId>,
    /// Every chunk a version uses.
    used: std::collections::HashSet<ChunkId>,
    opened: HashMap<(Option<ContentKey>, RecordKeyId), Arc<Crypto>>,
}

impl ChunkKeys {
    pub(super) fn read(lib: &Library) -> Result<Self> {
        Ok(Self {
            records: lib.catalog.record_keyed_chunks()?,
            used: lib.catalog.referenced_chunks()?,
            opened: HashMap::new(),
        })
    }

    /// Whether a version uses `chunk` (one no version uses may be of a record destroyed,
    /// whose key is gone with it: it waits for prune, unopened).
    pub(super) fn used(&self, chunk: &ChunkId) -> bool {
        self.used.contains(chunk)
    }

    /// What opens `chunk`, kept in a pack sealed under `key`:
    /// [`Error::CollectionKeyUnavailable`] or [`Error::RecordKeyUnavailable`] when this
    /// desktop does not hold a key it needs.
    pub(super) fn crypto(
        &mut self,
        lib: &Library,
        key: Option<&ContentKey>,
        chunk: &ChunkId,
    ) -> Result<Arc<Crypto>> {
        let content = lib.crypto_for(key)?;
        let Some(record) = self.records.get(chunk) else {
            return Ok(content);
        };
        if let Some(c) = self.opened.get(&(key.cloned(), *record)) {
            return Ok(Arc::clone(c));
        }
        let own = lib
            .catalog
            .record_key(record)?
            .ok_or(Error::RecordKeyUnavailable { key: *record })?;
        let c = Arc::new(content.for_record(&own));
        self.opened.insert((key.cloned(), *record), Arc::clone(&c));
        Ok(c)
    }
}
