//! What is wrong with a roster file, line by line: `Error::Roster`'s problems.

/// One line of a roster that cannot be imported, with why.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {issue}")]
pub struct RosterProblem {
    /// 1-based line of the file (the heading is line 1).
    pub line: u64,
    pub issue: RosterIssue,
}

/// What is wrong with a roster line.
#[derive(Debug, thiserror::Error)]
pub enum RosterIssue {
    /// The file is not CSV this reader understands (or not UTF-8).
    #[error("this is not readable CSV ({0})")]
    Unreadable(#[source] csv::Error),
    /// The heading lacks a column every person needs.
    #[error("the heading has no {0} column")]
    MissingColumn(&'static str),
    /// A value that cannot be used.
    #[error("{field} {value:?} is not usable: expected {expected}")]
    BadValue {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
    /// The same person twice in one file.
    #[error("{number} is already on line {first_line}")]
    Repeated { number: String, first_line: u64 },
    /// Too many lines for one import.
    #[error("more than {limit} people in one file; split it")]
    TooLong { limit: usize },
    /// A file larger than a roster can be.
    #[error("the file is larger than {limit_mib} MiB; split it")]
    TooBig { limit_mib: u64 },
    /// Two headings that name the same field.
    #[error("the headings {first:?} and {second:?} both name one field; keep one")]
    SameColumnTwice { first: String, second: String },
}

/// The first few problems in words, and how many more.
pub(crate) fn first_problems(problems: &[RosterProblem]) -> String {
    let shown: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
    let more = problems.len().saturating_sub(shown.len());
    let mut s = shown.join("; ");
    if more > 0 {
        s.push_str(&format!("; and {more} more"));
    }
    s
}
