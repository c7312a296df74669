//! A saved view as operations carry it: a search (its words, filters and order) and the
//! columns shown, under a name, pinned in the sidebar or not. Views are synced, so every
//! desktop of a library has the office's views.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The longest a view's name may be.
pub const MAX_VIEW_NAME: usize = 100;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub name: String,
    /// Shown in the sidebar.
    #[serde(default)]
    pub pinned: bool,
    /// The search's words (empty: every document the filters let through).
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub filters: ViewFilters,
    /// `relevance`, `date`, `name`, `type` or `size` (as the search sorts).
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub reverse: bool,
    /// The list's columns, in order (the app's names for them).
    #[serde(default)]
    pub columns: Vec<String>,
}

/// The filters of a view, as the search takes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ViewFilters {
    #[serde(default)]
    pub doc_type: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub year: Option<i32>,
    /// `YYYY-MM-DD`, both days included.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// A person's student or staff number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The trash instead of the library.
    #[serde(default)]
    pub trashed: bool,
}

impl View {
    /// Check that the view can be saved: a name, dates that are dates.
    pub fn check(&self) -> Result<()> {
        let bad = |what: &str, reason: &'static str| Error::BadView {
            view: self.name.clone(),
            what: what.to_owned(),
            reason,
        };
        let name = self.name.trim();
        if name.is_empty() {
            return Err(bad("its name", "a view needs a name"));
        }
        if name.chars().count() > MAX_VIEW_NAME || name.chars().any(char::is_control) {
            return Err(bad(
                "its name",
                "at most 100 characters, without line breaks",
            ));
        }
        for day in [&self.filters.from, &self.filters.until]
            .into_iter()
            .flatten()
        {
            if chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_err() {
                return Err(bad(day, "not a date like 2026-12-31"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A view as builds since December 2026 write it, and one with only a name.
    const FIXTURE: &str = r#"{"name":"Transcripts this year","pinned":true,"query":"transcript","filters":{"doc_type":"Transcript","tags":["records"],"year":null,"from":"2026-01-01","until":"2026-12-31","status":null,"trashed":false},"sort":"date","reverse":true,"columns":["title","type","date"]}"#;

    #[test]
    fn yesterdays_views_read_and_write_back_the_same() {
        let v: View = serde_json::from_str(FIXTURE).unwrap();
        assert_eq!(v.filters.doc_type.as_deref(), Some("Transcript"));
        assert_eq!(serde_json::to_string(&v).unwrap(), FIXTURE);
        v.check().unwrap();
        let bare: View = serde_json::from_str(r#"{"name":"All"}"#).unwrap();
        assert_eq!(bare.filters, ViewFilters::default());
    }

    #[test]
    fn a_view_needs_a_name_and_real_dates() {
        let mut v: View = serde_json::from_str(FIXTURE).unwrap();
        v.name = "  ".into();
        assert!(matches!(v.check(), Err(Error::BadView { .. })));
        v.name = "ok".into();
        v.filters.until = Some("31/12/2026".into());
        assert!(matches!(v.check(), Err(Error::BadView { .. })));
    }
}
