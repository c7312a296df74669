//! Key objects on the remote: `dossier.repo` is the first slot set, and each later
//! change of slots on any desktop is a new write-once `keys/<n>` (n counting up; a
//! `RepoFile` like `dossier.repo`). The newest is the library's slot set: a sync takes
//! it in and publishes this desktop's changes as the next one; a new desktop joins with
//! it.

use dossier_core::format::repo::{REPO_OBJECT, RepoFile};

use super::{Engine, Refused, Replica, SyncReport};
use crate::error::{Error, Result};
use crate::remote::{Key, Put, Remote};

fn key_object(seq: u64) -> Result<Key> {
    if seq == 0 {
        Key::new(REPO_OBJECT)
    } else {
        Key::new(format!("keys/{seq:020}"))
    }
}

/// The key objects' numbers on the remote, newest first (0, `dossier.repo`, last).
async fn listed(remote: &dyn Remote) -> Result<Vec<u64>> {
    let mut seqs: Vec<u64> = remote
        .list("keys/")
        .await?
        .iter()
        .filter_map(|o| o.key.as_str().strip_prefix("keys/")?.parse().ok())
        .collect();
    seqs.sort_unstable_by(|a, b| b.cmp(a));
    seqs.push(0);
    Ok(seqs)
}

/// The newest key object that reads, with its number: what a new desktop joins with.
pub(super) async fn newest(remote: &dyn Remote) -> Result<(u64, RepoFile)> {
    let mut damaged = None;
    for seq in listed(remote).await? {
        let body = match remote.get(&key_object(seq)?).await {
            Ok(b) => b,
            Err(Error::NotFound { .. }) if seq == 0 => return Err(Error::NoLibrary),
            Err(e) => return Err(e),
        };
        match RepoFile::parse(&body) {
            Ok(repo) => return Ok((seq, repo)),
            // A damaged newer one: the one before it still holds a slot set.
            Err(e) => damaged = Some(e),
        }
    }
    Err(damaged.map_or(Error::NoLibrary, Error::Library))
}

/// Take in the remote's newest slot set, then publish this desktop's changes.
pub(super) async fn sync_keys<L: Replica>(
    engine: &Engine<L>,
    report: &mut SyncReport,
) -> Result<()> {
    let (seen, known) = engine.local.run(|l| l.keys_seq()).await?;
    let latest = listed(engine.remote.as_ref()).await?[0];
    if latest > seen || !known {
        let key = key_object(latest)?;
        let body = engine.remote.get(&key).await?;
        report.objects_down += 1;
        let merged = match RepoFile::parse(&body) {
            Ok(repo) => {
                engine
                    .local
                    .run(move |l| l.merge_remote_keys(latest, &repo))
                    .await
            }
            Err(e) => Err(e.into()),
        };
        match merged {
            Ok(changed) => report.keys_received |= changed,
            Err(Error::Library(e @ dossier_core::Error::Integrity { .. })) => {
                report.refused.push(Refused {
                    key: key.to_string(),
                    reason: e.to_string(),
                });
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    }
    if let Some(repo) = engine.local.run(|l| l.keys_to_publish()).await? {
        let next = latest.max(seen) + 1;
        let put = engine
            .remote
            .put_if_absent(&key_object(next)?, repo.to_bytes().into())
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
