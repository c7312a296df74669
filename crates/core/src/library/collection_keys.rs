//! Collections' keys on a desktop (issue 21, step 3): an owner's desktop keeps each
//! collection's key sealed to exactly the people who may read it now, and makes a new
//! epoch whenever they change (someone given the collection, moved from it, removed, or
//! given new keys), so a person who leaves is sealed nothing that follows; every desktop
//! opens the epochs sealed to its signed-in person.
//!
//! **Invariant:** the newest epoch of a collection is sealed to its readers as the
//! people's chain stood when it was made; an owner's people change is followed by the
//! epochs it calls for ([`Library::rekey_collections`]), and one a crash cut short is made
//! by the next.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use super::Library;
use crate::error::{Error, Result};
use crate::format::collection_keys::{ContentKey, EpochKeys, JOURNAL_SCOPE, SignedEpochKeys};
use crate::format::op::OpKind;
use crate::format::subject::ALL_COLLECTION;
use crate::ids::MemberId;
use crate::keys::{Crypto, Identity, MasterKey, RecordKey};
use crate::members::{
    Registry, newest_epoch, newest_epoch_object, open_epochs, open_sealed_to_me, sealing_collection,
};
use crate::role::Role;

/// A collection's keys as this desktop holds them (`dossier people collections`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionAccess {
    pub collection: String,
    /// Its newest epoch (0 for its first key).
    pub epoch: u64,
    /// Who its newest epoch is sealed to.
    pub readers: Vec<MemberId>,
    /// The epochs the signed-in person can open (none: this desktop cannot read the
    /// collection's records).
    pub readable: Vec<u64>,
}

impl Library {
    /// Every collection with keys, with who may read it and what the signed-in person
    /// can open. "all" is listed once it has keys of its own (someone who held the
    /// library's key left); until then its key is the library's.
    pub fn collection_access(&self) -> Result<Vec<CollectionAccess>> {
        let Some(registry) = self.registry()? else {
            return Ok(Vec::new());
        };
        let objects = self.catalog().collection_keys()?;
        let mut out = Vec::new();
        for collection in keyed(&registry, &objects) {
            if collection == JOURNAL_SCOPE {
                continue;
            }
            let Some(newest) = newest_epoch(&registry, &collection, &objects) else {
                continue;
            };
            let readable = match &self.person {
                Some(me) => open_epochs(&registry, me, &collection, &objects)
                    .map(|keys| keys.into_keys().collect())
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            out.push(CollectionAccess {
                collection,
                epoch: newest.epoch,
                readers: newest.members.keys().copied().collect(),
                readable,
            });
        }
        Ok(out)
    }

    /// What opens content sealed under `key` (`None`: the library's own key), or
    /// [`Error::CollectionKeyUnavailable`] when it was not sealed to the person signed in.
    pub(crate) fn crypto_for(&self, key: Option<&ContentKey>) -> Result<Arc<Crypto>> {
        let Some(key) = key else {
            return self.library_crypto(|| Error::CollectionKeyUnavailable {
                collection: ALL_COLLECTION.to_owned(),
            });
        };
        if let Some(found) = self.cached_key(key) {
            return Ok(found);
        }
        // The very epoch it names, when that is sealed to the person signed in: of two
        // made for one epoch at once, the one not chosen opens too.
        if let Some(k) = self.open_epoch_object(key)? {
            let k = Arc::new(k.crypto());
            let mut cache = self.content_keys.lock().unwrap_or_else(|e| e.into_inner());
            cache.insert(key.clone(), Arc::clone(&k));
            return Ok(k);
        }
        // Otherwise through the chain of the chosen epochs (an older epoch's key is
        // sealed under the next one's).
        let opened = self.open_collection(&key.collection)?;
        let by_chain = |epoch| ContentKey {
            collection: key.collection.clone(),
            epoch,
            object: None,
        };
        let mut cache = self.content_keys.lock().unwrap_or_else(|e| e.into_inner());
        for (epoch, k) in opened {
            cache
                .entry(by_chain(epoch))
                .or_insert_with(|| Arc::new(k.crypto()));
        }
        let found = cache.get(&by_chain(key.epoch)).cloned().ok_or_else(|| {
            Error::CollectionKeyUnavailable {
                collection: key.collection.clone(),
            }
        })?;
        cache.insert(key.clone(), Arc::clone(&found));
        Ok(found)
    }

    /// What opens the content of version `v`: its content key's ciphers, drawn with its
    /// record's own key when it has one ([`Crypto::for_record`]);
    /// [`Error::RecordKeyUnavailable`] while that key has not reached this desktop.
    pub(crate) fn content_crypto(&self, v: &crate::VersionInfo) -> Result<Arc<Crypto>> {
        self.with_record_key(&self.crypto_for(v.content_key.as_ref())?, v)
    }

    /// The own key of `doc`'s record (that of its newest version that names one), when
    /// this desktop holds it.
    pub(crate) fn record_key_of(&self, doc: crate::ids::DocId) -> Result<Option<RecordKey>> {
        let versions = self.catalog.versions(doc)?;
        match versions.iter().rev().find_map(|v| v.record_key) {
            Some(id) => self.catalog.record_key(&id),
            None => Ok(None),
        }
    }

    /// `crypto` drawn with the own key of version `v`'s record, when it has one.
    pub(crate) fn with_record_key(
        &self,
        crypto: &Arc<Crypto>,
        v: &crate::VersionInfo,
    ) -> Result<Arc<Crypto>> {
        let Some(id) = &v.record_key else {
            return Ok(Arc::clone(crypto));
        };
        let key = self
            .catalog
            .record_key(id)?
            .ok_or(Error::RecordKeyUnavailable { key: *id })?;
        Ok(Arc::new(crypto.for_record(&key)))
    }

    /// The key of the epoch object `key` names, if this desktop holds that object (in its
    /// catalog, or read from the remote before the segments sealed under it) and it is
    /// sealed to the person signed in.
    fn open_epoch_object(&self, key: &ContentKey) -> Result<Option<MasterKey>> {
        let (Some(id), Some(me)) = (key.object, self.person.as_ref()) else {
            return Ok(None);
        };
        let library = self.library_id();
        let mut objects = self.catalog().collection_keys()?;
        objects.extend(self.fetched_epoch_objects());
        Ok(objects
            .iter()
            .filter(|o| o.id() == id)
            .filter_map(SignedEpochKeys::epoch_keys)
            .find(|e| {
                e.library == library && e.collection == key.collection && e.epoch == key.epoch
            })
            .and_then(|e| open_sealed_to_me(me, &e)))
    }

    fn cached_key(&self, key: &ContentKey) -> Option<Arc<Crypto>> {
        let cache = self.content_keys.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(key).cloned()
    }

    /// Forget the collections' keys opened so far (another person signs in).
    pub(super) fn forget_content_keys(&self) {
        self.content_keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.forget_unavailable_keys();
    }

    /// Every epoch of `collection` sealed to the person signed in.
    fn open_collection(&self, collection: &str) -> Result<BTreeMap<u64, MasterKey>> {
        let unavailable = || Error::CollectionKeyUnavailable {
            collection: collection.to_owned(),
        };
        let (Some(registry), Some(me)) = (self.registry()?, self.person.as_ref()) else {
            return Err(unavailable());
        };
        open_epochs(
            &registry,
            me,
            collection,
            &self.catalog().collection_keys()?,
        )
        .map_err(|e| match e {
            Error::NotPermitted { .. } => unavailable(),
            other => other,
        })
    }

    /// The key new content of `collection` (`None`: "all") is sealed under: the newest
    /// epoch of the collection whose keys seal it ([`sealing_collection`]: itself when it
    /// has keys, otherwise "all"); the library's own key while "all" has none (a library
    /// without people, or everyone given the library's key still reads every record). A
    /// collection that should have keys and whose keys have not reached this desktop is
    /// [`Error::CollectionKeyUnavailable`], never sealed under the library's key.
    pub(crate) fn sealing_for(
        &self,
        collection: Option<&str>,
    ) -> Result<(Option<ContentKey>, Arc<Crypto>)> {
        let own = || {
            let crypto = self.library_crypto(|| Error::CollectionKeyUnavailable {
                collection: ALL_COLLECTION.to_owned(),
            })?;
            Ok((None, crypto))
        };
        let Some(registry) = self.registry()? else {
            return own();
        };
        let objects = self.catalog().collection_keys()?;
        let keyed = keyed(&registry, &objects);
        let target = sealing_collection(&keyed, collection);
        if !keyed.contains(target) {
            return own();
        }
        let (object, newest) =
            newest_epoch_object(&registry, target, &objects).ok_or_else(|| {
                Error::CollectionKeyUnavailable {
                    collection: target.to_owned(),
                }
            })?;
        let key = ContentKey {
            collection: target.to_owned(),
            epoch: newest.epoch,
            object: Some(object),
        };
        let crypto = self.crypto_for(Some(&key))?;
        Ok((Some(key), crypto))
    }

    /// Keep collections' keys and what is sealed under them as the people's chain asks:
    /// on an owner's desktop, people's slots of the wrong kind written again
    /// ([`Library::keep_slots`]) and the epochs that are due (also those a crash, or a
    /// change received from another owner's desktop, left unmade); then the records to
    /// seal again ([`Library::reconcile_sealing`]). Returns how many records were
    /// re-sealed.
    pub fn keep_keys(&mut self) -> Result<u64> {
        if !self.is_writer() {
            return Ok(0);
        }
        self.keep_slots()?;
        self.rekey_collections()?;
        self.reconcile_sealing()
    }

    /// On an owner's desktop: a new epoch for each collection whose readers are not the
    /// ones its newest epoch is sealed to (the first for a collection a grant names), in
    /// one batch. Elsewhere, nothing.
    pub(super) fn rekey_collections(&mut self) -> Result<()> {
        let Some(registry) = self.registry()? else {
            return Ok(());
        };
        let made = match &self.person {
            // An owner with the keys the registry knows: one whose keys were just given
            // anew (an owner resetting their own) makes the epochs after signing in again.
            Some(me)
                if registry.current(me.public().member).is_some_and(|g| {
                    g.role == Role::Owner && g.identity.binding() == me.public().binding()
                }) =>
            {
                due_epochs(&registry, me, &self.catalog().collection_keys()?)?
            }
            _ => return Ok(()),
        };
        if made.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = made
            .iter()
            .filter_map(|k| {
                k.epoch_keys().map(|e| match e.collection.as_str() {
                    JOURNAL_SCOPE => format!("the journal ({})", e.epoch),
                    c => format!("{c} ({})", e.epoch),
                })
            })
            .collect();
        let mut ops: Vec<OpKind> = made
            .into_iter()
            .map(|keys| OpKind::CollectionKeys { keys })
            .collect();
        ops.push(self.people_audit(format!(
            "new keys for the collections {} sealed to the people who may read them",
            names.join(", ")
        ))?);
        self.commit(ops)?;
        // Records filed in a collection before it had keys go under its first one.
        self.reconcile_sealing()?;
        Ok(())
    }
}

/// The collections to keep keys for: those a department member's grant names, those
/// keyed before (a collection whose last member left keeps being keyed: its records stay),
/// and "all" once a member may not read every record or someone given the library's own
/// key left ([`Registry::all_needs_keys`]).
pub(super) fn keyed(registry: &Registry, objects: &[SignedEpochKeys]) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = registry
        .members()
        .filter(|g| g.role == Role::DepartmentStaff)
        .flat_map(|g| g.collections.iter().cloned())
        .collect();
    if registry.all_needs_keys() {
        names.insert(ALL_COLLECTION.to_owned());
    } else {
        names.remove(ALL_COLLECTION);
    }
    // The journal's own keys, from the first department member on or once someone
    // given the library's key left.
    if registry.journal_needs_keys() {
        names.insert(JOURNAL_SCOPE.to_owned());
    }
    names.extend(
        objects
            .iter()
            .filter_map(SignedEpochKeys::epoch_keys)
            .filter(|e| e.library == registry.library())
            .map(|e| e.collection),
    );
    names
}

/// The epochs `me`, an owner, makes now: one per collection whose newest epoch is sealed
/// to other people than its readers, or to keys one of them no longer has.
fn due_epochs(
    registry: &Registry,
    me: &Identity,
    objects: &[SignedEpochKeys],
) -> Result<Vec<SignedEpochKeys>> {
    let mut made = Vec::new();
    for collection in keyed(registry, objects) {
        let (epoch, previous) = match newest_epoch(registry, &collection, objects) {
            None => (0, None),
            Some(newest) if !stale(registry, &collection, &newest) => continue,
            Some(newest) => {
                // The new key carries the newest one, so its readers open the history.
                let Ok(keys) = open_epochs(registry, me, &collection, objects) else {
                    continue;
                };
                let Some(key) = keys.get(&newest.epoch) else {
                    // Sealed before this owner could read it: another owner makes it.
                    continue;
                };
                (newest.epoch + 1, Some(key.clone()))
            }
        };
        let key = MasterKey::generate();
        made.push(registry.seal_epoch(me, &collection, epoch, &key, previous.as_ref())?);
    }
    Ok(made)
}

/// Whether `newest` is sealed to other people than those who may read `collection` now,
/// or to keys one of them was given anew since.
fn stale(registry: &Registry, collection: &str, newest: &EpochKeys) -> bool {
    let readers: BTreeSet<MemberId> = registry
        .readers(collection)
        .iter()
        .map(|i| i.member)
        .collect();
    readers != newest.members.keys().copied().collect()
        || registry.outlived_epoch(collection, newest)
}
