//! Wrapping and unwrapping the master key in key slots.

use zeroize::Zeroizing;

use super::Secret;
use super::identity::{Identity, Purpose, seal_to};
use super::master::{Cipher, open, seal};
use super::{LibraryKey, MasterKey, RecoveryKey};
use crate::error::{Error, Result};
use crate::format::identity::IdentityFile;
use crate::format::keyfile::{self, KeyFile, KeySlot, SlotKdf};

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

impl KdfParams {
    /// Costs small enough for tests (never a real slot's).
    #[cfg(test)]
    pub(crate) const FAST: KdfParams = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };

    /// The most memory a slot may ask for: 1 GiB (the default asks for 64 MiB).
    pub const MAX_M_COST_KIB: u32 = keyfile::MAX_M_COST_KIB;
    /// The most passes a slot may ask for (the default makes 3).
    pub const MAX_T_COST: u32 = keyfile::MAX_T_COST;
    /// The most lanes a slot may ask for (the default uses 1).
    pub const MAX_P_COST: u32 = keyfile::MAX_P_COST;

    /// Whether a slot may ask for these costs ([`keyfile::costs_within_bounds`]).
    pub fn within_bounds(&self) -> bool {
        keyfile::costs_within_bounds(self.m_cost_kib, self.t_cost, self.p_cost)
    }
}

pub(super) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(super) fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    crate::fill_random(&mut b);
    b
}

fn aad(file: &KeyFile, slot_id: &str) -> Vec<u8> {
    let mut a = file.library_id.0.as_bytes().to_vec();
    a.extend_from_slice(slot_id.as_bytes());
    a
}

pub(super) fn argon2_key(
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

/// A new wrapping key from `passphrase` (at least 8 characters) under `params`, with the
/// [`SlotKdf`] that derives it again: for key slots and members' identities alike.
pub(super) fn passphrase_key(
    passphrase: &str,
    params: KdfParams,
) -> Result<(Zeroizing<[u8; 32]>, SlotKdf)> {
    if passphrase.chars().count() < 8 {
        return Err(Error::KeySlot("a passphrase needs at least 8 characters"));
    }
    if !params.within_bounds() {
        return Err(Error::KeySlot(
            "the passphrase's cost parameters are beyond what Dossier accepts \
             (at most 1 GiB of memory, 16 passes and 16 lanes)",
        ));
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
    Ok((key, kdf))
}

/// Add a passphrase slot; returns its id.
pub fn add_passphrase_slot(
    file: &mut KeyFile,
    master: &MasterKey,
    passphrase: &str,
    label: &str,
    params: KdfParams,
) -> Result<String> {
    let (key, kdf) = passphrase_key(passphrase, params)?;
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

/// Add a slot for a person: their identity file, and `key` sealed to its encryption key
/// (the library's key, or for department staff the members' key; one slot per person:
/// an earlier one of theirs is replaced, so a reissued identity leaves no slot for the
/// old keys). Returns its id.
pub fn add_person_slot(
    file: &mut KeyFile,
    key: &LibraryKey,
    person: &IdentityFile,
    label: &str,
) -> Result<String> {
    let wrapped = seal_to(&person.public, Purpose::MemberKeys, &key.to_bytes())?;
    if let LibraryKey::Members(members) = key
        && file.members_check.is_none()
    {
        file.members_check = Some(members.check_value());
    }
    file.slots
        .retain(|s| s.member() != Some(person.public.member));
    let id = data_encoding::HEXLOWER.encode(&random::<4>());
    file.slots.push(KeySlot {
        id: id.clone(),
        label: label.to_owned(),
        created_ms: now_ms(),
        kdf: SlotKdf::Member {
            identity: Box::new(person.clone()),
        },
        wrapped,
    });
    Ok(id)
}

/// Put `person` (their identity, wrapped by a new passphrase) in place of the identity
/// in their slot, keeping the key it wraps (sealed to the same keys): changing one's own
/// passphrase never changes what one's slot opens. The slot takes a new id, as any slot
/// written again does: key sync tells slots apart by id, so the change is published and
/// no merge puts the old one back.
pub fn rewrap_person_slot(file: &mut KeyFile, person: &IdentityFile) -> Result<()> {
    let slot = file
        .slots
        .iter_mut()
        .find(|s| s.member() == Some(person.public.member))
        .ok_or(Error::KeySlot("this person has no key slot here"))?;
    match &mut slot.kdf {
        SlotKdf::Member { identity } if identity.public == person.public => {
            **identity = person.clone();
            slot.id = data_encoding::HEXLOWER.encode(&random::<4>());
            slot.created_ms = now_ms();
            Ok(())
        }
        _ => Err(Error::KeySlot(
            "the key slot here is for other keys of this person",
        )),
    }
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

/// Whether a slot is of the kind `secret` opens (a passphrase slot for a passphrase).
pub(crate) fn fits(slot: &KeySlot, secret: &Secret) -> bool {
    matches!(
        (&slot.kdf, secret),
        (SlotKdf::Passphrase { .. }, Secret::Passphrase(_))
            | (SlotKdf::Recovery { .. }, Secret::RecoveryKey(_))
    ) || matches!((slot.identity(), secret), (Some(identity), Secret::Person { who, .. }) if names(identity, who))
}

/// The most slots of one name a sign-in tries.
const MAX_NAMESAKES: usize = 8;

/// Whether `who` (as typed) names the person of `identity`: their member id, or their
/// name without regard to case or surrounding spaces.
fn names(identity: &IdentityFile, who: &str) -> bool {
    let who = who.trim();
    identity.public.member.to_string() == who || identity.public.name.eq_ignore_ascii_case(who)
}

/// A person's slot opened with `passphrase`: `None` when it does not open their identity;
/// else the key sealed to it and the identity, or why the sealed key is damaged.
fn open_person_slot(
    identity: &IdentityFile,
    wrapped: &[u8],
    passphrase: &str,
) -> Option<Result<(LibraryKey, Identity)>> {
    let person = Identity::unwrap(identity, passphrase).ok()?;
    Some(
        person
            .open_sealed(Purpose::MemberKeys, wrapped, "a person's key slot")
            .and_then(|key| LibraryKey::from_bytes(&key))
            .map(|key| (key, person)),
    )
}

/// The key `secret` unwraps from `file`'s slots ([`unwrap_any`]) and, when it is a
/// person's sign-in, their identity, which their slot wraps ([`unwrap_person`]): what
/// opens a department member's own folder.
pub fn unwrap_with_person(
    file: &KeyFile,
    secret: &Secret,
) -> Result<(LibraryKey, Option<Identity>)> {
    match secret {
        Secret::Person { who, passphrase } => {
            unwrap_person(file, who, passphrase).map(|(key, person)| (key, Some(person)))
        }
        _ => unwrap_any(file, secret).map(|key| (key, None)),
    }
}

/// The key (the library's, or the members' for department staff) and the person's
/// identity, from the slot of the person `who` names that `passphrase` opens.
/// [`Error::WrongPassphrase`] when none does.
pub fn unwrap_person(
    file: &KeyFile,
    who: &str,
    passphrase: &str,
) -> Result<(LibraryKey, Identity)> {
    let mut skipped = 0;
    // At most a few people share a name; a file naming many more (written by someone
    // who can write to the bucket) would cost one Argon2id run each.
    for slot in file
        .slots
        .iter()
        .filter(|s| s.identity().is_some_and(|i| names(i, who)))
        .take(MAX_NAMESAKES)
    {
        let Some(identity) = slot.identity() else {
            continue;
        };
        if !slot.usable() {
            skipped += 1;
            continue;
        }
        if let Some(opened) = open_person_slot(identity, &slot.wrapped, passphrase) {
            return opened;
        }
    }
    Err(if skipped > 0 {
        Error::NoUsableKeySlot
    } else {
        Error::WrongPassphrase
    })
}

/// Try every slot that fits the secret's kind; the first that authenticates wins. A slot
/// that cannot be used ([`KeySlot::usable`]: costs beyond the bounds, a salt of an odd
/// length) is skipped, never tried and never fatal. Passphrase and recovery slots wrap
/// the library's key; a person's, the library's or the members'.
pub fn unwrap_any(file: &KeyFile, secret: &Secret) -> Result<LibraryKey> {
    let (mut tried, mut skipped) = (0, 0);
    for slot in &file.slots {
        if !fits(slot, secret) {
            continue;
        }
        if !slot.usable() {
            skipped += 1;
            continue;
        }
        let key = match (&slot.kdf, secret) {
            (
                SlotKdf::Passphrase {
                    m_cost_kib,
                    t_cost,
                    p_cost,
                    salt,
                },
                Secret::Passphrase(p),
            ) => match argon2_key(p, salt, *m_cost_kib, *t_cost, *p_cost) {
                Ok(key) => key,
                Err(_) => {
                    skipped += 1;
                    continue;
                }
            },
            (SlotKdf::Recovery { salt }, Secret::RecoveryKey(rk)) => recovery_key(rk, salt),
            (SlotKdf::Member { identity }, Secret::Person { passphrase, .. }) => {
                tried += 1;
                match open_person_slot(identity, &slot.wrapped, passphrase) {
                    Some(Ok((key, _))) => return Ok(key),
                    _ => continue,
                }
            }
            _ => continue,
        };
        tried += 1;
        let cipher = Cipher::new(&key);
        if let Some(bytes) = open(&cipher, &aad(file, &slot.id), &slot.wrapped) {
            let bytes = Zeroizing::new(bytes);
            return MasterKey::from_bytes(&bytes).map(LibraryKey::Library);
        }
    }
    if tried == 0 && skipped > 0 {
        return Err(Error::NoUsableKeySlot);
    }
    Err(Error::WrongPassphrase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::LibraryId;

    const FAST: KdfParams = KdfParams::FAST;

    fn file() -> KeyFile {
        KeyFile {
            format: 1,
            library_id: LibraryId::new(),
            key_check: vec![],
            members_check: None,
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
        assert_eq!(a.library().unwrap().expose(), mk.expose());
        assert_eq!(b.library().unwrap().expose(), mk.expose());
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

    fn slot_asking(f: &mut KeyFile, m: u32, t: u32, p: u32) {
        let mut junk = f.slots[0].clone();
        junk.id = "0badc0de".into();
        junk.kdf = SlotKdf::Passphrase {
            m_cost_kib: m,
            t_cost: t,
            p_cost: p,
            salt: vec![7; 16],
        };
        f.slots.insert(0, junk);
    }

    #[test]
    fn slots_that_cannot_be_used_are_skipped_and_never_run() {
        let mut f = file();
        let mk = MasterKey::generate();
        add_passphrase_slot(&mut f, &mk, "correct horse", "main", FAST).unwrap();
        let rk = RecoveryKey::generate();
        add_recovery_slot(&mut f, &mk, &rk, "recovery");
        // Before the good slots: parameters Argon2 refuses, and costs that would take
        // 4 TiB of memory or a billion passes if they were run.
        slot_asking(&mut f, 0, 1, 1);
        slot_asking(&mut f, u32::MAX, 1, 1);
        slot_asking(&mut f, 256, 1_000_000_000, 1);
        slot_asking(&mut f, 256, 1, 0);
        let pass = Secret::Passphrase("correct horse".to_owned().into());
        assert_eq!(
            unwrap_any(&f, &pass).unwrap().library().unwrap().expose(),
            mk.expose()
        );
        assert_eq!(
            unwrap_any(&f, &Secret::RecoveryKey(rk))
                .unwrap()
                .library()
                .unwrap()
                .expose(),
            mk.expose()
        );
        // Only unusable slots for this kind of secret: said so, not "wrong passphrase".
        f.slots
            .retain(|s| s.id == "0badc0de" || matches!(s.kdf, SlotKdf::Recovery { .. }));
        assert!(matches!(unwrap_any(&f, &pass), Err(Error::NoUsableKeySlot)));
    }

    #[test]
    fn new_slots_beyond_the_bounds_are_refused() {
        let mut f = file();
        let mk = MasterKey::generate();
        for params in [
            KdfParams {
                m_cost_kib: KdfParams::MAX_M_COST_KIB + 1,
                ..FAST
            },
            KdfParams { t_cost: 0, ..FAST },
            KdfParams {
                t_cost: KdfParams::MAX_T_COST + 1,
                ..FAST
            },
            KdfParams { p_cost: 0, ..FAST },
            KdfParams {
                m_cost_kib: 8,
                p_cost: 2,
                ..FAST
            },
        ] {
            assert!(!params.within_bounds(), "{params:?}");
            assert!(add_passphrase_slot(&mut f, &mk, "correct horse", "x", params).is_err());
        }
        assert!(f.slots.is_empty());
        assert!(KdfParams::default().within_bounds() && FAST.within_bounds());
    }
}
