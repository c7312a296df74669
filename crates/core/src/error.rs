//! The one error type of `dossier-core`, with typed sources.

use std::path::PathBuf;

use crate::ids::{ChunkId, MemberId, PackId};
use crate::role::Role;

mod catalog;
mod roster;
mod worker;
pub use catalog::CatalogProblem;
use roster::first_problems;
pub use roster::{RosterIssue, RosterProblem};
pub use worker::{ConvertProblem, PdfProblem, WorkerFailure};

/// Everything that can go wrong in the library engine: a variant per condition a caller
/// acts on. Not `#[non_exhaustive]`: the front ends map every variant to words for people,
/// and a new one should not compile until they do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A filesystem operation failed; `path` names what was being touched.
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The folder is not a Dossier library (no `library.json`).
    #[error("{0} is not a Dossier library (no library.json); create one with `dossier init`")]
    NotALibrary(PathBuf),

    /// `init` was asked to create a library where one (or other files) already exist.
    #[error("{0} already exists and is not empty; choose an empty or new folder")]
    AlreadyExists(PathBuf),

    /// Another process holds the library's writer lock.
    #[error("library in use: {holder} holds the writer lock on {path}; close it and try again")]
    LibraryInUse { path: PathBuf, holder: String },

    /// The library (or its catalog) was written by a newer Dossier.
    #[error(
        "{what} has format version {found}, this Dossier understands up to {supported}; update Dossier"
    )]
    TooNew {
        what: &'static str,
        found: u32,
        supported: u32,
    },

    /// A persisted file could not be parsed.
    #[error("{path} is malformed: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    /// Encoding or decoding an operation or record failed.
    #[error("malformed record: {0}")]
    Serde(#[from] serde_json::Error),

    /// The catalog database reported an error.
    #[error("catalog: {0}")]
    Sqlite(#[from] rusqlite::Error),

    /// The catalog cannot be used as it is; opening it changed nothing.
    #[error(
        "the catalog {} {problem}. Nothing was changed. Run `dossier repair --rebuild-catalog` \
         to rebuild it from the library's own store (the current catalog is kept aside)",
        path.display()
    )]
    CatalogUnusable {
        path: PathBuf,
        problem: CatalogProblem,
    },

    /// A catalog rebuild found no store journal to rebuild from.
    #[error(
        "{} holds no journal to rebuild the catalog from (libraries made before Dossier \
         kept one there); put back a copy of catalog.sqlite from a backup instead",
        .0.display()
    )]
    NoStoreJournal(PathBuf),

    /// No key slot accepted the passphrase or recovery key.
    #[error("wrong passphrase or recovery key: no key slot of this library accepts it")]
    WrongPassphrase,

    /// Every key slot for this kind of secret is damaged or asks for more memory or time
    /// than Dossier allows (a slot written by someone else): none was tried.
    #[error(
        "no key slot of this library can be used with this kind of secret: each is \
         damaged or asks for more than Dossier allows; use the other kind (passphrase or \
         recovery key), or put back keys.json from a backup"
    )]
    NoUsableKeySlot,

    /// A recovery key was typed with a mistake (bad characters or checksum).
    #[error("this recovery key is mistyped ({0}); check it against the printed copy")]
    MalformedRecoveryKey(&'static str),

    /// An erasure recovery code was typed with a mistake (bad characters or checksum), or
    /// something else (the library's recovery key) was typed in its place.
    #[error(
        "this erasure recovery code is mistyped ({0}); check it against the printed sheet \
         (it is not the library's recovery key)"
    )]
    MalformedErasureCode(&'static str),

    /// An erasure recovery code well typed, but none this library was given its erasure
    /// key for (another library's, or one made after the last sync of the desktop that made
    /// it).
    #[error(
        "this erasure recovery code is not one of this library's: no key was given for it \
         (check it is this library's newest sheet)"
    )]
    ErasureCodeUnknown,

    /// This desktop does not hold the current erasure key, so it cannot make a recovery
    /// code for it.
    #[error(
        "this desktop does not hold the library's erasure key yet: sync, and make the code \
         once another desktop has given it the key"
    )]
    ErasureKeyNotHeld,

    /// A key slot operation was refused.
    #[error("{0}")]
    KeySlot(&'static str),

    /// A department member signed in on a library folder made by someone who reads every
    /// record: its catalog holds what they may not read, and their keys do not open it.
    #[error(
        "this desktop's copy of the library was made by someone who may read every record, \
         and holds records you may not read: sign in on your own desktop, or join the \
         library in a new folder here"
    )]
    FolderReadsMore,

    /// Someone signed in on a department member's own folder (or opened it signed in as
    /// no one): its key is sealed to that member alone.
    #[error(
        "this desktop's copy of the library belongs to another person, and only they can \
         open it: sign in on your own desktop, or join the library in a new folder here"
    )]
    FolderOfAnotherPerson,

    /// A department member signed in on their own folder with other keys than it was
    /// made with (their identity was reissued since): its key is sealed to those.
    #[error(
        "this desktop's copy of the library was made with other keys of yours (they were \
         reissued since), which alone open it: join the library in a new folder here (this \
         folder is left as it is)"
    )]
    FolderOfOtherKeys,

    /// Something only the library's own key does, asked of a desktop signed in as
    /// department staff, whose slot holds the members' key in its place.
    #[error(
        "only someone who may read every record can {what}: department staff are not \
         given the library's own key"
    )]
    LibraryKeyWithheld { what: &'static str },

    /// The OS keyring is not available (no Secret Service, locked, not supported).
    #[error("the OS keyring is unavailable: {0}")]
    KeyringUnavailable(#[source] keyring_core::Error),

    /// Password hashing failed (bad parameters).
    #[error("key derivation failed: {0}")]
    Kdf(argon2::Error),

    /// Stored data failed an integrity check: authentication, hash or structure.
    #[error("integrity failure in {object}: {detail}")]
    Integrity {
        object: String,
        detail: &'static str,
    },

    /// Another device's journal segment does not follow the segment of that device this
    /// desktop holds: two histories of one device (a copy of its library folder writing
    /// as it, or a remote showing desktops different histories). Not applied.
    #[error(
        "{object} does not follow the change batch this desktop holds of that device: its history forked (a copy of that desktop's library folder may be in use); nothing of it was applied"
    )]
    HistoryFork { object: String },

    /// A signature does not verify: not made by the member it names, or what was signed
    /// changed since. Nothing signed by it is used.
    #[error(
        "{object} does not carry a valid signature of member {member}: it was not made by \
         them, or was changed since; nothing of it was used"
    )]
    BadSignature { object: String, member: MemberId },

    /// The member's role does not allow this (or they are not a member, `role` `None`).
    #[error("{} may not {what}", match role {
        Some(r) => format!("member {member}, as {}", r.name()),
        None => format!("{member}, not a member of this library,"),
    })]
    NotPermitted {
        member: MemberId,
        role: Option<Role>,
        what: &'static str,
    },

    /// A record of a collection whose key was not sealed to the person signed in (or has
    /// not reached this desktop yet): its content cannot be read or written here.
    #[error(
        "the records of collection {collection} cannot be opened on this desktop: its key \
         was not given to the person signed in, or has not arrived yet (sync, then try again)"
    )]
    CollectionKeyUnavailable { collection: String },

    /// A record's own key (issue 22) has not reached this desktop: it travels sealed
    /// under the current erasure epoch's key, which another desktop of the library gives
    /// this one at its next sync.
    #[error(
        "this record's content cannot be opened on this desktop yet: its key comes from \
         another desktop of the library once that one syncs (sync again later)"
    )]
    RecordKeyUnavailable { key: crate::ids::RecordKeyId },

    /// Part of the library's journal (`object`) is sealed under a key of the journal that
    /// was not given to the person signed in: they are no longer a member, or the key
    /// has not reached this desktop yet.
    #[error(
        "{object} cannot be read on this desktop: it is sealed under keys of the library \
         that were not given to the person signed in (removed from the library, or the \
         keys have not arrived yet: sync again later, or ask the library's owner)"
    )]
    JournalKeyUnavailable { object: String },

    /// Another desktop's journal segment (`object`) sealed under the library's own key
    /// after the journal had keys of its own (its writer had not heard of them yet), on
    /// a desktop not given that key (department staff). Sync waits for it: a desktop
    /// that reads every record seals it again in a checkpoint, which this one takes it
    /// from.
    #[error(
        "{object} is sealed under the library's own key, which department staff are not \
         given: it waits until a desktop that reads every record seals it again (sync \
         again later)"
    )]
    JournalUnderLibraryKey { object: String },

    /// The journal's newest key was given to someone who has since left, and no newer
    /// one has reached this desktop: it sends nothing until an owner's desktop has given
    /// the members new keys (nothing is lost; the changes wait here).
    #[error(
        "changes made here wait to be sent: someone who held the library's keys has left, \
         and an owner's desktop has not given the members new ones yet (sync the owner's \
         desktop, then this one)"
    )]
    JournalKeyOutdated,

    /// A batch of changes made on this desktop that its signer's role does not allow, or
    /// that is not signed as the library's people require: nothing of it was written.
    #[error("these changes cannot be made: {}", refusal.describe())]
    BatchRefused { refusal: crate::role::BatchRefusal },

    /// The library is kept by its people (issue 21) and no one is signed in: a passphrase
    /// or the recovery key alone does not let anyone act as one of them.
    #[error(
        "this library is kept by its people: sign in as one of them (the app's sign-in, or \
         `dossier --as NAME`) to {what}"
    )]
    SignInRequired { what: &'static str },

    /// This desktop holds a person's slot but has not yet received the library's people
    /// (a desktop that joined and has not synced): nothing can be judged, so nothing is
    /// changed.
    #[error(
        "this desktop has not yet received who may do what in this library: sync with the \
         remote first"
    )]
    PeopleNotReceived,

    /// A change to the library's members cannot be made.
    #[error("this change to the library's members cannot be made: {reason}")]
    MemberChangeRefused { reason: &'static str },

    /// An invitation code was typed with a mistake (bad characters or checksum).
    #[error(
        "this invitation code is mistyped ({reason}); check it against the one you were \
         given"
    )]
    MalformedInviteCode { reason: &'static str },

    /// No invitation for this code is on the library's remote: it was never made there,
    /// or the code belongs to another library's remote.
    #[error(
        "no invitation for this code is on this remote: check the remote's address \
         and the code with the person who invited you"
    )]
    InvitationUnknown,

    /// An invitation or its reply does not open with the code: it was changed, or made by
    /// someone who does not have the code. Nothing of it was used.
    #[error(
        "this invitation (or its answer) was not made with its code, or was changed \
         since: nothing of it was used; ask for a new invitation"
    )]
    InvitationNotAuthentic,

    /// The invitation has been answered already (on this code, by someone): a second
    /// answer is never taken.
    #[error(
        "this invitation has been answered already: if that was not you, tell \
         the person who invited you, and ask for a new one"
    )]
    InvitationAnswered,

    /// The answer to an invitation found on the remote does not open with the passphrase
    /// typed: mistyped, or someone else answered in this person's place.
    #[error(
        "the answer to this invitation does not open with this passphrase: check it; if it \
         is right, someone else answered in your place: do not read any digits to anyone, \
         tell the person who invited you, and ask for a new invitation"
    )]
    AnswerNotYours,

    /// The invitation is not waiting any more: expired, withdrawn or already confirmed.
    #[error("this invitation is no longer open ({reason}): ask for a new one")]
    InvitationClosed { reason: &'static str },

    /// The invitee has not answered yet: there is nothing to confirm.
    #[error(
        "{name} has not answered the invitation yet: they enter the code on their desktop \
         first"
    )]
    InvitationNotAnswered { name: String },

    /// The invitee's desktop looked for its slot before an owner confirmed the answer
    /// (and synced): nothing was made.
    #[error(
        "{name} has not confirmed your answer yet: read them your fingerprint, and try \
         again once they have confirmed it"
    )]
    InvitationNotConfirmed { name: String },

    /// The fingerprint typed is not the one of the identity that answered: someone else
    /// may have answered in the invitee's place. Nothing was granted.
    #[error(
        "the fingerprint does not match the one of the identity that answered: nothing was \
         granted. Compare it again with the digits on {name}'s screen; if they differ, \
         withdraw the invitation and make a new one"
    )]
    FingerprintMismatch { name: String },

    /// A chunk referenced by a version is not in the store.
    #[error("chunk {0} is missing from the store")]
    MissingChunk(ChunkId),

    /// A pack referenced by the catalog is missing from the store.
    #[error("pack {0} is missing from the store")]
    MissingPack(PackId),

    /// A pack kept only on the remote could not be fetched (offline, remote failing).
    #[error(
        "this content is kept on the remote and could not be fetched ({source}); check the network and try again"
    )]
    Fetch {
        pack: PackId,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A document reference did not match exactly one document.
    #[error("no document matches {reference:?}")]
    NoSuchDocument { reference: String },

    /// No person's record matches a number, id or name.
    #[error("no student or staff member matches {reference:?}; `dossier subject ls` lists them")]
    NoSuchSubject { reference: String },

    /// A reference to a person matched several records.
    #[error("{reference:?} matches {count} people; give their number or more of the id")]
    AmbiguousSubject { reference: String, count: usize },

    /// A value for a field of a person's record that cannot be used.
    #[error("{field} {value:?} is not usable: expected {expected}")]
    BadSubjectValue {
        field: &'static str,
        value: String,
        expected: &'static str,
    },

    /// Adding a person whose number the library has already.
    #[error("{kind} {number} is already in the library ({name}); edit that record instead")]
    SubjectExists {
        kind: &'static str,
        number: String,
        name: String,
    },

    /// Merging a person into themselves, or into a record already merged into them.
    #[error("these are already one person's record")]
    SameSubject,

    /// Undoing a merge of a record that is merged into no other.
    #[error("this record is not merged into another")]
    SubjectNotMerged,

    /// An intake rule that cannot be used.
    #[error("rule {rule:?}: {what}: {reason}")]
    BadRule {
        rule: String,
        what: String,
        reason: &'static str,
    },

    /// A rule's regular expression that does not compile.
    #[error("rule {rule:?}: the pattern {pattern:?} is not a usable regular expression ({source})")]
    BadPattern {
        rule: String,
        pattern: String,
        #[source]
        source: regex::Error,
    },

    /// A saved view that cannot be saved as it is.
    #[error("view {view:?}: {what}: {reason}")]
    BadView {
        view: String,
        what: String,
        reason: &'static str,
    },

    /// Fields of a document type that cannot be saved as they are.
    #[error("the fields of {doc_type:?}: {what}: {reason}")]
    BadFieldDefs {
        doc_type: String,
        what: String,
        reason: &'static str,
    },

    /// A value its field's kind does not allow (a number field given words, a date that
    /// is not one, a choice not on the list).
    #[error("{field}: {value:?} is not {expected}")]
    BadFieldValue {
        field: String,
        value: String,
        expected: String,
    },

    /// No saved view has that id or name.
    #[error("no saved view matches {reference:?}")]
    NoSuchView { reference: String },

    /// No rule has that id or name.
    #[error("no rule matches {reference:?}; `dossier rules ls` lists them")]
    NoSuchRule { reference: String },

    /// A roster file with lines that cannot be imported; nothing was imported.
    #[error("{} has {} problem(s); nothing was imported. {}", file.display(), problems.len(), first_problems(problems))]
    RosterRejected {
        file: PathBuf,
        problems: Vec<RosterProblem>,
    },

    /// A document id prefix matched several documents.
    #[error("{prefix:?} matches {count} documents; give more of the id")]
    AmbiguousDocument { prefix: String, count: usize },

    /// The version number does not exist for this document.
    #[error("document has no version {0}")]
    NoSuchVersion(u32),

    /// A page number outside the document.
    #[error("there is no page {page}: the document has {pages} page(s)")]
    NoSuchPage { page: u32, pages: u32 },

    /// An office document could not be shown as pages: LibreOffice is missing, could
    /// not read it, or took too long (its text is still searchable).
    #[error("{}", problem.describe())]
    NotConverted { problem: ConvertProblem },

    /// The file type has no page images (only a generic icon as its thumbnail).
    #[error("no page images for {mime} files; `dossier text` shows their text")]
    NoPageImages { mime: String },

    /// A document must be read (its text extracted) before its copy can be redacted.
    #[error(
        "\"{title}\" has not been read yet, so other people's names in it cannot be found; wait until processing finishes and try again"
    )]
    NotReadYet { title: String },

    /// A document filed under another person, named in a student's disclosure.
    #[error(
        "\"{title}\" is filed under someone else, not {student}: disclose it from its own person's record"
    )]
    NotTheirRecord { title: String, student: String },

    /// Directory information asked of a student who opted out of its disclosure (34 CFR
    /// 99.37).
    #[error(
        "{student} opted out of directory information ({since}): it cannot be disclosed as directory information"
    )]
    DirectoryOptOut { student: String, since: String },

    /// A legal hold or a retention period keeps the document from being deleted for good.
    #[error("\"{title}\" cannot be deleted for good: {why}")]
    Held { title: String, why: String },

    /// A document asked to be destroyed whose series' rule does not make it due.
    #[error("\"{title}\" is not due for destruction: {why}")]
    NotDue { title: String, why: String },

    /// No destruction of this library has this id.
    #[error("no destruction {batch} is recorded in this library")]
    NoSuchDestruction { batch: String },

    /// A change synced from another desktop was made by a newer version of Dossier, with
    /// a kind of operation this one does not know.
    #[error(
        "{object} holds a change made by a newer version of Dossier ({kind}); update Dossier on this desktop to receive it"
    )]
    NeedsNewerDossier { object: String, kind: String },

    /// Something typed could not be understood: a date, a size, an identifier.
    #[error("{input:?} is not {expected}")]
    NotUnderstood {
        input: String,
        /// What was expected, with an example ("a date like 2031-06-30").
        expected: &'static str,
    },

    /// A change was asked of a library opened read-only.
    #[error("this library was opened read-only; close other windows using it and try again")]
    ReadOnly,

    /// The catalog is older than this Dossier and only its writer upgrades it.
    #[error(
        "the catalog needs an upgrade; run any writing command (e.g. `dossier verify` after `dossier import`) first"
    )]
    CatalogNeedsUpgrade,

    /// The catalog holds a value this Dossier does not know (a newer Dossier wrote it).
    #[error("the catalog holds a {what} this Dossier does not know ({value:?}); update Dossier")]
    UnknownInCatalog { what: &'static str, value: String },

    /// Another device's journal segment arrived before the one before it.
    #[error("{object} arrived before segment {expected} of that device")]
    SegmentOutOfOrder { object: String, expected: u64 },

    /// What should be added as a version is not a regular file.
    #[error("{} is not a file", path.display())]
    NotAFile { path: PathBuf },

    /// The document is in the trash already.
    #[error("this document is already in the trash")]
    AlreadyTrashed,

    /// The document is not in the trash (only documents there can be deleted for good).
    #[error(
        "this document is not in the trash (only documents in the trash can be deleted for good)"
    )]
    NotTrashed,

    /// The document is under a legal hold already.
    #[error("this document is already under a legal hold")]
    AlreadyHeld,

    /// The document is under no legal hold to release.
    #[error("this document is not under a legal hold")]
    NotHeld,

    /// Restoring the version that is current already.
    #[error("version {number} is already the current version")]
    AlreadyCurrent { number: u32 },

    /// The document has no concurrent versions to settle.
    #[error("this document has no concurrent versions to resolve")]
    NoConcurrentVersions,

    /// A tag that cannot be kept (empty, or with a line break).
    #[error("{tag:?} is not a usable tag")]
    BadTag { tag: String },

    /// A tag change that names no tag.
    #[error("give tags to add (+tag) or remove (-tag)")]
    NoTags,

    /// A document's title cannot be cleared.
    #[error("a document's title cannot be empty")]
    EmptyTitle,

    /// A field name that cannot be used (empty, or with `=` or a line break).
    #[error("{name:?} is not a usable field name")]
    BadFieldName { name: String },

    /// A name kept for what has its own command (legal holds, retention).
    #[error("{name:?} is not a field: legal holds and retention are set with their own commands")]
    ReservedField { name: String },

    /// Something that needs a remote was asked of a library without one.
    #[error(
        "this library has no remote, so all its content stays here; add one with `dossier remote add URL` first"
    )]
    NoRemote,

    /// A page image asked for at a width outside what is rendered.
    #[error("the width must be between {min} and {max} pixels, not {width}")]
    WidthOutOfRange { width: u32, min: u32, max: u32 },

    /// An office file of the right extension that is not that kind of file.
    #[error(
        "not an office file of this kind: an OLE compound document (a legacy binary Word, Excel or PowerPoint file?)"
    )]
    LegacyOffice,

    /// An office file without the part that holds its text.
    #[error("this {kind} file has no {part}")]
    MissingPart { kind: &'static str, part: String },

    /// A worker thread of a pipeline ended before its work was done (a bug, or a panic
    /// reported separately).
    #[error("internal error: {0}")]
    Stopped(&'static str),

    /// The document is encrypted: it is kept and marked "password protected".
    #[error("password protected")]
    PasswordProtected,

    /// A zip container (DOCX, XLSX, ODT...) could not be read.
    #[error("damaged zip container: {0}")]
    Zip(#[from] zip::result::ZipError),

    /// An XML part could not be parsed.
    #[error("damaged XML: {0}")]
    Xml(#[from] quick_xml::Error),

    /// A part of a document expands beyond what we are willing to read (zip bombs).
    #[error("{what} is larger than the {limit}-byte limit")]
    TooLarge { what: &'static str, limit: u64 },

    /// The PDF engine (libpdfium) could not be loaded: PDF text and previews wait for it.
    /// `problem` is the system loader's words, as the PDF worker reported them.
    #[error(
        "PDF engine unavailable: libpdfium could not be loaded ({problem}); set PDFIUM_DYNAMIC_LIB_PATH to its folder"
    )]
    PdfiumUnavailable { problem: String },

    /// The PDF worker process failed (it crashed, was killed, or could not start).
    #[error(transparent)]
    PdfWorker(#[from] WorkerFailure),

    /// Tesseract could not be run: OCR waits for it.
    #[error(
        "OCR unavailable: Tesseract could not be run as {program:?} ({source}); install it (Debian: tesseract-ocr)"
    )]
    TesseractUnavailable {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Tesseract ran but does not have a language it was asked for.
    #[error("OCR unavailable: Tesseract has no {language:?} language data installed")]
    OcrLanguageMissing { language: String },

    /// Tesseract failed on one image (its own message).
    #[error("Tesseract failed ({status}): {message}")]
    Ocr { status: String, message: String },

    /// pdfium refused a document or page.
    #[error("{}", pdf_problem(*.0))]
    Pdf(PdfProblem),

    /// An image could not be decoded or encoded.
    #[error("image: {0}")]
    Image(#[from] image::ImageError),

    /// Work on one document took longer than its time limit.
    #[error("stopped after the {limit_secs}-second limit for one document")]
    TimedOut { limit_secs: u64 },

    /// The search index reported an error (run `dossier reindex` if it persists).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),

    /// The search index cannot be used as it is; the library's writer rebuilds it.
    #[error("{reason}; open the library for writing or run `dossier reindex` to build it")]
    IndexUnavailable { reason: &'static str },

    /// A search query could not be understood.
    #[error("in the search {query:?}: {query:?} {problem}")]
    Query {
        query: String,
        problem: &'static str,
    },

    /// Watching a folder for new files failed (the OS refused, or the folder went away).
    #[error("watching {path}: {source}")]
    Watch {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },

    /// A watched folder's file was not moved: it is not a regular file reached inside
    /// the folder without passing through a link (or "Imported" leads out of it).
    #[error(
        "{} was not moved: only files inside the watched folder {} are moved, and links are not followed",
        path.display(),
        folder.display()
    )]
    OutsideWatchedFolder { path: PathBuf, folder: PathBuf },

    /// The content-defined chunker failed.
    #[error("chunking {path}: {source}")]
    Chunker {
        path: PathBuf,
        #[source]
        source: fastcdc::v2020::Error,
    },
}

/// pdfium's refusals in plain words.
fn pdf_problem(p: PdfProblem) -> &'static str {
    use PdfProblem as P;
    match p {
        P::Damaged => "the PDF is damaged: its structure cannot be read",
        P::PageDamaged => "a page of the PDF is damaged",
        P::Unreadable => "the PDF engine could not read this file",
        P::PasswordProtected => "the PDF is password protected",
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attach a path and an action to an I/O error.
pub(crate) trait IoContext<T> {
    fn io(self, action: &'static str, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn io(self, action: &'static str, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| Error::Io {
            action,
            path: path.into(),
            source,
        })
    }
}

impl From<crate::ids::BadId> for Error {
    fn from(e: crate::ids::BadId) -> Self {
        use crate::ids::BadId;
        match e {
            BadId::NotUnderstood { input, expected } => Self::NotUnderstood { input, expected },
            BadId::WrongLength { what } => Self::Integrity {
                object: what.to_owned(),
                detail: "it is not 32 bytes long",
            },
        }
    }
}
