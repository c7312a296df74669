//! Receiving: every device's segments newer than the last one held, applied in order
//! per device; and the packs they announced, when content is downloaded up front.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use dossier_core::{DeviceId, PackId};
use dossier_core::{segment_name, segment_sealed_epoch};

use super::ahead::Ahead;
use super::checkpoint::{self, Newest};
use super::history::{self, HistoryKind};
use super::push::pack_key;
use super::{Engine, Refused, Replica, SyncPhase, SyncReport, limit};
use crate::error::{Error, Result};

pub(super) async fn pull<L: Replica>(
    engine: &Engine<L>,
    newest: Option<&Newest>,
    report: &mut SyncReport,
) -> Result<()> {
    let held = engine.local.run(|l| l.segments()).await?;
    let listed = history::listed_segments(&engine.remote.list("journal/").await?);
    let covered = Newest::covered_seqs(newest);
    report.segments_on_remote = listed.values().map(|s| s.len() as u64).sum();
    report.segments_since_checkpoint = listed
        .iter()
        .map(|(d, seqs)| {
            let last = covered.get(d).copied().unwrap_or(0);
            seqs.range(last + 1..).count() as u64
        })
        .sum();
    for mut problem in history::missing(&held, &listed, &covered) {
        problem.restored = engine.restore_segments(&problem).await?;
        report.history.push(problem);
    }
    let keyed = engine.local.run(|l| l.journal_has_keys()).await?;
    let mut waiting = apply_runs(engine, &listed, keyed, report).await?;
    if let Some(n) = newest
        && waiting
            .iter()
            .any(|(d, seq)| covered.get(d).is_some_and(|c| c >= seq))
    {
        // What this desktop waits for, sealed again in the newest checkpoint: taken
        // from it, then what follows.
        checkpoint::apply(engine, n, report).await?;
        waiting = apply_runs(engine, &listed, keyed, report).await?;
    }
    report.segments_waiting = waiting
        .iter()
        .map(|(d, seq)| listed.get(d).map_or(0, |s| s.range(seq..).count() as u64))
        .sum();
    // What the segments applied (now or before) say was written, against the listing.
    let (held, seen) = engine
        .local
        .run(|l| Ok((l.segments()?, l.seen_heads()?)))
        .await?;
    let seen = seen.into_iter().map(|(d, (seq, _))| (d, seq)).collect();
    report
        .history
        .extend(history::unreachable(&held, &listed, &seen));
    Ok(())
}

/// Apply, per device, the unbroken run of listed segments after the last one held.
/// Returns the devices whose run stopped at a segment under the library's key this
/// desktop is not given (`keyed`: the journal has keys of its own), with that segment.
async fn apply_runs<L: Replica>(
    engine: &Engine<L>,
    listed: &BTreeMap<DeviceId, BTreeSet<u64>>,
    keyed: bool,
    report: &mut SyncReport,
) -> Result<Vec<(DeviceId, u64)>> {
    let held = engine.local.run(|l| l.segments()).await?;
    let own = engine.local.run(|l| Ok(l.device_id())).await?;
    let mut runs = Vec::new();
    for (device, seqs) in listed {
        let device = *device;
        if device == own {
            // Sent by this desktop (a sync cut short before it noted them): sending
            // adopts them.
            continue;
        }
        // Only the unbroken run after the last segment held: after a gap (reported
        // above) nothing of that device can be applied in order.
        let first = held.get(&device).copied().unwrap_or(0) + 1;
        let wanted: Vec<u64> = seqs
            .iter()
            .copied()
            .filter(|&s| s >= first)
            .zip(first..)
            .take_while(|(s, expected)| s == expected)
            .map(|(s, _)| s)
            .collect();
        if !wanted.is_empty() {
            runs.push((device, wanted));
        }
    }
    let total = runs.iter().map(|(_, seqs)| seqs.len() as u64).sum();
    let mut waiting = Vec::new();
    for (device, wanted) in runs {
        if let Some(seq) = apply_segments(engine, device, wanted, total, keyed, report).await? {
            waiting.push((device, seq));
        }
    }
    Ok(waiting)
}

async fn apply_segments<L: Replica>(
    engine: &Engine<L>,
    device: DeviceId,
    seqs: Vec<u64>,
    total: u64,
    keyed: bool,
    report: &mut SyncReport,
) -> Result<Option<u64>> {
    let downloads = seqs.into_iter().map(|seq| {
        let remote = Arc::clone(&engine.remote);
        async move {
            let key = crate::remote::Key::new(segment_name(device, seq))?;
            Ok::<_, Error>((seq, remote.get(&key, limit::SEGMENT).await?))
        }
    });
    let mut ahead = Ahead::new(downloads, engine.parallel);
    while let Some(got) = ahead.next().await {
        let (seq, body) = match got {
            Ok(got) => got,
            // Listed a moment ago, compacted since by another desktop: the next sync
            // takes it from the checkpoint that covers it.
            Err(Error::NotFound { .. }) => break,
            Err(e) => return Err(e),
        };
        report.objects_down += 1;
        let applied = engine
            .local
            .run(move |l| {
                let name = segment_name(device, seq);
                let late = keyed && segment_sealed_epoch(&body, &name)?.is_none();
                let segment = l.open_segment(device, seq, &body)?;
                Ok((l.apply_segment(&segment)?, late))
            })
            .await;
        match applied {
            Ok((n, late)) => {
                if late {
                    report.segments_under_library_key += 1;
                }
                report.segments_applied += 1;
                report.ops_applied += n as u64;
                engine.report_progress(SyncPhase::Receiving, report.segments_applied, total);
            }
            Err(Error::Library(
                e @ (dossier_core::Error::Integrity { .. }
                | dossier_core::Error::NeedsNewerDossier { .. }),
            )) => {
                // Nothing of this device after it can be applied in order.
                report.refused.push(Refused {
                    key: segment_name(device, seq),
                    reason: e.to_string(),
                });
                break;
            }
            Err(Error::Library(dossier_core::Error::JournalUnderLibraryKey { .. })) => {
                // Sealed before its writer heard the journal has keys, under the one key
                // this desktop is not given: it waits for a checkpoint that seals it
                // again, and what follows it, for it.
                return Ok(Some(seq));
            }
            Err(Error::Library(dossier_core::Error::HistoryFork { .. })) => {
                report.history.push(history::HistoryProblem::new(
                    HistoryKind::Fork,
                    device,
                    seq,
                    seq,
                ));
                break;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// Download every pack the catalog knows and the store lacks.
pub(super) async fn fetch_packs<L: Replica>(
    engine: &Engine<L>,
    report: &mut SyncReport,
) -> Result<()> {
    let missing = engine.local.run(|l| l.missing_packs()).await?;
    let total = missing.len() as u64;
    let mut done = 0;
    let downloads = missing.into_iter().map(|(id, size)| {
        let remote = Arc::clone(&engine.remote);
        async move {
            let key = pack_key(&id)?;
            // No more than the size its announcement gave.
            let body = remote.get(&key, size.min(limit::PACK)).await?;
            Ok::<_, Error>((id, key.to_string(), body))
        }
    });
    let mut ahead = Ahead::new(downloads, engine.parallel);
    while let Some(got) = ahead.next().await {
        let (id, key, body) = match got {
            Ok(got) => got,
            // Announced but not (yet) there: the next sync tries again. One no version
            // here uses is no loss (its chunks are elsewhere, or its records purged).
            Err(Error::NotFound { key }) => {
                if let Ok(id) = PackId::from_hex(key.rsplit('/').next().unwrap_or_default())
                    && !engine.local.run(move |l| l.pack_in_use(&id)).await?
                {
                    continue;
                }
                report.refused.push(Refused {
                    key,
                    reason: "announced by a journal segment but not on the remote".into(),
                });
                continue;
            }
            Err(e @ Error::TooLarge { .. }) => {
                report.refused.push(Refused {
                    key: match &e {
                        Error::TooLarge { key, .. } => key.clone(),
                        _ => unreachable!("matched above"),
                    },
                    reason: e.to_string(),
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        report.objects_down += 1;
        done += 1;
        engine.report_progress(SyncPhase::Downloading, done, total);
        match engine.local.run(move |l| l.install_pack(&id, &body)).await {
            Ok(()) => report.packs_fetched += 1,
            Err(Error::Library(e @ dossier_core::Error::Integrity { .. })) => {
                report.refused.push(Refused {
                    key,
                    reason: e.to_string(),
                })
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
