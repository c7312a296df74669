//! One epoch of a collection's key as kept for its members (issue 21; docs/decisions.md,
//! "Key hierarchy"): the key sealed to each member with access, and the previous epoch's
//! key sealed under it, signed by the owner who made the epoch.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{EpochObjectId, LibraryId, MemberId};

/// The epoch keys format this build writes.
pub const EPOCH_KEYS_FORMAT: u32 = 1;

/// The scope whose epochs are the journal's own keys (segments and checkpoints sealed
/// under them are format 2 and 3), read by every member. No collection may have this
/// name.
pub const JOURNAL_SCOPE: &str = "dossier:journal";

/// The largest epoch body Dossier reads: a sealed key is under 100 bytes, and a library
/// has at most a few thousand members.
pub const MAX_EPOCH_BYTES: usize = 4 * 1024 * 1024;

/// A collection's key at one epoch, for its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochKeys {
    pub format: u32,
    pub library: LibraryId,
    pub collection: String,
    /// 0 for the collection's first key, then one more at each rotation.
    pub epoch: u64,
    /// The owner who made it.
    pub by: MemberId,
    /// The place in the people's chain (the statement's `seq`) whose readers it is sealed
    /// to, so a desktop sees when one of them has had their keys given anew since
    /// (0 in epochs older builds made).
    #[serde(default)]
    pub at: u64,
    /// The epoch's key sealed to each member with access (a box only they can open).
    #[serde(with = "super::sealed_map")]
    pub members: BTreeMap<MemberId, Vec<u8>>,
    /// The previous epoch's key sealed under this one (`None` at epoch 0), so the newest
    /// key opens the collection's whole history.
    #[serde(default, with = "super::b64_opt")]
    pub previous: Option<Vec<u8>>,
}

/// An epoch and its owner's signature over the exact JSON signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedEpochKeys {
    pub body: String,
    #[serde(with = "super::b64")]
    pub signature: Vec<u8>,
}

impl SignedEpochKeys {
    /// The epoch the body holds, if it is one (bounded in size).
    pub fn epoch_keys(&self) -> Option<EpochKeys> {
        if self.body.len() > MAX_EPOCH_BYTES {
            return None;
        }
        serde_json::from_str(&self.body).ok()
    }
}

/// The key a version's content, or a pack, is sealed under: a collection's at one epoch
/// (issue 21). Absent where it is recorded: the library's own key (collection "all" at
/// epoch 0), as for everything written before collections had keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ContentKey {
    pub collection: String,
    pub epoch: u64,
    /// The epoch's object (since session 31; absent before): of two made for one epoch
    /// at once, the one whose key sealed this, which opens it even where the other is
    /// the one chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<EpochObjectId>,
}

/// The journal's epochs also travel as objects of their own on a remote, so that a
/// desktop holds the key of a segment before it opens it:
///
/// ```text
/// epochs/<BLAKE3 of the epoch's body, 64 hex digits>   written once, never changed
/// "DOSEPOC2" | nonce(12) | AES-256-GCM(JSON SignedEpochKeys) | tag(16)
/// ```
///
/// sealed under the key of epoch objects (derived from the key every member holds,
/// department staff included, who must read the keys sealed to them without the key
/// that opens the library's older history), bound (associated data) to the name, which
/// must be the digest of the body it holds: only a member writes one that opens, and
/// what it holds is still judged by its owner's signature before anything is sealed
/// under it. Objects written before session 34 are `DOSEPOC1`, the same under the
/// library's own journal key ([`EPOCH_OBJECT_CODEC_1`]); they still open.
pub(crate) const EPOCH_OBJECT_CODEC: super::sealed::Codec = super::sealed::Codec {
    magic: b"DOSEPOC2",
    kind: super::sealed::SealKind::EpochObject,
    wrong_magic: "not an epoch object (wrong magic)",
};

/// Epoch objects as written before session 34: under the library's own journal key.
pub(crate) const EPOCH_OBJECT_CODEC_1: super::sealed::Codec = super::sealed::Codec {
    magic: b"DOSEPOC1",
    kind: super::sealed::SealKind::Journal,
    wrong_magic: "not an epoch object (wrong magic)",
};

/// The prefix of epoch objects on a remote.
pub const EPOCH_OBJECT_PREFIX: &str = "epochs/";

impl SignedEpochKeys {
    /// Its digest: BLAKE3 of its body, which names it on a remote.
    pub fn digest(&self) -> [u8; 32] {
        *blake3::hash(self.body.as_bytes()).as_bytes()
    }

    /// Its id: its digest, as a `ContentKey` names it.
    pub fn id(&self) -> EpochObjectId {
        EpochObjectId(self.digest())
    }

    /// Its object name on a remote.
    pub fn object_name(&self) -> String {
        format!(
            "{EPOCH_OBJECT_PREFIX}{}",
            data_encoding::HEXLOWER.encode(&self.digest())
        )
    }
}

/// Whether `name` is an epoch object's name.
pub fn is_epoch_object_name(name: &str) -> bool {
    name.strip_prefix(EPOCH_OBJECT_PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The body of `keys`' remote object.
pub(crate) fn seal_object(
    crypto: &dyn super::sealed::Sealer,
    keys: &SignedEpochKeys,
) -> Result<Vec<u8>> {
    let name = keys.object_name();
    Ok(EPOCH_OBJECT_CODEC.seal(crypto, name.as_bytes(), &serde_json::to_vec(keys)?))
}

/// Whether an epoch object's body is one written before session 34, under the library's
/// own journal key (which department staff do not hold).
pub(crate) fn under_library_key(body: &[u8]) -> bool {
    body.starts_with(EPOCH_OBJECT_CODEC_1.magic)
}

/// The epoch an object named `name` holds: authenticated, and the one its name says.
pub(crate) fn open_object(
    crypto: &dyn super::sealed::Sealer,
    name: &str,
    body: &[u8],
) -> Result<SignedEpochKeys> {
    let damaged = |detail| Error::Integrity {
        object: name.to_owned(),
        detail,
    };
    if !is_epoch_object_name(name) {
        return Err(damaged("not an epoch object's name"));
    }
    let codec = if under_library_key(body) {
        EPOCH_OBJECT_CODEC_1
    } else {
        EPOCH_OBJECT_CODEC
    };
    let plain = codec.open(crypto, name.as_bytes(), body, name)?;
    let keys: SignedEpochKeys =
        serde_json::from_slice(&plain).map_err(|_| damaged("not an epoch object"))?;
    if keys.object_name() != name {
        return Err(damaged("holds another epoch than its name says"));
    }
    Ok(keys)
}
