//! Watched folders in the app: one thread per folder runs a [`FolderWatcher`] and hands
//! the files that stopped changing to the intake service, as drag and drop does.
//!
//! They run while a library is open: [`Watchers::restart`] when it opens or the settings
//! change, [`Watchers::stop_all`] when it closes.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::intake::{Intake, Source};
use crate::ipc::{WatchState, WatchStatus};
use crate::settings::WatchedFolder;
use dossier_core::{FolderWatcher, WatchOptions};

/// How long a file must stay unchanged before it is imported.
const SETTLE: Duration = Duration::from_secs(2);
/// How often a watcher thread looks whether it was asked to stop.
const STOP_CHECK: Duration = Duration::from_millis(500);

#[derive(Debug)]
struct Running {
    folder: WatchedFolder,
    stop: Arc<AtomicBool>,
    state: Arc<Mutex<WatchState>>,
}

/// The folders being watched now.
#[derive(Debug, Default)]
pub struct Watchers {
    running: Mutex<Vec<Running>>,
}

impl Watchers {
    /// Stop every watcher, then watch `folders`, handing what settles to `intake`.
    pub fn restart(&self, intake: &Arc<Intake>, folders: &[WatchedFolder]) {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        for r in running.drain(..) {
            r.stop.store(true, Ordering::Release);
        }
        for folder in folders {
            let stop = Arc::new(AtomicBool::new(false));
            let state = Arc::new(Mutex::new(WatchState::Starting));
            let (intake, f, s, st) = (
                Arc::clone(intake),
                folder.clone(),
                stop.clone(),
                state.clone(),
            );
            let spawned = std::thread::Builder::new()
                .name("dossier-watch".into())
                .spawn(move || watch(&intake, &f, &s, &st));
            if let Err(e) = spawned {
                set(&state, WatchState::Failed(format!("cannot start: {e}")));
            }
            running.push(Running {
                folder: folder.clone(),
                stop,
                state,
            });
        }
    }

    /// Stop watching (each thread ends within [`STOP_CHECK`]).
    pub fn stop_all(&self) {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        for r in running.drain(..) {
            r.stop.store(true, Ordering::Release);
        }
    }

    /// How each watched folder is doing, for the settings screen.
    pub fn status(&self) -> Vec<WatchStatus> {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        running
            .iter()
            .map(|r| WatchStatus {
                path: r.folder.path.clone(),
                state: r
                    .state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone(),
            })
            .collect()
    }
}

fn set(state: &Mutex<WatchState>, next: WatchState) {
    *state.lock().unwrap_or_else(PoisonError::into_inner) = next;
}

/// One watcher thread: until stopped, import what settles in `folder`.
fn watch(
    intake: &Arc<Intake>,
    folder: &WatchedFolder,
    stop: &AtomicBool,
    state: &Mutex<WatchState>,
) {
    let opts = WatchOptions {
        settle: SETTLE,
        poll: folder
            .poll_seconds
            .map(|s| Duration::from_secs(u64::from(s))),
    };
    let mut watcher = match FolderWatcher::start(&PathBuf::from(&folder.path), &opts) {
        Ok(w) => w,
        Err(e) => {
            set(state, WatchState::Failed(plain(&e)));
            return;
        }
    };
    set(state, WatchState::Watching);
    while !stop.load(Ordering::Acquire) {
        let files = match watcher.ready(STOP_CHECK) {
            Ok(files) => files,
            Err(e) => {
                set(state, WatchState::Failed(plain(&e)));
                return;
            }
        };
        if files.is_empty() || stop.load(Ordering::Acquire) {
            continue;
        }
        intake.start(
            files,
            Source::Watched {
                root: watcher.root().to_owned(),
                after: folder.after_import,
            },
        );
    }
}

/// A watcher's error in plain words.
fn plain(e: &dossier_core::Error) -> String {
    match e {
        dossier_core::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            "The folder does not exist (or the network share is not connected).".into()
        }
        other => other.to_string(),
    }
}
