//! [`Replica`]: how the engine reaches the local library. The library is synchronous and
//! owned by one thread; the engine sends it closures and awaits their answers, so no
//! lock is held across an `.await` and no async task blocks on disk or SQLite.

use std::future::Future;
use std::sync::mpsc;

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

type Job = Box<dyn FnOnce(&mut Library) + Send>;

/// A library owned by a thread of its own (the CLI's way; the app has its writer
/// thread already).
#[derive(Debug)]
pub struct Owned {
    jobs: mpsc::Sender<Job>,
    thread: std::thread::JoinHandle<Library>,
}

impl Owned {
    /// Move `lib` onto its own thread.
    pub fn new(mut lib: Library) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("dossier-library".into())
            .spawn(move || {
                for job in queue {
                    job(&mut lib);
                }
                lib
            })
            .expect("a thread can be started");
        Self { jobs, thread }
    }

    /// Stop the thread once its queue is done and take the library back.
    pub fn into_library(self) -> Result<Library> {
        drop(self.jobs);
        self.thread.join().map_err(|_| Error::LibraryStopped)
    }
}

impl Replica for Owned {
    fn run<T, F>(&self, f: F) -> impl Future<Output = Result<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> dossier_core::Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let sent = self.jobs.send(Box::new(move |lib: &mut Library| {
            let _ = tx.send(f(lib));
        }));
        async move {
            sent.map_err(|_| Error::LibraryStopped)?;
            Ok(rx.await.map_err(|_| Error::LibraryStopped)??)
        }
    }
}
