//! Roster imports: a student-information system's CSV export read into people's records.
//!
//! Every line is checked before anything is written: a file with any problem imports
//! nothing and says, per line, what is wrong. The columns the file has are the truth for
//! the people it lists (an empty cell clears that field); columns it lacks are left as
//! they are. Importing the same file again changes nothing.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::Library;
use super::subjects::{SubjectValues, kind_and_number, normalise_all};
use crate::catalog::SubjectRecord;
use crate::error::{Error, IoContext, Result, RosterIssue, RosterProblem};
use crate::format::op::AuditAction;
use crate::format::subject::{SubjectField, SubjectKind};

/// The most people one roster file may list.
pub const MAX_ROSTER_PEOPLE: usize = 200_000;
/// The largest roster file read.
const MAX_ROSTER_BYTES: u64 = 64 * 1024 * 1024;

/// How a roster is imported.
#[derive(Debug, Clone, Copy)]
pub struct RosterOptions {
    /// The kind of person on lines without a kind column.
    pub kind: SubjectKind,
    /// Check and count only; write nothing.
    pub dry_run: bool,
}

/// What a roster import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RosterReport {
    /// People listed in the file.
    pub people: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Headings that name no field of a record, ignored.
    pub ignored_columns: Vec<String>,
}

/// One person as a roster line gives them: typed values of the columns the file has.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterLine {
    pub line: u64,
    pub values: SubjectValues,
}

/// A parsed roster: its lines and the headings it ignored.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub lines: Vec<RosterLine>,
    pub ignored_columns: Vec<String>,
}

/// Where a heading's values go.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Field(SubjectField),
    FirstName,
    MiddleName,
    LastName,
    Ignored,
}

fn column(heading: &str) -> Column {
    let h = heading.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    match h.as_str() {
        "first_name" | "given_name" | "forename" | "first" => Column::FirstName,
        "middle_name" | "middle_names" | "middle" => Column::MiddleName,
        "last_name" | "surname" | "family_name" | "last" => Column::LastName,
        _ => SubjectField::from_name(&h).map_or(Column::Ignored, Column::Field),
    }
}

/// The delimiter of the heading line: comma, semicolon (spreadsheets in many locales) or tab.
fn delimiter(bytes: &[u8]) -> u8 {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (first.iter().filter(|b| *b == d).count(), *d == b','))
        .unwrap_or(b',')
}

/// 1-based line numbers of byte offsets, counted forward as the reader goes.
struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl Lines<'_> {
    fn of(&mut self, offset: u64) -> u64 {
        let mut end = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        // The reader reports a record from the end of the one before: blank lines it
        // skipped come first.
        while matches!(self.bytes.get(end), Some(b'\n' | b'\r')) {
            end += 1;
        }
        if end >= self.at {
            self.line += self.bytes[self.at..end]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.at = end;
        }
        self.line
    }
}

/// Read a roster: check its heading and every line's values. Every problem is reported,
/// with its line.
pub fn parse_roster(
    bytes: &[u8],
    kind: SubjectKind,
) -> std::result::Result<Roster, Vec<RosterProblem>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(bytes))
        .flexible(true)
        .from_reader(bytes);
    let problem = |line: u64, issue: RosterIssue| vec![RosterProblem { line, issue }];
    let headings = reader
        .headers()
        .map_err(|e| problem(1, RosterIssue::Unreadable(e)))?
        .clone();
    let columns: Vec<Column> = headings.iter().map(column).collect();
    // Two headings for one field (`Student ID` and `ID`): which one is the school's
    // number cannot be known, so the file is refused rather than one silently chosen.
    for (i, c) in columns.iter().enumerate() {
        if *c != Column::Ignored && columns[..i].contains(c) {
            let first = columns.iter().position(|x| x == c).unwrap_or(0);
            return Err(problem(
                1,
                RosterIssue::SameColumnTwice {
                    first: headings.get(first).unwrap_or_default().trim().to_owned(),
                    second: headings.get(i).unwrap_or_default().trim().to_owned(),
                },
            ));
        }
    }
    let has = |c: Column| columns.contains(&c);
    if !has(Column::Field(SubjectField::Number)) {
        return Err(problem(
            1,
            RosterIssue::MissingColumn("number (or student id)"),
        ));
    }
    let whole_name = has(Column::Field(SubjectField::Name));
    if !(whole_name || has(Column::FirstName) && has(Column::LastName)) {
        return Err(problem(
            1,
            RosterIssue::MissingColumn("name (or first and last name)"),
        ));
    }
    let ignored_columns = headings
        .iter()
        .zip(&columns)
        .filter(|(h, c)| **c == Column::Ignored && !h.trim().is_empty())
        .map(|(h, _)| h.trim().to_owned())
        .collect();
    let mut lines = Vec::new();
    let mut lines_of = Lines {
        bytes,
        at: 0,
        line: 1,
    };
    let mut problems = Vec::new();
    let mut seen: HashMap<(SubjectKind, String), u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = lines_of.of(e.position().map_or(0, |p| p.byte()));
                problems.push(RosterProblem {
                    line,
                    issue: RosterIssue::Unreadable(e),
                });
                break;
            }
        };
        let line = lines_of.of(record.position().map_or(0, |p| p.byte()));
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if lines.len() >= MAX_ROSTER_PEOPLE {
            problems.push(RosterProblem {
                line,
                issue: RosterIssue::TooLong {
                    limit: MAX_ROSTER_PEOPLE,
                },
            });
            break;
        }
        let mut values = SubjectValues::new();
        let mut parts: [Vec<&str>; 3] = Default::default();
        for (value, col) in record.iter().zip(&columns) {
            match col {
                Column::Field(f) => {
                    values.insert(*f, value.to_owned());
                }
                Column::FirstName => parts[0].push(value),
                Column::MiddleName => parts[1].push(value),
                Column::LastName => parts[2].push(value),
                Column::Ignored => {}
            }
        }
        values.entry(SubjectField::Name).or_insert_with(|| {
            let name: Vec<&str> = parts
                .iter()
                .flatten()
                .map(|p| p.trim())
                .filter(|p| !p.is_empty())
                .collect();
            name.join(" ")
        });
        values
            .entry(SubjectField::Kind)
            .or_insert_with(|| kind.as_str().to_owned());
        // Check every value now, so that the whole file is judged before anything is
        // written; the same person twice is found even when one of the lines is bad.
        let issue = |e: Error| match e {
            Error::BadSubjectValue {
                field,
                value,
                expected,
            } => RosterIssue::BadValue {
                field,
                value,
                expected,
            },
            other => unreachable!("normalising only fails with BadSubjectValue: {other}"),
        };
        let key = SubjectField::Kind
            .normalise(&values[&SubjectField::Kind])
            .and_then(|k| {
                Ok((
                    SubjectKind::parse(&k.unwrap_or_default())?,
                    values.get(&SubjectField::Number),
                ))
            })
            .and_then(|(k, n)| {
                Ok((
                    k,
                    SubjectField::Number
                        .normalise(n.map_or("", String::as_str))?
                        .unwrap_or_default(),
                ))
            });
        let key = match key {
            Ok(key) => key,
            Err(e) => {
                problems.push(RosterProblem {
                    line,
                    issue: issue(e),
                });
                continue;
            }
        };
        if let Some(first_line) = seen.get(&key) {
            problems.push(RosterProblem {
                line,
                issue: RosterIssue::Repeated {
                    number: key.1,
                    first_line: *first_line,
                },
            });
            continue;
        }
        seen.insert(key, line);
        match normalise_all(&values) {
            Ok(_) => lines.push(RosterLine { line, values }),
            Err(e) => problems.push(RosterProblem {
                line,
                issue: issue(e),
            }),
        }
    }
    if problems.is_empty() {
        Ok(Roster {
            lines,
            ignored_columns,
        })
    } else {
        Err(problems)
    }
}

impl Library {
    /// Import a roster file: add the people it lists that the library lacks, update the
    /// ones whose fields differ. Nothing is written when any line has a problem
    /// ([`Error::RosterRejected`]) or on a dry run.
    pub fn import_roster(&mut self, file: &Path, options: RosterOptions) -> Result<RosterReport> {
        if !options.dry_run {
            self.writer()?;
        }
        if !std::fs::metadata(file).io("read", file)?.is_file() {
            return Err(Error::NotAFile {
                path: file.to_owned(),
            });
        }
        // Read at most one byte past the limit, whatever the file says its size is.
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::fs::File::open(file).io("read", file)?,
                MAX_ROSTER_BYTES + 1,
            ),
            &mut bytes,
        )
        .io("read", file)?;
        if bytes.len() as u64 > MAX_ROSTER_BYTES {
            return Err(Error::RosterRejected {
                file: file.to_owned(),
                problems: vec![RosterProblem {
                    line: 0,
                    issue: RosterIssue::TooBig {
                        limit_mib: MAX_ROSTER_BYTES / (1024 * 1024),
                    },
                }],
            });
        }
        let roster =
            parse_roster(&bytes, options.kind).map_err(|problems| Error::RosterRejected {
                file: file.to_owned(),
                problems,
            })?;
        let mut existing: HashMap<(SubjectKind, String), SubjectRecord> = HashMap::new();
        let all = self.catalog().subjects(&crate::catalog::SubjectFilter {
            include_merged: true,
            ..Default::default()
        })?;
        for r in all {
            let key = (r.kind, r.number.clone());
            // A live record wins over a merged one with the same number.
            if existing.get(&key).is_none_or(|e| e.shown_as.is_some()) {
                existing.insert(key, r);
            }
        }
        let mut report = RosterReport {
            people: roster.lines.len(),
            ignored_columns: roster.ignored_columns,
            ..RosterReport::default()
        };
        let mut ops = Vec::new();
        let mut problems = Vec::new();
        for line in &roster.lines {
            let values = normalise_all(&line.values)?;
            let key = kind_and_number(&values)?;
            match existing.get(&key) {
                Some(current) => match self.subject_changes(current, &line.values) {
                    Ok(changes) if changes.is_empty() => report.unchanged += 1,
                    Ok(changes) => {
                        report.updated += 1;
                        ops.extend(changes);
                    }
                    Err(Error::SubjectExists { number, .. }) => problems.push(RosterProblem {
                        line: line.line,
                        issue: RosterIssue::Repeated {
                            number,
                            first_line: 0,
                        },
                    }),
                    Err(e) => return Err(e),
                },
                None => {
                    report.added += 1;
                    let id = self.new_subject_id(key.0, &key.1)?;
                    ops.push(self.subject_created(id, values));
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::RosterRejected {
                file: file.to_owned(),
                problems,
            });
        }
        if options.dry_run || ops.is_empty() {
            return Ok(report);
        }
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        ops.push(self.audit_op(
            AuditAction::RosterImported,
            None,
            None,
            Some(format!(
                "{name}: {} added, {} updated",
                report.added, report.updated
            )),
        )?);
        self.commit(ops)?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(csv: &str) -> Vec<String> {
        parse_roster(csv.as_bytes(), SubjectKind::Student)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_roster_reads_its_columns_whatever_they_are_called() {
        let csv = "\u{feff}Student ID;First Name;Last Name;DOB;Grade;Status;Locker\n\
                   1001;Ann;Lee;2009-03-07;9;Enrolled;12\n\
                   \n\
                   1002;Bo;Chen;;10;graduated;13\n";
        let r = parse_roster(csv.as_bytes(), SubjectKind::Student).unwrap();
        assert_eq!(r.ignored_columns, vec!["Locker".to_owned()]);
        assert_eq!(r.lines.len(), 2);
        let first = &r.lines[0].values;
        assert_eq!(first[&SubjectField::Name], "Ann Lee");
        assert_eq!(first[&SubjectField::Number], "1001");
        assert_eq!(first[&SubjectField::Kind], "student");
        assert_eq!(r.lines[1].line, 4);
        assert_eq!(r.lines[1].values[&SubjectField::BirthDate], "");
    }

    #[test]
    fn two_headings_for_one_field_are_refused() {
        assert_eq!(
            problems("Student ID,Name,ID\n1,Ann,77\n"),
            vec![
                "line 1: the headings \"Student ID\" and \"ID\" both name one field; keep one"
                    .to_owned()
            ]
        );
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let found = problems(
            "number,name,birth_date\n1,Ann Lee,2009-13-01\n2,,2009-01-01\n1,Ann Again,\n3,Cy,\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("line 2: birth_date \"2009-13-01\""),
            "{found:?}"
        );
        assert!(found[1].starts_with("line 3: name"), "{found:?}");
        assert_eq!(found[2], "line 4: 1 is already on line 2");
        assert_eq!(
            problems("name,grade\nAnn,9\n"),
            vec!["line 1: the heading has no number (or student id) column".to_owned()]
        );
        assert_eq!(problems("a\u{0}b\n\"unterminated\n").len(), 1);
    }
}
