//! Background processing: pending jobs run on the writer thread in slices of about a
//! second, so an edit or an import queued meanwhile waits at most one slice (and one
//! file's job).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use dossier_core::{JobState, ProcessEvent, ProcessOptions, Tools};
use tauri::AppHandle;
use tauri_specta::Event;

use crate::events::{LibraryChanged, ProcessingEvent};
use crate::session::Session;

/// How long one slice runs before the writer takes other work.
const SLICE: Duration = Duration::from_secs(1);

/// Run what is pending, unless a loop is already at it.
pub fn kick(app: AppHandle, session: Arc<Session>, tools: Tools) {
    session.kicked.store(true, Ordering::Release);
    if session.processing.swap(true, Ordering::AcqRel) {
        return;
    }
    tauri::async_runtime::spawn(async move {
        let _ = ProcessingEvent {
            pending: 0,
            current: None,
            busy: true,
        }
        .emit(&app);
        loop {
            session.kicked.store(false, Ordering::Release);
            let events = app.clone();
            let opts = ProcessOptions {
                tools: tools.clone(),
                retry_failed: false,
                budget: Some(SLICE),
            };
            let slice = session
                .write(move |lib| {
                    let report = lib.process(&opts, &mut |e| {
                        if let ProcessEvent::Started { job } = e {
                            let _ = ProcessingEvent {
                                pending: 0,
                                current: Some(job.file_name.clone()),
                                busy: true,
                            }
                            .emit(&events);
                        }
                    })?;
                    let pending = lib
                        .catalog()
                        .job_counts()?
                        .get(&JobState::Pending)
                        .copied()
                        .unwrap_or(0);
                    Ok((report, pending))
                })
                .await;
            let _ = LibraryChanged.emit(&app);
            let more = match slice {
                Ok((report, pending)) => {
                    let _ = ProcessingEvent {
                        pending: u32::try_from(pending).unwrap_or(u32::MAX),
                        current: None,
                        busy: report.more_pending,
                    }
                    .emit(&app);
                    report.more_pending
                }
                // The error is the library's (e.g. a full disk): stop; the jobs stay
                // pending and the next import or start runs them again.
                Err(_) => false,
            };
            if !more && !session.kicked.load(Ordering::Acquire) {
                break;
            }
        }
        session.processing.store(false, Ordering::Release);
        // A kick between the last check and now found the loop still running.
        if session.kicked.load(Ordering::Acquire) {
            kick(app, session, tools);
        }
    });
}
