//! Records' own keys (issue 22) this desktop opened, by id: what a version's content is
//! also under (`VersionInfo::record_key`), and which of them are under an erasure epoch
//! older than the current one.

use rusqlite::{OptionalExtension, params};

use super::Catalog;
use crate::error::Result;
use crate::format::op::Op;
use crate::ids::{DocId, ErasureEpochId, RecordKeyId};
use crate::keys::RecordKey;

/// The `meta` key of the last `RecordKeys` operation read (its `seq`).
const READ_MARK: &str = "record_keys_read";

/// Which operations giving records' keys to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOps {
    /// Those that arrived since [`Catalog::record_key_ops_read`] was last told.
    Unread,
    /// Every one: a version names a key not kept here, whose operation may have been read
    /// before (accepted later than one after it, or under an epoch not known then).
    All,
}

/// How [`Catalog::keep_record_keys`] treats a key kept already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepKey {
    /// It takes the epoch it was seen under now (given under the current one).
    Update,
    /// It stays as it is (seen again under an older epoch).
    IfNew,
}

impl Catalog {
    /// The applied operations giving records' keys (`which`), in the order they arrived,
    /// and the mark to tell [`Catalog::record_key_ops_read`].
    pub fn record_key_ops(&self, which: KeyOps) -> Result<(Vec<Op>, i64)> {
        let since: i64 = match which {
            KeyOps::All => 0,
            KeyOps::Unread => super::meta(&self.conn, READ_MARK)?
                .and_then(|m| m.parse().ok())
                .unwrap_or(0),
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, body FROM ops
             WHERE kind = 'record_keys' AND verdict IS NULL AND seq > ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([since], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let (mut ops, mut mark) = (Vec::new(), since);
        for row in rows {
            let (seq, body) = row?;
            ops.push(serde_json::from_str(&body)?);
            mark = seq;
        }
        Ok((ops, mark))
    }

    /// The operations [`Catalog::record_key_ops`] gave up to `mark` were read.
    pub fn record_key_ops_read(&self, mark: i64) -> Result<()> {
        super::set_meta(&self.conn, READ_MARK, &mark.to_string())
    }

    /// Whether a version names a record key this desktop has not opened.
    pub fn record_keys_missing(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM versions v WHERE v.record_key IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM record_keys k WHERE k.id = v.record_key)
                 LIMIT 1",
            )?
            .exists([])?)
    }

    /// The key `id`, when this desktop opened it.
    pub fn record_key(&self, id: &RecordKeyId) -> Result<Option<RecordKey>> {
        let bytes: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT key FROM record_keys WHERE id = ?1")?
            .query_row([&id.0[..]], |r| r.get(0))
            .optional()?;
        bytes.map(|b| RecordKey::from_bytes(&b)).transpose()
    }

    /// Keep `keys`, seen sealed under `epoch` (`how`: whether a key kept already takes
    /// that epoch). Keys of records destroyed here are not kept again, and `epoch`, which
    /// still gives one, is tainted ([`Catalog::erasure_tainted`]).
    pub fn keep_record_keys(
        &mut self,
        keys: &[(DocId, RecordKey)],
        epoch: ErasureEpochId,
        how: KeepKey,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut put = tx.prepare_cached(match how {
                KeepKey::Update => {
                    "INSERT INTO record_keys (id, doc, key, epoch)
                     SELECT ?1, ?2, ?3, ?4
                     WHERE NOT EXISTS (SELECT 1 FROM destroyed WHERE doc = ?2)
                     ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch"
                }
                KeepKey::IfNew => {
                    "INSERT INTO record_keys (id, doc, key, epoch)
                     SELECT ?1, ?2, ?3, ?4
                     WHERE NOT EXISTS (SELECT 1 FROM destroyed WHERE doc = ?2)
                     ON CONFLICT (id) DO NOTHING"
                }
            })?;
            let mut taint = tx.prepare_cached(
                "INSERT OR IGNORE INTO erasure_tainted (epoch)
                 SELECT ?1 WHERE EXISTS (SELECT 1 FROM destroyed WHERE doc = ?2)",
            )?;
            for (doc, key) in keys {
                let doc = doc.to_string();
                put.execute(params![
                    &key.id().0[..],
                    &doc,
                    &key.expose()[..],
                    &epoch.0[..]
                ])?;
                taint.execute(params![&epoch.0[..], &doc])?;
            }
        }
        // What waited for a key may open now.
        super::jobs::retry_needing_keys(&tx, None)?;
        tx.commit()?;
        Ok(())
    }

    /// Whether a destroyed record's key was given under `epoch` (so it must end, however
    /// the destruction and the epoch's beginning were ordered).
    pub fn erasure_tainted(&self, epoch: ErasureEpochId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM erasure_tainted WHERE epoch = ?1")?
            .exists([&epoch.0[..]])?)
    }

    /// Every key kept here, by the epoch each was last seen under.
    pub fn record_keys_all(
        &self,
    ) -> Result<std::collections::BTreeMap<ErasureEpochId, Vec<(DocId, RecordKey)>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc, key, epoch FROM record_keys")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut out: std::collections::BTreeMap<_, Vec<_>> = Default::default();
        for row in rows {
            let (doc, key, epoch) = row?;
            out.entry(ErasureEpochId::from_slice(&epoch)?)
                .or_default()
                .push((doc.parse()?, RecordKey::from_bytes(&key)?));
        }
        Ok(out)
    }

    /// The keys kept here that were last seen under another epoch than `current`: to be
    /// given again under it.
    pub fn record_keys_not_under(
        &self,
        current: ErasureEpochId,
    ) -> Result<Vec<(DocId, RecordKey)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc, key FROM record_keys WHERE epoch != ?1")?;
        let rows = stmt.query_map([&current.0[..]], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (doc, key) = row?;
            out.push((doc.parse()?, RecordKey::from_bytes(&key)?));
        }
        Ok(out)
    }
}

impl Catalog {
    /// The record key each chunk of a version that names one is also under.
    pub fn record_keyed_chunks(
        &self,
    ) -> Result<std::collections::HashMap<crate::ids::ChunkId, RecordKeyId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT manifest, record_key FROM versions WHERE record_key IS NOT NULL")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (manifest, key) = row?;
            let key = RecordKeyId::from_slice(&key)?;
            for (chunk, _) in crate::format::manifest::Manifest::from_bytes(&manifest)?.chunks {
                out.insert(chunk, key);
            }
        }
        Ok(out)
    }
}
