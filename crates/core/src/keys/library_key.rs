//! Which key a desktop holds of its library: the library's own, or the members' key a
//! department member's slot wraps in its place (issue 21).

use zeroize::Zeroizing;

use super::MasterKey;
use super::identity::{Identity, Purpose, seal_to, verify as verify_signature};
use super::master::{FolderKey, KeyObjectKey, MembersKey};
use crate::error::{Error, Result};
use crate::format::keyfile::KeyFile;
use crate::format::library_json::{FolderKeys, LibraryJson, SealedFolderKey};
use crate::ids::{DeviceId, LibraryId};

/// A department member's folder key, as errors name it.
const FOLDER_KEY: &str = "this folder's key";

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

    /// The key of the own files (catalog, index, store journal) of the folder whose
    /// `library.json` is `meta`, opened with this key and, for a department member's own
    /// folder, the identity of the person signing in.
    pub(crate) fn local(&self, meta: &LibraryJson, person: Option<&Identity>) -> Result<FolderKey> {
        match (self, &meta.keys) {
            (Self::Library(key), FolderKeys::Library) => Ok(key.folder_key()),
            (Self::Library(key), FolderKeys::Members) => Ok(key.members_key().folder_key()),
            (Self::Members(key), FolderKeys::Members) => Ok(key.folder_key()),
            (Self::Members(_), FolderKeys::Library) => Err(Error::FolderReadsMore),
            (_, FolderKeys::Person(sealed)) => {
                let person = person
                    .filter(|p| p.public().member == sealed.member)
                    .ok_or(Error::FolderOfAnotherPerson)?;
                let opened = person
                    .open_sealed(Purpose::FolderKey, &sealed.sealed, FOLDER_KEY)
                    .map_err(|_| Error::FolderOfOtherKeys)?;
                // Sealed to these keys, so signed with them: a key someone else sealed to
                // them and put in this folder is refused.
                verify_signature(
                    person.public(),
                    Purpose::FolderKey,
                    &SealedFolderKey::signed_message(
                        meta.library_id,
                        meta.device_id,
                        sealed.member,
                        &sealed.sealed,
                    ),
                    &sealed.signature,
                    FOLDER_KEY,
                )?;
                let mut root = Zeroizing::new([0u8; 32]);
                if opened.len() != root.len() {
                    return Err(Error::Integrity {
                        object: FOLDER_KEY.into(),
                        detail: "not 32 bytes",
                    });
                }
                root.copy_from_slice(&opened);
                Ok(FolderKey::new(root, self.members_key()))
            }
        }
    }

    /// The keys of a new folder made with this key by `person`: the library's own for
    /// someone who reads every record; for a department member, a new key of the
    /// folder's own sealed to them and signed by them with the folder's `library` and
    /// `device`, which no one else's keys open.
    pub(crate) fn new_folder(
        &self,
        person: Option<&Identity>,
        library: LibraryId,
        device: DeviceId,
    ) -> Result<(FolderKeys, FolderKey)> {
        match (self, person) {
            (Self::Library(key), _) => Ok((FolderKeys::Library, key.folder_key())),
            (Self::Members(key), Some(person)) => {
                let folder = FolderKey::generate(key.clone());
                let member = person.public().member;
                let sealed = seal_to(person.public(), Purpose::FolderKey, folder.root())?;
                let signature = person
                    .sign(
                        Purpose::FolderKey,
                        &SealedFolderKey::signed_message(library, device, member, &sealed),
                    )
                    .to_vec();
                Ok((
                    FolderKeys::Person(SealedFolderKey {
                        member,
                        sealed,
                        signature,
                    }),
                    folder,
                ))
            }
            (Self::Members(_), None) => Err(Error::SignInRequired {
                what: "make a copy of the library on this desktop",
            }),
        }
    }

    /// The members' key: held, or derived from the library's.
    fn members_key(&self) -> MembersKey {
        match self {
            Self::Library(key) => key.members_key(),
            Self::Members(key) => key.clone(),
        }
    }

    /// The key of key objects' tags: the same for both.
    pub(crate) fn key_object_key(&self) -> KeyObjectKey {
        match self {
            Self::Library(key) => key.key_object_key(),
            Self::Members(key) => key.key_object_key(),
        }
    }
}
