//! Records management (issue 22): record series, the disposition queue and destruction
//! with its certificates, requests about students' records, and the access log.

use dossier_core::{
    AccessFilter, DestructionEntry, Disposition, NewRequest, RecordSeries, Relation, RequestEntry,
    RequestKind,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, State};

use super::{change, parse_id};
use crate::error::AppResult;
use crate::ipc::AuditEvent;
use crate::state::AppState;

/// A document type in a record series.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SeriesEntry {
    pub doc_type: String,
    pub series: RecordSeries,
    /// The rule in words.
    pub rule: String,
}

/// One access in the log: a sitting's view, a print or an export.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AccessRow {
    #[serde(flatten)]
    pub event: AuditEvent,
    pub doc: Option<String>,
    pub title: Option<String>,
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Every document type in a series.
#[tauri::command]
#[specta::specta]
pub async fn record_series(state: State<'_, AppState>) -> AppResult<Vec<SeriesEntry>> {
    state
        .session()?
        .read(|lib| {
            Ok(lib
                .record_series()?
                .into_iter()
                .map(|(doc_type, series)| SeriesEntry {
                    doc_type,
                    rule: dossier_core::describe_rule(series.rule),
                    series,
                })
                .collect())
        })
        .await
}

/// Put documents of `doc_type` in a series (`None`: in none).
#[tauri::command]
#[specta::specta]
pub async fn set_series(
    app: AppHandle,
    state: State<'_, AppState>,
    doc_type: String,
    series: Option<RecordSeries>,
) -> AppResult<()> {
    change(&app, &state, move |lib| lib.set_series(&doc_type, series)).await
}

/// Every document in a series with its disposition today, the due first.
#[tauri::command]
#[specta::specta]
pub async fn disposition_queue(state: State<'_, AppState>) -> AppResult<Vec<Disposition>> {
    state
        .session()?
        .read(|lib| Ok(lib.disposition_queue(today())?))
        .await
}

/// What destroying an approved batch did.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DestroyedBatch {
    pub batch: String,
    pub destroyed: u32,
    /// Each document a hold kept: its title and why.
    pub held: Vec<String>,
}

/// Destroy `ids` (each due under its series' rule), approved by the person signed in;
/// what a hold keeps is left. Every desktop and the remote follow at their next sync.
#[tauri::command]
#[specta::specta]
pub async fn destroy_records(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> AppResult<DestroyedBatch> {
    let ids = ids
        .iter()
        .map(|id| super::doc_id(id))
        .collect::<AppResult<Vec<_>>>()?;
    let report = change(&app, &state, move |lib| lib.destroy(&ids, today())).await?;
    Ok(DestroyedBatch {
        batch: report.batch.to_string(),
        destroyed: report.destroyed as u32,
        held: report
            .held
            .into_iter()
            .map(|h| format!("{}: {}", h.title, h.why))
            .collect(),
    })
}

/// Every destruction made, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn destructions(state: State<'_, AppState>) -> AppResult<Vec<DestructionEntry>> {
    state.session()?.read(|lib| Ok(lib.destructions()?)).await
}

/// A destruction's certificate as checked here: what it certifies, who signed it (the
/// signature verified), and the checks of the remote.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CertificateView {
    pub destruction: dossier_core::Destruction,
    /// Who signed it (`None`: a library without people has no one to sign).
    pub approver: Option<String>,
    /// Each check of the remote, in words.
    pub remote_checks: Vec<String>,
    /// Whether a check found nothing of the records left on the remote.
    pub remote_confirmed: bool,
    /// Whether the library is kept on a remote at all.
    pub has_remote: bool,
}

/// The certificate of destruction `batch`, its signatures checked.
#[tauri::command]
#[specta::specta]
pub async fn destruction_certificate(
    state: State<'_, AppState>,
    batch: String,
) -> AppResult<CertificateView> {
    let batch = parse_id(&batch, "destruction")?;
    state
        .session()?
        .read(move |lib| {
            let check = lib.check_certificate(&lib.destruction_certificate(batch)?)?;
            Ok(CertificateView {
                remote_checks: check
                    .remote_checks
                    .iter()
                    .map(|(c, _)| {
                        format!(
                            "{} by {}: {} pack(s) listed, {} removed, {} still holding it",
                            c.checked_at,
                            c.checked_by,
                            c.packs_listed,
                            c.packs_removed,
                            c.packs_holding
                        )
                    })
                    .collect(),
                destruction: check.destruction,
                approver: check.approver,
                remote_confirmed: check.remote_confirmed,
                has_remote: lib.remote()?.is_some(),
            })
        })
        .await
}

/// Write the certificate of `batch` as signed JSON into `folder`; returns the file.
#[tauri::command]
#[specta::specta]
pub async fn write_certificate(
    state: State<'_, AppState>,
    batch: String,
    folder: String,
) -> AppResult<String> {
    let batch = parse_id(&batch, "destruction")?;
    state
        .session()?
        .read(move |lib| {
            Ok(lib
                .write_certificate_into(batch, std::path::Path::new(&folder))?
                .display()
                .to_string())
        })
        .await
}

/// Requests about students' records by due date (open ones unless `all`).
#[tauri::command]
#[specta::specta]
pub async fn record_requests(
    state: State<'_, AppState>,
    all: bool,
) -> AppResult<Vec<RequestEntry>> {
    state
        .session()?
        .read(move |lib| Ok(lib.requests(all, today())?))
        .await
}

/// A request as the form gives it.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct RequestForm {
    /// The student: a number, a name or an id.
    pub student: String,
    pub kind: RequestKind,
    pub requester: String,
    pub relation: Relation,
    pub note: Option<String>,
    /// An amendment: what to change.
    pub asked: Option<String>,
}

/// Log a request about a student's records, received today; returns its id.
#[tauri::command]
#[specta::specta]
pub async fn log_request(
    app: AppHandle,
    state: State<'_, AppState>,
    request: RequestForm,
) -> AppResult<String> {
    let id = change(&app, &state, move |lib| {
        let subject = lib.catalog().resolve_subject(&request.student)?;
        lib.log_request(NewRequest {
            subject,
            kind: request.kind,
            requester: request.requester,
            relation: request.relation,
            received: today(),
            note: request.note.filter(|n| !n.trim().is_empty()),
            asked: request.asked,
        })
    })
    .await?;
    Ok(id.to_string())
}

/// The request was fulfilled today.
#[tauri::command]
#[specta::specta]
pub async fn fulfil_request(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<()> {
    let id = parse_id(&id, "request")?;
    change(&app, &state, move |lib| lib.fulfil_request(id, today())).await
}

/// Views, prints and exports: of one document, or all.
#[tauri::command]
#[specta::specta]
pub async fn access_log(
    state: State<'_, AppState>,
    doc: Option<String>,
) -> AppResult<Vec<AccessRow>> {
    let doc = doc.map(|d| super::doc_id(&d)).transpose()?;
    state
        .session()?
        .read(move |lib| {
            Ok(lib
                .access_log(&AccessFilter {
                    doc,
                    ..Default::default()
                })?
                .into_iter()
                .map(|e| AccessRow {
                    doc: e.event.doc.clone(),
                    title: e.title,
                    event: AuditEvent::from(e.event),
                })
                .collect())
        })
        .await
}
