//! The custom fields of each document type in the catalog: a projection of
//! `TypeFieldsSet` operations.

use super::Catalog;
use crate::error::Result;
use crate::format::field_def::FieldDef;

impl Catalog {
    /// The fields documents of `doc_type` have (none when it defines none).
    pub fn type_fields(&self, doc_type: &str) -> Result<Vec<FieldDef>> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT fields FROM type_fields WHERE doc_type = ?1")?
            .query_map([doc_type.trim()], |r| r.get(0))?
            .next()
            .transpose()?;
        Ok(match body {
            Some(b) => serde_json::from_str(&b)?,
            None => Vec::new(),
        })
    }

    /// Every type that defines fields, by name, with its fields.
    pub fn all_type_fields(&self) -> Result<Vec<(String, Vec<FieldDef>)>> {
        let rows: Vec<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT doc_type, fields FROM type_fields WHERE fields != '[]'
                 ORDER BY doc_type COLLATE NOCASE",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(t, f)| Ok((t, serde_json::from_str(&f)?)))
            .collect()
    }
}
