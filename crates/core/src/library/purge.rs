//! Emptying the trash: documents deleted for good ("purged"), with their versions,
//! extracted text, thumbnails and index entries. A legal hold or a retention period
//! refuses it. The audit trail keeps that it happened, by whom and to what.
//!
//! The encrypted chunks of purged versions stay in their packs until the packs are
//! compacted; no catalog row, text or thumbnail leads to them any more.

use serde::Serialize;

use super::Library;
use crate::catalog::Listing;
use crate::error::{Error, Result};
use crate::format::op::{AuditAction, OpKind};
use crate::ids::{DocId, VersionId};

/// What emptying the trash did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PurgeReport {
    /// Documents deleted for good.
    pub purged: usize,
    /// Documents kept, with why (a legal hold, a retention period).
    pub held: Vec<HeldDocument>,
}

/// A trashed document a hold kept from being purged.
#[derive(Debug, Clone, Serialize)]
pub struct HeldDocument {
    pub doc: DocId,
    pub title: String,
    pub why: String,
}

impl Library {
    /// Delete a document in the trash for good. Refused for a document that is not in
    /// the trash ([`Error::NotTrashed`]) or that a hold keeps ([`Error::Held`]).
    pub fn purge(&mut self, doc: DocId) -> Result<()> {
        self.writer()?;
        let d = self.catalog().document(doc)?;
        if !d.summary.trashed {
            return Err(Error::NotTrashed);
        }
        let hold = self.catalog().hold(doc)?;
        let held = |why: String| Error::Held {
            title: d.summary.title.clone(),
            why,
        };
        if hold.legal_hold {
            return Err(held("it is under a legal hold".into()));
        }
        if let Some(due) = hold.inspection_due {
            return Err(held(format!(
                "an inspection request about its student is open (due {due})"
            )));
        }
        if hold
            .retained_until_ms
            .is_some_and(|u| u > chrono::Utc::now().timestamp_millis())
        {
            let date = d.retain_until.clone().unwrap_or_default();
            return Err(held(format!("it must be kept through {date}")));
        }
        let versions: Vec<VersionId> = self.catalog().versions(doc)?.iter().map(|v| v.id).collect();
        let detail = format!("{} ({} version(s))", d.summary.title, versions.len());
        let audit = self.audit_op(AuditAction::Purged, Some(doc), None, Some(detail))?;
        self.commit(vec![
            OpKind::Purged {
                doc,
                versions: versions.clone(),
            },
            audit,
        ])?;
        // Thumbnails and page renders: regenerable caches, so a file that cannot be
        // removed now is only space (and sealed with the library's key).
        let derived = self.derived();
        for v in versions {
            let _ = derived.remove(v);
        }
        Ok(())
    }

    /// Purge every document in the trash that no hold keeps; `progress` gets (done,
    /// total) after each. The search index is brought up to date at the end.
    pub fn empty_trash(&mut self, progress: &mut dyn FnMut(usize, usize)) -> Result<PurgeReport> {
        let trashed = self.catalog().list(Listing::Trashed)?;
        let mut report = PurgeReport::default();
        for (i, d) in trashed.iter().enumerate() {
            match self.purge(d.id) {
                Ok(()) => report.purged += 1,
                Err(Error::Held { title, why }) => report.held.push(HeldDocument {
                    doc: d.id,
                    title,
                    why,
                }),
                Err(e) => return Err(e),
            }
            progress(i + 1, trashed.len());
        }
        self.refresh_index()?;
        Ok(report)
    }
}
