//! The types that cross the IPC boundary, with `specta::Type` so `ui/src/bindings.ts` is
//! generated from them, and their conversions from `dossier-core`'s types.
//!
//! **API boundary:** the UI sees only these types. Core types stay free of specta and
//! of the UI's needs; a field the UI needs is added here, converted from core.

mod access;
mod fields;
mod people;
mod rules;
mod suggest;
mod sync;
mod views;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

pub use access::{
    Ability, AccessState, CollectionKeysView, HeldChange, InvitationOffer, InvitationView,
    NewInvitationView, StaffMember,
};
pub use fields::{TypeField, TypeFields};
pub use people::{People, PersonDossier, PersonEdit, Requirements, RosterOutcome};
pub use rules::{RuleForm, RuleHit, SavedRule};
pub use suggest::{FilingSuggestions, Suggested, SuggestedPerson};
pub use sync::{ConcurrentDocument, LastSync, RemoteCredentials, SyncState, SyncStatus};
pub use views::{SavedView, ViewForm};

/// Versions and what is unavailable, for the about box.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    pub version: String,
    /// Where a new library is made unless the user chooses another folder.
    pub default_library: Option<String>,
    /// One plain line per missing part, e.g. "OCR unavailable: Tesseract not installed".
    pub unavailable: Vec<String>,
}

/// How a watched folder is doing.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "state", content = "message", rename_all = "snake_case")]
pub enum WatchState {
    Starting,
    Watching,
    /// Not watched, with why in plain words (e.g. the folder does not exist).
    Failed(String),
}

/// One watched folder's [`WatchState`].
#[derive(Debug, Clone, Serialize, Type)]
pub struct WatchStatus {
    pub path: String,
    #[serde(flatten)]
    pub state: WatchState,
}

/// The settings screen: this desktop's settings and how the watched folders are doing.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SettingsView {
    pub settings: crate::settings::Settings,
    /// The library open now (or about to be).
    pub library: String,
    /// Set when `--library` or `DOSSIER_LIBRARY` chose the library, which then wins over
    /// the setting.
    pub library_from_environment: bool,
    pub watched: Vec<WatchStatus>,
    /// Where the settings are saved.
    pub file: Option<String>,
}

/// Where the app stands with its library.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LibraryState {
    /// No library at `path` yet: first run.
    None {
        path: String,
    },
    /// A library is there and needs its passphrase (the keyring had no key for it), or,
    /// kept by its people, one of them to sign in.
    Locked {
        path: String,
        /// The people who can sign in (empty: the library's passphrase opens it).
        people: Vec<String>,
    },
    /// Another program holds the writer lock.
    InUse {
        path: String,
        message: String,
    },
    Open {
        path: String,
        documents: u64,
    },
}

/// A search, or (with empty `text`) a page of the library's documents.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct Query {
    pub text: String,
    pub offset: u32,
    pub limit: u32,
    pub sort: dossier_core::SortOrder,
    /// The other way round from `sort`'s own direction.
    pub reverse: bool,
    pub doc_type: Option<String>,
    pub tags: Vec<String>,
    pub year: Option<i32>,
    /// Documents dated on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Documents dated on or before this day (`YYYY-MM-DD`).
    pub until: Option<String>,
    pub status: Option<String>,
    /// Only documents about the person with this student or staff number.
    pub subject: Option<String>,
    /// The trash instead of the active documents.
    pub trashed: bool,
    pub snippets: bool,
}

impl Query {
    pub fn to_core(&self) -> dossier_core::Result<dossier_core::SearchRequest> {
        let day = |d: &Option<String>| {
            d.as_deref()
                .filter(|d| !d.trim().is_empty())
                .map(dossier_core::parse_day)
                .transpose()
        };
        let after = day(&self.from)?;
        // The search's bound is exclusive; the user's "until" includes that day.
        let before = day(&self.until)?.and_then(|d| d.succ_opt());
        Ok(dossier_core::SearchRequest {
            query: self.text.clone(),
            limit: self.limit.clamp(1, 500) as usize,
            offset: self.offset as usize,
            doc_type: self.doc_type.clone(),
            tags: self.tags.clone(),
            after,
            before,
            year: self.year,
            status: self.status.clone(),
            subject: self.subject.clone().filter(|s| !s.trim().is_empty()),
            sort: self.sort,
            reverse: self.reverse,
            trashed: self.trashed,
            // Counts are shown once per query: only its first page counts them.
            facets: self.offset == 0,
            snippets: self.snippets,
        })
    }
}

/// One document in a list or a search.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub file_name: String,
    pub snippet: String,
    /// Highlighted `[start, end)` ranges of `snippet`, in characters.
    pub highlights: Vec<(u32, u32)>,
    pub page: Option<u32>,
    /// Milliseconds since 1970 (the file's date, else when it was added).
    pub date_ms: i64,
    pub size: u64,
    pub mime: String,
    pub doc_type: Option<String>,
    pub subject_id: Option<String>,
    pub tags: Vec<String>,
    /// done, failed, protected, waiting or pending.
    pub status: String,
    pub versions: u32,
}

impl From<dossier_core::SearchHit> for Hit {
    fn from(h: dossier_core::SearchHit) -> Self {
        let c = h.card;
        Self {
            id: h.id.to_string(),
            title: h.title,
            file_name: h.file_name,
            snippet: h.snippet,
            highlights: h
                .highlights
                .into_iter()
                .map(|[a, b]| (to_u32(a), to_u32(b)))
                .collect(),
            page: h.page,
            date_ms: c.date_ms,
            size: c.size,
            mime: c.mime,
            doc_type: c.doc_type,
            subject_id: c.subject_id,
            tags: c.tags,
            status: c.status,
            versions: c.versions,
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Facet counts: value → documents, per group.
#[derive(Debug, Clone, Default, Serialize, Type)]
pub struct Facets {
    pub doc_type: BTreeMap<String, u32>,
    pub tag: BTreeMap<String, u32>,
    pub year: BTreeMap<String, u32>,
    pub status: BTreeMap<String, u32>,
    /// Student or staff numbers (those with the most matches).
    pub subject: BTreeMap<String, u32>,
    /// The names of the people `subject` counts, by number, once they are records.
    pub subject_names: BTreeMap<String, String>,
}

/// A page of hits.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Results {
    /// Matches in all, not only this page.
    pub total: u32,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Nothing matched as typed; these are close spellings.
    pub fuzzy: bool,
}

impl From<dossier_core::SearchResults> for Results {
    fn from(r: dossier_core::SearchResults) -> Self {
        let counts = |m: BTreeMap<String, u64>| -> BTreeMap<String, u32> {
            m.into_iter()
                .map(|(k, v)| (k, u32::try_from(v).unwrap_or(u32::MAX)))
                .collect()
        };
        Self {
            total: u32::try_from(r.total).unwrap_or(u32::MAX),
            hits: r.hits.into_iter().map(Hit::from).collect(),
            facets: Facets {
                doc_type: counts(r.facets.doc_type),
                tag: counts(r.facets.tag),
                year: counts(r.facets.year),
                status: counts(r.facets.status),
                subject: counts(r.facets.subject),
                subject_names: BTreeMap::new(),
            },
            fuzzy: r.fuzzy,
        }
    }
}

/// One version in a document's timeline.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Version {
    pub number: u32,
    pub file_name: String,
    pub size: u64,
    pub mime: String,
    /// RFC 3339.
    pub created: String,
    pub author: String,
    pub device: String,
    pub note: Option<String>,
    pub restored_from: Option<u32>,
    pub current: bool,
    /// No later version descends from it: with more than one head, the document has
    /// concurrent versions to choose between.
    pub head: bool,
}

impl From<dossier_core::VersionInfo> for Version {
    fn from(v: dossier_core::VersionInfo) -> Self {
        Self {
            number: v.number,
            file_name: v.file_name,
            size: v.size,
            mime: v.mime,
            created: v.created,
            author: v.author,
            device: v.device,
            note: v.note,
            restored_from: v.restored_from,
            current: v.current,
            head: v.head,
        }
    }
}

/// One event of a document's audit trail.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AuditEvent {
    pub time: String,
    pub user: String,
    pub device: String,
    pub action: String,
    pub detail: Option<String>,
}

impl From<dossier_core::AuditEntry> for AuditEvent {
    fn from(a: dossier_core::AuditEntry) -> Self {
        Self {
            time: a.time,
            user: a.user,
            device: a.device,
            action: a.action,
            detail: a.detail,
        }
    }
}

/// Everything the document view shows.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub file_name: String,
    pub mime: String,
    pub size: u64,
    pub doc_type: Option<String>,
    pub subject_id: Option<String>,
    pub subject_name: Option<String>,
    /// The person it is about (linked, or whose number was typed), once they are a record.
    pub person: Option<PersonLink>,
    pub tags: Vec<String>,
    /// Custom fields, as text.
    pub fields: BTreeMap<String, String>,
    /// The fields its type defines, with their kinds (shown even while unset).
    pub field_defs: Vec<TypeField>,
    pub created: String,
    pub updated: String,
    pub trashed: bool,
    /// Two devices changed it at once; see the versions.
    pub concurrent_versions: bool,
    /// Under a legal hold: it cannot be deleted for good, on any desktop.
    pub legal_hold: bool,
    /// Kept at least through this date (`YYYY-MM-DD`).
    pub retain_until: Option<String>,
    /// Pages (sheets, slides) of the current version, once its text has been read.
    pub pages: Option<u32>,
    /// Its pages are shown as images (a PDF, a picture, an office document LibreOffice
    /// converts here); otherwise as text.
    pub page_images: bool,
    /// The file is password protected: kept, but not readable.
    pub protected: bool,
    /// Why reading the current version failed (it crashed or stopped the PDF reader, or
    /// is damaged): the file is kept but not searchable by content, and has no pages.
    pub unreadable: Option<String>,
    /// Newest last.
    pub versions: Vec<Version>,
    pub audit: Vec<AuditEvent>,
}

/// The person a document is about.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PersonLink {
    pub id: String,
    pub number: String,
    pub name: String,
}

/// Metadata the user edits in the document view; `None` leaves a value as it is.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct MetadataEdit {
    pub title: Option<String>,
    /// Empty clears it.
    pub doc_type: Option<String>,
    pub subject_id: Option<String>,
    pub subject_name: Option<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    /// Custom fields to set; an empty value removes the field.
    pub fields: BTreeMap<String, String>,
}

/// How far a version's text has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TextState {
    Complete,
    /// Still being read: the comparison may change.
    Pending,
    /// Password protected or unreadable.
    Unavailable,
}

impl From<dossier_core::TextState> for TextState {
    fn from(t: dossier_core::TextState) -> Self {
        match t {
            dossier_core::TextState::Complete => Self::Complete,
            dossier_core::TextState::Pending => Self::Pending,
            dossier_core::TextState::Unavailable => Self::Unavailable,
        }
    }
}

/// One property that differs between two versions.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PropertyChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LineOp {
    Equal,
    Removed,
    Added,
}

/// One line of a change.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DiffLine {
    pub op: LineOp,
    pub text: String,
    pub old_page: Option<u32>,
    pub new_page: Option<u32>,
    /// Changed words, `[start, end)` in characters.
    pub changes: Vec<(u32, u32)>,
}

/// A run of changed lines with context, and the pages it is on.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Hunk {
    pub old_pages: Option<(u32, u32)>,
    pub new_pages: Option<(u32, u32)>,
    pub lines: Vec<DiffLine>,
}

/// Two versions side by side.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Comparison {
    pub old: Version,
    pub new: Version,
    pub same_content: bool,
    pub old_text: TextState,
    pub new_text: TextState,
    pub properties: Vec<PropertyChange>,
    pub hunks: Vec<Hunk>,
    pub lines_added: u32,
    pub lines_removed: u32,
}

impl From<dossier_core::VersionDiff> for Comparison {
    fn from(d: dossier_core::VersionDiff) -> Self {
        let pages = |p: Option<[u32; 2]>| p.map(|[a, b]| (a, b));
        Self {
            old: d.old.into(),
            new: d.new.into(),
            same_content: d.same_content,
            old_text: d.old_text.into(),
            new_text: d.new_text.into(),
            properties: d
                .metadata
                .into_iter()
                .map(|m| PropertyChange {
                    field: m.field.to_owned(),
                    old: m.old,
                    new: m.new,
                })
                .collect(),
            hunks: d
                .hunks
                .into_iter()
                .map(|h| Hunk {
                    old_pages: pages(h.old_pages),
                    new_pages: pages(h.new_pages),
                    lines: h
                        .lines
                        .into_iter()
                        .map(|l| DiffLine {
                            op: match l.op {
                                dossier_core::LineOp::Equal => LineOp::Equal,
                                dossier_core::LineOp::Removed => LineOp::Removed,
                                dossier_core::LineOp::Added => LineOp::Added,
                            },
                            text: l.text,
                            old_page: l.old_page,
                            new_page: l.new_page,
                            changes: l
                                .changes
                                .into_iter()
                                .map(|[a, b]| (to_u32(a), to_u32(b)))
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            lines_added: to_u32(d.lines_added),
            lines_removed: to_u32(d.lines_removed),
        }
    }
}

/// What emptying the trash did.
#[derive(Debug, Clone, Serialize, Type)]
pub struct EmptiedTrash {
    pub deleted: u32,
    /// Documents left in the trash because a hold keeps them.
    pub kept: Vec<KeptDocument>,
}

/// A document a legal hold or retention period keeps in the trash.
#[derive(Debug, Clone, Serialize, Type)]
pub struct KeptDocument {
    pub id: String,
    pub title: String,
    pub why: String,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Exported {
    pub documents: u32,
    pub bytes: u64,
    pub folder: String,
}

/// The result of checking the library (every chunk decrypted and its hash checked).
#[derive(Debug, Clone, Serialize, Type)]
pub struct Checked {
    pub clean: bool,
    pub versions: u32,
    pub bytes: u64,
    /// Documents with damaged content, in plain words.
    pub affected: Vec<String>,
    /// Problems with the audit trail (a broken chain means it was altered).
    pub audit_problems: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(from: Option<&str>, until: Option<&str>) -> Query {
        Query {
            text: String::new(),
            offset: 0,
            limit: 50,
            sort: dossier_core::SortOrder::Date,
            reverse: false,
            doc_type: None,
            tags: Vec::new(),
            year: None,
            from: from.map(str::to_owned),
            until: until.map(str::to_owned),
            status: None,
            subject: None,
            trashed: false,
            snippets: false,
        }
    }

    /// The app's date range includes both days; the search's upper bound is exclusive.
    #[test]
    fn a_date_range_includes_both_days_and_a_bad_date_is_refused() {
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let r = query(Some("2026-01-31"), Some("2026-02-28"))
            .to_core()
            .unwrap();
        assert_eq!(r.after, Some(day("2026-01-31")));
        assert_eq!(r.before, Some(day("2026-03-01")));
        let open = query(Some(""), None).to_core().unwrap();
        assert_eq!((open.after, open.before), (None, None));
        assert!(matches!(
            query(None, Some("31/02/2026")).to_core(),
            Err(dossier_core::Error::NotUnderstood { .. })
        ));
    }
}
