//! The journal's own keys on a desktop (issue 21): segments and checkpoints are sealed
//! under the library's key until someone who held it leaves; from then on under epochs
//! of [`JOURNAL_SCOPE`], each sealed to the members of its moment and given anew by an
//! owner's desktop whenever they change (the rule collections' keys follow,
//! `Library::rekey_collections`), so a person who left cannot read the journal written
//! after, with their desktop or with the bucket's credentials.
//!
//! **Invariant:** a desktop seals the journal only under the newest epoch an owner made
//! and only while no one it was given to has left ([`Library::journal_sealing`]);
//! otherwise its changes wait, unsent. Opening takes any key sealed to the person signed
//! in (a new desktop holds no people yet to judge an epoch by): a key proves nothing
//! about what it opens, whose operations are judged by their signatures. An object
//! naming an epoch no owner made, as far as this desktop knows, is damaged
//! ([`Error::Integrity`]), never a reason to stop reading the rest.
//!
//! **API boundary:** the epochs travel twice: as `CollectionKeys` operations (judged,
//! kept in the catalog, what sealing uses) and as `epochs/` objects on the remote
//! ([`Library::journal_key_objects`], [`Library::take_journal_key_object`]), which a
//! desktop reads before the segments sealed under them.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Library;
use crate::error::{Error, Result};
use crate::format::collection_keys::{self, JOURNAL_SCOPE, SignedEpochKeys};
use crate::keys::Crypto;
use crate::members::{newest_epoch, open_epochs, open_sealed_to};

/// The journal's keys a desktop was given: epoch objects read from the remote (not yet
/// in the catalog), and the keys opened for the person signed in, by epoch.
#[derive(Default)]
pub(super) struct JournalKeys {
    fetched: Vec<SignedEpochKeys>,
    /// Names of epoch objects refused (not the library's, or not what the name says) or
    /// sealed under the library's key this desktop does not hold: not read again while
    /// this library is open.
    refused: std::collections::HashSet<String>,
    /// Whether an epoch object under the library's key was passed over (a department
    /// member's desktop): an epoch it does not know may be in one.
    passed_over: bool,
    opened: BTreeMap<u64, Vec<Arc<Crypto>>>,
}

impl std::fmt::Debug for JournalKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalKeys")
            .field("fetched", &self.fetched.len())
            .field("refused", &self.refused.len())
            .field("passed_over", &self.passed_over)
            .field("epochs_opened", &self.opened.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Library {
    /// Whether the journal is sealed under keys of its own, not the library's: from the
    /// first department member on, or once someone who held the library's key has
    /// left. Another desktop's segment under the library's key after that was sealed
    /// before its writer heard: readers without that key take it from a checkpoint.
    pub fn journal_has_keys(&self) -> Result<bool> {
        Ok(self.registry()?.is_some_and(|r| r.journal_needs_keys()))
    }

    /// The key this desktop seals journal segments and checkpoints under: the library's
    /// own (`None`) until someone who held it left; then the newest epoch of the
    /// journal's keys an owner made. [`Error::JournalKeyOutdated`] while that key (or the
    /// library's) was given to someone who has left since and no newer one has reached
    /// this desktop; [`Error::JournalKeyUnavailable`] when the newest was not sealed to
    /// the person signed in.
    pub(crate) fn journal_sealing(&self) -> Result<(Option<u64>, Arc<Crypto>)> {
        let under_library_key = || {
            let crypto = self.library_crypto(|| Error::JournalKeyUnavailable {
                object: "the journal's keys".to_owned(),
            })?;
            Ok((None, crypto))
        };
        let Some(registry) = self.registry()? else {
            return under_library_key();
        };
        let objects = self.catalog().collection_keys()?;
        let Some(newest) = newest_epoch(&registry, JOURNAL_SCOPE, &objects) else {
            if registry.journal_needs_keys() {
                return Err(Error::JournalKeyOutdated);
            }
            return under_library_key();
        };
        if registry.outlived_epoch(JOURNAL_SCOPE, &newest) {
            return Err(Error::JournalKeyOutdated);
        }
        let unavailable = || Error::JournalKeyUnavailable {
            object: format!("the journal's keys of epoch {}", newest.epoch),
        };
        let me = self.person.as_ref().ok_or_else(unavailable)?;
        let key = open_epochs(&registry, me, JOURNAL_SCOPE, &objects)
            .map_err(|e| match e {
                Error::NotPermitted { .. } => unavailable(),
                other => other,
            })?
            .remove(&newest.epoch)
            .ok_or_else(unavailable)?;
        Ok((Some(newest.epoch), Arc::new(key.crypto())))
    }

    /// Open a journal object (`object`, for errors) sealed under `epoch` with `open`:
    /// the library's own key for `None`, otherwise each key of that epoch sealed to the
    /// person signed in until one opens it.
    pub(crate) fn open_journal<T>(
        &self,
        epoch: Option<u64>,
        object: &str,
        open: impl Fn(&Crypto) -> Result<T>,
    ) -> Result<T> {
        let Some(epoch) = epoch else {
            return open(&*self.library_crypto(|| Error::JournalKeyUnavailable {
                object: object.to_owned(),
            })?);
        };
        let mut failed = None;
        let mut try_keys = |keys: Vec<Arc<Crypto>>| {
            for key in keys {
                match open(&key) {
                    Err(e @ Error::Integrity { .. }) => failed = Some(e),
                    other => return Some(other),
                }
            }
            None
        };
        if let Some(done) = try_keys(self.journal_keys_of(epoch)) {
            return done;
        }
        // A key of that epoch that arrived since (or another owner's of the same epoch).
        self.open_journal_keys()?;
        if let Some(done) = try_keys(self.journal_keys_of(epoch)) {
            return done;
        }
        if let Some(e) = failed {
            return Err(e);
        }
        // No owner made that epoch, as far as this desktop knows after reading every
        // epoch the remote holds: the header was changed (or the epoch hidden), which
        // is damage to that object, not a key withheld from this person. Unless this
        // desktop passed over epoch objects under the library's key, which it does not
        // hold (a department member's): the epoch may be in one of them.
        if !self.journal_epoch_known(epoch)? && !self.lock_journal_keys().passed_over {
            return Err(Error::Integrity {
                object: object.to_owned(),
                detail: "sealed under keys of the journal no owner made",
            });
        }
        Err(Error::JournalKeyUnavailable {
            object: object.to_owned(),
        })
    }

    /// Whether an epoch `epoch` of the journal's keys is among those this desktop holds
    /// or read from the remote.
    fn journal_epoch_known(&self, epoch: u64) -> Result<bool> {
        let library = self.library_id();
        let of_epoch = |k: &SignedEpochKeys| {
            k.epoch_keys().is_some_and(|e| {
                e.collection == JOURNAL_SCOPE && e.library == library && e.epoch == epoch
            })
        };
        if self.lock_journal_keys().fetched.iter().any(of_epoch) {
            return Ok(true);
        }
        Ok(self.catalog().collection_keys()?.iter().any(of_epoch))
    }

    fn journal_keys_of(&self, epoch: u64) -> Vec<Arc<Crypto>> {
        self.lock_journal_keys()
            .opened
            .get(&epoch)
            .cloned()
            .unwrap_or_default()
    }

    /// Open every key of the journal sealed to the person signed in, from the catalog's
    /// epochs and those read from the remote.
    fn open_journal_keys(&self) -> Result<()> {
        let Some(me) = self.person.as_ref() else {
            return Ok(());
        };
        let mut objects = self.catalog().collection_keys()?;
        objects.extend(self.lock_journal_keys().fetched.iter().cloned());
        // Opened without the lock held: each is a key agreement.
        let opened = open_sealed_to(self.library_id(), me, JOURNAL_SCOPE, &objects)
            .into_iter()
            .map(|(epoch, ks)| (epoch, ks.iter().map(|k| Arc::new(k.crypto())).collect()))
            .collect();
        self.lock_journal_keys().opened = opened;
        Ok(())
    }

    /// The epoch objects read from the remote and not (yet) in the catalog.
    pub(super) fn fetched_epoch_objects(&self) -> Vec<SignedEpochKeys> {
        self.lock_journal_keys().fetched.clone()
    }

    fn lock_journal_keys(&self) -> std::sync::MutexGuard<'_, JournalKeys> {
        self.journal_keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forget the journal's keys opened so far (another person signs in).
    pub(super) fn forget_journal_keys(&self) {
        self.lock_journal_keys().opened.clear();
    }

    /// The epochs this desktop holds (the journal's, and the collections' that seal
    /// parts of segments), as remote objects (name, body): sync puts each one the remote
    /// does not list, before segments sealed under it.
    pub fn journal_key_objects(&self) -> Result<Vec<(String, Vec<u8>)>> {
        self.catalog()
            .collection_keys()?
            .into_iter()
            .filter(|k| {
                k.epoch_keys()
                    .is_some_and(|e| e.library == self.library_id())
            })
            .map(|k| {
                Ok((
                    k.object_name(),
                    collection_keys::seal_object(&*self.crypto, &k)?,
                ))
            })
            .collect()
    }

    /// The names of the epoch objects this desktop holds already (in its catalog, or read
    /// from the remote before) or refused before: none of them needs downloading.
    pub fn known_journal_key_objects(&self) -> Result<std::collections::HashSet<String>> {
        let mut known: std::collections::HashSet<String> = self
            .catalog()
            .collection_keys()?
            .iter()
            .map(SignedEpochKeys::object_name)
            .collect();
        let keys = self.lock_journal_keys();
        known.extend(keys.refused.iter().cloned());
        known.extend(keys.fetched.iter().map(SignedEpochKeys::object_name));
        Ok(known)
    }

    /// Keep an epoch object read from the remote (`name`, `body`), so segments sealed
    /// under its key open: [`Error::Integrity`] when it is not one a member sealed, or
    /// not the one its name says. One written before session 34, under the library's
    /// key, is passed over on a department member's desktop (it holds older keys only,
    /// reached through the newer epochs sealed to them).
    pub fn take_journal_key_object(&self, name: &str, body: &[u8]) -> Result<()> {
        let sealer = if collection_keys::under_library_key(body) {
            match &self.library_crypto {
                Some(library) => Arc::clone(library),
                None => {
                    let mut held = self.lock_journal_keys();
                    held.refused.insert(name.to_owned());
                    held.passed_over = true;
                    return Ok(());
                }
            }
        } else {
            Arc::clone(&self.crypto)
        };
        let opened = collection_keys::open_object(&*sealer, name, body);
        let mut held = self.lock_journal_keys();
        let keys = match opened {
            Ok(keys) => keys,
            Err(e) => {
                held.refused.insert(name.to_owned());
                return Err(e);
            }
        };
        if !held.fetched.contains(&keys) {
            held.fetched.push(keys);
            // Opened again when a segment asks for an epoch not opened yet.
            drop(held);
            self.forget_unavailable_keys();
        }
        Ok(())
    }
}
