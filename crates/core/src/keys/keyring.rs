//! The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager) through
//! `keyring-core`, holding the unwrapped master key of trusted desktops.

use std::sync::OnceLock;

use keyring_core::Entry;
use zeroize::Zeroizing;

use super::MasterKey;
use crate::error::{Error, Result};
use crate::format::keyring_entry::{
    self as format, HeldErasure, SERVICE, decode_erasure, decode_key, decode_remote_secret,
    encode_erasure, encode_key,
};
use crate::ids::{DeviceId, LibraryId};

/// Access to the platform keyring. Creating it is cheap; the platform store is set up once
/// per process on first use.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsKeyring;

static STORE: OnceLock<std::result::Result<(), String>> = OnceLock::new();

fn init_store() -> Result<()> {
    let outcome = STORE.get_or_init(|| {
        platform_store()
            .map(keyring_core::set_default_store)
            .map_err(|e| e.to_string())
    });
    match outcome {
        Ok(()) => Ok(()),
        // The first failure's detail was already rendered; report the same kind again.
        Err(_) => Err(Error::KeyringUnavailable(
            keyring_core::Error::NoDefaultStore,
        )),
    }
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    let store: std::sync::Arc<keyring_core::CredentialStore> =
        zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    let store: std::sync::Arc<keyring_core::CredentialStore> =
        apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    let store: std::sync::Arc<keyring_core::CredentialStore> =
        windows_native_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Err(keyring_core::Error::NoDefaultStore)
}

fn entry(library: LibraryId) -> Result<Entry> {
    init_store()?;
    Entry::new(SERVICE, &format::library_entry(library)).map_err(Error::KeyringUnavailable)
}

fn erasure_entry(library: LibraryId, device: DeviceId) -> Result<Entry> {
    init_store()?;
    Entry::new(SERVICE, &format::erasure_entry(library, device)).map_err(Error::KeyringUnavailable)
}

fn remote_entry(url: &str) -> Result<Entry> {
    init_store()?;
    Entry::new(SERVICE, &format::remote_entry(url)).map_err(Error::KeyringUnavailable)
}

impl OsKeyring {
    /// Store the library's master key so this desktop opens it without a passphrase.
    pub fn store(&self, library: LibraryId, key: &MasterKey) -> Result<()> {
        let encoded = encode_key(key.expose());
        entry(library)?
            .set_secret(encoded.as_bytes())
            .map_err(Error::KeyringUnavailable)
    }

    /// The stored key, `None` when this library has no entry.
    pub fn load(&self, library: LibraryId) -> Result<Option<MasterKey>> {
        match entry(library)?.get_secret() {
            Ok(secret) => Ok(Some(MasterKey::from_bytes(&decode_key(&Zeroizing::new(
                secret,
            ))?)?)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(Error::KeyringUnavailable(e)),
        }
    }

    /// Remove the stored key; `false` when there was none.
    pub fn forget(&self, library: LibraryId) -> Result<bool> {
        match entry(library)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(Error::KeyringUnavailable(e)),
        }
    }

    /// The erasure keys this desktop's folder of `library` holds (none when it has no
    /// entry yet).
    pub(crate) fn load_erasure(&self, library: LibraryId, device: DeviceId) -> Result<HeldErasure> {
        match erasure_entry(library, device)?.get_secret() {
            Ok(secret) => decode_erasure(&Zeroizing::new(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(HeldErasure::default()),
            Err(e) => Err(Error::KeyringUnavailable(e)),
        }
    }

    /// Replace the erasure keys this desktop's folder of `library` holds; holding none
    /// removes the entry.
    pub(crate) fn store_erasure(
        &self,
        library: LibraryId,
        device: DeviceId,
        held: &HeldErasure,
    ) -> Result<()> {
        let entry = erasure_entry(library, device)?;
        if held.keys.is_empty() && held.handover.is_none() {
            return match entry.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
                Err(e) => Err(Error::KeyringUnavailable(e)),
            };
        }
        entry
            .set_secret(encode_erasure(held).as_bytes())
            .map_err(Error::KeyringUnavailable)
    }

    /// Keep a secret for reaching a remote (its credentials, as the sync layer encodes
    /// them) under the remote's URL, so this desktop syncs without environment variables.
    pub fn store_remote_secret(&self, url: &str, secret: &str) -> Result<()> {
        remote_entry(url)?
            .set_secret(secret.as_bytes())
            .map_err(Error::KeyringUnavailable)
    }

    /// The secret kept for `url`, `None` when there is none.
    pub fn load_remote_secret(&self, url: &str) -> Result<Option<Zeroizing<String>>> {
        match remote_entry(url)?.get_secret() {
            Ok(bytes) => Ok(Some(decode_remote_secret(&Zeroizing::new(bytes))?)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(Error::KeyringUnavailable(e)),
        }
    }

    /// Remove the secret kept for `url`; `false` when there was none.
    pub fn forget_remote_secret(&self, url: &str) -> Result<bool> {
        match remote_entry(url)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(Error::KeyringUnavailable(e)),
        }
    }
}
