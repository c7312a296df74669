//! The custom fields of document types, as the document view's inputs and the fields
//! editor take them: core's `FieldDef` with its kind as a name and the choice list
//! beside it.

use serde::{Deserialize, Serialize};
use specta::Type;

use dossier_core as core;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// One of `options`.
    Choice,
}

/// One custom field of a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TypeField {
    pub name: String,
    pub kind: FieldKind,
    /// The choices of a `choice` field (empty for the other kinds).
    pub options: Vec<String>,
}

/// A document type and its fields.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TypeFields {
    pub doc_type: String,
    pub fields: Vec<TypeField>,
}

impl From<core::FieldDef> for TypeField {
    fn from(d: core::FieldDef) -> Self {
        let (kind, options) = match d.kind {
            core::FieldKind::Text => (FieldKind::Text, Vec::new()),
            core::FieldKind::Number => (FieldKind::Number, Vec::new()),
            core::FieldKind::Date => (FieldKind::Date, Vec::new()),
            core::FieldKind::Choice { options } => (FieldKind::Choice, options),
        };
        Self {
            name: d.name,
            kind,
            options,
        }
    }
}

impl From<TypeField> for core::FieldDef {
    fn from(f: TypeField) -> Self {
        Self {
            name: f.name.trim().to_owned(),
            kind: match f.kind {
                FieldKind::Text => core::FieldKind::Text,
                FieldKind::Number => core::FieldKind::Number,
                FieldKind::Date => core::FieldKind::Date,
                FieldKind::Choice => core::FieldKind::Choice {
                    options: f.options.iter().map(|o| o.trim().to_owned()).collect(),
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_goes_to_core_and_back() {
        for kind in [
            core::FieldKind::Text,
            core::FieldKind::Number,
            core::FieldKind::Date,
            core::FieldKind::Choice {
                options: vec!["Autumn".into(), "Spring".into()],
            },
        ] {
            let def = core::FieldDef {
                name: "Term".into(),
                kind,
            };
            assert_eq!(core::FieldDef::from(TypeField::from(def.clone())), def);
        }
    }
}
