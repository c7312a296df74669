//! The library's people as the journal holds them: the owner it names first and every
//! signed statement, for `members::Registry` to replay.

use rusqlite::params_from_iter;

use super::Catalog;
use crate::error::Result;
use crate::format::identity::PublicIdentity;
use crate::format::member::SignedStatement;
use crate::format::op::{Op, OpKind};
use crate::ids::DocId;

/// The newest people operation's position, through the `ops_people` index (migration 15).
const PEOPLE_MARK: &str = "SELECT coalesce(max(seq), 0) FROM ops
                           WHERE kind IN ('library_owned', 'member_statement')";

impl Catalog {
    /// The position of the newest operation about the library's people (0: none): the
    /// registry replayed from them is the same while it is.
    pub fn people_mark(&self) -> Result<i64> {
        Ok(self.conn.query_row(PEOPLE_MARK, [], |r| r.get(0))?)
    }

    /// Every `LibraryOwned` owner, earliest stamp first (the first is the library's owner
    /// on every desktop alike, whatever order they arrived in), and every statement about
    /// its people.
    pub fn people_ops(&self) -> Result<(Vec<PublicIdentity>, Vec<SignedStatement>)> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT body FROM ops WHERE kind IN ('library_owned', 'member_statement')
             ORDER BY stamp",
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

#[cfg(test)]
mod tests {
    //! Finding the people operations reads the partial index, never the whole journal.

    use super::*;
    use crate::format::op::Op;
    use crate::ids::{DeviceId, MemberId};
    use crate::keys::{Identity, MasterKey};

    #[test]
    fn the_people_mark_reads_its_index_not_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Catalog::open(
            &dir.path().join("c.sqlite"),
            DeviceId::new(),
            super::super::CatalogMode::Create,
            &MasterKey::generate().catalog_key(),
        )
        .unwrap();
        assert_eq!(c.people_mark().unwrap(), 0);
        let owner = Identity::generate(MemberId::new(), "Ann").unwrap();
        let op = Op {
            stamp: c.next_stamp(),
            kind: OpKind::LibraryOwned {
                owner: owner.public().clone(),
            },
        };
        c.apply_ops(&[op]).unwrap();
        assert!(c.people_mark().unwrap() > 0);
        assert_eq!(c.people_ops().unwrap().0, [owner.public().clone()]);
        // A second owner with an earlier stamp, arriving later (two desktops taking the
        // library offline): the earliest names the owner, whatever the order of arrival.
        let earlier = Identity::generate(MemberId::new(), "Bo").unwrap();
        let mut stamp = c.next_stamp();
        stamp.hlc.wall_ms = 1;
        c.apply_ops(&[Op {
            stamp,
            kind: OpKind::LibraryOwned {
                owner: earlier.public().clone(),
            },
        }])
        .unwrap();
        assert_eq!(
            c.people_ops().unwrap().0,
            [earlier.public().clone(), owner.public().clone()]
        );
        let plan: Vec<String> = c
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {PEOPLE_MARK}"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert!(plan.iter().any(|p| p.contains("ops_people")), "{plan:?}");
    }
}
