//! `library.json`: format version, library id and this desktop's device id.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};
use crate::ids::{DeviceId, LibraryId, MemberId};

/// The newest library folder format this build reads: 2 adds `owner_key`, written only
/// when it is set (a library without it stays format 1); 3 adds `keys`, written only for
/// a folder under the members' key; 4, a department member's folder under a key of its
/// own sealed to them.
pub const LIBRARY_FORMAT: u32 = 4;

/// Which key a folder's own files (catalog, index, store journal) are sealed under.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolderKeys {
    /// The library's own key: a folder made by someone who reads every record (and every
    /// folder made before session 34).
    #[default]
    Library,
    /// The members' key: a department member's folder made in sessions 34 and 35, which
    /// every department member's key opens (and the library's key, which derives it).
    Members,
    /// A key of the folder's own sealed to the department member who made it: only their
    /// identity opens it (made since session 36).
    Person(SealedFolderKey),
}

/// A folder's own key sealed to its person ([`crate::keys::seal_to`], for
/// `Purpose::FolderKey`), and signed by them with the folder's library and device
/// ([`SealedFolderKey::signed_message`]): whoever can write to the folder cannot put in
/// a key of their choosing sealed to the same person.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedFolderKey {
    pub member: MemberId,
    #[serde(with = "super::b64")]
    pub sealed: Vec<u8>,
    #[serde(with = "super::b64")]
    pub signature: Vec<u8>,
}

impl SealedFolderKey {
    /// What the person signs: the folder's library and device, their member id and the
    /// sealed key.
    pub fn signed_message(
        library: LibraryId,
        device: DeviceId,
        member: MemberId,
        sealed: &[u8],
    ) -> Vec<u8> {
        let mut m = format!("{library}\n{device}\n{member}\n").into_bytes();
        m.extend_from_slice(sealed);
        m
    }
}

impl std::fmt::Debug for SealedFolderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedFolderKey")
            .field("member", &self.member)
            .finish_non_exhaustive()
    }
}

impl FolderKeys {
    fn is_library(&self) -> bool {
        *self == Self::Library
    }
}

/// Contents of `library.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LibraryJson {
    pub format: u32,
    pub library_id: LibraryId,
    pub device_id: DeviceId,
    /// Milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// The library owner's Ed25519 public key, pinned on this desktop (issue 21): by the
    /// invitation it joined with, or when it took the library into its people's keeping.
    /// Only a `LibraryOwned` naming this key counts here. Not a secret, and no name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::b64_opt"
    )]
    pub owner_key: Option<Vec<u8>>,
    /// Which key this folder's own files are under.
    #[serde(default, skip_serializing_if = "FolderKeys::is_library")]
    pub keys: FolderKeys,
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

    /// The format this file needs: 4 under a person's own key, 3 under the members'
    /// key, 2 with a pinned owner, else 1 (older builds open it).
    pub fn format_needed(&self) -> u32 {
        if matches!(self.keys, FolderKeys::Person(_)) {
            4
        } else if !self.keys.is_library() {
            3
        } else if self.owner_key.is_some() {
            2
        } else {
            1
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut this = self.clone();
        this.format = self.format_needed();
        let mut v = serde_json::to_vec_pretty(&this).expect("serialisable");
        v.push(b'\n');
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_owner_makes_format_2_and_an_unpinned_file_stays_format_1() {
        let plain = LibraryJson {
            format: LIBRARY_FORMAT,
            library_id: LibraryId::new(),
            device_id: DeviceId::new(),
            created_ms: 1,
            owner_key: None,
            keys: FolderKeys::Library,
        };
        let written: serde_json::Value = serde_json::from_slice(&plain.to_bytes()).unwrap();
        assert_eq!(written["format"], 1);
        assert!(written.get("owner_key").is_none());
        let pinned = LibraryJson {
            owner_key: Some(vec![7; 32]),
            ..plain
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.json");
        std::fs::write(&path, pinned.to_bytes()).unwrap();
        let back = LibraryJson::read(&path).unwrap();
        assert_eq!(back.format, 2);
        assert_eq!(back.owner_key, Some(vec![7; 32]));
        assert_eq!(back.keys, FolderKeys::Library);
        // A folder under the members' key is format 3: a build that would read it as
        // under the library's key refuses it.
        let members = LibraryJson {
            keys: FolderKeys::Members,
            ..pinned.clone()
        };
        std::fs::write(&path, members.to_bytes()).unwrap();
        let back = LibraryJson::read(&path).unwrap();
        assert_eq!((back.format, back.keys), (3, FolderKeys::Members));
        // One under its person's own key is format 4, and keeps what is sealed.
        let sealed = SealedFolderKey {
            member: MemberId::new(),
            sealed: vec![9; 80],
            signature: vec![3; 64],
        };
        let person = LibraryJson {
            keys: FolderKeys::Person(sealed.clone()),
            ..pinned.clone()
        };
        std::fs::write(&path, person.to_bytes()).unwrap();
        let back = LibraryJson::read(&path).unwrap();
        assert_eq!((back.format, back.keys), (4, FolderKeys::Person(sealed)));
        // A newer format than this build reads is refused, not half-read.
        let mut newer: serde_json::Value = serde_json::from_slice(&pinned.to_bytes()).unwrap();
        newer["format"] = (LIBRARY_FORMAT + 1).into();
        std::fs::write(&path, newer.to_string()).unwrap();
        assert!(matches!(
            LibraryJson::read(&path),
            Err(Error::TooNew { .. })
        ));
    }
}
