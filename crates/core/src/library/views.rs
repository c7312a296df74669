//! Saved views on a library: save (make or change) and delete, synced like every change.

use super::Library;
use crate::error::Result;
use crate::format::op::{AuditAction, OpKind};
use crate::format::subject::ALL_COLLECTION;
use crate::format::view::View;
use crate::ids::ViewId;

impl Library {
    /// Save a view: a new one (`id` `None`) or a change to one; returns its id.
    pub fn save_view(&mut self, id: Option<ViewId>, view: View) -> Result<ViewId> {
        self.writer()?;
        view.check()?;
        let id = match id {
            Some(id) => {
                self.catalog().view(id)?;
                id
            }
            None => ViewId::new(),
        };
        let audit = self.audit_op(
            AuditAction::ViewChanged,
            None,
            None,
            Some(format!("{}: saved", view.name.trim())),
        )?;
        self.commit(vec![
            OpKind::ViewSet {
                view: id,
                body: Some(View {
                    name: view.name.trim().to_owned(),
                    ..view
                }),
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            },
            audit,
        ])?;
        Ok(id)
    }

    /// Delete a saved view.
    pub fn delete_view(&mut self, id: ViewId) -> Result<()> {
        self.writer()?;
        let view = self.catalog().view(id)?;
        let audit = self.audit_op(
            AuditAction::ViewChanged,
            None,
            None,
            Some(format!("{}: deleted", view.name)),
        )?;
        self.commit(vec![
            OpKind::ViewSet {
                view: id,
                body: None,
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            },
            audit,
        ])
    }
}
