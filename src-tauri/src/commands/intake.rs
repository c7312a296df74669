//! Importing dropped files and folders. The same path serves drag and drop, the file
//! picker and watched folders.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use dossier_core::watch::move_imported;
use dossier_core::{ImportEvent, ImportOptions, ImportOutcome, Tools};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::{AppError, AppResult, ErrorKind};
use crate::events::{FileOutcome, IntakeEvent, LibraryChanged};
use crate::processing;
use crate::session::Session;
use crate::settings::AfterImport;
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

/// Where an import comes from, and what happens to its files after.
#[derive(Debug, Clone, Default)]
pub struct IntakeOptions {
    /// Import a file even when the same content is already in the library.
    pub allow_duplicates: bool,
    /// A watched folder, and what to do with its files once they are in the library.
    pub watched: Option<(PathBuf, AfterImport)>,
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
    let paths = paths.into_iter().map(PathBuf::from).collect();
    Ok(start_import(
        &app,
        session,
        state.tools(),
        paths,
        IntakeOptions {
            allow_duplicates,
            watched: None,
        },
    ))
}

/// Queue an import on the writer; its progress goes out as [`IntakeEvent`]s under the
/// returned batch number. Drag and drop, the file picker and watched folders all come
/// here.
pub fn start_import(
    app: &AppHandle,
    session: Arc<Session>,
    tools: Tools,
    paths: Vec<PathBuf>,
    opts: IntakeOptions,
) -> u32 {
    let batch = BATCHES.fetch_add(1, Ordering::Relaxed);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let events = app.clone();
        let source = opts
            .watched
            .as_ref()
            .map(|(root, _)| root.display().to_string());
        let done = session
            .write(move |lib| {
                let report = lib.import(
                    &paths,
                    &ImportOptions {
                        allow_duplicates: opts.allow_duplicates,
                        workers: 0,
                        within: opts.watched.as_ref().map(|(root, _)| root.clone()),
                    },
                    &mut |e| {
                        let event = match e {
                            ImportEvent::Planned { files, bytes } => IntakeEvent::Planned {
                                batch,
                                files: u32::try_from(files).unwrap_or(u32::MAX),
                                bytes,
                                source: source.clone(),
                            },
                            ImportEvent::Bytes(bytes) => IntakeEvent::Progress { batch, bytes },
                            ImportEvent::Finished(o) => IntakeEvent::File {
                                batch,
                                path: o.path().display().to_string(),
                                result: FileOutcome::from(o),
                            },
                        };
                        let _ = event.emit(&events);
                    },
                )?;
                if let Some((root, AfterImport::Move)) = &opts.watched {
                    move_done(&events, batch, root, &report.files);
                }
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
    batch
}

/// Move a watched folder's files that are now in the library (imported, or there
/// already) into its "Imported" subfolder. Refused files stay for someone to look at; a
/// file that cannot be moved stays too, and the queue says why.
fn move_done(app: &AppHandle, batch: u32, root: &Path, files: &[ImportOutcome]) {
    for outcome in files {
        if matches!(outcome, ImportOutcome::Refused { .. }) {
            continue;
        }
        if let Err(e) = move_imported(root, outcome.path()) {
            let _ = IntakeEvent::NotMoved {
                batch,
                path: outcome.path().display().to_string(),
                reason: e.to_string(),
            }
            .emit(app);
        }
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
