//! Where the app stands: no library, a library opened (holding the writer lock) and
//! waiting for its key, or an open [`Session`].
//!
//! **Invariant:** the `phase` mutex is held only to look at or swap the phase, never
//! while the library works (opening, unlocking and everything else run outside it).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use dossier_core::{LockedLibrary, Tools};

use crate::error::{AppError, AppResult};
use crate::session::Session;

/// The app's one library.
#[derive(Debug)]
pub struct AppState {
    pub root: PathBuf,
    pub tools: Tools,
    phase: Mutex<Phase>,
}

#[derive(Debug, Default)]
pub enum Phase {
    #[default]
    Closed,
    /// Opened for writing, waiting for the passphrase.
    Locked(LockedLibrary),
    Open(Arc<Session>),
}

impl AppState {
    pub fn new(root: PathBuf, tools: Tools) -> Self {
        Self {
            root,
            tools,
            phase: Mutex::new(Phase::Closed),
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The open session, or a "no library is open" error.
    pub fn session(&self) -> AppResult<Arc<Session>> {
        match &*self.phase() {
            Phase::Open(s) => Ok(Arc::clone(s)),
            _ => Err(AppError::not_open()),
        }
    }

    pub fn is_open(&self) -> bool {
        matches!(&*self.phase(), Phase::Open(_))
    }

    pub fn is_locked(&self) -> bool {
        matches!(&*self.phase(), Phase::Locked(_))
    }

    /// Take the locked library out (to unlock it), leaving `Closed`.
    pub fn take_locked(&self) -> Option<LockedLibrary> {
        let mut phase = self.phase();
        match std::mem::take(&mut *phase) {
            Phase::Locked(l) => Some(l),
            other => {
                *phase = other;
                None
            }
        }
    }

    /// Close the library: finish queued changes and release the writer lock.
    pub fn close(&self) {
        let closing = std::mem::take(&mut *self.phase());
        if let Phase::Open(session) = closing {
            session.close();
        }
    }

    pub fn set(&self, next: Phase) {
        *self.phase() = next;
    }
}
