//! Records management in the catalog (issue 22): record series (a projection of
//! `SeriesSet` operations), what the disposition of a series' documents is computed from,
//! requests about students' records (a projection of `RequestSet` operations) and
//! disclosures of them (of `DisclosureRecorded` ones), and destructions (`DestructionRecorded`,
//! `RemoteChecked`).

use rusqlite::OptionalExtension;

use super::Catalog;
use super::query::INSPECTION_DUE;
use crate::error::Result;
use crate::format::destruction::Signed;
use crate::format::disclosure::Disclosure;
use crate::format::request::RecordRequest;
use crate::format::series::RecordSeries;
use crate::ids::{DestructionId, DisclosureId, DocId, RequestId, SubjectId};

/// What a document's disposition date is computed from, as the catalog holds it.
#[derive(Debug, Clone)]
pub struct RetentionFacts {
    pub doc: DocId,
    pub title: String,
    pub doc_type: String,
    pub created_ms: i64,
    pub trashed: bool,
    pub legal_hold: bool,
    /// The document's own retention period's end (milliseconds since the epoch).
    pub retained_until_ms: Option<i64>,
    /// The due day of an open inspection request about its student (the earliest).
    pub inspection_due: Option<String>,
    /// The person it is about: id, name, number, enrolment and leaving dates as typed.
    pub subject: Option<SubjectDates>,
}

/// The person a document is about, with the dates a retention rule may run from.
#[derive(Debug, Clone)]
pub struct SubjectDates {
    pub id: SubjectId,
    pub name: String,
    pub number: String,
    pub enrolled: Option<String>,
    pub left: Option<String>,
}

const FACTS: &str = "SELECT d.id, d.title, d.doc_type, d.created_ms, d.trashed, d.legal_hold,
        d.retention_until_ms, s.id, s.name, s.number, s.enrolled, s.left_on,";

const FROM: &str = "FROM documents d LEFT JOIN subjects s ON s.id = d.subject";

impl Catalog {
    /// Every document type in a series, by type, with its series.
    pub fn record_series(&self) -> Result<Vec<(String, RecordSeries)>> {
        let mut stmt = self.conn.prepare(
            "SELECT doc_type, body FROM record_series WHERE body IS NOT NULL
             ORDER BY doc_type COLLATE NOCASE",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .map(|row| {
                let (t, body) = row?;
                Ok((t, serde_json::from_str(&body)?))
            })
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// The series documents of `doc_type` are in, if any.
    pub fn series_of(&self, doc_type: &str) -> Result<Option<RecordSeries>> {
        let body: Option<Option<String>> = self
            .conn
            .prepare_cached("SELECT body FROM record_series WHERE doc_type = ?1")?
            .query_row([doc_type.trim()], |r| r.get(0))
            .optional()?;
        Ok(body
            .flatten()
            .map(|b| serde_json::from_str(&b))
            .transpose()?)
    }

    /// What the disposition of each document of `doc_type` is computed from.
    pub fn retention_facts(&self, doc_type: &str) -> Result<Vec<RetentionFacts>> {
        let sql = format!(
            "{FACTS} {INSPECTION_DUE} {FROM} WHERE d.doc_type = ?1 COLLATE NOCASE
             ORDER BY d.created_ms"
        );
        self.facts(&sql, doc_type)
    }

    /// What one document's disposition is computed from.
    pub fn retention_facts_of(&self, doc: DocId) -> Result<Option<RetentionFacts>> {
        let sql = format!("{FACTS} {INSPECTION_DUE} {FROM} WHERE d.id = ?1");
        Ok(self.facts(&sql, &doc.to_string())?.pop())
    }

    fn facts(&self, sql: &str, arg: &str) -> Result<Vec<RetentionFacts>> {
        type Raw = (String, String, Option<String>, i64, i64, i64, Option<i64>);
        type Person = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map([arg], |r| {
                let raw: Raw = (
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                );
                let person: Person = (r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?);
                Ok((raw, person, r.get::<_, Option<String>>(12)?))
            })?
            .map(|row| {
                let ((id, title, doc_type, created_ms, trashed, hold, until), person, inspection) =
                    row?;
                let (subject, name, number, enrolled, left) = person;
                Ok(RetentionFacts {
                    doc: id.parse()?,
                    title,
                    doc_type: doc_type.unwrap_or_default(),
                    created_ms,
                    trashed: trashed != 0,
                    legal_hold: hold != 0,
                    retained_until_ms: until,
                    inspection_due: inspection,
                    subject: subject
                        .map(|s| -> Result<SubjectDates> {
                            Ok(SubjectDates {
                                id: s.parse()?,
                                name: name.unwrap_or_default(),
                                number: number.unwrap_or_default(),
                                enrolled,
                                left,
                            })
                        })
                        .transpose()?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(rows)
    }
}

impl Catalog {
    /// Requests about students' records, by due date (only open ones unless `all`).
    pub fn requests(&self, all: bool) -> Result<Vec<(RequestId, RecordRequest)>> {
        self.id_bodies(
            "SELECT id, body FROM requests WHERE ?1 OR state = 'open' ORDER BY due, id",
            [all],
        )
    }

    /// The disclosures of `student`'s records (and of the records merged into theirs),
    /// by date.
    pub fn disclosures(&self, student: SubjectId) -> Result<Vec<(DisclosureId, Disclosure)>> {
        self.id_bodies(
            "SELECT id, body FROM disclosures
             WHERE subject = ?1
                OR subject IN (SELECT subject FROM subject_canonical WHERE canonical = ?1)
             ORDER BY date, stamp",
            [student.to_string()],
        )
    }

    /// Every destruction recorded, oldest first, as its approver signed it.
    pub fn destructions(&self) -> Result<Vec<(DestructionId, Signed)>> {
        self.id_bodies("SELECT id, body FROM destructions ORDER BY stamp", [])
    }

    /// The highest operation number so far: what changed since a reading is told by it.
    pub fn last_op(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(seq), 0) FROM ops", [], |r| r.get(0))?)
    }

    /// The stamp (as its key) of the newest destruction recorded, if any.
    pub fn newest_destruction(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT MAX(stamp) FROM destructions", [], |r| r.get(0))?)
    }

    /// The checks of the remote recorded after destruction `batch`, oldest first.
    pub fn remote_checks(&self, batch: DestructionId) -> Result<Vec<Signed>> {
        let rows: Vec<(DestructionId, Signed)> = self.id_bodies(
            "SELECT batch, body FROM remote_checks WHERE batch = ?1 ORDER BY stamp",
            [batch.to_string()],
        )?;
        Ok(rows.into_iter().map(|(_, s)| s).collect())
    }

    /// Rows of an id and a JSON body, as `sql` selects them.
    fn id_bodies<I, T>(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<(I, T)>>
    where
        I: std::str::FromStr<Err = crate::ids::BadId>,
        T: serde::de::DeserializeOwned,
    {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map(params, |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .map(|row| {
                let (id, body) = row?;
                Ok((id.parse()?, serde_json::from_str(&body)?))
            })
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// One request as it stands.
    pub fn request(&self, id: RequestId) -> Result<Option<RecordRequest>> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM requests WHERE id = ?1")?
            .query_row([id.to_string()], |r| r.get(0))
            .optional()?;
        Ok(body.map(|b| serde_json::from_str(&b)).transpose()?)
    }
}
