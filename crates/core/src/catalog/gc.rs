//! What garbage collection asks the catalog: which chunks the versions use, where each
//! pack's chunks are, and which packs are dropped; and the key objects seen (sync).

use std::collections::{HashMap, HashSet};

use super::Catalog;
use crate::error::Result;
use crate::format::manifest::Manifest;
use crate::ids::{ChunkId, PackId, VersionId};
use crate::store::ChunkLocation;

impl Catalog {
    /// Every chunk a version (of any document, trashed ones included) is made of.
    pub fn referenced_chunks(&self) -> Result<HashSet<ChunkId>> {
        let mut stmt = self.conn.prepare("SELECT manifest FROM versions")?;
        let mut out = HashSet::new();
        for m in stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))? {
            out.extend(
                Manifest::from_bytes(&m?)?
                    .chunks
                    .into_iter()
                    .map(|(id, _)| id),
            );
        }
        Ok(out)
    }

    /// Packs holding a chunk of a destroyed document that no version in `used` uses:
    /// each is rewritten without it and deleted, here and on the remote
    /// (`Library::shred`), dropped or not.
    pub fn shredding_packs(&self, used: &HashSet<ChunkId>) -> Result<HashSet<PackId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT c.id, c.pack FROM chunks c JOIN shredded s ON s.chunk = c.id")?;
        let mut out = HashSet::new();
        for row in stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
        })? {
            let (chunk, pack) = row?;
            if !used.contains(&ChunkId::from_slice(&chunk)?) {
                out.insert(PackId::from_slice(&pack)?);
            }
        }
        Ok(out)
    }

    /// Write the WAL back into the catalog and empty it, so the old copies of pages a
    /// destruction overwrote leave it too (best effort: a reader still inside a
    /// transaction keeps some frames until the next checkpoint).
    pub fn truncate_wal(&self) -> Result<()> {
        let _busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(())
    }

    /// Versions purged or destroyed (here or on another desktop) whose derived files
    /// this desktop has not deleted yet.
    pub fn derived_to_remove(&self) -> Result<Vec<VersionId>> {
        let mut stmt = self.conn.prepare("SELECT version FROM derived_to_remove")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|v| Ok(v?.parse()?)).collect()
    }

    /// Their derived files are deleted.
    pub fn derived_removed(&self, versions: &[VersionId]) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("DELETE FROM derived_to_remove WHERE version = ?1")?;
        for v in versions {
            stmt.execute([v.to_string()])?;
        }
        Ok(())
    }

    /// Whether `Library::shred` has work: a record destroyed or purged, or a pack
    /// holding destroyed content, since it last finished.
    pub fn shred_wanted(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM meta WHERE key = 'shred'")?
            .exists([])?)
    }

    /// Whether packs holding content of a destroyed record may still be on the remote.
    pub fn remote_shred_wanted(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM meta WHERE key = 'shred_remote'")?
            .exists([])?)
    }

    /// The remote was listed and holds none.
    pub fn remote_shred_done(&self) -> Result<()> {
        self.conn
            .execute("DELETE FROM meta WHERE key = 'shred_remote'", [])?;
        Ok(())
    }

    /// `Library::shred` finished its work.
    pub fn shred_done(&self) -> Result<()> {
        self.conn
            .execute("DELETE FROM meta WHERE key = 'shred'", [])?;
        Ok(())
    }

    /// Dropped packs, with the time they were dropped (ms since 1970).
    pub fn dropped_packs(&self) -> Result<HashMap<PackId, i64>> {
        let mut stmt = self.conn.prepare("SELECT pack, ms FROM dropped_packs")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?;
        rows.map(|row| {
            let (p, ms) = row?;
            Ok((PackId::from_slice(&p)?, ms))
        })
        .collect()
    }

    /// Every stored copy of every chunk: chunk → the packs holding it, with where.
    pub fn chunk_copies(&self) -> Result<HashMap<ChunkId, Vec<ChunkLocation>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, pack, offset, sealed_len, plain_len FROM chunks")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, u32>(4)?,
            ))
        })?;
        let mut out: HashMap<ChunkId, Vec<ChunkLocation>> = HashMap::new();
        for row in rows {
            let (id, pack, offset, sealed_len, plain_len) = row?;
            out.entry(ChunkId::from_slice(&id)?)
                .or_default()
                .push(ChunkLocation {
                    pack: PackId::from_slice(&pack)?,
                    offset: offset as u64,
                    sealed_len,
                    plain_len,
                });
        }
        Ok(out)
    }

    /// The newest key object taken in or published, the slot ids it had, and whether it
    /// was authenticated (objects of format 1, taken in before key objects were
    /// authenticated, were not); `None` before the first.
    pub fn key_sync(&self) -> Result<Option<KeysSeen>> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row(
                "SELECT k.seq, k.seen, m.value = CAST(k.seq AS TEXT) FROM key_sync AS k
                 LEFT JOIN meta AS m ON m.key = 'key_sync_authentic' WHERE k.id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<bool>>(2)?,
                    ))
                },
            )
            .optional()?
            .map(|(seq, seen, authentic)| {
                Ok(KeysSeen {
                    seq: seq as u64,
                    ids: serde_json::from_str(&seen)?,
                    authentic: authentic.unwrap_or(false),
                })
            })
            .transpose()
    }

    /// Note authenticated key object `seq` and its slot ids as seen.
    pub fn set_key_sync(&self, seq: u64, ids: &[String]) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO key_sync (id, seq, seen) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, seen = excluded.seen",
            rusqlite::params![seq as i64, serde_json::to_string(ids)?],
        )?;
        super::set_meta(&tx, "key_sync_authentic", &seq.to_string())?;
        tx.commit()?;
        Ok(())
    }
}

/// The newest key object a desktop took in or published ([`Catalog::key_sync`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysSeen {
    pub seq: u64,
    pub ids: Vec<String>,
    pub authentic: bool,
}
