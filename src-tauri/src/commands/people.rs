//! People as records: the People list, a person's dossier, adding, editing and merging
//! records, rosters, what each programme requires, and which person documents are about.

use std::path::PathBuf;

use dossier_core::{Error, RosterOptions, SubjectFilter, SubjectKind};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use super::{change, doc_id};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::events::LibraryChanged;
use crate::ipc::{People, PersonDossier, PersonEdit, Requirements, RosterOutcome};
use crate::state::AppState;

/// The most people one page of the list shows.
const PAGE: u32 = 500;

/// People whose name, other names or number hold every word of `text` (all: empty), by
/// number; merged records are left out.
#[tauri::command]
#[specta::specta]
pub async fn people(state: State<'_, AppState>, text: String) -> AppResult<People> {
    let session = state.session()?;
    session
        .read(move |lib| {
            let filter = SubjectFilter {
                text: Some(text).filter(|t| !t.trim().is_empty()),
                limit: Some(PAGE + 1),
                ..SubjectFilter::default()
            };
            let mut people = lib.catalog().subjects(&filter)?;
            let more = people.len() > PAGE as usize;
            people.truncate(PAGE as usize);
            Ok(People {
                people: people.into_iter().map(Into::into).collect(),
                more,
            })
        })
        .await
}

/// A person's dossier: record, documents by type, timeline, checklist.
#[tauri::command]
#[specta::specta]
pub async fn person(state: State<'_, AppState>, id: String) -> AppResult<PersonDossier> {
    let session = state.session()?;
    session
        .read(move |lib| {
            let catalog = lib.catalog();
            let subject = catalog.resolve_subject(&id)?;
            Ok(catalog.dossier(subject)?.into())
        })
        .await
}

/// Add a person's record; returns its id.
#[tauri::command]
#[specta::specta]
pub async fn add_person(
    app: AppHandle,
    state: State<'_, AppState>,
    values: PersonEdit,
) -> AppResult<String> {
    let values = values.to_core();
    let id = change(&app, &state, move |lib| lib.add_subject(&values)).await?;
    Ok(id.to_string())
}

/// Change a person's record (only the values given).
#[tauri::command]
#[specta::specta]
pub async fn edit_person(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    values: PersonEdit,
) -> AppResult<()> {
    let values = values.to_core();
    change(&app, &state, move |lib| {
        let subject = lib.catalog().resolve_subject(&id)?;
        lib.edit_subject(subject, &values).map(drop)
    })
    .await
}

/// Record that `duplicate` is the same person as `into` (an id, number or name).
#[tauri::command]
#[specta::specta]
pub async fn merge_people(
    app: AppHandle,
    state: State<'_, AppState>,
    duplicate: String,
    into: String,
) -> AppResult<()> {
    change(&app, &state, move |lib| {
        let dup = lib.catalog().resolve_subject(&duplicate)?;
        let into = lib.catalog().resolve_subject(&into)?;
        lib.merge_subjects(dup, into)
    })
    .await
}

/// Undo the merge of a record into another.
#[tauri::command]
#[specta::specta]
pub async fn unmerge_person(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<()> {
    change(&app, &state, move |lib| {
        let subject = lib.catalog().resolve_subject(&id)?;
        lib.unmerge_subject(subject)
    })
    .await
}

/// Import a roster (CSV from the student information system), or with `trial`, only
/// check it and count what it would do. `kind`: student or staff, for files without a
/// kind column. A file with any bad line imports nothing and lists every problem.
#[tauri::command]
#[specta::specta]
pub async fn import_roster(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    kind: String,
    trial: bool,
) -> AppResult<RosterOutcome> {
    let kind = SubjectKind::parse(&kind)?;
    let file = PathBuf::from(path);
    let options = RosterOptions {
        kind,
        dry_run: trial,
    };
    let session = state.session()?;
    let outcome = session
        .write(move |lib| match lib.import_roster(&file, options) {
            Ok(report) => Ok(RosterOutcome::from(report)),
            Err(Error::RosterRejected { problems, .. }) => Ok(RosterOutcome::Rejected {
                problems: problems.iter().map(ToString::to_string).collect(),
            }),
            Err(e) => Err(e.into()),
        })
        .await?;
    if !trial {
        let _ = LibraryChanged::any().emit(&app);
    }
    Ok(outcome)
}

/// Say which person documents are about: `person` is an id, number or name (`None` or
/// empty: no one). All or nothing.
#[tauri::command]
#[specta::specta]
pub async fn set_person(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<String>,
    person: Option<String>,
) -> AppResult<()> {
    let docs = ids
        .iter()
        .map(|i| doc_id(i))
        .collect::<AppResult<Vec<_>>>()?;
    let person = person.filter(|p| !p.trim().is_empty());
    state
        .session()?
        .write(move |lib| {
            let subject = person
                .as_deref()
                .map(|p| lib.catalog().resolve_subject(p))
                .transpose()?;
            let links: Vec<_> = docs.iter().map(|d| (*d, subject)).collect();
            lib.set_document_subjects(&links)?;
            lib.refresh_index()?;
            Ok(())
        })
        .await?;
    let _ = LibraryChanged::of(ids).emit(&app);
    Ok(())
}

/// Every programme's list of required document types.
#[tauri::command]
#[specta::specta]
pub async fn requirements(state: State<'_, AppState>) -> AppResult<Vec<Requirements>> {
    state
        .session()?
        .read(|lib| {
            Ok(lib
                .catalog()
                .all_requirements()?
                .into_iter()
                .map(|(programme, types)| Requirements { programme, types })
                .collect())
        })
        .await
}

/// Set the document types a programme requires (`*`: every programme without its own
/// list); an empty list clears it.
#[tauri::command]
#[specta::specta]
pub async fn set_requirements(
    app: AppHandle,
    state: State<'_, AppState>,
    requirements: Requirements,
) -> AppResult<()> {
    if requirements.programme.trim().is_empty() {
        return Err(AppError::new(
            ErrorKind::Invalid,
            "Name the programme (or * for every programme without its own list).",
        ));
    }
    change(&app, &state, move |lib| {
        lib.set_requirements(requirements.programme.trim(), &requirements.types)
    })
    .await
}

/// Write a person's whole record as a ZIP into `folder` (named after them); returns the
/// file written.
#[tauri::command]
#[specta::specta]
pub async fn export_person(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    folder: String,
) -> AppResult<String> {
    let dir = PathBuf::from(folder);
    let report = change(&app, &state, move |lib| {
        let subject = lib.catalog().resolve_subject(&id)?;
        lib.export_subject_into(subject, &dir)
    })
    .await?;
    Ok(report.zip.display().to_string())
}
