//! Checkpoints on the remote: a desktop that holds no segment yet starts from the newest
//! checkpoint (one object) instead of every segment ever written; and a desktop that is
//! caught up writes a new checkpoint once enough segments were added since the newest.

use dossier_core::DeviceId;
use dossier_core::format::checkpoint::{object_name, parse_object_name};

use super::history::{HistoryKind, HistoryProblem};
use super::{Engine, Refused, Replica, SyncReport, limit};
use crate::error::{Error, Result};
use crate::remote::{Key, Remote};

/// The newest checkpoint on the remote: how many segments it covers, and its writer.
async fn newest(remote: &dyn Remote) -> Result<Option<(u64, DeviceId)>> {
    Ok(remote
        .list("checkpoints/")
        .await?
        .iter()
        .filter_map(|o| parse_object_name(o.key.as_str()))
        .max())
}

/// Start a new desktop from the newest checkpoint (nothing to do for one that holds
/// segments already, or when there is none). First, the newest checkpoint listed must
/// cover at least as much as the newest this desktop saw before: an older one is the
/// remote showing an older state of itself, reported.
pub(super) async fn bootstrap<L: Replica>(
    engine: &Engine<L>,
    report: &mut SyncReport,
) -> Result<()> {
    let newest = newest(engine.remote.as_ref()).await?;
    let seen = engine.local.run(|l| l.checkpoint_seen()).await?;
    match (seen, newest) {
        (Some((seen, by)), listed) if listed.is_none_or(|(covered, _)| covered < seen) => {
            report.history.push(HistoryProblem::new(
                HistoryKind::OldCheckpoint,
                by,
                seen,
                seen,
            ));
        }
        (_, Some((covered, device))) => {
            engine
                .local
                .run(move |l| l.note_checkpoint_seen(covered, device))
                .await?;
        }
        _ => {}
    }
    if !engine.local.run(|l| l.segments()).await?.is_empty() {
        return Ok(());
    }
    let Some((covered, device)) = newest else {
        return Ok(());
    };
    let key = Key::new(object_name(covered, device))?;
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
        }
        // A damaged checkpoint: the segments themselves are still there.
        Err(Error::Library(e @ dossier_core::Error::Integrity { .. })) => {
            report.refused.push(Refused {
                key: key.to_string(),
                reason: e.to_string(),
            });
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Write a checkpoint of what this desktop holds when the remote has at least `every`
/// segments more than its newest checkpoint covers.
pub(super) async fn maybe_write<L: Replica>(
    engine: &Engine<L>,
    every: u64,
    report: &mut SyncReport,
) -> Result<()> {
    if every == 0 || report.segments_on_remote < every {
        return Ok(());
    }
    let covered = newest(engine.remote.as_ref())
        .await?
        .map_or(0, |(covered, _)| covered);
    if report.segments_on_remote < covered + every {
        return Ok(());
    }
    let Some((name, body)) = engine.local.run(|l| l.seal_checkpoint()).await? else {
        return Ok(());
    };
    let Some((mine, writer)) = parse_object_name(&name) else {
        return Ok(());
    };
    if mine < covered + every {
        return Ok(()); // This desktop is behind: a caught-up one writes it.
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
    Ok(())
}
