//! What sync needs from a library, all synchronous and offline: the remote's address,
//! the repo file, journal segments going out and coming in (format in
//! [`crate::format::journal`]), packs read for upload or installed after download, and
//! the local cache of content kept on the remote (a source to fetch it from, a budget,
//! eviction).
//! `dossier-sync` moves the bytes; only an unlocked library can seal or open them.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::{Library, write_private};
use crate::error::{Error, IoContext, Result};
use crate::format::checkpoint::{self, Checkpoint, SealedSegment};
use crate::format::journal::Segment;
use crate::format::op::OpKind;
use crate::format::remote_json::RemoteJson;
use crate::ids::{DeviceId, PackId};
use crate::store::PackSource;

/// What [`Library::evict`] found and did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CacheReport {
    pub budget: Option<u64>,
    /// Packs and their bytes on this desktop afterwards.
    pub kept_packs: u64,
    pub kept_bytes: u64,
    pub evicted_packs: u64,
    pub freed_bytes: u64,
    /// Packs on the remote only (fetched again when read).
    pub not_downloaded_packs: u64,
}

/// Operations per journal segment (a few hundred KiB of JSON before compression).
pub const SEGMENT_OPS: usize = 5_000;

impl Library {
    fn remote_path(&self) -> std::path::PathBuf {
        self.root.join("remote.json")
    }

    /// The URL of the remote this library syncs with, if one was added.
    pub fn remote(&self) -> Result<Option<String>> {
        Ok(RemoteJson::read(&self.remote_path())?.map(|r| r.url))
    }

    /// The cache budget set with [`Library::set_cache_budget`], if any.
    pub fn cache_budget(&self) -> Result<Option<u64>> {
        Ok(RemoteJson::read(&self.remote_path())?.and_then(|r| r.cache_budget))
    }

    /// The last segment of every device this library holds (its own: the last sent).
    pub fn segments(&self) -> Result<std::collections::HashMap<DeviceId, u64>> {
        self.catalog.segments()
    }

    /// The newest segment of each device that a segment applied here named as seen, and
    /// the object that named it: segments the remote must have, whether or not it lists
    /// them.
    pub fn seen_heads(&self) -> Result<HashMap<DeviceId, (u64, String)>> {
        self.catalog.seen_heads()
    }

    /// The newest checkpoint this desktop saw on the remote (segments covered, writer).
    pub fn checkpoint_seen(&self) -> Result<Option<(u64, DeviceId)>> {
        self.catalog.checkpoint_seen()
    }

    /// What checkpoint `covered`/`device` covers, from the start of its object (up to
    /// `format::checkpoint::header_end`; a format-1 checkpoint needs the whole object),
    /// read once and kept: per device, its last segment.
    pub fn checkpoint_heads(
        &mut self,
        covered: u64,
        device: DeviceId,
        start: &[u8],
    ) -> Result<checkpoint::Heads> {
        let name = checkpoint::object_name(covered, device);
        if let Some(heads) = self.catalog.checkpoint_heads(&name)? {
            return Ok(heads);
        }
        let epoch = checkpoint::sealed_epoch(covered, device, start)?;
        let heads = self.open_journal(epoch, &name, |crypto| {
            match checkpoint::header_end(covered, device, start)? {
                Some(_) => checkpoint::open_heads(crypto, covered, device, start),
                None => checkpoint::open(crypto, covered, device, start)?.heads(),
            }
        })?;
        self.writer()?.note_checkpoint_heads(&name, &heads)?;
        Ok(heads)
    }

    /// The heads of checkpoint `covered`/`device` if they were read before.
    pub fn known_checkpoint_heads(
        &self,
        covered: u64,
        device: DeviceId,
    ) -> Result<Option<checkpoint::Heads>> {
        self.catalog
            .checkpoint_heads(&checkpoint::object_name(covered, device))
    }

    /// Remember a checkpoint seen on the remote (kept only if it is the newest seen).
    pub fn note_checkpoint_seen(&mut self, covered: u64, device: DeviceId) -> Result<()> {
        self.writer()?.note_checkpoint_seen(covered, device)
    }

    /// Whether a collection was given new keys in operations the checkpoint with `heads`
    /// (`None`: there is none) does not cover. A checkpoint written now seals the
    /// records of that collection under them, where the older one (and the segments it
    /// stands for) left them under keys people who may not read them hold, as records
    /// filed in "all" before the first department member joined: one is due at once,
    /// whatever the cadence, so a desktop that joins reads no further back than it.
    pub fn keys_changed_since(&self, heads: Option<&checkpoint::Heads>) -> Result<bool> {
        self.catalog.keys_changed_since(heads)
    }
}

impl Library {
    /// Remember the remote's URL (no secrets in it: credentials come from elsewhere).
    pub fn set_remote(&mut self, url: &str) -> Result<()> {
        self.writer()?;
        let remote = RemoteJson {
            url: url.into(),
            cache_budget: self.cache_budget()?,
        };
        write_private(&self.remote_path(), &remote.to_bytes())
    }

    /// Keep at most `budget` bytes of packs on this desktop (None: keep everything).
    /// Only a library with a remote has one: content is evicted only once it is there.
    pub fn set_cache_budget(&mut self, budget: Option<u64>) -> Result<()> {
        self.writer()?;
        let Some(mut remote) = RemoteJson::read(&self.remote_path())? else {
            return Err(Error::NoRemote);
        };
        remote.cache_budget = budget;
        write_private(&self.remote_path(), &remote.to_bytes())
    }

    /// Fetch packs missing here from `source` when content is read (the remote).
    pub fn set_pack_source(&mut self, source: Option<Arc<dyn PackSource>>) {
        self.store.set_source(source);
    }

    /// Note what a listing of the remote's packs showed (ids and sizes): only a pack seen
    /// there at its full size may be evicted ([`Library::evict`]).
    pub fn note_packs_on_remote(&mut self, listed: &[(PackId, u64)]) -> Result<()> {
        self.writer()?.note_packs_on_remote(listed)
    }

    /// Delete local copies of packs that are safely on the remote (announced by a
    /// segment there, and seen there whole by the last listing), least recently read
    /// first, until the packs here fit the cache budget. Without a budget, nothing goes.
    pub fn evict(&mut self) -> Result<CacheReport> {
        self.writer()?;
        let budget = self.cache_budget()?;
        // Announced by a segment on the remote, and seen there whole.
        let whole = self.catalog.packs_whole_on_remote()?;
        let mut on_remote = self.catalog.remote_packs()?;
        on_remote.retain(|id| whole.contains(id));
        let mut report = CacheReport {
            budget,
            not_downloaded_packs: self.missing_packs()?.len() as u64,
            ..CacheReport::default()
        };
        let mut evictable = Vec::new();
        for (id, path) in self.store.pack_files()? {
            let meta = std::fs::metadata(&path).io("stat", &path)?;
            report.kept_bytes += meta.len();
            report.kept_packs += 1;
            if on_remote.contains(&id) {
                let read = meta.modified().unwrap_or(std::time::SystemTime::UNIX_EPOCH);
                evictable.push((read, meta.len(), path));
            }
        }
        let Some(budget) = budget else {
            return Ok(report);
        };
        evictable.sort();
        for (_, len, path) in evictable {
            if report.kept_bytes <= budget {
                break;
            }
            // A pack open elsewhere (a reader, on Windows) stays until next time.
            if std::fs::remove_file(&path).is_ok() {
                report.kept_bytes -= len;
                report.kept_packs -= 1;
                report.evicted_packs += 1;
                report.freed_bytes += len;
                report.not_downloaded_packs += 1;
            }
        }
        Ok(report)
    }

    /// The next segment of this device's operations that no segment holds yet (at most
    /// [`SEGMENT_OPS`]), or `None` when everything was sent. It is only noted as sent by
    /// [`Library::mark_sent`], once it is on the remote with the packs it announces.
    pub fn next_segment(&self) -> Result<Option<Segment>> {
        // Read past the limit to see where the batches there end: a segment never splits
        // one (`format::batch`).
        let mut ops = self
            .catalog
            .unsent_ops(SEGMENT_OPS + crate::format::batch::MAX_BATCH_OPS + 1)?;
        if ops.is_empty() {
            return Ok(None);
        }
        ops.truncate(crate::format::batch::cut(&ops, SEGMENT_OPS));
        let device = self.device_id();
        let link = crate::format::journal::Link {
            audit: Some(self.catalog.audit_head_after(&ops)?),
            ..self.catalog.next_link()?
        };
        Ok(Some(Segment {
            device,
            seq: self.catalog.last_segment(device)? + 1,
            ops,
            link: Some(link),
            withheld: None,
        }))
    }

    /// Note that this device's `segment` is on the remote. When the remote already had a
    /// segment of that number (a sync that stopped after the upload, before this note),
    /// pass that one instead: its operations are what the number stands for.
    pub fn mark_sent(&mut self, segment: &Segment) -> Result<()> {
        self.writer()?.mark_sent(segment)?;
        self.flush_store_journal()
    }

    /// Apply another device's segment; the next one of that device must follow it.
    /// Returns how many operations were new.
    pub fn apply_segment(&mut self, segment: &Segment) -> Result<usize> {
        let mut applied = self.writer()?.apply_segment(segment)?;
        self.flush_store_journal()?;
        // Keys or people changed: parts withheld so far may open now; and this segment's
        // may, when keys came after it was opened.
        if segment.ops.iter().any(|op| {
            matches!(
                op.kind,
                OpKind::CollectionKeys { .. } | OpKind::MemberStatement { .. }
            )
        }) {
            applied += self.open_withheld()?;
        } else if let Some(w) = &segment.withheld {
            applied += self.take_parts(segment.device, segment.seq, w)?;
        }
        Ok(applied)
    }

    /// `device`'s segment `seq` rebuilt from the operations this library holds, sealed
    /// as its remote object; `None` when this library does not hold that segment, or
    /// cannot seal it yet (the journal's newest key was given to someone who has left).
    pub fn rebuild_segment(&self, device: DeviceId, seq: u64) -> Result<Option<Vec<u8>>> {
        match self.catalog.segment(device, seq)? {
            Some(segment) => match self.seal_segment(&segment) {
                // The journal's key outdated, or a batch of a collection whose part this
                // desktop cannot seal: a desktop that can sends it.
                Err(Error::JournalKeyOutdated | Error::CollectionKeyUnavailable { .. }) => Ok(None),
                sealed => sealed.map(Some),
            },
            None => Ok(None),
        }
    }

    /// Every segment this library holds, as a sealed checkpoint object (under the
    /// journal's newest key): its name and body; `None` when it holds none, when a
    /// device's segments have a gap (then the next sync, which fills it, may write one),
    /// or while the journal's newest key was given to someone who has left.
    pub fn seal_checkpoint(&self) -> Result<Option<(String, Vec<u8>)>> {
        let segments = self.catalog.held_segments()?;
        let mut expected: HashMap<DeviceId, u64> = HashMap::new();
        for s in &segments {
            let next = expected.entry(s.device).or_insert(1);
            if s.seq != *next {
                return Ok(None);
            }
            *next += 1;
        }
        if segments.is_empty() {
            return Ok(None);
        }
        let (epoch, crypto) = match self.journal_sealing() {
            Err(Error::JournalKeyOutdated) => return Ok(None),
            sealing => sealing?,
        };
        let mut c = Checkpoint {
            device: self.device_id(),
            covered: segments.len() as u64,
            segments: Vec::new(),
            sealed: Vec::new(),
        };
        // A segment with parts goes as its sealed object: each part only for its readers.
        for s in segments {
            let sealed = match self.seal_in_parts(&s, epoch, &*crypto) {
                // A batch of a collection whose part this desktop cannot seal: a desktop
                // that can writes the checkpoint.
                Err(Error::CollectionKeyUnavailable { .. }) => return Ok(None),
                sealed => sealed?,
            };
            match sealed {
                Some(body) => c.sealed.push(SealedSegment {
                    device: s.device,
                    seq: s.seq,
                    digest: s.digest()?,
                    body,
                }),
                None => c.segments.push(s),
            }
        }
        let name = checkpoint::object_name(c.covered, c.device);
        Ok(Some((name, checkpoint::seal(&*crypto, epoch, &c)?)))
    }

    /// Open a checkpoint's object body (named by `covered` and `device`) into its
    /// segments, to apply in order with [`Library::apply_segment`].
    pub fn open_checkpoint(
        &self,
        covered: u64,
        device: DeviceId,
        body: &[u8],
    ) -> Result<Vec<Segment>> {
        let name = checkpoint::object_name(covered, device);
        let epoch = checkpoint::sealed_epoch(covered, device, body)?;
        let c = self.open_journal(epoch, &name, |crypto| {
            checkpoint::open(crypto, covered, device, body)
        })?;
        let mut segments = c.segments;
        for s in c.sealed {
            let segment = self.open_segment(s.device, s.seq, &s.body)?;
            if segment.digest()? != s.digest {
                return Err(Error::Integrity {
                    object: name,
                    detail: "holds a segment other than the digest it gives",
                });
            }
            segments.push(segment);
        }
        segments.sort_by_key(|s| (s.device, s.seq));
        Ok(segments)
    }

    /// The bytes of a pack of the local store, for upload.
    pub fn read_pack(&self, id: &PackId) -> Result<Vec<u8>> {
        let path = self.store.pack_path(id);
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::MissingPack(*id),
            _ => Error::Io {
                action: "read",
                path,
                source: e,
            },
        })
    }

    /// Packs the catalog knows that the local store does not have (announced by other
    /// devices), with their sizes.
    pub fn missing_packs(&self) -> Result<Vec<(PackId, u64)>> {
        // Dropped packs are never read again: no need to fetch them.
        let dropped = self.catalog.dropped_packs()?;
        Ok(self
            .catalog
            .packs()?
            .into_iter()
            .filter(|(id, _)| !dropped.contains_key(id) && !self.store.pack_path(id).is_file())
            .collect())
    }

    /// Whether a version held here uses a chunk of `pack`: a pack no version uses (its
    /// records purged, its chunks copied elsewhere) may be gone from the remote without
    /// loss, as when another desktop deleted it after a drop that was later refused.
    pub fn pack_in_use(&self, pack: &PackId) -> Result<bool> {
        let used = self.catalog.referenced_chunks()?;
        Ok(self
            .catalog
            .chunks_in_pack(pack)?
            .iter()
            .any(|(id, _)| used.contains(id)))
    }

    /// Packs this desktop holds that the remote must hold too: announced by a segment on
    /// the remote (sent from here, or received) and not dropped. `remote check` looks
    /// for each and `--repair` sends a missing one again.
    pub fn remote_packs_here(&self) -> Result<Vec<PackId>> {
        let dropped = self.catalog.dropped_packs()?;
        let mut ids: Vec<PackId> = self
            .catalog
            .remote_packs()?
            .into_iter()
            .filter(|id| !dropped.contains_key(id) && self.store.pack_path(id).is_file())
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// Dropped packs already deleted from this desktop (see [`Library::prune`]).
    pub fn collected_packs(&self) -> Result<Vec<PackId>> {
        Ok(self
            .catalog
            .dropped_packs()?
            .into_keys()
            .filter(|id| !self.store.pack_path(id).is_file())
            .collect())
    }

    /// Make sure every pack holding `v`'s content is here, fetching missing ones from the
    /// pack source; [`Error::Fetch`] when one cannot be fetched now (offline).
    pub fn ensure_local(&self, v: &crate::VersionInfo) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for (id, _) in &v.manifest.chunks {
            let loc = self.catalog.chunk(id)?.ok_or(Error::MissingChunk(*id))?;
            if seen.insert(loc.pack) && !self.store.pack_path(&loc.pack).is_file() {
                self.store.open_pack(&loc.pack)?;
            }
        }
        Ok(())
    }

    /// Store a pack downloaded from the remote, checked against its id first.
    pub fn install_pack(&mut self, id: &PackId, bytes: &[u8]) -> Result<()> {
        self.writer()?;
        self.store.install_pack(id, bytes)
    }
}

/// Refuse a folder that is not empty, before making a library in it.
pub(super) fn check_empty(root: &Path) -> Result<()> {
    if root.exists() {
        let mut entries = std::fs::read_dir(root).io("list", root)?;
        if entries.next().is_some() {
            return Err(Error::AlreadyExists(root.to_owned()));
        }
    }
    Ok(())
}
