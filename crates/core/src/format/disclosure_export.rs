//! `disclosure.json`, the manifest inside a disclosure's archive: who the records went to
//! and on what basis, the notice that they may not be disclosed again without consent
//! (34 CFR 99.33), every file with its hash, and the student's statements on amendments
//! refused (99.21(c)), which go wherever the records go.

use serde::{Deserialize, Serialize};

/// The version of `disclosure.json` this build writes.
pub const DISCLOSURE_EXPORT_FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosurePackage {
    pub format: u32,
    /// The disclosure's id in the library's records.
    pub disclosure: String,
    /// RFC 3339.
    pub written_at: String,
    pub written_by: String,
    pub student: DisclosedStudent,
    pub party: String,
    pub interest: String,
    /// The legal basis, in words.
    pub basis: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub redisclosure: Vec<String>,
    /// What the party may and may not do with the records.
    pub notice: String,
    pub files: Vec<DisclosedFile>,
    #[serde(default)]
    pub statements: Vec<AmendmentStatement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosedStudent {
    pub number: String,
    pub name: String,
}

/// One file in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosedFile {
    /// Its name in the archive.
    pub path: String,
    pub title: String,
    #[serde(default)]
    pub doc_type: Option<String>,
    pub version: u32,
    pub original_file_name: String,
    pub mime: String,
    pub size: u64,
    /// BLAKE3 of the file, hex.
    pub blake3: String,
    /// Places where other people's names or numbers were blacked out in this copy
    /// (`None`: the record as it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted: Option<u32>,
}

/// An amendment refused, with the student's statement (99.21(c)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentStatement {
    /// What the student asked to change.
    pub asked: Option<String>,
    /// `YYYY-MM-DD`.
    pub decided: String,
    pub reason: String,
    pub statement: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r#"{"format":1,"disclosure":"0190f3a2-0000-7000-8000-000000000009","written_at":"2026-12-07T10:00:00Z","written_by":"registrar","student":{"number":"2024-0173","name":"Ada Okafor"},"party":"Northside High School","interest":"the student enrols there","basis":"school where the student seeks to enrol (99.31(a)(2))","date":"2026-12-07","redisclosure":[],"notice":"Do not disclose.","files":[{"path":"document-01.pdf","title":"Transcript","doc_type":"Transcript","version":2,"original_file_name":"transcript.pdf","mime":"application/pdf","size":1234,"blake3":"af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"}],"statements":[{"asked":"the grade in history","decided":"2026-11-02","reason":"the grade was recorded as given","statement":"I disagree."}]}"#;

    #[test]
    fn yesterdays_disclosure_manifests_read() {
        let p: DisclosurePackage = serde_json::from_str(FIXTURE).unwrap();
        assert_eq!(p.format, DISCLOSURE_EXPORT_FORMAT);
        assert_eq!(p.files[0].version, 2);
        assert_eq!(p.statements[0].statement, "I disagree.");
        assert_eq!(serde_json::to_string(&p).unwrap(), FIXTURE);
    }
}
