//! The custom fields of document types on a library: defined per type, synced like every
//! change, and the one place a value typed by a person becomes a field's value.

use super::Library;
use crate::error::Result;
use crate::format::field_def::{self, FieldDef};
use crate::format::op::{AuditAction, FieldKey, FieldValue, OpKind};
use crate::format::subject::ALL_COLLECTION;

impl Library {
    /// Define the custom fields of documents of `doc_type` (an empty list clears them).
    /// Values already set stay as they are; new values are checked by these kinds.
    pub fn set_type_fields(&mut self, doc_type: &str, fields: Vec<FieldDef>) -> Result<()> {
        self.writer()?;
        let doc_type = doc_type.split_whitespace().collect::<Vec<_>>().join(" ");
        field_def::check_fields(&doc_type, &fields)?;
        let detail = format!(
            "{doc_type}: {}",
            fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let audit = self.audit_op(AuditAction::TypeFieldsSet, None, None, Some(detail))?;
        self.commit(vec![
            OpKind::TypeFieldsSet {
                doc_type,
                fields,
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            },
            audit,
        ])
    }

    /// Custom field `name` with the value `raw` as a person typed it, for a document of
    /// `doc_type`: checked by the field's kind when that type defines it (the error says
    /// what the field takes) and named as defined, otherwise typed by its look.
    pub fn field_value(
        &self,
        doc_type: Option<&str>,
        name: &str,
        raw: &str,
    ) -> Result<(FieldKey, FieldValue)> {
        let defs = match doc_type {
            Some(t) => self.catalog().type_fields(t)?,
            None => Vec::new(),
        };
        let (name, value) = field_def::typed_value(&defs, name, raw)?;
        Ok((FieldKey::Custom(name), value))
    }
}
