//! Which operations went into which segment of the store journal (`store/journal/`), so
//! the library can write each segment after its transaction and rebuild the catalog from
//! them.
//!
//! **Invariant:** every transaction that applies new operations adds one `store_journal`
//! row naming them, in that transaction. The row's segment file is written after the
//! commit, so a crash leaves the catalog at most ahead of the store journal (the file is
//! written at the next unlock), never behind it: a catalog behind the store journal is
//! an older copy, and opening it for writing is refused.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};

use super::{Catalog, schema};
use crate::error::{CatalogProblem, Error, Result};
use crate::format::op::Op;
use crate::format::store_journal::StoreSegment;
use crate::ids::DeviceId;
use crate::keys::CatalogKey;

/// `meta.journal_incomplete` after a rebuild that lacked store segments: the catalog may
/// lack operations, so nothing it calls unused is proven unused.
pub(crate) const REBUILT_INCOMPLETE: &str = "rebuilt without some store journal segments";

/// The highest `ops.seq` so far (0 for none).
pub(super) fn last_op(tx: &Transaction<'_>) -> Result<i64> {
    Ok(tx.query_row("SELECT coalesce(max(seq), 0) FROM ops", [], |r| r.get(0))?)
}

/// Whether a transaction that applied no new operation is a store segment all the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// Only with new operations.
    IfNew,
    /// Always (a remote segment with parts withheld here: its digest and parts).
    Always,
}

/// Note, inside the transaction that applied them, the operations after `before` as the
/// next store segment (nothing when there are none, unless `keep` says otherwise), and
/// the remote segment (device, number) they came in.
pub(super) fn record(
    tx: &Transaction<'_>,
    before: i64,
    received: Option<(DeviceId, u64)>,
    seq: Option<u64>,
    keep: Keep,
) -> Result<()> {
    let last = last_op(tx)?;
    if last <= before && seq.is_none() && keep == Keep::IfNew {
        return Ok(());
    }
    let seq = match seq {
        Some(s) => to_i64(s)?,
        None => tx.query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM store_journal",
            [],
            |r| r.get(0),
        )?,
    };
    tx.execute(
        "INSERT INTO store_journal (seq, first_op, last_op, received, received_from)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            seq,
            before + 1,
            last,
            received.map(|(_, s)| to_i64(s)).transpose()?,
            received.map(|(d, _)| d.to_string())
        ],
    )?;
    Ok(())
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| Error::Integrity {
        object: format!("store journal entry {n}"),
        detail: "its number is too large",
    })
}

/// What a catalog file holds, read without changing anything in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogState {
    /// Its schema version (0: no tables).
    pub schema: u32,
    /// The last store segment it notes; `None` before the store journal (schema 7).
    pub last_store_segment: Option<u64>,
    /// Whether it holds any operation.
    pub has_ops: bool,
}

impl Catalog {
    /// Look into the catalog at `path` before opening it for writing: a missing, empty
    /// or unreadable file is [`Error::CatalogUnusable`]; nothing is created or migrated.
    pub fn inspect(path: &Path, key: &CatalogKey) -> Result<CatalogState> {
        let plaintext = super::cipher::is_plaintext(path)?;
        let unusable = |problem| Error::CatalogUnusable {
            path: path.to_owned(),
            problem,
        };
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(unusable(CatalogProblem::Missing));
            }
            Err(e) => {
                return Err(e).map_err(|source| Error::Io {
                    action: "stat",
                    path: path.to_owned(),
                    source,
                });
            }
            Ok(m) if m.len() == 0 => return Err(unusable(CatalogProblem::Empty)),
            Ok(_) => {}
        }
        let read = || -> rusqlite::Result<CatalogState> {
            // Read-write without create: SQLite may need to recover its -wal file.
            super::cipher::sqlite_ready();
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            if !plaintext {
                super::cipher::apply_key(&conn, key)?;
            }
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let tables: i64 =
                conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
            if version == 0 && tables == 0 {
                return Ok(CatalogState {
                    schema: 0,
                    last_store_segment: None,
                    has_ops: false,
                });
            }
            let has_ops = conn.query_row("SELECT EXISTS (SELECT 1 FROM ops)", [], |r| r.get(0))?;
            let last_store_segment = if version >= 7 {
                let s: i64 =
                    conn.query_row("SELECT coalesce(max(seq), 0) FROM store_journal", [], |r| {
                        r.get(0)
                    })?;
                Some(s as u64)
            } else {
                None
            };
            Ok(CatalogState {
                schema: version,
                last_store_segment,
                has_ops,
            })
        };
        let state = read().map_err(|e| match CatalogProblem::from_sqlite(e) {
            Ok(problem) => unusable(problem),
            Err(e) => Error::Sqlite(e),
        })?;
        if state.schema == 0 {
            return Err(unusable(CatalogProblem::Empty));
        }
        if state.schema > schema::SCHEMA_VERSION {
            return Err(Error::TooNew {
                what: "catalog.sqlite",
                found: state.schema,
                supported: schema::SCHEMA_VERSION,
            });
        }
        Ok(state)
    }

    /// The number of the last store segment this catalog has noted (0 for none).
    pub fn last_store_segment(&self) -> Result<u64> {
        let seq: i64 =
            self.conn
                .query_row("SELECT coalesce(max(seq), 0) FROM store_journal", [], |r| {
                    r.get(0)
                })?;
        Ok(seq as u64)
    }

    /// Why the store journal may not hold everything this folder ever held (then a pack
    /// the catalog does not know is not proven unneeded); `None` when it is complete.
    pub fn journal_incomplete(&self) -> Result<Option<String>> {
        super::meta(&self.conn, "journal_incomplete")
    }

    /// Forget which remote segments were taken in (a rebuild that missed some store
    /// segments), so the next sync takes every one in again.
    pub(crate) fn forget_received_segments(&mut self) -> Result<()> {
        self.conn.execute("DELETE FROM segments", [])?;
        self.conn.execute(
            "UPDATE ops SET segment = NULL WHERE segment IS NOT NULL",
            [],
        )?;
        Ok(())
    }

    /// Note that the store journal may not hold everything (see
    /// [`Catalog::journal_incomplete`]).
    pub fn mark_journal_incomplete(&mut self, why: &str) -> Result<()> {
        super::set_meta(&self.conn, "journal_incomplete", why)
    }

    /// Store segment `seq` as this catalog holds it; `None` when it has no such segment.
    pub fn store_segment(&self, seq: u64) -> Result<Option<StoreSegment>> {
        let row: Option<(i64, i64, Option<i64>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT first_op, last_op, received, received_from FROM store_journal
                 WHERE seq = ?1",
                [to_i64(seq)?],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((first, last, received, from)) = row else {
            return Ok(None);
        };
        let from: Option<DeviceId> = from.map(|d| d.parse()).transpose()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM ops WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq")?;
        let ops = stmt
            .query_map(params![first, last], |r| r.get::<_, String>(0))?
            .map(|body| Ok(serde_json::from_str(&body?)?))
            .collect::<Result<Vec<Op>>>()?;
        let received = received.map(|r| r as u64);
        let device = from.or_else(|| ops.first().map(|op| op.stamp.device));
        let (link, withheld) = match (received, device) {
            (Some(remote), Some(device)) => (
                self.conn
                    .query_row(
                        "SELECT link FROM segment_links WHERE device = ?1 AND seq = ?2",
                        params![device.to_string(), to_i64(remote)?],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?
                    .map(|l| serde_json::from_str(&l))
                    .transpose()?,
                self.withheld_row(device, remote)?,
            ),
            _ => (None, None),
        };
        Ok(Some(StoreSegment {
            device: self.device,
            seq,
            received,
            ops,
            link,
            from,
            withheld,
        }))
    }

    /// A catalog being rebuilt in a file of its own: no sync per transaction, since
    /// [`Catalog::finish_rebuild`] makes the whole file durable before it is used.
    pub(crate) fn start_rebuild(&self) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "OFF")?;
        Ok(())
    }

    /// Fold the write-ahead log into the file and close it, so the file alone is the
    /// catalog (the caller syncs it to disk and renames it into place).
    pub(crate) fn finish_rebuild(self) -> Result<()> {
        self.conn.pragma_update(None, "journal_mode", "DELETE")?;
        self.conn.close().map_err(|(_, e)| Error::Sqlite(e))
    }

    /// Apply a store segment while rebuilding a catalog: its operations, the row naming
    /// them under the segment's own number, and, for operations that came by sync, the
    /// remote segment they arrived in. Returns how many operations were new.
    pub fn apply_store_segment(&mut self, segment: &StoreSegment) -> Result<usize> {
        self.see(&segment.ops);
        let tx = self.conn.transaction()?;
        let before = last_op(&tx)?;
        let applied = super::verdicts::take(
            &tx,
            &self.people,
            self.library,
            &segment.ops,
            super::verdicts::Origin::Received(segment.received),
        )?;
        let from = segment
            .from
            .or_else(|| segment.ops.first().map(|op| op.stamp.device));
        if let Some(remote) = segment.received
            && let Some(device) = from
        {
            let remote = to_i64(remote)?;
            tx.execute(
                "UPDATE ops SET segment = ?1 WHERE seq > ?2",
                params![remote, before],
            )?;
            tx.execute(
                "INSERT INTO segments (device, seq) VALUES (?1, ?2)
                 ON CONFLICT (device) DO UPDATE SET seq = max(seq, excluded.seq)",
                params![device.to_string(), remote],
            )?;
            if let Some(link) = &segment.link {
                super::replica::note_link(&tx, device, remote as u64, link)?;
            }
            // Its digest too, which the segment held in part cannot give again.
            super::replica::note_withheld(&tx, device, remote as u64, segment.withheld.as_ref())?;
        }
        let received = segment.received.zip(from).map(|(s, d)| (d, s));
        let keep = match segment.withheld {
            Some(_) => Keep::Always,
            None => Keep::IfNew,
        };
        record(&tx, before, received, Some(segment.seq), keep)?;
        tx.commit()?;
        Ok(applied)
    }
}
