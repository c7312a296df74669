//! Import: files and folders into documents, streaming through a parallel pipeline.
//!
//! ```text
//! reader thread ──chunks──▶ workers (id, compress, seal) ──┐
//!      │                                                  ├─▶ committer (this thread):
//!      └──────────── file ends, refusals ─────────────────┘    reorder by sequence, append
//!                                                               to packs, commit batches
//!                                    full packs ──▶ flusher thread (index, fsync, rename)
//!                                    durable packs ◀──┘
//! ```
//!
//! The flusher keeps fsync off the committer, so the pipeline does not stall on the disk
//! while a pack is made durable.
//!
//! **Invariant:** a document is committed (and reported) only after every chunk it needs
//! is in a pack that is durable on disk and recorded in the same or an earlier catalog
//! transaction. A crash at any point loses only unreported work.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use serde::Serialize;

use super::Library;
use crate::error::{Error, Result};
use crate::format::collection_keys::ContentKey;
use crate::format::manifest::Manifest;
use crate::format::op::{AuditAction, FieldKey, FieldValue, OpKind, VersionRecord};
use crate::format::pack::encode_index;
use crate::ids::{ChunkId, ContentHash, DocId, VersionId};
use crate::keys::{Crypto, ErasureKey, RecordKey};
use crate::sniff::sniff;
use crate::store::{FinishedPack, PACK_TARGET, PackWriter};

mod plan;
mod read;

use plan::{Planned, plan, refuse};
use read::{Msg, Work, read_files, seal_work};

/// Content-defined chunking bounds (`docs/design.md`, section 4).
pub const CHUNK_MIN: u32 = 16 * 1024;
pub const CHUNK_AVG: u32 = 64 * 1024;
pub const CHUNK_MAX: u32 = 256 * 1024;

/// Commit at least this often so a long import keeps what it has done if interrupted.
const COMMIT_INTERVAL: Duration = Duration::from_secs(2);
const COMMIT_DOCS: usize = 1000;

/// Options for [`Library::import`].
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Import content already in the library as a new document anyway.
    pub allow_duplicates: bool,
    /// Worker threads for hashing, compression and encryption; 0 means one per core.
    pub workers: usize,
    /// The paths were found inside this folder (a watched folder), not named by the
    /// user: each must lie inside it without passing through a link, and a link is never
    /// followed.
    pub within: Option<PathBuf>,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ImportOutcome {
    Imported {
        path: PathBuf,
        doc: DocId,
        version: VersionId,
        title: String,
        size: u64,
        mime: String,
    },
    Duplicate {
        path: PathBuf,
        existing: DocId,
        existing_title: String,
    },
    Refused {
        path: PathBuf,
        reason: String,
    },
}

impl ImportOutcome {
    pub fn path(&self) -> &Path {
        match self {
            Self::Imported { path, .. }
            | Self::Duplicate { path, .. }
            | Self::Refused { path, .. } => path,
        }
    }
}

/// Progress of an import, reported on the calling thread.
#[derive(Debug)]
pub enum ImportEvent<'a> {
    /// Files found and their total size, before any is read.
    Planned { files: u64, bytes: u64 },
    /// More bytes have been processed.
    Bytes(u64),
    /// A file's final outcome (imported ones only once committed).
    Finished(&'a ImportOutcome),
}

/// The outcome of every file, in the order they finished.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub imported: usize,
    pub duplicates: usize,
    pub refused: usize,
    pub bytes: u64,
    pub files: Vec<ImportOutcome>,
}

impl ImportReport {
    fn push(&mut self, o: ImportOutcome) {
        match &o {
            ImportOutcome::Imported { size, .. } => {
                self.imported += 1;
                self.bytes += size;
            }
            ImportOutcome::Duplicate { .. } => self.duplicates += 1,
            ImportOutcome::Refused { .. } => self.refused += 1,
        }
        self.files.push(o);
    }
}

/// Where imported content goes.
#[derive(Debug, Clone)]
pub(super) enum Target {
    NewDocuments,
    NewVersion {
        doc: DocId,
        parent: Option<VersionId>,
        current_hash: Option<ContentHash>,
        note: Option<String>,
    },
}

/// A document waiting for its chunks' packs to be durable.
struct PendingDoc {
    /// How many packs of this import must be durable first.
    needs: u64,
    ops: Vec<OpKind>,
    outcome: ImportOutcome,
    /// A new document, and the folder it came from (for intake rules).
    source: Option<(DocId, Option<String>)>,
    /// The record's own key, when its content is under one made by this import.
    record: Option<(DocId, RecordKey)>,
}

/// Full packs queued for the flusher; bounded so that a slow disk slows the import down.
const PACKS_IN_FLIGHT: usize = 2;

/// The flusher thread: finish packs in the order they come.
fn flush_packs(crypto: &Crypto, packs: &Receiver<PackWriter>, out: &Sender<Result<FinishedPack>>) {
    for pack in packs {
        if out.send(pack.finish(crypto)).is_err() {
            return;
        }
    }
}

/// The committer's state (runs on the calling thread, owns the catalog).
struct Committer<'l, 'p> {
    lib: &'l mut Library,
    target: Target,
    opts: ImportOptions,
    known: Arc<HashSet<ChunkId>>,
    session: HashSet<ChunkId>,
    pack: Option<PackWriter>,
    /// Packs handed to the flusher, and how many of them came back durable.
    sent: u64,
    durable: u64,
    to_flusher: Option<Sender<PackWriter>>,
    from_flusher: Receiver<Result<FinishedPack>>,
    /// Durable packs not yet in the catalog.
    flushed: Vec<FinishedPack>,
    manifests: HashMap<usize, Manifest>,
    docs: std::collections::VecDeque<PendingDoc>,
    /// Content imported by this run, for duplicates not yet committed.
    session_hashes: HashMap<ContentHash, (DocId, String)>,
    /// The intake rules, run on each new document as it is added.
    rules: crate::rules::Rules,
    /// The collection a new document is in unless a rule says otherwise: the signed-in
    /// department member's first (`None`: "all").
    home: Option<String>,
    /// The collection key the content is sealed under (`None`: the library's own).
    content_key: Option<ContentKey>,
    /// Each planned file's record key (made by this import, or its document's), taken
    /// when the file is done.
    records: Vec<Option<(RecordKey, bool)>>,
    /// The current erasure epoch's key, which this import's new records' keys are sealed
    /// under.
    erasure: Option<ErasureKey>,
    last_commit: Instant,
    report: ImportReport,
    progress: &'p mut dyn FnMut(ImportEvent<'_>),
}

impl Committer<'_, '_> {
    fn handle(&mut self, msg: Msg, planned: &[Planned]) -> Result<()> {
        match msg {
            Msg::Chunk {
                file,
                id,
                len,
                sealed,
                ..
            } => {
                self.manifests
                    .entry(file)
                    .or_default()
                    .chunks
                    .push((id, len));
                (self.progress)(ImportEvent::Bytes(u64::from(len)));
                if !self.known.contains(&id) && !self.session.contains(&id) {
                    let sealed = sealed.ok_or(Error::MissingChunk(id))?;
                    if self.pack.is_none() {
                        self.pack = Some(self.lib.store().pack_writer()?);
                    }
                    let pack = self.pack.as_mut().expect("created above");
                    pack.add(&sealed)?;
                    self.session.insert(id);
                    if pack.len() >= PACK_TARGET {
                        self.send_pack()?;
                    }
                }
            }
            Msg::Failed { file, reason, .. } => {
                self.manifests.remove(&file);
                self.finish(refuse(&planned[file].path, reason));
            }
            Msg::End {
                file,
                hash,
                size,
                head,
                unsealed,
                ..
            } => {
                let manifest = self.manifests.remove(&file).unwrap_or_default();
                let record = self.records[file].take();
                let p = &planned[file];
                if unsealed && self.held_now(&hash)?.is_none() {
                    // Found held when read, gone since: nothing of it was stored.
                    self.finish(refuse(
                        &p.path,
                        "its content was in the library when it was read and is not now; import it again",
                    ));
                } else {
                    self.file_done(p, manifest, hash, size, &head, record)?;
                }
            }
        }
        self.collect_flushed(false)?;
        let due = self.docs.len() >= COMMIT_DOCS || self.last_commit.elapsed() >= COMMIT_INTERVAL;
        if due && self.docs.back().is_some_and(|d| d.needs > self.sent) {
            // Documents wait on the open pack: close it early rather than keep them waiting.
            self.send_pack()?;
        }
        if due
            && (!self.flushed.is_empty()
                || self.docs.front().is_some_and(|d| d.needs <= self.durable))
        {
            self.commit_ready()?;
        }
        Ok(())
    }

    fn file_done(
        &mut self,
        p: &Planned,
        manifest: Manifest,
        hash: ContentHash,
        size: u64,
        head: &[u8],
        record: Option<(RecordKey, bool)>,
    ) -> Result<()> {
        let file_name = p
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mime = sniff(head, &file_name);
        let version = VersionId::new();
        let (doc, parents, note, title, mut ops) = match &self.target {
            Target::NewDocuments => {
                if !self.opts.allow_duplicates {
                    let existing = self.held_now(&hash)?;
                    if let Some((existing, existing_title)) = existing {
                        self.finish(ImportOutcome::Duplicate {
                            path: p.path.clone(),
                            existing,
                            existing_title,
                        });
                        return Ok(());
                    }
                }
                let doc = DocId::new();
                let title = Path::new(&file_name)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or(file_name.clone());
                let ops = vec![OpKind::DocumentCreated {
                    doc,
                    title: title.clone(),
                }];
                (doc, vec![], None, title, ops)
            }
            Target::NewVersion {
                doc,
                parent,
                current_hash,
                note,
            } => {
                if current_hash.as_ref() == Some(&hash) {
                    self.finish(refuse(
                        &p.path,
                        "identical to the current version: nothing to add",
                    ));
                    return Ok(());
                }
                let title = self.lib.catalog().document(*doc)?.summary.title;
                (
                    *doc,
                    parent.iter().copied().collect(),
                    note.clone(),
                    title,
                    vec![],
                )
            }
        };
        let created = matches!(self.target, Target::NewDocuments);
        ops.push(OpKind::VersionAdded {
            doc,
            version: Box::new(VersionRecord {
                id: version,
                parents,
                manifest,
                size,
                content_hash: hash,
                mime: mime.clone(),
                file_name: file_name.clone(),
                file_mtime_ms: p.mtime_ms,
                author: self.lib.who(),
                note,
                restored_from: None,
                key: self.content_key.clone(),
                record: record.as_ref().map(|(k, _)| k.id()),
            }),
        });
        let action = if created {
            AuditAction::Created
        } else {
            AuditAction::VersionAdded
        };
        ops.push(
            self.lib
                .audit_op(action, Some(doc), Some(version), Some(file_name.clone()))?,
        );
        let source = if created {
            let folder = p.path.parent().map(|f| f.to_string_lossy().into_owned());
            let outcome = self.rules.evaluate(&crate::rules::Candidate {
                file_name: &file_name,
                folder: folder.as_deref(),
                mime: &mime,
                text: None,
            });
            let filed = super::rules::Filed::new_document(&title, &file_name);
            if let Some(plan) = self.lib.plan(doc, &outcome, &filed)? {
                ops.extend(plan.ops);
            }
            // A department member's new document is in their collection unless a rule
            // put it in another (which they may then not be allowed to file).
            if !ops.iter().any(|o| {
                matches!(
                    o,
                    OpKind::FieldSet {
                        key: FieldKey::Collection,
                        ..
                    }
                )
            }) && let Some(collection) = &self.home
            {
                ops.push(OpKind::FieldSet {
                    doc,
                    key: FieldKey::Collection,
                    value: Some(FieldValue::Text(collection.clone())),
                });
            }
            Some((doc, folder))
        } else {
            None
        };
        self.session_hashes.insert(hash, (doc, title.clone()));
        let open = self.pack.as_ref().is_some_and(|p| !p.is_empty());
        self.docs.push_back(PendingDoc {
            needs: self.sent + u64::from(open),
            ops,
            outcome: ImportOutcome::Imported {
                path: p.path.clone(),
                doc,
                version,
                title,
                size,
                mime,
            },
            source,
            // A key made here goes out with the version; one its document had is out.
            record: record.and_then(|(key, made)| made.then_some((doc, key))),
        });
        Ok(())
    }

    /// The document holding content `hash` already (imported by this run or before).
    fn held_now(&self, hash: &ContentHash) -> Result<Option<(DocId, String)>> {
        match self.session_hashes.get(hash) {
            Some(found) => Ok(Some(found.clone())),
            None => self.lib.catalog().find_content(hash),
        }
    }

    fn finish(&mut self, o: ImportOutcome) {
        (self.progress)(ImportEvent::Finished(&o));
        self.report.push(o);
    }

    /// Hand the open pack to the flusher.
    fn send_pack(&mut self) -> Result<()> {
        let Some(pack) = self.pack.take() else {
            return Ok(());
        };
        if pack.is_empty() {
            return Ok(());
        }
        let tx = self.to_flusher.as_ref().expect("open until finish");
        if tx.send(pack).is_err() {
            // The flusher stopped: its error is waiting in the results.
            return Err(self.flusher_error());
        }
        self.sent += 1;
        Ok(())
    }

    fn flusher_error(&self) -> Error {
        match self.from_flusher.recv() {
            Ok(Err(e)) => e,
            _ => Error::Stopped("the pack writer thread stopped"),
        }
    }

    /// Take packs the flusher has made durable; with `wait`, all that were sent.
    fn collect_flushed(&mut self, wait: bool) -> Result<()> {
        while self.durable < self.sent {
            let done = if wait {
                match self.from_flusher.recv() {
                    Ok(r) => r,
                    Err(_) => return Err(Error::Stopped("the pack writer thread stopped")),
                }
            } else {
                match self.from_flusher.try_recv() {
                    Ok(r) => r,
                    Err(_) => return Ok(()),
                }
            };
            self.flushed.push(done?);
            self.durable += 1;
        }
        Ok(())
    }

    /// Commit durable packs and every document whose packs are all durable.
    fn commit_ready(&mut self) -> Result<()> {
        let mut ops: Vec<OpKind> = self
            .flushed
            .drain(..)
            .map(|done| OpKind::PackAdded {
                pack: done.id,
                size: done.size,
                index: encode_index(&done.entries),
                key: self.content_key.clone(),
            })
            .collect();
        let ready = self
            .docs
            .iter()
            .take_while(|d| d.needs <= self.durable)
            .count();
        let docs: Vec<PendingDoc> = self.docs.drain(..ready).collect();
        let keys: Vec<(DocId, RecordKey)> = docs.iter().filter_map(|d| d.record.clone()).collect();
        if let (Some(erasure), false) = (&self.erasure, keys.is_empty()) {
            // Kept here first: a version committed without its key here would not open.
            self.lib.writer()?.keep_record_keys(
                &keys,
                erasure.epoch(),
                crate::catalog::KeepKey::Update,
            )?;
            ops.push(OpKind::RecordKeys {
                epoch: erasure.epoch(),
                sealed: erasure.seal_record_keys(&keys),
            });
        }
        for d in &docs {
            ops.extend(d.ops.iter().cloned());
        }
        if !ops.is_empty() {
            self.lib.commit(ops)?;
        }
        // Where the new documents came from, for the rules that run once their text is
        // read (derived: lost with a crash here, those rules just do not run for them).
        let sources: Vec<(DocId, Option<String>)> =
            docs.iter().filter_map(|d| d.source.clone()).collect();
        if !sources.is_empty() {
            self.lib.writer()?.record_rule_sources(&sources)?;
        }
        self.last_commit = Instant::now();
        for d in docs {
            self.finish(d.outcome);
        }
        Ok(())
    }

    /// Flush everything and commit what is left.
    fn finish_all(&mut self) -> Result<()> {
        self.send_pack()?;
        self.to_flusher = None;
        self.collect_flushed(true)?;
        self.commit_ready()
    }
}

impl Library {
    /// Import files and folders as new documents.
    pub fn import(
        &mut self,
        paths: &[PathBuf],
        opts: &ImportOptions,
        progress: &mut dyn FnMut(ImportEvent<'_>),
    ) -> Result<ImportReport> {
        self.run_import(paths, Target::NewDocuments, opts, progress)
    }

    pub(super) fn run_import(
        &mut self,
        paths: &[PathBuf],
        target: Target,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(ImportEvent<'_>),
    ) -> Result<ImportReport> {
        self.writer()?;
        let mut planned = Vec::new();
        let mut refused = Vec::new();
        plan(paths, opts.within.as_deref(), &mut planned, &mut refused);
        progress(ImportEvent::Planned {
            files: planned.len() as u64,
            bytes: planned.iter().map(|p| p.size).sum(),
        });
        let store = self.store();
        let known = Arc::new(
            self.catalog()
                .reusable_chunks(|pack| store.pack_path(pack).is_file())?,
        );
        let workers = if opts.workers == 0 {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        } else {
            opts.workers
        };
        let home = self.home_collection()?;
        // One key for the whole run: a document's content is sealed under its
        // collection's key (a new version, under the collection its document is in).
        let collection = match &target {
            Target::NewDocuments => home.clone(),
            Target::NewVersion { doc, .. } => self
                .catalog()
                .collections_of(&[*doc])?
                .into_iter()
                .find_map(|(_, c)| c),
        };
        // Someone who may not file there (removed, or another department's) hears that,
        // rather than that its key was not given to them.
        self.may_edit_in(collection.as_deref())?;
        let (content_key, crypto) = self.sealing_for(collection.as_deref())?;
        // Each record's content is also under its own key, given to the other desktops
        // under the current erasure epoch's (issue 22), when this desktop holds it.
        let erasure = self.record_sealing();
        let existing = match &target {
            Target::NewVersion { doc, .. } => self.record_key_of(*doc)?,
            Target::NewDocuments => None,
        };
        let records: Vec<Option<(RecordKey, bool)>> = planned
            .iter()
            .map(|_| match (&existing, &erasure) {
                (Some(key), _) => Some((key.clone(), false)),
                (None, Some(_)) => Some((RecordKey::generate(), true)),
                (None, None) => None,
            })
            .collect();
        // The content the library holds, to know a duplicate before sealing it.
        let held = match (&target, opts.allow_duplicates) {
            (Target::NewDocuments, false) => self.catalog().content_hashes()?,
            _ => HashSet::new(),
        };
        let sealing: Vec<Arc<Crypto>> = records
            .iter()
            .map(|r| match r {
                Some((key, _)) => Arc::new(crypto.for_record(key)),
                None => Arc::clone(&crypto),
            })
            .collect();
        let (pack_tx, pack_rx) = bounded::<PackWriter>(PACKS_IN_FLIGHT - 1);
        // Unbounded so the flusher never blocks on a committer that stopped on an error.
        let (done_tx, done_rx) = unbounded::<Result<FinishedPack>>();
        let rules = crate::rules::Rules::new(self.catalog().rules()?);
        let mut c = Committer {
            lib: self,
            target,
            opts: opts.clone(),
            known: Arc::clone(&known),
            session: HashSet::new(),
            pack: None,
            sent: 0,
            durable: 0,
            to_flusher: Some(pack_tx),
            from_flusher: done_rx,
            flushed: Vec::new(),
            manifests: HashMap::new(),
            docs: Default::default(),
            session_hashes: HashMap::new(),
            rules,
            home,
            content_key,
            records,
            erasure,
            last_commit: Instant::now(),
            report: ImportReport::default(),
            progress,
        };
        for r in refused {
            c.finish(r);
        }
        let planned = &planned;
        std::thread::scope(|s| -> Result<()> {
            let (work_tx, work_rx) = bounded::<Work>(workers * 4);
            let (out_tx, out_rx) = bounded::<Msg>(workers * 8);
            {
                let (crypto, out_tx, held) = (Arc::clone(&crypto), out_tx.clone(), &held);
                s.spawn(move || read_files(planned, &crypto, held, &work_tx, &out_tx));
            }
            {
                let crypto = Arc::clone(&crypto);
                s.spawn(move || flush_packs(&crypto, &pack_rx, &done_tx));
            }
            for _ in 0..workers {
                let (sealing, known, work_rx, out_tx) = (
                    &sealing,
                    Arc::clone(&known),
                    work_rx.clone(),
                    out_tx.clone(),
                );
                s.spawn(move || seal_work(sealing, &known, &work_rx, &out_tx));
            }
            drop((work_rx, out_tx));
            // Reorder by sequence so chunks are appended and files end in reading order.
            let result = (|| {
                let mut waiting: BTreeMap<u64, Msg> = BTreeMap::new();
                let mut next = 0u64;
                for msg in out_rx {
                    waiting.insert(msg.seq(), msg);
                    while let Some(m) = waiting.remove(&next) {
                        next += 1;
                        c.handle(m, planned)?;
                    }
                }
                c.finish_all()
            })();
            // On an error, let the flusher end so the scope can join it.
            c.to_flusher = None;
            result
        })?;
        let report = c.report;
        // A rule that filed a new record into another collection than the one its content
        // was sealed for: re-sealed now, on the desktop that has it.
        self.reconcile_sealing()?;
        Ok(report)
    }
}
