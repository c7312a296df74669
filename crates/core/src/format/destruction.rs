//! A destruction of records (issue 22) as operations carry it and its certificate
//! prints it: the batch a records officer approved, each record named only by a hash of
//! its id with its series, type and dates, the method, and, recorded later, the check
//! that no object on the remote still holds what was destroyed. Each part is the exact
//! JSON its author signed ([`Signed`]), so a certificate can be checked by anyone who
//! has the signer's public key, and never serialised again to be checked.
//!
//! No title, name, student number or text is in any of it: a certificate outlives the
//! records and may be shown to anyone.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::format::identity::PublicIdentity;
use crate::ids::{DestructionId, DocId, LibraryId};

/// The version of a certificate file (`destruction-certificate.json`).
pub const CERTIFICATE_FORMAT: u32 = 1;
/// The most records one approved batch destroys.
pub const MAX_DESTRUCTION_RECORDS: usize = 10_000;

/// An approved destruction, as its approver signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Destruction {
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub library: LibraryId,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub batch: DestructionId,
    /// When it was approved (RFC 3339, UTC).
    pub approved_at: String,
    /// Who approved it, in words (the person signed in, or the OS user in a library
    /// without people).
    pub approver: String,
    pub method: Method,
    /// What was destroyed, record by record.
    pub records: Vec<DestroyedRecord>,
    /// Records the batch asked for that a hold kept (a legal hold or an open inspection
    /// request wins): counted, not named.
    pub held: u32,
}

/// One record destroyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DestroyedRecord {
    /// [`hashed_id`] of the document: whoever holds the id (an old export's manifest)
    /// can find it here; no one learns it from here.
    pub id: String,
    pub series: String,
    pub doc_type: String,
    /// The series' rule in words ("kept 5 years after the person left").
    pub rule: String,
    /// The day it became due (`YYYY-MM-DD`).
    pub due: String,
    /// The day it was added (`YYYY-MM-DD`).
    pub created: String,
    /// How many versions it had.
    pub versions: u32,
}

/// How the records were destroyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Method {
    /// Every row, version, text, thumbnail and index entry deleted on every desktop,
    /// and every pack holding content no surviving record uses rewritten without it and
    /// deleted, here and on the remote.
    Purge,
}

impl Method {
    /// The method in words, as the certificate prints it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Purge => {
                "Purge: catalog rows, every version, extracted text, thumbnails and search \
                 index entries deleted on every desktop; every storage pack holding content \
                 that no surviving record uses rewritten without it and deleted from each \
                 desktop and from the remote"
            }
        }
    }
}

/// The check, after a sync, that no pack on the remote holds content of a destruction's
/// records (nor of any destroyed before it: the counts are the library's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RemoteCheck {
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub batch: DestructionId,
    /// When the remote was listed (RFC 3339, UTC).
    pub checked_at: String,
    /// Who checked, in words.
    pub checked_by: String,
    /// Packs listed on the remote.
    pub packs_listed: u64,
    /// Packs that held content of destroyed records (this destruction's and earlier
    /// ones') and are not on the remote: deleted, or never sent.
    pub packs_removed: u64,
    /// Listed packs that still hold such content (a check is recorded only at 0).
    pub packs_holding: u64,
}

/// A body (the JSON of a [`Destruction`] or a [`RemoteCheck`]) exactly as signed, with
/// the signer's public identity and signature. In a library without people there is no
/// one to sign: both are absent, the certificate says so, and `tag` (BLAKE3 keyed with
/// the library's key-object key, [`TAG_CONTEXT`] first) lets whoever holds the library's
/// key check it was not changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<PublicIdentity>,
    /// Ed25519, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// An unsigned part's keyed hash, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// What an unsigned part's tag is over: this, then the body.
pub const TAG_CONTEXT: &[u8] = b"dossier 2026-12 unsigned destruction certificate part\0";

/// A destruction certificate as written to a file: the approved destruction and the
/// remote checks made since, each as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub format: u32,
    pub destruction: Signed,
    #[serde(default)]
    pub remote_checks: Vec<Signed>,
}

/// The hash a certificate names a document by: BLAKE3 of the document's id under a
/// context of its own (ids are random, so it tells nothing of the record).
pub fn hashed_id(doc: DocId) -> String {
    let mut h = blake3::Hasher::new_derive_key("dossier 2026-12 destroyed document");
    h.update(doc.0.as_bytes());
    h.finalize().to_hex().to_string()
}

impl Destruction {
    /// Within bounds: a batch of 1 to [`MAX_DESTRUCTION_RECORDS`] records.
    pub fn check(&self) -> Result<()> {
        if self.records.is_empty() || self.records.len() > MAX_DESTRUCTION_RECORDS {
            return Err(Error::NotUnderstood {
                input: format!("{} records", self.records.len()),
                expected: "1 to 10,000 records in one destruction",
            });
        }
        Ok(())
    }
}

impl Certificate {
    /// Parse a certificate file's JSON.
    pub fn parse(json: &[u8]) -> Result<Self> {
        let c: Self = serde_json::from_slice(json).map_err(|_| Error::NotUnderstood {
            input: "the file".into(),
            expected: "a destruction certificate (JSON)",
        })?;
        if c.format != CERTIFICATE_FORMAT {
            return Err(Error::NotUnderstood {
                input: format!("format {}", c.format),
                expected: "a destruction certificate of format 1",
            });
        }
        Ok(c)
    }

    /// The destruction it certifies (its signed body).
    pub fn destruction(&self) -> Result<Destruction> {
        serde_json::from_str(&self.destruction.body).map_err(|_| Error::NotUnderstood {
            input: "the certificate's destruction".into(),
            expected: "a destruction as Dossier signs it",
        })
    }

    /// The remote checks it carries (their signed bodies).
    pub fn remote_checks(&self) -> Result<Vec<RemoteCheck>> {
        self.remote_checks
            .iter()
            .map(|s| {
                serde_json::from_str(&s.body).map_err(|_| Error::NotUnderstood {
                    input: "the certificate's remote check".into(),
                    expected: "a remote check as Dossier signs it",
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate as this build writes it; every later build must read it.
    const FIXTURE: &str = r#"{"format":1,"destruction":{"body":"{\"library\":\"5d2b9f0e6c1a4b7d8e9f0a1b2c3d4e5f\",\"batch\":\"8a7b6c5d4e3f4a1b9c8d7e6f5a4b3c2d\",\"approved_at\":\"2026-12-07T10:00:00Z\",\"approver\":\"Rosa Records\",\"method\":\"purge\",\"records\":[{\"id\":\"4c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d\",\"series\":\"Admissions\",\"doc_type\":\"Application\",\"rule\":\"kept 5 years after the person left\",\"due\":\"2026-07-01\",\"created\":\"2019-03-04\",\"versions\":2}],\"held\":1}","tag":"9f2c"},"remote_checks":[{"body":"{\"batch\":\"8a7b6c5d4e3f4a1b9c8d7e6f5a4b3c2d\",\"checked_at\":\"2026-12-07T10:01:00Z\",\"checked_by\":\"Rosa Records\",\"packs_listed\":12,\"packs_removed\":3,\"packs_holding\":0}","tag":"77ab"}]}"#;

    #[test]
    fn yesterdays_certificates_read() {
        let c = Certificate::parse(FIXTURE.as_bytes()).unwrap();
        let d = c.destruction().unwrap();
        assert_eq!(d.method, Method::Purge);
        assert_eq!(d.records[0].versions, 2);
        assert_eq!(d.held, 1);
        d.check().unwrap();
        assert_eq!(c.remote_checks().unwrap()[0].packs_holding, 0);
        assert_eq!(serde_json::to_string(&c).unwrap(), FIXTURE);
    }

    #[test]
    fn a_hashed_id_is_stable_and_tells_nothing() {
        let doc: DocId = "0190f3a2000070008000000000000001".parse().unwrap();
        let h = hashed_id(doc);
        assert_eq!(h, hashed_id(doc));
        assert_eq!(h.len(), 64);
        assert!(!h.contains("0190f3a2"));
        assert!(Certificate::parse(b"{\"format\":2}").is_err());
        assert!(Certificate::parse(b"not json").is_err());
    }
}
