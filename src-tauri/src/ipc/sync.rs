//! The types of the sync status area, the remote settings and joining from a remote.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::AppError;

/// What syncing is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// The library has no remote: it stays on this desktop.
    #[default]
    Off,
    /// Up to date as of the last sync; the next one is on its way.
    Waiting,
    Syncing,
    /// The remote cannot be reached; changes stay here and go once it can.
    Offline,
    /// The last sync failed for a reason that will not pass by itself (see `error`).
    Failed,
}

/// A phase of a running sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SyncStep {
    /// This desktop's changes going up (counted in changes).
    Sending,
    /// Other desktops' changes coming in (counted in batches).
    Receiving,
    /// Document content coming in (counted in packs of files).
    Downloading,
}

/// How far the running sync is.
#[derive(Debug, Clone, Copy, Serialize, Type)]
pub struct SyncProgress {
    pub step: SyncStep,
    pub done: u64,
    pub total: u64,
}

impl From<dossier_sync::SyncProgress> for SyncProgress {
    fn from(p: dossier_sync::SyncProgress) -> Self {
        Self {
            step: match p.phase {
                dossier_sync::SyncPhase::Sending => SyncStep::Sending,
                dossier_sync::SyncPhase::Receiving => SyncStep::Receiving,
                dossier_sync::SyncPhase::Downloading => SyncStep::Downloading,
            },
            done: p.done,
            total: p.total,
        }
    }
}

/// What the last successful sync did.
#[derive(Debug, Clone, Serialize, Type)]
pub struct LastSync {
    /// When it ended, in milliseconds since 1970.
    pub at_ms: i64,
    pub sent_objects: u64,
    pub sent_bytes: u64,
    pub received_objects: u64,
    pub received_bytes: u64,
    /// Changes from other desktops applied here.
    pub changes_received: u64,
    /// Remote objects that failed their check and were not used.
    pub refused: u32,
    /// History the remote lost or hides, in plain words (segments deleted or rolled
    /// back, sent again from here; holes below later ones).
    pub history: Vec<String>,
    /// Changes made here wait to be sent: someone who held the library's keys has left
    /// and an owner's desktop has not given the members new ones yet.
    pub waiting_for_keys: bool,
    /// Other desktops' change batches this desktop waits for: sealed under the library's
    /// own key, which the person signed in is not given; they arrive once a desktop that
    /// reads every record has synced.
    pub batches_waiting: u64,
}

impl LastSync {
    pub fn new(at_ms: i64, r: &dossier_sync::SyncReport) -> Self {
        Self {
            at_ms,
            sent_objects: r.objects_up,
            sent_bytes: r.bytes_up,
            received_objects: r.objects_down,
            received_bytes: r.bytes_down,
            changes_received: r.ops_applied,
            refused: u32::try_from(r.refused.len()).unwrap_or(u32::MAX),
            history: r.history.iter().map(ToString::to_string).collect(),
            waiting_for_keys: r.sending_waits_for_keys,
            batches_waiting: r.segments_waiting,
        }
    }
}

/// A document whose concurrent versions wait to be resolved.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ConcurrentDocument {
    pub id: String,
    pub title: String,
}

/// The sync status area.
#[derive(Debug, Clone, Default, Serialize, Type)]
pub struct SyncStatus {
    /// Where the library is kept, `None` when it is not shared.
    pub remote: Option<String>,
    pub state: SyncState,
    pub progress: Option<SyncProgress>,
    pub last: Option<LastSync>,
    /// Changes made here and not yet on the remote.
    pub pending_changes: u64,
    /// Why the last sync failed or could not reach the remote, and what to do.
    pub error: Option<AppError>,
    /// Documents with concurrent versions, and the most recent few of them.
    pub concurrent: u64,
    pub concurrent_documents: Vec<ConcurrentDocument>,
}

/// Credentials for a remote, as typed in the remote settings or on the join screen.
/// Each is optional: a folder needs none, and the environment may already hold them.
/// They are kept in this desktop's keyring, never in the library.
#[derive(Clone, Default, Deserialize, Type)]
pub struct RemoteCredentials {
    /// S3: access key id and secret access key.
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// WebDAV: the password of the user in the address.
    pub password: Option<String>,
    /// Azure: the storage account key.
    pub account_key: Option<String>,
}

impl std::fmt::Debug for RemoteCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl RemoteCredentials {
    /// As the sync layer takes them; blank fields count as not given.
    pub fn to_credentials(&self) -> dossier_sync::Credentials {
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        dossier_sync::Credentials {
            s3: given(&self.access_key_id).zip(given(&self.secret_access_key)),
            webdav_password: given(&self.password),
            azure_key: given(&self.account_key),
            ..Default::default()
        }
    }
}
