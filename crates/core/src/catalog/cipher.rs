//! The catalog at rest: SQLCipher encrypts every page of `catalog.sqlite` and of its
//! write-ahead log with a raw 256-bit key derived from the master key (no passphrase
//! derivation per open: the master key is already strong). Temporary tables and sorts stay
//! in memory, so SQLite writes no plaintext temporary file.
//!
//! A catalog written before encryption (plain SQLite) is converted by the first writer that
//! opens it: exported into an encrypted file beside it, made durable, renamed over it.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, params};

use crate::error::{Error, IoContext, Result};
use crate::keys::CatalogKey;

/// The first 16 bytes of a plain SQLite database; an encrypted one starts with random salt.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` is an unencrypted SQLite database.
pub(super) fn is_plaintext(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e).io("open", path),
    };
    let n = f.read(&mut head).io("read", path)?;
    Ok(n == head.len() && &head == PLAIN_HEADER)
}

/// Key a fresh connection; must come before anything reads the database.
pub(super) fn apply_key(conn: &Connection, key: &CatalogKey) -> rusqlite::Result<()> {
    // Our own statement (rusqlite's `pragma_update` would copy the key into a buffer it
    // does not wipe); the literal is hex digits and quotes only.
    let literal = key.sql_literal();
    let mut sql = zeroize::Zeroizing::new(String::with_capacity(literal.len() + 16));
    sql.push_str("PRAGMA key = \"");
    sql.push_str(&literal);
    sql.push_str("\";");
    conn.execute_batch(&sql)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

fn sibling(path: &Path, name: &str) -> PathBuf {
    path.with_file_name(name)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).io("remove", path),
    }
}

/// Encrypt a plain catalog in place, crash-safely: at every moment `path` is either the
/// whole plain catalog or the whole encrypted one.
pub(super) fn encrypt_in_place(path: &Path, key: &CatalogKey) -> Result<()> {
    let tmp = sibling(path, "catalog.encrypting.sqlite");
    for leftover in [tmp.clone(), with_suffix(&tmp, "-journal")] {
        remove_if_there(&leftover)?;
    }
    {
        if !path.is_file() {
            return Err(Error::Io {
                action: "encrypt",
                path: path.to_owned(),
                source: std::io::ErrorKind::NotFound.into(),
            });
        }
        // CREATE: the attached encrypted file is new (the plain one exists, checked above).
        sqlite_ready();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Everything into the main file first, so the export sees all of it and the WAL
        // holds nothing when it is removed below. A reader still inside a transaction
        // would keep frames back: then stop, and leave the plain catalog as it is.
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(Error::Io {
                action: "encrypt",
                path: path.to_owned(),
                source: std::io::Error::other(
                    "another program is reading the catalog; close it and try again",
                ),
            });
        }
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tmp_str = tmp.to_str().ok_or_else(|| Error::Io {
            action: "encrypt the catalog into",
            path: tmp.clone(),
            source: std::io::Error::other("the library's path is not valid Unicode"),
        })?;
        let literal = key.sql_literal();
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            params![tmp_str, literal.as_str()],
        )?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.pragma_update(Some("encrypted"), "user_version", version)?;
        conn.execute("DETACH DATABASE encrypted", [])?;
        conn.close().map_err(|(_, e)| Error::Sqlite(e))?;
    }
    crate::store::sync_file(&tmp)?;
    // The plain write-ahead log and its index are empty after the checkpoint; they must
    // not sit beside the encrypted file.
    for side in ["-wal", "-shm"] {
        remove_if_there(&with_suffix(path, side))?;
    }
    std::fs::rename(&tmp, path).io("rename", path)?;
    if let Some(dir) = path.parent() {
        crate::store::sync_dir(dir)?;
    }
    Ok(())
}

/// Open the process's first SQLite connection, once, while any other thread waits.
/// SQLite marks itself initialised before it runs SQLCipher's part of the initialisation
/// (which registers `sqlcipher_export`), so a connection opened on another thread in
/// between lacks those functions and converting a catalog fails ("no such function").
/// Every connection of the catalog is opened after this.
pub(super) fn sqlite_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        // Any failure shows again, with its cause, at the connection that follows.
        let _ = Connection::open_in_memory();
    });
}
