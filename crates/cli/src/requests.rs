//! `dossier request`: requests about a student's records (issue 22): to inspect them
//! (34 CFR 99.10: due in 45 days; the student's records are held until it is fulfilled)
//! or to amend them (99.20-99.22: the decision, and the student's statement).

use std::path::Path;

use anyhow::Result;
use clap::Subcommand;
use dossier_core::{Access, NewRequest, Relation, RequestId, RequestKind};

use crate::output;
use crate::unlock::{unlock, unlock_local};

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// Log a request: to inspect (the default) or --amend a student's records.
    Log {
        /// The student (number, name or id).
        student: String,
        /// Who asked.
        #[arg(long)]
        by: String,
        /// student, parent or other.
        #[arg(long, default_value = "parent", value_parser = Relation::parse)]
        relation: Relation,
        /// When it was received (default: today).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
        received: Option<chrono::NaiveDate>,
        /// An amendment request: what to change.
        #[arg(long, value_name = "WHAT")]
        amend: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Open requests by due date (--all: every request).
    Ls {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// The request was fulfilled (the records were shown).
    Fulfil {
        id: RequestId,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
        on: Option<chrono::NaiveDate>,
    },
    /// The requester withdrew it.
    Withdraw {
        id: RequestId,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
        on: Option<chrono::NaiveDate>,
    },
    /// Decide an amendment request: --amended or not, with the reason.
    Decide {
        id: RequestId,
        #[arg(long)]
        amended: bool,
        #[arg(long)]
        reason: String,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
        on: Option<chrono::NaiveDate>,
    },
    /// Keep the student's statement on an amendment refused (disclosed with the record).
    Statement { id: RequestId, text: String },
}

pub fn run(root: &Path, cmd: RequestCommand) -> Result<u8> {
    let today = chrono::Local::now().date_naive();
    match cmd {
        RequestCommand::Log {
            student,
            by,
            relation,
            received,
            amend,
            note,
            json,
        } => {
            let mut lib = unlock(root, Access::Write)?;
            let subject = lib.catalog().resolve_subject(&student)?;
            let kind = if amend.is_some() {
                RequestKind::Amendment
            } else {
                RequestKind::Inspection
            };
            let id = lib.log_request(NewRequest {
                subject,
                kind,
                requester: by,
                relation,
                received: received.unwrap_or(today),
                note,
                asked: amend,
            })?;
            let r = lib.request(id)?;
            if json {
                output::json(&serde_json::json!({ "id": id, "request": r }))?;
            } else {
                println!("Logged {} request {id}, due {}", kind.as_str(), r.due);
            }
            Ok(0)
        }
        RequestCommand::Ls { all, json } => {
            let lib = unlock_local(root, Access::Read)?;
            let list = lib.requests(all, today)?;
            if json {
                output::json(&list)?;
            } else if list.is_empty() {
                println!("No open requests.");
            } else {
                for e in &list {
                    let r = &e.request;
                    println!(
                        "{}  due {}{}  {:<10}  {:<9}  {}  by {}",
                        output::short_id(&e.id),
                        r.due,
                        if e.overdue { " (overdue)" } else { "" },
                        r.kind.as_str(),
                        r.state.as_str(),
                        e.student,
                        r.requester
                    );
                }
            }
            Ok(0)
        }
        RequestCommand::Fulfil { id, on } => {
            let mut lib = unlock(root, Access::Write)?;
            lib.fulfil_request(id, on.unwrap_or(today))?;
            Ok(0)
        }
        RequestCommand::Withdraw { id, on } => {
            let mut lib = unlock(root, Access::Write)?;
            lib.withdraw_request(id, on.unwrap_or(today))?;
            Ok(0)
        }
        RequestCommand::Decide {
            id,
            amended,
            reason,
            on,
        } => {
            let mut lib = unlock(root, Access::Write)?;
            lib.decide_amendment(id, amended, on.unwrap_or(today), &reason)?;
            Ok(0)
        }
        RequestCommand::Statement { id, text } => {
            let mut lib = unlock(root, Access::Write)?;
            lib.add_statement(id, &text)?;
            Ok(0)
        }
    }
}
