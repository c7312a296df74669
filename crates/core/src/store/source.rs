//! [`PackSource`]: where a pack missing from the store comes from (the sync engine's
//! remote), so content kept only on the remote is fetched when it is read; and the
//! recency mark that lets a size budget evict what was not read for longest.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::error::Result;
use crate::ids::PackId;

/// Fetches whole pack files from elsewhere. The store checks each one against its id
/// before using it.
pub trait PackSource: Send + Sync + std::fmt::Debug {
    /// The bytes of the pack file, or [`crate::Error::Fetch`] saying why not.
    fn fetch(&self, id: &PackId) -> Result<Vec<u8>>;
}

/// A pack read this recently keeps its mark; older ones get a new one when read.
const MARK_EVERY: Duration = Duration::from_secs(3600);

/// Note that a pack was just read, for eviction by age (its modification time; a pack's
/// content never changes). Best effort: a read-only folder just keeps the old mark.
pub(super) fn mark_read(path: &Path) {
    let now = SystemTime::now();
    let fresh = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age < MARK_EVERY));
    if !fresh && let Ok(f) = std::fs::OpenOptions::new().write(true).open(path) {
        let _ = f.set_modified(now);
    }
}
