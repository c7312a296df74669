//! Importing dropped and picked files and folders (the intake service does the work).

use std::path::PathBuf;

use tauri::State;

use crate::error::{AppError, AppResult, ErrorKind};
use crate::intake::Source;
use crate::state::AppState;

/// Import files and folders; returns the batch number its `IntakeEvent`s carry at once,
/// and runs the import in the background (after changes queued before it).
#[tauri::command]
#[specta::specta]
pub async fn import_paths(
    state: State<'_, AppState>,
    paths: Vec<String>,
    allow_duplicates: bool,
) -> AppResult<u32> {
    if paths.is_empty() {
        return Err(AppError::new(ErrorKind::Invalid, "Nothing to import."));
    }
    let paths = paths.into_iter().map(PathBuf::from).collect();
    Ok(state
        .open()?
        .intake
        .start(paths, Source::Chosen { allow_duplicates }))
}
