//! Key slots across desktops. A passphrase added or removed on one desktop reaches the
//! others through the remote: each change is published as a new write-once key object
//! (`keys/<n>`, a `RepoFile`), the newest of which is the library's slot set; a desktop
//! takes in the newest one, keeping what was added or removed here since the last one
//! it saw. Sync (`dossier-sync`) moves the objects; this is the bookkeeping.
//!
//! **Invariant:** slots are taken in only from a key object of this library that wraps
//! this library's master key (`KeyFile::key_check`); the slot set never becomes empty.

use std::collections::HashSet;

use super::{Library, write_private};
use crate::error::{Error, Result};
use crate::format::repo::RepoFile;

impl Library {
    /// The newest key object taken in or published (0: `dossier.repo`), and whether the
    /// slot ids it had are known (not yet after adding a remote).
    pub fn keys_seq(&self) -> Result<(u64, bool)> {
        Ok(self
            .catalog
            .key_sync()?
            .map_or((0, false), |(seq, _)| (seq, true)))
    }

    /// Take in key object `seq`: its slots, with the slots added here since the last
    /// object seen kept and those removed here left out. Returns whether this desktop's
    /// slots changed. Refused ([`Error::Integrity`]) when the object belongs to another
    /// library or wraps another master key.
    pub fn merge_remote_keys(&mut self, seq: u64, remote: &RepoFile) -> Result<bool> {
        self.writer()?;
        let refused = |detail| Error::Integrity {
            object: format!("key object {seq}"),
            detail,
        };
        let local = self.key_file()?;
        if remote.library_id != local.library_id {
            return Err(refused("it belongs to another library"));
        }
        if remote.keys.key_check != local.key_check {
            return Err(refused("it wraps another key"));
        }
        let state = self.catalog.key_sync()?;
        let here: HashSet<&str> = local.slots.iter().map(|s| s.id.as_str()).collect();
        let theirs: HashSet<&str> = remote.keys.slots.iter().map(|s| s.id.as_str()).collect();
        let seen: HashSet<&str> = match &state {
            Some((_, ids)) => ids.iter().map(String::as_str).collect(),
            // First contact: nothing is known to be removed on either side.
            None => here.intersection(&theirs).copied().collect(),
        };
        let mut merged = local.clone();
        merged.slots = remote
            .keys
            .slots
            .iter()
            .filter(|s| here.contains(s.id.as_str()) || !seen.contains(s.id.as_str()))
            .chain(
                local
                    .slots
                    .iter()
                    .filter(|s| !seen.contains(s.id.as_str()) && !theirs.contains(s.id.as_str())),
            )
            .cloned()
            .collect();
        let changed = !merged.slots.is_empty() && merged != local;
        if changed {
            write_private(&self.keys_path(), &serde_json::to_vec_pretty(&merged)?)?;
        }
        let theirs: Vec<String> = theirs.iter().map(|s| (*s).to_owned()).collect();
        self.catalog.set_key_sync(seq, &theirs)?;
        Ok(changed)
    }

    /// This desktop's slots as a key object, when they differ from the newest one seen.
    pub fn keys_to_publish(&self) -> Result<Option<RepoFile>> {
        let local = self.key_file()?;
        let Some((_, seen)) = self.catalog.key_sync()? else {
            return Ok(None);
        };
        let seen: HashSet<String> = seen.into_iter().collect();
        let here: HashSet<String> = local.slots.iter().map(|s| s.id.clone()).collect();
        Ok((seen != here).then(|| RepoFile::new(local)))
    }

    /// Note that this desktop's slots are now key object `seq` on the remote.
    pub fn keys_published(&mut self, seq: u64) -> Result<()> {
        self.writer()?;
        let ids: Vec<String> = self.key_file()?.slots.into_iter().map(|s| s.id).collect();
        self.catalog.set_key_sync(seq, &ids)
    }
}
