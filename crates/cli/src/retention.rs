//! `dossier retention`: record series and their retention rules by document type, and
//! the disposition queue (issue 22).

use std::path::Path;

use anyhow::{Result, bail};
use clap::Subcommand;
use dossier_core::{
    Access, Disposition, DispositionState, RecordSeries, RetentionEvent, RetentionRule,
    describe_rule,
};

use crate::output;
use crate::unlock::{unlock, unlock_local};

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Put documents of a type in a record series: kept --years N after --after (created,
    /// enrolled, or left: graduation, leaving, last attendance), or --permanently.
    Set {
        #[arg(value_name = "TYPE")]
        doc_type: String,
        /// The series' name (as certificates and reports show it).
        #[arg(long)]
        series: String,
        #[arg(
            long,
            required_unless_present = "permanently",
            conflicts_with = "permanently"
        )]
        years: Option<u16>,
        #[arg(long, default_value = "created", value_parser = RetentionEvent::parse)]
        after: RetentionEvent,
        #[arg(long)]
        permanently: bool,
    },
    /// Take a type out of every series.
    Unset {
        #[arg(value_name = "TYPE")]
        doc_type: String,
    },
    /// The series, by type.
    Ls {
        #[arg(long)]
        json: bool,
    },
    /// What is due for destruction (and what a hold keeps though due); with --all, every
    /// document in a series with its date.
    Queue {
        /// As of this day (default: today).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
        on: Option<chrono::NaiveDate>,
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Destroy due documents (approving the batch): on every desktop and the remote, for
    /// good, with a certificate signed by you.
    Destroy(crate::destroy::DestroyArgs),
    /// The destructions made, each with its batch id.
    Destructions {
        #[arg(long)]
        json: bool,
    },
    /// A destruction's certificate, signed: JSON (to keep), PDF or CSV.
    Certificate(crate::destroy::CertificateArgs),
    /// Check a certificate file's signatures against this library's people.
    CheckCertificate {
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(root: &Path, cmd: RetentionCommand) -> Result<u8> {
    match cmd {
        RetentionCommand::Destroy(args) => crate::destroy::destroy(root, args),
        RetentionCommand::Destructions { json } => crate::destroy::destructions(root, json),
        RetentionCommand::Certificate(args) => crate::destroy::certificate(root, args),
        RetentionCommand::CheckCertificate { file, json } => {
            crate::destroy::check_certificate(root, &file, json)
        }
        RetentionCommand::Set {
            doc_type,
            series,
            years,
            after,
            permanently,
        } => {
            let rule = match (permanently, years) {
                (true, _) => RetentionRule::Permanently,
                (false, Some(years)) => RetentionRule::Years { years, after },
                (false, None) => bail!("give --years N (with --after) or --permanently"),
            };
            let mut lib = unlock(root, Access::Write)?;
            lib.set_series(&doc_type, Some(RecordSeries { name: series, rule }))?;
            println!("{doc_type}: {}", describe_rule(rule));
            Ok(0)
        }
        RetentionCommand::Unset { doc_type } => {
            let mut lib = unlock(root, Access::Write)?;
            lib.set_series(&doc_type, None)?;
            Ok(0)
        }
        RetentionCommand::Ls { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let all = lib.record_series()?;
            if json {
                let list: Vec<_> = all
                    .iter()
                    .map(
                        |(t, s)| serde_json::json!({ "type": t, "series": s.name, "rule": s.rule }),
                    )
                    .collect();
                output::json(&list)?;
            } else if all.is_empty() {
                println!("No type is in a record series.");
            } else {
                for (t, s) in &all {
                    println!("{t:<24}  {:<24}  {}", s.name, describe_rule(s.rule));
                }
            }
            Ok(0)
        }
        RetentionCommand::Queue { on, all, json } => {
            let lib = unlock_local(root, Access::Read)?;
            let today = on.unwrap_or_else(|| chrono::Local::now().date_naive());
            let today_iso = today.format("%Y-%m-%d").to_string();
            let queue: Vec<Disposition> = lib
                .disposition_queue(today)?
                .into_iter()
                .filter(|d| {
                    all || d.state == DispositionState::Due
                        || (d.state == DispositionState::Held
                            && d.due.as_ref().is_some_and(|due| *due <= today_iso))
                })
                .collect();
            if json {
                output::json(&queue)?;
            } else if queue.is_empty() {
                println!("Nothing is due for destruction on {today_iso}.");
            } else {
                for d in &queue {
                    println!(
                        "{:<8}  {:<10}  {}  {:<24}  {}{}",
                        state(d.state),
                        d.due.as_deref().unwrap_or("-"),
                        output::short_id(&d.doc),
                        d.title,
                        d.series,
                        d.person
                            .as_deref()
                            .map(|p| format!(", {p}"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(0)
        }
    }
}

fn state(s: DispositionState) -> &'static str {
    match s {
        DispositionState::Permanent => "kept",
        DispositionState::Waiting => "waiting",
        DispositionState::Kept => "kept",
        DispositionState::Due => "due",
        DispositionState::Held => "held",
    }
}
