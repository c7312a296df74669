//! `dossier-sync`: the part of Dossier that talks to the network. This first layer is
//! [`Remote`], one small interface over the places a library can be shared through (a
//! local or network folder now; S3-compatible, WebDAV, Azure and GCS next), and
//! [`Resilient`], which adds retries with backoff and jitter, timeouts, bounded
//! parallelism and request counters to any of them.
//!
//! **API boundary:** all network I/O and the async runtime live in this crate;
//! `dossier-core` stays synchronous and offline.

mod engine;
mod error;
mod invitations;
mod remote;
mod schedule;

pub use engine::{
    Attached, CHECKPOINT_EVERY, CheckReport, Engine, HistoryKind, HistoryProblem, OnDamage, Owned,
    ProgressFn, PruneSummary, Refused, RemotePacks, Replica, SyncOptions, SyncPhase, SyncProgress,
    SyncReport, Unanswered, attach_remote_content, join,
};
pub use error::{Error, Result};
pub use invitations::{
    answer as answer_invitation, answered, answered_by_me, fetch_invitation, fetch_reply,
    join_invited, publish_invitation, unpublish_invitation,
};
pub use remote::{
    Counters, Creation, Credentials, Fault, Folder, Key, Memory, Object, ObjectStore, Put, Remote,
    Resilient, ResilientOptions, check_storable, open, open_with,
};
pub use schedule::{Due, NextSync, SETTLE};
