//! The one error the UI receives: plain words, what to do next, and a kind to branch on.
//!
//! Library errors keep their types in `dossier-core`; here they become what a person can
//! read. Nothing in a message comes from a key or a document's content.

use serde::Serialize;
use specta::Type;

/// What went wrong, for the UI to choose how to show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No library is open (or it is still locked).
    NotOpen,
    /// Another program holds the library's writer lock.
    InUse,
    WrongPassphrase,
    /// What was asked for does not exist (document, version, page).
    NotFound,
    /// The request itself cannot be done (bad value, bad query, wrong kind of file, or
    /// the document is not in a state for it).
    Invalid,
    /// A legal hold or retention period keeps a document.
    Held,
    /// The signed-in member's role does not allow it.
    NotPermitted,
    /// Stored data failed its integrity check.
    Damaged,
    /// The remote cannot be reached now; nothing is lost and it is tried again.
    Offline,
    /// A part this desktop needs is missing (the PDF engine, Tesseract, the keyring).
    Unavailable,
    /// The library was written by a newer Dossier.
    UpdateNeeded,
    /// A disk, permission or operating-system problem.
    System,
    /// Someone else must act first (an owner has not confirmed an invitation's answer
    /// yet); asking again later may succeed.
    Waiting,
    /// A bug: something this program should never do.
    Internal,
}

/// An error as the UI shows it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AppError {
    pub kind: ErrorKind,
    /// What happened, in plain words.
    pub message: String,
    /// What to do next, when there is something to do.
    pub hint: Option<String>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn not_open() -> Self {
        Self::new(ErrorKind::NotOpen, "No library is open.")
            .with_hint("Create a library or open an existing one first.")
    }

    pub fn internal(what: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::Internal, format!("Internal error: {what}")).with_hint(REPORT)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Hints shared by several errors.
const CHECK_LIBRARY: &str =
    "Check the library (Settings → Check the library) to see what is affected.";
const REBUILD_CATALOG: &str = "Nothing was deleted. Close Dossier and run `dossier repair \
     --rebuild-catalog` (or ask your IT administrator to), then open the library again.";
const UPDATE: &str = "Install the newest Dossier on this desktop, then open the library again.";
const REPORT: &str = "Try again; if it happens again, report it with what you were doing.";
const ADMIN_CHECK_REMOTE: &str = "The shared storage holds something Dossier never wrote \
     there; ask your IT admin to run `dossier remote check`.";

impl From<dossier_core::Error> for AppError {
    /// Every variant is listed: a new one does not compile until it has words here.
    fn from(e: dossier_core::Error) -> Self {
        use ErrorKind as K;
        use dossier_core::Error as E;
        let message = e.to_string();
        let plain = |kind| Self::new(kind, message.clone());
        match e {
            E::LibraryInUse { .. } => plain(K::InUse).with_hint(
                "Close the other Dossier window or command using this library, then try again.",
            ),
            E::MalformedErasureCode(_) | E::ErasureCodeUnknown => plain(K::Invalid).with_hint(
                "Type the erasure recovery code from the newest printed sheet (not the \
                 library's recovery key).",
            ),
            E::ErasureKeyNotHeld => plain(K::Unavailable).with_hint(
                "Sync, and make the code once another desktop has given this one the key.",
            ),
            E::WrongPassphrase | E::MalformedRecoveryKey(_) | E::NoUsableKeySlot => {
                plain(K::WrongPassphrase)
                    .with_hint("Check the passphrase (or recovery key) and try again.")
            }
            E::NoSuchSubject { .. } => plain(K::NotFound)
                .with_hint("Search people by name or number, or import the school's roster."),
            E::NoSuchRule { .. } | E::NoSuchView { .. } => plain(K::NotFound),
            E::RosterRejected { .. } => plain(K::Invalid).with_hint(
                "Correct those lines in the file (or export it again from the student \
                 information system) and import it again; nothing was changed.",
            ),
            E::NoSuchDocument { .. }
            | E::NoSuchVersion(_)
            | E::NoSuchPage { .. }
            | E::AmbiguousDocument { .. }
            | E::NotALibrary(_) => plain(K::NotFound),
            E::Integrity { .. }
            | E::MissingChunk(_)
            | E::MissingPack(_)
            | E::SegmentOutOfOrder { .. } => plain(K::Damaged).with_hint(CHECK_LIBRARY),
            E::NotPermitted { .. } => plain(K::NotPermitted).with_hint(
                "Ask the library's owner for a role that allows it, or a colleague who has one.",
            ),
            E::BatchRefused { .. } => plain(K::NotPermitted).with_hint(
                "Ask the library's owner for a role that allows it, or a colleague who has one.",
            ),
            E::CollectionKeyUnavailable { .. } => plain(K::NotPermitted).with_hint(
                "Only the people given this collection can open its records. If you were \
                 given it just now, sync first.",
            ),
            E::LibraryKeyWithheld { .. } => plain(K::NotPermitted).with_hint(
                "Ask the library's owner, or a colleague who reads every record.",
            ),
            E::FolderReadsMore | E::FolderOfAnotherPerson => plain(K::NotPermitted).with_hint(
                "Use your own desktop, or choose a new folder and join the library again \
                 with your invitation's name and passphrase.",
            ),
            E::FolderOfOtherKeys => plain(K::NotPermitted).with_hint(
                "Choose a new folder and join the library again with your name and new \
                 passphrase. Nothing in this folder is changed.",
            ),
            E::JournalKeyUnavailable { .. } => plain(K::NotPermitted).with_hint(
                "Only the library's members can read what is written to it. If you were \
                 added just now, sync again once the owner's desktop has synced.",
            ),
            E::JournalUnderLibraryKey { .. } => plain(K::Invalid).with_hint(
                "Nothing is lost: it arrives once a desktop that reads every record (the \
                 owner's, or registrar staff's) has synced. Sync again later.",
            ),
            E::JournalKeyOutdated => plain(K::Invalid).with_hint(
                "Nothing is lost: your changes are kept here. Sync the library's owner's \
                 desktop, then sync this one again.",
            ),
            E::SignInRequired { .. } => plain(K::NotPermitted)
                .with_hint("Sign in as yourself, with your own passphrase, and try again."),
            E::PeopleNotReceived => plain(K::Invalid).with_hint(
                "Sync with the shared storage first, so this desktop learns who may do what.",
            ),
            E::MemberChangeRefused { .. } => plain(K::Invalid),
            E::MalformedInviteCode { .. } => plain(K::Invalid)
                .with_hint("Check the invitation code against the one you were given."),
            E::InvitationUnknown => plain(K::NotFound).with_hint(
                "Check the shared storage's address and the code with the person who invited you.",
            ),
            E::InvitationNotAuthentic => plain(K::Damaged).with_hint(
                "Nothing of it was used. Ask the person who invited you for a new invitation.",
            ),
            E::InvitationAnswered => plain(K::Invalid).with_hint(
                "If that was not you, tell the person who invited you and ask for a new invitation.",
            ),
            E::AnswerNotYours => plain(K::NotPermitted).with_hint(
                "Check your passphrase. If it is right, someone else answered in your place: \
                 read no digits to anyone, and ask the person who invited you for a new invitation.",
            ),
            E::InvitationClosed { .. } => {
                plain(K::Invalid).with_hint("Ask for (or make) a new invitation.")
            }
            E::InvitationNotAnswered { .. } => plain(K::Invalid)
                .with_hint("They enter the code on their own desktop first; then try again."),
            E::InvitationNotConfirmed { .. } => plain(K::Waiting).with_hint(
                "Read your fingerprint to the person who invited you; once they have confirmed \
                 it, try again.",
            ),
            E::FingerprintMismatch { .. } => plain(K::NotPermitted).with_hint(
                "Nothing was granted. Compare the digits again; if they differ, withdraw the \
                 invitation and make a new one.",
            ),
            E::BadSignature { .. } => plain(K::Damaged).with_hint(
                "Nothing of it was used. Ask your IT administrator: someone who can write to \
                 the shared storage may have changed it.",
            ),
            E::HistoryFork { .. } => plain(K::Damaged).with_hint(
                "Nothing was applied. Ask your IT administrator to check whether a copy of \
                 that desktop's library folder is in use on another computer.",
            ),
            E::CatalogUnusable { .. } | E::NoStoreJournal(_) => {
                plain(K::Damaged).with_hint(REBUILD_CATALOG)
            }
            E::Json { .. } => plain(K::Damaged).with_hint(
                "A file of the library cannot be read; put it back from a backup, or ask your \
                 IT administrator.",
            ),
            E::TooNew { .. } | E::UnknownInCatalog { .. } | E::NeedsNewerDossier { .. } => {
                plain(K::UpdateNeeded).with_hint(UPDATE)
            }
            E::CatalogNeedsUpgrade => plain(K::UpdateNeeded).with_hint(
                "Close other windows using this library and open it again here: the upgrade \
                 is made when it opens for changes.",
            ),
            E::Fetch { .. } => plain(K::Offline).with_hint(
                "This desktop keeps only part of the library; connect to the network and open \
                 it again.",
            ),
            E::KeyringUnavailable(_) => plain(K::Unavailable).with_hint(
                "This desktop has no keyring to keep the key in: the passphrase is asked at \
                 each start instead.",
            ),
            E::PdfiumUnavailable { .. } | E::PdfWorker(_) => plain(K::Unavailable).with_hint(
                "PDFs wait until the PDF engine works; reinstall Dossier or ask your IT admin.",
            ),
            E::TesseractUnavailable { .. } | E::OcrLanguageMissing { .. } => plain(K::Unavailable)
                .with_hint("Scans wait until OCR works; ask your IT admin to install Tesseract."),
            E::Io { .. } | E::Watch { .. } | E::Chunker { .. } => plain(K::System)
                .with_hint("Check that the disk is connected, has free space and is writable."),
            E::Held { .. } => {
                plain(K::Held).with_hint("Ask your records officer whether the hold can be lifted.")
            }
            E::NotDue { .. } => plain(K::Invalid).with_hint(
                "Only what the disposition list shows as due can be destroyed; leave it out of \
                 the batch.",
            ),
            E::NoSuchDestruction { .. } => plain(K::NotFound),
            E::NotTheirRecord { .. } => plain(K::Invalid),
            E::RecordKeyUnavailable { .. } => plain(K::Unavailable).with_hint(
                "Nothing is lost: this record's key arrives once another desktop of the \
                 library has synced. Sync again later.",
            ),
            E::NotReadYet { .. } => plain(K::Unavailable)
                .with_hint("Processing reads each document once; try again when it is done."),
            E::DirectoryOptOut { .. } => plain(K::NotPermitted).with_hint(
                "Disclose it under another basis (the student's written consent, or an exception \
                 that applies), or leave this student out.",
            ),
            E::ReadOnly => plain(K::InUse),
            E::NoRemote => plain(K::Invalid).with_hint("Add a remote in Settings → Sync first."),
            E::NotUnderstood { .. }
            | E::AlreadyExists(_)
            | E::Query { .. }
            | E::NoPageImages { .. }
            | E::NotConverted { .. }
            | E::PasswordProtected
            | E::TooLarge { .. }
            | E::NotAFile { .. }
            | E::AlreadyTrashed
            | E::NotTrashed
            | E::AlreadyHeld
            | E::NotHeld
            | E::AlreadyCurrent { .. }
            | E::NoConcurrentVersions
            | E::BadTag { .. }
            | E::NoTags
            | E::EmptyTitle
            | E::BadFieldName { .. }
            | E::ReservedField { .. }
            | E::WidthOutOfRange { .. }
            | E::AmbiguousSubject { .. }
            | E::BadSubjectValue { .. }
            | E::SubjectExists { .. }
            | E::SameSubject
            | E::SubjectNotMerged
            | E::BadRule { .. }
            | E::BadView { .. }
            | E::BadFieldDefs { .. }
            | E::BadFieldValue { .. }
            | E::BadPattern { .. }
            | E::KeySlot(_)
            | E::OutsideWatchedFolder { .. } => plain(K::Invalid),
            // A document's own problem, shown where its processing failed.
            E::LegacyOffice
            | E::MissingPart { .. }
            | E::Zip(_)
            | E::Xml(_)
            | E::Pdf(_)
            | E::Image(_)
            | E::Ocr { .. }
            | E::TimedOut { .. } => plain(K::Invalid),
            E::Index(_) | E::IndexUnavailable { .. } => plain(K::Damaged).with_hint(
                "Close Dossier and run `dossier reindex` (or ask your IT administrator to).",
            ),
            E::Sqlite(_) | E::Serde(_) | E::Kdf(_) | E::Stopped(_) => {
                Self::new(K::Internal, format!("Internal error: {message}")).with_hint(REPORT)
            }
        }
    }
}

impl From<dossier_sync::Error> for AppError {
    /// Every variant is listed: a new one does not compile until it has words here.
    fn from(e: dossier_sync::Error) -> Self {
        use ErrorKind as K;
        use dossier_sync::Error as E;
        if e.is_transient() {
            return Self::new(K::Offline, format!("The remote cannot be reached: {e}")).with_hint(
                "Changes stay on this desktop and are sent when the network is back; nothing \
                 needs to be done.",
            );
        }
        let message = e.to_string();
        let plain = |kind| Self::new(kind, message.clone());
        match e {
            E::Library(inner) => inner.into(),
            E::OtherLibrary { .. } => plain(K::Invalid)
                .with_hint("Choose an empty folder or bucket, or the address this library uses."),
            E::NoLibrary => Self::new(K::NotFound, "There is no Dossier library at this address.")
                .with_hint(
                    "Check the address, or add the library to it from a desktop that has it \
                     (Settings → Sync).",
                ),
            E::BadUrl { .. } => plain(K::Invalid).with_hint(
                "Addresses look like s3://bucket/folder?endpoint=https://…, \
                 webdavs://user@host/folder or file:///path/to/shared/folder.",
            ),
            E::AlreadyKept { url } => Self::new(
                K::Invalid,
                format!("This library is already kept at {url}."),
            ),
            E::KeptCredentials { .. } => plain(K::Invalid),
            E::Store { .. }
            | E::Http { .. }
            | E::Status { .. }
            | E::Io { .. }
            | E::NotFound { .. }
            | E::Timeout { .. }
            | E::Unavailable { .. } => {
                Self::new(K::System, format!("The remote refused: {message}")).with_hint(
                    "Check the address and the access key or password; ask your IT admin if \
                     it goes on.",
                )
            }
            E::TooLarge { .. } | E::Truncated { .. } | E::OutOfRange { .. } | E::BadKey { .. } => {
                plain(K::Damaged).with_hint(ADMIN_CHECK_REMOTE)
            }
            E::LibraryStopped => Self::not_open(),
            E::LibraryPanicked => Self::internal(message),
        }
    }
}

impl From<tauri::Error> for AppError {
    fn from(e: tauri::Error) -> Self {
        Self::internal(e)
    }
}

/// Results of commands.
pub type AppResult<T> = Result<T, AppError>;
