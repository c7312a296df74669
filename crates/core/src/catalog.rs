//! The catalog: `catalog.sqlite` in WAL mode, changed only by applying [`Op`]s.
//!
//! **Invariant:** every change to documents, versions, tags, fields, packs and audit goes
//! through [`Catalog::commit`], which writes the operation to the journal (`ops`) and
//! applies it in the same transaction. Those tables are a projection of the journal; only
//! the derived tables of [`jobs`] (jobs, extracted text, index queue) change outside it.

mod apply;
mod audit;
mod audit_check;
mod cipher;
mod dossier;
mod gc;
mod indexing;
pub mod jobs;
mod people;
mod query;
mod record_keys;
mod replica;
mod rules;
pub mod schema;
mod series;
mod store_journal;
mod subjects;
mod type_fields;
mod verdicts;
mod views;

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

pub use audit::{AccessEntry, AccessFilter, AuditEntry};
pub use audit_check::{AuditCheck, AuditFinding, Tampering};
pub use dossier::{
    ANY_PROGRAMME, ChecklistItem, Dossier, DossierGroup, TimelineEntry, TimelineEvent,
};
pub use gc::KeysSeen;
pub use query::{DocumentDetail, DocumentSummary, Hold, LibraryKeyContent, Listing, VersionInfo};
pub use record_keys::{KeepKey, KeyOps};
pub(crate) use series::RetentionFacts;
pub use store_journal::CatalogState;
pub(crate) use store_journal::REBUILT_INCOMPLETE;
pub use subjects::{SubjectFilter, SubjectRecord};
pub use verdicts::HeldBatch;

use crate::error::{IoContext, Result};
use crate::format::op::{Hlc, Op, OpKind, Stamp};
use crate::ids::{DeviceId, LibraryId};
use crate::keys::CatalogKey;

/// How the catalog is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogMode {
    /// Create a new catalog (a new library, a rebuild), then as [`CatalogMode::Write`].
    Create,
    /// Migrate and allow writes (the caller holds the writer lock). The file must exist:
    /// an existing library's catalog is never silently made anew.
    Write,
    /// Read only; no migration.
    Read,
}

/// SQLite's page cache of a read-only connection, as SQLite counts it (negative: KiB).
/// SQLite's default is 2 MiB per connection.
const READER_CACHE_KIB: i64 = -512;

/// The SQLite catalog of one library.
#[derive(Debug)]
pub struct Catalog {
    conn: Connection,
    device: DeviceId,
    /// The library it belongs to: what its people's statements and batches must name.
    library: LibraryId,
    last: Hlc,
    people: people::PeopleCache,
}

/// The `meta` table's value of `key` (on the connection or inside a transaction).
fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// Set the `meta` table's value of `key`.
fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

impl Catalog {
    /// Open (and create, in write mode) the catalog at `path`, encrypted with `key`. A
    /// catalog from before encryption is encrypted in place by a writer, and read as it
    /// is by a reader.
    pub fn open(
        path: &Path,
        library: LibraryId,
        device: DeviceId,
        mode: CatalogMode,
        key: &CatalogKey,
    ) -> Result<Self> {
        let plaintext = cipher::is_plaintext(path)?;
        let writes = mode != CatalogMode::Read;
        if plaintext && writes {
            cipher::encrypt_in_place(path, key)?;
        }
        if writes {
            // SQLite gives its -wal and -shm files the database file's permissions: a new
            // catalog starts as an empty private file, an older one is made private.
            if mode == CatalogMode::Create && !path.exists() {
                crate::store::create_private(path)?;
            }
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                crate::fsx::make_private_file(Path::new(&p)).io("protect", path)?;
            }
        }
        cipher::sqlite_ready();
        let mut conn = match mode {
            CatalogMode::Create => Connection::open(path)?,
            CatalogMode::Write => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
            CatalogMode::Read => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
        };
        if !(plaintext && mode == CatalogMode::Read) {
            cipher::apply_key(&conn, key)?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        match mode {
            CatalogMode::Create | CatalogMode::Write => {
                conn.pragma_update(None, "journal_mode", "WAL")?;
                // FULL: a commit that returned survives power loss, not only a crash.
                conn.pragma_update(None, "synchronous", "FULL")?;
                conn.pragma_update(None, "foreign_keys", "ON")?;
                // What is deleted (a destroyed or purged record) is overwritten, not left
                // in free pages that the catalog's key would still open.
                conn.pragma_update(None, "secure_delete", "ON")?;
                schema::migrate(&mut conn)?;
            }
            CatalogMode::Read => {
                schema::check_readable(&conn)?;
                // Readers answer lists and searches page by page from pages the system
                // already caches; a small cache of their own keeps an idle app small.
                conn.pragma_update(None, "cache_size", READER_CACHE_KIB)?;
            }
        }
        let last = conn
            .query_row("SELECT max(stamp) FROM ops", [], |r| {
                r.get::<_, Option<String>>(0)
            })?
            .map(|k| Stamp::parse(&k))
            .transpose()?
            .map(|s| s.hlc)
            .unwrap_or(Hlc {
                wall_ms: 0,
                counter: 0,
            });
        Ok(Self {
            conn,
            device,
            library,
            last,
            people: Default::default(),
        })
    }

    /// This device's id.
    pub fn device(&self) -> DeviceId {
        self.device
    }

    /// A stamp later than every stamp this catalog has seen (hybrid logical clock).
    pub fn next_stamp(&mut self) -> Stamp {
        let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        self.last = if now > self.last.wall_ms {
            Hlc {
                wall_ms: now,
                counter: 0,
            }
        } else {
            Hlc {
                wall_ms: self.last.wall_ms,
                counter: self.last.counter + 1,
            }
        };
        Stamp {
            hlc: self.last,
            device: self.device,
        }
    }

    /// Stamp `kinds` in order and commit them in one transaction.
    pub fn commit(&mut self, kinds: Vec<OpKind>) -> Result<Vec<Op>> {
        let ops: Vec<Op> = kinds
            .into_iter()
            .map(|kind| Op {
                stamp: self.next_stamp(),
                kind,
            })
            .collect();
        self.apply_ops(&ops)?;
        Ok(ops)
    }

    /// Apply operations committed on this desktop in one transaction; returns how many
    /// were new. In a library kept by its people, a batch its signer may not make is
    /// refused ([`crate::Error::BatchRefused`]) and nothing is written.
    pub fn apply_ops(&mut self, ops: &[Op]) -> Result<usize> {
        self.take_ops(ops, verdicts::Origin::Local)
    }

    /// Apply operations another catalog of this library accepted (a copy of it as it was),
    /// in one transaction, without judging them again (nothing is held, nothing re-judged).
    pub fn apply_accepted(&mut self, ops: &[Op]) -> Result<usize> {
        self.take_ops(ops, verdicts::Origin::Accepted)
    }

    fn take_ops(&mut self, ops: &[Op], origin: verdicts::Origin) -> Result<usize> {
        self.see(ops);
        let tx = self.conn.transaction()?;
        let before = store_journal::last_op(&tx)?;
        let applied = verdicts::take(&tx, &self.people, self.library, ops, origin)?;
        store_journal::record(&tx, before, None, None, store_journal::Keep::IfNew)?;
        tx.commit()?;
        Ok(applied)
    }

    /// Keep the clock past every stamp seen.
    fn see(&mut self, ops: &[Op]) {
        if let Some(max) = ops.iter().map(|op| op.stamp.hlc).max()
            && max > self.last
        {
            self.last = max;
        }
    }

    /// Free the pages of the connection's cache that are not in use (SQLite's
    /// `shrink_memory`); they are read again from the file when needed.
    pub(crate) fn release_memory(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(())
    }

    /// The connection, for tests that change the catalog behind its back.
    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// How SQLite runs `sql` with `params` (the detail of each step of `EXPLAIN QUERY
    /// PLAN`): what tests check to see a query reads its index.
    #[cfg(test)]
    pub(crate) fn query_plan(&self, sql: &str, params: impl rusqlite::Params) -> Vec<String> {
        self.conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(params, |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap()
    }
}

#[cfg(test)]
mod tests;
