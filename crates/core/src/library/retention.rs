//! Retention schedules and the disposition queue (issue 22). Each document type may be in
//! a record series with a rule (`format::series`); a document's disposition date is
//! computed from it, the person it is about, and its own retention period, and what is
//! due is listed for the records officer. A legal hold or an open inspection request
//! about its student always wins: a held document is never due, whatever its dates.
//!
//! **Invariant:** the disposition of a document is computed in one place
//! ([`disposition`]), from the catalog as it is now: the queue, the document view and
//! the CLI agree, and a hold or a changed date counts at once.

use chrono::NaiveDate;
use serde::Serialize;

use super::Library;
use crate::catalog::RetentionFacts;
use crate::error::{Error, Result};
use crate::format::op::{AuditAction, OpKind};
use crate::format::series::{RecordSeries, RetentionEvent, RetentionRule};
use crate::ids::{DocId, SubjectId};
use crate::role::Permission;

/// Where a document stands with its series' rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum DispositionState {
    /// Its series keeps it permanently.
    Permanent,
    /// The event its rule runs from has not happened (or is not known): the person has
    /// not left, or it is about no one.
    Waiting,
    /// Kept until its due date.
    Kept,
    /// Due: it may be destroyed once the records officer approves.
    Due,
    /// Due or not, a legal hold keeps it.
    Held,
}

/// A document's disposition under its series' rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Disposition {
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub doc: DocId,
    pub title: String,
    pub doc_type: String,
    pub series: String,
    pub rule: RetentionRule,
    /// The person it is about, as "name (number)".
    pub person: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub subject: Option<SubjectId>,
    /// The date its rule runs from, when known (`YYYY-MM-DD`).
    pub event: Option<String>,
    /// From when it may be destroyed (`YYYY-MM-DD`): the later of its rule's date and the
    /// day after its own retention period ends (`None`: permanent, or waiting for the
    /// event).
    pub due: Option<String>,
    pub state: DispositionState,
    /// Why it is kept whatever its dates.
    pub held_by: Vec<String>,
    pub trashed: bool,
}

/// A document's disposition on `today`, from what the catalog holds of it and its
/// series.
pub(crate) fn disposition(
    facts: RetentionFacts,
    series: &RecordSeries,
    today: NaiveDate,
) -> Disposition {
    let day = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive());
    let typed = |s: &Option<String>| {
        s.as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
    };
    let event = match series.rule {
        RetentionRule::Permanently => None,
        RetentionRule::Years { after, .. } => match after {
            RetentionEvent::Created => day(facts.created_ms),
            RetentionEvent::Enrolled => facts.subject.as_ref().and_then(|s| typed(&s.enrolled)),
            RetentionEvent::Left => facts.subject.as_ref().and_then(|s| typed(&s.left)),
        },
    };
    // The catalog keeps the end of its own period as the start of the day after.
    let own_due = facts.retained_until_ms.and_then(day);
    let due = series
        .rule
        .due(event)
        .map(|d| own_due.map_or(d, |o| o.max(d)));
    let mut held_by = Vec::new();
    if facts.legal_hold {
        held_by.push("a legal hold".to_owned());
    }
    if let Some(due) = &facts.inspection_due {
        held_by.push(format!("an open inspection request (due {due})"));
    }
    let state = if !held_by.is_empty() {
        DispositionState::Held
    } else {
        match (series.rule, due) {
            (RetentionRule::Permanently, _) => DispositionState::Permanent,
            (_, None) => DispositionState::Waiting,
            (_, Some(d)) if d <= today => DispositionState::Due,
            (_, Some(_)) => DispositionState::Kept,
        }
    };
    Disposition {
        doc: facts.doc,
        title: facts.title,
        doc_type: facts.doc_type,
        series: series.name.clone(),
        rule: series.rule,
        person: facts
            .subject
            .as_ref()
            .map(|s| format!("{} ({})", s.name, s.number)),
        subject: facts.subject.as_ref().map(|s| s.id),
        event: event.map(iso),
        due: due.map(iso),
        state,
        held_by,
        trashed: facts.trashed,
    }
}

impl Library {
    /// Put documents of `doc_type` in a record series with its retention rule, or with
    /// `None` take the type out of every series. Records officers and owners only.
    pub fn set_series(&mut self, doc_type: &str, series: Option<RecordSeries>) -> Result<()> {
        self.writer()?;
        let doc_type = doc_type.split_whitespace().collect::<Vec<_>>().join(" ");
        if doc_type.is_empty() {
            return Err(Error::NotUnderstood {
                input: doc_type,
                expected: "a document type",
            });
        }
        let series = series.map(|s| RecordSeries {
            name: s.name.trim().to_owned(),
            ..s
        });
        if let Some(s) = &series {
            s.check()?;
        }
        let detail = match &series {
            Some(s) => format!("{doc_type}: series {}, {}", s.name, describe(s.rule)),
            None => format!("{doc_type}: in no series"),
        };
        let audit = self.audit_op(AuditAction::SeriesSet, None, None, Some(detail))?;
        self.commit(vec![OpKind::SeriesSet { doc_type, series }, audit])
    }

    /// Every document type in a series, with its series.
    pub fn record_series(&self) -> Result<Vec<(String, RecordSeries)>> {
        self.catalog().record_series()
    }

    /// The disposition of `doc` on `today` (`None`: its type is in no series).
    pub fn disposition(&self, doc: DocId, today: NaiveDate) -> Result<Option<Disposition>> {
        let Some(facts) = self.catalog().retention_facts_of(doc)? else {
            return Err(Error::NoSuchDocument {
                reference: doc.to_string(),
            });
        };
        let Some(series) = self.catalog().series_of(&facts.doc_type)? else {
            return Ok(None);
        };
        Ok(Some(disposition(facts, &series, today)))
    }

    /// The disposition of every document in a series on `today`, by due date (the
    /// queue: what is due, and what a hold keeps though its date has come, first).
    /// Records officers, auditors and owners.
    pub fn disposition_queue(&self, today: NaiveDate) -> Result<Vec<Disposition>> {
        if self.require(Permission::Dispose).is_err() {
            self.require(Permission::Audit)?;
        }
        let mut all = Vec::new();
        for (doc_type, series) in self.record_series()? {
            for facts in self.catalog().retention_facts(&doc_type)? {
                all.push(disposition(facts, &series, today));
            }
        }
        let rank = |d: &Disposition| match d.state {
            DispositionState::Due => 0,
            DispositionState::Held if d.due.as_ref().is_some_and(|due| *due <= iso(today)) => 1,
            DispositionState::Kept | DispositionState::Held => 2,
            DispositionState::Waiting => 3,
            DispositionState::Permanent => 4,
        };
        all.sort_by(|a, b| (rank(a), &a.due, &a.title).cmp(&(rank(b), &b.due, &b.title)));
        Ok(all)
    }
}

/// A day as `YYYY-MM-DD`.
pub(super) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A rule in words.
pub fn describe(rule: RetentionRule) -> String {
    match rule {
        RetentionRule::Permanently => "kept permanently".to_owned(),
        RetentionRule::Years { years, after } => {
            let after = match after {
                RetentionEvent::Created => "it was added",
                RetentionEvent::Enrolled => "the person enrolled",
                RetentionEvent::Left => "the person left",
            };
            format!(
                "kept {years} year{} after {after}",
                if years == 1 { "" } else { "s" }
            )
        }
    }
}
