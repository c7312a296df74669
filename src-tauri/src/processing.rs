//! The processing service: pending jobs (text, OCR, thumbnails, index) run on the
//! session's writer in slices of about a second, so an edit or an import queued
//! meanwhile waits at most one slice (and one file's job). One per open library; it owns
//! the tools in use and whether a loop is running.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use dossier_core::{JobState, ProcessEvent, ProcessOptions, Tools};
use tauri::AppHandle;
use tauri_specta::Event;

use crate::events::{LibraryChanged, ProcessingEvent};
use crate::memory;
use crate::session::Session;

/// How long one slice runs before the writer takes other work.
const SLICE: Duration = Duration::from_secs(1);

/// Runs the open library's pending jobs in the background.
#[derive(Debug)]
pub struct Processing {
    app: AppHandle,
    session: Arc<Session>,
    tools: Mutex<Tools>,
    /// A loop is running.
    running: AtomicBool,
    /// Work was queued since the loop last looked.
    kicked: AtomicBool,
}

impl Processing {
    pub fn new(app: AppHandle, session: Arc<Session>, tools: Tools) -> Arc<Self> {
        Arc::new(Self {
            app,
            session,
            tools: Mutex::new(tools),
            running: AtomicBool::new(false),
            kicked: AtomicBool::new(false),
        })
    }

    /// Use `tools` from the next slice on (the settings changed).
    pub fn set_tools(&self, tools: Tools) {
        *self.tools.lock().unwrap_or_else(PoisonError::into_inner) = tools;
    }

    fn tools(&self) -> Tools {
        self.tools
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Run what is pending, unless a loop is already at it.
    pub fn kick(self: &Arc<Self>) {
        self.kicked.store(true, Ordering::Release);
        if self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        let this = Arc::clone(self);
        tauri::async_runtime::spawn(async move { this.run().await });
    }

    async fn run(self: Arc<Self>) {
        self.emit(0, None, true);
        loop {
            self.kicked.store(false, Ordering::Release);
            // `None` is the library's error (e.g. a full disk): stop; the jobs stay
            // pending and the next import or start runs them again.
            let more = self.slice().await.unwrap_or_default();
            if !more && !self.kicked.load(Ordering::Acquire) {
                break;
            }
        }
        self.running.store(false, Ordering::Release);
        // The work is done: what it allocated and freed goes back to the system.
        drop(tauri::async_runtime::spawn_blocking(
            memory::give_back_freed,
        ));
        // A kick between the last check and now found the loop still running.
        if self.kicked.load(Ordering::Acquire) {
            self.kick();
        }
    }

    /// One slice; whether jobs are still pending (`None`: the library failed).
    async fn slice(&self) -> Option<bool> {
        let events = self.app.clone();
        let opts = ProcessOptions {
            tools: self.tools(),
            retry_failed: false,
            budget: Some(SLICE),
        };
        let slice = self
            .session
            .write(move |lib| {
                let mut finished = BTreeSet::new();
                let report = lib.process(&opts, &mut |e| match e {
                    ProcessEvent::Started { job } => {
                        let _ = ProcessingEvent {
                            pending: 0,
                            current: Some(job.file_name.clone()),
                            busy: true,
                        }
                        .emit(&events);
                    }
                    ProcessEvent::Finished { job, .. } => {
                        finished.insert(job.doc);
                    }
                    _ => {}
                })?;
                let pending = lib
                    .catalog()
                    .job_counts()?
                    .get(&JobState::Pending)
                    .copied()
                    .unwrap_or(0);
                Ok((report, pending, finished))
            })
            .await;
        match slice {
            Ok((report, pending, finished)) => {
                // Only the documents processed in this slice, besides the lists.
                if !finished.is_empty() || report.indexed > 0 {
                    let _ = LibraryChanged::of(finished).emit(&self.app);
                }
                self.emit(pending, None, report.more_pending);
                Some(report.more_pending)
            }
            Err(_) => {
                let _ = LibraryChanged::any().emit(&self.app);
                None
            }
        }
    }

    fn emit(&self, pending: u64, current: Option<String>, busy: bool) {
        let _ = ProcessingEvent {
            pending: u32::try_from(pending).unwrap_or(u32::MAX),
            current,
            busy,
        }
        .emit(&self.app);
    }
}
