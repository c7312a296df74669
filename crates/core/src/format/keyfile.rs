//! `keys.json`: the master key wrapped in one or more key slots.

use serde::{Deserialize, Serialize};

use crate::ids::LibraryId;

/// The key file format this build writes.
pub const KEYFILE_FORMAT: u32 = 1;

/// Contents of `keys.json` (written 0600).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyFile {
    pub format: u32,
    pub library_id: LibraryId,
    /// BLAKE3 `derive_key` of the master key: tells a right key (from the keyring) from a
    /// wrong one without revealing anything.
    #[serde(with = "super::b64")]
    pub key_check: Vec<u8>,
    pub slots: Vec<KeySlot>,
}

/// One way to unwrap the master key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeySlot {
    /// Short random id (hex), shown by `dossier keys list`.
    pub id: String,
    pub label: String,
    pub created_ms: i64,
    pub kdf: SlotKdf,
    /// `nonce || AES-256-GCM(master key) || tag`, associated data `library id || slot id`.
    #[serde(with = "super::b64")]
    pub wrapped: Vec<u8>,
}

/// How the wrapping key is derived from what the user holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlotKdf {
    /// A passphrase through Argon2id.
    Passphrase {
        m_cost_kib: u32,
        t_cost: u32,
        p_cost: u32,
        #[serde(with = "super::b64")]
        salt: Vec<u8>,
    },
    /// A 256-bit recovery key through BLAKE3 `derive_key` (already high-entropy).
    Recovery {
        #[serde(with = "super::b64")]
        salt: Vec<u8>,
    },
}

impl KeySlot {
    pub fn kind_name(&self) -> &'static str {
        match self.kdf {
            SlotKdf::Passphrase { .. } => "passphrase",
            SlotKdf::Recovery { .. } => "recovery",
        }
    }
}
