//! `dossier audit`: the audit trail of one document or of all, and `dossier audit verify`,
//! which checks it against what its authors signed.

use std::path::Path;

use anyhow::Result;
use clap::{Args, Subcommand};
use dossier_core::{Access, AuditCheck};

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
}

pub fn run(root: &Path, args: AuditArgs) -> Result<u8> {
    match args.command {
        None => {
            let lib = unlock_local(root, Access::Read)?;
            let id = args.doc.map(|d| lib.catalog().resolve(&d)).transpose()?;
            let events = lib.catalog().audit(id)?;
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
    }
}

fn print_check(check: &AuditCheck) {
    println!(
        "Checked {} audit events of {} desktop(s): {} signed by their authors, {} from before the library had people{}.",
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
