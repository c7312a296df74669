//! The sealed-object codec the library's sealed files and objects share: an 8-byte magic
//! naming the kind, then AES-256-GCM of the plaintext under that kind's key, bound by
//! associated data to the object's name (`nonce(12) | ciphertext | tag(16)`), and, for
//! structured objects, the plaintext as zstd-compressed JSON with a bound on what it may
//! decompress to.
//!
//! Journal segments (remote and store) and derived files are exactly this; a checkpoint
//! puts a sealed header between its magic and its sealed body ([`super::checkpoint`]).

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Which of the library's subkeys seals an object.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SealKind {
    PackIndex,
    /// Thumbnails and page renders under `derived/`.
    Derived,
    /// Journal segments on a remote.
    Journal,
    /// Epoch objects on a remote (`DOSEPOC2`), under a key every member holds.
    EpochObject,
}

/// Authenticated encryption under the library's subkeys: what sealing needs of the keys
/// module's `Crypto`, so that formats do not depend on how keys are kept.
pub(crate) trait Sealer {
    /// `nonce(12) | ciphertext | tag(16)` of `plain`, bound to `aad`.
    fn seal(&self, kind: SealKind, aad: &[u8], plain: &[u8]) -> Vec<u8>;
    /// The plaintext, or an integrity error naming `object`.
    fn open(&self, kind: SealKind, aad: &[u8], sealed: &[u8], object: &str) -> Result<Vec<u8>>;
}

/// One kind of sealed object: its magic, its key, and what a body with another magic is
/// reported as.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Codec {
    pub magic: &'static [u8; 8],
    pub kind: SealKind,
    pub wrong_magic: &'static str,
}

impl Codec {
    /// The body of an object holding `plain`.
    pub fn seal(self, crypto: &dyn Sealer, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        let sealed = crypto.seal(self.kind, aad, plain);
        let mut out = Vec::with_capacity(self.magic.len() + sealed.len());
        out.extend_from_slice(self.magic);
        out.extend_from_slice(&sealed);
        out
    }

    /// The plaintext of `object`'s body: refused unless it has this kind's magic and
    /// opens under `aad` (authenticated: damaged, forged or renamed bodies do not).
    pub fn open(
        self,
        crypto: &dyn Sealer,
        aad: &[u8],
        body: &[u8],
        object: &str,
    ) -> Result<Vec<u8>> {
        let sealed = body
            .strip_prefix(self.magic.as_slice())
            .ok_or_else(|| Error::Integrity {
                object: object.to_owned(),
                detail: self.wrong_magic,
            })?;
        crypto.open(self.kind, aad, sealed, object)
    }
}

impl<T: Sealer + ?Sized> Sealer for std::sync::Arc<T> {
    fn seal(&self, kind: SealKind, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        (**self).seal(kind, aad, plain)
    }

    fn open(&self, kind: SealKind, aad: &[u8], sealed: &[u8], object: &str) -> Result<Vec<u8>> {
        (**self).open(kind, aad, sealed, object)
    }
}

/// The epoch an object sealed under a scope's key by epoch names: `None` when it starts
/// with `magic` (the library's own key), `Some` when it starts with `epoch_magic` and the
/// epoch (u64 little-endian); an integrity error naming `object` for anything else.
pub(crate) fn epoch_of(
    body: &[u8],
    magic: &[u8; 8],
    epoch_magic: &[u8; 8],
    object: &str,
) -> Result<Option<u64>> {
    if body.starts_with(magic) {
        return Ok(None);
    }
    match body.strip_prefix(epoch_magic.as_slice()) {
        Some(rest) if rest.len() >= 8 => Ok(Some(u64::from_le_bytes(
            rest[..8].try_into().expect("eight bytes"),
        ))),
        _ => Err(Error::Integrity {
            object: object.to_owned(),
            detail: "not an object of this kind (wrong magic or cut short)",
        }),
    }
}

/// `epoch_magic | epoch (u64 little-endian) | sealed(plain)`, under the journal key
/// `crypto` holds (that epoch's).
pub(crate) fn seal_in_epoch(
    crypto: &dyn Sealer,
    epoch_magic: &[u8; 8],
    epoch: u64,
    aad: &[u8],
    plain: &[u8],
) -> Vec<u8> {
    let sealed = crypto.seal(SealKind::Journal, aad, plain);
    let mut out = Vec::with_capacity(16 + sealed.len());
    out.extend_from_slice(epoch_magic);
    out.extend_from_slice(&epoch.to_le_bytes());
    out.extend_from_slice(&sealed);
    out
}

/// A value as JSON compressed at zstd `level`, the plaintext of a structured sealed
/// object.
pub(crate) fn to_zjson<T: Serialize>(value: &T, level: i32, object: &str) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(value)?;
    zstd::bulk::compress(&json, level).map_err(|source| Error::Io {
        action: "compress",
        path: object.into(),
        source,
    })
}

/// A value back from compressed JSON that may decompress to at most `limit` bytes;
/// anything else is `object` damaged, `not_this` when it is no such value.
pub(crate) fn from_zjson<T: DeserializeOwned>(
    plain: &[u8],
    limit: u64,
    object: &str,
    not_this: &'static str,
) -> Result<T> {
    let damaged = |detail| Error::Integrity {
        object: object.to_owned(),
        detail,
    };
    let json = super::unzstd(plain, limit).map_err(damaged)?;
    serde_json::from_slice(&json).map_err(|_| match super::op::newer_kind_in(&json) {
        Some(kind) => Error::NeedsNewerDossier {
            object: object.to_owned(),
            kind,
        },
        None => damaged(not_this),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODEC: Codec = Codec {
        magic: b"DOSTEST1",
        kind: SealKind::Journal,
        wrong_magic: "not a test object (wrong magic)",
    };

    #[test]
    fn a_body_opens_only_with_its_magic_key_and_name() {
        let crypto = crate::keys::MasterKey::generate().crypto();
        let body = CODEC.seal(&crypto, b"name 1", b"plain");
        assert!(body.starts_with(b"DOSTEST1"));
        assert_eq!(
            CODEC.open(&crypto, b"name 1", &body, "o").unwrap(),
            b"plain"
        );
        assert!(matches!(
            CODEC.open(&crypto, b"name 2", &body, "o"),
            Err(Error::Integrity { .. })
        ));
        assert!(matches!(
            CODEC.open(
                &crate::keys::MasterKey::generate().crypto(),
                b"name 1",
                &body,
                "o"
            ),
            Err(Error::Integrity { .. })
        ));
        let mut other = body.clone();
        other[0] = b'X';
        match CODEC.open(&crypto, b"name 1", &other, "o") {
            Err(Error::Integrity { detail, .. }) => assert_eq!(detail, CODEC.wrong_magic),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn json_round_trips_within_its_limit_only() {
        let value = vec!["transcript".to_owned(); 100];
        let plain = to_zjson(&value, 3, "o").unwrap();
        let back: Vec<String> = from_zjson(&plain, 1 << 20, "o", "not a list").unwrap();
        assert_eq!(back, value);
        assert!(from_zjson::<Vec<String>>(&plain, 100, "o", "not a list").is_err());
        match from_zjson::<u8>(&plain, 1 << 20, "o", "not a number") {
            Err(Error::Integrity { detail, .. }) => assert_eq!(detail, "not a number"),
            other => panic!("{other:?}"),
        }
    }
}
