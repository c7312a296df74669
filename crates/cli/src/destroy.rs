//! `dossier retention destroy`, `destructions`, `certificate` and `check-certificate`:
//! approving the destruction of due records, and the signed certificate of it (issue 22).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use dossier_core::{Access, Certificate, DestructionId, DispositionState, DocId, Library};

use crate::connect::{engine, runtime};
use crate::output;
use crate::unlock::{unlock, unlock_local};

/// `dossier retention destroy` arguments.
#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// The documents to destroy (ids or unique prefixes); each must be due.
    #[arg(value_name = "DOC", required_unless_present = "due")]
    docs: Vec<String>,
    /// Every document due (those a hold keeps are left).
    #[arg(long, conflicts_with = "docs")]
    due: bool,
    /// As of this day (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = dossier_core::parse_day)]
    on: Option<chrono::NaiveDate>,
    /// Destroy them: without it, only list what would be destroyed.
    #[arg(long)]
    yes: bool,
    #[arg(long)]
    json: bool,
}

pub fn destroy(root: &Path, args: DestroyArgs) -> Result<u8> {
    let today = args.on.unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut lib = unlock(root, Access::Write)?;
    let docs: Vec<DocId> = if args.due {
        lib.disposition_queue(today)?
            .into_iter()
            .filter(|d| d.state == DispositionState::Due)
            .map(|d| d.doc)
            .collect()
    } else {
        args.docs
            .iter()
            .map(|d| lib.catalog().resolve(d))
            .collect::<dossier_core::Result<_>>()?
    };
    if docs.is_empty() {
        println!("Nothing is due for destruction.");
        return Ok(0);
    }
    if !args.yes {
        for doc in &docs {
            let d = lib.catalog().document(*doc)?;
            println!("{}  {}", output::short_id(doc), d.summary.title);
        }
        println!(
            "{} document(s) would be destroyed on every desktop and on the remote, for good. \
             Add --yes to destroy them.",
            docs.len()
        );
        return Ok(1);
    }
    let report = lib.destroy(&docs, today)?;
    // On the remote too: a sync sends the destruction, deletes the packs that held the
    // records, and records the check that none is left (the certificate's confirmation).
    let sync = match lib.remote()? {
        Some(url) => {
            let rt = runtime()?;
            let engine = engine(&rt, &url, lib)?;
            let synced = rt.block_on(engine.sync());
            engine.into_local().into_library()?;
            Some(synced.context("the records are destroyed on this desktop; the sync that takes the destruction to the remote failed (run `dossier sync` again)")?)
        }
        None => None,
    };
    if args.json {
        output::json(&serde_json::json!({ "destruction": report, "sync": sync }))?;
        return Ok(0);
    }
    println!(
        "Destroyed {} document(s): batch {}.",
        report.destroyed, report.batch
    );
    for h in &report.held {
        println!("Kept \"{}\": {}", h.title, h.why);
    }
    if let Some(s) = sync {
        println!(
            "Sent to the remote; {} pack(s) holding them deleted there.",
            s.packs_shredded
        );
    }
    println!(
        "Certificate: dossier retention certificate {} --out certificate.pdf",
        report.batch
    );
    Ok(0)
}

pub fn destructions(root: &Path, json: bool) -> Result<u8> {
    let lib = unlock_local(root, Access::Read)?;
    let all = lib.destructions()?;
    if json {
        output::json(&all)?;
    } else if all.is_empty() {
        println!("No records have been destroyed.");
    } else {
        for e in &all {
            let d = &e.destruction;
            println!(
                "{}  {}  {:>5} record(s)  by {}{}  remote: {}",
                d.batch,
                d.approved_at,
                d.records.len(),
                d.approver,
                if e.signed { " (signed)" } else { "" },
                e.remote_confirmed.as_deref().unwrap_or("not confirmed")
            );
        }
    }
    Ok(0)
}

/// `dossier retention certificate` arguments.
#[derive(Debug, Args)]
pub struct CertificateArgs {
    /// The destruction's batch id (or a unique prefix).
    batch: String,
    /// Write it to FILE.json (the signed certificate), FILE.pdf or FILE.csv (never
    /// replacing a file).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn certificate(root: &Path, args: CertificateArgs) -> Result<u8> {
    let lib = unlock_local(root, Access::Read)?;
    let batch = resolve_batch(&lib, &args.batch)?;
    match args.out {
        None => {
            let certificate = lib.destruction_certificate(batch)?;
            println!("{}", serde_json::to_string_pretty(&certificate)?);
        }
        Some(path) => {
            let is_json = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            if is_json {
                lib.write_certificate_to(batch, &path)?;
            } else {
                let certificate = lib.destruction_certificate(batch)?;
                crate::disclose::write_report(&lib.certificate_report(&certificate)?, &path)?;
            }
            println!("Wrote {}.", path.display());
        }
    }
    Ok(0)
}

pub fn check_certificate(root: &Path, file: &Path, json: bool) -> Result<u8> {
    let lib = unlock_local(root, Access::Read)?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let check = lib.check_certificate(&Certificate::parse(&bytes)?)?;
    if json {
        output::json(&check)?;
        return Ok(0);
    }
    let d = &check.destruction;
    println!(
        "Batch {}: {} record(s) destroyed {} by {}; {}.",
        d.batch,
        d.records.len(),
        d.approved_at,
        d.approver,
        match &check.approver {
            Some(who) => format!("signed by {who}, signature verified"),
            None => "not signed (a library without people)".into(),
        }
    );
    println!(
        "Remote: {}.",
        if check.remote_confirmed {
            "checked, no pack holding the records is left"
        } else {
            "not confirmed"
        }
    );
    Ok(0)
}

/// A destruction by its id or a unique prefix of it.
fn resolve_batch(lib: &Library, reference: &str) -> Result<DestructionId> {
    let reference = reference.trim().to_ascii_lowercase();
    let matches: Vec<DestructionId> = lib
        .destructions()?
        .into_iter()
        .map(|e| e.destruction.batch)
        .filter(|b| b.to_string().starts_with(&reference))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => bail!("no destruction {reference} is recorded in this library"),
        _ => bail!("{reference} names more than one destruction; give more of its id"),
    }
}
