//! Legal holds and retention periods: what keeps a document from being deleted for good.
//!
//! Both are last-writer-wins registers ([`FieldKey::LegalHold`], [`FieldKey::RetainUntil`])
//! carried by the journal like any field, so a hold placed on one desktop reaches every
//! desktop at its next sync, and each refuses to purge the document from then on
//! ([`Library::purge`](super::Library) checks them). Each change is in the audit trail.

use chrono::NaiveDate;

use super::Library;
use crate::error::{Error, Result};
use crate::format::op::{AuditAction, FieldKey, FieldValue, OpKind};
use crate::ids::DocId;

impl Library {
    /// Place a legal hold on a document: it cannot be deleted for good (trash can still be
    /// emptied around it) until the hold is released. `reason` goes into the audit trail.
    pub fn place_legal_hold(&mut self, doc: DocId, reason: Option<&str>) -> Result<()> {
        self.writer()?;
        if self.catalog().document(doc)?.legal_hold {
            return Err(Error::AlreadyHeld);
        }
        self.commit_hold(
            doc,
            Some(FieldValue::Bool(true)),
            AuditAction::HoldPlaced,
            reason,
        )
    }

    /// Release a document's legal hold. `reason` goes into the audit trail.
    pub fn release_legal_hold(&mut self, doc: DocId, reason: Option<&str>) -> Result<()> {
        self.writer()?;
        if !self.catalog().document(doc)?.legal_hold {
            return Err(Error::NotHeld);
        }
        self.commit_hold(doc, None, AuditAction::HoldReleased, reason)
    }

    /// Keep a document at least through `until` (the whole day, UTC), or with `None`,
    /// end its retention period.
    pub fn set_retention(&mut self, doc: DocId, until: Option<NaiveDate>) -> Result<()> {
        self.writer()?;
        self.catalog().document(doc)?;
        let value = until.map(|d| FieldValue::Date(d.format("%Y-%m-%d").to_string()));
        let detail = match &value {
            Some(v) => format!("kept until {}", v.display()),
            None => "no retention period".to_owned(),
        };
        let audit = self.audit_op(AuditAction::RetentionSet, Some(doc), None, Some(detail))?;
        self.commit(vec![
            OpKind::FieldSet {
                doc,
                key: FieldKey::RetainUntil,
                value,
            },
            audit,
        ])
    }

    fn commit_hold(
        &mut self,
        doc: DocId,
        value: Option<FieldValue>,
        action: AuditAction,
        reason: Option<&str>,
    ) -> Result<()> {
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        let audit = self.audit_op(action, Some(doc), None, reason)?;
        self.commit(vec![
            OpKind::FieldSet {
                doc,
                key: FieldKey::LegalHold,
                value,
            },
            audit,
        ])
    }
}
