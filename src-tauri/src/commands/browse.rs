//! Lists, searches, one document, and its text.

use dossier_core::{JobKind, JobState, PersonClue, SubjectKind, Viewing};
use serde::Serialize;
use specta::Type;
use tauri::State;

use super::doc_id;
use crate::error::AppResult;
use crate::ipc::{
    AuditEvent, Comparison, Document, FilingSuggestions, PersonLink, Query, Results, Suggested,
    SuggestedPerson, TypeField, Version,
};
use crate::state::AppState;

/// A page of the library's documents (empty text) or of a search.
#[tauri::command]
#[specta::specta]
pub async fn search(state: State<'_, AppState>, query: Query) -> AppResult<Results> {
    let session = state.session()?;
    let req = query.to_core()?;
    session
        .read(move |lib| {
            let mut results = Results::from(lib.search(&req)?);
            // The people the subject facet counts, by name.
            let catalog = lib.catalog();
            for number in results.facets.subject.keys() {
                for kind in [SubjectKind::Student, SubjectKind::Staff] {
                    if let Some(s) = catalog.subject_numbered(kind, number)? {
                        let name = catalog.subject(s)?.name;
                        results.facets.subject_names.insert(number.clone(), name);
                        break;
                    }
                }
            }
            Ok(results)
        })
        .await
}

/// Everything the document view shows.
#[tauri::command]
#[specta::specta]
pub async fn document(state: State<'_, AppState>, id: String) -> AppResult<Document> {
    let session = state.session()?;
    let doc = doc_id(&id)?;
    let tools = state.tools();
    session
        .read(move |lib| {
            let catalog = lib.catalog();
            let d = catalog.document(doc)?;
            let versions = catalog.versions(doc)?;
            let audit = lib.audit_trail(Some(doc))?;
            let (info, extract) = match d.current_version {
                Some(v) => (
                    catalog.extraction(v)?,
                    catalog.job_outcome(v, JobKind::Extract)?,
                ),
                None => (None, None),
            };
            let person = match catalog.document_subject(doc)? {
                Some(p) => {
                    let r = catalog.subject(p)?;
                    Some(PersonLink {
                        id: r.id.to_string(),
                        number: r.number,
                        name: r.name,
                    })
                }
                None => None,
            };
            let field_defs = match &d.summary.doc_type {
                Some(t) => catalog.type_fields(t)?,
                None => Vec::new(),
            };
            // A file whose pages could not be drawn (its thumbnail job failed: damaged,
            // or too slow to convert) shows as text rather than as broken pages.
            let drawn = match d.current_version {
                Some(v) => !matches!(
                    catalog.job_outcome(v, JobKind::Thumbnail)?,
                    Some((JobState::Failed, _))
                ),
                None => false,
            };
            let page_images =
                drawn && dossier_core::page_images(&d.summary.mime, &d.summary.file_name, &tools);
            // A picture the webview cannot show itself (a TIFF scan) is drawn as its one
            // page.
            let pages = info
                .as_ref()
                .and_then(|i| i.page_count)
                .or_else(|| (page_images && d.summary.mime.starts_with("image/")).then_some(1));
            let s = d.summary;
            Ok(Document {
                id: s.id.to_string(),
                title: s.title,
                file_name: s.file_name,
                mime: s.mime,
                size: s.size,
                doc_type: s.doc_type,
                subject_id: s.subject_id,
                subject_name: d.subject_name,
                person,
                tags: s.tags,
                fields: d
                    .fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.display()))
                    .collect(),
                field_defs: field_defs.into_iter().map(TypeField::from).collect(),
                created: s.created,
                updated: s.updated,
                trashed: s.trashed,
                concurrent_versions: s.concurrent_versions,
                legal_hold: d.legal_hold,
                retain_until: d.retain_until,
                // A picture the webview cannot show itself (a TIFF scan) is drawn as its
                // one page.
                pages,
                page_images,
                protected: info.as_ref().is_some_and(|i| i.protected),
                unreadable: match extract {
                    Some((JobState::Failed, reason)) => {
                        Some(reason.unwrap_or_else(|| "it could not be read".into()))
                    }
                    _ => None,
                },
                versions: versions.into_iter().map(Version::from).collect(),
                audit: audit.into_iter().map(AuditEvent::from).collect(),
            })
        })
        .await
}

/// One page of a version's extracted text.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PageText {
    pub page: u32,
    /// Read by OCR rather than from the file's own text.
    pub ocr: bool,
    pub text: String,
}

/// A place on a page where a searched word is, as fractions of the page as drawn.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Mark {
    pub left: f32,
    pub top: f32,
    pub width: f32,
    pub height: f32,
}

/// Where the words of `query` (a search as typed) are on page `page` of a version (the
/// current one when `version` is `None`): what the page shown for a search hit marks.
#[tauri::command]
#[specta::specta]
pub async fn page_marks(
    state: State<'_, AppState>,
    id: String,
    version: Option<u32>,
    page: u32,
    query: String,
) -> AppResult<Vec<Mark>> {
    let session = state.session()?;
    let doc = doc_id(&id)?;
    let tools = state.tools();
    session
        .read(move |lib| {
            Ok(lib
                .find_on_page(doc, version, page, &query, &tools)?
                .into_iter()
                .map(|[left, top, width, height]| Mark {
                    left,
                    top,
                    width,
                    height,
                })
                .collect())
        })
        .await
}

/// The document view opened `id` at `version` (the current one when `None`): recorded in
/// the access log (a sitting's first view) before anything of it is shown.
#[tauri::command]
#[specta::specta]
pub async fn document_opened(
    state: State<'_, AppState>,
    id: String,
    version: Option<u32>,
) -> AppResult<()> {
    let doc = doc_id(&id)?;
    state
        .session()?
        .note_view(doc, version, Viewing::Preview)
        .await
}

/// The document view closed `id`: its sitting ends, and opening it again is a new view.
#[tauri::command]
#[specta::specta]
pub async fn document_closed(state: State<'_, AppState>, id: String) -> AppResult<()> {
    let doc = doc_id(&id)?;
    state.session()?.end_sitting(doc).await
}

/// The extracted text of a version (the current one when `version` is `None`); empty
/// while processing has not read it yet. Recorded in the access log.
#[tauri::command]
#[specta::specta]
pub async fn document_text(
    state: State<'_, AppState>,
    id: String,
    version: Option<u32>,
) -> AppResult<Vec<PageText>> {
    let session = state.session()?;
    let doc = doc_id(&id)?;
    session.note_view(doc, version, Viewing::Text).await?;
    session
        .read(move |lib| {
            let v = lib.version(doc, version)?;
            Ok(lib
                .catalog()
                .texts(v.id)?
                .into_iter()
                .map(|p| PageText {
                    page: p.page,
                    ocr: p.source == dossier_core::TextSource::Ocr,
                    text: p.text,
                })
                .collect())
        })
        .await
}

/// Two versions compared: text changes with their pages, and changed properties (both
/// versions' views recorded in the access log).
#[tauri::command]
#[specta::specta]
pub async fn compare_versions(
    state: State<'_, AppState>,
    id: String,
    older: u32,
    newer: u32,
) -> AppResult<Comparison> {
    let session = state.session()?;
    let doc = doc_id(&id)?;
    let comparison = session
        .read(move |lib| {
            let diff = lib.compare(doc, older, newer, &dossier_core::CompareOptions::default())?;
            Ok(Comparison::from(diff))
        })
        .await?;
    // Both versions' text is about to be shown.
    for number in [older, newer] {
        session.note_view(doc, Some(number), Viewing::Text).await?;
    }
    Ok(comparison)
}

/// What Dossier would file a document as, learned from the library's filing and its
/// people (core's policy: only what the document does not have yet).
#[tauri::command]
#[specta::specta]
pub async fn suggest_filing(
    state: State<'_, AppState>,
    id: String,
) -> AppResult<FilingSuggestions> {
    let doc = doc_id(&id)?;
    let open = state.open()?;
    let s = open.suggestions.suggest(&open.session, doc).await?;
    let person = match s.person {
        Some(p) => {
            let subject = p.subject;
            let r = open
                .session
                .read(move |lib| Ok(lib.catalog().subject(subject)?))
                .await?;
            let (by_number, clue) = match p.clue {
                PersonClue::Number(n) => (true, n),
                PersonClue::Name(n) => (false, n),
            };
            Some(SuggestedPerson {
                person: PersonLink {
                    id: r.id.to_string(),
                    number: r.number,
                    name: r.name,
                },
                by_number,
                clue,
            })
        }
        None => None,
    };
    Ok(FilingSuggestions {
        doc_type: s.doc_type.map(Suggested::from),
        tags: s.tags.into_iter().map(Suggested::from).collect(),
        person,
    })
}
