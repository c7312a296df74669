//! Checkpoints on the remote. Each sync first surveys them: the newest listed must cover
//! at least as much as the newest this desktop saw (an older one is the remote showing
//! an older state of itself, reported), and its heads (what it covers, read once from
//! its header) say which segments may be gone from the listing because a compaction
//! removed them. A desktop that holds no segment, or whose next segments of a device
//! were compacted away, applies the newest checkpoint (one object) instead of segments;
//! a desktop that is caught up writes a new checkpoint once enough segments were added
//! since the newest, and then deletes what the one before it covers (compaction).
//!
//! **Invariant:** history leaves the remote only by compaction, and only what a listed
//! checkpoint older than the newest covers; a desktop writes a checkpoint only when it
//! holds everything the newest covers, so each checkpoint covers all its predecessors do.

use std::collections::HashMap;

use dossier_core::DeviceId;
use dossier_core::{
    CHECKPOINT_PREFIX_LEN, Heads, checkpoint_header_end, checkpoint_name, parse_checkpoint_name,
    parse_segment_name,
};

use super::history::{self, HistoryKind, HistoryProblem};
use super::{Engine, Refused, Replica, SyncReport, limit};
use crate::error::{Error, Result};
use crate::remote::Key;

/// The newest checkpoint listed on the remote, and what it covers.
#[derive(Debug, Clone)]
pub(super) struct Newest {
    pub covered: u64,
    pub device: DeviceId,
    pub heads: Heads,
    /// A newer one is listed that this desktop cannot open yet.
    pub superseded: bool,
}

impl Newest {
    /// Per device, the last segment it covers.
    pub fn covered_seqs(newest: Option<&Self>) -> HashMap<DeviceId, u64> {
        newest
            .map(|n| n.heads.iter().map(|(d, h)| (*d, h.seq)).collect())
            .unwrap_or_default()
    }
}

/// The checkpoints listed, oldest first.
async fn listed<L: Replica>(engine: &Engine<L>) -> Result<Vec<(u64, DeviceId)>> {
    let mut all: Vec<(u64, DeviceId)> = engine
        .remote
        .list("checkpoints/")
        .await?
        .iter()
        .filter_map(|o| parse_checkpoint_name(o.key.as_str()))
        .collect();
    all.sort();
    Ok(all)
}

/// What checkpoint `covered`/`device` covers: kept from an earlier read, or read from the
/// start of the object (a format-1 checkpoint, which has no header, whole).
async fn heads<L: Replica>(engine: &Engine<L>, covered: u64, device: DeviceId) -> Result<Heads> {
    if let Some(h) = engine
        .local
        .run(move |l| l.known_checkpoint_heads(covered, device))
        .await?
    {
        return Ok(h);
    }
    let key = Key::new(checkpoint_name(covered, device))?;
    // An object shorter than its header says is damage, not a network fault.
    let key = &key;
    let read = |end: usize| async move {
        match engine.remote.get_range(key, 0..end as u64).await {
            Err(Error::OutOfRange { .. } | Error::Truncated { .. }) => {
                Err(Error::Library(dossier_core::Error::Integrity {
                    object: key.to_string(),
                    detail: "cut short before its header ends",
                }))
            }
            got => got,
        }
    };
    let prefix = read(CHECKPOINT_PREFIX_LEN).await?;
    let start = match checkpoint_header_end(covered, device, &prefix)? {
        Some(end) => read(end).await?,
        None => engine.remote.get(key, limit::CHECKPOINT).await?,
    };
    engine
        .local
        .run(move |l| l.checkpoint_heads(covered, device, &start))
        .await
}

/// The newest checkpoint listed and what it covers; `None` when there is none. A newest
/// one that fails its check is [`Error::Library`] `Integrity`. One sealed under keys this
/// desktop does not count yet (made after a people change it has not applied: the
/// segments bring it) gives way to the one before it, which compaction keeps
/// ([`Newest::superseded`]); when that one does not open either, the newest's
/// `JournalKeyUnavailable`, or none when only one is listed (nothing was compacted yet:
/// the segments serve).
pub(super) async fn read_newest<L: Replica>(engine: &Engine<L>) -> Result<Option<Newest>> {
    let listed = listed(engine).await?;
    let mut first_error = None;
    for (n, &(covered, device)) in listed.iter().rev().take(2).enumerate() {
        match heads(engine, covered, device).await {
            Ok(heads) => {
                return Ok(Some(Newest {
                    covered,
                    device,
                    heads,
                    superseded: n > 0,
                }));
            }
            Err(e @ Error::Library(dossier_core::Error::JournalKeyUnavailable { .. })) => {
                first_error.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    match first_error {
        Some(_) if listed.len() < 2 => Ok(None),
        Some(e) => Err(e),
        None => Ok(None),
    }
}

/// The first step of a sync: the newest checkpoint, checked against the newest this
/// desktop saw before ([`HistoryKind::OldCheckpoint`]) and remembered. One that fails its
/// check is refused (reported) and counts as none: nothing is taken as compacted.
pub(super) async fn survey<L: Replica>(
    engine: &Engine<L>,
    report: &mut SyncReport,
) -> Result<Option<Newest>> {
    let newest = match read_newest(engine).await {
        Ok(n) => n,
        Err(Error::Library(dossier_core::Error::Integrity { object, detail })) => {
            let e = dossier_core::Error::Integrity {
                object: object.clone(),
                detail,
            };
            report.refused.push(Refused::new(object, e));
            None
        }
        Err(e) => return Err(e),
    };
    if newest.as_ref().is_some_and(|n| n.superseded) {
        // The newest is read once its keys count: nothing to compare with yet.
        return Ok(newest);
    }
    let seen = engine.local.run(|l| l.checkpoint_seen()).await?;
    match (seen, &newest) {
        (Some((seen, by)), listed) if listed.as_ref().is_none_or(|n| n.covered < seen) => {
            report.history.push(HistoryProblem::new(
                HistoryKind::OldCheckpoint,
                by,
                seen,
                seen,
            ));
        }
        (_, Some(n)) => {
            let (covered, device) = (n.covered, n.device);
            engine
                .local
                .run(move |l| l.note_checkpoint_seen(covered, device))
                .await?;
        }
        _ => {}
    }
    Ok(newest)
}

/// Apply the newest checkpoint when this desktop holds no segment yet, or when it is
/// behind the checkpoint on a device whose next segment is no longer listed (compacted):
/// its segments apply like any others (those held already are passed over). When the
/// newest fails its check, the one before it serves (compaction keeps it, and removed
/// only what it covers).
pub(super) async fn bootstrap<L: Replica>(
    engine: &Engine<L>,
    newest: Option<&Newest>,
    report: &mut SyncReport,
) -> Result<()> {
    let Some(n) = newest else {
        return Ok(());
    };
    let held = engine.local.run(|l| l.segments()).await?;
    let behind: Vec<(DeviceId, u64)> = n
        .heads
        .iter()
        .map(|(d, h)| (*d, h.seq, held.get(d).copied().unwrap_or(0)))
        .filter(|(_, head, have)| head > have)
        .map(|(d, _, have)| (d, have + 1))
        .collect();
    if behind.is_empty() {
        return Ok(());
    }
    if !held.is_empty() {
        // Behind, but the next segments may still be listed: then they serve.
        let listed = history::listed_segments(&engine.remote.list("journal/").await?);
        if behind
            .iter()
            .all(|(d, next)| listed.get(d).is_some_and(|s| s.contains(next)))
        {
            return Ok(());
        }
    }
    apply(engine, n, report).await
}

/// Apply checkpoint `n`, or, when it fails its check, the one before it (kept for this):
/// the segments it holds apply like any others (those held already are passed over).
pub(super) async fn apply<L: Replica>(
    engine: &Engine<L>,
    n: &Newest,
    report: &mut SyncReport,
) -> Result<()> {
    let mut candidates = listed(engine).await?;
    candidates.retain(|c| *c <= (n.covered, n.device));
    for (covered, device) in candidates.into_iter().rev().take(2) {
        let key = Key::new(checkpoint_name(covered, device))?;
        let body = engine.remote.get(&key, limit::CHECKPOINT).await?;
        report.objects_down += 1;
        let applied = engine
            .local
            .run(move |l| {
                let segments = l.open_checkpoint(covered, device, &body)?;
                let mut ops = 0;
                for s in &segments {
                    ops += l.apply_segment(s)?;
                }
                Ok((segments.len() as u64, ops as u64))
            })
            .await;
        match applied {
            Ok((segments, ops)) => {
                report.checkpoint_used = true;
                report.segments_applied += segments;
                report.ops_applied += ops;
                return Ok(());
            }
            Err(Error::Library(e @ dossier_core::Error::Integrity { .. }))
            | Err(Error::Library(e @ dossier_core::Error::HistoryFork { .. })) => {
                report.refused.push(Refused::new(key.to_string(), e));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Write a checkpoint of what this desktop holds when at least `every` listed segments
/// are newer than the newest checkpoint covers and this desktop holds everything that
/// one covers; then compact: delete the segments the checkpoint before the new one
/// covers, and any checkpoint older than that one.
pub(super) async fn maybe_write<L: Replica>(
    engine: &Engine<L>,
    every: u64,
    newest: Option<&Newest>,
    report: &mut SyncReport,
) -> Result<()> {
    // Not while a newer checkpoint than the one read is listed: a desktop that reads it
    // writes the next.
    if every == 0 || newest.is_some_and(|n| n.superseded) {
        return Ok(());
    }
    // New keys of a collection: a checkpoint now, whatever the cadence
    // (`Library::keys_changed_since`).
    let heads = newest.map(|n| n.heads.clone());
    let rekeyed = engine
        .local
        .run(move |l| l.keys_changed_since(heads.as_ref()))
        .await?;
    // Another desktop's segments sealed under the library's key after the journal had
    // keys of its own: sealed again in a checkpoint at once, for those not given it.
    let rekeyed = rekeyed || report.segments_under_library_key > 0;
    if report.segments_since_checkpoint < every && !rekeyed {
        return Ok(());
    }
    let held = engine.local.run(|l| l.segments()).await?;
    if newest.is_some_and(|n| {
        n.heads
            .iter()
            .any(|(d, h)| held.get(d).copied().unwrap_or(0) < h.seq)
    }) {
        return Ok(()); // Behind the newest: a caught-up desktop writes the next.
    }
    let Some((name, body)) = engine.local.run(|l| l.seal_checkpoint()).await? else {
        return Ok(());
    };
    let Some((mine, writer)) = parse_checkpoint_name(&name) else {
        return Ok(());
    };
    if newest.is_some_and(|n| mine <= n.covered || (mine < n.covered + every && !rekeyed)) {
        return Ok(());
    }
    engine
        .remote
        .put_if_absent(&Key::new(name)?, body.into())
        .await?;
    engine
        .local
        .run(move |l| l.note_checkpoint_seen(mine, writer))
        .await?;
    report.objects_up += 1;
    report.checkpoint_written = true;
    if let Some(previous) = newest {
        compact(engine, previous, report).await?;
    }
    Ok(())
}

/// Delete the segments `previous` covers and the checkpoints older than it: a newer
/// checkpoint than `previous` now holds them all, and `previous` stays for desktops
/// that started reading it.
async fn compact<L: Replica>(
    engine: &Engine<L>,
    previous: &Newest,
    report: &mut SyncReport,
) -> Result<()> {
    let covered = Newest::covered_seqs(Some(previous));
    for object in engine.remote.list("journal/").await? {
        if let Some((device, seq)) = parse_segment_name(object.key.as_str())
            && covered.get(&device).is_some_and(|&last| seq <= last)
        {
            engine.remote.delete(&object.key).await?;
            report.segments_compacted += 1;
        }
    }
    for (covered, device) in listed(engine).await? {
        if (covered, device) < (previous.covered, previous.device) {
            engine
                .remote
                .delete(&Key::new(checkpoint_name(covered, device))?)
                .await?;
        }
    }
    Ok(())
}
