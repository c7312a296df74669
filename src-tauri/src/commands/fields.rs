//! The custom fields of document types: list and define.

use dossier_core::FieldDef;
use tauri::{AppHandle, State};

use super::change;
use crate::error::AppResult;
use crate::ipc::{TypeField, TypeFields};
use crate::state::AppState;

/// Every type that defines fields, by name, with its fields.
#[tauri::command]
#[specta::specta]
pub async fn type_fields(state: State<'_, AppState>) -> AppResult<Vec<TypeFields>> {
    state
        .session()?
        .read(|lib| {
            Ok(lib
                .catalog()
                .all_type_fields()?
                .into_iter()
                .map(|(doc_type, fields)| TypeFields {
                    doc_type,
                    fields: fields.into_iter().map(TypeField::from).collect(),
                })
                .collect())
        })
        .await
}

/// Define the fields of documents of `doc_type` (an empty list: none).
#[tauri::command]
#[specta::specta]
pub async fn set_type_fields(
    app: AppHandle,
    state: State<'_, AppState>,
    doc_type: String,
    fields: Vec<TypeField>,
) -> AppResult<()> {
    let fields: Vec<FieldDef> = fields.into_iter().map(FieldDef::from).collect();
    change(&app, &state, move |lib| {
        lib.set_type_fields(&doc_type, fields)
    })
    .await
}
