//! Key objects: `dossier.repo`, the first object on a remote, and `keys/<n>`, each later
//! slot set. Each names the library and carries its key slots (the master key wrapped,
//! exactly as in `keys.json`), so another desktop can join with the passphrase or the
//! recovery key. Written once each, never replaced (see `Library::merge_remote_keys`).
//!
//! Format 2 adds `auth`: a BLAKE3 keyed hash, under a key derived from the master key,
//! of the object's whole content and its number (so its name). Only a holder of the
//! master key can write an object that verifies; one copied under another number does
//! not. Format 1 objects (written before 2026-12) carry no tag and are *legacy*: a new
//! desktop trusts them only on a remote that holds no authentic object.
//!
//! It holds nothing readable about the records: ids, labels, KDF parameters, salts and
//! wrapped keys only.

use serde::{Deserialize, Serialize};

use super::keyfile::{KeyFile, KeySlot, SlotKdf};
use crate::error::{Error, Result};
use crate::ids::{LibraryId, MemberId};

/// Key objects' authentication tags under the master key's key-object subkey: what this
/// format needs of the keys module's `KeyObjectKey`.
pub(crate) trait Tagger {
    /// The tag of `message` (keyed BLAKE3).
    fn tag(&self, message: &[u8]) -> [u8; 32];
    /// Whether `tag` is the tag of `message`, compared in constant time.
    fn verify(&self, message: &[u8], tag: &[u8]) -> bool;
}

/// The newest repo file format this build reads: 3 is written only for slots with the
/// members' key (`KeyFile::members_check`), which builds before it would take for
/// damage and cover with their own slot set: they stop instead (`Error::TooNew`).
pub const REPO_FORMAT: u32 = 3;
/// Its object name on the remote.
pub const REPO_OBJECT: &str = "dossier.repo";
/// The largest key object Dossier reads: a passphrase slot takes about 400 bytes, a
/// person's slot (with their identity) about 1 KiB.
pub const MAX_KEY_OBJECT: usize = 8 * 1024 * 1024;
/// The most slots a key object may hold: a school's staff, each with their own.
pub const MAX_SLOTS: usize = 5000;
/// Lengths a slot's fields may have: an id of 4 random bytes in hex, a label typed by a
/// person, the wrapped key (nonce, 32-byte key, tag).
const MAX_SLOT_ID: usize = 32;
const MAX_LABEL: usize = 256;
const WRAPPED_LEN: usize = 12 + 32 + 16;
/// A person's slot is a sealed box: an ephemeral public key before the wrapped key.
const SEALED_LEN: usize = 32 + WRAPPED_LEN;
/// A department member's slot: the same around the members' key and the key objects'
/// key (64 bytes) in place of the library's key.
const SEALED_MEMBERS_LEN: usize = SEALED_LEN + 32;
/// A person's two private keys wrapped by their passphrase (nonce, 64 bytes, tag).
const IDENTITY_WRAPPED_LEN: usize = 12 + 64 + 16;

/// The remote object name of key object `seq`: 0 is `dossier.repo`, then `keys/<n>`.
pub fn key_object_name(seq: u64) -> String {
    if seq == 0 {
        REPO_OBJECT.to_owned()
    } else {
        format!("keys/{seq:020}")
    }
}

/// The number of a key object from its remote name.
pub fn parse_key_object_name(name: &str) -> Option<u64> {
    if name == REPO_OBJECT {
        return Some(0);
    }
    let digits = name.strip_prefix("keys/")?;
    (digits.len() == 20 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
        .filter(|&n| n > 0)
}

/// Contents of a key object (JSON).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RepoFile {
    pub format: u32,
    pub library_id: LibraryId,
    /// Milliseconds since the Unix epoch.
    pub created_ms: i64,
    pub keys: KeyFile,
    /// The tag over everything above and the object's number (format 2); absent in
    /// format 1.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_b64")]
    pub auth: Option<Vec<u8>>,
    /// Who published this slot set, signed (objects written before session 35, and by
    /// desktops without people, have none). The tag says a holder of the library's or
    /// the members' key wrote it; this says which person: a desktop takes in from it
    /// only the changes that person may make (`Library::merge_remote_keys`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ObjectSignature>,
}

/// A person's signature of a key object: of the bytes its tag covers
/// ([`RepoFile::signed_bytes`]), for the purpose of key objects.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ObjectSignature {
    pub by: MemberId,
    #[serde(with = "super::b64")]
    pub signature: Vec<u8>,
}

/// Whether a key object can be trusted, once checked with the master key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authenticity {
    /// Its tag verifies: written by a holder of the master key, as this number.
    Authentic,
    /// Format 1: no tag (written before key objects were authenticated, or forged).
    Legacy,
    /// Its tag does not verify: forged, replayed under another number, or altered.
    Forged,
}

impl RepoFile {
    /// Key object `seq` of these slots, authenticated with `key`.
    pub(crate) fn seal(keys: KeyFile, seq: u64, key: &dyn Tagger) -> Self {
        let mut this = Self {
            format: if keys.members_check.is_some() { 3 } else { 2 },
            library_id: keys.library_id,
            created_ms: chrono::Utc::now().timestamp_millis(),
            keys,
            auth: None,
            signature: None,
        };
        this.auth = Some(key.tag(&this.signed_bytes(seq)).to_vec());
        this
    }

    /// Whether this is key object `seq` as a holder of the master key (`key`) wrote it.
    pub(crate) fn authenticity(&self, seq: u64, key: &dyn Tagger) -> Authenticity {
        match &self.auth {
            None => Authenticity::Legacy,
            Some(tag) if key.verify(&self.signed_bytes(seq), tag) => Authenticity::Authentic,
            Some(_) => Authenticity::Forged,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("serialisable");
        v.push(b'\n');
        v
    }

    /// Parse and check the object's body: its shape, its bounds (size, slot count, field
    /// lengths) and that its slots name its library. Not its tag: that needs the key.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let damaged = |detail| Error::Integrity {
            object: REPO_OBJECT.into(),
            detail,
        };
        if bytes.len() > MAX_KEY_OBJECT {
            return Err(damaged("larger than any key object Dossier writes"));
        }
        let v: Version =
            serde_json::from_slice(bytes).map_err(|_| damaged("not a Dossier key object"))?;
        if v.format > REPO_FORMAT {
            return Err(Error::TooNew {
                what: REPO_OBJECT,
                found: v.format,
                supported: REPO_FORMAT,
            });
        }
        let this: Self =
            serde_json::from_slice(bytes).map_err(|_| damaged("not a Dossier key object"))?;
        if this.keys.library_id != this.library_id {
            return Err(damaged("its key slots belong to another library"));
        }
        if this.keys.slots.len() > MAX_SLOTS {
            return Err(damaged("it holds more key slots than Dossier allows"));
        }
        let mut members = std::collections::HashSet::new();
        if !this
            .keys
            .slots
            .iter()
            .filter_map(KeySlot::member)
            .all(|m| members.insert(m))
        {
            // Each person has one slot: more would only make a desktop run their
            // passphrase through Argon2id once for each.
            return Err(damaged("two key slots are one person's"));
        }
        if this
            .keys
            .members_check
            .as_ref()
            .is_some_and(|c| c.len() != blake3::OUT_LEN)
        {
            return Err(damaged("its members' key check is not 32 bytes"));
        }
        if !this.keys.slots.iter().all(slot_within_bounds) {
            return Err(damaged(
                "a key slot's fields are longer than Dossier writes",
            ));
        }
        if this
            .signature
            .as_ref()
            .is_some_and(|s| s.signature.len() != 64)
        {
            return Err(damaged("its signature is not 64 bytes"));
        }
        match (this.format, &this.auth) {
            (1, None) => Ok(this),
            (1, Some(_)) => Err(damaged("a format 1 key object with a tag")),
            (_, Some(tag)) if tag.len() == blake3::OUT_LEN => Ok(this),
            _ => Err(damaged("its authentication tag is missing or malformed")),
        }
    }

    /// The bytes the tag covers: every field, each length-prefixed, with the object's
    /// number (so a copy under another name does not verify).
    pub(crate) fn signed_bytes(&self, seq: u64) -> Vec<u8> {
        let mut b = Encoder(Vec::with_capacity(256 + 160 * self.keys.slots.len()));
        b.bytes(b"dossier key object v2");
        b.u64(seq);
        b.u64(u64::from(self.format));
        b.bytes(self.library_id.0.as_bytes());
        b.u64(self.created_ms as u64);
        b.u64(u64::from(self.keys.format));
        b.bytes(self.keys.library_id.0.as_bytes());
        b.bytes(&self.keys.key_check);
        b.u64(self.keys.slots.len() as u64);
        for slot in &self.keys.slots {
            b.bytes(slot.id.as_bytes());
            b.bytes(slot.label.as_bytes());
            b.u64(slot.created_ms as u64);
            b.kdf(&slot.kdf);
            b.bytes(&slot.wrapped);
        }
        // Last, and only when present: objects written before it keep their tags.
        if let Some(check) = &self.keys.members_check {
            b.bytes(b"members check");
            b.bytes(check);
        }
        b.0
    }
}

fn slot_within_bounds(slot: &KeySlot) -> bool {
    slot.id.len() <= MAX_SLOT_ID
        && slot.label.len() <= MAX_LABEL
        && match &slot.kdf {
            SlotKdf::Member { identity } => {
                [SEALED_LEN, SEALED_MEMBERS_LEN].contains(&slot.wrapped.len())
                    && identity.wrapped.len() == IDENTITY_WRAPPED_LEN
            }
            _ => slot.wrapped.len() == WRAPPED_LEN,
        }
}

/// Length-prefixed fields: no two different objects encode to the same bytes.
struct Encoder(Vec<u8>);

impl Encoder {
    fn u64(&mut self, n: u64) {
        self.0.extend_from_slice(&n.to_be_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }

    fn kdf(&mut self, kdf: &SlotKdf) {
        match kdf {
            SlotKdf::Passphrase {
                m_cost_kib,
                t_cost,
                p_cost,
                salt,
            } => {
                self.bytes(b"passphrase");
                self.u64(u64::from(*m_cost_kib));
                self.u64(u64::from(*t_cost));
                self.u64(u64::from(*p_cost));
                self.bytes(salt);
            }
            SlotKdf::Recovery { salt } => {
                self.bytes(b"recovery");
                self.bytes(salt);
            }
            SlotKdf::Member { identity } => {
                self.bytes(b"member");
                self.u64(u64::from(identity.format));
                self.bytes(identity.public.member.0.as_bytes());
                self.bytes(identity.public.name.as_bytes());
                self.bytes(&identity.public.signing);
                self.bytes(&identity.public.encryption);
                self.u64(identity.created_ms as u64);
                self.kdf(&identity.kdf);
                self.bytes(&identity.wrapped);
            }
        }
    }
}

/// Serde helper: optional bytes as a base64 string.
mod opt_b64 {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => super::super::b64::serialize(b, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        super::super::b64::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests;
