//! Keys: the master key, its subkeys, key slots that wrap it, recovery keys, the OS
//! keyring, and members' own identities (signing and encryption key pairs).
//!
//! **Invariant:** the master key and subkeys exist only in memory, zeroized on drop; on
//! disk the master key exists only wrapped in a key slot (or in the OS keyring).

mod erasure;
mod identity;
mod invite;
mod keyring;
mod library_key;
pub(crate) mod master;
mod record;
mod recovery;
mod slots;

pub(crate) use erasure::HandoverKey;
pub use erasure::{ErasureKey, ErasureRecoveryCode};
pub use identity::{
    Fingerprint, Identity, Purpose, seal_to, usable_keys, verify as verify_signature,
};
pub use invite::InviteCode;
pub use keyring::OsKeyring;
pub use library_key::LibraryKey;
pub(crate) use master::{BlockCipher, CatalogKey, FolderKey, IndexKey};
pub use master::{Crypto, MasterKey, MembersKey};
pub use record::RecordKey;
pub use recovery::{RecoveryKey, Secret};
pub(crate) use slots::fits;
pub use slots::{
    KdfParams, add_passphrase_slot, add_person_slot, add_recovery_slot, remove_slot,
    rewrap_person_slot, unwrap_any, unwrap_person, unwrap_with_person,
};
