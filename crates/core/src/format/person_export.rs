//! `manifest.json` inside the ZIP of one person's whole record (`dossier subject export`,
//! the app's "Export record…"), what an inspection request needs: whose record it is, what
//! their programme requires and whether it is on file, every version of every document
//! with its hash, and the history of the record and its documents. Written for people and
//! other programs, so fields change only by addition.

use serde::{Deserialize, Serialize};

use super::export_manifest::ExportedDocument;
use crate::ids::{DocId, SubjectId};

/// The version of this manifest's layout.
pub const PERSON_EXPORT_FORMAT: u32 = 1;

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonExport {
    pub format: u32,
    /// RFC 3339.
    pub exported_at: String,
    pub exported_by: String,
    pub person: ExportedPerson,
    /// The programme whose list of required documents applies, if any.
    pub requirements_of: Option<String>,
    pub checklist: Vec<ExportedRequirement>,
    /// Every version of every document, current ones first within each document.
    pub files: Vec<PersonFile>,
    /// The record's and its documents' audit trail, oldest first.
    pub history: Vec<ExportedEvent>,
}

/// The person's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedPerson {
    pub id: SubjectId,
    pub kind: String,
    pub number: String,
    pub name: String,
    pub other_names: Vec<String>,
    /// `YYYY-MM-DD` dates.
    pub birth_date: Option<String>,
    pub programme: Option<String>,
    pub enrolled: Option<String>,
    pub left: Option<String>,
    pub status: Option<String>,
}

/// One required document type and whether a document of it is on file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedRequirement {
    #[serde(rename = "type")]
    pub doc_type: String,
    pub on_file: bool,
}

/// One file in the ZIP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonFile {
    /// Path inside the ZIP (`/`-separated).
    pub path: String,
    /// 1-based position of the version in the document's history.
    pub version: u32,
    pub version_id: String,
    pub current: bool,
    pub original_file_name: String,
    pub mime: String,
    pub size: u64,
    /// BLAKE3 of the file's bytes, hex: anyone can check it with `b3sum`.
    pub blake3: String,
    /// RFC 3339: when this version was added.
    pub added: String,
    pub document: ExportedDocument,
}

/// One event of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedEvent {
    pub time: String,
    pub user: String,
    pub device: String,
    pub action: String,
    pub document: Option<DocId>,
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The manifest as builds since December 2026 write it.
    const FIXTURE: &str = r#"{"format":1,"exported_at":"2026-12-04T10:00:00Z","exported_by":"registrar","person":{"id":"7f3c2a10b4d94e8a9c1b2d3e4f5a6b7c","kind":"student","number":"2024-0173","name":"Ada Okafor","other_names":["Ada O."],"birth_date":"2008-03-14","programme":"Science","enrolled":"2024-09-01","left":null,"status":"active"},"requirements_of":"*","checklist":[{"type":"Transcript","on_file":true},{"type":"ID photo","on_file":false}],"files":[{"path":"Transcript/transcript.pdf","version":1,"version_id":"0190f3a2000070008000000000000002","current":true,"original_file_name":"transcript.pdf","mime":"application/pdf","size":1234,"blake3":"af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262","added":"2026-11-01T09:00:00Z","document":{"id":"0190f3a2000070008000000000000001","title":"Transcript of Ada","size":1234,"mime":"application/pdf","file_name":"transcript.pdf","versions":1,"created":"2026-11-01T09:00:00Z","updated":"2026-11-02T09:00:00Z","type":"Transcript","subject_id":"2024-0173","tags":[],"trashed":false,"concurrent_versions":false,"subject_name":null,"collection":null,"fields":{},"current_version":"0190f3a2000070008000000000000002","legal_hold":false,"retain_until":null}}],"history":[{"time":"2026-11-01T09:00:00Z","user":"registrar","device":"office-1","action":"imported","document":"0190f3a2000070008000000000000001","detail":null}]}"#;

    #[test]
    fn yesterdays_manifest_reads_and_writes_back_the_same() {
        let m: PersonExport = serde_json::from_str(FIXTURE).unwrap();
        assert_eq!(m.person.number, "2024-0173");
        assert!(!m.checklist[1].on_file);
        assert_eq!(serde_json::to_string(&m).unwrap(), FIXTURE);
    }
}
