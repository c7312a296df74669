//! `library.json`: format version, library id and this desktop's device id.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};
use crate::ids::{DeviceId, LibraryId};

/// The library folder format this build writes and the newest it reads.
pub const LIBRARY_FORMAT: u32 = 1;

/// Contents of `library.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LibraryJson {
    pub format: u32,
    pub library_id: LibraryId,
    pub device_id: DeviceId,
    /// Milliseconds since the Unix epoch.
    pub created_ms: i64,
}

impl LibraryJson {
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).io("read", path)?;
        let this: Self = serde_json::from_slice(&bytes).map_err(|source| Error::Json {
            path: path.into(),
            source,
        })?;
        if this.format > LIBRARY_FORMAT {
            return Err(Error::TooNew {
                what: "library.json",
                found: this.format,
                supported: LIBRARY_FORMAT,
            });
        }
        Ok(this)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("serialisable");
        v.push(b'\n');
        v
    }
}
