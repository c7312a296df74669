//! `dossier audit`: the audit trail of one document or of all, and `dossier audit verify`,
//! which checks it against what its authors signed.

use std::path::Path;

use anyhow::Result;
use clap::{Args, Subcommand};
use dossier_core::{Access, AccessFilter, AuditCheck, Library};

use crate::exit;
use crate::output;
use crate::unlock::unlock_local;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: Option<AuditCommand>,
    /// The document whose trail to show (all when left out).
    doc: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the trail: each desktop's chain of events, each author's signature, the
    /// head each journal segment carries, and the table `dossier audit` and the app
    /// show. Says exactly what was changed, removed, moved or added, and where; exits 1
    /// when anything was.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Who looked at what: each sitting's view of a document (one per person, document
    /// and sitting), each print and each export, with who, the version, when and from
    /// which desktop. For records officers, auditors and owners.
    Access {
        #[command(flatten)]
        filter: AccessArgs,
        #[arg(long)]
        json: bool,
    },
}

/// Which accesses to list.
#[derive(Debug, Args)]
pub struct AccessArgs {
    /// Of one document.
    #[arg(long)]
    doc: Option<String>,
    /// By one person of the library (name or member id).
    #[arg(long)]
    person: Option<String>,
    /// Of the documents about one student or staff member (number, name or id).
    #[arg(long)]
    subject: Option<String>,
    /// From this day on.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
    since: Option<chrono::NaiveDate>,
    /// Up to and including this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
    until: Option<chrono::NaiveDate>,
}

impl AccessArgs {
    /// The filter, with the references resolved in `lib`.
    pub fn filter(self, lib: &Library) -> Result<AccessFilter> {
        let day = |d: chrono::NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp_millis())
        };
        Ok(AccessFilter {
            doc: self.doc.map(|d| lib.catalog().resolve(&d)).transpose()?,
            member: self.person.map(|p| lib.resolve_person(&p)).transpose()?,
            subject: self
                .subject
                .map(|s| lib.catalog().resolve_subject(&s))
                .transpose()?,
            since_ms: self.since.and_then(day),
            until_ms: self.until.and_then(|d| d.succ_opt()).and_then(day),
        })
    }
}

pub fn run(root: &Path, args: AuditArgs) -> Result<u8> {
    match args.command {
        None => {
            let lib = unlock_local(root, Access::Read)?;
            let id = args.doc.map(|d| lib.catalog().resolve(&d)).transpose()?;
            let events = lib.audit_trail(id)?;
            if args.json {
                output::json(&events)?
            } else {
                output::audit(&events)
            }
            Ok(0)
        }
        Some(AuditCommand::Verify { json }) => {
            let lib = unlock_local(root, Access::Read)?;
            let check = lib.check_audit()?;
            if json {
                output::json(&check)?
            } else {
                print_check(&check)
            }
            Ok(if check.is_clean() { 0 } else { exit::PARTIAL })
        }
        Some(AuditCommand::Access { filter, json }) => {
            let lib = unlock_local(root, Access::Read)?;
            let filter = filter.filter(&lib)?;
            let log = lib.access_log(&filter)?;
            if json {
                output::json(&log)?
            } else {
                for e in &log {
                    let a = &e.event;
                    println!(
                        "{}  {:<12}  {:<8}  {:<24}  {}",
                        output::short_time(&a.time),
                        a.user,
                        a.action,
                        e.title.as_deref().unwrap_or("(no longer here)"),
                        a.detail.as_deref().unwrap_or("")
                    );
                }
                if log.is_empty() {
                    println!("No views, prints or exports.");
                }
            }
            Ok(0)
        }
    }
}

fn print_check(check: &AuditCheck) {
    println!(
        "Checked {} audit events of {} desktop(s): {} signed by their authors, {} unsigned (a library without people, or before it had them){}.",
        check.events,
        check.devices,
        check.signed,
        check.unsigned,
        if check.pending > 0 {
            format!(", {} waiting for news of the people", check.pending)
        } else {
            String::new()
        }
    );
    if check.refused > 0 {
        println!(
            "{} event(s) came with changes this desktop refused by the people's rules (kept, not shown): `dossier people held` lists them.",
            check.refused
        );
    }
    if check.withheld_segments > 0 {
        println!(
            "{} journal segment(s) hold records this desktop may not read: their events are checked on a desktop that may.",
            check.withheld_segments
        );
    }
    if check.is_clean() {
        println!(
            "Nothing was changed, removed, moved or added: the trail shown is the one its authors signed."
        );
        return;
    }
    for f in &check.findings {
        println!("{f}");
    }
    println!(
        "{} problem(s): the audit trail was tampered with. Keep this folder as it is and tell the library's owner; other desktops and the remote hold the events as signed.",
        check.findings.len()
    );
}
