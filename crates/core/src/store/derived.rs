//! The `derived/` cache: thumbnails and page renders of versions, sealed with their own key
//! (format in [`crate::format::derived`]).
//!
//! Derived files are regenerable, so this cache is forgiving: a missing, damaged or
//! tampered file reads as absent and is made again, and a failed write only costs the
//! next reader a render. Writes go to a temporary file renamed into place, so a reader
//! (or another process sharing the library read-only) never sees half a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result};
use crate::format::derived::{DERIVED_CODEC, DerivedName};
use crate::ids::VersionId;
use crate::keys::Crypto;

/// The `derived/` folder of a library.
#[derive(Debug, Clone)]
pub struct DerivedCache {
    root: PathBuf,
}

impl DerivedCache {
    pub fn at(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
        }
    }

    fn path(&self, version: VersionId, name: DerivedName) -> PathBuf {
        self.root.join(version.to_string()).join(name.file_name())
    }

    /// The cached bytes, or `None` when absent or not authentic.
    pub fn get(&self, crypto: &Crypto, version: VersionId, name: DerivedName) -> Option<Vec<u8>> {
        let body = std::fs::read(self.path(version, name)).ok()?;
        DERIVED_CODEC
            .open(crypto, &name.aad(version), &body, "derived file")
            .ok()
    }

    /// Whether a file is kept for `name` (authentic or not: [`DerivedCache::get`] says).
    pub fn has(&self, version: VersionId, name: DerivedName) -> bool {
        self.path(version, name).is_file()
    }

    /// Seal and store `plain` (replacing what was there).
    pub fn put(
        &self,
        crypto: &Crypto,
        version: VersionId,
        name: DerivedName,
        plain: &[u8],
    ) -> Result<()> {
        let path = self.path(version, name);
        let dir = path.parent().unwrap_or(&self.root);
        crate::fsx::create_private_dirs(dir).io("create", dir)?;
        let body = DERIVED_CODEC.seal(crypto, &name.aad(version), plain);
        let mut tmp = tempfile::NamedTempFile::new_in(dir).io("create", dir)?;
        tmp.write_all(&body).io("write", tmp.path())?;
        tmp.persist(&path)
            .map_err(|e| e.error)
            .io("rename", &path)?;
        Ok(())
    }
}

impl DerivedCache {
    /// Delete everything cached for `version` (when it is purged). Absent is fine.
    pub fn remove(&self, version: VersionId) -> Result<()> {
        let dir = self.root.join(version.to_string());
        match std::fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e).io("remove", &dir),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::MasterKey;

    #[test]
    fn round_trips_and_refuses_moved_or_damaged_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DerivedCache::at(dir.path());
        let crypto = MasterKey::generate().crypto();
        let (v, w) = (VersionId::new(), VersionId::new());
        let thumb = DerivedName::Thumbnail { size: 256 };
        let page = DerivedName::Page {
            page: 2,
            width: 640,
        };
        assert_eq!(cache.get(&crypto, v, thumb), None);
        cache.put(&crypto, v, thumb, b"png bytes").unwrap();
        assert_eq!(
            cache.get(&crypto, v, thumb).as_deref(),
            Some(&b"png bytes"[..])
        );
        // Nothing readable on disk.
        let on_disk = std::fs::read(cache.path(v, thumb)).unwrap();
        assert!(!on_disk.windows(9).any(|w| w == b"png bytes"));
        // Renamed or moved to another version: refused.
        std::fs::create_dir_all(cache.path(w, thumb).parent().unwrap()).unwrap();
        std::fs::copy(cache.path(v, thumb), cache.path(w, thumb)).unwrap();
        std::fs::copy(cache.path(v, thumb), cache.path(v, page)).unwrap();
        assert_eq!(cache.get(&crypto, w, thumb), None);
        assert_eq!(cache.get(&crypto, v, page), None);
        // Another library's key: refused.
        assert_eq!(cache.get(&MasterKey::generate().crypto(), v, thumb), None);
        // Damaged: refused, then replaced by a new write.
        let mut bad = on_disk.clone();
        *bad.last_mut().unwrap() ^= 1;
        std::fs::write(cache.path(v, thumb), bad).unwrap();
        assert_eq!(cache.get(&crypto, v, thumb), None);
        cache.put(&crypto, v, thumb, b"again").unwrap();
        assert_eq!(cache.get(&crypto, v, thumb).as_deref(), Some(&b"again"[..]));
    }
}
