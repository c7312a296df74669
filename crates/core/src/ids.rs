//! Newtype identifiers: documents, versions, devices, libraries, chunks and packs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An id that does not parse: the caller's [`crate::Error`] says it in plain words
/// (`NotUnderstood`, or `Integrity` for bytes of the wrong length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadId {
    NotUnderstood {
        input: String,
        expected: &'static str,
    },
    WrongLength {
        what: &'static str,
    },
}

impl fmt::Display for BadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUnderstood { input, expected } => write!(f, "{input:?} is not {expected}"),
            Self::WrongLength { what } => write!(f, "a {what} is not 32 bytes long"),
        }
    }
}

impl std::error::Error for BadId {}

macro_rules! uuid_id {
    ($(#[$m:meta])* $name:ident, $new:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Uuid);

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl $name {
            /// A fresh identifier.
            pub fn new() -> Self {
                Self(Uuid::$new())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.simple())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.simple())
            }
        }

        impl FromStr for $name {
            type Err = BadId;
            fn from_str(s: &str) -> Result<Self, BadId> {
                Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|_| BadId::NotUnderstood {
                        input: s.to_owned(),
                        expected: concat!("a ", stringify!($name)),
                    })
            }
        }
    };
}

uuid_id!(
    /// A document (random UUID v4, so that a short prefix already identifies it; see
    /// docs/decisions.md).
    DocId,
    new_v4
);
uuid_id!(
    /// An immutable version of a document (UUID v7).
    VersionId,
    now_v7
);
uuid_id!(
    /// A person the library keeps records about: a student or a member of staff. Made
    /// from the library and the person's number ([`SubjectId::for_number`]), so two
    /// desktops importing the same roster make the same subjects.
    SubjectId,
    new_v4
);
uuid_id!(
    /// A member of the library: a person who uses it (registrar staff, a records officer,
    /// an auditor), with their own keys. Not a [`SubjectId`], a person it keeps records
    /// about.
    MemberId,
    new_v4
);
uuid_id!(
    /// A saved view (a search with its filters, named).
    ViewId,
    new_v4
);
uuid_id!(
    /// An intake rule.
    RuleId,
    new_v4
);
uuid_id!(
    /// A request about a student's records (issue 22): to inspect them, or amend them.
    RequestId,
    new_v4
);
uuid_id!(
    /// A disclosure of a student's records (issue 22, 34 CFR 99.32).
    DisclosureId,
    new_v4
);
uuid_id!(
    /// A destruction of records a records officer approved (issue 22).
    DestructionId,
    new_v4
);
uuid_id!(
    /// One desktop's identity within a library.
    DeviceId,
    new_v4
);
uuid_id!(
    /// A library's identity, shared by every device that syncs it.
    LibraryId,
    new_v4
);

impl SubjectId {
    /// The id of the person of `kind` (`student`, `staff`) numbered `number` in `library`:
    /// the same on every desktop.
    pub fn for_number(library: LibraryId, kind: &str, number: &str) -> Self {
        let mut h = blake3::Hasher::new_derive_key("dossier 2026-12 subject id");
        h.update(library.0.as_bytes());
        h.update(kind.as_bytes());
        h.update(&[0]);
        h.update(number.as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&h.finalize().as_bytes()[..16]);
        Self(uuid::Builder::from_custom_bytes(bytes).into_uuid())
    }
}

macro_rules! hash_id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; 32]);

        impl $name {
            /// The id as lowercase hex.
            pub fn to_hex(&self) -> String {
                data_encoding::HEXLOWER.encode(&self.0)
            }

            /// Parse 64 hex digits.
            pub fn from_hex(s: &str) -> Result<Self, BadId> {
                let bytes = data_encoding::HEXLOWER_PERMISSIVE
                    .decode(s.as_bytes())
                    .map_err(|_| BadId::NotUnderstood {
                        input: s.to_owned(),
                        expected: concat!("a hex ", stringify!($name)),
                    })?;
                Self::from_slice(&bytes)
            }

            /// From exactly 32 bytes.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, BadId> {
                let arr: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| BadId::WrongLength {
                        what: stringify!($name),
                    })?;
                Ok(Self(arr))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), &self.to_hex()[..16])
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_hex())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::from_hex(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

hash_id!(
    /// Keyed BLAKE3 hash of a chunk's plaintext: equal content, equal id; reveals nothing
    /// without the library key.
    ChunkId
);
hash_id!(
    /// BLAKE3 hash of a whole pack file's bytes (ciphertext), so a pack can be checked
    /// without any key.
    PackId
);
hash_id!(
    /// Keyed BLAKE3 hash of a whole file's content, used to find duplicates.
    ContentHash
);
hash_id!(
    /// BLAKE3 hash of the body of one epoch of a collection's keys: names its object on a
    /// remote and, in a `ContentKey`, the very epoch content is sealed under (two owners'
    /// desktops may make the same epoch at once).
    EpochObjectId
);
hash_id!(
    /// BLAKE3 hash of a signed statement about the library's members (its body and
    /// signature): how the next statement names it.
    StatementId
);
hash_id!(
    /// An erasure epoch (issue 22), a hash of its key that reveals nothing of it
    /// (`ErasureKey::epoch`).
    ErasureEpochId
);
hash_id!(
    /// A record's own key (issue 22), a hash of it that reveals nothing of it
    /// (`RecordKey::id`): a version names the key its content is under, so a key given
    /// for its record under another id is not taken for it.
    RecordKeyId
);
hash_id!(
    /// An invitation, derived from its one-time code (`InviteCode::id`): the invitee
    /// finds the invitation's object on the remote by it, and the name tells nothing.
    InvitationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ids_round_trip_through_hex_and_json() {
        let id = ChunkId([7; 32]);
        assert_eq!(ChunkId::from_hex(&id.to_hex()).unwrap(), id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<ChunkId>(&json).unwrap(), id);
        assert!(ChunkId::from_hex("abcd").is_err());
    }

    #[test]
    fn uuid_ids_parse_their_display_form() {
        let d = DocId::new();
        assert_eq!(d.to_string().parse::<DocId>().unwrap(), d);
        assert!("nope".parse::<DocId>().is_err());
    }
}
