//! Requests about a student's records under FERPA (issue 22), as operations carry them:
//! a request to inspect and review them (34 CFR 99.10: answered within 45 days, and the
//! records kept until it is), or to amend them (99.20-99.22: the request, the decision,
//! and the student's own statement, kept and disclosed with the record). Each request is
//! one last-writer-wins register, written whole at each step.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::SubjectId;

/// Days an educational agency has to let a parent or eligible student inspect records.
pub const INSPECTION_DAYS: u64 = 45;
/// The longest free text a request keeps (a note, what to amend, a statement).
pub const MAX_REQUEST_TEXT: usize = 20_000;

/// One request, as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordRequest {
    /// The student whose records it is about.
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub subject: SubjectId,
    pub kind: RequestKind,
    /// Who asked, in words.
    pub requester: String,
    pub relation: Relation,
    /// When it was received (`YYYY-MM-DD`).
    pub received: String,
    /// When it must be answered by (`YYYY-MM-DD`).
    pub due: String,
    pub state: RequestState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// An amendment request: what the requester asks to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<String>,
    /// An amendment request: what was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// An amendment refused: the student's statement, kept and disclosed with the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RequestKind {
    /// To inspect and review the records (99.10): holds them until fulfilled.
    Inspection,
    /// To amend them (99.20).
    Amendment,
}

/// Who the requester is to the student.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Relation {
    /// The student, 18 or in postsecondary education (an eligible student).
    Student,
    Parent,
    /// Someone acting for them (a guardian, a lawyer with consent).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RequestState {
    Open,
    /// Answered: the records were shown (inspection) or the decision given (amendment).
    Fulfilled {
        on: String,
    },
    Withdrawn {
        on: String,
    },
}

/// The decision on an amendment request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Decision {
    pub amended: bool,
    pub on: String,
    pub reason: String,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inspection => "inspection",
            Self::Amendment => "amendment",
        }
    }
}

impl RequestState {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Fulfilled { .. } => "fulfilled",
            Self::Withdrawn { .. } => "withdrawn",
        }
    }
}

impl Relation {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "student" | "eligible student" | "self" => Ok(Self::Student),
            "parent" | "mother" | "father" => Ok(Self::Parent),
            "other" | "guardian" | "representative" => Ok(Self::Other),
            _ => Err(Error::NotUnderstood {
                input: s.to_owned(),
                expected: "student, parent or other",
            }),
        }
    }
}

/// The day a request received on `received` must be answered by.
pub fn due_after(received: NaiveDate) -> NaiveDate {
    received + chrono::Days::new(INSPECTION_DAYS)
}

impl RecordRequest {
    /// Free text within bounds, a requester named.
    pub fn check(&self) -> Result<()> {
        if self.requester.trim().is_empty() || self.requester.len() > 500 {
            return Err(Error::NotUnderstood {
                input: self.requester.clone(),
                expected: "the name of who asked (1 to 500 characters)",
            });
        }
        for text in [&self.note, &self.asked, &self.statement]
            .into_iter()
            .flatten()
            .chain(self.decision.as_ref().map(|d| &d.reason))
        {
            if text.len() > MAX_REQUEST_TEXT {
                return Err(Error::NotUnderstood {
                    input: format!("{} characters", text.len()),
                    expected: "at most 20,000 characters",
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_due_45_days_after_it_came() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(due_after(d("2026-12-07")), d("2027-01-21"));
        assert_eq!(Relation::parse("Parent").unwrap(), Relation::Parent);
        assert!(Relation::parse("neighbour").is_err());
        let state = RequestState::Fulfilled {
            on: "2027-01-02".into(),
        };
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            r#"{"state":"fulfilled","on":"2027-01-02"}"#
        );
    }
}
