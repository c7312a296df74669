//! Which key a desktop holds of its library: the library's own, or the members' key a
//! department member's slot wraps in its place (issue 21).

use zeroize::Zeroizing;

use super::master::{CatalogKey, IndexKey, KeyObjectKey, MembersKey};
use super::{Crypto, MasterKey};
use crate::error::Result;
use crate::format::keyfile::KeyFile;
use crate::format::library_json::FolderKeys;

/// What a key slot opened: the library's key (owners, records officers, registrar staff,
/// auditors, and every passphrase and recovery slot) or, for department staff, the
/// members' key, which opens nothing sealed under the library's key.
#[derive(Clone, Debug)]
pub enum LibraryKey {
    Library(MasterKey),
    Members(MembersKey),
}

impl LibraryKey {
    /// From the bytes a person's slot wraps: 32 for the library's key, 64 for the
    /// members' key.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() == 32 {
            MasterKey::from_bytes(bytes).map(Self::Library)
        } else {
            MembersKey::from_bytes(bytes).map(Self::Members)
        }
    }

    /// The bytes a person's slot wraps.
    pub(crate) fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        match self {
            Self::Library(key) => Zeroizing::new(key.expose().to_vec()),
            Self::Members(key) => key.to_bytes(),
        }
    }

    /// Whether `file` names this as its library's key (its check value).
    pub fn fits(&self, file: &KeyFile) -> bool {
        match self {
            Self::Library(key) => key.check_value() == file.key_check,
            Self::Members(key) => file.members_check.as_ref() == Some(&key.check_value()),
        }
    }

    /// The library's own key, when this is it.
    pub fn library(&self) -> Option<&MasterKey> {
        match self {
            Self::Library(key) => Some(key),
            Self::Members(_) => None,
        }
    }

    /// The key of a folder's own files (catalog, index, store journal) whose folder is
    /// under `folder`'s: `None` when this key cannot open them (the members' key, in a
    /// folder made by someone who reads every record).
    pub(crate) fn local(&self, folder: FolderKeys) -> Option<LibraryKey> {
        match (self, folder) {
            (Self::Library(key), FolderKeys::Library) => Some(Self::Library(key.clone())),
            (Self::Library(key), FolderKeys::Members) => Some(Self::Members(key.members_key())),
            (Self::Members(key), FolderKeys::Members) => Some(Self::Members(key.clone())),
            (Self::Members(_), FolderKeys::Library) => None,
        }
    }

    /// Which folder this key makes: one under the members' key for department staff.
    pub(crate) fn folder(&self) -> FolderKeys {
        match self {
            Self::Library(_) => FolderKeys::Library,
            Self::Members(_) => FolderKeys::Members,
        }
    }

    /// The key of key objects' tags: the same for both.
    pub(crate) fn key_object_key(&self) -> KeyObjectKey {
        match self {
            Self::Library(key) => key.key_object_key(),
            Self::Members(key) => key.key_object_key(),
        }
    }

    pub(crate) fn catalog_key(&self) -> CatalogKey {
        match self {
            Self::Library(key) => key.catalog_key(),
            Self::Members(key) => key.catalog_key(),
        }
    }

    pub(crate) fn index_key(&self) -> IndexKey {
        match self {
            Self::Library(key) => key.index_key(),
            Self::Members(key) => key.index_key(),
        }
    }

    pub(crate) fn crypto(&self) -> Crypto {
        match self {
            Self::Library(key) => key.crypto(),
            Self::Members(key) => key.crypto(),
        }
    }
}
