//! Record series and their retention rules (issue 22), as operations carry them: what a
//! school keeps, by document type, and for how long. A series names a document type and
//! says to keep its documents permanently, or a number of years after an event: the
//! document's own creation, or a date of the person it is about (enrolment; leaving,
//! which is graduation, withdrawal or the last day attended: issue 9's `left`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The longest a series' name may be.
pub const MAX_SERIES_NAME: usize = 200;
/// The most years a rule may keep a record (longer is "permanently").
pub const MAX_YEARS: u16 = 200;

/// A record series: its name and its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordSeries {
    pub name: String,
    pub rule: RetentionRule,
}

/// How long a series' documents are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "keep", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RetentionRule {
    Permanently,
    /// `years` full years after `after`.
    Years {
        years: u16,
        after: RetentionEvent,
    },
}

/// What a retention period runs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RetentionEvent {
    /// The document was added to the library.
    Created,
    /// The person it is about enrolled (or was employed).
    Enrolled,
    /// The person it is about left: graduated, withdrew, or last attended.
    Left,
}

impl RetentionEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Enrolled => "enrolled",
            Self::Left => "left",
        }
    }

    /// The event as typed (`created`, `enrolled`, `left`; `graduation`, `leaving` and
    /// `last-attendance` name `left`).
    pub fn parse(s: &str) -> Result<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['_', ' '], "-")
            .as_str()
        {
            "created" | "creation" | "added" => Ok(Self::Created),
            "enrolled" | "enrolment" | "enrollment" => Ok(Self::Enrolled),
            "left" | "leaving" | "graduation" | "graduated" | "last-attendance" | "withdrawal" => {
                Ok(Self::Left)
            }
            _ => Err(Error::NotUnderstood {
                input: s.to_owned(),
                expected: "created, enrolled or left (graduation, leaving, last attendance)",
            }),
        }
    }
}

impl RetentionRule {
    /// The day from which a document kept by this rule may be destroyed, given the date of
    /// the event it runs from (`None`: kept permanently, or the event has not happened).
    pub fn due(self, event: Option<NaiveDate>) -> Option<NaiveDate> {
        match self {
            Self::Permanently => None,
            Self::Years { years, .. } => {
                let from = event?;
                let year = from.year() + i32::from(years);
                // 29 February, years later, is 28 February when that year has none.
                from.with_year(year)
                    .or_else(|| NaiveDate::from_ymd_opt(year, from.month(), 28))
            }
        }
    }
}

impl RecordSeries {
    /// A series with a name that fits and a rule that is sane.
    pub fn check(&self) -> Result<()> {
        let name = self.name.trim();
        if name.is_empty() || name.len() > MAX_SERIES_NAME {
            return Err(Error::NotUnderstood {
                input: self.name.clone(),
                expected: "a series name of 1 to 200 characters",
            });
        }
        if let RetentionRule::Years { years, .. } = self.rule
            && !(1..=MAX_YEARS).contains(&years)
        {
            return Err(Error::NotUnderstood {
                input: years.to_string(),
                expected: "1 to 200 years (or permanently)",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_rule_counts_whole_years_from_its_event() {
        let five = RetentionRule::Years {
            years: 5,
            after: RetentionEvent::Left,
        };
        assert_eq!(five.due(Some(day("2020-06-30"))), Some(day("2025-06-30")));
        assert_eq!(five.due(Some(day("2020-02-29"))), Some(day("2025-02-28")));
        assert_eq!(five.due(None), None);
        assert_eq!(
            RetentionRule::Permanently.due(Some(day("2020-01-01"))),
            None
        );
        let json = serde_json::to_string(&five).unwrap();
        assert_eq!(json, r#"{"keep":"years","years":5,"after":"left"}"#);
        assert_eq!(serde_json::from_str::<RetentionRule>(&json).unwrap(), five);
    }

    #[test]
    fn events_are_read_as_people_type_them_and_odd_series_are_refused() {
        assert_eq!(
            RetentionEvent::parse("Graduation").unwrap(),
            RetentionEvent::Left
        );
        assert_eq!(
            RetentionEvent::parse("last attendance").unwrap(),
            RetentionEvent::Left
        );
        assert!(RetentionEvent::parse("birthday").is_err());
        let series = |name: &str, years| RecordSeries {
            name: name.into(),
            rule: RetentionRule::Years {
                years,
                after: RetentionEvent::Created,
            },
        };
        assert!(series("Transcripts", 5).check().is_ok());
        assert!(series(" ", 5).check().is_err());
        assert!(series("Transcripts", 0).check().is_err());
        assert!(series("Transcripts", 201).check().is_err());
    }
}
