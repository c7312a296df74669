//! What Dossier keeps in the OS keyring (Secret Service, macOS Keychain, Windows
//! Credential Manager), all under the service `dossier`:
//!
//! ```text
//! "library-<library id>"   the library's master key (32 bytes), standard base64
//! "remote <url>"           the credentials for reaching that remote, as UTF-8 text in
//!                          the sync layer's own encoding
//! "erasure-<library id>-<device id>"
//!                          the erasure keys one desktop (library folder) holds (issue
//!                          22), standard base64 of: format byte 1, the number of keys,
//!                          each key's 32 bytes, then 0, or 1 and the 32 bytes of its
//!                          one-time key's secret while it waits to be given the key
//! ```
//!
//! An entry another program wrote under these names, or one damaged, is refused as not a
//! Dossier key rather than used.

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::ids::{DeviceId, LibraryId};

/// The keyring service every entry is under.
pub const SERVICE: &str = "dossier";

/// The entry of a library's master key.
pub fn library_entry(library: LibraryId) -> String {
    format!("library-{library}")
}

/// The entry of a remote's credentials.
pub fn remote_entry(url: &str) -> String {
    format!("remote {url}")
}

/// The entry of the erasure keys of one desktop's folder of a library.
pub fn erasure_entry(library: LibraryId, device: DeviceId) -> String {
    format!("erasure-{library}-{device}")
}

/// The erasure keys a desktop holds and its one-time key, if it waits for one.
#[derive(Default)]
pub struct HeldErasure {
    pub keys: Vec<Zeroizing<[u8; 32]>>,
    pub handover: Option<Zeroizing<[u8; 32]>>,
}

/// The most erasure keys one entry holds (a desktop holds one but while an epoch begins).
pub const MAX_HELD_ERASURE_KEYS: usize = 16;

/// Erasure keys as their entry's secret.
pub fn encode_erasure(held: &HeldErasure) -> Zeroizing<String> {
    let mut raw = Zeroizing::new(Vec::with_capacity(3 + 32 * (held.keys.len() + 1)));
    raw.push(1);
    raw.push(held.keys.len().min(MAX_HELD_ERASURE_KEYS) as u8);
    for key in held.keys.iter().take(MAX_HELD_ERASURE_KEYS) {
        raw.extend_from_slice(key.as_ref());
    }
    match &held.handover {
        Some(secret) => {
            raw.push(1);
            raw.extend_from_slice(secret.as_ref());
        }
        None => raw.push(0),
    }
    Zeroizing::new(data_encoding::BASE64.encode(&raw))
}

/// Erasure keys from their entry's secret.
pub fn decode_erasure(secret: &[u8]) -> Result<HeldErasure> {
    let not_ours = || Error::Integrity {
        object: "keyring entry".into(),
        detail: "not Dossier's erasure keys",
    };
    let raw = decode_key(secret)?;
    let (&format, rest) = raw.split_first().ok_or_else(not_ours)?;
    let (&count, mut rest) = rest.split_first().ok_or_else(not_ours)?;
    if format != 1 || count as usize > MAX_HELD_ERASURE_KEYS {
        return Err(not_ours());
    }
    let take = |rest: &mut &[u8]| -> Result<Zeroizing<[u8; 32]>> {
        let (key, after) = rest.split_at_checked(32).ok_or_else(not_ours)?;
        *rest = after;
        Ok(Zeroizing::new(key.try_into().map_err(|_| not_ours())?))
    };
    let mut held = HeldErasure::default();
    for _ in 0..count {
        held.keys.push(take(&mut rest)?);
    }
    let (&flag, mut rest) = rest.split_first().ok_or_else(not_ours)?;
    match flag {
        0 => {}
        1 => held.handover = Some(take(&mut rest)?),
        _ => return Err(not_ours()),
    }
    if !rest.is_empty() {
        return Err(not_ours());
    }
    Ok(held)
}

/// A master key's bytes as its entry's secret.
pub fn encode_key(key: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(data_encoding::BASE64.encode(key))
}

/// A master key's bytes from its entry's secret (their length is the key's to check).
pub fn decode_key(secret: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let bytes = data_encoding::BASE64
        .decode(secret)
        .map_err(|_| Error::Integrity {
            object: "keyring entry".into(),
            detail: "not a Dossier key",
        })?;
    Ok(Zeroizing::new(bytes))
}

/// A remote's credentials from their entry's secret.
pub fn decode_remote_secret(secret: &[u8]) -> Result<Zeroizing<String>> {
    let text = std::str::from_utf8(secret).map_err(|_| Error::Integrity {
        object: "keyring entry".into(),
        detail: "not a remote's credentials",
    })?;
    Ok(Zeroizing::new(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_names_and_keys_round_trip() {
        let id: LibraryId = "0190f3a2-0000-7000-8000-000000000001".parse().unwrap();
        assert_eq!(
            library_entry(id),
            "library-0190f3a2000070008000000000000001"
        );
        assert_eq!(remote_entry("s3://b/p"), "remote s3://b/p");
        let key = [7u8; 32];
        let back = decode_key(encode_key(&key).as_bytes()).unwrap();
        assert_eq!(&back[..], &key[..]);
        assert!(matches!(
            decode_key(b"not base64!"),
            Err(Error::Integrity { .. })
        ));
        assert!(decode_remote_secret(&[0xff, 0xfe]).is_err());
        let held = HeldErasure {
            keys: vec![Zeroizing::new([1u8; 32]), Zeroizing::new([2u8; 32])],
            handover: Some(Zeroizing::new([3u8; 32])),
        };
        let back = decode_erasure(encode_erasure(&held).as_bytes()).unwrap();
        assert_eq!(back.keys.len(), 2);
        assert_eq!(*back.keys[1], [2u8; 32]);
        assert_eq!(back.handover.as_deref(), Some(&[3u8; 32]));
        let none = decode_erasure(encode_erasure(&HeldErasure::default()).as_bytes()).unwrap();
        assert!(none.keys.is_empty() && none.handover.is_none());
        // A key kept under another entry (a master key) is not erasure keys.
        assert!(decode_erasure(encode_key(&key).as_bytes()).is_err());
        assert_eq!(*decode_remote_secret(b"secret").unwrap(), "secret");
    }
}
