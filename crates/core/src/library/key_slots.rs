//! The library's key slots on a desktop: passphrases (in a library without people), the
//! OS keyring, and which of the library's keys the person signed in holds.

use std::sync::Arc;

use super::Library;
use crate::error::{Error, Result};
use crate::format::identity::IdentityFile;
use crate::format::op::AuditAction;
use crate::keys::{self, Crypto, KdfParams, MasterKey, OsKeyring};
use crate::role::Role;

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

    /// On an owner's desktop: each current member's slot that wraps another key than
    /// their role is given (the members' key for department staff, the library's for
    /// everyone else) written again. Such slots were written by builds before session 34,
    /// or by two owners' desktops whose role changes crossed. Returns how many.
    pub(super) fn keep_slots(&mut self) -> Result<usize> {
        let (Some(registry), Some(me)) = (self.registry()?, self.person.as_ref()) else {
            return Ok(0);
        };
        let owner = registry.current(me.public().member).is_some_and(|g| {
            g.role == Role::Owner && g.identity.binding() == me.public().binding()
        });
        if !owner || self.key.library().is_none() {
            return Ok(0);
        }
        let stale: Vec<IdentityFile> = self
            .key_file()?
            .slots
            .iter()
            .filter_map(|slot| {
                let identity = slot.identity()?;
                let grant = registry.current(identity.public.member)?;
                (grant.identity.binding() == identity.public.binding()
                    && slot.wraps_members_key() != (grant.role == Role::DepartmentStaff))
                    .then(|| identity.clone())
            })
            .collect();
        for identity in &stale {
            self.write_person_slot(self.key_file()?, identity)?;
        }
        Ok(stale.len())
    }
}

#[cfg(test)]
mod tests {
    use zeroize::Zeroizing;

    use super::*;
    use crate::keys::LibraryKey;
    use crate::library::InitOptions;

    const FAST: KdfParams = KdfParams::FAST;

    /// A department member's slot that wraps the library's key (written by a build
    /// before session 34) is written again by the owner's desktop, wrapping the members'
    /// key; one of the right kind is left as it is.
    #[test]
    fn an_owners_desktop_gives_department_staff_the_members_key_in_place_of_the_librarys() {
        let t = tempfile::tempdir().unwrap();
        let (mut lib, _) = Library::create(
            &t.path().join("lib"),
            &InitOptions {
                passphrase: Zeroizing::new("the library's passphrase".into()),
                kdf: FAST,
            },
        )
        .unwrap();
        lib.become_owner("Ann", "ann's own passphrase", FAST)
            .unwrap();
        let bo = lib
            .add_person(
                "Bo",
                "bo's own passphrase",
                FAST,
                Role::DepartmentStaff,
                &["Science".into()],
            )
            .unwrap();
        let slot_of_bo = |lib: &Library| {
            lib.key_file()
                .unwrap()
                .slots
                .into_iter()
                .find(|s| s.member() == Some(bo.member))
                .unwrap()
        };
        assert!(slot_of_bo(&lib).wraps_members_key());
        assert_eq!(lib.keep_slots().unwrap(), 0, "nothing to write again");

        // As an older build wrote it: the library's own key.
        let mut kf = lib.key_file().unwrap();
        let identity = slot_of_bo(&lib).identity().unwrap().clone();
        let library = LibraryKey::Library(lib.library_key().unwrap().clone());
        keys::add_person_slot(&mut kf, &library, &identity, "person: Bo").unwrap();
        lib.write_key_file(&kf).unwrap();
        assert!(!slot_of_bo(&lib).wraps_members_key());

        lib.keep_keys().unwrap();
        let slot = slot_of_bo(&lib);
        assert!(slot.wraps_members_key());
        let (key, _) =
            keys::unwrap_person(&lib.key_file().unwrap(), "Bo", "bo's own passphrase").unwrap();
        assert!(
            key.library().is_none(),
            "his passphrase opens the members' key only"
        );
    }
}
