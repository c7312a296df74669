//! `dossier remote add|show`, `dossier sync` (once, or `--watch`), `dossier clone` and
//! `dossier cache`: arguments and output around `dossier-sync`'s engine.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use dossier_core::Access;
use dossier_sync::{Creation, NextSync, OnDamage, SyncOptions, SyncReport};

use crate::connect::{engine, runtime};
use crate::exit;
use crate::output;
use crate::processing::{self, RunOptions, Shown, ToolArgs};
use crate::unlock::{typed_secret, unlock, unlock_local};

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Keep this library on a remote (s3://bucket/prefix?endpoint=…, webdav://user@host/path,
    /// file:///srv/share, azblob://…, gcs://…). Credentials come from the environment
    /// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, DOSSIER_WEBDAV_PASSWORD, …).
    Add { url: String },
    /// The remote, and what is waiting to be sent.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Read back and check every object on the remote; with --repair, write damaged ones
    /// again from a good copy on this desktop.
    Check {
        #[arg(long)]
        repair: bool,
        #[arg(long)]
        json: bool,
    },
}

/// `dossier sync` arguments.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Print the summary (objects and bytes up and down) as JSON.
    #[arg(long)]
    json: bool,
    /// Do not extract text and make thumbnails of what arrived.
    #[arg(long)]
    no_process: bool,
    /// Keep syncing: every --interval, and soon after local changes settle.
    #[arg(long)]
    watch: bool,
    /// Time between syncs with --watch (e.g. 30s, 5m, 1h).
    #[arg(long, default_value = "5m", value_parser = dossier_core::parse_interval)]
    interval: Duration,
    /// With --watch: how long local changes must rest before an early sync.
    #[arg(long, default_value = SETTLE_DEFAULT, value_parser = dossier_core::parse_interval)]
    settle: Duration,
}

/// `--settle`'s default: [`dossier_sync::SETTLE`], as the app waits.
const SETTLE_DEFAULT: &str = "10s";

/// `dossier cache` arguments.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Keep at most this much content on this desktop (e.g. 500MB, 20GiB; `none` keeps
    /// everything). Content safely on the remote and read least recently goes first and
    /// is fetched again when opened.
    #[arg(long, value_parser = parse_budget, value_name = "SIZE")]
    budget: Option<Budget>,
    #[arg(long)]
    json: bool,
}

/// A cache budget as typed: a size, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget(Option<u64>);

fn parse_budget(s: &str) -> dossier_core::Result<Budget> {
    dossier_core::parse_size(s).map(Budget)
}

/// `dossier clone` arguments.
#[derive(Debug, Args)]
pub struct CloneArgs {
    /// The remote keeping the library.
    url: String,
    /// The new library folder on this desktop (must not exist or be empty).
    dir: PathBuf,
    /// Do not extract text and make thumbnails after the download.
    #[arg(long)]
    no_process: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// Join by invitation: the one-time code an owner gave you is asked for (or read from
    /// DOSSIER_INVITE_CODE), so it stays out of the shell's history and the process list.
    /// The first run makes your keys (your new passphrase asked for, or
    /// DOSSIER_NEW_PASSPHRASE) and shows the fingerprint to read to them; once they
    /// confirm it, the same command joins (your passphrase asked for, or
    /// DOSSIER_PASSPHRASE). Exit 7 while it waits.
    #[arg(long)]
    invite: bool,
    /// With --invite: wait for the owner to confirm, instead of ending.
    #[arg(long, requires = "invite")]
    wait: bool,
}

pub fn cache(root: &Path, args: CacheArgs) -> Result<u8> {
    let mut lib = unlock(root, Access::Write)?;
    if let Some(Budget(budget)) = args.budget {
        lib.set_cache_budget(budget)?;
    }
    let report = match lib.remote()? {
        // Only what the remote holds whole may go: the engine looks first.
        Some(url) => {
            let rt = runtime()?;
            let engine = engine(&rt, &url, lib)?;
            let report = rt.block_on(engine.evict());
            engine.into_local().into_library()?;
            report?
        }
        None => lib.evict()?,
    };
    if args.json {
        output::json(&report)?;
        return Ok(0);
    }
    match report.budget {
        Some(b) => println!("Cache budget: {}", output::size(b)),
        None => println!("No cache budget: all content stays on this desktop."),
    }
    println!(
        "Here: {} in {} pack(s); on the remote only: {} pack(s).",
        output::size(report.kept_bytes),
        report.kept_packs,
        report.not_downloaded_packs
    );
    if report.evicted_packs > 0 {
        println!(
            "Freed {} ({} pack(s)); they are fetched again when opened.",
            output::size(report.freed_bytes),
            report.evicted_packs
        );
    }
    Ok(0)
}

/// A remote URL as kept in `remote.json`: never with a password in it.
fn check_no_secret(url: &str) -> Result<()> {
    dossier_sync::check_storable(url)
        .context("give the WebDAV password in DOSSIER_WEBDAV_PASSWORD instead")
}

pub fn remote(root: &Path, cmd: RemoteCommand) -> Result<u8> {
    match cmd {
        RemoteCommand::Add { url } => {
            check_no_secret(&url)?;
            let lib = unlock(root, Access::Write)?;
            let rt = runtime()?;
            let engine = engine(&rt, &url, lib)?;
            let attached = rt.block_on(engine.add_remote(&url))?;
            engine.into_local().into_library()?;
            match attached {
                dossier_sync::Attached::Created => println!(
                    "{url} now keeps this library. Run `dossier sync` to send it; other desktops join with `dossier clone {url} DIR`."
                ),
                dossier_sync::Attached::Found => {
                    println!(
                        "{url} already keeps this library; `dossier sync` brings both up to date."
                    )
                }
            }
            Ok(0)
        }
        RemoteCommand::Check { repair, json } => {
            let lib = unlock(root, Access::Write)?;
            let Some(url) = lib.remote()? else {
                bail!("this library has no remote; add one with `dossier remote add URL`");
            };
            let rt = runtime()?;
            let engine = engine(&rt, &url, lib)?;
            let report = rt.block_on(engine.check_remote(if repair {
                OnDamage::Repair
            } else {
                OnDamage::Report
            }))?;
            engine.into_local().into_library()?;
            if json {
                output::json(&report)?;
            } else {
                println!(
                    "Checked {} object(s), {}.",
                    report.objects,
                    output::size(report.bytes)
                );
                for d in &report.damaged {
                    let fixed = if report.repaired.contains(&d.key) {
                        " (repaired from this desktop's copy)"
                    } else {
                        ""
                    };
                    println!("damaged {}: {}{fixed}", d.key, d.reason);
                }
            }
            let unrepaired = report.damaged.len() > report.repaired.len();
            Ok(if unrepaired { exit::PARTIAL } else { 0 })
        }
        RemoteCommand::Show { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let url = lib.remote()?;
            let device = lib.device_id();
            let devices = lib.segments()?;
            let waiting = lib.catalog().unsent_count()?;
            // A WebDAV server is asked (a probe object written twice); unknown when the
            // remote cannot be reached from here.
            let creation = match url.as_deref().map(dossier_sync::open) {
                Some(Ok(remote)) => runtime()?
                    .block_on(async {
                        tokio::time::timeout(std::time::Duration::from_secs(30), remote.creation())
                            .await
                    })
                    .ok()
                    .and_then(|r| r.ok()),
                _ => None,
            };
            if json {
                let devices: std::collections::BTreeMap<String, u64> = devices
                    .into_iter()
                    .map(|(d, s)| (d.to_string(), s))
                    .collect();
                output::json(&serde_json::json!({
                    "url": url,
                    "device": device.to_string(),
                    "segments": devices,
                    "operations_waiting": waiting,
                    "creation": creation,
                }))?;
                return Ok(0);
            }
            match url {
                None => println!("No remote; add one with `dossier remote add URL`."),
                Some(url) => {
                    println!("Remote:   {url}");
                    println!("This desktop: {device}");
                    println!("Changes waiting to be sent: {waiting}");
                    match creation {
                        Some(Creation::Exclusive) => {
                            println!("Write-once: yes (the storage refuses to replace an object)")
                        }
                        Some(Creation::CheckedFirst) => println!(
                            "Write-once: by naming only (this server cannot refuse to replace \
                             an object; Dossier looks first, and each name has one writer)"
                        ),
                        None => {
                            println!("Write-once: unknown (the remote cannot be reached from here)")
                        }
                    }
                    for (d, seq) in devices {
                        let who = if d == device { " (this desktop)" } else { "" };
                        println!("  desktop {d}{who}: {seq} segment(s)");
                    }
                }
            }
            Ok(0)
        }
    }
}

/// Sync once, then process what arrived (unless told not to).
fn sync_once(root: &Path, tools: &ToolArgs, args: &SyncArgs) -> Result<SyncReport> {
    let lib = unlock(root, Access::Write)?;
    let Some(url) = lib.remote()? else {
        bail!("this library has no remote; add one with `dossier remote add URL`");
    };
    let opts = SyncOptions {
        fetch_content: lib.cache_budget()?.is_none(),
        ..SyncOptions::default()
    };
    let rt = runtime()?;
    let engine = engine(&rt, &url, lib)?;
    let report = rt.block_on(engine.sync_with(opts));
    let mut lib = engine.into_local().into_library()?;
    let report = report.with_context(|| format!("syncing with {url}"))?;
    if !args.no_process && report.segments_applied > 0 {
        processing::run(
            &mut lib,
            tools,
            RunOptions::pending(Shown::from_flags(args.json, false)),
        )?;
    }
    Ok(report)
}

fn print_report(report: &SyncReport, json: bool) -> Result<()> {
    if json {
        return output::json(report);
    }
    println!(
        "Sent {} change batch(es) and {} pack(s); received {} batch(es) ({} change(s)) and {} pack(s).",
        report.segments_sent,
        report.packs_sent,
        report.segments_applied,
        report.ops_applied,
        report.packs_fetched
    );
    println!(
        "{} object(s), {} up; {} object(s), {} down; {} request(s), {} retried.",
        report.objects_up,
        output::size(report.bytes_up),
        report.objects_down,
        output::size(report.bytes_down),
        report.requests,
        report.retries
    );
    if report.segments_compacted > 0 {
        println!(
            "Removed {} change batch(es) from the remote that a checkpoint holds.",
            report.segments_compacted
        );
    }
    if report.sending_waits_for_keys {
        println!(
            "Changes made here wait to be sent: someone who held the library's keys has left, \
             and an owner's desktop has not given the members new ones yet. Nothing is lost; \
             sync the owner's desktop, then this one."
        );
    }
    if report.segments_waiting > 0 {
        println!(
            "{} change batch(es) from other desktops wait: they were sealed under the \
             library's own key, which department staff are not given. They arrive once a \
             desktop that reads every record has synced.",
            report.segments_waiting
        );
    }
    if let Some(problem) = &report.erasure_problem {
        println!("This desktop holds no erasure key: {problem}.");
    }
    if let Some(erasure) = &report.erasure {
        if erasure.given > 0 {
            println!(
                "Gave the library's erasure key to {} desktop(s) that asked for it.",
                erasure.given
            );
        }
        if erasure.waiting {
            println!(
                "This desktop has asked for the library's erasure key (kept only in each \
                 desktop's keyring); another of the library's desktops gives it when it next \
                 syncs. If every other desktop is lost: `dossier erasure recover` with the \
                 records officer's erasure recovery code."
            );
        }
        if erasure.recovery_code == dossier_core::RecoveryCodeState::Outdated {
            println!(
                "A destruction since the erasure recovery code was made: make a new one \
                 (`dossier erasure code`) and shred the old sheet."
            );
        }
    }
    for r in &report.refused {
        println!("refused {}: {}", r.key, r.reason);
    }
    for h in &report.history {
        println!("history: {h}");
    }
    Ok(())
}

/// A sync's exit code: history lost or hidden on the remote, then objects refused.
fn sync_exit(report: &SyncReport) -> u8 {
    if !report.history.is_empty() {
        exit::HISTORY
    } else if !report.refused.is_empty() {
        exit::PARTIAL
    } else {
        0
    }
}

pub fn sync(root: &Path, tools: &ToolArgs, args: SyncArgs) -> Result<u8> {
    if !args.watch {
        let report = sync_once(root, tools, &args)?;
        print_report(&report, args.json)?;
        return Ok(sync_exit(&report));
    }
    // Between syncs the library is closed, so the app and other commands can use it.
    loop {
        match sync_once(root, tools, &args) {
            // One JSON line per round.
            Ok(report) if args.json => println!("{}", serde_json::to_string(&report)?),
            Ok(report) => print_report(&report, false)?,
            // Offline or in use: say so and try again next time.
            Err(e) => eprintln!("sync failed: {e:#}"),
        }
        wait_for_change_or(root, args.interval, args.settle);
    }
}

/// Wait for the next sync ([`NextSync`]). The library is closed meanwhile, so the changes
/// of other programs (the app, other commands) are seen as changes of the catalog's files.
fn wait_for_change_or(root: &Path, interval: Duration, settle: Duration) {
    let stamp = || {
        ["catalog.sqlite", "catalog.sqlite-wal"].map(|f| {
            std::fs::metadata(root.join(f))
                .and_then(|m| Ok((m.len(), m.modified()?)))
                .unwrap_or((0, SystemTime::UNIX_EPOCH))
        })
    };
    let mut next = NextSync::new(Instant::now(), interval, settle);
    let mut last = stamp();
    while next.due(Instant::now()).is_none() {
        // Look at the files at least four times a second.
        let look = next
            .deadline()
            .min(Instant::now() + Duration::from_millis(250));
        std::thread::sleep(look.saturating_duration_since(Instant::now()));
        let now = stamp();
        if now != last {
            next.changed(Instant::now());
            last = now;
        }
    }
}

pub fn clone(tools: &ToolArgs, args: CloneArgs) -> Result<u8> {
    check_no_secret(&args.url)?;
    let rt = runtime()?;
    let mut lib = match args.invite {
        true => match crate::invite::join(&args.url, &args.dir, args.wait)? {
            Ok(lib) => lib,
            Err(waiting) => return Ok(waiting),
        },
        false => {
            let secret = typed_secret()?;
            let remote = dossier_sync::open(&args.url)?;
            rt.block_on(dossier_sync::join(
                remote.as_ref(),
                args.dir.clone(),
                secret,
            ))?
        }
    };
    lib.set_remote(&args.url)?;
    dossier_sync::attach_remote_content(&mut lib)?;
    // The catalog first; content is fetched as it is read (processing reads it all).
    let engine = engine(&rt, &args.url, lib)?;
    let report = rt.block_on(engine.sync_with(SyncOptions {
        fetch_content: false,
        ..SyncOptions::default()
    }));
    let mut lib = engine.into_local().into_library()?;
    let report = report.with_context(|| format!("downloading from {}", args.url))?;
    if !args.no_process {
        processing::run(
            &mut lib,
            tools,
            RunOptions::pending(Shown::from_flags(args.json, false)),
        )?;
    }
    if !args.json {
        println!("Joined the library in {}.", args.dir.display());
    }
    print_report(&report, args.json)?;
    Ok(sync_exit(&report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_secrets_are_refused() {
        assert!(check_no_secret("webdav://u:p@host/path").is_err());
        assert!(check_no_secret("webdav://u@host/path").is_ok());
        assert!(check_no_secret("s3://bucket/prefix?endpoint=http://127.0.0.1:9000").is_ok());
        assert!(check_no_secret("file:///srv/share").is_ok());
    }

    #[test]
    fn the_default_settle_time_is_the_apps() {
        assert_eq!(
            dossier_core::parse_interval(SETTLE_DEFAULT).unwrap(),
            dossier_sync::SETTLE
        );
    }
}
