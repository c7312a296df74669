//! Checking the remote: every object read back and checked (key objects verify under
//! this library's key, packs match their ids, segments open with the key under their
//! name). A damaged object is repaired from a good copy where this desktop has one: a
//! pack from its store, a segment rebuilt from the operations it holds.

use dossier_core::PackId;
use dossier_core::{Authenticity, key_object_name, parse_key_object_name};
use dossier_core::{parse_segment_name, segment_name};
use serde::Serialize;

use std::collections::HashSet;

use super::history;
use super::push::pack_key;
use super::{Engine, Refused, Replica, limit};
use crate::error::Result;
use crate::remote::Key;

/// What [`Engine::check_remote`] found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub objects: u64,
    pub bytes: u64,
    /// Objects that failed their check (repaired or not).
    pub damaged: Vec<Refused>,
    /// Keys written again from a good copy here.
    pub repaired: Vec<String>,
}

/// The most Dossier reads of the object of this name: what it ever writes of its kind;
/// `None` when it writes nothing of that name.
fn object_limit(name: &str) -> Option<u64> {
    if parse_key_object_name(name).is_some() {
        Some(limit::KEY_OBJECT)
    } else if dossier_core::parse_checkpoint_name(name).is_some() {
        Some(limit::CHECKPOINT)
    } else if parse_segment_name(name).is_some() {
        Some(limit::SEGMENT)
    } else if name.starts_with("packs/") {
        Some(limit::PACK)
    } else if dossier_core::is_epoch_object_name(name) {
        Some(limit::EPOCH_OBJECT)
    } else {
        None
    }
}

/// What [`Engine::check_remote`] does with a damaged object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDamage {
    /// Only report it.
    Report,
    /// Write it again from a good copy on this desktop, where there is one.
    Repair,
}

impl<L: Replica> Engine<L> {
    /// Read and check every object on the remote; with [`OnDamage::Repair`], write
    /// damaged ones again from a good copy on this desktop.
    pub async fn check_remote(&self, on_damage: OnDamage) -> Result<CheckReport> {
        let repair = on_damage == OnDamage::Repair;
        let mut report = CheckReport::default();
        // Key objects of format 1 are damage only above an authentic one (checked last):
        // once a desktop writes authenticated objects, older builds stop at them.
        let mut legacy = Vec::new();
        let mut oldest_authentic: Option<u64> = None;
        let objects = self.remote.list("").await?;
        for object in &objects {
            let key = object.key.clone();
            let name = key.to_string();
            report.objects += 1;
            // Each kind read no further than Dossier ever writes of it; what is no kind
            // Dossier writes is not read at all.
            let read = match object_limit(&name) {
                Some(limit) => self.remote.get(&key, limit).await.map(Some),
                None => Ok(None),
            };
            let body = match read {
                Ok(Some(body)) => body,
                Ok(None) => {
                    report.damaged.push(Refused {
                        key: name,
                        reason: "not an object Dossier writes".into(),
                    });
                    continue;
                }
                Err(e @ crate::Error::TooLarge { .. }) => {
                    report.damaged.push(Refused {
                        key: name,
                        reason: e.to_string(),
                    });
                    continue;
                }
                Err(e) => return Err(e),
            };
            report.bytes += body.len() as u64;
            let (problem, good): (Option<String>, Option<Vec<u8>>) = if let Some(seq) =
                parse_key_object_name(&name)
            {
                let opened = self
                    .local
                    .run(move |l| match l.open_key_object(seq, &body) {
                        Ok((_, authenticity)) => Ok(Ok(authenticity)),
                        Err(e @ dossier_core::Error::Integrity { .. }) => Ok(Err(e.to_string())),
                        Err(e) => Err(e),
                    })
                    .await?;
                match opened {
                    Ok(Authenticity::Legacy) => {
                        legacy.push(seq);
                        (None, None)
                    }
                    Ok(_) => {
                        oldest_authentic = Some(oldest_authentic.map_or(seq, |a| a.min(seq)));
                        (None, None)
                    }
                    // `dossier.repo` is this library's first slot set: this desktop's
                    // slots stand in for it. A later one has no good copy.
                    Err(why) if seq == 0 => {
                        (Some(why), Some(self.local.run(|l| l.key_object(0)).await?))
                    }
                    Err(why) => (Some(why), None),
                }
            } else if let Some((covered, device)) = dossier_core::parse_checkpoint_name(&name) {
                // A damaged checkpoint is only slower bootstrap: the segments are there.
                let opened = self
                    .local
                    .run(move |l| match l.open_checkpoint(covered, device, &body) {
                        // Sealed under keys this person was not given: not theirs to judge.
                        Ok(_) | Err(dossier_core::Error::JournalKeyUnavailable { .. }) => Ok(None),
                        Err(e @ dossier_core::Error::Integrity { .. }) => Ok(Some(e.to_string())),
                        Err(e) => Err(e),
                    })
                    .await?;
                (opened, None)
            } else if let Some(id) = name
                .strip_prefix("packs/")
                .and_then(|rest| rest.rsplit('/').next())
                .and_then(|hex| PackId::from_hex(hex).ok())
            {
                if blake3::hash(&body).as_bytes() == &id.0 {
                    (None, None)
                } else {
                    let here = self.local.run(move |l| l.read_pack(&id)).await.ok();
                    let here = here.filter(|b| blake3::hash(b).as_bytes() == &id.0);
                    (Some("its content does not match its id".into()), here)
                }
            } else if let Some((device, seq)) = parse_segment_name(&name) {
                let checked = self
                    .local
                    .run(move |l| match l.open_segment(device, seq, &body) {
                        Ok(_)
                        | Err(
                            dossier_core::Error::JournalKeyUnavailable { .. }
                            | dossier_core::Error::JournalUnderLibraryKey { .. },
                        ) => Ok(None),
                        Err(e @ dossier_core::Error::Integrity { .. }) => {
                            Ok(Some((e.to_string(), l.rebuild_segment(device, seq)?)))
                        }
                        Err(e) => Err(e),
                    })
                    .await?;
                match checked {
                    None => (None, None),
                    Some((why, good)) => (Some(why), good),
                }
            } else if dossier_core::is_epoch_object_name(&name) {
                // One of the journal's keys: sealed by a holder of the library's key, and
                // what its name says. A damaged one is put back from here if held.
                let checked_name = name.clone();
                let checked = self
                    .local
                    .run(
                        move |l| match l.take_journal_key_object(&checked_name, &body) {
                            Ok(()) => Ok(None),
                            Err(e @ dossier_core::Error::Integrity { .. }) => {
                                let good = l
                                    .journal_key_objects()?
                                    .into_iter()
                                    .find(|(n, _)| *n == checked_name)
                                    .map(|(_, b)| b);
                                Ok(Some((e.to_string(), good)))
                            }
                            Err(e) => Err(e),
                        },
                    )
                    .await?;
                match checked {
                    None => (None, None),
                    Some((why, good)) => (Some(why), good),
                }
            } else {
                (Some("not an object Dossier writes".into()), None)
            };
            let Some(reason) = problem else { continue };
            report.damaged.push(Refused {
                key: name.clone(),
                reason,
            });
            if let (true, Some(good)) = (repair, good) {
                self.rewrite(&key, good).await?;
                report.repaired.push(name);
            }
        }
        self.check_missing(&objects, repair, &mut report).await?;
        for seq in legacy {
            if oldest_authentic.is_some_and(|a| seq > a) {
                report.damaged.push(Refused {
                    key: key_object_name(seq),
                    reason: "it is not authenticated, and is newer than an authenticated \
                             key object: forged, or written by a Dossier older than 2026-12"
                        .into(),
                });
            }
        }
        Ok(report)
    }

    /// The second pass: what this desktop holds that the remote must hold and does not
    /// list (journal segments, packs), and holes in a device's segments below listed ones.
    /// With `repair`, what is held here is sent again.
    async fn check_missing(
        &self,
        objects: &[crate::remote::Object],
        repair: bool,
        report: &mut CheckReport,
    ) -> Result<()> {
        let (held, seen) = self
            .local
            .run(|l| Ok((l.segments()?, l.seen_heads()?)))
            .await?;
        let seen = seen.into_iter().map(|(d, (seq, _))| (d, seq)).collect();
        let listed = history::listed_segments(objects);
        for problem in history::unreachable(&held, &listed, &seen) {
            report.damaged.push(Refused {
                key: segment_name(problem.device, problem.first),
                reason: problem.to_string(),
            });
        }
        // A damaged newest checkpoint is reported by the first pass; nothing counts as
        // compacted then.
        let newest = match super::checkpoint::read_newest(self).await {
            Ok(n) => n,
            Err(crate::Error::Library(dossier_core::Error::Integrity { .. })) => None,
            Err(e) => return Err(e),
        };
        let covered = super::checkpoint::Newest::covered_seqs(newest.as_ref());
        for problem in history::missing(&held, &listed, &covered) {
            let device = problem.device;
            for seq in problem.first..=problem.last {
                let name = segment_name(device, seq);
                report.damaged.push(Refused {
                    key: name.clone(),
                    reason: "missing from the remote: this desktop holds it".into(),
                });
                if repair
                    && let Some(good) = self
                        .local
                        .run(move |l| l.rebuild_segment(device, seq))
                        .await?
                {
                    self.remote
                        .put_if_absent(&Key::new(&name)?, good.into())
                        .await?;
                    report.repaired.push(name);
                }
            }
        }
        let listed_packs: HashSet<&str> = objects.iter().map(|o| o.key.as_str()).collect();
        for id in self.local.run(|l| l.remote_packs_here()).await? {
            let key = pack_key(&id)?;
            if listed_packs.contains(key.as_str()) {
                continue;
            }
            report.damaged.push(Refused {
                key: key.to_string(),
                reason: "missing from the remote: this desktop holds it".into(),
            });
            if repair {
                let good = self.local.run(move |l| l.read_pack(&id)).await?;
                self.remote.put_if_absent(&key, good.into()).await?;
                report.repaired.push(key.to_string());
            }
        }
        Ok(())
    }

    /// Replace a damaged object with a good copy (the one overwrite sync ever does:
    /// the same content the name always stood for).
    async fn rewrite(&self, key: &Key, good: Vec<u8>) -> Result<()> {
        self.remote.delete(key).await?;
        // `Existed`: another desktop repaired it at the same moment, with the same bytes.
        self.remote.put_if_absent(key, good.into()).await?;
        Ok(())
    }
}
