//! The intake service: imports from drag and drop, the file picker and watched folders
//! go through [`Intake::start`], which queues the import on the session's writer, reports
//! it as [`IntakeEvent`]s and hands what came in to processing.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use dossier_core::move_done;
use dossier_core::{ImportEvent, ImportOptions, ImportOutcome};
use tauri::AppHandle;
use tauri_specta::Event;

use crate::events::{FileOutcome, IntakeEvent, LibraryChanged};
use crate::processing::Processing;
use crate::session::Session;
use crate::settings::AfterImport;

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

/// Where an import comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Dropped or picked files; `allow_duplicates` imports a file even when the same
    /// content is in the library already.
    Chosen { allow_duplicates: bool },
    /// A watched folder, and what to do with its files once they are in the library.
    Watched { root: PathBuf, after: AfterImport },
}

/// Imports into the open library.
#[derive(Debug)]
pub struct Intake {
    app: AppHandle,
    session: Arc<Session>,
    processing: Arc<Processing>,
    batches: AtomicU32,
}

impl Intake {
    pub fn new(app: AppHandle, session: Arc<Session>, processing: Arc<Processing>) -> Arc<Self> {
        Arc::new(Self {
            app,
            session,
            processing,
            batches: AtomicU32::new(1),
        })
    }

    /// Queue an import of `paths` on the writer; its progress goes out as
    /// [`IntakeEvent`]s under the returned batch number.
    pub fn start(self: &Arc<Self>, paths: Vec<PathBuf>, source: Source) -> u32 {
        let batch = self.batches.fetch_add(1, Ordering::Relaxed);
        let this = Arc::clone(self);
        tauri::async_runtime::spawn(async move {
            let event = match this.import(batch, paths, source).await {
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
            let _ = event.emit(&this.app);
            // New documents: the lists change, no document's own view does.
            let _ = LibraryChanged::of(Vec::<String>::new()).emit(&this.app);
            this.processing.kick();
        });
        batch
    }

    async fn import(
        &self,
        batch: u32,
        paths: Vec<PathBuf>,
        source: Source,
    ) -> crate::error::AppResult<dossier_core::ImportReport> {
        let events = self.app.clone();
        self.session
            .write(move |lib| {
                let (opts, watched) = match &source {
                    Source::Chosen { allow_duplicates } => (
                        ImportOptions {
                            allow_duplicates: *allow_duplicates,
                            workers: 0,
                            within: None,
                        },
                        None,
                    ),
                    Source::Watched { root, after } => (
                        ImportOptions {
                            allow_duplicates: false,
                            workers: 0,
                            within: Some(root.clone()),
                        },
                        Some((root, after)),
                    ),
                };
                let from = watched.map(|(root, _)| root.display().to_string());
                let report = lib.import(&paths, &opts, &mut |e| {
                    let event = match e {
                        ImportEvent::Planned { files, bytes } => IntakeEvent::Planned {
                            batch,
                            files: count(files),
                            bytes,
                            source: from.clone(),
                        },
                        ImportEvent::Bytes(bytes) => IntakeEvent::Progress { batch, bytes },
                        ImportEvent::Finished(o) => IntakeEvent::File {
                            batch,
                            path: o.path().display().to_string(),
                            result: FileOutcome::from(o),
                        },
                    };
                    let _ = event.emit(&events);
                })?;
                if let Some((root, AfterImport::Move)) = watched {
                    for stayed in move_done(root, &report.files) {
                        let _ = IntakeEvent::NotMoved {
                            batch,
                            path: stayed.path.display().to_string(),
                            reason: stayed.error.to_string(),
                        }
                        .emit(&events);
                    }
                }
                Ok(report)
            })
            .await
    }
}

fn count(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}
