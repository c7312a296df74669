//! `dossier process`, `text`, `jobs` and `about`, and the processing run after imports.

use std::path::Path;

use anyhow::Result;
use clap::Args;
use dossier_core::{JobState, Library, ProcessEvent, ProcessOptions, ProcessReport, Tools};

use crate::output::{self, EventLines, Progress};

/// Options shared by every command that runs processing jobs.
#[derive(Debug, Args, Clone)]
pub struct ToolArgs {
    /// Folder holding libpdfium (before PDFIUM_DYNAMIC_LIB_PATH, the program's folder and
    /// the system).
    #[arg(long, global = true, env = "DOSSIER_PDFIUM_DIR", value_name = "DIR")]
    pub pdfium_dir: Option<std::path::PathBuf>,
    /// OCR languages (Tesseract codes joined by `+`).
    #[arg(
        long,
        global = true,
        env = "DOSSIER_OCR_LANGUAGES",
        default_value = "eng"
    )]
    pub ocr_languages: String,
    /// Time limit for processing one document, in seconds.
    #[arg(long, global = true, default_value_t = 300)]
    pub time_limit: u64,
}

impl ToolArgs {
    pub fn tools(&self) -> Tools {
        let mut t = Tools::default();
        t.pdfium.library_dir = self.pdfium_dir.clone();
        t.ocr.languages = self.ocr_languages.clone();
        t.limit_secs = self.time_limit.max(1);
        t
    }
}

/// How a processing run shows its progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Nothing (the command prints a summary, or JSON, at the end).
    Quietly,
    /// A progress bar and notes on the terminal.
    OnTerminal,
    /// One JSON line per event on standard error.
    AsJsonLines,
}

impl Shown {
    /// From a command's `--json` and `--progress-json` flags.
    pub fn from_flags(json: bool, progress_json: bool) -> Self {
        match (json, progress_json) {
            (_, true) => Self::AsJsonLines,
            (true, false) => Self::Quietly,
            (false, false) => Self::OnTerminal,
        }
    }
}

/// What a processing run takes and how it shows itself.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Failed jobs are tried again too.
    pub retry_failed: bool,
    pub shown: Shown,
}

impl RunOptions {
    /// The pending jobs.
    pub fn pending(shown: Shown) -> Self {
        Self {
            retry_failed: false,
            shown,
        }
    }
}

/// Run the jobs `opts` asks for.
pub fn run(lib: &mut Library, tools: &ToolArgs, opts: RunOptions) -> Result<ProcessReport> {
    let show = opts.shown == Shown::OnTerminal;
    let mut progress = Progress::new(show);
    let mut lines = EventLines::new(opts.shown == Shown::AsJsonLines);
    let mut told = Vec::new();
    let report = lib.process(
        &ProcessOptions {
            tools: tools.tools(),
            retry_failed: opts.retry_failed,
            budget: None,
        },
        &mut |e: ProcessEvent<'_>| {
            lines.process_event(&e);
            match &e {
                ProcessEvent::Planned { jobs } => progress.start_jobs(*jobs),
                ProcessEvent::Unavailable { what } => told.push(what.to_string()),
                ProcessEvent::Started { job } => {
                    progress.message(format!("{} {}", job.kind.as_str(), job.file_name))
                }
                ProcessEvent::Finished { job, .. } => {
                    if job.kind == dossier_core::JobKind::Extract {
                        progress.add(1);
                    } else {
                        progress.grow(1);
                        progress.add(1);
                    }
                }
            }
        },
    )?;
    progress.finish();
    if show {
        for what in told {
            eprintln!(
                "Note: {what}. Documents stay findable by name; this work waits until it is available."
            );
        }
    }
    Ok(report)
}

pub fn print_report(r: &ProcessReport) {
    println!(
        "Processed: {} done, {} password protected, {} failed, {} waiting for a tool ({:.1} s)",
        r.done, r.protected, r.failed, r.waiting, r.seconds
    );
    if r.failed > 0 {
        println!("See `dossier jobs` for the reasons.");
    }
}

/// `dossier text`: the extracted (and OCR) text of a version, page by page.
pub fn text(
    lib: &Library,
    doc: dossier_core::DocId,
    version: Option<u32>,
    json: bool,
) -> Result<u8> {
    let v = lib.version(doc, version)?;
    let pages = lib.catalog().texts(v.id)?;
    let extract = lib
        .catalog()
        .job_state(v.id, dossier_core::JobKind::Extract)?;
    if json {
        output::json(
            &serde_json::json!({ "version": v.number, "state": extract, "pages": pages }),
        )?;
        return Ok(0);
    }
    match extract {
        Some(JobState::Done) | None => {}
        Some(JobState::Protected) => eprintln!("This document is password protected: no text."),
        Some(JobState::Pending) => {
            eprintln!("Not processed yet: run `dossier process`.")
        }
        Some(state) => eprintln!(
            "Text extraction is {}; see `dossier jobs {doc}`.",
            state.as_str()
        ),
    }
    let several = pages.len() > 1;
    for p in &pages {
        if several {
            println!("--- page {} ---", p.page);
        }
        println!("{}", p.text.trim_end());
    }
    Ok(0)
}

/// `dossier jobs [DOC] [--all]`: jobs not done (or every job of one document, or all),
/// with reasons.
pub fn jobs(
    lib: &dossier_core::Library,
    filter: dossier_core::JobFilter,
    json: bool,
) -> Result<u8> {
    let statuses = lib.catalog().job_statuses(filter)?;
    if json {
        output::json(&serde_json::json!({
            "counts": lib.catalog().job_counts()?,
            "jobs": statuses,
        }))?;
        return Ok(0);
    }
    let counts = lib.catalog().job_counts()?;
    let summary: Vec<String> = counts
        .iter()
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    println!(
        "Jobs: {}",
        if summary.is_empty() {
            "none".into()
        } else {
            summary.join(", ")
        }
    );
    for j in statuses {
        println!(
            "{}  {:<9} {:<9} {}{}",
            &j.doc.to_string()[..8],
            j.kind.as_str(),
            j.state.as_str(),
            j.file_name,
            j.reason.map(|r| format!(": {r}")).unwrap_or_default()
        );
    }
    Ok(0)
}

/// `dossier about`: versions and what is unavailable on this machine.
pub fn about(tools: &ToolArgs, json: bool, _root: &Path) -> Result<u8> {
    let status = tools.tools().status();
    if json {
        output::json(&serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "pdf": match &status.pdf {
                Ok(()) => serde_json::json!({ "available": true, "detail": "pdfium" }),
                Err(why) => serde_json::json!({ "available": false, "detail": why.to_string() }),
            },
            "ocr": match &status.ocr {
                Ok(v) => serde_json::json!({ "available": true, "detail": v }),
                Err(why) => serde_json::json!({ "available": false, "detail": why.to_string() }),
            },
            "office": match &status.office {
                Ok(()) => serde_json::json!({ "available": true, "detail": "LibreOffice" }),
                Err(why) => serde_json::json!({ "available": false, "detail": why.to_string() }),
            },
        }))?;
        return Ok(0);
    }
    println!("dossier {}", env!("CARGO_PKG_VERSION"));
    match &status.pdf {
        Ok(()) => println!("PDF text and previews: available (pdfium)"),
        Err(why) => println!("PDF text and previews: unavailable: {why}"),
    }
    match &status.ocr {
        Ok(v) => println!("OCR: available ({v})"),
        Err(why) => println!("OCR: unavailable: {why}"),
    }
    match &status.office {
        Ok(()) => println!("Office files as pages: available (LibreOffice)"),
        Err(why) => println!("Office files as pages: unavailable: {why}"),
    }
    Ok(0)
}
