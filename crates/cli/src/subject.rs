//! `dossier subject`: people's records (students and staff), their rosters and merges.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use dossier_core::{
    Access, Dossier, Error, RosterOptions, SubjectField, SubjectFilter, SubjectKind, SubjectRecord,
    SubjectValues,
};

use crate::output;
use crate::unlock::{unlock, unlock_local};

#[derive(Debug, Subcommand)]
pub enum SubjectCommand {
    /// Add a student's or staff member's record.
    Add {
        /// The school's number for the person (student or staff id).
        #[arg(long)]
        number: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        fields: FieldArgs,
        /// A member of staff (default: a student).
        #[arg(long)]
        staff: bool,
        #[arg(long)]
        json: bool,
    },
    /// List people (not the records merged into others, unless --merged).
    Ls {
        /// Words to find in names, other names and numbers.
        query: Option<String>,
        /// Only staff (or, with --students, only students).
        #[arg(long, conflicts_with = "students")]
        staff: bool,
        #[arg(long)]
        students: bool,
        #[arg(long)]
        programme: Option<String>,
        /// List merged records too.
        #[arg(long)]
        merged: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show one person's record, documents and history.
    Show {
        /// A number, a name or the start of the record's id.
        person: String,
        #[arg(long)]
        json: bool,
    },
    /// Change fields of a record: number, name, other_names, birth_date, programme,
    /// enrolled, left, status, kind; `field=` clears one.
    Set {
        person: String,
        #[arg(required = true, value_name = "FIELD=VALUE")]
        assignments: Vec<String>,
    },
    /// Record that DUPLICATE is the same person as INTO: its documents show under INTO.
    Merge { duplicate: String, into: String },
    /// Undo a merge: the record's documents show under it again.
    Unmerge { person: String },
    /// Say whom a document is about (--none: no one).
    Link {
        doc: String,
        #[arg(required_unless_present = "none", conflicts_with = "none")]
        person: Option<String>,
        #[arg(long)]
        none: bool,
    },
    /// Set the document types everyone in PROGRAMME must have on file (`*`: any programme
    /// without its own list); no types clears it. Without PROGRAMME, list every programme's.
    Require {
        programme: Option<String>,
        #[arg(requires = "programme", value_name = "TYPE")]
        types: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Import a roster (CSV from the student-information system): adds the people the
    /// library lacks and updates the others. A file with any bad line imports nothing.
    ImportRoster(RosterArgs),
    /// Write a person's whole record to a ZIP: every version of every document of theirs,
    /// by type, with manifest.json (the person, their checklist, each file's BLAKE3 hash,
    /// the history). An existing file is never replaced.
    Export {
        person: String,
        /// The ZIP to write (default: "Record of NAME (NUMBER).zip" here).
        #[arg(long)]
        to: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// The optional fields of a record, as options.
#[derive(Debug, Args)]
pub struct FieldArgs {
    /// Former or other names, separated by `;`.
    #[arg(long)]
    other_names: Option<String>,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
    birth_date: Option<String>,
    /// A student's programme or a staff member's department.
    #[arg(long)]
    programme: Option<String>,
    /// Enrolment (or employment) date.
    #[arg(long)]
    enrolled: Option<String>,
    /// Graduation or leaving date.
    #[arg(long)]
    left: Option<String>,
    /// applicant, active, on leave, graduated, withdrawn or left.
    #[arg(long)]
    status: Option<String>,
}

#[derive(Debug, Args)]
pub struct RosterArgs {
    file: PathBuf,
    /// The lines are staff (when the file has no kind column).
    #[arg(long)]
    staff: bool,
    /// Check the file and say what it would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    json: bool,
}

fn kind(staff: bool) -> SubjectKind {
    if staff {
        SubjectKind::Staff
    } else {
        SubjectKind::Student
    }
}

pub fn run(root: &Path, cmd: SubjectCommand) -> Result<u8> {
    match cmd {
        SubjectCommand::Add {
            number,
            name,
            fields,
            staff,
            json,
        } => {
            let mut values = SubjectValues::new();
            values.insert(SubjectField::Kind, kind(staff).as_str().to_owned());
            values.insert(SubjectField::Number, number);
            values.insert(SubjectField::Name, name);
            for (field, value) in [
                (SubjectField::OtherNames, fields.other_names),
                (SubjectField::BirthDate, fields.birth_date),
                (SubjectField::Programme, fields.programme),
                (SubjectField::Enrolled, fields.enrolled),
                (SubjectField::Left, fields.left),
                (SubjectField::Status, fields.status),
            ] {
                if let Some(v) = value {
                    values.insert(field, v);
                }
            }
            let mut lib = unlock(root, Access::Write)?;
            let id = lib.add_subject(&values)?;
            let record = lib.catalog().subject(id)?;
            if json {
                output::json(&record)?;
            } else {
                println!("Added {} {} ({})", record.kind, record.number, record.name);
            }
            Ok(0)
        }
        SubjectCommand::Ls {
            query,
            staff,
            students,
            programme,
            merged,
            json,
        } => {
            let lib = unlock_local(root, Access::Read)?;
            let people = lib.catalog().subjects(&SubjectFilter {
                text: query,
                kind: (staff || students).then(|| kind(staff)),
                programme,
                include_merged: merged,
                limit: None,
            })?;
            if json {
                output::json(&people)?;
            } else {
                list(&people);
            }
            Ok(0)
        }
        SubjectCommand::Show { person, json } => {
            let lib = unlock_local(root, Access::Read)?;
            let id = lib.catalog().resolve_subject(&person)?;
            let dossier = lib.catalog().dossier(id)?;
            let history = lib.catalog().subject_audit(id)?;
            if json {
                output::json(&serde_json::json!({
                    "subject": dossier.person,
                    "documents": dossier.by_type.iter().flat_map(|g| &g.documents).collect::<Vec<_>>(),
                    "dossier": dossier,
                    "history": history,
                }))?;
            } else {
                show(&dossier);
                if !history.is_empty() {
                    println!();
                    output::audit(&history);
                }
            }
            Ok(0)
        }
        SubjectCommand::Require {
            programme: Some(programme),
            types,
            ..
        } => {
            let mut lib = unlock(root, Access::Write)?;
            lib.set_requirements(&programme, &types)?;
            Ok(0)
        }
        SubjectCommand::Require {
            programme: None,
            json,
            ..
        } => {
            let lib = unlock_local(root, Access::Read)?;
            let all = lib.catalog().all_requirements()?;
            if json {
                let map: serde_json::Map<String, serde_json::Value> = all
                    .into_iter()
                    .map(|(p, t)| (p, serde_json::json!(t)))
                    .collect();
                output::json(&map)?;
            } else if all.is_empty() {
                println!("No programme requires documents yet.");
            } else {
                for (p, types) in all {
                    println!("{p}: {}", types.join(", "));
                }
            }
            Ok(0)
        }
        SubjectCommand::Set {
            person,
            assignments,
        } => {
            let mut values = SubjectValues::new();
            for a in &assignments {
                let Some((k, v)) = a.split_once('=') else {
                    bail!("{a:?} is not FIELD=VALUE")
                };
                let Some(field) = SubjectField::from_name(k) else {
                    bail!(
                        "{k:?} is not a field of a person's record (number, name, other_names, \
                         birth_date, programme, enrolled, left, status, kind)"
                    )
                };
                values.insert(field, v.to_owned());
            }
            let mut lib = unlock(root, Access::Write)?;
            let id = lib.catalog().resolve_subject(&person)?;
            let changed = lib.edit_subject(id, &values)?;
            if changed.is_empty() {
                println!("Nothing changed");
            } else {
                let names: Vec<&str> = changed.iter().map(|f| f.as_str()).collect();
                println!("Changed {}", names.join(", "));
            }
            Ok(0)
        }
        SubjectCommand::Merge { duplicate, into } => {
            let mut lib = unlock(root, Access::Write)?;
            let dup = lib.catalog().resolve_subject(&duplicate)?;
            let into = lib.catalog().resolve_subject(&into)?;
            lib.merge_subjects(dup, into)?;
            let r = lib.catalog().subject(into)?;
            println!(
                "Merged: {} documents now show under {} {} ({})",
                r.documents, r.kind, r.number, r.name
            );
            Ok(0)
        }
        SubjectCommand::Unmerge { person } => {
            let mut lib = unlock(root, Access::Write)?;
            let id = lib.catalog().resolve_subject(&person)?;
            lib.unmerge_subject(id)?;
            println!("Unmerged");
            Ok(0)
        }
        SubjectCommand::Link { doc, person, .. } => {
            let mut lib = unlock(root, Access::Write)?;
            let doc = lib.catalog().resolve(&doc)?;
            let subject = person
                .map(|p| lib.catalog().resolve_subject(&p))
                .transpose()?;
            lib.set_document_subject(doc, subject)?;
            Ok(0)
        }
        SubjectCommand::ImportRoster(args) => roster(root, args),
        SubjectCommand::Export { person, to, json } => {
            let mut lib = unlock(root, Access::Write)?;
            let id = lib.catalog().resolve_subject(&person)?;
            let report = match to {
                Some(to) => lib.export_subject(id, &to)?,
                None => lib.export_subject_into(id, Path::new("."))?,
            };
            if json {
                output::json(&report)?;
            } else {
                println!(
                    "Wrote {}: {} documents, {} files",
                    report.zip.display(),
                    report.documents,
                    report.files
                );
            }
            Ok(0)
        }
    }
}

fn roster(root: &Path, args: RosterArgs) -> Result<u8> {
    let access = if args.dry_run {
        Access::Read
    } else {
        Access::Write
    };
    let mut lib = unlock_local(root, access)?;
    let options = RosterOptions {
        kind: kind(args.staff),
        dry_run: args.dry_run,
    };
    let report = match lib.import_roster(&args.file, options) {
        Err(Error::RosterRejected { file, problems }) => {
            eprintln!(
                "{}: {} problem(s); nothing was imported:",
                file.display(),
                problems.len()
            );
            for p in &problems {
                eprintln!("  {p}");
            }
            return Ok(crate::exit::PARTIAL);
        }
        r => r?,
    };
    if args.json {
        output::json(&report)?;
        return Ok(0);
    }
    let verb = if args.dry_run { "would be" } else { "were" };
    println!(
        "{} people in the file: {} {verb} added, {} {verb} updated, {} unchanged",
        report.people, report.added, report.updated, report.unchanged
    );
    if !report.ignored_columns.is_empty() {
        println!("Columns ignored: {}", report.ignored_columns.join(", "));
    }
    Ok(0)
}

fn list(people: &[SubjectRecord]) {
    if people.is_empty() {
        println!("No people.");
        return;
    }
    println!(
        "{:<14}  {:<32}  {:<7}  {:<18}  {:<10}  DOCS",
        "NUMBER", "NAME", "KIND", "PROGRAMME", "STATUS"
    );
    for p in people {
        let name: String = p.name.chars().take(32).collect();
        let programme: String = p
            .programme
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(18)
            .collect();
        let merged = if p.shown_as.is_some() {
            "  (merged)"
        } else {
            ""
        };
        println!(
            "{:<14}  {name:<32}  {:<7}  {programme:<18}  {:<10}  {}{merged}",
            p.number,
            p.kind.as_str(),
            p.status.as_deref().unwrap_or(""),
            p.documents
        );
    }
    println!("{} people", people.len());
}

fn show(d: &Dossier) {
    let r = &d.person;
    println!("{} {} — {}", r.kind, r.number, r.name);
    println!("  id          {}", r.id);
    for field in SubjectField::ALL {
        if matches!(
            field,
            SubjectField::Kind | SubjectField::Number | SubjectField::Name
        ) {
            continue;
        }
        if let Some(v) = r.value(field) {
            println!("  {:<11} {v}", field.as_str());
        }
    }
    if let Some(into) = r.merged_into {
        println!("  merged into {into}");
    }
    if let Some(programme) = &d.requirements_of {
        println!();
        println!("Required ({programme}):");
        for item in &d.checklist {
            let mark = if item.missing() { "missing" } else { "on file" };
            println!("  {:<8} {}", mark, item.doc_type);
        }
    }
    for g in &d.by_type {
        println!();
        println!("{}:", g.doc_type.as_deref().unwrap_or("No type"));
        output::documents(&g.documents);
    }
    if d.by_type.is_empty() {
        println!();
        println!("No documents.");
    }
}
