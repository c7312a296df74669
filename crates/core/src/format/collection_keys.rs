//! One epoch of a collection's key as kept for its members (issue 21; docs/decisions.md,
//! "Key hierarchy"): the key sealed to each member with access, and the previous epoch's
//! key sealed under it, signed by the owner who made the epoch.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{LibraryId, MemberId};

/// The epoch keys format this build writes.
pub const EPOCH_KEYS_FORMAT: u32 = 1;

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
}
