//! Where the app stands: no library, a library opened (holding the writer lock) and
//! waiting for its key, or an open library with the services working on it ([`Opened`]);
//! and this desktop's [`Settings`]. This is where the services are put together: each
//! receives what it needs when the library opens, and none of them reaches back here.
//!
//! **Invariant:** each mutex here is held only to look at or swap a value, never while
//! the library works (opening, unlocking and everything else run outside them).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use dossier_core::{Library, LockedLibrary, Tools};
use tauri::AppHandle;

use crate::error::{AppError, AppResult};
use crate::intake::Intake;
use crate::processing::Processing;
use crate::session::Session;
use crate::settings::Settings;
use crate::suggestions::Suggestions;
use crate::sync::Syncing;
use crate::watchers::Watchers;

/// The app's one library and this desktop's settings.
#[derive(Debug)]
pub struct AppState {
    root: Mutex<PathBuf>,
    /// The command line or environment chose the library; the settings' choice waits.
    pub library_fixed: bool,
    /// Where [`Settings`] are saved; `None` when the platform has no configuration folder.
    pub settings_path: Option<PathBuf>,
    settings: Mutex<Settings>,
    tools: Mutex<Tools>,
    pub watchers: Watchers,
    phase: Mutex<Phase>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug, Default)]
pub enum Phase {
    #[default]
    Closed,
    /// Opened for writing, waiting for the passphrase.
    Locked(LockedLibrary),
    Open(Arc<Opened>),
}

/// An open library and the services working on it.
#[derive(Debug)]
pub struct Opened {
    pub session: Arc<Session>,
    pub processing: Arc<Processing>,
    pub intake: Arc<Intake>,
    pub sync: Arc<Syncing>,
    pub suggestions: Arc<Suggestions>,
}

impl AppState {
    pub fn new(
        root: PathBuf,
        library_fixed: bool,
        settings_path: Option<PathBuf>,
        settings: Settings,
        mut tools: Tools,
    ) -> Self {
        tools.ocr.languages = settings.tesseract_languages();
        Self {
            root: Mutex::new(root),
            library_fixed,
            settings_path,
            settings: Mutex::new(settings),
            tools: Mutex::new(tools),
            watchers: Watchers::default(),
            phase: Mutex::new(Phase::Closed),
        }
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        lock(&self.phase)
    }

    /// The library's folder.
    pub fn root(&self) -> PathBuf {
        lock(&self.root).clone()
    }

    /// Switch to another library folder (the current one must be closed first).
    pub fn set_root(&self, root: PathBuf) {
        *lock(&self.root) = root;
    }

    /// The extraction and OCR tools, as configured now.
    pub fn tools(&self) -> Tools {
        lock(&self.tools).clone()
    }

    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Take new settings (already saved) into use: for what reads them later, and for
    /// the open library's services. Watched folders start again when they changed.
    pub fn set_settings(&self, settings: Settings) {
        let watched_changed = lock(&self.settings).watched != settings.watched;
        lock(&self.tools).ocr.languages = settings.tesseract_languages();
        if let Ok(open) = self.open() {
            open.processing.set_tools(self.tools());
            open.sync.set_minutes(settings.sync_minutes);
            if watched_changed {
                self.watchers.restart(&open.intake, &settings.watched);
            }
        }
        *lock(&self.settings) = settings;
    }

    /// Start working on `lib` (unlocked, holding the writer lock): the session, then
    /// processing of what is pending, the watched folders and the sync loop.
    pub fn start(&self, app: &AppHandle, lib: Library) -> AppResult<()> {
        let session = Session::start(lib)?;
        let settings = self.settings();
        let processing = Processing::new(app.clone(), Arc::clone(&session), self.tools());
        let intake = Intake::new(app.clone(), Arc::clone(&session), Arc::clone(&processing));
        let suggestions = Suggestions::new();
        let sync = Syncing::new(
            app.clone(),
            Arc::clone(&session),
            Arc::clone(&processing),
            Arc::clone(&suggestions),
            settings.sync_minutes,
        );
        processing.kick();
        self.watchers.restart(&intake, &settings.watched);
        sync.spawn();
        self.set(Phase::Open(Arc::new(Opened {
            session,
            processing,
            intake,
            sync,
            suggestions,
        })));
        Ok(())
    }

    /// The open library and its services, or a "no library is open" error.
    pub fn open(&self) -> AppResult<Arc<Opened>> {
        match &*self.phase() {
            Phase::Open(o) => Ok(Arc::clone(o)),
            _ => Err(AppError::not_open()),
        }
    }

    /// The open library's session, or a "no library is open" error.
    pub fn session(&self) -> AppResult<Arc<Session>> {
        Ok(Arc::clone(&self.open()?.session))
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

    /// Close the library: stop watching folders, finish queued changes and release the
    /// writer lock.
    pub fn close(&self) {
        self.watchers.stop_all();
        let closing = std::mem::take(&mut *self.phase());
        if let Phase::Open(open) = closing {
            open.sync.stop();
            open.session.close();
        }
    }

    pub fn set(&self, next: Phase) {
        *self.phase() = next;
    }
}
