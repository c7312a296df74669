//! The library's key slots on a desktop: passphrases (in a library without people), the
//! OS keyring, and which of the library's keys the person signed in holds.

use std::sync::Arc;

use super::Library;
use crate::error::{Error, Result};
use crate::format::op::AuditAction;
use crate::keys::{self, Crypto, KdfParams, MasterKey, OsKeyring};

impl Library {
    /// Add a passphrase slot; returns its id.
    pub fn add_passphrase(
        &mut self,
        passphrase: &str,
        label: &str,
        kdf: KdfParams,
    ) -> Result<String> {
        self.writer()?;
        self.require(crate::role::Permission::ManagePeople)?;
        let mut kf = self.key_file()?;
        if kf.has_people() {
            return Err(Error::KeySlot(
                "a library kept by its people has no passphrase slots: add a person instead",
            ));
        }
        let id = keys::add_passphrase_slot(&mut kf, self.library_key()?, passphrase, label, kdf)?;
        self.write_key_file(&kf)?;
        let op = self.audit_op(
            AuditAction::KeysChanged,
            None,
            None,
            Some(format!("added passphrase slot {id}")),
        )?;
        self.commit(vec![op])?;
        Ok(id)
    }

    /// Remove a key slot by id (never the last one).
    pub fn remove_slot(&mut self, id: &str) -> Result<()> {
        self.writer()?;
        self.require(crate::role::Permission::ManagePeople)?;
        let mut kf = self.key_file()?;
        if kf.slots.iter().any(|s| s.id == id && s.member().is_some()) {
            return Err(Error::KeySlot(
                "a person's slot goes when the person is removed (`dossier people remove`)",
            ));
        }
        keys::remove_slot(&mut kf, id)?;
        self.write_key_file(&kf)?;
        let op = self.audit_op(
            AuditAction::KeysChanged,
            None,
            None,
            Some(format!("removed key slot {id}")),
        )?;
        self.commit(vec![op])
    }

    /// Keep this library's key in the OS keyring.
    pub fn store_in_keyring(&self) -> Result<()> {
        if self.key_file()?.has_people() {
            return Err(Error::KeySlot(
                "a library kept by its people is opened by signing in, not from the keyring",
            ));
        }
        OsKeyring.store(self.library_id(), self.library_key()?)
    }

    /// The library's own key, which department staff do not hold.
    pub(crate) fn library_key(&self) -> Result<&MasterKey> {
        self.key.library().ok_or(Error::LibraryKeyWithheld {
            what: "change the library's key slots",
        })
    }

    /// Ciphers of what is sealed under the library's own key (content filed before
    /// collections had keys, the journal before it had keys of its own), which
    /// department staff do not hold: `unavailable` says what to report then.
    pub(crate) fn library_crypto(
        &self,
        unavailable: impl FnOnce() -> Error,
    ) -> Result<Arc<Crypto>> {
        self.library_crypto.clone().ok_or_else(unavailable)
    }

    /// Remove this library's key from the OS keyring; `false` when it was not there.
    pub fn forget_keyring(&self) -> Result<bool> {
        OsKeyring.forget(self.library_id())
    }
}
