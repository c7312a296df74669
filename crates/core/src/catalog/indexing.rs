//! What the search index needs from the catalog: one document's [`IndexRecord`], the
//! current version's page texts (for snippets) and the custom field names.

use rusqlite::params;

use super::Catalog;
use crate::error::Result;
use crate::ids::DocId;
use crate::index::IndexRecord;

/// The processing status of a version from its text jobs' states (extraction and OCR; a
/// missing thumbnail does not make a document less findable): the worst one wins.
fn status(states: &[String]) -> &'static str {
    for (state, status) in [
        ("failed", "failed"),
        ("protected", "protected"),
        ("waiting", "waiting"),
        ("pending", "pending"),
    ] {
        if states.iter().any(|s| s == state) {
            return status;
        }
    }
    if states.is_empty() { "pending" } else { "done" }
}

impl Catalog {
    /// What the index holds for a document; `None` when the document does not exist.
    pub fn index_record(&self, doc: DocId) -> Result<Option<IndexRecord>> {
        let detail = match self.document(doc) {
            Ok(d) => d,
            Err(crate::Error::NoSuchDocument { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let (created_ms, version_ms, mtime_ms): (i64, Option<i64>, Option<i64>) =
            self.conn.query_row(
                "SELECT d.created_ms, v.created_ms, v.file_mtime_ms
                 FROM documents d LEFT JOIN versions v ON v.id = d.current_version
                 WHERE d.id = ?1",
                [doc.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        let (pages, states) = match detail.current_version {
            Some(v) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT state FROM jobs WHERE version = ?1 AND kind != 'thumbnail'",
                )?;
                let states = stmt
                    .query_map(params![v.to_string()], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                (self.texts(v)?, states)
            }
            None => (Vec::new(), Vec::new()),
        };
        let s = detail.summary;
        Ok(Some(IndexRecord {
            id: s.id,
            title: s.title,
            file_name: s.file_name,
            doc_type: s.doc_type,
            subject_id: s.subject_id,
            subject_name: detail.subject_name,
            collection: detail.collection,
            tags: s.tags,
            fields: detail.fields,
            date_ms: mtime_ms.or(version_ms).unwrap_or(created_ms),
            added_ms: created_ms,
            trashed: s.trashed,
            status: status(&states),
            size: s.size,
            mime: s.mime,
            versions: s.versions,
            pages,
        }))
    }

    /// Whether some document has a custom field of this name (any case).
    pub fn has_field(&self, name: &str) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM registers WHERE lower(key) = 'field:' || lower(?1)
             AND value IS NOT NULL LIMIT 1",
        )?;
        Ok(stmt.exists([name])?)
    }
}

#[cfg(test)]
mod tests {
    use super::status;

    #[test]
    fn the_worst_job_state_is_the_status() {
        let s = |v: &[&str]| status(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["done", "failed"]), "failed");
        assert_eq!(s(&["done", "done"]), "done");
        assert_eq!(s(&["done", "waiting"]), "waiting");
        assert_eq!(s(&[]), "pending");
    }
}
