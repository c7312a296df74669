//! The sync service: one loop per open library that syncs at start, every
//! `Settings::sync_minutes`, on demand ("Sync now") and soon after local changes settle,
//! and publishes a [`SyncStatus`] (sent as `SyncChanged` events) for the status area.
//!
//! **Invariant:** the engine reaches the library only through the session's writer
//! (the session is the engine's `Replica`), so a sync and the user's changes are
//! serialized, and no lock is held while a sync waits on the network.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use dossier_sync::{Due, Engine, NextSync, SETTLE, SyncOptions, SyncReport};
use tauri::AppHandle;
use tauri_specta::Event;
use tokio::sync::Notify;

use crate::error::AppError;
use crate::events::{LibraryChanged, SyncChanged};
use crate::ipc::{ConcurrentDocument, LastSync, SyncState as State, SyncStatus};
use crate::processing::Processing;
use crate::session::Session;
use crate::suggestions::Suggestions;

/// Documents with concurrent versions listed in the status.
const LISTED_CONCURRENT: u32 = 20;

/// Syncs the open library with its remote in the background.
#[derive(Debug)]
pub struct Syncing {
    app: AppHandle,
    session: Arc<Session>,
    processing: Arc<Processing>,
    suggestions: Arc<Suggestions>,
    status: Mutex<SyncStatus>,
    /// Minutes between syncs.
    minutes: AtomicU32,
    /// "Sync now", a new remote, or closing.
    wake: Notify,
    stopped: AtomicBool,
}

impl Syncing {
    pub fn new(
        app: AppHandle,
        session: Arc<Session>,
        processing: Arc<Processing>,
        suggestions: Arc<Suggestions>,
        minutes: u32,
    ) -> Arc<Self> {
        Arc::new(Self {
            app,
            session,
            processing,
            suggestions,
            status: Mutex::new(SyncStatus::default()),
            minutes: AtomicU32::new(minutes),
            wake: Notify::new(),
            stopped: AtomicBool::new(false),
        })
    }

    /// The status as of now.
    pub fn status(&self) -> SyncStatus {
        self.status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sync every `minutes` from the next wait on (the settings changed).
    pub fn set_minutes(&self, minutes: u32) {
        self.minutes.store(minutes, Ordering::Release);
    }

    /// Sync as soon as the running sync (if any) is done.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// End the loop (the library is closing).
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// Start the loop. Without a remote it only keeps the status; adding a remote wakes
    /// it.
    pub fn spawn(self: &Arc<Self>) {
        let this = Arc::clone(self);
        tauri::async_runtime::spawn(async move {
            loop {
                if this.stopped() {
                    break;
                }
                let Ok(url) = this.session.read(|lib| Ok(lib.remote()?)).await else {
                    break;
                };
                match &url {
                    Some(url) => this.round(url).await,
                    None => this.publish(|s| *s = SyncStatus::default()),
                }
                if !this.wait(url.is_some()).await {
                    break;
                }
            }
        });
    }

    fn publish(&self, f: impl FnOnce(&mut SyncStatus)) {
        let status = {
            let mut s = self.status.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut s);
            s.clone()
        };
        let _ = SyncChanged { status }.emit(&self.app);
    }

    /// Wait for the next sync ([`NextSync`]): due, woken, or local changes settled with
    /// something to send. `false` when the library is closing.
    async fn wait(&self, has_remote: bool) -> bool {
        let changes = self.session.changes();
        let minutes = self.minutes.load(Ordering::Acquire).max(1);
        let interval = Duration::from_secs(u64::from(minutes) * 60);
        let mut next = NextSync::new(Instant::now(), interval, SETTLE);
        loop {
            match next.due(Instant::now()) {
                Some(Due::Interval) if has_remote => return !self.stopped(),
                Some(Due::Settled) => {
                    // Processing results and views stay here; only changes to send count.
                    let pending = self
                        .session
                        .read(|lib| Ok(lib.catalog().unsent_count()?))
                        .await;
                    match pending {
                        Ok(0) => next.nothing_to_send(),
                        Ok(_) => return !self.stopped(),
                        Err(_) => return false,
                    }
                }
                _ => {}
            }
            let deadline = tokio::time::Instant::from_std(next.deadline());
            tokio::select! {
                () = tokio::time::sleep_until(deadline), if has_remote => {}
                () = self.wake.notified() => return !self.stopped(),
                () = changes.notified(), if has_remote => next.changed(Instant::now()),
            }
        }
    }

    /// One sync, with the status published before, during and after.
    async fn round(self: &Arc<Self>, url: &str) {
        self.publish(|s| {
            s.remote = Some(url.to_owned());
            s.state = State::Syncing;
            s.progress = None;
        });
        let result = self.sync_once(url).await;
        let counts = self
            .session
            .read(|lib| {
                let pending = lib.catalog().unsent_count()?;
                let (concurrent, docs) = lib.catalog().concurrent_documents(LISTED_CONCURRENT)?;
                Ok((pending, concurrent, docs))
            })
            .await;
        let received = matches!(&result, Ok(r) if r.ops_applied > 0);
        self.publish(|s| {
            s.progress = None;
            match result {
                Ok(report) => {
                    s.state = State::Waiting;
                    s.error = None;
                    s.last = Some(LastSync::new(now_ms(), &report));
                }
                Err(e) => {
                    s.state = if e.is_transient() {
                        State::Offline
                    } else {
                        State::Failed
                    };
                    s.error = Some(AppError::from(e));
                }
            }
            if let Ok((pending, concurrent, docs)) = counts {
                s.pending_changes = pending;
                s.concurrent = concurrent;
                s.concurrent_documents = docs
                    .into_iter()
                    .map(|(id, title)| ConcurrentDocument {
                        id: id.to_string(),
                        title,
                    })
                    .collect();
            }
        });
        if received {
            // New documents and versions: list them, and read their text (fetching
            // content).
            let _ = LibraryChanged::any().emit(&self.app);
            self.processing.kick();
            // Other desktops may have typed documents.
            self.suggestions.stale();
        }
    }

    async fn sync_once(self: &Arc<Self>, url: &str) -> dossier_sync::Result<SyncReport> {
        let engine = Engine::connect(url, Arc::clone(&self.session)).await?;
        let this = Arc::clone(self);
        let engine = engine.with_progress(Arc::new(move |p| {
            this.publish(|st| st.progress = Some(p.into()));
        }));
        // Content comes when it is read (the session's pack source); processing reads
        // every new version, so a desktop ends up with all of it unless a budget is set.
        engine
            .sync_with(SyncOptions {
                fetch_content: false,
                ..SyncOptions::default()
            })
            .await
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
