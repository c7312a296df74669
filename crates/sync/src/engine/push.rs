//! Sending: this device's unsent operations in segments of at most
//! [`dossier_core::SEGMENT_OPS`], each after the packs it announces.

use std::collections::HashMap;
use std::sync::Arc;

use dossier_core::PackId;
use dossier_core::{Segment, segment_name};

use super::ahead::Ahead;
use super::{Engine, Replica, SyncPhase, SyncReport, limit};
use crate::error::Result;
use crate::remote::{Key, Put, Remote};

/// The remote object name of a pack (the local store's layout).
pub(super) fn pack_key(id: &PackId) -> Result<Key> {
    let hex = id.to_hex();
    Key::new(format!("packs/{}/{hex}", &hex[..2]))
}

pub(super) async fn push<L: Replica>(engine: &Engine<L>, report: &mut SyncReport) -> Result<()> {
    // Packs already whole on the remote (listed once, when a segment announces some): a
    // sync that stopped halfway does not send them again.
    let mut on_remote: Option<HashMap<PackId, u64>> = None;
    let total = engine.local.run(|l| l.catalog().unsent_count()).await?;
    let mut done = 0;
    let mut keys_published = false;
    report.sending_waits_for_keys = false;
    while let Some(segment) = engine.local.run(|l| l.next_segment()).await? {
        if !keys_published {
            // The journal's keys before anything sealed under them.
            super::keys::publish_journal_keys(engine, report).await?;
            keys_published = true;
        }
        engine.report_progress(SyncPhase::Sending, done, total);
        // A segment adopted from an earlier, interrupted sync may hold more.
        done = (done + segment.ops.len() as u64).min(total);
        let announced = segment.packs();
        if !announced.is_empty() {
            if on_remote.is_none() {
                let mut listed = listed_packs(engine.remote.as_ref()).await?;
                // Dropped and deleted here before they were ever sent: nothing uses them
                // (marked with a size no pack has).
                for id in engine.local.run(|l| l.collected_packs()).await? {
                    listed.insert(id, u64::MAX);
                }
                on_remote = Some(listed);
            }
            let listed = on_remote.as_mut().expect("listed above");
            let expected: HashMap<PackId, u64> = engine
                .local
                .run(|l| Ok(l.catalog().packs()?.into_iter().collect()))
                .await?;
            let mut todo = Vec::new();
            for id in announced {
                match (listed.get(&id), expected.get(&id)) {
                    (Some(&u64::MAX), _) => {}
                    (Some(there), Some(size)) if there == size => {}
                    // There at another size: an upload cut short (a server that keeps
                    // what it received). Replaced by the whole pack.
                    (Some(_), _) => {
                        engine.remote.delete(&pack_key(&id)?).await?;
                        todo.push(id);
                    }
                    (None, _) => todo.push(id),
                }
            }
            send_packs(engine, &todo, report).await?;
            for id in todo {
                if let Some(&size) = expected.get(&id) {
                    listed.insert(id, size);
                }
            }
        }
        match send_segment(engine, segment, report).await {
            // Someone given the journal's newest key left and no newer one is here: the
            // changes wait (kept, unsent) until an owner's desktop gives new keys.
            Err(crate::Error::Library(dossier_core::Error::JournalKeyOutdated)) => {
                report.sending_waits_for_keys = true;
                break;
            }
            sent => sent?,
        }
    }
    if total > 0 {
        engine.report_progress(SyncPhase::Sending, total, total);
    }
    Ok(())
}

/// The packs the remote lists, with their sizes.
pub(super) async fn listed_packs(remote: &dyn Remote) -> Result<HashMap<PackId, u64>> {
    Ok(remote
        .list("packs/")
        .await?
        .into_iter()
        .filter_map(|o| {
            let name = o.key.as_str().rsplit('/').next()?;
            Some((PackId::from_hex(name).ok()?, o.size))
        })
        .collect())
}

async fn send_packs<L: Replica>(
    engine: &Engine<L>,
    ids: &[PackId],
    report: &mut SyncReport,
) -> Result<()> {
    // Read one pack at a time from the library; upload up to `parallel` at once.
    // Ids by value: a closure over `&PackId` would make the sync future not `Send`.
    #[allow(clippy::unnecessary_to_owned)]
    let uploads = ids.to_vec().into_iter().map(|id| {
        let remote = Arc::clone(&engine.remote);
        let bytes = engine.local.run(move |l| l.read_pack(&id));
        async move {
            let key = pack_key(&id)?;
            let body = bytes.await?;
            remote.put_if_absent(&key, body.into()).await
        }
    });
    let mut ahead = Ahead::new(uploads, engine.parallel);
    while let Some(put) = ahead.next().await {
        if put? == Put::Created {
            report.objects_up += 1;
        }
        report.packs_sent += 1;
    }
    Ok(())
}

async fn send_segment<L: Replica>(
    engine: &Engine<L>,
    segment: Segment,
    report: &mut SyncReport,
) -> Result<()> {
    let (device, seq) = (segment.device, segment.seq);
    let key = Key::new(segment_name(device, seq))?;
    let (segment, body) = engine
        .local
        .run(move |l| {
            let body = l.seal_segment(&segment)?;
            Ok((segment, body))
        })
        .await?;
    match engine
        .remote
        .put_if_absent(&key, body.clone().into())
        .await?
    {
        Put::Created => {
            engine.local.run(move |l| l.mark_sent(&segment)).await?;
            report.objects_up += 1;
            // On the remote now, after receiving listed what was there.
            report.segments_on_remote += 1;
            report.segments_since_checkpoint += 1;
        }
        Put::Existed => {
            // A sync stopped after this upload and before noting it: the segment there
            // is what this number stands for. If it does not open, it was damaged on
            // the remote; this device wrote it, so it writes it again.
            let adopted = match engine.remote.get(&key, limit::SEGMENT).await {
                Ok(there) => {
                    report.objects_down += 1;
                    engine
                        .local
                        .run(move |l| match l.open_segment(device, seq, &there) {
                            Ok(there) => l.mark_sent(&there).map(|()| true),
                            Err(dossier_core::Error::Integrity { .. }) => Ok(false),
                            Err(e) => Err(e),
                        })
                        .await?
                }
                // Larger than any segment: not this device's.
                Err(crate::Error::TooLarge { .. }) => false,
                Err(e) => return Err(e),
            };
            if !adopted {
                engine.remote.delete(&key).await?;
                engine.remote.put_if_absent(&key, body.into()).await?;
                engine.local.run(move |l| l.mark_sent(&segment)).await?;
                report.objects_up += 1;
                report.refused.push(super::Refused {
                    key: key.to_string(),
                    reason: "damaged on the remote; written again from this device".into(),
                });
            }
        }
    }
    report.segments_sent += 1;
    Ok(())
}
