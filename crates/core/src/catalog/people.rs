//! The library's people as the journal holds them: the owner it names first and every
//! signed statement, for `members::Registry` to replay.

use rusqlite::params_from_iter;

use super::Catalog;
use crate::error::Result;
use crate::format::identity::PublicIdentity;
use crate::format::member::SignedStatement;
use crate::format::op::{Op, OpKind};
use crate::ids::DocId;

impl Catalog {
    /// Every `LibraryOwned` owner in the order this catalog applied them (the first is the
    /// library's owner), and every statement about its people.
    pub fn people_ops(&self) -> Result<(Vec<PublicIdentity>, Vec<SignedStatement>)> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT body FROM ops WHERE kind IN ('library_owned', 'member_statement') ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let (mut owners, mut statements) = (Vec::new(), Vec::new());
        while let Some(row) = rows.next()? {
            let op: Op = serde_json::from_str(&row.get::<_, String>(0)?)?;
            match op.kind {
                OpKind::LibraryOwned { owner } => owners.push(owner),
                OpKind::MemberStatement { statement } => statements.push(statement),
                _ => {}
            }
        }
        Ok((owners, statements))
    }

    /// The collection each of `docs` is in now (`None`: not in one, that is "all"), for the
    /// documents the catalog has.
    pub fn collections_of(&self, docs: &[DocId]) -> Result<Vec<(DocId, Option<String>)>> {
        let mut out = Vec::with_capacity(docs.len());
        for chunk in docs.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let mut stmt = self.conn.prepare(&format!(
                "SELECT id, collection FROM documents WHERE id IN ({marks})"
            ))?;
            let ids = chunk.iter().map(|d| d.to_string());
            let rows = stmt.query_map(params_from_iter(ids), |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })?;
            for row in rows {
                let (id, collection) = row?;
                out.push((id.parse()?, collection));
            }
        }
        Ok(out)
    }
}
