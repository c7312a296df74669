//! `dossier-core`: Dossier's library engine. Synchronous by design (no async runtime, no
//! network, no UI): an encrypted, deduplicating content store, a SQLite catalog changed
//! only through stamped operations, and import/export/verify on top.

mod asset_url;
mod catalog;
mod error;
mod extract;
mod format;
mod fsx;
/// Entry points for the fuzz targets under `fuzz/` (the `fuzzing` feature only): the one
/// module other crates reach into, as the fuzzers need parsers that are not API.
#[cfg(feature = "fuzzing")]
pub mod fuzz;
mod ids;
mod index;
mod keys;
mod library;
mod members;
mod parse;
mod preview;
mod report;
mod role;
mod rules;
mod sniff;
mod store;
mod suggest;
mod watch;

// The API, in one place: what the CLI, the sync engine and the app use.
pub use asset_url::{AssetUrl, BadAssetUrl};
pub use catalog::jobs::{
    ExifInfo, ExtractInfo, Job, JobCounts, JobFilter, JobKind, JobState, JobStatus, PageText,
    TextSource,
};
pub use catalog::{
    ANY_PROGRAMME, AccessEntry, AccessFilter, AuditCheck, AuditEntry, AuditFinding, Catalog,
    CatalogState, ChecklistItem, DocumentDetail, DocumentSummary, Dossier, DossierGroup, HeldBatch,
    Hold, KeysSeen, Listing, SubjectFilter, SubjectRecord, Tampering, TimelineEntry, TimelineEvent,
    VersionInfo,
};
pub use error::{CatalogProblem, ConvertProblem, Error, Result, RosterIssue, RosterProblem};
pub use extract::{
    OcrConfig, PdfiumConfig, Tesseract, ToolStatus, Tools, WorkerFailure, WorkerOptions, read_text,
    run_pdf_worker_if_asked, serve_pdf_worker,
};
pub use format::batch::MAX_BATCH_OPS;
pub use format::collection_keys::{EPOCH_KEYS_FORMAT, EpochKeys, JOURNAL_SCOPE, SignedEpochKeys};
pub use format::destruction::{
    CERTIFICATE_FORMAT, Certificate, DestroyedRecord, Destruction, Method as DestructionMethod,
    RemoteCheck, Signed as SignedPart, hashed_id,
};
pub use format::disclosure::{
    Basis, DisclosedItem, Disclosure, DisclosureExport, Exception as DisclosureException,
};
pub use format::export_manifest::{ExportedDocument, ExportedFile};
pub use format::field_def::{FieldDef, FieldKind};
pub use format::identity::{IDENTITY_FORMAT, IdentityFile, PublicIdentity};
pub use format::invitation::{
    INVITATION_DAYS, INVITATION_FORMAT, Invitation, InvitationReply, MAX_INVITATION_BYTES,
    object_name as invitation_name, reply_name as invitation_reply_name,
};
pub use format::keyfile::{KeyFile, SlotKdf};
pub use format::member::{Change, MEMBER_FORMAT, SignedStatement, Statement};
pub use format::op::{FieldKey, FieldValue, Hlc, Op, OpKind, Stamp};
pub use format::person_export::{PERSON_EXPORT_FORMAT, PersonExport, PersonFile};
pub use format::request::{
    Decision, INSPECTION_DAYS, RecordRequest, Relation, RequestKind, RequestState,
};
pub use format::rule::{Action, Condition, NumberSource, Pattern, Rule};
pub use format::series::{RecordSeries, RetentionEvent, RetentionRule};
pub use format::subject::{ALL_COLLECTION, SubjectField, SubjectKind, SubjectStatus};
pub use format::view::{View, ViewFilters};
pub use ids::{
    ChunkId, ContentHash, DestructionId, DeviceId, DisclosureId, DocId, EpochObjectId,
    ErasureEpochId, InvitationId, LibraryId, MemberId, PackId, RecordKeyId, RequestId, RuleId,
    StatementId, SubjectId, VersionId, ViewId,
};
pub use index::{Card, Facets, SearchHit, SearchRequest, SearchResults, SortOrder};
pub use keys::{
    ErasureKey, ErasureRecoveryCode, Fingerprint, Identity, InviteCode, KdfParams, LibraryKey,
    MasterKey, MembersKey, OsKeyring, Purpose, RecoveryKey, Secret, seal_to, verify_signature,
};
pub use library::{
    Access, AffectedDocument, CacheReport, CatalogRepair, CertificateCheck, CollectionAccess,
    CompareOptions, DestructionEntry, DestructionReport, DiffLine, DisclosureEntry,
    DisclosureExportOptions, DisclosureExportReport, Disposition, DispositionState, ErasureStatus,
    ExportAllReport, FilingSuggestion, FromKeyring, HeldDocument, Hunk, ImportEvent, ImportOptions,
    ImportOutcome, ImportReport, InitOptions, InvitationEntry, InvitationState, Library,
    LibraryStats, LineOp, LockedLibrary, MAX_ATTEMPTS, MAX_LEARNED, MAX_ROSTER_PEOPLE,
    MetadataChange, NewDisclosure, NewInvitation, NewRequest, PersonClue, PersonEntry,
    PersonExportReport, PersonSuggestion, Preview, ProcessEvent, ProcessOptions, ProcessReport,
    PruneOptions, PruneReport, PurgeReport, RebuildEvent, RebuildReport, RecoveryCodeState,
    RemoteShredding, RepairKey, RequestEntry, RestoredLibrary, Roster, RosterLine, RosterOptions,
    RosterReport, RuleMatch, SEGMENT_OPS, SITTING_IDLE_MS, SubjectValues, TextState, VerifyReport,
    VersionDiff, Viewing, answer_invitation, default_library_path, describe_rule,
    new_archive_password, own_answer, parse_roster,
};
pub use members::{
    Grant, Refusal, Refused, Registry, Verdict, open_epochs, open_sealed_to, sign_batch,
};
pub use parse::{
    day as parse_day, interval as parse_interval, moment as parse_moment,
    search_date as parse_search_date, size as parse_size,
};
pub use preview::page_images;
pub use report::{Column, Report, ReportForm};
pub use role::{BatchRefusal, Permission, Role};
pub use sniff::sniff;
pub use suggest::{
    Classifier, Features, Filing, Guess, MAX_TEXT_CHARS, SUGGEST_CONFIDENCE, Suggester, Suggestion,
};
pub use watch::{FolderWatcher, IMPORTED_DIR, NotMoved, WatchOptions, move_done, move_imported};

// What a library keeps on a remote, for the sync engine: the objects' names, formats and
// the most Dossier ever writes of each.
pub use format::checkpoint::{
    CHECKPOINT_FORMAT, Head, Heads, PREFIX_LEN as CHECKPOINT_PREFIX_LEN,
    header_end as checkpoint_header_end, heads_of as checkpoint_heads,
    object_name as checkpoint_name, parse_object_name as parse_checkpoint_name,
};
pub use format::collection_keys::{EPOCH_OBJECT_PREFIX, MAX_EPOCH_BYTES, is_epoch_object_name};
pub use format::journal::{
    AuditHash, AuditHead, Link, Segment, object_name as segment_name,
    parse_object_name as parse_segment_name, sealed_epoch as segment_sealed_epoch,
};
pub use format::repo::{
    Authenticity, MAX_KEY_OBJECT, REPO_FORMAT, REPO_OBJECT, RepoFile, key_object_name,
    parse_key_object_name,
};
pub use format::{MAX_CHECKPOINT_JSON, MAX_SEGMENT_JSON, max_sealed};
pub use store::{MAX_PACK, PackSource};

/// Fill `buf` from the operating system's secure random generator.
pub(crate) fn fill_random(buf: &mut [u8]) {
    use rand::TryRngCore;
    rand::rngs::OsRng
        .try_fill_bytes(buf)
        .expect("the OS random generator is available");
}
