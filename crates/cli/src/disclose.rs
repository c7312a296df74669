//! `dossier disclose`: a disclosure of a student's records (34 CFR 99.32), written out
//! for the party (`--out`, a ZIP; `--encrypt` with a password to send separately) or
//! recorded by hand; and `dossier report`: the records officer's reports (a student's
//! disclosures, the access log, retention, directory information) as CSV or PDF, or
//! `--json`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use dossier_core::{
    Access, AccessFilter, Basis, DisclosureException, DisclosureExportOptions, Library,
    NewDisclosure, Report, ReportForm, SubjectFilter, VersionId,
};

use crate::output;
use crate::processing::ToolArgs;
use crate::unlock::{unlock, unlock_local};

#[derive(Debug, Args)]
pub struct DiscloseArgs {
    /// The student whose records are disclosed (number, name or id).
    student: String,
    /// Who receives them.
    #[arg(long)]
    party: String,
    /// Their legitimate interest in the records.
    #[arg(long)]
    interest: String,
    /// The parent's or eligible student's written consent, signed on this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day,
          conflicts_with = "exception", required_unless_present = "exception")]
    consent: Option<chrono::NaiveDate>,
    /// The exception of 99.31 that needs no consent: school_official, other_school,
    /// audit_or_evaluation, financial_aid, juvenile_justice, studies, accreditation,
    /// dependent_student, court_order, health_or_safety, directory_information,
    /// parent_or_student, disciplinary, sex_offender.
    #[arg(long, value_parser = DisclosureException::parse)]
    exception: Option<DisclosureException>,
    /// A document disclosed (repeat for each); DOC@N for its version N (default: the
    /// current one).
    #[arg(long = "doc", value_name = "DOC[@N]")]
    docs: Vec<String>,
    /// A party the receiver may disclose them to again, with their interest (repeat).
    #[arg(long = "again-to", value_name = "PARTY")]
    again_to: Vec<String>,
    /// When they were disclosed (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
    date: Option<chrono::NaiveDate>,
    #[arg(long)]
    note: Option<String>,
    /// Write the documents to this ZIP for the party (never replacing a file); without
    /// it, the disclosure is recorded as made another way.
    #[arg(long, value_name = "FILE.zip")]
    out: Option<PathBuf>,
    /// Encrypt the ZIP (AES-256) with a new password, printed once: send it to the party
    /// another way than the file.
    #[arg(long, requires = "out")]
    encrypt: bool,
    /// Black out other people's names and numbers in the copies written (pages become
    /// pictures); the records themselves are untouched.
    #[arg(long, requires = "out")]
    redact: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// A student's disclosures: what the student (or a parent) may inspect.
    Disclosures {
        /// The student (number, name or id).
        student: String,
        #[command(flatten)]
        out: ReportOut,
    },
    /// Who viewed, printed or exported what.
    Access {
        #[command(flatten)]
        filter: crate::audit::AccessArgs,
        #[command(flatten)]
        out: ReportOut,
    },
    /// Each document under a retention rule: its disposition date and what holds it.
    Retention {
        /// As of this day (default: today).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
        on: Option<chrono::NaiveDate>,
        #[command(flatten)]
        out: ReportOut,
    },
    /// Every destruction of records: when, by whom, how many, and whether the remote was
    /// found clear of them.
    Destruction {
        #[command(flatten)]
        out: ReportOut,
    },
    /// Directory information (names, programmes, dates of attendance) of the students,
    /// leaving out those who opted out (34 CFR 99.37).
    Directory {
        /// Only this programme's students.
        #[arg(long)]
        programme: Option<String>,
        #[command(flatten)]
        out: ReportOut,
    },
}

/// Where a report goes: a CSV or PDF file (by its extension), JSON, or the terminal.
#[derive(Debug, Args)]
pub struct ReportOut {
    /// Write it to FILE.csv or FILE.pdf (never replacing a file).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[arg(long, conflicts_with = "out")]
    json: bool,
}

pub fn disclose(root: &Path, tools: &ToolArgs, args: DiscloseArgs) -> Result<u8> {
    let mut lib = unlock(root, Access::Write)?;
    let subject = lib.catalog().resolve_subject(&args.student)?;
    let basis = match (args.consent, args.exception) {
        (Some(day), None) => Basis::Consent {
            signed: day.format("%Y-%m-%d").to_string(),
        },
        (None, Some(exception)) => Basis::Exception { exception },
        _ => bail!("give --consent DATE or --exception NAME"),
    };
    let mut documents = Vec::new();
    for d in &args.docs {
        documents.push(document(&lib, d)?);
    }
    let new = NewDisclosure {
        subject,
        party: args.party,
        interest: args.interest,
        basis,
        date: args
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        documents,
        redisclosure: args.again_to,
        note: args.note,
    };
    match args.out {
        Some(out) => {
            let password = args.encrypt.then(dossier_core::new_archive_password);
            let report = lib.export_for_disclosure(
                new,
                &out,
                &DisclosureExportOptions {
                    password: password.clone(),
                    redact_others: args.redact.then(|| tools.tools()),
                },
            )?;
            if args.json {
                output::json(&serde_json::json!({
                    "report": report,
                    "password": password.as_deref().map(String::as_str),
                }))?;
            } else {
                println!(
                    "Wrote {} document(s) to {} and recorded the disclosure {}.",
                    report.files,
                    out.display(),
                    report.id
                );
                if let Some(p) = &password {
                    println!("Password: {}", p.as_str());
                    println!(
                        "Give it to the party another way than the file (by phone, or in \
                         person); it is not kept anywhere."
                    );
                }
            }
        }
        None => {
            let id = lib.record_disclosure(new)?;
            if args.json {
                output::json(&serde_json::json!({ "id": id }))?;
            } else {
                println!("Recorded the disclosure {id}.");
            }
        }
    }
    Ok(0)
}

/// `DOC` or `DOC@N`: the document and, when given, its version N.
fn document(lib: &Library, reference: &str) -> Result<(dossier_core::DocId, Option<VersionId>)> {
    let (doc, number) = match reference.rsplit_once('@') {
        Some((doc, n)) => (
            doc,
            Some(
                n.parse::<u32>()
                    .with_context(|| format!("{n:?} is not a version number"))?,
            ),
        ),
        None => (reference, None),
    };
    let id = lib.catalog().resolve(doc)?;
    let version = match number {
        None => None,
        Some(n) => Some(
            lib.catalog()
                .versions(id)?
                .into_iter()
                .find(|v| v.number == n)
                .map(|v| v.id)
                .with_context(|| format!("{doc} has no version {n}"))?,
        ),
    };
    Ok((id, version))
}

pub fn report(root: &Path, cmd: ReportCommand) -> Result<u8> {
    let today = chrono::Local::now().date_naive();
    let (report, out) = match cmd {
        ReportCommand::Disclosures { student, out } => {
            let lib = unlock_local(root, Access::Read)?;
            let subject = lib.catalog().resolve_subject(&student)?;
            (lib.disclosure_report(subject)?, out)
        }
        ReportCommand::Access { filter, out } => {
            let lib = unlock_local(root, Access::Read)?;
            let filter: AccessFilter = filter.filter(&lib)?;
            (lib.access_report(&filter)?, out)
        }
        ReportCommand::Retention { on, out } => {
            let lib = unlock_local(root, Access::Read)?;
            (lib.retention_report(on.unwrap_or(today))?, out)
        }
        ReportCommand::Destruction { out } => {
            let lib = unlock_local(root, Access::Read)?;
            (lib.destruction_report()?, out)
        }
        ReportCommand::Directory { programme, out } => {
            let mut lib = unlock(root, Access::Write)?;
            let filter = SubjectFilter {
                programme,
                ..SubjectFilter::default()
            };
            (lib.directory_report(&filter)?, out)
        }
    };
    if out.json {
        output::json(&report)?;
    } else if let Some(path) = out.out {
        write_report(&report, &path)?;
        println!("Wrote {} ({} rows).", path.display(), report.rows.len());
    } else {
        print_report(&report);
    }
    Ok(0)
}

/// The report to `path`, as its extension says; an existing file is never replaced.
pub(crate) fn write_report(report: &Report, path: &Path) -> Result<()> {
    let Some(form) = ReportForm::from_path(path) else {
        bail!("{} should end in .csv or .pdf", path.display());
    };
    Ok(report.write_to(path, form)?)
}

fn print_report(report: &Report) {
    println!("{}", report.title);
    for line in &report.about {
        println!("{line}");
    }
    println!();
    if report.rows.is_empty() {
        println!("Nothing to report.");
        return;
    }
    let headings: Vec<&str> = report.columns.iter().map(|c| c.heading.as_str()).collect();
    println!("{}", headings.join(" | "));
    for row in &report.rows {
        println!("{}", row.join(" | "));
    }
}
