//! [`Replica`]: how the engine reaches the local library, and [`Owned`], the one thread
//! that owns a library and runs what is asked of it in turn. The library is synchronous;
//! callers send closures and await their answers, so no lock is held across an `.await`
//! and no async task blocks on disk or SQLite.
//!
//! **Invariant:** a closure that panics is answered with [`Error::LibraryPanicked`] and
//! the thread goes on with the next one; only [`Owned::close`] stops it.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use dossier_core::Library;
use tokio::sync::oneshot;

use crate::error::{Error, Result};

/// The local library, as the sync engine uses it.
pub trait Replica: Send + Sync + 'static {
    /// Run `f` on the library, off the async threads, and return its answer. The
    /// closure is queued at once; the future only waits for its answer.
    fn run<T, F>(&self, f: F) -> impl Future<Output = Result<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> dossier_core::Result<T> + Send + 'static;
}

/// A replica shared behind an `Arc` is the replica.
impl<R: Replica> Replica for Arc<R> {
    fn run<T, F>(&self, f: F) -> impl Future<Output = Result<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> dossier_core::Result<T> + Send + 'static,
    {
        (**self).run(f)
    }
}

type Job = Box<dyn FnOnce(&mut Library) + Send>;

/// A library owned by a thread of its own: the CLI's library during a sync, and the
/// app's writer.
#[derive(Debug)]
pub struct Owned {
    /// `None` once closed: later work is refused.
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<std::thread::JoinHandle<Library>>>,
}

/// Why a closure sent to an [`Owned`] library has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanswered {
    /// It panicked (the library's thread went on).
    Panicked,
    /// The library was closed before its turn.
    Closed,
}

impl From<Unanswered> for Error {
    fn from(u: Unanswered) -> Self {
        match u {
            Unanswered::Panicked => Error::LibraryPanicked,
            Unanswered::Closed => Error::LibraryStopped,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Owned {
    /// Move `lib` onto a thread of its own named `name`.
    pub fn new(lib: Library) -> Self {
        Self::named(lib, "dossier-library")
    }

    /// [`Owned::new`] with the thread named `name` (as debuggers and panics show it).
    pub fn named(mut lib: Library, name: &str) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                for job in queue {
                    job(&mut lib);
                }
                lib
            })
            .expect("a thread can be started");
        Self {
            jobs: Mutex::new(Some(jobs)),
            thread: Mutex::new(Some(thread)),
        }
    }

    /// Queue `f` now, after everything queued before it; the future answers with its
    /// result, or why there is none. The future may be dropped: `f` runs all the same.
    pub fn call<T, E, F>(
        &self,
        f: F,
    ) -> impl Future<Output = std::result::Result<std::result::Result<T, E>, Unanswered>> + Send + 'static
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(&mut Library) -> std::result::Result<T, E> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |lib: &mut Library| {
            let out = catch_unwind(AssertUnwindSafe(|| f(lib))).map_err(|_| Unanswered::Panicked);
            let _ = tx.send(out);
        });
        // A closed library drops the job, and with it `tx`: the receiver sees that.
        if let Some(jobs) = &*lock(&self.jobs) {
            let _ = jobs.send(job);
        }
        async move { rx.await.unwrap_or(Err(Unanswered::Closed)) }
    }

    /// Refuse later work, let the thread finish what is queued, and take the library
    /// back (`None` when it was closed already).
    pub fn close(&self) -> Option<Library> {
        drop(lock(&self.jobs).take());
        let handle = lock(&self.thread).take()?;
        handle.join().ok()
    }

    /// [`Owned::close`], for an owner that is done with it.
    pub fn into_library(self) -> Result<Library> {
        self.close().ok_or(Error::LibraryStopped)
    }
}

impl Drop for Owned {
    /// Dropping waits for the queued work, so the library (and its writer lock) is
    /// released when this returns.
    fn drop(&mut self) {
        drop(self.close());
    }
}

impl Replica for Owned {
    fn run<T, F>(&self, f: F) -> impl Future<Output = Result<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> dossier_core::Result<T> + Send + 'static,
    {
        let answer = self.call(f);
        async move { Ok(answer.await??) }
    }
}
