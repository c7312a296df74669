//! Disclosures of a student's records (issue 22): the exceptions a disclosure may rest
//! on, a student's disclosures, a disclosure written out for the party or recorded by
//! hand, and the records officer's reports written into a folder as CSV or PDF.

use std::path::PathBuf;

use dossier_core::{
    AccessFilter, Basis, DisclosureEntry, DisclosureException, DisclosureExportOptions,
    NewDisclosure, ReportForm,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, State};

use super::{change, doc_id};
use crate::error::AppResult;
use crate::state::AppState;

/// An exception of 34 CFR 99.31 with its words.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ExceptionChoice {
    pub exception: DisclosureException,
    pub label: String,
}

/// A disclosure as its form gives it.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct DisclosureForm {
    /// The student's id.
    pub student: String,
    pub party: String,
    pub interest: String,
    pub basis: Basis,
    /// The documents disclosed (their current versions).
    pub documents: Vec<String>,
    /// Parties it may be disclosed to again.
    pub redisclosure: Vec<String>,
    pub note: Option<String>,
}

/// How the disclosure is made.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum DisclosureWay {
    /// Written as a ZIP into `folder`, encrypted with a new password when asked, other
    /// people's names and numbers blacked out in the copies when asked.
    Export {
        folder: String,
        encrypt: bool,
        redact: bool,
    },
    /// Made another way (on paper, by phone): recorded only.
    Recorded,
}

/// A disclosure made: the file written and its password (shown once, kept nowhere).
#[derive(Debug, Clone, Serialize, Type)]
pub struct DisclosureMade {
    pub id: String,
    pub file: Option<String>,
    pub password: Option<String>,
}

/// The reports a records officer writes.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "report", rename_all = "snake_case")]
pub enum ReportChoice {
    /// A student's disclosures.
    Disclosures { student: String },
    /// Every view, print and export.
    Access,
    /// Each document under a retention rule.
    Retention,
    /// Every destruction made.
    Destruction,
    /// One destruction's certificate.
    Certificate { batch: String },
}

/// The exceptions of 99.31, in its order.
#[tauri::command]
#[specta::specta]
pub fn disclosure_exceptions() -> Vec<ExceptionChoice> {
    DisclosureException::ALL
        .into_iter()
        .map(|exception| ExceptionChoice {
            exception,
            label: exception.describe().to_owned(),
        })
        .collect()
}

/// A student's disclosures, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn disclosures(
    state: State<'_, AppState>,
    student: String,
) -> AppResult<Vec<DisclosureEntry>> {
    state
        .session()?
        .read(move |lib| {
            let subject = lib.catalog().resolve_subject(&student)?;
            Ok(lib.disclosures(subject)?)
        })
        .await
}

/// Disclose a student's records: written out for the party, or recorded.
#[tauri::command]
#[specta::specta]
pub async fn disclose(
    app: AppHandle,
    state: State<'_, AppState>,
    form: DisclosureForm,
    way: DisclosureWay,
) -> AppResult<DisclosureMade> {
    let documents = form
        .documents
        .iter()
        .map(|d| Ok((doc_id(d)?, None)))
        .collect::<AppResult<Vec<_>>>()?;
    let tools = state.tools();
    change(&app, &state, move |lib| {
        let new = NewDisclosure {
            subject: lib.catalog().resolve_subject(&form.student)?,
            party: form.party,
            interest: form.interest,
            basis: form.basis,
            date: chrono::Local::now().date_naive(),
            documents,
            redisclosure: form.redisclosure,
            note: form.note,
        };
        match way {
            DisclosureWay::Export {
                folder,
                encrypt,
                redact,
            } => {
                let password = encrypt.then(dossier_core::new_archive_password);
                let report = lib.export_for_disclosure_into(
                    new,
                    &PathBuf::from(folder),
                    &DisclosureExportOptions {
                        password: password.clone(),
                        redact_others: redact.then_some(tools),
                    },
                )?;
                Ok(DisclosureMade {
                    id: report.id.to_string(),
                    file: Some(report.zip.display().to_string()),
                    password: password.map(|p| p.as_str().to_owned()),
                })
            }
            DisclosureWay::Recorded => Ok(DisclosureMade {
                id: lib.record_disclosure(new)?.to_string(),
                file: None,
                password: None,
            }),
        }
    })
    .await
}

/// Write a report into `folder` as `form`; returns the file written.
#[tauri::command]
#[specta::specta]
pub async fn write_report(
    state: State<'_, AppState>,
    report: ReportChoice,
    folder: String,
    form: ReportForm,
) -> AppResult<String> {
    state
        .session()?
        .read(move |lib| {
            let today = chrono::Local::now().date_naive();
            let report = match report {
                ReportChoice::Disclosures { student } => {
                    lib.disclosure_report(lib.catalog().resolve_subject(&student)?)?
                }
                ReportChoice::Access => lib.access_report(&AccessFilter::default())?,
                ReportChoice::Retention => lib.retention_report(today)?,
                ReportChoice::Destruction => lib.destruction_report()?,
                ReportChoice::Certificate { batch } => {
                    let batch = super::parse_id(&batch, "destruction")?;
                    lib.certificate_report(&lib.destruction_certificate(batch)?)?
                }
            };
            Ok(report
                .write_into(&PathBuf::from(folder), form)?
                .display()
                .to_string())
        })
        .await
}
