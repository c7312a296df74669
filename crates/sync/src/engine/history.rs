//! Freshness of the journal: what the remote lists against what this desktop holds and
//! knows was written. A segment this desktop holds (its own, sent; another device's,
//! applied) must stay listed; a device's segments are written in order, so a hole below a
//! listed one is never "not written yet"; and each segment names the newest segment of
//! every device its author held (`Link::seen`), so a segment named that way exists even
//! when no later one of its device is listed. Anything else is the remote losing, hiding
//! or rolling back history: reported in plain words, and a segment this desktop holds is
//! sent again from its copy (rebuilt, the same, from the operations and link it applied).
//! So are a segment that does not follow its device's chain (a fork) and a newest
//! checkpoint older than one seen before.
//!
//! **Invariant:** only compaction removes journal segments, and only those a checkpoint
//! covers (`engine::checkpoint`): every other segment any desktop holds or saw named is
//! expected listed, and the newest checkpoint never gets older.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use dossier_core::DeviceId;
use dossier_core::{parse_segment_name, segment_name};
use serde::Serialize;

use super::{Engine, Replica};
use crate::error::Result;
use crate::remote::{Key, Object};

/// Something wrong with a device's history on the remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryProblem {
    pub kind: HistoryKind,
    pub device: DeviceId,
    /// The segments concerned, first to last.
    pub first: u64,
    pub last: u64,
    /// They were written to the remote again from this desktop's copy.
    pub restored: bool,
}

/// What kind of loss a [`HistoryProblem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    /// Segments this desktop holds are no longer listed: deleted, or the listing rolled
    /// back to an older state.
    Missing,
    /// Segments this desktop does not hold are missing below later ones that are listed:
    /// deleted or hidden. The device's changes after them wait until a desktop that holds
    /// them sends them again.
    Gap,
    /// Segments that a later segment (of another device) names as written are not
    /// listed, and nothing after them is: hidden, deleted or rolled back.
    Hidden,
    /// A segment that does not follow the one of its device held here: two histories of
    /// one device. Not applied, nor anything of that device after it.
    Fork,
    /// The newest checkpoint listed covers less than one this desktop saw before: the
    /// remote shows an older state of itself. `first`/`last`: what the one seen covered.
    OldCheckpoint,
}

impl std::fmt::Display for HistoryProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let which = if self.first == self.last {
            format!("change batch {} of device {}", self.first, self.device)
        } else {
            format!(
                "change batches {} to {} of device {}",
                self.first, self.last, self.device
            )
        };
        match (self.kind, self.restored) {
            (HistoryKind::Missing, true) => write!(
                f,
                "{which} had gone from the remote (deleted, or an older state of it shown); \
                 sent again from this desktop's copy"
            ),
            (HistoryKind::Missing, false) => write!(
                f,
                "{which} has gone from the remote (deleted, or an older state of it shown)"
            ),
            (HistoryKind::Gap, _) => write!(
                f,
                "{which} is missing from the remote although later ones are there (deleted \
                 or hidden); this desktop cannot receive that device's later changes until \
                 a desktop that holds them runs `dossier remote check --repair`"
            ),
            (HistoryKind::Hidden, _) => write!(
                f,
                "{which} was written (another desktop's later changes name it) but the \
                 remote does not show it (hidden, deleted, or an older state of the remote \
                 shown); this desktop cannot receive it until a desktop that holds it runs \
                 `dossier remote check --repair`"
            ),
            (HistoryKind::Fork, _) => write!(
                f,
                "{which} does not follow the changes of that device this desktop holds: \
                 two desktops write as that device (a copied library folder?) or the \
                 remote shows desktops different histories; not applied"
            ),
            (HistoryKind::OldCheckpoint, _) => write!(
                f,
                "the remote's newest checkpoint covers fewer change batches than the one \
                 of device {} covering {} seen before: it shows an older state of itself",
                self.device, self.last
            ),
        }
    }
}

/// The journal segments a listing holds, per device.
pub(super) fn listed_segments<'a>(
    objects: impl IntoIterator<Item = &'a Object>,
) -> BTreeMap<DeviceId, BTreeSet<u64>> {
    let mut listed: BTreeMap<DeviceId, BTreeSet<u64>> = BTreeMap::new();
    for object in objects {
        if let Some((device, seq)) = parse_segment_name(object.key.as_str()) {
            listed.entry(device).or_default().insert(seq);
        }
    }
    listed
}

/// Runs of consecutive numbers, as (first, last).
fn runs(seqs: impl IntoIterator<Item = u64>) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for s in seqs {
        match out.last_mut() {
            Some((_, last)) if *last + 1 == s => *last = s,
            _ => out.push((s, s)),
        }
    }
    out
}

/// Held segments (`held`: the last segment of each device, its own the last sent) that
/// the listing lacks ([`HistoryKind::Missing`], not yet restored), but for those the
/// newest checkpoint covers (`covered`: per device, its last), which compaction removes.
pub(super) fn missing(
    held: &HashMap<DeviceId, u64>,
    listed: &BTreeMap<DeviceId, BTreeSet<u64>>,
    covered: &HashMap<DeviceId, u64>,
) -> Vec<HistoryProblem> {
    let empty = BTreeSet::new();
    let mut problems = Vec::new();
    for (&device, &have) in held {
        let seqs = listed.get(&device).unwrap_or(&empty);
        let from = covered.get(&device).copied().unwrap_or(0) + 1;
        for (first, last) in runs((from..=have).filter(|s| !seqs.contains(s))) {
            problems.push(HistoryProblem::new(
                HistoryKind::Missing,
                device,
                first,
                last,
            ));
        }
    }
    problems.sort_by_key(|p| (p.device, p.first));
    problems
}

/// What this desktop cannot receive after applying what it could: a hole right after
/// what is held, below a listed segment ([`HistoryKind::Gap`]), or up to a segment
/// another segment named as seen when nothing later is listed ([`HistoryKind::Hidden`]).
pub(super) fn unreachable(
    held: &HashMap<DeviceId, u64>,
    listed: &BTreeMap<DeviceId, BTreeSet<u64>>,
    seen: &HashMap<DeviceId, u64>,
) -> Vec<HistoryProblem> {
    let empty = BTreeSet::new();
    let mut problems = Vec::new();
    let devices: BTreeSet<DeviceId> = listed.keys().chain(seen.keys()).copied().collect();
    for device in devices {
        let have = held.get(&device).copied().unwrap_or(0);
        let seqs = listed.get(&device).unwrap_or(&empty);
        match seqs.range(have + 1..).next() {
            Some(&next) if next > have + 1 => problems.push(HistoryProblem::new(
                HistoryKind::Gap,
                device,
                have + 1,
                next - 1,
            )),
            Some(_) => {} // Listed and next in order: refused, or applied next time.
            None => {
                if let Some(&named) = seen.get(&device)
                    && named > have
                {
                    problems.push(HistoryProblem::new(
                        HistoryKind::Hidden,
                        device,
                        have + 1,
                        named,
                    ));
                }
            }
        }
    }
    problems
}

impl HistoryProblem {
    pub(super) fn new(kind: HistoryKind, device: DeviceId, first: u64, last: u64) -> Self {
        Self {
            kind,
            device,
            first,
            last,
            restored: false,
        }
    }
}

impl<L: Replica> Engine<L> {
    /// Send again the segments of `problem` (held here, missing on the remote) from this
    /// desktop's copy; whether every one of them is there now.
    pub(super) async fn restore_segments(&self, problem: &HistoryProblem) -> Result<bool> {
        let device = problem.device;
        for seq in problem.first..=problem.last {
            let Some(body) = self
                .local
                .run(move |l| l.rebuild_segment(device, seq))
                .await?
            else {
                return Ok(false);
            };
            // `Existed`: it came back (or another desktop restored it) meanwhile.
            self.remote
                .put_if_absent(&Key::new(segment_name(device, seq))?, body.into())
                .await?;
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(problems: Vec<HistoryProblem>) -> Vec<(HistoryKind, DeviceId, u64, u64)> {
        let mut out: Vec<_> = problems
            .into_iter()
            .map(|p| (p.kind, p.device, p.first, p.last))
            .collect();
        out.sort_by_key(|e| (e.1, e.2));
        out
    }

    #[test]
    fn holes_in_what_is_held_and_after_it_are_found() {
        let (a, b, c, d) = (
            DeviceId::new(),
            DeviceId::new(),
            DeviceId::new(),
            DeviceId::new(),
        );
        let held = HashMap::from([(a, 5), (b, 2), (c, 3), (d, 1)]);
        let listed = BTreeMap::from([
            (a, BTreeSet::from([1, 2, 4, 6])),
            (b, BTreeSet::from([1, 2, 5, 6])),
            (c, BTreeSet::from([1, 2, 3, 4])),
            (d, BTreeSet::from([1])),
        ]);
        let mut expected = vec![
            (HistoryKind::Missing, a, 3, 3),
            (HistoryKind::Missing, a, 5, 5),
        ];
        expected.sort_by_key(|e| (e.1, e.2));
        assert_eq!(found(missing(&held, &listed, &HashMap::new())), expected);
        // What the newest checkpoint covers is accounted for.
        assert_eq!(
            found(missing(&held, &listed, &HashMap::from([(a, 3)]))),
            [(HistoryKind::Missing, a, 5, 5)]
        );
        // b: a hole below listed ones; c: named up to 6, 4 listed (applied next time);
        // d: named up to 3, nothing after 1 listed.
        let seen = HashMap::from([(c, 6), (d, 3), (a, 2)]);
        let mut expected = vec![(HistoryKind::Gap, b, 3, 4), (HistoryKind::Hidden, d, 2, 3)];
        expected.sort_by_key(|e| (e.1, e.2));
        assert_eq!(found(unreachable(&held, &listed, &seen)), expected);
        // A device whose segments are all gone.
        let gone = missing(&HashMap::from([(a, 2)]), &BTreeMap::new(), &HashMap::new());
        assert_eq!((gone[0].first, gone[0].last), (1, 2));
    }
}
