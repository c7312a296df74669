//! Events the app sends the UI (typed with tauri-specta like the commands).

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri_specta::Event;

/// What happened to one file of an import.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FileOutcome {
    Imported {
        doc: String,
        title: String,
    },
    /// The same content is already in the library.
    Duplicate {
        existing: String,
        existing_title: String,
    },
    Refused {
        reason: String,
    },
}

/// Progress of an import (from drag and drop, the file picker or a watched folder).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IntakeEvent {
    /// Files found in what was dropped, before any is read.
    Planned {
        batch: u32,
        files: u32,
        bytes: u64,
        /// The watched folder they came from; `None` for dropped or picked files.
        source: Option<String>,
    },
    /// Bytes read so far in this batch.
    Progress { batch: u32, bytes: u64 },
    /// One file's outcome.
    File {
        batch: u32,
        path: String,
        result: FileOutcome,
    },
    Finished {
        batch: u32,
        imported: u32,
        duplicates: u32,
        refused: u32,
    },
    /// A watched folder's file is in the library but could not be moved into its
    /// "Imported" subfolder.
    NotMoved {
        batch: u32,
        path: String,
        reason: String,
    },
    /// The whole batch failed (e.g. the disk is full); nothing of it was kept.
    Failed { batch: u32, message: String },
}

/// Background processing (text, OCR, thumbnails, index).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct ProcessingEvent {
    /// Jobs still waiting.
    pub pending: u32,
    /// The file being read now, if any.
    pub current: Option<String>,
    /// False once the queue is empty (or only waits for a missing tool).
    pub busy: bool,
}

/// The library changed (an import, processing, an edit, a sync). Lists, counts and
/// searches are stale in every case; besides them only the views of `documents` are
/// (`None`: any document's may be, e.g. after a sync brought changes).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct LibraryChanged {
    pub documents: Option<Vec<String>>,
}

impl LibraryChanged {
    /// Any document may have changed.
    pub fn any() -> Self {
        Self { documents: None }
    }

    /// Only `docs` changed, besides the lists (empty: only the lists, e.g. new
    /// documents).
    pub fn of<D: ToString>(docs: impl IntoIterator<Item = D>) -> Self {
        Self {
            documents: Some(docs.into_iter().map(|d| d.to_string()).collect()),
        }
    }
}

/// Syncing with the remote moved on (a sync started, progressed, ended or failed).
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct SyncChanged {
    pub status: crate::ipc::SyncStatus,
}

/// The library was locked because the OS session locked (the screen saver or logind):
/// the UI asks who is signing in.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct SessionLocked {
    pub reason: String,
}
