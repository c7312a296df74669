//! The audit trail the app and the CLI show: the `audit` table (projected from the
//! journal's `OpKind::Audit` operations), this device's chain head, and the head each
//! segment it sends carries ([`AuditHead`]). `check` holds `dossier audit verify`.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::Catalog;
use super::query::rfc3339;
use crate::error::Result;
use crate::format::journal::{AuditHash, AuditHead};
use crate::format::op::{Op, OpKind, Stamp};
use crate::ids::{DocId, SubjectId};

/// One audit event in `dossier audit`.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub time: String,
    pub device: String,
    pub user: String,
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
            "SELECT stamp, device, user, action, doc, version, detail, prev, hash, subject FROM audit
             WHERE {condition} ORDER BY stamp"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([arg], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    AuditEntry {
                        time: String::new(),
                        device: r.get(1)?,
                        user: r.get(2)?,
                        action: r.get(3)?,
                        doc: r.get(4)?,
                        version: r.get(5)?,
                        subject: r.get(9)?,
                        detail: r.get(6)?,
                        stamp: r.get(0)?,
                        prev: r.get(7)?,
                        hash: r.get(8)?,
                    },
                ))
            })?
            .map(|row| {
                let (stamp, mut e) = row?;
                e.time = rfc3339(Stamp::parse(&stamp)?.wall_ms());
                Ok(e)
            })
            .collect::<Result<_>>()?;
        Ok(rows)
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
            if let OpKind::Audit { event } = &op.kind {
                head = AuditHead {
                    events: head.events + 1,
                    hash: AuditHash(event.chain_hash(&op.stamp)),
                };
            }
        }
        Ok(head)
    }

    /// This device's audit chain over the events it has sent, counted from the journal.
    fn sent_audit_head(&self) -> Result<AuditHead> {
        let mut stmt = self.conn.prepare(
            "SELECT body FROM ops WHERE kind = 'audit' AND segment IS NOT NULL
             AND stamp LIKE '%.' || ?1 ORDER BY stamp",
        )?;
        let mut head = AuditHead {
            events: 0,
            hash: AuditHash([0; 32]),
        };
        for body in stmt.query_map([self.device.to_string()], |r| r.get::<_, String>(0))? {
            if let Op {
                stamp,
                kind: OpKind::Audit { event },
            } = serde_json::from_str(&body?)?
            {
                head = AuditHead {
                    events: head.events + 1,
                    hash: AuditHash(event.chain_hash(&stamp)),
                };
            }
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
