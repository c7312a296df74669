//! People as records, a person's dossier and rosters, as the UI sees them.

use serde::{Deserialize, Serialize};
use specta::Type;

use dossier_core::{SubjectField, SubjectValues};

/// One person's record (a row of the People list, the top of their dossier).
#[derive(Debug, Clone, Serialize, Type)]
pub struct Person {
    pub id: String,
    /// student or staff.
    pub kind: String,
    /// The school's number for them.
    pub number: String,
    pub name: String,
    pub other_names: Vec<String>,
    /// `YYYY-MM-DD` dates.
    pub birth_date: Option<String>,
    /// Programme (students) or department (staff).
    pub programme: Option<String>,
    pub enrolled: Option<String>,
    pub left: Option<String>,
    pub status: Option<String>,
    /// When they opted out of directory information (34 CFR 99.37), if they have.
    pub directory_opt_out: Option<String>,
    /// The record this one is a duplicate of.
    pub merged_into: Option<String>,
    /// The record shown in its place (the end of its merges), when another.
    pub shown_as: Option<String>,
    pub documents: u32,
}

impl From<dossier_core::SubjectRecord> for Person {
    fn from(r: dossier_core::SubjectRecord) -> Self {
        Self {
            id: r.id.to_string(),
            kind: r.kind.as_str().to_owned(),
            number: r.number,
            name: r.name,
            other_names: r.other_names,
            birth_date: r.birth_date,
            programme: r.programme,
            enrolled: r.enrolled,
            left: r.left,
            status: r.status,
            directory_opt_out: r.directory_opt_out,
            merged_into: r.merged_into.map(|i| i.to_string()),
            shown_as: r.shown_as.map(|i| i.to_string()),
            documents: u32::try_from(r.documents).unwrap_or(u32::MAX),
        }
    }
}

/// A page of the People list.
#[derive(Debug, Clone, Serialize, Type)]
pub struct People {
    pub people: Vec<Person>,
    /// More people match than are listed: type more of a name or number.
    pub more: bool,
}

/// Values typed into a person's record; `None` leaves one as it is, an empty value
/// clears an optional one. Each is checked by the library (dates, numbers, statuses).
#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct PersonEdit {
    pub kind: Option<String>,
    pub number: Option<String>,
    pub name: Option<String>,
    /// `;`-separated.
    pub other_names: Option<String>,
    pub birth_date: Option<String>,
    pub programme: Option<String>,
    pub enrolled: Option<String>,
    pub left: Option<String>,
    pub status: Option<String>,
    /// The day they opted out of directory information; empty: they have not.
    pub directory_opt_out: Option<String>,
}

impl PersonEdit {
    pub fn to_core(&self) -> SubjectValues {
        [
            (SubjectField::Kind, &self.kind),
            (SubjectField::Number, &self.number),
            (SubjectField::Name, &self.name),
            (SubjectField::OtherNames, &self.other_names),
            (SubjectField::BirthDate, &self.birth_date),
            (SubjectField::Programme, &self.programme),
            (SubjectField::Enrolled, &self.enrolled),
            (SubjectField::Left, &self.left),
            (SubjectField::Status, &self.status),
            (SubjectField::DirectoryOptOut, &self.directory_opt_out),
        ]
        .into_iter()
        .filter_map(|(f, v)| v.as_ref().map(|v| (f, v.clone())))
        .collect()
    }
}

/// One document in a person's dossier.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DossierDocument {
    pub id: String,
    pub title: String,
    pub file_name: String,
    pub mime: String,
    /// RFC 3339: when it was filed.
    pub created: String,
}

impl From<dossier_core::DocumentSummary> for DossierDocument {
    fn from(d: dossier_core::DocumentSummary) -> Self {
        Self {
            id: d.id.to_string(),
            title: d.title,
            file_name: d.file_name,
            mime: d.mime,
            created: d.created,
        }
    }
}

/// A person's documents of one type.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DossierGroup {
    /// `None`: documents without a type.
    pub doc_type: Option<String>,
    /// Newest first.
    pub documents: Vec<DossierDocument>,
}

/// What happened on a day of a person's timeline.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineEvent {
    Born,
    Enrolled,
    Left,
    Filed { doc: String, title: String },
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct TimelineEntry {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub event: TimelineEvent,
}

/// One document type a person's programme requires, and the documents of it on file.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ChecklistItem {
    pub doc_type: String,
    /// Empty: missing.
    pub documents: Vec<String>,
}

/// Everything the person view shows.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PersonDossier {
    pub person: Person,
    /// By type (types in name order, untyped last).
    pub groups: Vec<DossierGroup>,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The programme whose list of required documents applies (`*`: the list for
    /// every programme without its own); `None`: no list applies.
    pub requirements_of: Option<String>,
    pub checklist: Vec<ChecklistItem>,
}

impl From<dossier_core::Dossier> for PersonDossier {
    fn from(d: dossier_core::Dossier) -> Self {
        Self {
            person: d.person.into(),
            groups: d
                .by_type
                .into_iter()
                .map(|g| DossierGroup {
                    doc_type: g.doc_type,
                    documents: g.documents.into_iter().map(Into::into).collect(),
                })
                .collect(),
            timeline: d
                .timeline
                .into_iter()
                .map(|t| TimelineEntry {
                    date: t.date,
                    event: match t.event {
                        dossier_core::TimelineEvent::Born => TimelineEvent::Born,
                        dossier_core::TimelineEvent::Enrolled => TimelineEvent::Enrolled,
                        dossier_core::TimelineEvent::Left => TimelineEvent::Left,
                        dossier_core::TimelineEvent::Filed { doc, title } => TimelineEvent::Filed {
                            doc: doc.to_string(),
                            title,
                        },
                    },
                })
                .collect(),
            requirements_of: d.requirements_of,
            checklist: d
                .checklist
                .into_iter()
                .map(|c| ChecklistItem {
                    doc_type: c.doc_type,
                    documents: c.documents.iter().map(ToString::to_string).collect(),
                })
                .collect(),
        }
    }
}

/// The document types a programme requires.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct Requirements {
    /// `*`: every programme without its own list.
    pub programme: String,
    pub types: Vec<String>,
}

/// What importing a roster did, or why it did nothing.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RosterOutcome {
    /// Imported (or, on a trial, would be).
    Done {
        people: u32,
        added: u32,
        updated: u32,
        unchanged: u32,
        /// Headings that name nothing of a record, ignored.
        ignored_columns: Vec<String>,
    },
    /// Lines that cannot be imported, each with why; nothing was changed.
    Rejected { problems: Vec<String> },
}

impl From<dossier_core::RosterReport> for RosterOutcome {
    fn from(r: dossier_core::RosterReport) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Self::Done {
            people: n(r.people),
            added: n(r.added),
            updated: n(r.updated),
            unchanged: n(r.unchanged),
            ignored_columns: r.ignored_columns,
        }
    }
}
