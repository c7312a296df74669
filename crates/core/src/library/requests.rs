//! Requests about a student's records (issue 22): inspection (34 CFR 99.10), logged with
//! its due date and holding the student's records on every desktop until fulfilled, and
//! amendment (99.20-99.22), with its decision and the student's statement. Each step
//! writes the whole request again (`OpKind::RequestSet`), with an audit entry.

use chrono::NaiveDate;
use serde::Serialize;

use super::Library;
use super::retention::iso;
use crate::error::{Error, Result};
use crate::format::op::{AuditAction, OpKind};
use crate::format::request::{
    Decision, RecordRequest, Relation, RequestKind, RequestState, due_after,
};
use crate::ids::{RequestId, SubjectId};

/// A request as the dashboard lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequestEntry {
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub id: RequestId,
    #[serde(flatten)]
    pub request: RecordRequest,
    /// The student, as "name (number)".
    pub student: String,
    /// Open past its due date.
    pub overdue: bool,
}

/// A new request, as logged.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub subject: SubjectId,
    pub kind: RequestKind,
    pub requester: String,
    pub relation: Relation,
    pub received: NaiveDate,
    pub note: Option<String>,
    /// An amendment: what to change.
    pub asked: Option<String>,
}

impl Library {
    /// Log a request about a student's records; an inspection request holds the
    /// student's documents from now until it is fulfilled or withdrawn.
    pub fn log_request(&mut self, new: NewRequest) -> Result<RequestId> {
        self.writer()?;
        let student = self.catalog().subject(new.subject)?;
        let body = RecordRequest {
            subject: student.shown_as.unwrap_or(student.id),
            kind: new.kind,
            requester: new.requester.trim().to_owned(),
            relation: new.relation,
            received: iso(new.received),
            due: iso(due_after(new.received)),
            state: RequestState::Open,
            note: new.note,
            asked: new.asked,
            decision: None,
            statement: None,
        };
        let id = RequestId::new();
        let detail = format!(
            "{} request by {} received {}, due {}",
            body.kind.as_str(),
            body.requester,
            body.received,
            body.due
        );
        self.commit_request(id, body, detail)?;
        Ok(id)
    }

    /// The request fulfilled on `on` (an inspection: the records were shown).
    pub fn fulfil_request(&mut self, id: RequestId, on: NaiveDate) -> Result<()> {
        let mut body = self.open_request(id)?;
        if body.kind == RequestKind::Amendment {
            return Err(Error::NotUnderstood {
                input: id.to_string(),
                expected: "an inspection request (an amendment request is answered by its decision)",
            });
        }
        body.state = RequestState::Fulfilled { on: iso(on) };
        self.commit_request(id, body, format!("fulfilled on {}", iso(on)))
    }

    /// The request withdrawn on `on`.
    pub fn withdraw_request(&mut self, id: RequestId, on: NaiveDate) -> Result<()> {
        let mut body = self.open_request(id)?;
        body.state = RequestState::Withdrawn { on: iso(on) };
        self.commit_request(id, body, format!("withdrawn on {}", iso(on)))
    }

    /// The decision on an amendment request, which answers it.
    pub fn decide_amendment(
        &mut self,
        id: RequestId,
        amended: bool,
        on: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        let mut body = self.open_request(id)?;
        if body.kind != RequestKind::Amendment {
            return Err(Error::NotUnderstood {
                input: id.to_string(),
                expected: "an amendment request",
            });
        }
        body.decision = Some(Decision {
            amended,
            on: iso(on),
            reason: reason.trim().to_owned(),
        });
        body.state = RequestState::Fulfilled { on: iso(on) };
        let detail = format!(
            "amendment {} on {}",
            if amended { "made" } else { "refused" },
            iso(on)
        );
        self.commit_request(id, body, detail)
    }

    /// The student's statement on an amendment refused (99.21), kept with the records.
    pub fn add_statement(&mut self, id: RequestId, statement: &str) -> Result<()> {
        let mut body = self.request(id)?;
        if body.decision.as_ref().is_none_or(|d| d.amended) {
            return Err(Error::NotUnderstood {
                input: id.to_string(),
                expected: "an amendment request that was refused",
            });
        }
        body.statement = Some(statement.trim().to_owned());
        self.commit_request(id, body, "the student's statement kept".into())
    }

    /// Requests by due date (only open ones unless `all`), the oldest due first.
    pub fn requests(&self, all: bool, today: NaiveDate) -> Result<Vec<RequestEntry>> {
        let today = iso(today);
        self.catalog()
            .requests(all)?
            .into_iter()
            .map(|(id, request)| {
                let s = self.catalog().subject(request.subject)?;
                Ok(RequestEntry {
                    id,
                    overdue: request.state == RequestState::Open && request.due < today,
                    student: format!("{} ({})", s.name, s.number),
                    request,
                })
            })
            .collect()
    }

    /// One request as it stands.
    pub fn request(&self, id: RequestId) -> Result<RecordRequest> {
        self.catalog()
            .request(id)?
            .ok_or_else(|| Error::NotUnderstood {
                input: id.to_string(),
                expected: "the id of a request",
            })
    }

    fn open_request(&mut self, id: RequestId) -> Result<RecordRequest> {
        self.writer()?;
        let body = self.request(id)?;
        if body.state != RequestState::Open {
            return Err(Error::NotUnderstood {
                input: id.to_string(),
                expected: "an open request",
            });
        }
        Ok(body)
    }

    fn commit_request(&mut self, id: RequestId, body: RecordRequest, detail: String) -> Result<()> {
        body.check()?;
        let subject = body.subject;
        let audit = self.subject_audit_op(AuditAction::RequestChanged, subject, Some(detail));
        self.commit(vec![OpKind::RequestSet { request: id, body }, audit])
    }
}
