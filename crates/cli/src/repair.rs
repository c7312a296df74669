//! `dossier repair --rebuild-catalog`: the catalog again from the library's own store.

use std::path::Path;

use anyhow::Result;
use clap::Args;
use dossier_core::{CatalogRepair, RebuildEvent, RebuildReport};

use crate::exit;
use crate::output;
use crate::processing::{self, RunOptions, Shown, ToolArgs};
use crate::unlock::{keyring_key, typed_secret};

/// `dossier repair` arguments.
#[derive(Debug, Args)]
pub struct RepairArgs {
    /// Rebuild catalog.sqlite from the store journal (the current catalog, if any, is
    /// moved to catalog-replaced/), then the search index; text is extracted again.
    #[arg(long, required = true)]
    rebuild_catalog: bool,
    /// Do not extract text and OCR afterwards (`dossier process` does it later).
    #[arg(long)]
    no_process: bool,
    #[arg(long)]
    json: bool,
    /// Progress as JSON lines on standard error.
    #[arg(long)]
    progress_json: bool,
}

pub fn repair(root: &Path, tools: &ToolArgs, args: RepairArgs) -> Result<u8> {
    let repair = CatalogRepair::open(root)?;
    let key = match keyring_key(repair.library_id()) {
        Some(key) => repair.check_key(key)?,
        None => repair.unlock(&typed_secret()?)?,
    };
    let lines = output::EventLines::new(args.progress_json);
    let (mut lib, report) = repair.rebuild_catalog(key, &mut |e: RebuildEvent| {
        lines.emit_value(&e);
    })?;
    let processed = if args.no_process {
        None
    } else {
        Some(processing::run(
            &mut lib,
            tools,
            RunOptions::pending(Shown::from_flags(args.json, args.progress_json)),
        )?)
    };
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        v["process"] = serde_json::to_value(&processed)?;
        output::json(&v)?;
    } else {
        print(&report);
        if let Some(p) = &processed {
            processing::print_report(p);
        }
    }
    let complete = report.missing_segments.is_empty() && report.damaged_segments.is_empty();
    Ok(if complete { 0 } else { exit::PARTIAL })
}

fn print(r: &RebuildReport) {
    println!(
        "Rebuilt the catalog from {} journal segment(s): {} document(s), {} version(s).",
        r.segments, r.documents, r.versions
    );
    if let Some(dir) = &r.set_aside {
        println!("The previous catalog is kept in {}.", dir.display());
    }
    for (what, list) in [
        ("missing", &r.missing_segments),
        ("damaged", &r.damaged_segments),
    ] {
        if !list.is_empty() {
            println!(
                "Warning: {} journal segment(s) {what} ({list:?}); what they held could not be \
                 restored. Run `dossier verify`.",
                list.len()
            );
        }
    }
}
