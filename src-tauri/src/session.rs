//! An open library in the app: one writer thread that owns the unlocked [`Library`] and
//! runs changes in order, and a few read-only handles for searches and previews.
//!
//! **Invariant:** no lock is held while the library works. The writer's queue is a
//! channel; a reader is taken out of the pool for the length of one call and put back.

use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

use dossier_core::Library;
use dossier_sync::{RemotePacks, ResilientOptions};
use tokio::sync::{Semaphore, oneshot};

use crate::error::{AppError, AppResult};

type Job = Box<dyn FnOnce(&mut Library) + Send>;

/// What the writer thread is asked to do.
enum Work {
    Run(Job),
    /// Stop after the work queued before this; the library closes.
    Close,
}

/// Read-only handles kept open for searches and previews.
const READERS: usize = 2;

/// The open library.
#[derive(Debug)]
pub struct Session {
    writer: mpsc::Sender<Work>,
    /// The writer thread, joined by [`Session::close`].
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    readers: Mutex<Vec<Library>>,
    free: Semaphore,
    /// A background processing loop is running (see `processing::kick`).
    pub processing: AtomicBool,
    /// Work was queued since the loop last looked.
    pub kicked: AtomicBool,
    /// Where syncing with the remote stands (see `sync::spawn`).
    pub sync: crate::sync::SyncState,
}

impl Session {
    /// Start the writer thread on `lib` (which holds the writer lock) and open readers.
    /// A library kept on a remote fetches content that is only there when it is read.
    pub fn start(mut lib: Library) -> AppResult<Arc<Self>> {
        if let Some(url) = lib.remote()? {
            let source = RemotePacks::for_url(&url, ResilientOptions::default()).map_err(|e| {
                AppError::internal(format!("cannot start fetching from the remote: {e}"))
            })?;
            lib.set_pack_source(Some(Arc::new(source)));
        }
        let readers = (0..READERS)
            .map(|_| lib.reader())
            .collect::<Result<Vec<_>, _>>()?;
        let (tx, rx) = mpsc::channel::<Work>();
        let thread = std::thread::Builder::new()
            .name("dossier-writer".into())
            .spawn(move || {
                let mut lib = lib;
                for work in rx {
                    let Work::Run(job) = work else { break };
                    job(&mut lib);
                }
                // Closed: the library is dropped here, releasing the writer lock.
            })
            .map_err(|e| AppError::internal(format!("cannot start the writer thread: {e}")))?;
        Ok(Arc::new(Self {
            writer: tx,
            thread: Mutex::new(Some(thread)),
            readers: Mutex::new(readers),
            free: Semaphore::new(READERS),
            processing: AtomicBool::new(false),
            kicked: AtomicBool::new(false),
            sync: crate::sync::SyncState::default(),
        }))
    }

    /// Finish every change queued so far, then close the library (releasing the writer
    /// lock) and wait for that. Later changes are refused.
    pub fn close(&self) {
        self.sync.stop();
        let _ = self.writer.send(Work::Close);
        let handle = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }

    /// Run `f` on the writer thread, after every change queued before it.
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> AppResult<T> + Send + 'static,
    {
        let answer = self.queue(f);
        self.sync.changed();
        // No answer: the library was closed before this change's turn.
        match answer.await {
            Ok(Some(out)) => out,
            // A panicking change is answered with an error; the writer goes on.
            Ok(None) => Err(AppError::internal("a change to the library failed")),
            Err(_) => Err(AppError::not_open()),
        }
    }

    /// Queue `f` for the writer thread now; the receiver gets its result (`None` if it
    /// panicked), or is dropped unanswered when the library closed first.
    pub fn queue<T, E, F>(&self, f: F) -> oneshot::Receiver<Option<Result<T, E>>>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(&mut Library) -> Result<T, E> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        // A closed writer drops the job, and with it `tx`: the receiver sees that.
        let _ = self
            .writer
            .send(Work::Run(Box::new(move |lib: &mut Library| {
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(lib))).ok();
                let _ = tx.send(out);
            })));
        rx
    }

    /// Run `f` on a read-only handle, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Library) -> AppResult<T> + Send + 'static,
    {
        let permit = self
            .free
            .acquire()
            .await
            .map_err(|_| AppError::not_open())?;
        let lib = self.take_reader()?;
        let joined = tauri::async_runtime::spawn_blocking(move || {
            let out = f(&lib);
            (lib, out)
        })
        .await;
        match joined {
            Ok((lib, out)) => {
                self.put_reader(lib);
                drop(permit);
                out
            }
            Err(e) => {
                // The handle went down with the task: the pool is one smaller for good.
                permit.forget();
                Err(AppError::internal(format!("a read stopped: {e}")))
            }
        }
    }

    /// A pooled reader; the caller holds a permit of `free`, so there is one.
    fn take_reader(&self) -> AppResult<Library> {
        self.readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .ok_or_else(|| AppError::internal("no reader available"))
    }

    fn put_reader(&self, lib: Library) {
        self.readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(lib);
    }
}

#[cfg(test)]
mod tests {
    use dossier_core::{Access, InitOptions, KdfParams, LockedLibrary};

    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn close_waits_for_the_change_in_progress_then_releases_the_writer_lock() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        let (lib, _) = Library::create(
            &root,
            &InitOptions {
                passphrase: zeroize::Zeroizing::new("a test passphrase".into()),
                kdf: KdfParams {
                    m_cost_kib: 1024,
                    t_cost: 1,
                    p_cost: 1,
                },
            },
        )
        .unwrap();
        let session = Session::start(lib).unwrap();
        let in_use = || {
            matches!(
                LockedLibrary::open(&root, Access::Write),
                Err(dossier_core::Error::LibraryInUse { .. })
            )
        };
        assert!(in_use(), "held while the session is open");
        // A change that runs until released.
        let (started_tx, started) = mpsc::channel();
        let (release, release_rx) = mpsc::channel::<()>();
        let change = {
            let s = Arc::clone(&session);
            std::thread::spawn(move || {
                tauri::async_runtime::block_on(s.write(move |lib| {
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok(lib.is_writer())
                }))
            })
        };
        started.recv().unwrap();
        let (closed_tx, closed) = mpsc::channel();
        let closer = {
            let s = Arc::clone(&session);
            std::thread::spawn(move || {
                s.close();
                closed_tx.send(()).unwrap();
            })
        };
        // The change is still running: closing waits, and the lock is still held.
        assert!(closed.try_recv().is_err());
        assert!(in_use());
        release.send(()).unwrap();
        assert!(change.join().unwrap().unwrap(), "the change completed");
        closer.join().unwrap();
        closed.recv().unwrap();
        LockedLibrary::open(&root, Access::Write).expect("the lock is released");
        let refused = tauri::async_runtime::block_on(session.write(|_| Ok(())));
        assert_eq!(refused.unwrap_err().kind, ErrorKind::NotOpen);
    }
}
