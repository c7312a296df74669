//! Collection keys by epoch (docs/decisions.md, "Key hierarchy"): an owner seals each
//! epoch's key to the members who may read the collection ([`Registry::readers`]) and
//! seals the previous epoch's key under it, so a member given the newest key opens the
//! whole history ([`open_epochs`]), and a member left out of an epoch (removed, or moved
//! to another department) gets nothing written under it.
//!
//! **Invariant:** the newest epoch a member trusts is signed by an owner of the registry as
//! it is now; older epochs are reached only through the chain sealed under it, so an epoch
//! a removed owner makes (even signed with their old key) is never used.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::Registry;
use crate::error::{Error, Result};
use crate::format::collection_keys::{EPOCH_KEYS_FORMAT, EpochKeys, SignedEpochKeys};
use crate::format::identity::PublicIdentity;
use crate::keys::master::{Cipher, open, seal};
use crate::keys::{Identity, MasterKey, Purpose, seal_to, verify_signature};
use crate::role::Role;

const EPOCH_CHAIN: &str = "dossier 2026-12 collection epoch chain";

impl Registry {
    /// The identities of the members who may read `collection` now: every member but the
    /// department staff of other collections.
    pub fn readers(&self, collection: &str) -> Vec<&PublicIdentity> {
        self.members()
            .filter(|g| {
                g.role != Role::DepartmentStaff || g.collections.iter().any(|c| c == collection)
            })
            .map(|g| &g.identity)
            .collect()
    }

    /// Epoch `epoch` of `collection`'s key: `key` sealed to each of its
    /// [`Registry::readers`], and `previous` (epoch `epoch - 1`'s key) sealed under it,
    /// made and signed by `by`, an owner now.
    pub fn seal_epoch(
        &self,
        by: &Identity,
        collection: &str,
        epoch: u64,
        key: &MasterKey,
        previous: Option<&MasterKey>,
    ) -> Result<SignedEpochKeys> {
        let owner = self.check_owner(by)?;
        if (epoch == 0) != previous.is_none() {
            return Err(Error::MemberChangeRefused {
                reason: "an epoch after the first carries the one before it, the first none",
            });
        }
        let mut members = BTreeMap::new();
        for reader in self.readers(collection) {
            members.insert(
                reader.member,
                seal_to(reader, Purpose::MemberKeys, key.expose())?,
            );
        }
        let body = EpochKeys {
            format: EPOCH_KEYS_FORMAT,
            library: self.library(),
            collection: collection.to_owned(),
            epoch,
            by: owner,
            members,
            previous: previous.map(|p| {
                seal(
                    &chain_cipher(key),
                    &chain_aad(self, collection, epoch - 1),
                    p.expose(),
                )
            }),
        };
        let body = serde_json::to_string(&body)?;
        let signature = by.sign(Purpose::EpochKeys, body.as_bytes()).to_vec();
        Ok(SignedEpochKeys { body, signature })
    }
}

/// Every epoch key of `collection` that `me` can open, by epoch: the newest epoch sealed
/// to them and signed by a current owner, then each older one through the chain. Epochs
/// that are not this library's and collection's, or not signed by a current owner, are
/// passed over; none sealed to `me` is [`Error::NotPermitted`].
pub fn open_epochs(
    registry: &Registry,
    me: &Identity,
    collection: &str,
    objects: &[SignedEpochKeys],
) -> Result<BTreeMap<u64, MasterKey>> {
    let mut epochs: BTreeMap<u64, Vec<EpochKeys>> = BTreeMap::new();
    let mut newest: Option<EpochKeys> = None;
    for object in objects {
        let Some(e) = object.epoch_keys() else {
            continue;
        };
        if e.format > EPOCH_KEYS_FORMAT
            || e.library != registry.library()
            || e.collection != collection
        {
            continue;
        }
        let signed_by_owner = registry
            .current(e.by)
            .filter(|g| g.role == Role::Owner)
            .is_some_and(|g| {
                verify_signature(
                    &g.identity,
                    Purpose::EpochKeys,
                    object.body.as_bytes(),
                    &object.signature,
                    "a collection's keys",
                )
                .is_ok()
            });
        if signed_by_owner
            && e.members.contains_key(&me.public().member)
            && newest.as_ref().is_none_or(|n| e.epoch > n.epoch)
        {
            newest = Some(e.clone());
        }
        epochs.entry(e.epoch).or_default().push(e);
    }
    let Some(newest) = newest else {
        let role = registry.current(me.public().member).map(|g| g.role);
        return Err(Error::NotPermitted {
            member: me.public().member,
            role,
            what: crate::role::Permission::Read.name(),
        });
    };
    let object = format!("the keys of collection {collection}");
    let sealed = &newest.members[&me.public().member];
    let mut key = MasterKey::from_bytes(&me.open_sealed(Purpose::MemberKeys, sealed, &object)?)?;
    let mut keys = BTreeMap::new();
    let mut epoch = newest.epoch;
    // The newest epoch's own object first: another object of that epoch is not its.
    let mut candidates = vec![newest];
    loop {
        keys.insert(epoch, key.clone());
        let Some(before) = epoch.checked_sub(1) else {
            break;
        };
        // Of the objects claiming this epoch, the one whose previous key opens under its
        // key (a forged one's cannot).
        let sealed: Vec<&Vec<u8>> = candidates
            .iter()
            .filter_map(|e| e.previous.as_ref())
            .collect();
        if sealed.is_empty() {
            break;
        }
        let aad = chain_aad(registry, collection, before);
        let opened = sealed
            .iter()
            .find_map(|p| open(&chain_cipher(&key), &aad, p))
            .map(Zeroizing::new)
            .ok_or_else(|| Error::Integrity {
                object: object.clone(),
                detail: "an epoch's previous key does not open under it",
            })?;
        key = MasterKey::from_bytes(&opened)?;
        epoch = before;
        candidates = epochs.remove(&epoch).unwrap_or_default();
    }
    Ok(keys)
}

fn chain_cipher(key: &MasterKey) -> Cipher {
    Cipher::new(&blake3::derive_key(EPOCH_CHAIN, key.expose()))
}

fn chain_aad(registry: &Registry, collection: &str, epoch: u64) -> Vec<u8> {
    let mut aad = registry.library().0.as_bytes().to_vec();
    aad.extend_from_slice(&epoch.to_le_bytes());
    aad.extend_from_slice(collection.as_bytes());
    aad
}
