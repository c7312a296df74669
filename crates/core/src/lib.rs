//! `dossier-core`: Dossier's library engine. Synchronous by design (no async runtime, no
//! network, no UI): an encrypted, deduplicating content store, a SQLite catalog changed
//! only through stamped operations, and import/export/verify on top.

mod asset_url;
pub mod catalog;
mod error;
pub mod extract;
pub mod format;
mod fsx;
#[cfg(feature = "fuzzing")]
pub mod fuzz;
mod ids;
pub mod index;
pub mod keys;
mod library;
mod preview;
mod sniff;
pub mod store;
pub mod watch;

pub use asset_url::{AssetUrl, BadAssetUrl};
pub use catalog::jobs::{
    ExifInfo, ExtractInfo, Job, JobCounts, JobFilter, JobKind, JobState, JobStatus, PageText,
    TextSource,
};
pub use catalog::{
    AuditEntry, Catalog, DocumentDetail, DocumentSummary, KeysSeen, Listing, VersionInfo,
};
pub use error::{CatalogProblem, Error, Result};
pub use extract::{
    OcrConfig, PdfiumConfig, ToolStatus, Tools, WorkerFailure, WorkerOptions,
    run_pdf_worker_if_asked, serve_pdf_worker,
};
pub use format::op::{FieldKey, FieldValue};
pub use ids::{ChunkId, ContentHash, DeviceId, DocId, LibraryId, PackId, VersionId};
pub use index::{Card, Facets, SearchHit, SearchRequest, SearchResults, SortOrder};
pub use keys::{KdfParams, OsKeyring, RecoveryKey};
pub use library::{
    Access, AffectedDocument, CacheReport, CatalogRepair, CompareOptions, DiffLine,
    ExportAllReport, ExportedFile, HeldDocument, Hunk, ImportEvent, ImportOptions, ImportOutcome,
    ImportReport, InitOptions, Library, LibraryStats, LineOp, LockedLibrary, MAX_ATTEMPTS,
    MetadataChange, Preview, ProcessEvent, ProcessOptions, ProcessReport, PruneOptions,
    PruneReport, PurgeReport, RebuildEvent, RebuildReport, RestoredLibrary, SEGMENT_OPS, Secret,
    TextState, VerifyReport, VersionDiff, default_library_path,
};
pub use sniff::sniff;

/// Fill `buf` from the operating system's secure random generator.
pub(crate) fn fill_random(buf: &mut [u8]) {
    use rand::TryRngCore;
    rand::rngs::OsRng
        .try_fill_bytes(buf)
        .expect("the OS random generator is available");
}
