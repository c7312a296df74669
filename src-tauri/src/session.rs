//! An open library in the app: one writer ([`Owned`], the library-thread type both front
//! ends use) that runs changes in order, and a small pool of read-only handles for
//! searches and previews. The session knows nothing of the services around it
//! (processing, sync, watched folders); they hold it and are told of changes through
//! [`Session::changes`].
//!
//! **Invariant:** no lock is held while the library works. The writer's queue is a
//! channel; a reader is taken out of the pool for the length of one call and put back,
//! even when the call panics or its caller stops waiting.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};

use dossier_core::{DocId, Library, PublicIdentity, Viewing};
use dossier_sync::{Owned, Replica, Unanswered};
use tokio::sync::{Notify, Semaphore};

use crate::error::{AppError, AppResult};
use crate::memory;

/// Read-only handles kept open for searches and previews.
const READERS: usize = 2;

/// The open library.
#[derive(Debug)]
pub struct Session {
    writer: Owned,
    readers: Arc<Readers>,
    /// A change was made on this desktop (the sync service listens).
    changes: Notify,
    /// The person signed in on the writer (issue 21), if the library is kept by its people.
    person: Mutex<Option<PublicIdentity>>,
}

/// What the writer thread answered.
fn answered<T>(answer: Result<AppResult<T>, Unanswered>) -> AppResult<T> {
    match answer {
        Ok(out) => out,
        Err(Unanswered::Panicked) => Err(AppError::from(dossier_sync::Error::LibraryPanicked)),
        Err(Unanswered::Closed) => Err(AppError::not_open()),
    }
}

/// The pool of read-only handles: a permit of `free` for each handle in `idle`.
#[derive(Debug)]
struct Readers {
    idle: Mutex<Vec<Library>>,
    free: Arc<Semaphore>,
}

impl Session {
    /// Start the writer thread on `lib` (which holds the writer lock) and open readers.
    /// A library kept on a remote fetches content that is only there when it is read.
    pub fn start(mut lib: Library) -> AppResult<Arc<Self>> {
        dossier_sync::attach_remote_content(&mut lib)?;
        let readers = (0..READERS)
            .map(|_| lib.reader())
            .collect::<Result<Vec<_>, _>>()?;
        let person = Mutex::new(lib.person().cloned());
        Ok(Arc::new(Self {
            writer: Owned::named(lib, "dossier-writer"),
            readers: Arc::new(Readers {
                idle: Mutex::new(readers),
                free: Arc::new(Semaphore::new(READERS)),
            }),
            changes: Notify::new(),
            person,
        }))
    }

    /// The person signed in on the writer.
    pub fn person(&self) -> Option<PublicIdentity> {
        self.person
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Note who is signed in on the writer now (after the library became kept by its
    /// people, its first owner signed in on the spot), and open the readers again from
    /// the writer, so they open the collections that person was given.
    pub async fn set_person(&self, person: Option<PublicIdentity>) -> AppResult<()> {
        *self.person.lock().unwrap_or_else(PoisonError::into_inner) = person;
        let fresh = self
            .as_person(|lib| {
                (0..READERS)
                    .map(|_| lib.reader().map_err(AppError::from))
                    .collect::<AppResult<Vec<_>>>()
            })
            .await?;
        // Every reader back in the pool first: none is in use while they are swapped.
        let all = Arc::clone(&self.readers.free)
            .acquire_many_owned(READERS as u32)
            .await
            .map_err(|_| AppError::not_open())?;
        let old = std::mem::replace(
            &mut *self
                .readers
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
            fresh,
        );
        drop(all);
        drop(old);
        Ok(())
    }

    /// Finish every change queued so far, then close the library (releasing the writer
    /// lock) and wait for that. Later changes are refused.
    pub fn close(&self) {
        self.readers.free.close();
        drop(self.writer.close());
    }

    /// Woken after each change made on this desktop.
    pub fn changes(&self) -> &Notify {
        &self.changes
    }

    /// Run `f` on the writer thread, after every change queued before it, and tell the
    /// listeners of [`Session::changes`].
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> AppResult<T> + Send + 'static,
    {
        // Queued before the listeners are told.
        let answer = self.writer.call(f);
        self.changes.notify_one();
        answered(answer.await)
    }

    /// Run `f` on the writer thread without telling anyone of a change: for what only the
    /// signed-in person's keys open (an invitation's code), which the readers do not hold.
    pub async fn as_person<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Library) -> AppResult<T> + Send + 'static,
    {
        self.on_writer(move |lib: &mut Library| f(lib)).await
    }

    /// Record a view of `doc`'s version `number` in the access log before it is shown
    /// (core's rule of sittings: only a sitting's first view is a change, and only then
    /// are the listeners of [`Session::changes`] told).
    pub async fn note_view(&self, doc: DocId, number: Option<u32>, what: Viewing) -> AppResult<()> {
        let recorded = self
            .on_writer(move |lib| Ok(lib.note_view(doc, number, what)?))
            .await?;
        if recorded {
            self.changes.notify_one();
        }
        Ok(())
    }

    /// The document view closed `doc`: its sitting ends (nothing synced changes).
    pub async fn end_sitting(&self, doc: DocId) -> AppResult<()> {
        self.on_writer(move |lib| Ok(lib.end_sitting(doc)?)).await
    }

    /// Run `f` on the writer thread, telling no one.
    async fn on_writer<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> AppResult<T> + Send + 'static,
    {
        answered(self.writer.call(f).await)
    }

    /// Run `f` on a read-only handle, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Library) -> AppResult<T> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        let permit = Arc::clone(&readers.free)
            .acquire_owned()
            .await
            .map_err(|_| AppError::not_open())?;
        let lib = readers
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .expect("a permit stands for an idle reader");
        // The handle goes back before the permit, whatever `f` does and whether or not
        // anyone still waits for the answer.
        let joined = tauri::async_runtime::spawn_blocking(move || {
            let out = catch_unwind(AssertUnwindSafe(|| f(&lib)));
            let quiet = {
                let mut idle = readers.idle.lock().unwrap_or_else(PoisonError::into_inner);
                idle.push(lib);
                idle.len() == READERS
            };
            drop(permit);
            if quiet {
                memory::give_back_freed();
            }
            out
        })
        .await;
        match joined {
            Ok(Ok(out)) => out,
            Ok(Err(_)) | Err(_) => Err(AppError::from(dossier_sync::Error::LibraryPanicked)),
        }
    }
}

/// The sync engine reaches the library through the writer, in turn with the user's
/// changes (which are not changes to send, so no listener is told).
impl Replica for Session {
    fn run<T, F>(&self, f: F) -> impl Future<Output = dossier_sync::Result<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> dossier_core::Result<T> + Send + 'static,
    {
        self.writer.run(f)
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::mpsc;
    use std::time::Duration;

    use dossier_core::{Access, InitOptions, KdfParams, LockedLibrary};

    use super::*;
    use crate::error::ErrorKind;

    fn started(dir: &Path) -> (PathBuf, Arc<Session>) {
        let root = dir.join("lib");
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
        (root, Session::start(lib).unwrap())
    }

    #[test]
    fn reads_that_panic_give_their_handle_back() {
        let dir = tempfile::tempdir().unwrap();
        let (_root, session) = started(dir.path());
        tauri::async_runtime::block_on(async {
            for _ in 0..=READERS {
                let failed = session
                    .read(|_| -> AppResult<()> { panic!("a bug in a read") })
                    .await;
                assert_eq!(failed.unwrap_err().kind, ErrorKind::Internal);
            }
            // Before: each panic kept a handle, so this read waited for ever.
            let read = tokio::time::timeout(
                Duration::from_secs(30),
                session.read(|lib| Ok(lib.is_writer())),
            )
            .await
            .expect("a handle is free");
            assert!(!read.unwrap(), "a read-only handle");
        });
    }

    #[test]
    fn a_change_that_panics_is_answered_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let (_root, session) = started(dir.path());
        tauri::async_runtime::block_on(async {
            let failed = session
                .write(|_| -> AppResult<()> { panic!("a bug in a change") })
                .await;
            assert_eq!(failed.unwrap_err().kind, ErrorKind::Internal);
            assert!(session.write(|lib| Ok(lib.is_writer())).await.unwrap());
        });
    }

    #[test]
    fn the_last_read_to_finish_gives_freed_memory_back() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static GIVEN_BACK: AtomicUsize = AtomicUsize::new(0);
        memory::install(memory::Allocator {
            give_back_freed: || {
                GIVEN_BACK.fetch_add(1, Ordering::SeqCst);
            },
        });
        let dir = tempfile::tempdir().unwrap();
        let (_root, session) = started(dir.path());
        let before = GIVEN_BACK.load(Ordering::SeqCst);
        tauri::async_runtime::block_on(async {
            let freed = session
                .read(|_| Ok(vec![0u8; 1 << 20].len()))
                .await
                .unwrap();
            assert_eq!(freed, 1 << 20);
        });
        // Before: an idle app kept what its searches had freed.
        assert!(GIVEN_BACK.load(Ordering::SeqCst) > before);
    }

    #[test]
    fn close_waits_for_the_change_in_progress_then_releases_the_writer_lock() {
        let dir = tempfile::tempdir().unwrap();
        let (root, session) = started(dir.path());
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
