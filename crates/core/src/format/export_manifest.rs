//! `manifest.json` in a folder written by `dossier export --all` (or the app's export): a
//! JSON array with one entry per exported file, saying which document and version it is
//! and what the library knew of that document. It is written for people and other
//! programs (a records system taking the export in), so its fields change only by
//! addition; it is its own type here rather than the catalog's query types, so that a
//! change to what `show` prints does not change it unnoticed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::op::FieldValue;
use crate::ids::{DocId, VersionId};

/// One exported file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedFile {
    /// File name inside the export folder.
    pub file: String,
    /// 1-based position of the version in the document's history.
    pub version: u32,
    pub version_id: String,
    pub original_file_name: String,
    pub mime: String,
    pub size: u64,
    pub document: ExportedDocument,
}

/// The document an exported file is the current version of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedDocument {
    pub id: DocId,
    pub title: String,
    /// Size of the current version in bytes.
    pub size: u64,
    pub mime: String,
    pub file_name: String,
    pub versions: u32,
    /// RFC 3339 times.
    pub created: String,
    pub updated: String,
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    pub subject_id: Option<String>,
    pub tags: Vec<String>,
    pub trashed: bool,
    pub concurrent_versions: bool,
    pub subject_name: Option<String>,
    pub collection: Option<String>,
    pub fields: BTreeMap<String, FieldValue>,
    pub current_version: Option<VersionId>,
    pub legal_hold: bool,
    /// `YYYY-MM-DD`.
    pub retain_until: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The manifest as builds since November 2026 write it.
    const FIXTURE: &str = r#"[{"file":"transcript.pdf","version":2,"version_id":"0190f3a2000070008000000000000002","original_file_name":"transcript.pdf","mime":"application/pdf","size":1234,"document":{"id":"0190f3a2000070008000000000000001","title":"Transcript of Ada","size":1234,"mime":"application/pdf","file_name":"transcript.pdf","versions":2,"created":"2026-11-01T09:00:00Z","updated":"2026-11-02T09:00:00Z","type":"transcript","subject_id":"S-1024","tags":["grade9"],"trashed":false,"concurrent_versions":false,"subject_name":"Ada Lovelace","collection":null,"fields":{"gpa":{"number":3.9}},"current_version":"0190f3a2000070008000000000000002","legal_hold":true,"retain_until":"2031-06-30"}}]"#;

    #[test]
    fn yesterdays_manifest_reads_and_writes_back_the_same() {
        let files: Vec<ExportedFile> = serde_json::from_str(FIXTURE).unwrap();
        assert_eq!(files[0].document.fields["gpa"], FieldValue::Number(3.9));
        assert_eq!(serde_json::to_string(&files).unwrap(), FIXTURE);
    }
}
