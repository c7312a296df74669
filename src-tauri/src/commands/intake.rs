//! Importing dropped files and folders. The same path serves drag and drop, the file
//! picker and watched folders.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use dossier_core::{ImportEvent, ImportOptions, ImportOutcome};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::{AppError, AppResult, ErrorKind};
use crate::events::{FileOutcome, IntakeEvent, LibraryChanged};
use crate::processing;
use crate::state::AppState;

static BATCHES: AtomicU32 = AtomicU32::new(1);

impl From<&ImportOutcome> for FileOutcome {
    fn from(o: &ImportOutcome) -> Self {
        match o {
            ImportOutcome::Imported { doc, title, .. } => Self::Imported {
                doc: doc.to_string(),
                title: title.clone(),
            },
            ImportOutcome::Duplicate {
                existing,
                existing_title,
                ..
            } => Self::Duplicate {
                existing: existing.to_string(),
                existing_title: existing_title.clone(),
            },
            ImportOutcome::Refused { reason, .. } => Self::Refused {
                reason: reason.clone(),
            },
        }
    }
}

/// Import files and folders; returns the batch number its [`IntakeEvent`]s carry at
/// once, and runs the import in the background (after changes queued before it).
#[tauri::command]
#[specta::specta]
pub async fn import_paths(
    app: AppHandle,
    state: State<'_, AppState>,
    paths: Vec<String>,
    allow_duplicates: bool,
) -> AppResult<u32> {
    if paths.is_empty() {
        return Err(AppError::new(ErrorKind::Invalid, "Nothing to import."));
    }
    let session = state.session()?;
    let batch = BATCHES.fetch_add(1, Ordering::Relaxed);
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let tools = state.tools.clone();
    tauri::async_runtime::spawn(async move {
        let events = app.clone();
        let done = session
            .write(move |lib| {
                let report = lib.import(
                    &paths,
                    &ImportOptions {
                        allow_duplicates,
                        workers: 0,
                    },
                    &mut |e| {
                        let event = match e {
                            ImportEvent::Planned { files, bytes } => IntakeEvent::Planned {
                                batch,
                                files: u32::try_from(files).unwrap_or(u32::MAX),
                                bytes: bytes,
                            },
                            ImportEvent::Bytes(bytes) => IntakeEvent::Progress {
                                batch,
                                bytes: bytes,
                            },
                            ImportEvent::Finished(o) => IntakeEvent::File {
                                batch,
                                path: o.path().display().to_string(),
                                result: FileOutcome::from(o),
                            },
                        };
                        let _ = event.emit(&events);
                    },
                )?;
                Ok(report)
            })
            .await;
        let event = match done {
            Ok(r) => IntakeEvent::Finished {
                batch,
                imported: count(r.imported),
                duplicates: count(r.duplicates),
                refused: count(r.refused),
            },
            Err(e) => IntakeEvent::Failed {
                batch,
                message: e.message,
            },
        };
        let _ = event.emit(&app);
        let _ = LibraryChanged.emit(&app);
        processing::kick(app, session, tools);
    });
    Ok(batch)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
