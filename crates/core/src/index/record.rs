//! What the index holds about one document, built from the catalog, and its Tantivy form.

use std::collections::BTreeMap;

use chrono::{Datelike, TimeZone};
use serde::{Deserialize, Serialize};
use tantivy::schema::Facet;
use tantivy::tokenizer::TokenStream;
use tantivy::{DateTime, TantivyDocument};

use super::schema::{Fields, keyword, unstemmed_analyzer};
use crate::format::extracted::PageText;
use crate::format::op::FieldValue;
use crate::ids::DocId;

/// Text beyond this many bytes of one document is not indexed (it stays in the catalog).
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Everything about one document that search needs.
#[derive(Debug, Clone)]
pub struct IndexRecord {
    pub id: DocId,
    pub title: String,
    /// The current version's original file name.
    pub file_name: String,
    pub doc_type: Option<String>,
    pub subject_id: Option<String>,
    pub subject_name: Option<String>,
    pub collection: Option<String>,
    pub tags: Vec<String>,
    pub fields: BTreeMap<String, FieldValue>,
    /// The document's date: its file's modification time when known, else when added.
    pub date_ms: i64,
    pub added_ms: i64,
    pub trashed: bool,
    /// How processing of the current version ended: done, failed, protected, waiting,
    /// pending.
    pub status: &'static str,
    /// Size of the current version in bytes.
    pub size: u64,
    pub mime: String,
    pub versions: u32,
    /// Page texts of the current version.
    pub pages: Vec<PageText>,
}

/// What a hit shows besides its title and snippet, stored with the indexed document so a
/// list of hits reads nothing from the catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// The document's date (see [`IndexRecord::date_ms`]), milliseconds since 1970.
    pub date_ms: i64,
    /// Size of the current version in bytes.
    pub size: u64,
    pub mime: String,
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    pub subject_id: Option<String>,
    pub tags: Vec<String>,
    /// How processing ended: done, failed, protected, waiting, pending.
    pub status: String,
    pub versions: u32,
}

/// The key a title sorts by: its words lowercased, accents folded.
fn sort_key(title: &str) -> String {
    let mut analyzer = unstemmed_analyzer();
    let mut stream = analyzer.token_stream(title);
    let mut out = String::with_capacity(title.len());
    while let Some(t) = stream.next() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.text);
    }
    out
}

/// A field value as searchable text.
pub(crate) fn field_text(v: &FieldValue) -> String {
    match v {
        FieldValue::Text(s) | FieldValue::Date(s) => s.clone(),
        FieldValue::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{}", *n as i64)
            } else {
                n.to_string()
            }
        }
        FieldValue::Bool(b) => b.to_string(),
    }
}

/// The local calendar year of a time in milliseconds.
pub(crate) fn local_year(ms: i64) -> i32 {
    chrono::Local
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.year())
        .unwrap_or(1970)
}

impl IndexRecord {
    /// The Tantivy document for this record.
    pub fn to_document(&self, f: &Fields) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_bytes(f.id, self.id.0.as_bytes());
        d.add_text(f.title, &self.title);
        d.add_text(f.file_name, &self.file_name);
        let mut body = String::new();
        for p in &self.pages {
            if body.len() + p.text.len() > MAX_BODY_BYTES {
                break;
            }
            body.push_str(&p.text);
            body.push('\n');
            d.add_text(f.page_text, &p.text);
            d.add_u64(f.page_number, u64::from(p.page));
        }
        d.add_text(f.body, &body);
        let mut meta: Vec<String> = self.tags.clone();
        meta.extend(self.doc_type.iter().cloned());
        meta.extend(self.subject_id.iter().cloned());
        meta.extend(self.subject_name.iter().cloned());
        meta.extend(self.collection.iter().cloned());
        for (k, v) in &self.fields {
            meta.push(field_text(v));
            d.add_text(
                f.field,
                format!("{}={}", keyword(k), keyword(&field_text(v))),
            );
        }
        d.add_text(f.meta, meta.join("\n"));
        if let Some(t) = &self.doc_type {
            d.add_text(f.doc_type, keyword(t));
            d.add_facet(f.facets, Facet::from_path(["type", t.trim()]));
        }
        for t in &self.tags {
            d.add_text(f.tag, keyword(t));
            d.add_facet(f.facets, Facet::from_path(["tag", t.trim()]));
        }
        if let Some(s) = &self.subject_id {
            d.add_text(f.subject, keyword(s));
            d.add_text(f.person, s.trim());
        }
        if let Some(c) = &self.collection {
            d.add_facet(f.facets, Facet::from_path(["collection", c.trim()]));
        }
        d.add_facet(
            f.facets,
            Facet::from_path(["year".to_owned(), local_year(self.date_ms).to_string()]),
        );
        d.add_facet(f.facets, Facet::from_path(["status", self.status]));
        d.add_text(f.state, if self.trashed { "trashed" } else { "active" });
        d.add_date(f.date, DateTime::from_timestamp_millis(self.date_ms));
        d.add_date(f.added, DateTime::from_timestamp_millis(self.added_ms));
        d.add_text(f.sort_name, sort_key(&self.title));
        d.add_u64(f.size, self.size);
        let card = Card {
            date_ms: self.date_ms,
            size: self.size,
            mime: self.mime.clone(),
            doc_type: self.doc_type.clone(),
            subject_id: self.subject_id.clone(),
            tags: self.tags.clone(),
            status: self.status.to_owned(),
            versions: self.versions,
        };
        d.add_text(
            f.card,
            serde_json::to_string(&card).expect("a card serialises"),
        );
        d
    }
}
