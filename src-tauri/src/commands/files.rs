//! The operating system's file and folder pickers, and exporting documents to a folder.

use std::path::PathBuf;

use tauri::{AppHandle, State};
use tauri_plugin_dialog::{DialogExt, FilePath};
use tauri_specta::Event;
use tokio::sync::oneshot;

use super::doc_id;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::events::LibraryChanged;
use crate::ipc::Exported;
use crate::state::AppState;

/// What a picker chooses.
#[derive(Debug, Clone, Copy, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    File,
    Folder,
}

/// Ask the user for a file or a folder; `None` when they cancel.
#[tauri::command]
#[specta::specta]
pub async fn pick(app: AppHandle, what: Pick, title: String) -> AppResult<Option<String>> {
    let (tx, rx) = oneshot::channel();
    let dialog = app.dialog().file().set_title(title);
    let answer = move |p: Option<FilePath>| {
        let _ = tx.send(p);
    };
    match what {
        Pick::File => dialog.pick_file(answer),
        Pick::Folder => dialog.pick_folder(answer),
    }
    let chosen = rx.await.map_err(AppError::internal)?;
    chosen
        .map(|p| {
            p.into_path()
                .map(|p| p.display().to_string())
                .map_err(|_| AppError::new(ErrorKind::Invalid, "Choose a file on this computer."))
        })
        .transpose()
}

/// Export the current version of each document into `folder` (files already there are
/// never replaced), with a `manifest.json` describing them. Recorded in the audit trail.
#[tauri::command]
#[specta::specta]
pub async fn export_documents(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<String>,
    folder: String,
) -> AppResult<Exported> {
    if ids.is_empty() {
        return Err(AppError::new(ErrorKind::Invalid, "Nothing to export."));
    }
    let session = state.session()?;
    let docs = ids
        .iter()
        .map(|i| doc_id(i))
        .collect::<AppResult<Vec<_>>>()?;
    let dir = PathBuf::from(&folder);
    let report = session
        .write(move |lib| Ok(lib.export_documents(&docs, &dir, &mut |_, _| {})?))
        .await?;
    // Their audit trails changed.
    let _ = LibraryChanged::of(ids).emit(&app);
    Ok(Exported {
        documents: u32::try_from(report.documents).unwrap_or(u32::MAX),
        bytes: report.bytes,
        folder,
    })
}
