//! The audit trail the app and the CLI show: the `audit` table (projected from the
//! journal's `OpKind::Audit` operations), this device's chain head, and the head each
//! segment it sends carries ([`AuditHead`]). `check` holds `dossier audit verify`.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::Catalog;
use super::query::rfc3339;
use crate::error::Result;
use crate::format::journal::AuditHead;
use crate::format::op::{Op, OpKind, Stamp};
use crate::ids::{DocId, MemberId, SubjectId, VersionId};

/// One audit event in `dossier audit`.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub time: String,
    pub device: String,
    pub user: String,
    /// The signed-in person who did it (absent in a library without people).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    pub action: String,
    pub doc: Option<String>,
    pub version: Option<String>,
    /// The person's record the event is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub detail: Option<String>,
    #[serde(skip)]
    pub stamp: String,
    #[serde(skip)]
    pub prev: Vec<u8>,
    #[serde(skip)]
    pub hash: Vec<u8>,
}

/// Which views, prints and exports to list (`dossier audit access`).
#[derive(Debug, Clone, Default)]
pub struct AccessFilter {
    pub doc: Option<DocId>,
    /// The person (a member) who looked.
    pub member: Option<MemberId>,
    /// The documents about this person's record (a student's).
    pub subject: Option<SubjectId>,
    /// From this time on (milliseconds since the Unix epoch).
    pub since_ms: Option<i64>,
    /// Before this time.
    pub until_ms: Option<i64>,
}

/// One access: a sitting's view, a print or an export, with the document's title.
#[derive(Debug, Clone, Serialize)]
pub struct AccessEntry {
    #[serde(flatten)]
    pub event: AuditEntry,
    pub title: Option<String>,
}

/// The columns [`entry`] reads, in its order.
const AUDIT_COLUMNS: [&str; 11] = [
    "stamp", "device", "user", "action", "doc", "version", "detail", "prev", "hash", "subject",
    "member",
];

/// [`AUDIT_COLUMNS`] for a `SELECT`, each named through `table`.
pub(super) fn columns(table: &str) -> String {
    AUDIT_COLUMNS
        .iter()
        .map(|c| format!("{table}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An audit table row as [`AUDIT_COLUMNS`] selects it, its time not yet read from its
/// stamp (left empty).
pub(super) fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        time: String::new(),
        device: r.get(1)?,
        user: r.get(2)?,
        member: r.get(10)?,
        action: r.get(3)?,
        doc: r.get(4)?,
        version: r.get(5)?,
        subject: r.get(9)?,
        detail: r.get(6)?,
        stamp: r.get(0)?,
        prev: r.get(7)?,
        hash: r.get(8)?,
    })
}

/// An audit table row as [`AUDIT_COLUMNS`] selects it, with its time.
fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<AuditEntry>> {
    let e = row(r)?;
    Ok(Stamp::parse(&e.stamp).map(|s| AuditEntry {
        time: rfc3339(s.wall_ms()),
        ..e
    }))
}

impl Catalog {
    /// Audit events, oldest first, optionally of one document.
    pub fn audit(&self, doc: Option<DocId>) -> Result<Vec<AuditEntry>> {
        self.audit_where("?1 IS NULL OR doc = ?1", doc.map(|d| d.to_string()))
    }

    /// The audit events about one person's record (not about their documents).
    pub fn subject_audit(&self, subject: SubjectId) -> Result<Vec<AuditEntry>> {
        self.audit_where("subject = ?1", Some(subject.to_string()))
    }

    fn audit_where(&self, condition: &str, arg: Option<String>) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {} FROM audit WHERE {condition} ORDER BY stamp",
            columns("audit")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([arg], entry)?
            .map(|row| row?)
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Views, prints and exports that `filter` selects, oldest first, each with the
    /// title of its document as this desktop holds it.
    pub fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>> {
        let sql = format!(
            "SELECT {}, d.title FROM audit a LEFT JOIN documents d ON d.id = a.doc
             WHERE a.action IN ('viewed', 'printed', 'exported')
               AND (?1 IS NULL OR a.doc = ?1) AND (?2 IS NULL OR a.member = ?2)
               AND (?3 IS NULL OR d.subject = ?3)
               AND (?4 IS NULL OR a.stamp >= ?4) AND (?5 IS NULL OR a.stamp < ?5)
             ORDER BY a.stamp",
            columns("a")
        );
        let key = |ms: Option<i64>| ms.map(|ms| format!("{:012x}", ms.max(0)));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(
                rusqlite::params![
                    filter.doc.map(|d| d.to_string()),
                    filter.member.map(|m| m.to_string()),
                    filter.subject.map(|s| s.to_string()),
                    key(filter.since_ms),
                    key(filter.until_ms),
                ],
                |r| {
                    let title: Option<String> = r.get(AUDIT_COLUMNS.len())?;
                    Ok(entry(r)?.map(|event| AccessEntry { event, title }))
                },
            )?
            .map(|row| row?)
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// When `viewer` last looked at `version` of `doc` in a sitting not ended.
    pub(crate) fn sitting(
        &self,
        doc: DocId,
        viewer: &str,
        version: VersionId,
    ) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT last_ms FROM sittings WHERE doc = ?1 AND viewer = ?2 AND version = ?3",
            )?
            .query_row(
                rusqlite::params![doc.to_string(), viewer, version.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keep `viewer`'s sitting on `version` of `doc` open as of `now_ms`.
    pub(crate) fn keep_sitting(
        &self,
        doc: DocId,
        viewer: &str,
        version: VersionId,
        now_ms: i64,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO sittings (doc, viewer, version, last_ms) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (doc, viewer, version) DO UPDATE SET last_ms = excluded.last_ms",
            )?
            .execute(rusqlite::params![
                doc.to_string(),
                viewer,
                version.to_string(),
                now_ms
            ])?;
        Ok(())
    }

    /// End `viewer`'s sittings on `doc` (every version).
    pub(crate) fn end_sitting(&self, doc: DocId, viewer: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM sittings WHERE doc = ?1 AND viewer = ?2")?
            .execute(rusqlite::params![doc.to_string(), viewer])?;
        Ok(())
    }

    /// Hash of this device's latest audit event (zeros when none), from the journal: the
    /// chain is of every event the device recorded, applied or held (`catalog::verdicts`),
    /// as `Library::verify` checks it.
    pub fn audit_head(&self) -> Result<Vec<u8>> {
        let last: Option<String> = self
            .conn
            .prepare_cached(AUDIT_HEAD)?
            .query_row([self.device.to_string()], |r| r.get(0))
            .optional()?;
        Ok(match last {
            Some(body) => match serde_json::from_str::<Op>(&body)? {
                Op {
                    stamp,
                    kind: OpKind::Audit { event },
                } => event.chain_hash(&stamp).to_vec(),
                _ => vec![0; 32],
            },
            None => vec![0; 32],
        })
    }

    /// Where this device's audit chain stands at the end of `ops`, the operations of the
    /// next segment it sends: from the head its previous segment carried (or, before
    /// segments carried one, from the events it sent), through the events among `ops`.
    pub fn audit_head_after(&self, ops: &[Op]) -> Result<AuditHead> {
        let last = self.last_segment(self.device)?;
        let carried = if last == 0 {
            None
        } else {
            self.segment_link(self.device, last)?
                .and_then(|link| link.audit)
        };
        let mut head = match carried {
            Some(head) => head,
            None => self.sent_audit_head()?,
        };
        for op in ops {
            head = head.after(op);
        }
        Ok(head)
    }

    /// This device's audit chain over the events it has sent, counted from the journal.
    fn sent_audit_head(&self) -> Result<AuditHead> {
        let mut stmt = self.conn.prepare(
            "SELECT body FROM ops WHERE kind = 'audit' AND segment IS NOT NULL
             AND stamp LIKE '%.' || ?1 ORDER BY stamp",
        )?;
        let mut head = AuditHead::START;
        for body in stmt.query_map([self.device.to_string()], |r| r.get::<_, String>(0))? {
            head = head.after(&serde_json::from_str::<Op>(&body?)?);
        }
        Ok(head)
    }
}

/// This device's newest audit event (`?1`: the device id), read at every commit: through
/// the `ops_audit` index from the newest event down (a test checks the plan).
const AUDIT_HEAD: &str = "SELECT body FROM ops WHERE kind = 'audit' AND stamp LIKE '%.' || ?1
     ORDER BY stamp DESC LIMIT 1";

#[cfg(test)]
mod tests {
    //! Reads made at every commit go through an index, never the whole journal.

    use super::*;
    use crate::ids::DeviceId;
    use crate::keys::MasterKey;

    #[test]
    fn the_audit_head_reads_its_index_not_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let c = Catalog::open(
            &dir.path().join("c.sqlite"),
            crate::ids::LibraryId::new(),
            DeviceId::new(),
            super::super::CatalogMode::Create,
            &MasterKey::generate().folder_key().catalog_key(),
        )
        .unwrap();
        assert_eq!(c.audit_head().unwrap(), vec![0; 32]);
        let plan = c.query_plan(AUDIT_HEAD, ["x"]);
        assert!(plan.iter().any(|p| p.contains("ops_audit")), "{plan:?}");
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
    }
}
