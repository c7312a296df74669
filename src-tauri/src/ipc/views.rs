//! Saved views as the sidebar shows and the search box restores them: the same shape as
//! core's `View`, with types for the UI.

use serde::{Deserialize, Serialize};
use specta::Type;

use dossier_core as core;

/// A search with its filters and order, named.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ViewForm {
    pub name: String,
    pub pinned: bool,
    pub query: String,
    pub doc_type: Option<String>,
    pub tags: Vec<String>,
    pub year: Option<i32>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub status: Option<String>,
    /// A person's student or staff number.
    pub subject: Option<String>,
    pub trashed: bool,
    pub sort: Option<String>,
    pub reverse: bool,
    pub columns: Vec<String>,
}

/// A saved view.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SavedView {
    pub id: String,
    pub view: ViewForm,
}

impl From<core::View> for ViewForm {
    fn from(v: core::View) -> Self {
        let f = v.filters;
        Self {
            name: v.name,
            pinned: v.pinned,
            query: v.query,
            doc_type: f.doc_type,
            tags: f.tags,
            year: f.year,
            from: f.from,
            until: f.until,
            status: f.status,
            subject: f.subject,
            trashed: f.trashed,
            sort: v.sort,
            reverse: v.reverse,
            columns: v.columns,
        }
    }
}

impl From<ViewForm> for core::View {
    fn from(v: ViewForm) -> Self {
        Self {
            name: v.name,
            pinned: v.pinned,
            query: v.query,
            filters: core::ViewFilters {
                doc_type: v.doc_type,
                tags: v.tags,
                year: v.year,
                from: v.from,
                until: v.until,
                status: v.status,
                subject: v.subject,
                trashed: v.trashed,
            },
            sort: v.sort,
            reverse: v.reverse,
            columns: v.columns,
        }
    }
}
