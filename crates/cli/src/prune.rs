//! `dossier prune`: reclaim the space of documents deleted for good, here and (for a
//! library kept on a remote) on the remote.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use dossier_core::{Access, PruneOptions, PruneReport};

use crate::connect::{engine, runtime};
use crate::output;
use crate::unlock::unlock;

/// `dossier prune` arguments.
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// How long packs given up stay before they are deleted, so a desktop that was
    /// offline can still copy what it needs (e.g. 7d, 12h; a library without a remote
    /// deletes at once).
    #[arg(long, default_value = "7d", value_parser = parse_grace)]
    grace: Duration,
    /// Rewrite packs whose content in use fills less than this share of them (0 to 1).
    #[arg(long, default_value_t = 0.5)]
    compact_below: f64,
    #[arg(long)]
    json: bool,
}

/// A grace period: 0, or an interval.
fn parse_grace(s: &str) -> dossier_core::Result<Duration> {
    if s.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    dossier_core::parse_interval(s)
}

pub fn prune(root: &Path, args: PruneArgs) -> Result<u8> {
    if !(0.0..=1.0).contains(&args.compact_below) {
        anyhow::bail!("--compact-below is a share between 0 and 1, e.g. 0.5");
    }
    let opts = PruneOptions {
        grace: args.grace,
        compact_below: args.compact_below,
    };
    let mut lib = unlock(root, Access::Write)?;
    let Some(url) = lib.remote()? else {
        let report = lib.prune(&opts)?;
        return print(&report, None, args.json);
    };
    let rt = runtime()?;
    let engine = engine(&rt, &url, lib)?;
    let summary = rt.block_on(engine.prune(opts));
    engine.into_local().into_library()?;
    let summary = summary?;
    if args.json {
        output::json(&summary)?;
        return Ok(0);
    }
    print(&summary.local, Some(summary.remote_deleted_packs), false)
}

fn print(r: &PruneReport, remote_deleted: Option<u64>, json: bool) -> Result<u8> {
    if json {
        output::json(r)?;
        return Ok(0);
    }
    println!(
        "Dropped {} pack(s) ({} compacted into {} new one(s)); copied {} chunk(s) still in use out of dropped packs.",
        r.dropped_packs, r.compacted_packs, r.new_packs, r.rehomed_chunks
    );
    println!(
        "Deleted {} pack(s) here, freeing {}.",
        r.deleted_packs,
        output::size(r.freed_bytes)
    );
    if let Some(n) = remote_deleted {
        println!("Deleted {n} pack(s) from the remote.");
    }
    if r.waiting_packs > 0 {
        println!(
            "{} dropped pack(s) are kept until their grace period ends.",
            r.waiting_packs
        );
    }
    Ok(0)
}
