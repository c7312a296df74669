//! A record's own key (issue 22, cryptographic erase): random, one per document, drawn
//! into its content's ciphers together with its collection's key
//! ([`Crypto::for_record`](super::Crypto::for_record)), and given to other desktops only
//! sealed under an erasure epoch's key ([`ErasureKey::seal_record_keys`]). Once a
//! destroyed record's key is forgotten, and the epochs it was sealed under with it, no key
//! that survives opens its content, wherever a copy of it was kept.
//!
//! [`ErasureKey::seal_record_keys`]: super::ErasureKey::seal_record_keys

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::ids::RecordKeyId;

/// BLAKE3 `derive_key` context of a key's id. Never change it.
const ID: &str = "dossier 2026-12 record key id";

/// One record's 256-bit key. Zeroized on drop; never printed.
#[derive(Clone)]
pub struct RecordKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKey(..)")
    }
}

impl PartialEq for RecordKey {
    /// In constant time.
    fn eq(&self, other: &Self) -> bool {
        blake3::Hash::from_bytes(*self.0) == blake3::Hash::from_bytes(*other.0)
    }
}

impl Eq for RecordKey {}

impl RecordKey {
    /// A new random key from the OS generator.
    pub(crate) fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        crate::fill_random(k.as_mut());
        Self(k)
    }

    /// From the 32 bytes an opened table or the catalog held.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| Error::Integrity {
            object: "a record's key".into(),
            detail: "not 32 bytes",
        })?;
        Ok(Self(Zeroizing::new(arr)))
    }

    /// Its id: a hash of it that reveals nothing of it.
    pub fn id(&self) -> RecordKeyId {
        RecordKeyId(blake3::derive_key(ID, self.0.as_ref()))
    }

    /// The raw bytes, for sealing and the catalog.
    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}
