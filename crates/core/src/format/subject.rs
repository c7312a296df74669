//! A subject's record as operations carry it: a person (student or member of staff) with
//! fields that are each a last-writer-wins register, every value checked and normalised
//! by [`SubjectField::normalise`] before it is written.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The collection every record belongs to until collections exist (issue 10 seals and
/// checks it; every new kind of operation carries it from the start).
pub const ALL_COLLECTION: &str = "all";

/// What kind of person a subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Student,
    Staff,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Student => "student",
            Self::Staff => "staff",
        }
    }

    /// From what a person or a roster writes ("student", "pupil", "teacher", …).
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "student" | "pupil" | "learner" => Ok(Self::Student),
            "staff" | "teacher" | "employee" | "faculty" => Ok(Self::Staff),
            _ => Err(bad(SubjectField::Kind, s, "student or staff")),
        }
    }
}

impl fmt::Display for SubjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a person stands with the school. Retention (issue 11) counts from the dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectStatus {
    Applicant,
    Active,
    OnLeave,
    Graduated,
    Withdrawn,
    Left,
}

impl SubjectStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::Active => "active",
            Self::OnLeave => "on_leave",
            Self::Graduated => "graduated",
            Self::Withdrawn => "withdrawn",
            Self::Left => "left",
        }
    }

    /// From a student-information system's words for it.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Some(match s.as_str() {
            "applicant" | "admitted" | "prospective" => Self::Applicant,
            "active" | "enrolled" | "current" | "employed" => Self::Active,
            "on_leave" | "leave" | "suspended" => Self::OnLeave,
            "graduated" | "graduate" | "alumni" | "alumnus" | "completed" => Self::Graduated,
            "withdrawn" | "withdrew" | "transferred" | "expelled" => Self::Withdrawn,
            "left" | "former" | "inactive" | "terminated" | "retired" => Self::Left,
            _ => return None,
        })
    }
}

/// One field of a subject's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectField {
    Kind,
    /// The school's number for the person (student or staff id).
    Number,
    Name,
    /// Former or alternative names, `; `-separated.
    OtherNames,
    BirthDate,
    /// The programme a student follows, or a staff member's department.
    Programme,
    /// When the person enrolled or was employed (ISO date).
    Enrolled,
    /// When the person graduated or left (ISO date).
    Left,
    Status,
    /// When the student (or parent) asked that their directory information not be
    /// disclosed (34 CFR 99.37; ISO date): exports of directory information leave them
    /// out. Cleared when they withdraw the opt-out.
    DirectoryOptOut,
}

impl SubjectField {
    pub const ALL: [Self; 10] = [
        Self::Kind,
        Self::Number,
        Self::Name,
        Self::OtherNames,
        Self::BirthDate,
        Self::Programme,
        Self::Enrolled,
        Self::Left,
        Self::Status,
        Self::DirectoryOptOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Number => "number",
            Self::Name => "name",
            Self::OtherNames => "other_names",
            Self::BirthDate => "birth_date",
            Self::Programme => "programme",
            Self::Enrolled => "enrolled",
            Self::Left => "left",
            Self::Status => "status",
            Self::DirectoryOptOut => "directory_opt_out",
        }
    }

    /// From a name a person types or a roster's column heading.
    pub fn from_name(name: &str) -> Option<Self> {
        let n = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Some(match n.as_str() {
            "kind" | "type" | "role" => Self::Kind,
            "number" | "id" | "student_id" | "student_number" | "staff_id" | "staff_number"
            | "employee_id" => Self::Number,
            "name" | "full_name" => Self::Name,
            "other_names" | "aliases" | "alias" | "previous_names" | "former_names" => {
                Self::OtherNames
            }
            "birth_date" | "date_of_birth" | "dob" | "birthdate" | "born" => Self::BirthDate,
            "programme" | "program" | "department" | "grade" | "year_group" | "course" => {
                Self::Programme
            }
            "enrolled" | "enrolment_date" | "enrollment_date" | "entry_date" | "start_date"
            | "hired" => Self::Enrolled,
            "left" | "leaving_date" | "exit_date" | "graduation_date" | "graduated"
            | "end_date" => Self::Left,
            "status" => Self::Status,
            "directory_opt_out"
            | "opt_out"
            | "directory_opted_out"
            | "ferpa_opt_out"
            | "directory_information_opt_out" => Self::DirectoryOptOut,
            _ => return None,
        })
    }

    /// Whether every subject has it (it cannot be cleared).
    pub fn required(self) -> bool {
        matches!(self, Self::Kind | Self::Number | Self::Name)
    }

    /// Check and normalise a value for this field: `None` clears it. Dates become
    /// `YYYY-MM-DD`, statuses and kinds their one spelling, other names `; `-separated.
    pub fn normalise(self, raw: &str) -> Result<Option<String>> {
        let v = raw.trim();
        if self == Self::DirectoryOptOut {
            // A roster's yes or no column: yes is kept as "yes" (the same at every
            // import), no clears it; otherwise the day of the opt-out.
            match v.to_ascii_lowercase().as_str() {
                "no" | "n" | "false" | "0" => return Ok(None),
                "yes" | "y" | "true" | "x" | "1" => return Ok(Some("yes".into())),
                _ => {}
            }
        }
        if v.is_empty() {
            return if self.required() {
                Err(bad(self, raw, "a value (it cannot be left empty)"))
            } else {
                Ok(None)
            };
        }
        if v.chars().any(char::is_control) {
            return Err(bad(
                self,
                raw,
                "text without line breaks or control characters",
            ));
        }
        Ok(Some(match self {
            Self::Kind => SubjectKind::parse(v)?.as_str().to_owned(),
            Self::Number => {
                let ok = v.len() <= 64
                    && v.chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | '.' | '_'));
                if !ok {
                    return Err(bad(
                        self,
                        raw,
                        "a number of letters, digits and - / . _ (at most 64)",
                    ));
                }
                v.to_owned()
            }
            Self::Name | Self::Programme => {
                if v.chars().count() > 200 {
                    return Err(bad(self, raw, "at most 200 characters"));
                }
                v.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            Self::OtherNames => {
                let names: Vec<String> = v
                    .split([';', '|'])
                    .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|n| !n.is_empty())
                    .collect();
                if names.iter().any(|n| n.chars().count() > 200) {
                    return Err(bad(self, raw, "names of at most 200 characters"));
                }
                names.join("; ")
            }
            Self::BirthDate | Self::Enrolled | Self::Left | Self::DirectoryOptOut => date(v)
                .ok_or_else(|| bad(self, raw, "a date like 2031-06-30"))?
                .format("%Y-%m-%d")
                .to_string(),
            Self::Status => SubjectStatus::parse(v)
                .ok_or_else(|| {
                    bad(
                        self,
                        raw,
                        "a status: applicant, active, on leave, graduated, withdrawn or left",
                    )
                })?
                .as_str()
                .to_owned(),
        }))
    }
}

impl fmt::Display for SubjectField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// ISO dates, with `/` or `.` accepted between the parts; day-first and month-first
/// dates are refused (which one a roster means cannot be known).
fn date(s: &str) -> Option<chrono::NaiveDate> {
    let iso = s.replace(['/', '.'], "-");
    let day = chrono::NaiveDate::parse_from_str(&iso, "%Y-%m-%d").ok()?;
    (1850..=2200)
        .contains(&chrono::Datelike::year(&day))
        .then_some(day)
}

fn bad(field: SubjectField, value: &str, expected: &'static str) -> Error {
    Error::BadSubjectValue {
        field: field.as_str(),
        value: value.to_owned(),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_normalised_or_refused_with_what_was_expected() {
        let n = |f: SubjectField, v: &str| f.normalise(v).unwrap();
        assert_eq!(
            n(SubjectField::BirthDate, "2009/03/07"),
            Some("2009-03-07".into())
        );
        assert_eq!(n(SubjectField::Status, "Enrolled"), Some("active".into()));
        assert_eq!(n(SubjectField::Status, "on leave"), Some("on_leave".into()));
        assert_eq!(n(SubjectField::Kind, "Pupil"), Some("student".into()));
        assert_eq!(
            n(SubjectField::OtherNames, " Ann  Lee ; | Annie "),
            Some("Ann Lee; Annie".into())
        );
        assert_eq!(n(SubjectField::Programme, ""), None);
        for (field, value) in [
            (SubjectField::BirthDate, "07/03/2009"),
            (SubjectField::BirthDate, "2009-02-30"),
            (SubjectField::Status, "maybe"),
            (SubjectField::Number, "12 34"),
            (SubjectField::Name, "  "),
            (SubjectField::Name, "Ann\nLee"),
            (SubjectField::Kind, "parent"),
        ] {
            let e = field.normalise(value).unwrap_err();
            assert!(
                matches!(&e, Error::BadSubjectValue { field: f, value: v, .. }
                    if *f == field.as_str() && v == value),
                "{field} {value:?}: {e}"
            );
        }
    }

    #[test]
    fn every_field_reads_back_from_its_own_name() {
        for f in SubjectField::ALL {
            assert_eq!(SubjectField::from_name(f.as_str()), Some(f));
        }
        assert_eq!(
            SubjectField::from_name("Date of birth"),
            Some(SubjectField::BirthDate)
        );
        assert_eq!(
            SubjectField::from_name("Student ID"),
            Some(SubjectField::Number)
        );
    }
}
