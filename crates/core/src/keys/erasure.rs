//! Erasure keys (issue 22): the key of one erasure epoch and a desktop's one-time key for
//! being given it.
//!
//! An erasure epoch's key exists only in memory and in the OS keyrings of the library's
//! desktops. It travels only sealed under the epoch before it (from a desktop that held
//! that one) or to one desktop's one-time key, whose secret is forgotten once it opened
//! it. So once every desktop holds the next epoch's key and has forgotten this one, no key
//! that survives (the library's, a collection's, a person's) opens anything sealed under
//! it, wherever a copy of it was kept.

use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::Purpose;
use super::RecordKey;
use super::identity::{open_box, seal_box};
use super::master::{Cipher, open, seal};
use crate::error::{Error, Result};
use crate::format::record_keys;
use crate::ids::{DocId, ErasureEpochId};

/// BLAKE3 `derive_key` contexts. Never change these.
mod context {
    /// An epoch's id, from its key.
    pub const EPOCH_ID: &str = "dossier 2026-12 erasure epoch id";
    /// Under an epoch's key: the key the next epoch's key is sealed with.
    pub const CHAIN: &str = "dossier 2026-12 erasure epoch chain";
    /// Under an epoch's key: the key tables of records' keys are sealed with.
    pub const RECORD_KEYS: &str = "dossier 2026-12 erasure record keys";
}

/// One erasure epoch's 256-bit key. Zeroized on drop; never printed.
#[derive(Clone)]
pub struct ErasureKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for ErasureKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ErasureKey({:?})", self.epoch())
    }
}

impl ErasureKey {
    /// A new random key from the OS generator.
    pub(crate) fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        crate::fill_random(k.as_mut());
        Self(k)
    }

    /// From the 32 bytes a keyring entry or an opened box held.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| Error::Integrity {
            object: "erasure key".into(),
            detail: "not 32 bytes",
        })?;
        Ok(Self(Zeroizing::new(arr)))
    }

    /// The raw bytes, for the keyring.
    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// The epoch this key is of: a hash of it that reveals nothing of it.
    pub fn epoch(&self) -> ErasureEpochId {
        ErasureEpochId(blake3::derive_key(context::EPOCH_ID, self.0.as_ref()))
    }

    /// `keys` sealed under this epoch's key (bound to its id).
    pub(crate) fn seal_record_keys(&self, keys: &[(DocId, RecordKey)]) -> Vec<u8> {
        let table: Vec<_> = keys
            .iter()
            .map(|(doc, key)| (*doc, Zeroizing::new(*key.expose())))
            .collect();
        seal(
            &self.cipher(context::RECORD_KEYS),
            &self.epoch().0,
            &record_keys::encode(&table),
        )
    }

    /// The records' keys [`ErasureKey::seal_record_keys`] sealed under this epoch's key.
    pub(crate) fn open_record_keys(&self, sealed: &[u8]) -> Result<Vec<(DocId, RecordKey)>> {
        let plain = open(&self.cipher(context::RECORD_KEYS), &self.epoch().0, sealed)
            .map(Zeroizing::new)
            .ok_or_else(|| Error::Integrity {
                object: format!(
                    "records' keys of erasure epoch {}",
                    &self.epoch().to_hex()[..16]
                ),
                detail: "do not open under that epoch's key",
            })?;
        record_keys::decode(&plain)?
            .into_iter()
            .map(|(doc, key)| Ok((doc, RecordKey::from_bytes(key.as_ref())?)))
            .collect()
    }

    fn cipher(&self, context: &str) -> Cipher {
        Cipher::new(&Zeroizing::new(blake3::derive_key(
            context,
            self.0.as_ref(),
        )))
    }

    fn chain_cipher(&self) -> Cipher {
        self.cipher(context::CHAIN)
    }

    /// `next`'s key sealed under this one (bound to both epochs' ids).
    pub(crate) fn seal_next(&self, next: &ErasureKey) -> Vec<u8> {
        seal(
            &self.chain_cipher(),
            &chain_aad(self.epoch(), next.epoch()),
            next.expose(),
        )
    }

    /// The key of epoch `next` from what [`ErasureKey::seal_next`] sealed under this one;
    /// an error when it does not open or is not that epoch's.
    pub(crate) fn open_next(&self, next: ErasureEpochId, sealed: &[u8]) -> Result<ErasureKey> {
        let damaged = || Error::Integrity {
            object: format!("the key of erasure epoch {}", &next.to_hex()[..16]),
            detail: "does not open under the epoch before it",
        };
        let plain = open(&self.chain_cipher(), &chain_aad(self.epoch(), next), sealed)
            .map(Zeroizing::new)
            .ok_or_else(damaged)?;
        let key = ErasureKey::from_bytes(&plain)?;
        if key.epoch() != next {
            return Err(damaged());
        }
        Ok(key)
    }
}

fn chain_aad(previous: ErasureEpochId, next: ErasureEpochId) -> Vec<u8> {
    let mut aad = previous.0.to_vec();
    aad.extend_from_slice(&next.0);
    aad
}

/// A desktop's one-time X25519 key for being given the current erasure key: its public
/// half goes out in `OpKind::ErasureKeyWanted`, its secret stays in the OS keyring until
/// the key it was given is opened, then is forgotten. Zeroized on drop; never printed.
pub(crate) struct HandoverKey(StaticSecret);

impl std::fmt::Debug for HandoverKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HandoverKey(..)")
    }
}

impl HandoverKey {
    pub(crate) fn generate() -> Self {
        Self(StaticSecret::from(*Zeroizing::new(super::slots::random::<
            32,
        >())))
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let arr: Zeroizing<[u8; 32]> =
            Zeroizing::new(bytes.try_into().map_err(|_| Error::Integrity {
                object: "a desktop's one-time key".into(),
                detail: "not 32 bytes",
            })?);
        Ok(Self(StaticSecret::from(*arr)))
    }

    /// The secret's bytes, for the keyring.
    pub(crate) fn expose(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    pub(crate) fn public(&self) -> [u8; 32] {
        PublicKey::from(&self.0).to_bytes()
    }

    /// `key` sealed to the one-time key whose public half is `to`; `None` when `to` is
    /// not a usable key.
    pub(crate) fn seal_to(to: &[u8], key: &ErasureKey) -> Option<Vec<u8>> {
        seal_box(&to.try_into().ok()?, Purpose::ErasureKey, key.expose())
    }

    /// The erasure key of `epoch` sealed to this key.
    pub(crate) fn open(&self, epoch: ErasureEpochId, sealed: &[u8]) -> Result<ErasureKey> {
        let object = format!("the key of erasure epoch {}", &epoch.to_hex()[..16]);
        let plain = open_box(
            &self.0,
            &self.public(),
            Purpose::ErasureKey,
            sealed,
            &object,
        )?;
        let key = ErasureKey::from_bytes(&plain)?;
        if key.epoch() != epoch {
            return Err(Error::Integrity {
                object,
                detail: "another epoch's key",
            });
        }
        Ok(key)
    }
}

/// The checksum context of erasure recovery codes (so a library recovery key typed where
/// a code is asked is told apart).
const RECOVERY_CODE_CHECK: &str = "dossier 2026-12 erasure recovery code checksum";

/// An erasure recovery code: the secret of a one-time key that asked for the erasure key
/// as a desktop does and was given it, printed for the person who disposes of records to
/// keep on paper, away from the computers. With it, a library whose every desktop was lost
/// takes its erasure key back from the journal. It reaches every later epoch by the chain,
/// so after a destruction a new code is made and the old sheet shredded: the old one would
/// still open a copy of the journal taken before the destruction. Zeroized on drop.
pub struct ErasureRecoveryCode(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for ErasureRecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ErasureRecoveryCode(..)")
    }
}

impl ErasureRecoveryCode {
    pub(crate) fn generate() -> Self {
        Self(Zeroizing::new(super::slots::random::<32>()))
    }

    /// The printable form: 55 base32 characters in groups of five.
    pub fn display(&self) -> Zeroizing<String> {
        super::recovery::printable(RECOVERY_CODE_CHECK, &self.0)
    }

    /// Parse the printable form; tolerant of case, spaces and dashes, strict about the
    /// checksum (a typo, or the library's recovery key given instead, is caught).
    pub fn parse(s: &str) -> Result<Self> {
        super::recovery::from_printable(RECOVERY_CODE_CHECK, s)
            .map(Self)
            .map_err(Error::MalformedErasureCode)
    }

    /// The one-time key it is the secret of.
    pub(crate) fn handover(&self) -> HandoverKey {
        HandoverKey(StaticSecret::from(*self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_epoch_opens_the_next_and_a_one_time_key_its_own_box() {
        let (a, b) = (ErasureKey::generate(), ErasureKey::generate());
        let sealed = a.seal_next(&b);
        assert_eq!(a.open_next(b.epoch(), &sealed).unwrap().epoch(), b.epoch());
        // Not the other way round, nor under another epoch, nor named as another.
        assert!(b.open_next(a.epoch(), &a.seal_next(&a)).is_err());
        assert!(
            ErasureKey::generate()
                .open_next(b.epoch(), &sealed)
                .is_err()
        );
        assert!(a.open_next(a.epoch(), &sealed).is_err());
        let desk = HandoverKey::generate();
        let boxed = HandoverKey::seal_to(&desk.public(), &b).unwrap();
        assert_eq!(desk.open(b.epoch(), &boxed).unwrap().epoch(), b.epoch());
        assert!(HandoverKey::generate().open(b.epoch(), &boxed).is_err());
        assert!(desk.open(a.epoch(), &boxed).is_err());
        let again = HandoverKey::from_bytes(desk.expose().as_ref()).unwrap();
        assert_eq!(again.public(), desk.public());
        assert!(HandoverKey::seal_to(&[0u8; 31], &b).is_none());
        assert!(HandoverKey::seal_to(&[0u8; 32], &b).is_none());
        assert!(!format!("{a:?}").contains(&data_encoding::HEXLOWER.encode(a.expose())));
    }

    #[test]
    fn records_keys_open_under_their_epoch_only() {
        let (a, b) = (ErasureKey::generate(), ErasureKey::generate());
        let keys: Vec<_> = (0..3)
            .map(|_| (DocId::new(), RecordKey::generate()))
            .collect();
        let sealed = a.seal_record_keys(&keys);
        assert_eq!(a.open_record_keys(&sealed).unwrap(), keys);
        assert!(b.open_record_keys(&sealed).is_err());
        let mut changed = sealed.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert!(a.open_record_keys(&changed).is_err());
        // Nothing of a key shows in the sealed table.
        for (_, k) in &keys {
            assert!(!sealed.windows(32).any(|w| w == k.expose()));
        }
    }
}
