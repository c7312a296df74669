//! `remote.json` in the library folder: where this desktop syncs the library to. Only
//! the address; credentials come from the environment or the OS keyring.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};

/// Contents of `remote.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RemoteJson {
    /// The remote's URL (`s3://…`, `webdav://…`, `file://…`), without secrets.
    pub url: String,
    /// Bytes of content to keep on this desktop; content safely on the remote and read
    /// least recently is evicted beyond it and fetched again when read. None: keep all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_budget: Option<u64>,
}

impl RemoteJson {
    /// The file's contents, or `None` when there is no file (no remote yet).
    pub fn read(path: &Path) -> Result<Option<Self>> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).io("read", path),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| Error::Json {
                path: path.into(),
                source,
            })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("serialisable");
        v.push(b'\n');
        v
    }
}
