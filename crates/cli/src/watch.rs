//! `dossier watch FOLDER`: import files put into a folder once they stop changing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use dossier_core::{Access, ImportOptions, ImportOutcome};
use dossier_core::{FolderWatcher, WatchOptions, move_done};

use crate::processing::{self, RunOptions, Shown, ToolArgs};
use crate::unlock::unlock;

/// `dossier watch` arguments.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The folder to watch (its subfolders too).
    #[arg(value_name = "FOLDER")]
    folder: PathBuf,
    /// Move each imported file (and each duplicate) into the folder's "Imported"
    /// subfolder; without it, files are left where they are.
    #[arg(long = "move")]
    move_imported: bool,
    /// Seconds a file must stay unchanged before it is imported.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    settle: f64,
    /// Scan the folder every SECONDS instead of relying on change notifications (for
    /// network shares, where they do not arrive).
    #[arg(long, value_name = "SECONDS")]
    poll: Option<f64>,
    /// Stop after this many files were handed over (for scripts and tests).
    #[arg(long, value_name = "N")]
    max_files: Option<usize>,
}

fn seconds(s: f64, what: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(s)
        .ok()
        .filter(|d| !d.is_zero() || what == "settle")
        .ok_or_else(|| anyhow::anyhow!("--{what} must be a positive number of seconds"))
}

pub fn watch(root: &Path, tools: &ToolArgs, args: WatchArgs) -> Result<u8> {
    let opts = WatchOptions {
        settle: seconds(args.settle, "settle")?,
        poll: args.poll.map(|p| seconds(p, "poll")).transpose()?,
    };
    let mut lib = unlock(root, Access::Write)?;
    let mut watcher = FolderWatcher::start(&args.folder, &opts)?;
    eprintln!(
        "watching {} (Ctrl+C to stop); files are imported once unchanged for {:.1} s",
        watcher.root().display(),
        opts.settle.as_secs_f64()
    );
    let mut handed = 0usize;
    loop {
        let files = watcher.ready(Duration::from_secs(3600))?;
        if files.is_empty() {
            continue;
        }
        handed += files.len();
        let report = lib.import(
            &files,
            &ImportOptions {
                allow_duplicates: false,
                workers: 0,
                within: Some(watcher.root().to_owned()),
            },
            &mut |_| {},
        )?;
        for outcome in &report.files {
            let path = outcome.path();
            match outcome {
                ImportOutcome::Imported { doc, .. } => {
                    println!("imported {} as {doc}", path.display());
                }
                ImportOutcome::Duplicate { existing, .. } => {
                    println!("already in the library: {} (as {existing})", path.display());
                }
                ImportOutcome::Refused { reason, .. } => {
                    println!("not imported: {}: {reason}", path.display());
                }
            }
        }
        if args.move_imported {
            for stayed in move_done(watcher.root(), &report.files) {
                eprintln!("not moved: {}: {}", stayed.path.display(), stayed.error);
            }
        }
        processing::run(&mut lib, tools, RunOptions::pending(Shown::Quietly))?;
        if args.max_files.is_some_and(|n| handed >= n) {
            return Ok(0);
        }
    }
}
