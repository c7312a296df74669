//! Changes to documents: metadata, trash, versions. Each runs on the writer thread, in
//! the order the user made them.

use std::path::PathBuf;
use std::sync::Arc;

use dossier_core::{DocId, FieldKey, FieldValue, Library};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use super::doc_id;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::events::LibraryChanged;
use crate::ipc::{EmptiedTrash, KeptDocument, MetadataEdit};
use crate::state::AppState;

/// Apply one edit of the document view (title, type, subject, tags, fields).
#[tauri::command]
#[specta::specta]
pub async fn edit_metadata(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    edit: MetadataEdit,
) -> AppResult<()> {
    let open = state.open()?;
    let session = Arc::clone(&open.session);
    let doc = doc_id(&id)?;
    let filed =
        edit.doc_type.is_some() || !edit.add_tags.is_empty() || !edit.remove_tags.is_empty();
    session
        .write(move |lib| {
            let text = |s: &str| {
                let s = s.trim();
                (!s.is_empty()).then(|| FieldValue::Text(s.to_owned()))
            };
            // Custom fields are checked by their kinds in the document's type (the one
            // this edit sets, if it sets one) before anything is set.
            let doc_type = match &edit.doc_type {
                Some(t) => text(t).map(|t| t.display()),
                None => lib.catalog().document(doc)?.summary.doc_type,
            };
            let mut fields = Vec::new();
            for (name, raw) in &edit.fields {
                fields.push(match text(raw) {
                    Some(_) => {
                        let (key, value) = lib.field_value(doc_type.as_deref(), name, raw)?;
                        (key, Some(value))
                    }
                    None => (FieldKey::Custom(name.clone()), None),
                });
            }
            if let Some(t) = &edit.title {
                lib.set_field(doc, FieldKey::Title, text(t))?;
            }
            for (key, value) in [
                (FieldKey::Type, &edit.doc_type),
                (FieldKey::SubjectId, &edit.subject_id),
                (FieldKey::SubjectName, &edit.subject_name),
            ] {
                if let Some(v) = value {
                    lib.set_field(doc, key, text(v))?;
                }
            }
            if !edit.add_tags.is_empty() || !edit.remove_tags.is_empty() {
                lib.tag(doc, &edit.add_tags, &edit.remove_tags)?;
            }
            for (key, value) in fields {
                lib.set_field(doc, key, value)?;
            }
            lib.refresh_index()?;
            Ok(())
        })
        .await?;
    let _ = LibraryChanged::of([id]).emit(&app);
    if filed {
        // Learned at once: the next suggestion knows this filing. The edit is saved; a
        // suggester that could not learn it only suggests less well.
        if let Err(e) = open.suggestions.teach(&session, doc).await {
            eprintln!("dossier: the filing suggester did not learn an edit: {e}");
        }
    }
    Ok(())
}

/// Move documents to the trash (reversible).
#[tauri::command]
#[specta::specta]
pub async fn trash(app: AppHandle, state: State<'_, AppState>, ids: Vec<String>) -> AppResult<()> {
    each(&app, &state, ids, Library::trash).await
}

/// Bring documents back from the trash.
#[tauri::command]
#[specta::specta]
pub async fn untrash(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> AppResult<()> {
    each(&app, &state, ids, Library::untrash).await
}

/// Place (`held`) or lift a legal hold on a document; `reason` goes into the audit trail.
#[tauri::command]
#[specta::specta]
pub async fn set_legal_hold(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    held: bool,
    reason: Option<String>,
) -> AppResult<()> {
    one(&app, &state, &id, move |lib, doc| {
        if held {
            lib.place_legal_hold(doc, reason.as_deref())
        } else {
            lib.release_legal_hold(doc, reason.as_deref())
        }
    })
    .await
}

/// Keep a document at least through `until` (`YYYY-MM-DD`), or with `None`, end its
/// retention period.
#[tauri::command]
#[specta::specta]
pub async fn set_retention(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    until: Option<String>,
) -> AppResult<()> {
    let until = until.as_deref().map(dossier_core::parse_day).transpose()?;
    one(&app, &state, &id, move |lib, doc| {
        lib.set_retention(doc, until)
    })
    .await
}

/// Delete documents in the trash for good (each refused if a hold keeps it).
#[tauri::command]
#[specta::specta]
pub async fn delete_for_good(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> AppResult<()> {
    each(&app, &state, ids, Library::purge).await
}

/// Empty the trash: every document in it is deleted for good, except those a legal hold
/// or retention period keeps.
#[tauri::command]
#[specta::specta]
pub async fn empty_trash(app: AppHandle, state: State<'_, AppState>) -> AppResult<EmptiedTrash> {
    let session = state.session()?;
    let report = session
        .write(|lib| Ok(lib.empty_trash(&mut |_, _| {})?))
        .await?;
    let _ = LibraryChanged::any().emit(&app);
    Ok(EmptiedTrash {
        deleted: u32::try_from(report.purged).unwrap_or(u32::MAX),
        kept: report
            .held
            .into_iter()
            .map(|h| KeptDocument {
                id: h.doc.to_string(),
                title: h.title,
                why: h.why,
            })
            .collect(),
    })
}

/// Apply `change` to one document on the writer thread.
async fn one<T: Send + 'static>(
    app: &AppHandle,
    state: &AppState,
    id: &str,
    change: impl FnOnce(&mut Library, DocId) -> dossier_core::Result<T> + Send + 'static,
) -> AppResult<T> {
    let doc = doc_id(id)?;
    let session = state.session()?;
    let out = session.write(move |lib| Ok(change(lib, doc)?)).await?;
    let _ = LibraryChanged::of([doc]).emit(app);
    Ok(out)
}

/// Apply `change` to each document on the writer thread, then refresh the index.
async fn each(
    app: &AppHandle,
    state: &AppState,
    ids: Vec<String>,
    change: fn(&mut Library, DocId) -> dossier_core::Result<()>,
) -> AppResult<()> {
    let session = state.session()?;
    let docs = ids
        .iter()
        .map(|i| doc_id(i))
        .collect::<AppResult<Vec<_>>>()?;
    session
        .write(move |lib| {
            for d in docs {
                change(lib, d)?;
            }
            lib.refresh_index()?;
            Ok(())
        })
        .await?;
    let _ = LibraryChanged::of(ids).emit(app);
    Ok(())
}

/// Make an old version current again (as a new version; nothing is lost).
#[tauri::command]
#[specta::specta]
pub async fn restore_version(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    number: u32,
) -> AppResult<()> {
    one(&app, &state, &id, move |lib, doc| lib.restore(doc, number)).await?;
    // The new version's text and thumbnail.
    state.open()?.processing.kick();
    Ok(())
}

/// Settle a document's concurrent versions by keeping version `keep` (as a new version
/// that descends from all of them; none is lost).
#[tauri::command]
#[specta::specta]
pub async fn resolve_versions(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    keep: u32,
) -> AppResult<()> {
    one(&app, &state, &id, move |lib, doc| {
        lib.resolve_concurrent(doc, keep)
    })
    .await?;
    state.open()?.processing.kick();
    Ok(())
}

/// Add a file as the document's new version.
#[tauri::command]
#[specta::specta]
pub async fn add_version(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    path: String,
    note: Option<String>,
) -> AppResult<()> {
    let file = PathBuf::from(path);
    let note = note.filter(|n| !n.trim().is_empty());
    let outcome = one(&app, &state, &id, move |lib, doc| {
        lib.add_version(doc, &file, note, &mut |_| {})
    })
    .await?;
    if let dossier_core::ImportOutcome::Refused { reason, .. } = outcome {
        return Err(AppError::new(
            ErrorKind::Invalid,
            format!("This file cannot be added: {reason}"),
        ));
    }
    state.open()?.processing.kick();
    Ok(())
}
