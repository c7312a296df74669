//! Collection keys by epoch (docs/decisions.md, "Key hierarchy"): an owner seals each
//! epoch's key to the members who may read the collection ([`Registry::readers`]) and
//! seals the previous epoch's key under it, so a member given the newest key opens the
//! whole history ([`open_epochs`]), and a member left out of an epoch (removed, or moved
//! to another department) gets nothing written under it.
//!
//! **Invariant:** an epoch counts only if it was made by an owner as the people's chain
//! stood when it was made (its `at`) and signed with the keys they had then. An epoch
//! reaches a desktop only in a batch judged at its place in the chain (a removed owner's
//! later batches are refused, whatever place they claim), so one made after its maker was
//! removed is never used, and an owner's epochs keep counting after they step down (the
//! records sealed under them stay readable). Older epochs are reached only through the
//! chain sealed under the newest one.

use std::collections::{BTreeMap, BTreeSet};

use zeroize::Zeroizing;

use super::Registry;
use crate::error::{Error, Result};
use crate::format::collection_keys::{
    EPOCH_KEYS_FORMAT, EpochKeys, JOURNAL_SCOPE, SignedEpochKeys,
};
use crate::format::identity::PublicIdentity;
use crate::format::subject::ALL_COLLECTION;
use crate::ids::{EpochObjectId, LibraryId, MemberId};
use crate::keys::master::{Cipher, open, seal};
use crate::keys::{Identity, MasterKey, Purpose, seal_to, verify_signature};
use crate::role::Role;

const EPOCH_CHAIN: &str = "dossier 2026-12 collection epoch chain";

impl Registry {
    /// The identities of the members who may read `collection` now: every member but the
    /// department staff of other collections (of [`JOURNAL_SCOPE`], the journal's own
    /// key, every member).
    pub fn readers(&self, collection: &str) -> Vec<&PublicIdentity> {
        self.members()
            .filter(|g| {
                collection == JOURNAL_SCOPE
                    || g.role != Role::DepartmentStaff
                    || g.collections.iter().any(|c| c == collection)
            })
            .map(|g| &g.identity)
            .collect()
    }

    /// Whether someone who was given the journal's key of the library (every member is)
    /// is no longer a member with those keys: from then on the journal is sealed under
    /// keys of its own ([`JOURNAL_SCOPE`]), given anew whenever its readers change.
    pub fn outlived_journal_key(&self) -> bool {
        self.history.iter().any(|(member, tenures)| {
            let now = self.current(*member).map(|g| g.identity.binding());
            tenures
                .iter()
                .filter_map(|t| t.grant.as_ref())
                .any(|then| Some(then.identity.binding()) != now)
        })
    }

    /// Whether `epoch` of `scope` was sealed to someone who may not read it now, or to
    /// keys one of its readers no longer has: nothing more may be sealed under it.
    pub fn outlived_epoch(&self, scope: &str, epoch: &EpochKeys) -> bool {
        let readers: BTreeSet<MemberId> = self.readers(scope).iter().map(|i| i.member).collect();
        epoch.members.keys().any(|m| {
            !readers.contains(m)
                || self.role_at(*m, epoch.at).map(|g| g.identity.binding())
                    != self.current(*m).map(|g| g.identity.binding())
        })
    }

    /// Whether someone who was given the library's own key (every member is, through the
    /// key slot their desktop joins with) is no longer a member with those keys, or no
    /// longer reads every record: from then on, records filed in "all" need a key of
    /// their own, rotated like a collection's, so what is written after is sealed to
    /// the people who read every record now and to no one who left.
    pub fn outlived_library_key(&self) -> bool {
        let reads_all = |g: &super::Grant| g.role != Role::DepartmentStaff;
        self.history.iter().any(|(member, tenures)| {
            let now = self.current(*member);
            tenures
                .iter()
                .filter_map(|t| t.grant.as_ref())
                .any(|then| match now {
                    None => true,
                    Some(now) => {
                        now.identity.binding() != then.identity.binding()
                            || (reads_all(then) && !reads_all(now))
                    }
                })
        })
    }

    /// Whether records filed in "all" need keys of their own: once a member may not read
    /// every record (department staff are given the members' key, not the library's, so
    /// what is filed for everyone else must be under keys they are not given), or
    /// someone given the library's key left ([`Registry::outlived_library_key`]).
    pub fn all_needs_keys(&self) -> bool {
        self.has_department_staff() || self.outlived_library_key()
    }

    /// Whether the journal needs keys of its own ([`JOURNAL_SCOPE`]): once a member may
    /// not read every record (department staff must be able to open the journal without
    /// the library's key, which opens the history of every collection), or someone given
    /// the journal's key left ([`Registry::outlived_journal_key`]).
    pub fn journal_needs_keys(&self) -> bool {
        self.has_department_staff() || self.outlived_journal_key()
    }

    /// Whether a member is department staff now: someone who may not read every record
    /// (their key slot wraps the members' key, not the library's).
    pub fn has_department_staff(&self) -> bool {
        self.members().any(|g| g.role == Role::DepartmentStaff)
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
                seal_to(reader, Purpose::EpochKey, key.expose())?,
            );
        }
        let body = EpochKeys {
            format: EPOCH_KEYS_FORMAT,
            library: self.library(),
            collection: collection.to_owned(),
            epoch,
            by: owner,
            at: self.seq(),
            members,
            previous: previous.map(|p| {
                seal(
                    &chain_cipher(key),
                    &chain_aad(self.library(), collection, epoch - 1),
                    p.expose(),
                )
            }),
        };
        let body = serde_json::to_string(&body)?;
        let signature = by.sign(Purpose::EpochKeys, body.as_bytes()).to_vec();
        Ok(SignedEpochKeys { body, signature })
    }
}

/// The collection whose keys seal what is filed in `collection` (`None`: "all"), given
/// the collections with keys (`keyed`): itself when it has keys; otherwise "all",
/// whose readers are the same people (every member but department staff), sealed
/// under its own keys once it has them and under the library's until then.
pub(crate) fn sealing_collection<'a>(
    keyed: &BTreeSet<String>,
    collection: Option<&'a str>,
) -> &'a str {
    match collection {
        // The journal's key is every member's: a record is never sealed under it.
        Some(c) if keyed.contains(c) && c != JOURNAL_SCOPE => c,
        _ => ALL_COLLECTION,
    }
}

/// The most epoch objects of one collection looked at: a bound on what a bucket writer
/// can make a desktop read.
pub const MAX_EPOCH_OBJECTS: usize = 10_000;

/// Every epoch key of `collection` that `me` can open, by epoch: the newest epoch sealed
/// to them (of two such objects for one epoch, the one with the smaller digest, alike on
/// every desktop), then each older one through the chain. Objects that are not this
/// library's and collection's, or not made by an owner then, are passed over; none sealed
/// to `me` is [`Error::NotPermitted`].
pub fn open_epochs(
    registry: &Registry,
    me: &Identity,
    collection: &str,
    objects: &[SignedEpochKeys],
) -> Result<BTreeMap<u64, MasterKey>> {
    let mine = me.public().member;
    let epochs = candidates(registry, collection, objects);
    let newest = epochs.iter().rev().find_map(|(epoch, candidates)| {
        candidates
            .iter()
            .find(|(_, e)| e.members.contains_key(&mine))
            .map(|(_, e)| (*epoch, e))
    });
    let Some((newest, object)) = newest else {
        let role = registry.current(mine).map(|g| g.role);
        return Err(Error::NotPermitted {
            member: mine,
            role,
            what: crate::role::Permission::Read.name(),
        });
    };
    let what = format!("the keys of collection {collection}");
    let sealed = &object.members[&mine];
    let mut key = MasterKey::from_bytes(&me.open_sealed(Purpose::EpochKey, sealed, &what)?)?;
    let mut keys = BTreeMap::new();
    let mut epoch = newest;
    // The newest epoch's own object first: another object of that epoch is not its.
    let mut previous: Vec<Vec<u8>> = object.previous.iter().cloned().collect();
    loop {
        keys.insert(epoch, key.clone());
        let Some(before) = epoch.checked_sub(1) else {
            break;
        };
        if previous.is_empty() {
            break;
        }
        // The key an older epoch had is the one sealed under this epoch's key (a forged
        // object's previous key does not open under it).
        let aad = chain_aad(registry.library(), collection, before);
        let opened = previous
            .iter()
            .find_map(|p| open(&chain_cipher(&key), &aad, p))
            .map(Zeroizing::new)
            .ok_or_else(|| Error::Integrity {
                object: what.clone(),
                detail: "an epoch's previous key does not open under it",
            })?;
        key = MasterKey::from_bytes(&opened)?;
        epoch = before;
        previous = epochs
            .get(&epoch)
            .map(|c| c.iter().filter_map(|(_, e)| e.previous.clone()).collect())
            .unwrap_or_default();
    }
    Ok(keys)
}

/// The objects of `collection` made by an owner then, by epoch, each with its digest (the
/// order among objects of one epoch, smallest first).
type Candidates = BTreeMap<u64, Vec<([u8; 32], EpochKeys)>>;

fn candidates(registry: &Registry, collection: &str, objects: &[SignedEpochKeys]) -> Candidates {
    let mut epochs = Candidates::new();
    for object in objects.iter().take(MAX_EPOCH_OBJECTS) {
        let Some(e) = object.epoch_keys() else {
            continue;
        };
        if e.format > EPOCH_KEYS_FORMAT
            || e.library != registry.library()
            || e.collection != collection
        {
            continue;
        }
        if !made_by_an_owner(registry, object, &e) {
            continue;
        }
        epochs
            .entry(e.epoch)
            .or_default()
            .push((object.digest(), e));
    }
    for list in epochs.values_mut() {
        list.sort_by_key(|(digest, _)| *digest);
    }
    epochs
}

/// The newest epoch of `collection` among `objects` made by an owner then (of two for one
/// epoch, the one with the smaller digest, alike on every desktop): the one a new epoch
/// follows and whose readers say whether one is due.
pub fn newest_epoch(
    registry: &Registry,
    collection: &str,
    objects: &[SignedEpochKeys],
) -> Option<EpochKeys> {
    newest_epoch_object(registry, collection, objects).map(|(_, e)| e)
}

/// [`newest_epoch`] and the id of its object, which content sealed under it names.
pub(crate) fn newest_epoch_object(
    registry: &Registry,
    collection: &str,
    objects: &[SignedEpochKeys],
) -> Option<(EpochObjectId, EpochKeys)> {
    candidates(registry, collection, objects)
        .into_values()
        .rev()
        .find_map(|list| list.into_iter().next())
        .map(|(digest, e)| (EpochObjectId(digest), e))
}

/// Whether `object` was made by an owner as the people's chain stood when it was made
/// (`at`, a place this desktop has reached), signed with the keys they had then.
fn made_by_an_owner(registry: &Registry, object: &SignedEpochKeys, e: &EpochKeys) -> bool {
    e.at <= registry.seq()
        && registry.role_at(e.by, e.at).is_some_and(|g| {
            g.role == Role::Owner
                && verify_signature(
                    &g.identity,
                    Purpose::EpochKeys,
                    object.body.as_bytes(),
                    &object.signature,
                    "a collection's keys",
                )
                .is_ok()
        })
}

/// Every key of `scope` that `me` can open among `objects`, by epoch, whoever made them:
/// each one sealed to `me`, then the keys sealed under those (the epochs before). For
/// *opening* what is sealed: a key proves nothing about what it opens (operations are
/// judged by their signatures), so an epoch not yet known to be an owner's (a new
/// desktop holds no people yet) still opens. Nothing is ever *sealed* under a key that
/// is not the newest an owner made ([`newest_epoch`]). Several keys for one epoch are
/// possible (two owners' desktops at once, or a forgery): each is kept.
pub fn open_sealed_to(
    library: LibraryId,
    me: &Identity,
    scope: &str,
    objects: &[SignedEpochKeys],
) -> BTreeMap<u64, Vec<MasterKey>> {
    let epochs: Vec<EpochKeys> = objects
        .iter()
        .take(MAX_EPOCH_OBJECTS)
        .filter_map(SignedEpochKeys::epoch_keys)
        .filter(|e| e.format <= EPOCH_KEYS_FORMAT && e.library == library && e.collection == scope)
        .collect();
    let mut keys: BTreeMap<u64, Vec<MasterKey>> = BTreeMap::new();
    let mut todo: Vec<(u64, MasterKey, Option<Vec<u8>>)> = Vec::new();
    for e in &epochs {
        if let Some(key) = open_sealed_to_me(me, e) {
            todo.push((e.epoch, key, e.previous.clone()));
        }
    }
    // Each step goes one epoch back; a previous key opens only under its own object's
    // key, so only that object's chain goes on. Bounded all the same.
    let mut steps = 0;
    while let Some((epoch, key, previous)) = todo.pop() {
        steps += 1;
        if steps > 4 * MAX_EPOCH_OBJECTS {
            break;
        }
        let known = keys.entry(epoch).or_default();
        if !known.iter().any(|k| k.expose() == key.expose()) {
            known.push(key.clone());
        }
        let (Some(previous), Some(before)) = (previous, epoch.checked_sub(1)) else {
            continue;
        };
        let Some(opened) = open(
            &chain_cipher(&key),
            &chain_aad(library, scope, before),
            &previous,
        ) else {
            continue;
        };
        let opened = Zeroizing::new(opened);
        let Ok(older) = MasterKey::from_bytes(&opened) else {
            continue;
        };
        // The object of the epoch before whose own key this is carries the one before it
        // (which object that is shows only in what opens).
        todo.push((before, older.clone(), None));
        for e in epochs
            .iter()
            .filter(|e| e.epoch == before && e.previous.is_some())
        {
            todo.push((before, older.clone(), e.previous.clone()));
        }
    }
    keys
}

/// The key of the one epoch `e`, when it is sealed to `me`.
pub(crate) fn open_sealed_to_me(me: &Identity, e: &EpochKeys) -> Option<MasterKey> {
    let sealed = e.members.get(&me.public().member)?;
    let plain = me
        .open_sealed(Purpose::EpochKey, sealed, "an epoch's key")
        .ok()?;
    MasterKey::from_bytes(&plain).ok()
}

fn chain_cipher(key: &MasterKey) -> Cipher {
    Cipher::new(&blake3::derive_key(EPOCH_CHAIN, key.expose()))
}

fn chain_aad(library: LibraryId, collection: &str, epoch: u64) -> Vec<u8> {
    let mut aad = library.0.as_bytes().to_vec();
    aad.extend_from_slice(&epoch.to_le_bytes());
    aad.extend_from_slice(collection.as_bytes());
    aad
}
