//! A person's dossier: their record, their documents grouped by type, a timeline, and
//! the checklist of what their programme requires. One query for both front ends.

use std::collections::BTreeMap;

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::Catalog;
use super::query::DocumentSummary;
use super::subjects::SubjectRecord;
use crate::error::Result;
use crate::ids::{DocId, SubjectId};

/// The programme name whose list applies to programmes without their own.
pub const ANY_PROGRAMME: &str = "*";

/// Everything the person view shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub person: SubjectRecord,
    /// Documents by type (types in name order, untyped last), newest first in each.
    pub by_type: Vec<DossierGroup>,
    /// Dated events, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The programme whose requirements apply (the person's own, or [`ANY_PROGRAMME`]).
    pub requirements_of: Option<String>,
    /// Each required document type, with the documents on file of that type.
    pub checklist: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DossierGroup {
    pub doc_type: Option<String>,
    pub documents: Vec<DocumentSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub event: TimelineEvent,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineEvent {
    Born,
    Enrolled,
    Left,
    /// A document filed.
    Filed {
        doc: DocId,
        title: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItem {
    pub doc_type: String,
    /// The documents of this type on file (empty: missing).
    pub documents: Vec<DocId>,
}

impl ChecklistItem {
    pub fn missing(&self) -> bool {
        self.documents.is_empty()
    }
}

impl Catalog {
    /// The document types `programme` requires: its own list, else [`ANY_PROGRAMME`]'s.
    /// Returns the programme whose list applies, and the list.
    pub fn requirements(&self, programme: Option<&str>) -> Result<Option<(String, Vec<String>)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT programme, types FROM requirements WHERE programme = ?1")?;
        for p in programme.into_iter().chain([ANY_PROGRAMME]) {
            let row: Option<(String, String)> = stmt
                .query_row([p], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((name, types)) = row {
                let types: Vec<String> = serde_json::from_str(&types)?;
                if !types.is_empty() {
                    return Ok(Some((name, types)));
                }
            }
        }
        Ok(None)
    }

    /// Every programme's list of required types.
    pub fn all_requirements(&self) -> Result<Vec<(String, Vec<String>)>> {
        let rows: Vec<(String, String)> = self
            .conn
            .prepare("SELECT programme, types FROM requirements ORDER BY programme")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(p, t)| Ok((p, serde_json::from_str::<Vec<String>>(&t)?)))
            .filter(|r| !matches!(r, Ok((_, t)) if t.is_empty()))
            .collect()
    }

    /// A person's dossier.
    pub fn dossier(&self, subject: SubjectId) -> Result<Dossier> {
        let person = self.subject(subject)?;
        let documents = self.subject_documents(subject)?;
        let mut groups: BTreeMap<(bool, String), Vec<DocumentSummary>> = BTreeMap::new();
        for d in &documents {
            let key = match &d.doc_type {
                Some(t) => (false, t.clone()),
                None => (true, String::new()),
            };
            groups.entry(key).or_default().push(d.clone());
        }
        let by_type = groups
            .into_iter()
            .map(|((untyped, t), documents)| DossierGroup {
                doc_type: (!untyped).then_some(t),
                documents,
            })
            .collect();
        let mut timeline: Vec<TimelineEntry> = documents
            .iter()
            .map(|d| TimelineEntry {
                date: d.created.get(..10).unwrap_or_default().to_owned(),
                event: TimelineEvent::Filed {
                    doc: d.id,
                    title: d.title.clone(),
                },
            })
            .collect();
        for (date, event) in [
            (&person.birth_date, TimelineEvent::Born),
            (&person.enrolled, TimelineEvent::Enrolled),
            (&person.left, TimelineEvent::Left),
        ] {
            if let Some(date) = date {
                timeline.push(TimelineEntry {
                    date: date.clone(),
                    event,
                });
            }
        }
        // Documents come newest first: reversed, a stable sort by date keeps those filed on
        // one day in the order they were filed.
        timeline.reverse();
        timeline.sort_by(|a, b| a.date.cmp(&b.date));
        let (requirements_of, checklist) = match self.requirements(person.programme.as_deref())? {
            Some((programme, types)) => {
                let checklist = types
                    .into_iter()
                    .map(|t| ChecklistItem {
                        documents: documents
                            .iter()
                            .filter(|d| {
                                d.doc_type
                                    .as_deref()
                                    .is_some_and(|dt| dt.trim().eq_ignore_ascii_case(t.trim()))
                            })
                            .map(|d| d.id)
                            .collect(),
                        doc_type: t,
                    })
                    .collect();
                (Some(programme), checklist)
            }
            None => (None, Vec::new()),
        };
        Ok(Dossier {
            person,
            by_type,
            timeline,
            requirements_of,
            checklist,
        })
    }
}
