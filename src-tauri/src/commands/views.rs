//! Saved views: list, save (make or change) and delete.

use dossier_core::{View, ViewId};
use tauri::{AppHandle, State};

use super::{change, parse_id};
use crate::error::AppResult;
use crate::ipc::{SavedView, ViewForm};
use crate::state::AppState;

fn view_id(s: &str) -> AppResult<ViewId> {
    parse_id(s, "view")
}

/// The saved views, pinned first, then by name.
#[tauri::command]
#[specta::specta]
pub async fn views(state: State<'_, AppState>) -> AppResult<Vec<SavedView>> {
    state
        .session()?
        .read(|lib| {
            Ok(lib
                .catalog()
                .views()?
                .into_iter()
                .map(|(id, view)| SavedView {
                    id: id.to_string(),
                    view: view.into(),
                })
                .collect())
        })
        .await
}

/// Save a view: a new one (`id` `None`) or a change to one; returns its id.
#[tauri::command]
#[specta::specta]
pub async fn save_view(
    app: AppHandle,
    state: State<'_, AppState>,
    id: Option<String>,
    view: ViewForm,
) -> AppResult<String> {
    let id = id.as_deref().map(view_id).transpose()?;
    let view = View::from(view);
    let saved = change(&app, &state, move |lib| lib.save_view(id, view)).await?;
    Ok(saved.to_string())
}

/// Delete a saved view.
#[tauri::command]
#[specta::specta]
pub async fn delete_view(app: AppHandle, state: State<'_, AppState>, id: String) -> AppResult<()> {
    let id = view_id(&id)?;
    change(&app, &state, move |lib| lib.delete_view(id)).await
}
