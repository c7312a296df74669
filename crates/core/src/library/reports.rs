//! The records officer's reports (issue 22), each built here once for the app and the
//! CLI: a student's disclosures (what the student may inspect, 34 CFR 99.32(c)), the
//! access log, and the retention schedule's disposition of each document. Each is a
//! [`Report`], written as CSV or PDF by the caller's choice.

use chrono::NaiveDate;

use super::Library;
use super::retention::{describe, iso};
use crate::catalog::{AccessFilter, SubjectFilter};
use crate::error::Result;
use crate::format::op::AuditAction;
use crate::format::subject::SubjectKind;
use crate::ids::SubjectId;
use crate::report::Report;

impl Library {
    /// Every disclosure of `student`'s records, oldest first.
    pub fn disclosure_report(&self, student: SubjectId) -> Result<Report> {
        let person = self.catalog().subject(student)?;
        let mut report = Report::new(
            format!(
                "Disclosures of the records of {} ({})",
                person.name, person.number
            ),
            &[
                ("Date", 0.9),
                ("Party", 2.0),
                ("Legitimate interest", 2.0),
                ("Legal basis", 2.0),
                ("Records disclosed", 3.0),
                ("May be disclosed again to", 1.8),
                ("How", 1.5),
            ],
        );
        report.about = self.made_by(vec![
            "The record of disclosures kept under FERPA (34 CFR 99.32), which the student \
             (or a parent) may inspect. It is kept as long as the student's records are."
                .to_owned(),
        ]);
        for entry in self.disclosures(student)? {
            let d = entry.disclosure;
            let mut records: Vec<String> = d
                .items
                .iter()
                .map(|i| match i.redacted {
                    Some(_) => format!("{} (version {}, others redacted)", i.title, i.number),
                    None => format!("{} (version {})", i.title, i.number),
                })
                .collect();
            records.extend(d.note.clone());
            let records = records.join("; ");
            let how = match &d.export {
                Some(e) if e.encrypted => format!("{} (encrypted)", e.file_name),
                Some(e) => e.file_name.clone(),
                None => "recorded by hand".into(),
            };
            report.rows.push(vec![
                d.date.clone(),
                d.party.clone(),
                d.interest.clone(),
                d.basis.describe(),
                records,
                if d.redisclosure.is_empty() {
                    "no one".into()
                } else {
                    d.redisclosure.join("; ")
                },
                how,
            ]);
        }
        Ok(report)
    }

    /// Who viewed, printed or exported what, as `filter` chooses, oldest first.
    pub fn access_report(&self, filter: &AccessFilter) -> Result<Report> {
        let entries = self.access_log(filter)?;
        let mut report = Report::new(
            "Access log",
            &[
                ("Time", 1.3),
                ("Person", 1.5),
                ("Desktop", 1.2),
                ("Action", 0.8),
                ("Document", 2.5),
                ("Detail", 3.0),
            ],
        );
        let day = |ms: Option<i64>| {
            ms.and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        };
        let mut about = Vec::new();
        if let Some(since) = day(filter.since_ms) {
            about.push(format!("From {since}"));
        }
        if let Some(until) = day(filter.until_ms) {
            about.push(format!("Before {until}"));
        }
        report.about = self.made_by(about);
        for e in entries {
            report.rows.push(vec![
                e.event.time,
                e.event.user,
                e.event.device,
                e.event.action,
                e.title.or(e.event.doc).unwrap_or_default(),
                e.event.detail.unwrap_or_default(),
            ]);
        }
        Ok(report)
    }

    /// Each document under a retention rule: its series, rule, the date the rule runs
    /// from, when it may be destroyed, and what holds it; due ones first.
    pub fn retention_report(&self, today: NaiveDate) -> Result<Report> {
        let queue = self.disposition_queue(today)?;
        let mut report = Report::new(
            "Retention and disposition",
            &[
                ("Document", 2.5),
                ("Person", 1.6),
                ("Series", 1.3),
                ("Rule", 2.0),
                ("Counted from", 0.9),
                ("Disposition date", 0.9),
                ("State", 0.7),
                ("Held by", 1.8),
            ],
        );
        report.about = self.made_by(vec![format!("As of {}", iso(today))]);
        for d in queue {
            report.rows.push(vec![
                d.title,
                d.person.unwrap_or_default(),
                d.series,
                describe(d.rule),
                d.event.unwrap_or_default(),
                d.due.unwrap_or_else(|| "never".into()),
                format!("{:?}", d.state).to_lowercase(),
                d.held_by.join("; "),
            ]);
        }
        Ok(report)
    }

    /// `about`, then who made the report and when.
    pub(super) fn made_by(&self, mut about: Vec<String>) -> Vec<String> {
        about.push(format!(
            "Made {} by {}",
            chrono::Local::now().format("%Y-%m-%d %H:%M"),
            self.who()
        ));
        about
    }
}

impl Library {
    /// Directory information (34 CFR 99.37) of the students `filter` lists: names,
    /// programmes and dates of attendance, leaving out every student who opted out (the
    /// count left out is in the report's description). The export is in the audit trail.
    pub fn directory_report(&mut self, filter: &SubjectFilter) -> Result<Report> {
        self.writer()?;
        self.require(crate::role::Permission::Edit)?;
        let mut filter = filter.clone();
        filter.kind = Some(SubjectKind::Student);
        filter.include_merged = false;
        let people = self.catalog().subjects(&filter)?;
        let opted_out = self.opted_out()?;
        let mut report = Report::new(
            "Directory information",
            &[
                ("Name", 2.0),
                ("Programme", 1.5),
                ("Enrolled", 0.8),
                ("Left", 0.8),
                ("Status", 0.8),
            ],
        );
        let mut withheld = 0;
        for p in people {
            if opted_out.contains_key(&p.id) {
                withheld += 1;
                continue;
            }
            report.rows.push(vec![
                p.name,
                p.programme.unwrap_or_default(),
                p.enrolled.unwrap_or_default(),
                p.left.unwrap_or_default(),
                p.status.unwrap_or_default(),
            ]);
        }
        let withheld_line = format!(
            "{withheld} student{} who opted out of directory information left out (34 CFR 99.37)",
            if withheld == 1 { "" } else { "s" }
        );
        report.about = self.made_by(vec![withheld_line.clone()]);
        let audit = self.audit_op(
            AuditAction::Exported,
            None,
            None,
            Some(format!(
                "directory information of {} students; {withheld_line}",
                report.rows.len()
            )),
        )?;
        self.commit(vec![audit])?;
        Ok(report)
    }
}
