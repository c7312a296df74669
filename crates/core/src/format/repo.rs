//! `dossier.repo`: the first object on a remote. It names the library and carries its
//! key slots (the master key wrapped, exactly as in `keys.json`), so another desktop can
//! join with the passphrase or the recovery key. Written once, when the remote is added;
//! each later change of slots is a new object of the same format, `keys/<n>` (see
//! `Library::merge_remote_keys`).
//!
//! It holds nothing readable about the records: ids, KDF parameters, salts and wrapped
//! keys only.

use serde::{Deserialize, Serialize};

use super::keyfile::KeyFile;
use crate::error::{Error, Result};
use crate::ids::LibraryId;

/// The repo file format this build writes and the newest it reads.
pub const REPO_FORMAT: u32 = 1;
/// Its object name on the remote.
pub const REPO_OBJECT: &str = "dossier.repo";

/// Contents of `dossier.repo` (JSON).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RepoFile {
    pub format: u32,
    pub library_id: LibraryId,
    /// Milliseconds since the Unix epoch.
    pub created_ms: i64,
    pub keys: KeyFile,
}

impl RepoFile {
    pub fn new(keys: KeyFile) -> Self {
        Self {
            format: REPO_FORMAT,
            library_id: keys.library_id,
            created_ms: chrono::Utc::now().timestamp_millis(),
            keys,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("serialisable");
        v.push(b'\n');
        v
    }

    /// Parse and check the object's body.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let damaged = |detail| Error::Integrity {
            object: REPO_OBJECT.into(),
            detail,
        };
        let v: Version =
            serde_json::from_slice(bytes).map_err(|_| damaged("not a Dossier repo file"))?;
        if v.format > REPO_FORMAT {
            return Err(Error::TooNew {
                what: REPO_OBJECT,
                found: v.format,
                supported: REPO_FORMAT,
            });
        }
        let this: Self =
            serde_json::from_slice(bytes).map_err(|_| damaged("not a Dossier repo file"))?;
        if this.keys.library_id != this.library_id {
            return Err(damaged("its key slots belong to another library"));
        }
        Ok(this)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> KeyFile {
        KeyFile {
            format: 1,
            library_id: LibraryId::new(),
            key_check: vec![1; 32],
            slots: vec![],
        }
    }

    #[test]
    fn round_trips_and_refuses_what_it_cannot_trust() {
        let repo = RepoFile::new(keys());
        assert_eq!(RepoFile::parse(&repo.to_bytes()).unwrap(), repo);
        assert!(matches!(
            RepoFile::parse(b"<html>not found</html>"),
            Err(Error::Integrity { .. })
        ));
        let mut newer = repo.clone();
        newer.format = REPO_FORMAT + 1;
        assert!(matches!(
            RepoFile::parse(&newer.to_bytes()),
            Err(Error::TooNew { .. })
        ));
        let mut mixed = repo;
        mixed.keys.library_id = LibraryId::new();
        assert!(matches!(
            RepoFile::parse(&mixed.to_bytes()),
            Err(Error::Integrity { .. })
        ));
    }
}
