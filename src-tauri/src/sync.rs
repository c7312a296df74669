//! Syncing the open library with its remote in the background: one loop per session
//! that syncs at start, every `Settings::sync_minutes`, on demand ("Sync now") and soon
//! after local changes settle, and publishes a [`SyncStatus`] (kept in [`SyncState`] and
//! sent as `SyncChanged` events) for the status area.
//!
//! **Invariant:** the engine reaches the library only through the session's writer
//! thread ([`Writer`]), so a sync and the user's changes are serialized, and no lock is
//! held while a sync waits on the network.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use dossier_sync::{Engine, Replica, Resilient, ResilientOptions, SyncOptions, SyncReport};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use tokio::sync::Notify;

use crate::error::AppError;
use crate::events::{LibraryChanged, SyncChanged};
use crate::ipc::{ConcurrentDocument, LastSync, SyncState as State, SyncStatus};
use crate::processing;
use crate::session::Session;
use crate::state::AppState;

/// How long local changes must rest before they are sent early.
const SETTLE: Duration = Duration::from_secs(10);

/// Documents with concurrent versions listed in the status.
const LISTED_CONCURRENT: u32 = 20;

/// A session's sync loop: its status and what wakes it.
#[derive(Debug, Default)]
pub struct SyncState {
    status: Mutex<SyncStatus>,
    /// "Sync now", a new remote, or closing.
    wake: Notify,
    /// A change was made on this desktop.
    changed: Notify,
    stopped: AtomicBool,
}

impl SyncState {
    /// The status as of now.
    pub fn status(&self) -> SyncStatus {
        self.status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn update(&self, f: impl FnOnce(&mut SyncStatus)) -> SyncStatus {
        let mut s = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut s);
        s.clone()
    }

    /// Sync as soon as the running sync (if any) is done.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// A change was made here: sync once changes have rested for [`SETTLE`].
    pub fn changed(&self) {
        self.changed.notify_one();
    }

    /// End the loop (the session is closing).
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }
}

/// The session's library as the sync engine reaches it: on the writer thread, in turn
/// with the user's changes.
#[derive(Debug, Clone)]
pub struct Writer(pub Arc<Session>);

impl Replica for Writer {
    fn run<T, F>(&self, f: F) -> impl Future<Output = dossier_sync::Result<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&mut dossier_core::Library) -> dossier_core::Result<T> + Send + 'static,
    {
        let answer = self.0.queue(f);
        async move {
            match answer.await {
                Ok(Some(out)) => Ok(out?),
                // It panicked, or the library closed before its turn.
                Ok(None) | Err(_) => Err(dossier_sync::Error::LibraryStopped),
            }
        }
    }
}

/// Start the session's sync loop. Without a remote it only keeps the status; adding a
/// remote wakes it.
pub fn spawn(app: AppHandle, session: Arc<Session>) {
    tauri::async_runtime::spawn(async move {
        loop {
            if session.sync.stopped() {
                break;
            }
            let Ok(url) = session.read(|lib| Ok(lib.remote()?)).await else {
                break;
            };
            match &url {
                Some(url) => round(&app, &session, url).await,
                None => publish(&app, &session, |s| *s = SyncStatus::default()),
            }
            if !wait(&app, &session, url.is_some()).await {
                break;
            }
        }
    });
}

fn publish(app: &AppHandle, session: &Session, f: impl FnOnce(&mut SyncStatus)) {
    let status = session.sync.update(f);
    let _ = SyncChanged { status }.emit(app);
}

/// Wait for the next sync: due, woken, or local changes settled with something to
/// send. `false` when the session is closing.
async fn wait(app: &AppHandle, session: &Session, has_remote: bool) -> bool {
    let sync = &session.sync;
    let minutes = app.state::<AppState>().settings().sync_minutes.max(1);
    let due = tokio::time::sleep(Duration::from_secs(u64::from(minutes) * 60));
    tokio::pin!(due);
    loop {
        tokio::select! {
            () = &mut due, if has_remote => return !sync.stopped(),
            () = sync.wake.notified() => return !sync.stopped(),
            () = sync.changed.notified(), if has_remote => {
                // Let the changes rest: each new one starts the wait again.
                loop {
                    tokio::select! {
                        () = tokio::time::sleep(SETTLE) => break,
                        () = sync.changed.notified() => {}
                        () = sync.wake.notified() => return !sync.stopped(),
                    }
                }
                // Processing results and views stay here; only changes to send count.
                let pending = session.read(|lib| Ok(lib.catalog().unsent_count()?)).await;
                match pending {
                    Ok(0) => {}
                    Ok(_) => return !sync.stopped(),
                    Err(_) => return false,
                }
            }
        }
    }
}

/// One sync, with the status published before, during and after.
async fn round(app: &AppHandle, session: &Arc<Session>, url: &str) {
    publish(app, session, |s| {
        s.remote = Some(url.to_owned());
        s.state = State::Syncing;
        s.progress = None;
    });
    let result = sync_once(app, session, url).await;
    let counts = session
        .read(|lib| {
            let pending = lib.catalog().unsent_count()?;
            let (concurrent, docs) = lib.catalog().concurrent_documents(LISTED_CONCURRENT)?;
            Ok((pending, concurrent, docs))
        })
        .await;
    let received = matches!(&result, Ok(r) if r.ops_applied > 0);
    publish(app, session, |s| {
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
        // New documents and versions: list them, and read their text (fetching content).
        let _ = LibraryChanged.emit(app);
        processing::kick(
            app.clone(),
            Arc::clone(session),
            app.state::<AppState>().tools(),
        );
    }
}

async fn sync_once(
    app: &AppHandle,
    session: &Arc<Session>,
    url: &str,
) -> dossier_sync::Result<SyncReport> {
    let engine = engine(url, session).await?;
    let (events, s) = (app.clone(), Arc::clone(session));
    let engine = engine.with_progress(Arc::new(move |p| {
        publish(&events, &s, |st| st.progress = Some(p.into()));
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

/// An engine for the session's library and `url` (credentials from the environment or
/// the keyring, read off the async threads).
pub async fn engine(url: &str, session: &Arc<Session>) -> dossier_sync::Result<Engine<Writer>> {
    let owned = url.to_owned();
    let remote = tauri::async_runtime::spawn_blocking(move || dossier_sync::open(&owned))
        .await
        .map_err(|_| dossier_sync::Error::LibraryStopped)??;
    Ok(Engine::new(
        Resilient::new(remote, ResilientOptions::default()),
        Writer(Arc::clone(session)),
    ))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
