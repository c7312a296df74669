//! The library's people as the journal holds them: the owner it names first and every
//! signed statement, replayed by `members::Registry` (and kept while they are unchanged).

use rusqlite::{Connection, params_from_iter};

use super::Catalog;
use crate::error::Result;
use crate::format::collection_keys::SignedEpochKeys;
use crate::format::identity::PublicIdentity;
use crate::format::member::SignedStatement;
use crate::format::op::{Op, OpKind, Stamp};
use crate::ids::{DocId, LibraryId};
use crate::members::Registry;

/// The newest people operation's position, through the `ops_people` index (migration 15).
const PEOPLE_MARK: &str = "SELECT coalesce(max(seq), 0) FROM ops
                           WHERE kind IN ('library_owned', 'member_statement')";

/// The library's people as last replayed, and which people operation was then the newest;
/// and the owner this desktop was told of out of band (an invitation), if any.
#[derive(Debug, Default)]
pub(super) struct PeopleCache {
    replayed: std::sync::Mutex<Option<([u8; 32], Option<People>)>>,
    /// The pinned owner's Ed25519 public key: a `LibraryOwned` naming anyone else is
    /// never taken as the library's, whatever its stamp.
    pin: Option<Vec<u8>>,
}

/// The library's people: their registry, and the stamp of the operation that made the
/// library theirs (changes no one signed count only before it).
#[derive(Debug, Clone)]
pub(crate) struct People {
    pub registry: Registry,
    pub owned: Stamp,
}

impl PeopleCache {
    /// Forget what was replayed (inside a transaction that is being rolled back).
    pub(super) fn forget(&self) {
        *self
            .replayed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// The people `conn`'s journal holds (`None`: a library without people, or one whose
    /// people have not reached this desktop).
    pub(super) fn get(&self, conn: &Connection, library: LibraryId) -> Result<Option<People>> {
        // The set of people operations, by their stamps (an operation's body is the one
        // first recorded under its stamp): exact even after a transaction rolled back.
        let mut stmt = conn.prepare_cached(
            "SELECT stamp FROM ops WHERE kind IN ('library_owned', 'member_statement')
             ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let (mut h, mut any) = (blake3::Hasher::new(), false);
        while let Some(row) = rows.next()? {
            h.update(
                row.get_ref(0)?
                    .as_str()
                    .map_err(rusqlite::Error::from)?
                    .as_bytes(),
            );
            h.update(b"\n");
            any = true;
        }
        if !any {
            return Ok(None);
        }
        let head = *h.finalize().as_bytes();
        let cache = || {
            self.replayed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some((seen, people)) = cache().as_ref()
            && *seen == head
        {
            return Ok(people.clone());
        }
        let (owners, statements) = people_ops(conn, self.pin.as_deref())?;
        let people = owners.into_iter().next().map(|(owned, owner)| People {
            registry: Registry::replay(library, owner, &statements),
            owned,
        });
        *cache() = Some((head, people.clone()));
        Ok(people)
    }
}

/// Every `LibraryOwned` owner with its stamp.
type Owners = Vec<(Stamp, PublicIdentity)>;

/// Every `LibraryOwned` owner with its stamp, earliest first (the first is the library's
/// owner on every desktop alike, whatever order they arrived in), and every statement about
/// its people. Refused batches count too: statements are judged by their own signatures.
/// With a `pin`, only `LibraryOwned` operations naming that signing key count.
fn people_ops(conn: &Connection, pin: Option<&[u8]>) -> Result<(Owners, Vec<SignedStatement>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT body FROM ops WHERE kind IN ('library_owned', 'member_statement')
         ORDER BY stamp",
    )?;
    let mut rows = stmt.query([])?;
    let (mut owners, mut statements) = (Vec::new(), Vec::new());
    while let Some(row) = rows.next()? {
        let op: Op = serde_json::from_str(&row.get::<_, String>(0)?)?;
        match op.kind {
            OpKind::LibraryOwned { owner } if pin.is_none_or(|k| k == owner.signing) => {
                owners.push((op.stamp, owner))
            }
            OpKind::MemberStatement { statement } => statements.push(statement),
            _ => {}
        }
    }
    Ok((owners, statements))
}

/// Every applied collection's keys, oldest first (`Catalog::collection_keys`).
const COLLECTION_KEYS: &str = "SELECT body FROM ops WHERE kind = 'collection_keys'
     AND verdict IS NULL ORDER BY stamp";

/// Every applied invitation's operation, oldest first (`Catalog::invitation_ops`).
const INVITATION_OPS: &str = "SELECT body FROM ops
     WHERE kind IN ('invited', 'invitation_withdrawn') AND verdict IS NULL ORDER BY stamp";

/// Every applied operation about erasure keys (`Catalog::erasure_ops`).
const ERASURE_OPS: &str = "SELECT body FROM ops
     WHERE kind IN ('erasure_epoch', 'erasure_key_wanted', 'erasure_key_given')
     AND verdict IS NULL ORDER BY stamp";

impl Catalog {
    /// The position of the newest operation about the library's people (0: none).
    pub fn people_mark(&self) -> Result<i64> {
        Ok(self.conn.query_row(PEOPLE_MARK, [], |r| r.get(0))?)
    }

    /// The library's people, replayed from the journal (and kept while no people
    /// operation arrives): `None` for a library without people, or a desktop that has not
    /// received them yet.
    pub fn registry(&self) -> Result<Option<Registry>> {
        Ok(self
            .people
            .get(&self.conn, self.library)?
            .map(|p| p.registry))
    }

    /// Every `LibraryOwned` owner, earliest stamp first, and every statement about the
    /// library's people.
    pub fn people_ops(&self) -> Result<(Vec<PublicIdentity>, Vec<SignedStatement>)> {
        let (owners, statements) = people_ops(&self.conn, self.people.pin.as_deref())?;
        Ok((owners.into_iter().map(|(_, o)| o).collect(), statements))
    }

    /// Pin the library's owner (their Ed25519 public key, from an invitation or from
    /// taking the library into its people's keeping on this desktop): from now on only a
    /// `LibraryOwned` naming them counts here.
    pub fn pin_owner(&mut self, signing: Option<Vec<u8>>) {
        self.people.pin = signing;
        self.people.forget();
    }

    /// The invitations' operations this desktop applied (`Invited`,
    /// `InvitationWithdrawn`), oldest first.
    pub fn invitation_ops(&self) -> Result<Vec<Op>> {
        self.ops_kept(INVITATION_OPS)
    }

    /// Every applied operation about erasure keys (epochs begun, keys asked for and
    /// given), oldest first.
    pub fn erasure_ops(&self) -> Result<Vec<Op>> {
        self.ops_kept(ERASURE_OPS)
    }

    /// The operations `sql` selects (their bodies), kept in the journal only.
    fn ops_kept(&self, sql: &str) -> Result<Vec<Op>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for body in rows {
            out.push(serde_json::from_str(&body?)?);
        }
        Ok(out)
    }

    /// Every collection's keys by epoch this desktop applied (`CollectionKeys`), oldest
    /// first.
    pub fn collection_keys(&self) -> Result<Vec<SignedEpochKeys>> {
        let mut stmt = self.conn.prepare_cached(COLLECTION_KEYS)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for body in rows {
            let op: Op = serde_json::from_str(&body?)?;
            if let OpKind::CollectionKeys { keys } = op.kind {
                out.push(keys);
            }
        }
        Ok(out)
    }

    /// The collection each of `docs` is in now (`None`: not in one, that is "all"), for the
    /// documents the catalog has.
    pub fn collections_of(&self, docs: &[DocId]) -> Result<Vec<(DocId, Option<String>)>> {
        collections_of(&self.conn, docs)
    }
}

/// The collection each of `docs` is in now, for the documents `conn` holds.
pub(super) fn collections_of(
    conn: &Connection,
    docs: &[DocId],
) -> Result<Vec<(DocId, Option<String>)>> {
    let mut out = Vec::with_capacity(docs.len());
    for chunk in docs.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut stmt = conn.prepare(&format!(
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

#[cfg(test)]
mod tests {
    //! Finding the people operations reads the partial index, never the whole journal.

    use super::*;
    use crate::format::op::Op;
    use crate::ids::{DeviceId, MemberId};
    use crate::keys::{Identity, MasterKey};

    #[test]
    fn people_and_keys_are_read_from_their_indexes_not_the_whole_journal() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Catalog::open(
            &dir.path().join("c.sqlite"),
            crate::ids::LibraryId::new(),
            DeviceId::new(),
            super::super::CatalogMode::Create,
            &MasterKey::generate().folder_key().catalog_key(),
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
        let plan = c.query_plan(PEOPLE_MARK, []);
        assert!(plan.iter().any(|p| p.contains("ops_people")), "{plan:?}");
        // Read at every import and sync: their own indexes, never the whole journal.
        for (sql, index, params) in [
            (COLLECTION_KEYS, "ops_collection_keys", vec![]),
            (INVITATION_OPS, "ops_invitations", vec![]),
            (
                crate::catalog::apply::RESEALED_LATER,
                "ops_resealed",
                vec!["v"],
            ),
        ] {
            let plan = c.query_plan(sql, rusqlite::params_from_iter(params));
            assert!(plan.iter().any(|p| p.contains(index)), "{plan:?}");
            assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
        }
    }
}
