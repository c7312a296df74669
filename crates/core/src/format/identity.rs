//! A member's identity as stored: the public half ([`PublicIdentity`], which others keep
//! and verify with) and the identity file ([`IdentityFile`]: the private halves wrapped
//! by the member's passphrase). See `keys::identity` for what is done with them.

use serde::{Deserialize, Serialize};

use super::keyfile::SlotKdf;
use crate::ids::MemberId;

/// The identity file format this build writes.
pub const IDENTITY_FORMAT: u32 = 1;

/// The longest name an identity may carry, in bytes.
pub const MAX_NAME_BYTES: usize = 200;

/// Who a member is, as everyone may know it: their id, the name they gave, and their two
/// public keys (32 bytes each).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PublicIdentity {
    pub member: MemberId,
    pub name: String,
    /// Ed25519: verifies what the member signs.
    #[serde(with = "super::b64")]
    pub signing: Vec<u8>,
    /// X25519: keys are sealed to it for the member.
    #[serde(with = "super::b64")]
    pub encryption: Vec<u8>,
}

impl PublicIdentity {
    /// The bytes the identity's keys are bound to: its fingerprint, the wrapping's
    /// associated data. The name is left out: it is a label, which may be corrected
    /// without making a new identity.
    pub fn binding(&self) -> Vec<u8> {
        let mut b = b"dossier identity 1\0".to_vec();
        b.extend_from_slice(self.member.0.as_bytes());
        b.extend_from_slice(&self.signing);
        b.extend_from_slice(&self.encryption);
        b
    }

    /// Whether the fields have the shapes they must (keys of 32 bytes, a bounded name):
    /// an identity comes from the remote, which anyone with the bucket's credentials can
    /// write.
    pub fn well_formed(&self) -> bool {
        self.signing.len() == 32 && self.encryption.len() == 32 && self.name.len() <= MAX_NAME_BYTES
    }
}

/// A member's identity file (written 0600): the public identity and, wrapped by the
/// member's passphrase, the two private keys.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IdentityFile {
    pub format: u32,
    pub public: PublicIdentity,
    pub created_ms: i64,
    /// Always [`SlotKdf::Passphrase`]: an identity is never wrapped for recovery.
    pub kdf: SlotKdf,
    /// `nonce || AES-256-GCM(signing seed || encryption secret) || tag`, associated data
    /// [`PublicIdentity::binding`].
    #[serde(with = "super::b64")]
    pub wrapped: Vec<u8>,
}
