//! Garbage collection (`dossier prune`): after documents are deleted for good, their
//! chunks stay in packs until this runs. A pack no version uses is dropped; a pack that
//! is mostly unused is compacted (what is still used is copied into new packs, then the
//! pack is dropped); a chunk in use whose only copy is in a dropped pack (another
//! desktop used it before hearing of the drop) is copied out again. Dropped packs are
//! deleted once a grace period has passed and a re-check finds every chunk in use
//! stored in another pack.
//!
//! **Invariant:** a chunk a version uses always has a readable copy. New copies are
//! written and made durable first, then their `PackAdded` and the `PackDropped`s are
//! committed in one transaction, and a pack is deleted only after the re-check.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde::Serialize;

use super::Library;
use super::chunk_keys::ChunkKeys;
use crate::error::{Error, IoContext, Result};
use crate::format::collection_keys::ContentKey;
use crate::format::op::OpKind;
use crate::format::pack::encode_index;
use crate::ids::{ChunkId, PackId};
use crate::store::ChunkLocation;
use crate::store::{PACK_TARGET, PackReader, PackWriter, SealedChunk, open_chunk};

/// How [`Library::prune`] collects.
#[derive(Debug, Clone, Copy)]
pub struct PruneOptions {
    /// How long a dropped pack is kept before it is deleted, so that a desktop still
    /// using it (offline, not yet synced) can copy what it needs first. A library with
    /// no remote has no other desktop: its dropped packs go at once.
    pub grace: Duration,
    /// A pack whose chunks in use fill less than this share of it is compacted.
    pub compact_below: f64,
}

impl Default for PruneOptions {
    fn default() -> Self {
        Self {
            grace: Duration::from_secs(7 * 24 * 3600),
            compact_below: 0.5,
        }
    }
}

/// What a listing of the remote holds of destroyed records ([`Library::remote_shredding`]).
#[derive(Debug, Clone)]
pub struct RemoteShredding {
    /// The catalog's last operation when it was read.
    as_of: i64,
    /// Every pack holding content of destroyed records.
    shredding: HashSet<PackId>,
    /// Of those listed, the ones sync deletes from the remote at once.
    deletable: Vec<PackId>,
}

impl RemoteShredding {
    /// The listed packs sync may delete from the remote now.
    pub fn deletable(&self) -> &[PackId] {
        &self.deletable
    }
}

/// What [`Library::prune`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PruneReport {
    /// Chunks in use copied out of dropped packs.
    pub rehomed_chunks: u64,
    /// Chunks copied into new packs (compaction and copies out of dropped packs).
    pub copied_chunks: u64,
    /// Packs rewritten because most of them was unused.
    pub compacted_packs: u64,
    /// Packs dropped by this run (unused, or compacted).
    pub dropped_packs: u64,
    /// New packs written for the copies.
    pub new_packs: u64,
    /// Dropped packs deleted from this desktop, and the bytes that freed.
    pub deleted_packs: u64,
    pub freed_bytes: u64,
    /// Dropped packs kept until their grace period ends.
    pub waiting_packs: u64,
    /// Packs from `store/quarantine/` (found on disk, unknown to the catalog) deleted
    /// because the complete store journal proves no operation ever used them.
    pub quarantine_deleted: u64,
    /// Quarantined packs kept because the store journal is not complete (see
    /// `Catalog::journal_incomplete`).
    pub quarantine_kept: u64,
    /// Nothing was collected: the catalog was rebuilt without some store journal
    /// segments, so nothing it calls unused is proven unused.
    pub held_back: bool,
    /// Dropped packs past their grace period and re-checked: safe to delete everywhere
    /// (sync deletes them from the remote).
    #[serde(skip)]
    pub deletable: Vec<PackId>,
}

/// What one collection looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collect {
    /// Every pack (`dossier prune`).
    All,
    /// Only packs holding content of destroyed records (after a destruction, here or
    /// received by sync).
    Shredding,
}

impl Library {
    /// Collect unused packs: drop and compact now, delete what was dropped long enough
    /// ago (see [`PruneOptions`]). Packs holding content of destroyed records are
    /// rewritten and deleted at once, whatever the options say ([`Library::shred`]).
    pub fn prune(&mut self, opts: &PruneOptions) -> Result<PruneReport> {
        self.collect(opts, Collect::All)
    }

    /// Rewrite every pack holding content of a destroyed record that no surviving
    /// version uses without it, and delete it from this desktop at once (no grace
    /// period: a destruction is final); delete the thumbnails and page renders of
    /// versions deleted for good anywhere; rewrite the search index's segments without
    /// the entries deleted. The report's `deletable` are packs sync deletes from the
    /// remote. Does nothing unless something was destroyed or purged since it last ran
    /// ([`Library::shredding_pending`]).
    pub fn shred(&mut self) -> Result<PruneReport> {
        if !self.shredding_pending()? {
            return Ok(PruneReport::default());
        }
        let report = self.collect(&PruneOptions::default(), Collect::Shredding)?;
        let gone = self.catalog.derived_to_remove()?;
        if !gone.is_empty() {
            let derived = self.derived();
            for v in &gone {
                derived.remove(*v)?;
            }
            self.catalog.derived_removed(&gone)?;
        }
        self.refresh_index()?;
        self.expunge_index()?;
        self.catalog.truncate_wal()?;
        // Done unless a pack could not be rewritten here (under a key this desktop does
        // not hold: a desktop that holds it does) or waits for a re-check.
        let dropped = self.catalog.dropped_packs()?;
        let keys = self.catalog.pack_keys()?;
        let mut left = false;
        for p in self.shredding_packs()? {
            left |= match dropped.contains_key(&p) {
                true => self.store().pack_path(&p).is_file(),
                false => self.crypto_for(keys.get(&p)).is_ok(),
            };
        }
        if !left {
            self.catalog.shred_done()?;
        }
        Ok(report)
    }

    /// Packs holding content of a destroyed record that no version uses, dropped or not.
    pub(super) fn shredding_packs(&self) -> Result<HashSet<PackId>> {
        self.catalog
            .shredding_packs(&self.catalog.referenced_chunks()?)
    }

    /// Whether [`Library::shred`] has work (one flag in the catalog: cheap).
    pub fn shredding_pending(&self) -> Result<bool> {
        self.catalog.shred_wanted()
    }

    fn collect(&mut self, opts: &PruneOptions, what: Collect) -> Result<PruneReport> {
        self.writer()?;
        let mut report = PruneReport::default();
        if self.catalog.journal_incomplete()?.as_deref() == Some(crate::catalog::REBUILT_INCOMPLETE)
        {
            // Rebuilt without some of its journal: what looks unused may belong to a
            // version the lost segments held. Nothing is given up or deleted.
            report.held_back = true;
            report.quarantine_kept = self.store().quarantined_packs()?.len() as u64;
            return Ok(report);
        }
        let used = self.catalog.referenced_chunks()?;
        let shred = self.catalog.shredding_packs(&used)?;
        if what == Collect::Shredding && shred.is_empty() {
            return Ok(report);
        }
        let (canonical, homeless) = self.locate(&used)?;
        let mut to_copy: Vec<_> = homeless.into_iter().map(|(id, l)| (id, l, false)).collect();
        let dropped = self.catalog.dropped_packs()?;
        let mut live: HashMap<PackId, Vec<(ChunkId, ChunkLocation)>> = HashMap::new();
        for (id, loc) in &canonical {
            live.entry(loc.pack).or_default().push((*id, *loc));
        }
        // Each pack's chunk bytes (its index and header aside).
        let mut stored: HashMap<PackId, u64> = HashMap::new();
        for loc in self.catalog.chunk_copies()?.values().flatten() {
            *stored.entry(loc.pack).or_default() += u64::from(loc.sealed_len);
        }
        let mut drop = Vec::new();
        let mut compacting = 0;
        let keys = self.catalog.pack_keys()?;
        let mut openers = ChunkKeys::read(self)?;
        for (pack, _size) in self.catalog.packs()? {
            if dropped.contains_key(&pack) || (what == Collect::Shredding && !shred.contains(&pack))
            {
                continue;
            }
            let in_use = live.remove(&pack).unwrap_or_default();
            let used_bytes: u64 = in_use.iter().map(|(_, l)| u64::from(l.sealed_len)).sum();
            let total = stored.get(&pack).copied().unwrap_or(0);
            // Readable here: its key, and the own key of every record whose chunks in it
            // are in use, are held here.
            let readable = self.crypto_for(keys.get(&pack)).is_ok()
                && in_use
                    .iter()
                    .all(|(id, _)| openers.crypto(self, keys.get(&pack), id).is_ok());
            if in_use.is_empty() {
                drop.push(pack);
            } else if shred.contains(&pack) && readable
                || (used_bytes as f64) < opts.compact_below * total as f64
                // Compaction reads the pack: only where it is (others compact theirs),
                // and only with its key (a desktop that can read it compacts it). A pack
                // holding destroyed content is rewritten wherever it is (fetched).
                && self.store().pack_path(&pack).is_file()
                && readable
            {
                drop.push(pack);
                report.compacted_packs += 1;
                compacting += in_use.len() as u64;
                to_copy.extend(in_use.into_iter().map(|(id, l)| (id, l, true)));
            }
        }
        // Copies first (durable), then one transaction announcing them and the drops.
        to_copy.sort_by_key(|(_, l, _)| (l.pack, l.offset));
        let mut ops = self.copy_chunks(&to_copy, &mut report)?;
        report.rehomed_chunks = report.copied_chunks - compacting;
        report.dropped_packs = drop.len() as u64;
        ops.extend(drop.into_iter().map(|pack| OpKind::PackDropped { pack }));
        if !ops.is_empty() {
            self.commit(ops)?;
        }
        self.delete_dropped(opts, &used, &shred, what, &mut report)?;
        if what == Collect::All {
            self.reclaim_quarantine(&mut report)?;
        }
        Ok(report)
    }

    /// Delete quarantined packs that no operation ever announced. Opening for writing
    /// refused a catalog behind the store journal, so when that journal is complete, a
    /// pack the catalog does not know was written by an import that never committed.
    fn reclaim_quarantine(&mut self, report: &mut PruneReport) -> Result<()> {
        let quarantined = self.store().quarantined_packs()?;
        if quarantined.is_empty() {
            return Ok(());
        }
        if self.catalog.journal_incomplete()?.is_some() {
            report.quarantine_kept = quarantined.len() as u64;
            return Ok(());
        }
        let known: HashSet<PackId> = self
            .catalog
            .packs()?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        for (id, path) in quarantined {
            if known.contains(&id) {
                report.quarantine_kept += 1;
                continue;
            }
            let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            self.store().delete_quarantined(&id)?;
            report.quarantine_deleted += 1;
            report.freed_bytes += len;
        }
        Ok(())
    }

    /// Copy the chunks in use whose only copies are in dropped packs into new packs (a
    /// version made here, or arriving from another desktop, before the drop was known).
    /// Sync runs this after applying other desktops' changes; 0 when nothing needed it.
    pub fn rehome(&mut self) -> Result<u64> {
        self.writer()?;
        if self.catalog.dropped_packs()?.is_empty() {
            return Ok(0);
        }
        let used = self.catalog.referenced_chunks()?;
        let (_, homeless) = self.locate(&used)?;
        if homeless.is_empty() {
            return Ok(0);
        }
        let mut to_copy: Vec<_> = homeless.into_iter().map(|(id, l)| (id, l, false)).collect();
        to_copy.sort_by_key(|(_, l, _)| (l.pack, l.offset));
        let mut report = PruneReport::default();
        let ops = self.copy_chunks(&to_copy, &mut report)?;
        if !ops.is_empty() {
            self.commit(ops)?;
        }
        Ok(report.copied_chunks)
    }

    /// For each chunk in `used`: the copy it is read from, in a pack that is not dropped
    /// (the smallest id, as `Catalog::chunk` picks); or, when every copy is in a dropped
    /// pack, one of those, to be copied out.
    #[allow(clippy::type_complexity)]
    fn locate(
        &self,
        used: &HashSet<ChunkId>,
    ) -> Result<(
        HashMap<ChunkId, ChunkLocation>,
        Vec<(ChunkId, ChunkLocation)>,
    )> {
        let dropped = self.catalog.dropped_packs()?;
        let copies = self.catalog.chunk_copies()?;
        let mut canonical = HashMap::new();
        let mut homeless = Vec::new();
        for id in used {
            let Some(locs) = copies.get(id) else {
                continue; // A missing chunk is `verify`'s to report; nothing to move.
            };
            match locs
                .iter()
                .filter(|l| !dropped.contains_key(&l.pack))
                .min_by_key(|l| l.pack)
            {
                Some(l) => {
                    canonical.insert(*id, *l);
                }
                None => homeless.push((*id, locs[0])),
            }
        }
        Ok((canonical, homeless))
    }

    /// Write the sealed chunks (checked on the way) into new packs, each with the key of
    /// the pack it comes from (a pack holds one collection's chunks); their `PackAdded`s.
    /// A chunk marked not needed (out of a dropped pack) is skipped when it cannot be
    /// read, or is under a key this desktop does not hold (a desktop that holds it copies
    /// it out).
    fn copy_chunks(
        &self,
        chunks: &[(ChunkId, ChunkLocation, bool)],
        report: &mut PruneReport,
    ) -> Result<Vec<OpKind>> {
        let mut ops = Vec::new();
        let keys = self.catalog.pack_keys()?;
        let mut openers = ChunkKeys::read(self)?;
        let mut reader = PackReader::new(self.store());
        let mut writers: HashMap<Option<ContentKey>, PackWriter> = HashMap::new();
        for (id, loc, need) in chunks {
            let key = keys.get(&loc.pack).cloned();
            let crypto = match openers.crypto(self, key.as_ref(), id) {
                Ok(c) => c,
                Err(
                    Error::CollectionKeyUnavailable { .. } | Error::RecordKeyUnavailable { .. },
                ) if !need => {
                    continue;
                }
                Err(e) => return Err(e),
            };
            let sealed = match reader.read(loc) {
                Ok(s) => s,
                // A dropped pack this desktop never had and the remote no longer gives:
                // the desktop that used it copies it out (it holds the pack).
                Err(Error::Fetch { .. } | Error::MissingPack(_)) if !need => continue,
                Err(e) => return Err(e),
            };
            open_chunk(&crypto, id, &sealed, loc.plain_len)?;
            let w = match writers.entry(key.clone()) {
                std::collections::hash_map::Entry::Occupied(w) => w.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(self.store().pack_writer()?)
                }
            };
            report.copied_chunks += 1;
            w.add(&SealedChunk {
                id: *id,
                plain_len: loc.plain_len,
                sealed,
            })?;
            if w.len() >= PACK_TARGET {
                let full = writers.remove(&key).expect("inserted above");
                ops.push(self.finish_pack(full, key, report)?);
            }
        }
        let mut rest: Vec<_> = writers.into_iter().collect();
        rest.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, w) in rest {
            ops.push(self.finish_pack(w, key, report)?);
        }
        Ok(ops)
    }

    fn finish_pack(
        &self,
        w: PackWriter,
        key: Option<ContentKey>,
        report: &mut PruneReport,
    ) -> Result<OpKind> {
        let done = w.finish(&*self.crypto_for(key.as_ref())?)?;
        report.new_packs += 1;
        Ok(OpKind::PackAdded {
            pack: done.id,
            size: done.size,
            index: encode_index(&done.entries),
            key,
        })
    }

    /// Whether every chunk in use that the dropped `pack` holds has a copy in a pack that
    /// is not dropped.
    fn safe_to_delete(
        &self,
        pack: &PackId,
        used: &HashSet<ChunkId>,
        copies: &HashMap<ChunkId, Vec<ChunkLocation>>,
        dropped: &HashMap<PackId, i64>,
    ) -> Result<bool> {
        Ok(self.catalog.chunks_in_pack(pack)?.iter().all(|(id, _)| {
            !used.contains(id)
                || copies
                    .get(id)
                    .is_some_and(|c| c.iter().any(|l| !dropped.contains_key(&l.pack)))
        }))
    }

    /// Whether packs holding content of a destroyed record may still be on the remote
    /// (a destruction here or received since the remote was last found clear of them).
    pub fn remote_shred_pending(&self) -> Result<bool> {
        self.catalog.remote_shred_wanted()
    }

    /// `listed` (the packs on the remote, less those just deleted) was checked against
    /// `seen`: when none of them holds content of a destroyed record, the remote is
    /// clear and sync stops listing it for that.
    pub fn remote_shred_checked(
        &mut self,
        listed: &HashSet<PackId>,
        seen: &RemoteShredding,
    ) -> Result<()> {
        self.writer()?;
        if self.still_shredding(seen)?.is_disjoint(listed) {
            self.catalog.remote_shred_done()?;
        }
        Ok(())
    }

    /// What `listed` (the packs on the remote) holds of destroyed records, read once for
    /// a sync's steps: the packs that hold any, and those of them sync may delete at
    /// once (given up, every chunk in use kept elsewhere).
    pub fn remote_shredding(&self, listed: &HashSet<PackId>) -> Result<RemoteShredding> {
        let as_of = self.catalog.last_op()?;
        let used = self.catalog.referenced_chunks()?;
        let shredding = self.catalog.shredding_packs(&used)?;
        let dropped = self.catalog.dropped_packs()?;
        let copies = self.catalog.chunk_copies()?;
        let mut deletable = Vec::new();
        for pack in &shredding {
            if listed.contains(pack)
                && dropped.contains_key(pack)
                && self.safe_to_delete(pack, &used, &copies, &dropped)?
            {
                deletable.push(*pack);
            }
        }
        deletable.sort();
        Ok(RemoteShredding {
            as_of,
            shredding,
            deletable,
        })
    }

    /// The packs holding content of destroyed records: as `seen` read them, or read again
    /// when operations came since (a destruction committed in between).
    pub(super) fn still_shredding(&self, seen: &RemoteShredding) -> Result<HashSet<PackId>> {
        if self.catalog.last_op()? == seen.as_of {
            Ok(seen.shredding.clone())
        } else {
            self.shredding_packs()
        }
    }

    /// Delete dropped packs past their grace period whose chunks in use all have a copy
    /// in a pack that is not dropped.
    fn delete_dropped(
        &mut self,
        opts: &PruneOptions,
        used: &HashSet<ChunkId>,
        shred: &HashSet<PackId>,
        what: Collect,
        report: &mut PruneReport,
    ) -> Result<()> {
        let now = chrono::Utc::now().timestamp_millis();
        let grace = if self.remote()?.is_some() {
            i64::try_from(opts.grace.as_millis()).unwrap_or(i64::MAX)
        } else {
            0
        };
        let dropped = self.catalog.dropped_packs()?;
        let copies = self.catalog.chunk_copies()?;
        for (pack, at) in &dropped {
            let shredding = shred.contains(pack);
            if what == Collect::Shredding && !shredding {
                continue;
            }
            if !shredding && now.saturating_sub(*at) < grace {
                report.waiting_packs += 1;
                continue;
            }
            if !self.safe_to_delete(pack, used, &copies, &dropped)? {
                // Used again since it was dropped: the next run copies it out first.
                report.waiting_packs += 1;
                continue;
            }
            report.deletable.push(*pack);
            let path = self.store().pack_path(pack);
            match std::fs::metadata(&path) {
                Ok(meta) => {
                    std::fs::remove_file(&path).io("remove", &path)?;
                    report.deleted_packs += 1;
                    report.freed_bytes += meta.len();
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(Error::Io {
                        action: "stat",
                        path,
                        source,
                    });
                }
            }
        }
        Ok(())
    }
}
