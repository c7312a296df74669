//! What Dossier keeps in the OS keyring (Secret Service, macOS Keychain, Windows
//! Credential Manager), all under the service `dossier`:
//!
//! ```text
//! "library-<library id>"   the library's master key (32 bytes), standard base64
//! "remote <url>"           the credentials for reaching that remote, as UTF-8 text in
//!                          the sync layer's own encoding
//! ```
//!
//! An entry another program wrote under these names, or one damaged, is refused as not a
//! Dossier key rather than used.

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::ids::LibraryId;

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
        assert_eq!(*decode_remote_secret(b"secret").unwrap(), "secret");
    }
}
