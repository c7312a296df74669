//! The one error type of `dossier-sync`, with typed sources.

/// Everything that can go wrong talking to a remote. Not `#[non_exhaustive]`, so the app
/// lists every variant (see `dossier_core::Error`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The object does not exist on the remote.
    #[error("{key} is not on the remote")]
    NotFound { key: String },

    /// An object store (S3, WebDAV, Azure, GCS) refused or failed a request.
    #[error("{op} {key}: {source}")]
    Store {
        op: &'static str,
        key: String,
        /// Boxed: OpenDAL's error is large, and every `Result` here would carry it.
        #[source]
        source: Box<opendal::Error>,
    },

    /// A request Dossier sends a WebDAV server itself (the conditional create) failed.
    #[error("{op} {key}: {source}")]
    Http {
        op: &'static str,
        key: String,
        #[source]
        source: reqwest::Error,
    },

    /// A WebDAV server answered a request Dossier sends itself with a status it does not
    /// expect.
    #[error("{op} {key}: the server answered {status}")]
    Status {
        op: &'static str,
        key: String,
        status: u16,
    },

    /// A filesystem operation of a folder remote failed.
    #[error("{action} {key}: {source}")]
    Io {
        action: &'static str,
        key: String,
        #[source]
        source: std::io::Error,
    },

    /// The remote did not answer in time.
    #[error("the remote did not answer within {seconds} s ({op} {key})")]
    Timeout {
        op: &'static str,
        key: String,
        seconds: u64,
    },

    /// The remote failed in a way that may pass (a dropped connection, a 5xx answer).
    #[error("the remote failed ({op} {key}): {reason}")]
    Unavailable {
        op: &'static str,
        key: String,
        reason: &'static str,
    },

    /// An object came back shorter or longer than the remote said it is.
    #[error("{key} came back with {got} bytes instead of {expected}")]
    Truncated {
        key: String,
        expected: u64,
        got: u64,
    },

    /// An object is larger than Dossier expects of it (or ever writes of its kind): it was
    /// not read.
    #[error("{key} is larger than the {limit} bytes Dossier expects of it; it was not read")]
    TooLarge { key: String, limit: u64 },

    /// A range asked for goes past the end of the object.
    #[error("{key} has {len} bytes; bytes {start}..{end} were asked for")]
    OutOfRange {
        key: String,
        len: u64,
        start: u64,
        end: u64,
    },

    /// A key that is not a valid object name (empty, absolute, `..`, odd characters).
    #[error("{key:?} is not a valid object name")]
    BadKey { key: String },

    /// The local library failed (reading, applying, sealing or opening).
    #[error(transparent)]
    Library(#[from] dossier_core::Error),

    /// The remote already keeps another library.
    #[error(
        "the remote keeps another library ({remote}), not this one ({local}); choose an empty place or that library's remote"
    )]
    OtherLibrary {
        remote: dossier_core::LibraryId,
        local: dossier_core::LibraryId,
    },

    /// The library is kept on a remote already; one library has one remote.
    #[error("this library is kept at {url} already")]
    AlreadyKept { url: String },

    /// There is no Dossier library on the remote (no `dossier.repo`).
    #[error(
        "there is no Dossier library at this remote yet; add it from the desktop that has the library (`dossier remote add`)"
    )]
    NoLibrary,

    /// The library was closed before the work asked of it had its turn.
    #[error("the library was closed before this could be done")]
    LibraryStopped,

    /// The work asked of the library panicked (a bug); the library goes on.
    #[error("the library failed while doing this (a bug; please report it)")]
    LibraryPanicked,

    /// The credentials this desktop's keyring keeps for a remote cannot be read.
    #[error("the credentials kept in the keyring for this remote are unreadable; enter them again")]
    KeptCredentials {
        #[source]
        source: serde_json::Error,
    },

    /// A remote URL that cannot be used.
    #[error("{url}: {reason}")]
    BadUrl { url: String, reason: &'static str },
}

impl Error {
    /// Whether trying again may succeed (the wrapper in `resilient` retries these).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Unavailable { .. } | Self::Truncated { .. } => true,
            Self::Store { source, .. } => {
                source.is_temporary() || source.kind() == opendal::ErrorKind::RateLimited
            }
            Self::Http { source, .. } => {
                source.is_connect()
                    || source.is_timeout()
                    || source.is_request()
                    || source.is_body()
            }
            // Busy, locked (a cut upload still held), or failing for now.
            Self::Status { status, .. } => *status >= 500 || *status == 429 || *status == 423,
            Self::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::Interrupted
                    | std::io::ErrorKind::TimedOut
                    | std::io::ErrorKind::WouldBlock
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
            ),
            Self::NotFound { .. }
            | Self::Library(_)
            | Self::OtherLibrary { .. }
            | Self::NoLibrary
            | Self::AlreadyKept { .. }
            | Self::LibraryStopped
            | Self::LibraryPanicked
            | Self::OutOfRange { .. }
            | Self::TooLarge { .. }
            | Self::BadKey { .. }
            | Self::KeptCredentials { .. }
            | Self::BadUrl { .. } => false,
        }
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;
