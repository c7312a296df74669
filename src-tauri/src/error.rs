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
    /// The request itself cannot be done (bad value, bad query, wrong kind of file).
    Invalid,
    /// Stored data failed its integrity check.
    Damaged,
    /// A disk, permission or operating-system problem.
    System,
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
        Self::new(ErrorKind::Internal, format!("Internal error: {what}"))
            .with_hint("Try again; if it happens again, report it with what you were doing.")
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<dossier_core::Error> for AppError {
    fn from(e: dossier_core::Error) -> Self {
        use dossier_core::Error as E;
        let message = e.to_string();
        match e {
            E::LibraryInUse { .. } => Self::new(ErrorKind::InUse, message).with_hint(
                "Close the other Dossier window or command using this library, then try again.",
            ),
            E::WrongPassphrase | E::MalformedRecoveryKey(_) | E::NoUsableKeySlot => {
                Self::new(ErrorKind::WrongPassphrase, message)
                    .with_hint("Check the passphrase (or recovery key) and try again.")
            }
            E::NoSuchDocument(_)
            | E::NoSuchVersion(_)
            | E::NoSuchPage { .. }
            | E::AmbiguousDocument { .. }
            | E::NotALibrary(_) => Self::new(ErrorKind::NotFound, message),
            E::Integrity { .. } | E::MissingChunk(_) | E::MissingPack(_) => {
                Self::new(ErrorKind::Damaged, message).with_hint(
                    "Check the library (Settings → Check the library) to see what is affected.",
                )
            }
            E::HistoryFork { .. } => Self::new(ErrorKind::Damaged, message).with_hint(
                "Nothing was applied. Ask your IT administrator to check whether a copy of \
                 that desktop's library folder is in use on another computer.",
            ),
            E::CatalogUnusable { .. } | E::NoStoreJournal(_) => {
                Self::new(ErrorKind::Damaged, message).with_hint(
                    "Nothing was deleted. Close Dossier and run `dossier repair --rebuild-catalog` \
                     (or ask your IT administrator to), then open the library again.",
                )
            }
            E::Fetch { .. } => Self::new(ErrorKind::System, message)
                .with_hint("This desktop keeps only part of the library; connect to the network and open it again."),
            E::Io { .. } => Self::new(ErrorKind::System, message)
                .with_hint("Check that the disk is connected, has free space and is writable."),
            E::Held { .. } => Self::new(ErrorKind::Invalid, message)
                .with_hint("Ask your records officer whether the hold can be lifted."),
            E::Invalid(_)
            | E::AlreadyExists(_)
            | E::Query { .. }
            | E::NoPageImages { .. }
            | E::PasswordProtected
            | E::TooLarge { .. } => Self::new(ErrorKind::Invalid, message),
            _ => Self::new(ErrorKind::Internal, message),
        }
    }
}

impl From<dossier_sync::Error> for AppError {
    fn from(e: dossier_sync::Error) -> Self {
        use dossier_sync::Error as E;
        if e.is_transient() {
            return Self::new(
                ErrorKind::System,
                format!("The remote cannot be reached: {e}"),
            )
            .with_hint(
                "Changes stay on this desktop and are sent when the network is back; nothing \
                 needs to be done.",
            );
        }
        let message = e.to_string();
        match e {
            E::Library(inner) => inner.into(),
            E::OtherLibrary { .. } => Self::new(ErrorKind::Invalid, message)
                .with_hint("Choose an empty folder or bucket, or the address this library uses."),
            E::NoLibrary => Self::new(
                ErrorKind::NotFound,
                "There is no Dossier library at this address.",
            )
            .with_hint(
                "Check the address, or add the library to it from a desktop that has it \
                 (Settings → Sync).",
            ),
            E::BadUrl { .. } => Self::new(ErrorKind::Invalid, message).with_hint(
                "Addresses look like s3://bucket/folder?endpoint=https://…, \
                 webdavs://user@host/folder or file:///path/to/shared/folder.",
            ),
            E::KeptCredentials { .. } => Self::new(ErrorKind::Invalid, message),
            E::Store { .. } | E::Io { .. } | E::NotFound { .. } => {
                Self::new(ErrorKind::System, format!("The remote refused: {message}")).with_hint(
                    "Check the address and the access key or password; ask your IT admin if \
                     it goes on.",
                )
            }
            E::TooLarge { .. } => Self::new(ErrorKind::System, message).with_hint(
                "The shared storage holds something Dossier never wrote there; ask your IT \
                 admin to run `dossier remote check`.",
            ),
            E::LibraryStopped => Self::not_open(),
            _ => Self::new(ErrorKind::Internal, message),
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
