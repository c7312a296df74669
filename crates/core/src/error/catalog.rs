//! What is wrong with a catalog that `Error::CatalogUnusable` refuses.

/// What is wrong with a catalog that [`Error::CatalogUnusable`] refuses.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogProblem {
    /// `catalog.sqlite` is not there.
    #[error("is missing")]
    Missing,
    /// The file is there but empty (zero bytes, or no tables).
    #[error("is empty")]
    Empty,
    /// The store journal has transactions the catalog does not: an older copy (a
    /// backup, a sync conflict, a copy without its `-wal` file).
    #[error(
        "is older than the library's store: it holds {catalog} of the {store} transactions \
         recorded there (a copy from a backup, or one without its -wal file)"
    )]
    Behind { catalog: u64, store: u64 },
    /// A catalog from before the store journal that holds nothing while packs exist.
    #[error("holds no records while the store holds {packs} pack(s)")]
    NoRecords { packs: usize },
    /// SQLite cannot read it (not a database, or damaged).
    #[error("cannot be read ({0})")]
    Unreadable(#[source] rusqlite::Error),
}

impl CatalogProblem {
    /// The problem for a SQLite error that means the file itself is damaged.
    pub(crate) fn from_sqlite(e: rusqlite::Error) -> std::result::Result<Self, rusqlite::Error> {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Ok(Self::Unreadable(e)),
            _ => Err(e),
        }
    }
}
