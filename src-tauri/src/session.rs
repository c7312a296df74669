//! An open library in the app: one writer thread that owns the unlocked [`Library`] and
//! runs changes in order, and a few read-only handles for searches and previews.
//!
//! **Invariant:** no lock is held while the library works. The writer's queue is a
//! channel; a reader is taken out of the pool for the length of one call and put back.

use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

use dossier_core::Library;
use tokio::sync::{Semaphore, oneshot};

use crate::error::{AppError, AppResult};

type Job = Box<dyn FnOnce(&mut Library) + Send>;

/// Read-only handles kept open for searches and previews.
const READERS: usize = 2;

/// The open library.
#[derive(Debug)]
pub struct Session {
    writer: mpsc::Sender<Job>,
    readers: Mutex<Vec<Library>>,
    free: Semaphore,
    /// A background processing loop is running (see `processing::kick`).
    pub processing: AtomicBool,
    /// Work was queued since the loop last looked.
    pub kicked: AtomicBool,
}

impl Session {
    /// Start the writer thread on `lib` (which holds the writer lock) and open readers.
    pub fn start(lib: Library) -> AppResult<Arc<Self>> {
        let readers = (0..READERS)
            .map(|_| lib.reader())
            .collect::<Result<Vec<_>, _>>()?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("dossier-writer".into())
            .spawn(move || {
                let mut lib = lib;
                for job in rx {
                    // A panicking change answers its caller with an error (the reply
                    // is dropped) and the writer goes on with the next one.
                    let _ =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut lib)));
                }
                // The channel closed: the library is dropped here, releasing the lock.
            })
            .map_err(|e| AppError::internal(format!("cannot start the writer thread: {e}")))?;
        Ok(Arc::new(Self {
            writer: tx,
            readers: Mutex::new(readers),
            free: Semaphore::new(READERS),
            processing: AtomicBool::new(false),
            kicked: AtomicBool::new(false),
        }))
    }

    /// Run `f` on the writer thread, after every change queued before it.
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> AppResult<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.writer
            .send(Box::new(move |lib: &mut Library| {
                let _ = tx.send(f(lib));
            }))
            .map_err(|_| AppError::not_open())?;
        rx.await
            .map_err(|_| AppError::internal("the writer stopped"))?
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
