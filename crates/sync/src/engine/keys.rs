//! Key objects on the remote: `dossier.repo` is the first slot set, and each later
//! change of slots on any desktop is a new write-once `keys/<n>` (n counting up; an
//! authenticated `RepoFile` like `dossier.repo`). The newest authentic one is the
//! library's slot set: a sync takes it in and publishes this desktop's changes as the
//! next one; a new desktop joins with it. One that does not verify (forged, replayed
//! under another number, written by an older build) is refused and reported, and the
//! desktop publishes its own set above it, so the newest object is authentic again. The
//! newest object a desktop saw is read again at each sync: when it no longer holds what
//! the desktop saw (a racing publish replaced it on a store that cannot refuse a second
//! writer), both sets are kept and published above it, so no change is lost.

use dossier_core::{key_object_name, parse_key_object_name};

use super::{Engine, Refused, Replica, SyncReport, limit};
use crate::error::{Error, Result};
use crate::remote::{Key, Put, Remote};

/// The most key objects a new desktop reads when joining (newest first).
const MAX_JOIN_OBJECTS: usize = 1024;

fn key_object(seq: u64) -> Result<Key> {
    Key::new(key_object_name(seq))
}

/// The key objects' numbers on the remote, newest first (0, `dossier.repo`, last).
async fn listed(remote: &dyn Remote) -> Result<Vec<u64>> {
    let mut seqs: Vec<u64> = remote
        .list("keys/")
        .await?
        .iter()
        .filter_map(|o| parse_key_object_name(o.key.as_str()))
        .collect();
    seqs.sort_unstable_by(|a, b| b.cmp(a));
    seqs.push(0);
    Ok(seqs)
}

/// Key object `seq`'s body, `None` when it is gone (listed a moment ago).
async fn fetch(remote: &dyn Remote, seq: u64) -> Result<Option<Vec<u8>>> {
    match remote.get(&key_object(seq)?, limit::KEY_OBJECT).await {
        Ok(body) => Ok(Some(body.to_vec())),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every key object on the remote (the newest [`MAX_JOIN_OBJECTS`]), by number: what a
/// new desktop chooses its slot set from.
pub(crate) async fn all(remote: &dyn Remote) -> Result<Vec<(u64, Vec<u8>)>> {
    let mut out = Vec::new();
    for seq in listed(remote).await?.into_iter().take(MAX_JOIN_OBJECTS) {
        if let Some(body) = fetch(remote, seq).await? {
            out.push((seq, body));
        }
    }
    if out.is_empty() {
        return Err(Error::NoLibrary);
    }
    Ok(out)
}

/// Take in the remote's newest authentic slot set, then publish this desktop's changes
/// (or its set again, above objects that were refused or below one that vanished).
pub(super) async fn sync_keys<L: Replica>(
    engine: &Engine<L>,
    report: &mut SyncReport,
) -> Result<()> {
    let seen = engine.local.run(|l| l.keys_seen()).await?;
    let seen_seq = seen.as_ref().map(|s| s.seq);
    let listed = listed(engine.remote.as_ref()).await?;
    let latest = listed[0];
    let mut cover = false;
    // The newest object seen must still hold what this desktop saw there: on a store
    // that cannot refuse a second writer, a desktop publishing the same number at the
    // same moment may have replaced this desktop's publish.
    if let Some(seq) = seen
        .as_ref()
        .filter(|s| s.authentic && listed.contains(&s.seq))
        .map(|s| s.seq)
        && let Some(body) = fetch(engine.remote.as_ref(), seq).await?
    {
        report.objects_down += 1;
        let retaken = engine
            .local
            .run(move |l| {
                if l.keys_still_seen(seq, &body)? {
                    return Ok(None);
                }
                l.retake_remote_keys(seq, &body).map(Some)
            })
            .await;
        match retaken {
            Ok(None) => {}
            Ok(Some(changed)) => {
                report.keys_received |= changed;
                cover = true;
            }
            Err(Error::Library(e @ dossier_core::Error::Integrity { .. })) => {
                report.refused.push(Refused::new(key_object_name(seq), e));
                cover = true;
            }
            Err(e) => return Err(e),
        }
    }
    for seq in listed
        .into_iter()
        .filter(|&s| seen_seq.is_none_or(|f| s > f))
    {
        let Some(body) = fetch(engine.remote.as_ref(), seq).await? else {
            continue;
        };
        report.objects_down += 1;
        match engine
            .local
            .run(move |l| l.merge_remote_keys(seq, &body))
            .await
        {
            Ok(changed) => {
                report.keys_received |= changed;
                break;
            }
            Err(Error::Library(e @ dossier_core::Error::Integrity { .. })) => {
                report.refused.push(Refused::new(key_object_name(seq), e));
                cover = true;
            }
            Err(e) => return Err(e),
        }
    }
    if let Some(seen) = seen_seq.filter(|&s| s > latest) {
        report.refused.push(Refused {
            key: key_object_name(seen),
            reason: "the remote no longer lists this key object (deleted or rolled back); \
                     this desktop's key slots were published again"
                .into(),
        });
        cover = true;
    }
    let next = latest.max(seen_seq.unwrap_or(0)) + 1;
    let body = if cover {
        Some(engine.local.run(move |l| l.key_object(next)).await?)
    } else {
        engine.local.run(move |l| l.keys_to_publish(next)).await?
    };
    if let Some(body) = body {
        let put = engine
            .remote
            .put_if_absent(&key_object(next)?, body.into())
            .await?;
        // Existed: another desktop published first; the next sync takes it in and
        // publishes this desktop's changes after it.
        if put == Put::Created {
            engine.local.run(move |l| l.keys_published(next)).await?;
            report.objects_up += 1;
            report.keys_sent = true;
        }
    }
    Ok(())
}

/// The most epoch objects one sync downloads: a library makes one each time its people
/// change after someone left; more is a bucket writer's flood. The rest waits for the
/// next sync, which passes over those refused (`Library::known_journal_key_objects`).
const MAX_EPOCHS_FETCHED: usize = 1024;

/// Read the journal's epochs (`epochs/`) this desktop does not hold yet, so that the
/// segments and checkpoints sealed under them open. One that the library's key did not
/// seal, or that is not what its name says, is refused and reported.
pub(super) async fn fetch_journal_keys<L: Replica>(
    engine: &Engine<L>,
    report: &mut SyncReport,
) -> Result<()> {
    let listed = engine
        .remote
        .list(dossier_core::EPOCH_OBJECT_PREFIX)
        .await?;
    // Looked up once: the catalog's epochs are read in one query, not one per object.
    let known = engine.local.run(|l| l.known_journal_key_objects()).await?;
    let mut fetched = 0;
    for object in listed {
        if fetched == MAX_EPOCHS_FETCHED {
            break;
        }
        let name = object.key.to_string();
        if !dossier_core::is_epoch_object_name(&name) {
            continue;
        }
        if known.contains(&name) {
            continue;
        }
        let body = match engine.remote.get(&object.key, limit::EPOCH_OBJECT).await {
            Ok(body) => body,
            // Listed a moment ago and gone: what it held is in the journal as well.
            Err(Error::NotFound { .. }) => continue,
            Err(e @ Error::TooLarge { .. }) => {
                report.refused.push(Refused::new(name, e));
                continue;
            }
            Err(e) => return Err(e),
        };
        report.objects_down += 1;
        fetched += 1;
        let taken = name.clone();
        match engine
            .local
            .run(move |l| l.take_journal_key_object(&taken, &body))
            .await
        {
            Ok(()) => {}
            Err(Error::Library(e @ dossier_core::Error::Integrity { .. })) => {
                report.refused.push(Refused::new(name, e));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Put each of the journal's epochs this desktop holds that the remote does not list:
/// before any segment sealed under one goes up, so every member can open it. Written
/// once, under the name of its digest; a desktop that finds one missing (deleted by
/// whoever can write to the bucket) puts it back.
pub(super) async fn publish_journal_keys<L: Replica>(
    engine: &Engine<L>,
    report: &mut SyncReport,
) -> Result<()> {
    let held = engine.local.run(|l| l.journal_key_objects()).await?;
    if held.is_empty() {
        return Ok(());
    }
    let listed: std::collections::HashSet<String> = engine
        .remote
        .list(dossier_core::EPOCH_OBJECT_PREFIX)
        .await?
        .into_iter()
        .map(|o| o.key.to_string())
        .collect();
    for (name, body) in held {
        if listed.contains(&name) {
            continue;
        }
        if engine
            .remote
            .put_if_absent(&Key::new(&name)?, body.into())
            .await?
            == Put::Created
        {
            report.objects_up += 1;
        }
    }
    Ok(())
}
