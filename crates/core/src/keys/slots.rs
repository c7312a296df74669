//! Wrapping and unwrapping the master key in key slots.

use zeroize::Zeroizing;

use super::master::{Cipher, open, seal};
use super::{MasterKey, RecoveryKey};
use crate::error::{Error, Result};
use crate::format::keyfile::{KeyFile, KeySlot, SlotKdf};
use crate::library::Secret;

const RECOVERY_CONTEXT: &str = "dossier 2026-11 recovery key slot";

/// Argon2id cost parameters for a new passphrase slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes: about a quarter of a second on a desktop, well above the OWASP
    /// minimum for Argon2id.
    fn default() -> Self {
        Self {
            m_cost_kib: 64 * 1024,
            t_cost: 3,
            p_cost: 1,
        }
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    crate::fill_random(&mut b);
    b
}

fn aad(file: &KeyFile, slot_id: &str) -> Vec<u8> {
    let mut a = file.library_id.0.as_bytes().to_vec();
    a.extend_from_slice(slot_id.as_bytes());
    a
}

fn argon2_key(
    passphrase: &str,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>> {
    let params = argon2::Params::new(m, t, p, Some(32)).map_err(Error::Kdf)?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    a.hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(Error::Kdf)?;
    Ok(out)
}

fn recovery_key(rk: &RecoveryKey, salt: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut material = Zeroizing::new(rk.secret().to_vec());
    material.extend_from_slice(salt);
    Zeroizing::new(blake3::derive_key(RECOVERY_CONTEXT, &material))
}

fn push_slot(
    file: &mut KeyFile,
    master: &MasterKey,
    label: &str,
    kdf: SlotKdf,
    wrap_key: &[u8; 32],
) -> String {
    let id = data_encoding::HEXLOWER.encode(&random::<4>());
    let cipher = Cipher::new(wrap_key);
    let wrapped = seal(&cipher, &aad(file, &id), master.expose());
    file.slots.push(KeySlot {
        id: id.clone(),
        label: label.to_owned(),
        created_ms: now_ms(),
        kdf,
        wrapped,
    });
    id
}

/// Add a passphrase slot; returns its id.
pub fn add_passphrase_slot(
    file: &mut KeyFile,
    master: &MasterKey,
    passphrase: &str,
    label: &str,
    params: KdfParams,
) -> Result<String> {
    if passphrase.chars().count() < 8 {
        return Err(Error::KeySlot("a passphrase needs at least 8 characters"));
    }
    let salt = random::<16>().to_vec();
    let key = argon2_key(
        passphrase,
        &salt,
        params.m_cost_kib,
        params.t_cost,
        params.p_cost,
    )?;
    let kdf = SlotKdf::Passphrase {
        m_cost_kib: params.m_cost_kib,
        t_cost: params.t_cost,
        p_cost: params.p_cost,
        salt,
    };
    Ok(push_slot(file, master, label, kdf, &key))
}

/// Add a recovery-key slot; returns its id.
pub fn add_recovery_slot(
    file: &mut KeyFile,
    master: &MasterKey,
    rk: &RecoveryKey,
    label: &str,
) -> String {
    let salt = random::<16>().to_vec();
    let key = recovery_key(rk, &salt);
    push_slot(file, master, label, SlotKdf::Recovery { salt }, &key)
}

/// Remove a slot by id. The last slot cannot be removed: that would lose the library.
pub fn remove_slot(file: &mut KeyFile, id: &str) -> Result<KeySlot> {
    let pos = file
        .slots
        .iter()
        .position(|s| s.id == id)
        .ok_or(Error::KeySlot(
            "no key slot has that id; see `dossier keys list`",
        ))?;
    if file.slots.len() == 1 {
        return Err(Error::KeySlot(
            "refusing to remove the last key slot: the library could never be opened again",
        ));
    }
    Ok(file.slots.remove(pos))
}

/// Try every slot that fits the secret's kind; the first that authenticates wins.
pub fn unwrap_any(file: &KeyFile, secret: &Secret) -> Result<MasterKey> {
    for slot in &file.slots {
        let key = match (&slot.kdf, secret) {
            (
                SlotKdf::Passphrase {
                    m_cost_kib,
                    t_cost,
                    p_cost,
                    salt,
                },
                Secret::Passphrase(p),
            ) => argon2_key(p, salt, *m_cost_kib, *t_cost, *p_cost)?,
            (SlotKdf::Recovery { salt }, Secret::RecoveryKey(rk)) => recovery_key(rk, salt),
            _ => continue,
        };
        let cipher = Cipher::new(&key);
        if let Some(bytes) = open(&cipher, &aad(file, &slot.id), &slot.wrapped) {
            let bytes = Zeroizing::new(bytes);
            return MasterKey::from_bytes(&bytes);
        }
    }
    Err(Error::WrongPassphrase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::LibraryId;

    const FAST: KdfParams = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };

    fn file() -> KeyFile {
        KeyFile {
            format: 1,
            library_id: LibraryId::new(),
            key_check: vec![],
            slots: vec![],
        }
    }

    #[test]
    fn passphrase_and_recovery_slots_unwrap_the_same_key() {
        let mut f = file();
        let mk = MasterKey::generate();
        add_passphrase_slot(&mut f, &mk, "correct horse", "main", FAST).unwrap();
        let rk = RecoveryKey::generate();
        add_recovery_slot(&mut f, &mk, &rk, "recovery");
        let a = unwrap_any(&f, &Secret::Passphrase("correct horse".to_owned().into())).unwrap();
        let b = unwrap_any(&f, &Secret::RecoveryKey(rk)).unwrap();
        assert_eq!(a.expose(), mk.expose());
        assert_eq!(b.expose(), mk.expose());
        assert!(matches!(
            unwrap_any(&f, &Secret::Passphrase("wrong horse".to_owned().into())),
            Err(Error::WrongPassphrase)
        ));
    }

    #[test]
    fn a_slot_moved_to_another_library_does_not_open() {
        let mut f = file();
        let mk = MasterKey::generate();
        add_passphrase_slot(&mut f, &mk, "correct horse", "main", FAST).unwrap();
        f.library_id = LibraryId::new();
        assert!(unwrap_any(&f, &Secret::Passphrase("correct horse".to_owned().into())).is_err());
    }

    #[test]
    fn the_last_slot_cannot_be_removed_and_short_passphrases_are_refused() {
        let mut f = file();
        let mk = MasterKey::generate();
        assert!(add_passphrase_slot(&mut f, &mk, "short", "x", FAST).is_err());
        let id = add_passphrase_slot(&mut f, &mk, "long enough", "x", FAST).unwrap();
        assert!(remove_slot(&mut f, &id).is_err());
        assert_eq!(f.slots.len(), 1);
    }
}
