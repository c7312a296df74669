//! `keys.json`: the master key wrapped in one or more key slots.

use serde::{Deserialize, Serialize};

use super::identity::IdentityFile;
use crate::ids::{LibraryId, MemberId};

/// The key file format this build writes when the file has a slot for a person (format 1,
/// passphrase and recovery slots only, is still written while it has none, so that older
/// builds keep opening such a library).
pub const KEYFILE_FORMAT: u32 = 2;

/// Contents of `keys.json` (written 0600).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyFile {
    pub format: u32,
    pub library_id: LibraryId,
    /// BLAKE3 `derive_key` of the master key: tells a right key (from the keyring) from a
    /// wrong one without revealing anything.
    #[serde(with = "super::b64")]
    pub key_check: Vec<u8>,
    /// The same of the members' key (`MembersKey`), which department staff's slots wrap
    /// in place of the library's: written with the first such slot.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::b64_opt"
    )]
    pub members_check: Option<Vec<u8>>,
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
    /// A person of the library (issue 21): their identity (its private keys wrapped by
    /// their own passphrase), and in `wrapped` the master key sealed to its encryption key
    /// (a sealed box only that identity opens). Their passphrase opens the one, which
    /// opens the other, on any desktop of the library.
    Member { identity: Box<IdentityFile> },
}

/// The most memory a passphrase slot may ask Argon2id for, in KiB: 1 GiB.
pub const MAX_M_COST_KIB: u32 = 1024 * 1024;
/// The most passes a passphrase slot may ask for.
pub const MAX_T_COST: u32 = 16;
/// The most lanes a passphrase slot may ask for.
pub const MAX_P_COST: u32 = 16;
/// The salt lengths a slot may have, in bytes (new slots use 16).
const SALT_LEN: std::ops::RangeInclusive<usize> = 8..=64;

/// Whether Argon2id costs are ones a slot may ask for. Slots come from `keys.json` and
/// from the remote, which anyone holding the bucket's credentials can write: unbounded,
/// one slot asking for terabytes of memory or millions of passes would stop every
/// desktop at unlock.
pub fn costs_within_bounds(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> bool {
    (1..=MAX_P_COST).contains(&p_cost)
        && (1..=MAX_T_COST).contains(&t_cost)
        && (8 * p_cost..=MAX_M_COST_KIB).contains(&m_cost_kib)
}

impl KeySlot {
    pub fn kind_name(&self) -> &'static str {
        match self.kdf {
            SlotKdf::Passphrase { .. } => "passphrase",
            SlotKdf::Recovery { .. } => "recovery",
            SlotKdf::Member { .. } => "person",
        }
    }

    /// Whether the slot may be tried at all: its costs within the bounds and its salt of a
    /// sane length (a person's: their identity well formed and wrapped by a passphrase
    /// within the same bounds). An unusable slot is skipped at unlock, never run.
    pub fn usable(&self) -> bool {
        kdf_usable(&self.kdf)
    }

    /// The person whose slot this is, if it is a person's.
    pub fn member(&self) -> Option<MemberId> {
        self.identity().map(|i| i.public.member)
    }

    /// Whether this person's slot wraps the members' key (a department member's: 64
    /// bytes in its sealed box) rather than the library's (32).
    pub fn wraps_members_key(&self) -> bool {
        self.identity().is_some() && self.wrapped.len() > 32 + 12 + 32 + 16
    }

    /// The identity of the person whose slot this is, if it is a person's.
    pub fn identity(&self) -> Option<&IdentityFile> {
        match &self.kdf {
            SlotKdf::Member { identity } => Some(identity),
            _ => None,
        }
    }
}

fn kdf_usable(kdf: &SlotKdf) -> bool {
    match kdf {
        SlotKdf::Passphrase {
            m_cost_kib,
            t_cost,
            p_cost,
            salt,
        } => costs_within_bounds(*m_cost_kib, *t_cost, *p_cost) && SALT_LEN.contains(&salt.len()),
        SlotKdf::Recovery { salt } => SALT_LEN.contains(&salt.len()),
        SlotKdf::Member { identity } => {
            identity.public.well_formed()
                && matches!(identity.kdf, SlotKdf::Passphrase { .. })
                && kdf_usable(&identity.kdf)
        }
    }
}

impl KeyFile {
    /// Whether a person's slot is in the file: the library is unlocked by its people, and
    /// a passphrase alone no longer opens it.
    pub fn has_people(&self) -> bool {
        self.slots.iter().any(|s| s.member().is_some())
    }

    /// Take out every passphrase slot (a library kept by its people opens for a person
    /// alone); `true` when there was one.
    pub fn drop_passphrase_slots(&mut self) -> bool {
        let before = self.slots.len();
        self.slots
            .retain(|s| !matches!(s.kdf, SlotKdf::Passphrase { .. }));
        self.slots.len() != before
    }

    /// The format to write the file in: 1 while it has no person's slot.
    pub fn format_needed(&self) -> u32 {
        if self.has_people() { KEYFILE_FORMAT } else { 1 }
    }
}
