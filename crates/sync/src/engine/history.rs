//! Freshness of the journal: what the remote lists against what this desktop holds. A
//! segment this desktop holds (its own, sent; another device's, applied) must stay
//! listed, and a device's segments are written in order, so a hole below a listed one
//! is never "not written yet". Either is the remote losing, hiding or rolling back
//! history: reported in plain words, and a segment this desktop holds is sent again from
//! its copy (rebuilt from the operations it applied).
//!
//! **Invariant:** nothing removes journal segments from a remote (no compaction exists
//! yet), so every segment any desktop holds is expected listed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use dossier_core::DeviceId;
use dossier_core::format::journal::{object_name, parse_object_name};
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
        }
    }
}

/// The journal segments a listing holds, per device.
pub(super) fn listed_segments<'a>(
    objects: impl IntoIterator<Item = &'a Object>,
) -> BTreeMap<DeviceId, BTreeSet<u64>> {
    let mut listed: BTreeMap<DeviceId, BTreeSet<u64>> = BTreeMap::new();
    for object in objects {
        if let Some((device, seq)) = parse_object_name(object.key.as_str()) {
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

/// Compare the listing with what this desktop holds (`held`: the last segment of each
/// device, its own the last sent): held segments that are not listed ([`HistoryKind::Missing`],
/// not yet restored), and holes right after what is held below a listed segment
/// ([`HistoryKind::Gap`]).
pub(super) fn compare(
    held: &HashMap<DeviceId, u64>,
    listed: &BTreeMap<DeviceId, BTreeSet<u64>>,
) -> Vec<HistoryProblem> {
    let empty = BTreeSet::new();
    let mut problems = Vec::new();
    let devices: BTreeSet<DeviceId> = held.keys().chain(listed.keys()).copied().collect();
    for device in devices {
        let have = held.get(&device).copied().unwrap_or(0);
        let seqs = listed.get(&device).unwrap_or(&empty);
        let missing = (1..=have).filter(|s| !seqs.contains(s));
        for (first, last) in runs(missing) {
            problems.push(HistoryProblem {
                kind: HistoryKind::Missing,
                device,
                first,
                last,
                restored: false,
            });
        }
        if let Some(&next) = seqs.range(have + 1..).next()
            && next > have + 1
        {
            problems.push(HistoryProblem {
                kind: HistoryKind::Gap,
                device,
                first: have + 1,
                last: next - 1,
                restored: false,
            });
        }
    }
    problems
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
                .put_if_absent(&Key::new(object_name(device, seq))?, body.into())
                .await?;
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_in_what_is_held_and_after_it_are_found() {
        let (a, b, c) = (DeviceId::new(), DeviceId::new(), DeviceId::new());
        let held = HashMap::from([(a, 5), (b, 2), (c, 3)]);
        let listed = BTreeMap::from([
            (a, BTreeSet::from([1, 2, 4, 6])),
            (b, BTreeSet::from([1, 2, 5, 6])),
            (c, BTreeSet::from([1, 2, 3, 4])),
        ]);
        let found: Vec<(HistoryKind, DeviceId, u64, u64)> = compare(&held, &listed)
            .into_iter()
            .map(|p| (p.kind, p.device, p.first, p.last))
            .collect();
        let mut expected = vec![
            (HistoryKind::Missing, a, 3, 3),
            (HistoryKind::Missing, a, 5, 5),
            (HistoryKind::Gap, b, 3, 4),
        ];
        expected.sort_by_key(|e| e.1);
        let mut found = found;
        found.sort_by_key(|e| e.1);
        assert_eq!(found, expected);
        // A device whose segments are all gone.
        let gone = compare(&HashMap::from([(a, 2)]), &BTreeMap::new());
        assert_eq!((gone[0].first, gone[0].last), (1, 2));
    }
}
