//! The sync engine: one library, one remote. [`Engine::sync`] sends this device's new
//! operations (the packs they announce first, then the journal segment) and applies
//! every other device's new segments, then fetches the packs they announced.
//! [`join`] makes a new device's library from a remote's `dossier.repo`.
//!
//! **Invariant:** a segment is noted as sent only once it is on the remote, and it goes
//! up only after every pack it announces; a remote object that fails its check is
//! refused (reported, never applied or installed).

mod ahead;
mod check;
mod checkpoint;
mod history;
mod keys;
pub(crate) use keys::all as join_objects;
mod on_demand;
mod prune;
mod pull;
mod push;
mod replica;

use std::path::PathBuf;
use std::sync::Arc;

use dossier_core::{Library, Secret};
use dossier_core::{REPO_OBJECT, RepoFile};
use serde::Serialize;

pub use check::{CheckReport, OnDamage};
pub use history::{HistoryKind, HistoryProblem};
pub use on_demand::{RemotePacks, attach_remote_content};
pub use prune::PruneSummary;
pub use replica::{Owned, Replica, Unanswered};

use crate::error::{Error, Result};
use crate::remote::{
    Counters, Credentials, Key, Put, Remote, Resilient, ResilientOptions, check_storable,
};

/// What one sync did, for `dossier sync --json` and the app's status.
#[derive(Debug, Default, Clone, Serialize)]
pub struct SyncReport {
    /// This device's journal segments uploaded (or found already there and noted).
    pub segments_sent: u64,
    pub packs_sent: u64,
    /// Other devices' segments applied, and the operations in them that were new here.
    pub segments_applied: u64,
    pub ops_applied: u64,
    pub packs_fetched: u64,
    /// Local copies of packs removed to fit the cache budget (they stay on the remote).
    pub packs_evicted: u64,
    /// Chunks in use copied out of packs another desktop dropped.
    pub chunks_rehomed: u64,
    /// Records were destroyed (here or elsewhere) and this desktop rewrote or deleted
    /// what it held of them (packs, derived files, index entries).
    pub shredding: bool,
    /// Packs holding content of destroyed records deleted from the remote.
    pub packs_shredded: u64,
    /// Some of what a destruction calls for could not be read yet (a pack not on the
    /// remote yet): a later sync finishes it.
    pub shredding_waits: bool,
    /// The library's erasure keys as this desktop holds them after this sync (`None`: no
    /// keyring to ask here).
    pub erasure: Option<dossier_core::ErasureStatus>,
    /// Why this desktop could not ask its keyring for the erasure key (none here, or an
    /// entry that is not Dossier's); the sync went on.
    pub erasure_problem: Option<String>,
    /// Documents whose content this desktop sealed again under the key of the collection
    /// they are in now.
    pub documents_resealed: u64,
    /// Key slots changed on another desktop were taken in; this desktop's changes were
    /// published.
    pub keys_received: bool,
    pub keys_sent: bool,
    /// This desktop's changes wait to be sent: someone given the journal's newest key
    /// has left, and an owner's desktop has not given the members new keys yet.
    pub sending_waits_for_keys: bool,
    /// Other desktops' segments this desktop waits for: sealed under the library's own
    /// key, which it is not given (department staff), by a desktop that had not heard
    /// the journal has keys of its own; a checkpoint that seals them again brings them.
    pub segments_waiting: u64,
    /// Other desktops' segments applied here that were sealed so: a checkpoint, which
    /// seals them again, is written at once.
    pub segments_under_library_key: u64,
    /// Journal segments on the remote (all devices), once this sync has sent its own.
    pub segments_on_remote: u64,
    /// Of those, how many the newest checkpoint does not cover.
    pub segments_since_checkpoint: u64,
    /// Segments deleted because a newer checkpoint covers them (compaction).
    pub segments_compacted: u64,
    /// This desktop started from a checkpoint; it wrote a new one.
    pub checkpoint_used: bool,
    pub checkpoint_written: bool,
    /// Objects created on the remote and bytes sent, retries included.
    pub objects_up: u64,
    pub bytes_up: u64,
    /// Objects downloaded and bytes received, retries included.
    pub objects_down: u64,
    pub bytes_down: u64,
    /// Requests sent, and how many of them were retries.
    pub requests: u64,
    pub retries: u64,
    /// Remote objects that failed their check and were not used.
    pub refused: Vec<Refused>,
    /// History the remote lost or hides (segments this desktop holds no longer listed,
    /// holes below listed ones), and whether it was sent again from here.
    pub history: Vec<HistoryProblem>,
}

/// A remote object the engine would not use, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Refused {
    pub key: String,
    pub reason: String,
}

impl Refused {
    /// Object `key`, refused for `reason` (an error, or words).
    pub(crate) fn new(key: impl Into<String>, reason: impl ToString) -> Self {
        Self {
            key: key.into(),
            reason: reason.to_string(),
        }
    }
}

/// The most Dossier downloads of each kind of object: what it ever writes of that kind
/// (a pack whose size is known is capped at that size instead).
mod limit {
    use dossier_core::{MAX_CHECKPOINT_JSON, MAX_KEY_OBJECT, MAX_SEGMENT_JSON, max_sealed};

    pub const KEY_OBJECT: u64 = MAX_KEY_OBJECT as u64;
    pub const SEGMENT: u64 = max_sealed(MAX_SEGMENT_JSON);
    pub const CHECKPOINT: u64 = max_sealed(MAX_CHECKPOINT_JSON);
    pub const PACK: u64 = dossier_core::MAX_PACK;
    /// An epoch of the journal's keys: its body and signature, sealed.
    pub const EPOCH_OBJECT: u64 = 2 * dossier_core::MAX_EPOCH_BYTES as u64 + 4096;
}

/// How [`Engine::sync_with`] syncs.
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Download every pack the other devices announced (a full copy here). Off: content
    /// is fetched when it is read (the library needs a [`RemotePacks`] source).
    pub fetch_content: bool,
    /// Write a checkpoint once the remote holds this many segments more than its newest
    /// checkpoint covers (0: never).
    pub checkpoint_every: u64,
}

/// Segments between checkpoints by default: a new desktop downloads at most about this
/// many segments besides one checkpoint.
pub const CHECKPOINT_EVERY: u64 = 200;

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            fetch_content: true,
            checkpoint_every: CHECKPOINT_EVERY,
        }
    }
}

/// Where a sync stands, for a progress bar: `done` of `total` items of one phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SyncProgress {
    pub phase: SyncPhase,
    pub done: u64,
    pub total: u64,
}

/// The phases of a sync, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    /// This device's changes (counted in operations) going up, with their packs.
    Sending,
    /// Other devices' changes (counted in journal segments) being applied.
    Receiving,
    /// Content (counted in packs) being downloaded.
    Downloading,
}

/// Called with each step of a sync ([`Engine::with_progress`]).
pub type ProgressFn = Arc<dyn Fn(SyncProgress) + Send + Sync>;

/// What [`Engine::attach`] found on the remote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attached {
    /// The remote was empty; it now keeps this library.
    Created,
    /// The remote keeps this library already.
    Found,
}

/// Syncs one local library with one remote.
pub struct Engine<L> {
    remote: Arc<dyn Remote>,
    counters: Arc<Counters>,
    parallel: usize,
    local: L,
    progress: Option<ProgressFn>,
}

impl<L: std::fmt::Debug> std::fmt::Debug for Engine<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("parallel", &self.parallel)
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

impl<L: Replica> Engine<L> {
    pub fn new(remote: Resilient<Box<dyn Remote>>, local: L) -> Self {
        Self {
            counters: remote.counters(),
            parallel: remote.parallel(),
            remote: Arc::new(remote),
            local,
            progress: None,
        }
    }

    /// An engine for `local` and the remote at `url`, with credentials from the
    /// environment or this desktop's keyring (read on a blocking thread) and the default
    /// retries: how both front ends start a sync.
    pub async fn connect(url: &str, local: L) -> Result<Self> {
        let owned = url.to_owned();
        let remote = tokio::task::spawn_blocking(move || crate::remote::open(&owned))
            .await
            .map_err(|_| Error::LibraryStopped)??;
        Ok(Self::new(
            Resilient::new(remote, ResilientOptions::default()),
            local,
        ))
    }

    /// [`Engine::connect`] with credentials typed by the user.
    pub fn connect_with(url: &str, creds: &Credentials, local: L) -> Result<Self> {
        let remote = crate::remote::open_with(url, creds)?;
        Ok(Self::new(
            Resilient::new(remote, ResilientOptions::default()),
            local,
        ))
    }

    /// Keep the local library on this engine's remote, found at `url`: refuse a URL
    /// with a secret in it and a library kept elsewhere already, make the remote keep
    /// this library (or find it does, [`Engine::attach`]), then record the URL and fetch
    /// content kept only there when it is read.
    pub async fn add_remote(&self, url: &str) -> Result<Attached> {
        check_storable(url)?;
        if let Some(kept) = self.local.run(|l| l.remote()).await? {
            return Err(Error::AlreadyKept { url: kept });
        }
        let attached = self.attach().await?;
        let source = RemotePacks::for_url(url, ResilientOptions::default())?;
        let url = url.to_owned();
        self.local
            .run(move |l| {
                l.set_remote(&url)?;
                l.set_pack_source(Some(Arc::new(source)));
                Ok(())
            })
            .await?;
        Ok(attached)
    }

    /// Report each step of every sync to `f` (called on the async threads: keep it short).
    pub fn with_progress(mut self, f: ProgressFn) -> Self {
        self.progress = Some(f);
        self
    }

    fn report_progress(&self, phase: SyncPhase, done: u64, total: u64) {
        if let Some(f) = &self.progress {
            f(SyncProgress { phase, done, total });
        }
    }

    /// The local library.
    pub fn local(&self) -> &L {
        &self.local
    }

    pub fn into_local(self) -> L {
        self.local
    }

    /// Make the remote keep this library (write `dossier.repo` with its key slots), or
    /// check that it keeps it already.
    pub async fn attach(&self) -> Result<Attached> {
        let key = Key::new(REPO_OBJECT)?;
        let ours = self.local.run(|l| l.key_object(0)).await?;
        let library_id = self.local.run(|l| Ok(l.library_id())).await?;
        let found = match self.remote.get(&key, limit::KEY_OBJECT).await {
            Ok(body) => RepoFile::parse(&body)?,
            Err(Error::NotFound { .. }) => {
                match self.remote.put_if_absent(&key, ours.into()).await? {
                    Put::Created => return Ok(Attached::Created),
                    // Another desktop attached at the same moment: check whose it is.
                    Put::Existed => {
                        RepoFile::parse(&self.remote.get(&key, limit::KEY_OBJECT).await?)?
                    }
                }
            }
            Err(e) => return Err(e),
        };
        if found.library_id != library_id {
            return Err(Error::OtherLibrary {
                remote: found.library_id,
                local: library_id,
            });
        }
        Ok(Attached::Found)
    }

    /// Delete local copies of packs beyond the library's cache budget
    /// (`Library::evict`), once a listing shows each whole on the remote (at the size
    /// this library expects: a cut upload leaves a shorter object; such a pack is sent
    /// again first). Offline, the last listing decides.
    pub async fn evict(&self) -> Result<dossier_core::CacheReport> {
        if self.local.run(|l| l.cache_budget()).await?.is_some() {
            // Offline: what the last listing showed still stands.
            let _ = self.resend_incomplete_packs().await;
        }
        self.local.run(|l| l.evict()).await
    }

    /// List the remote's packs; send again each one this desktop holds that the remote
    /// should hold whole and does not (missing, or at another size: an upload cut short
    /// on a server that keeps what it received), then note which are whole there.
    /// Returns how many were sent again.
    async fn resend_incomplete_packs(&self) -> Result<u64> {
        let mut listed = push::listed_packs(self.remote.as_ref()).await?;
        let (here, sizes) = self
            .local
            .run(|l| {
                let sizes: std::collections::HashMap<_, _> =
                    l.catalog().packs()?.into_iter().collect();
                Ok((l.remote_packs_here()?, sizes))
            })
            .await?;
        let mut resent = 0;
        for id in here {
            let Some(&want) = sizes.get(&id) else {
                continue;
            };
            let key = push::pack_key(&id)?;
            match listed.get(&id) {
                Some(&there) if there == want => continue,
                Some(_) => self.remote.delete(&key).await?,
                None => {}
            }
            let body = self.local.run(move |l| l.read_pack(&id)).await?;
            self.remote.put_if_absent(&key, body.into()).await?;
            // Counted whole only once a later listing shows it so.
            listed.remove(&id);
            resent += 1;
        }
        let listed: Vec<_> = listed.into_iter().collect();
        self.local
            .run(move |l| l.note_packs_on_remote(&listed))
            .await?;
        Ok(resent)
    }

    /// Send this device's new operations, then apply the other devices' and fetch the
    /// packs they announced.
    pub async fn sync(&self) -> Result<SyncReport> {
        self.sync_with(SyncOptions::default()).await
    }

    /// [`Engine::sync`], choosing whether content is downloaded now; then local copies
    /// beyond the library's cache budget are evicted.
    pub async fn sync_with(&self, opts: SyncOptions) -> Result<SyncReport> {
        let start = self.counters.snapshot();
        let mut report = SyncReport::default();
        keys::sync_keys(self, &mut report).await?;
        keys::fetch_journal_keys(self, &mut report).await?;
        // Before sending: a desktop whose own segments were compacted away (its catalog
        // rebuilt) takes them from the checkpoint rather than numbering them again.
        let newest = match checkpoint::survey(self, &mut report).await {
            Err(e @ Error::Library(dossier_core::Error::JournalKeyUnavailable { .. })) => {
                // Checkpoints under keys this desktop is not given, the segments they
                // stand for compacted: cut off (removed), as below.
                push::push(self, &mut report).await?;
                return Err(e);
            }
            newest => newest?,
        };
        checkpoint::bootstrap(self, newest.as_ref(), &mut report).await?;
        // Receiving before sending: a desktop learns of a removal (and the journal's new
        // keys) before it seals what it wrote meanwhile, so nothing it sends after is
        // readable to the person who left. Its own segments are sending's business.
        match pull::pull(self, newest.as_ref(), &mut report).await {
            Err(e @ Error::Library(dossier_core::Error::JournalKeyUnavailable { .. })) => {
                // Cut off (removed): what this desktop wrote before it could learn of it
                // still goes, as before, to be judged (and refused) by the others; the
                // sync stops with the reason.
                push::push(self, &mut report).await?;
                return Err(e);
            }
            pulled => pulled?,
        }
        if report.ops_applied > 0 {
            // A pack another desktop dropped may hold the only copy of a chunk this
            // desktop uses (it used it before hearing of the drop): copy it out and send
            // the copy before that pack is deleted.
            report.chunks_rehomed = self.local.run(|l| l.rehome()).await?;
            // Epochs a people change received from elsewhere calls for (on an owner's
            // desktop), and records moved, or filed in a collection given keys, on a
            // desktop that could not re-seal them: this one does, when it can.
            report.documents_resealed = self.local.run(|l| l.keep_keys()).await?;
        }
        // Records destroyed here or received destroyed: what this desktop holds of them
        // goes before it sends (the new packs and drops go with this push).
        // A pack it cannot read now (another desktop's, not on the remote yet) waits for
        // a later sync; it does not stop this one.
        (report.shredding, report.shredding_waits) = self
            .local
            .run(|l| {
                if !l.shredding_pending()? {
                    return Ok((false, false));
                }
                Ok(match l.shred() {
                    Ok(_) => (true, false),
                    Err(
                        dossier_core::Error::Fetch { .. } | dossier_core::Error::MissingPack(_),
                    ) => (true, true),
                    Err(e) => return Err(e),
                })
            })
            .await?;
        // Erasure keys: move to the current epoch and forget older ones, give the key to
        // desktops that asked, ask for it, begin an epoch after a destruction (issue 22).
        // A desktop without a keyring holds none, and its sync goes on.
        report.erasure = match self.local.run(|l| l.settle_erasure()).await {
            Ok(status) => Some(status),
            Err(Error::Library(
                e @ (dossier_core::Error::KeyringUnavailable(_)
                | dossier_core::Error::Integrity { .. }),
            )) => {
                report.erasure_problem = Some(e.to_string());
                None
            }
            Err(e) => return Err(e),
        };
        push::push(self, &mut report).await?;
        // Changes waiting for the journal's new keys: an owner's desktop makes them now (a
        // crash may have come between a removal and its keys).
        if report.sending_waits_for_keys {
            report.documents_resealed += self.local.run(|l| l.keep_keys()).await?;
            push::push(self, &mut report).await?;
        }
        self.settle_destructions(&mut report).await?;
        checkpoint::maybe_write(self, opts.checkpoint_every, newest.as_ref(), &mut report).await?;
        if opts.fetch_content {
            pull::fetch_packs(self, &mut report).await?;
        }
        if self.local.run(|l| l.cache_budget()).await?.is_some() {
            report.packs_sent += self.resend_incomplete_packs().await?;
        }
        report.packs_evicted = self.local.run(|l| l.evict()).await?.evicted_packs;
        let (requests, retries, up, down) = self.counters.snapshot();
        report.requests = requests - start.0;
        report.retries = retries - start.1;
        report.bytes_up = up - start.2;
        report.bytes_down = down - start.3;
        Ok(report)
    }
}

/// A new device's library in `root`, joined to the library the remote keeps, unlocked
/// with `secret` (its passphrase or recovery key). A wrong secret is
/// [`dossier_core::Error::WrongPassphrase`] and leaves no folder behind. The newest
/// authentic key object holds the slots (`Library::join`): a passphrase added on another
/// desktop joins, one removed there does not, and a forged object is passed over. Sync
/// it next.
pub async fn join(remote: &dyn Remote, root: PathBuf, secret: Secret) -> Result<Library> {
    let objects = keys::all(remote).await?;
    let lib = tokio::task::spawn_blocking(move || Library::join(&root, &objects, &secret))
        .await
        .map_err(|_| Error::LibraryStopped)??;
    Ok(lib)
}
