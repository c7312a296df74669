//! `dossier audit verify` (issue 22): the audit trail checked against what its authors
//! signed. Every event is in a hash chain per device (`AuditEvent::prev`), in a batch its
//! author signed (issue 21), and in a journal segment that carries the chain's head
//! (`AuditHead`); the `audit` table the app and the CLI read must say exactly what those
//! events say. Each difference is reported as what changed and where: the device, the
//! event, the segment.
//!
//! **Invariant:** the check reads the journal and the table in one snapshot and changes
//! nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;

use super::Catalog;
use super::people::People;
use super::query::rfc3339;
use super::verdicts::{PENDING, REFUSED, recorded};
use crate::error::Result;
use crate::format::journal::AuditHead;
use crate::format::op::{AuditEvent, Op, OpKind, Stamp};
use crate::ids::DeviceId;
use crate::members::{Batch, Prechecked, Verdict};
use crate::role::BatchRefusal;

/// What was done to the trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tampering {
    /// An event no longer says what its author signed, or what its segment's head names.
    Edited,
    /// Events are missing from a device's chain: between two events, or at its end
    /// (fewer than a segment's head counts).
    Removed,
    /// An event is kept at another place of the trail than the one it was made at.
    Reordered,
    /// An event no one signed in a library kept by its people, or more events than a
    /// segment's head counts.
    Added,
    /// The `audit` table the app and the CLI show says other than the signed journal.
    TableAltered,
    /// An event arrived in a batch this desktop refused as not its author's (forged,
    /// unsigned, or changed on the way): kept in the journal, never shown.
    Refused,
}

impl Tampering {
    fn word(self) -> &'static str {
        match self {
            Self::Edited => "changed",
            Self::Removed => "removed",
            Self::Reordered => "moved",
            Self::Added => "added",
            Self::TableAltered => "altered in the table",
            Self::Refused => "refused",
        }
    }
}

/// One thing `dossier audit verify` found, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFinding {
    pub kind: Tampering,
    /// The device whose chain it is in (`None`: a row that names none readable).
    pub device: Option<DeviceId>,
    /// The stamp the event is kept under (`None`: a finding about a segment's end).
    pub event: Option<String>,
    /// When the event says it was made.
    pub time: Option<String>,
    /// The device's journal segment it is in (`None`: not sent yet).
    pub segment: Option<u64>,
    /// What exactly, in words.
    pub detail: String,
}

impl std::fmt::Display for AuditFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.word(), self.detail)?;
        let mut place = Vec::new();
        if let Some(time) = &self.time {
            place.push(format!("event of {time}"));
        }
        if let Some(device) = &self.device {
            place.push(format!("device {device}"));
        }
        match self.segment {
            Some(s) => place.push(format!("segment {s}")),
            None if self.event.is_some() => place.push("not sent yet".into()),
            None => {}
        }
        if !place.is_empty() {
            write!(f, " ({})", place.join(", "))?;
        }
        Ok(())
    }
}

/// Everything `dossier audit verify` checked and found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditCheck {
    /// Audit events in the journal.
    pub events: usize,
    /// Devices whose chains were followed.
    pub devices: usize,
    /// Events whose batch's signature was checked to be their author's.
    pub signed: usize,
    /// Events no one signed: in a library without people, or made before it had them.
    pub unsigned: usize,
    /// Events waiting for statements about the people not received yet.
    pub pending: usize,
    /// Events of changes their authors signed and this desktop refused by the people's
    /// rules (a role that did not allow them, or made after their author was removed):
    /// kept, never shown; `dossier people held` lists them.
    pub refused: usize,
    /// Segments holding parts sealed to others: the chain resumes after each, at the
    /// head it carries.
    pub withheld_segments: usize,
    pub findings: Vec<AuditFinding>,
}

impl AuditCheck {
    /// True when nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// When builds began to sign every change in a library kept by its people (14:08 UTC on
/// 5 December 2026; a build before then signed only statements about the people): an
/// event no one signed from before is history as those builds made it, not an addition.
/// One backdated to then still breaks the chain it is put into.
const SIGNED_SINCE_MS: u64 = 1_796_479_683_000;

/// One audit event of the journal, as its row keeps it.
struct Event {
    /// The stamp its row is kept under (`ops.stamp`).
    row: String,
    /// The stamp its body says.
    stamp: Stamp,
    event: AuditEvent,
    hash: [u8; 32],
    segment: Option<u64>,
    verdict: Option<i64>,
    reason: Option<String>,
    batch: Option<String>,
}

/// What the signatures say of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Signed {
    Yes,
    /// A library without people, or made before it had them.
    NotNeeded,
    Pending,
    /// In a batch this desktop refused: `forged` when the signature is not its author's
    /// over it (or there is none), else its author's role or tenure did not allow it.
    Refused {
        forged: bool,
    },
    /// No one signed it, though it was made after the library had people.
    Missing,
    /// Its batch no longer matches the signature: `fewer` when operations it covered are
    /// gone; `by_rule` when what fails is not the signature but its signer's place in the
    /// people's chain (not a member where it says, or not allowed).
    Broken {
        fewer: bool,
        by_rule: bool,
        why: String,
    },
}

impl Catalog {
    /// Check the audit trail: each device's chain, each batch's signature, each
    /// segment's head, and the `audit` table against the journal.
    pub fn check_audit(&self) -> Result<AuditCheck> {
        // One snapshot of the journal and the table (inside a transaction already open,
        // that one's).
        let snapshot = if self.conn.is_autocommit() {
            Some(self.conn.unchecked_transaction()?)
        } else {
            None
        };
        let tx = &self.conn;
        let mut check = AuditCheck::default();
        let devices = journal_events(tx, &mut check)?;
        let people = self.people.get(tx, self.library)?;
        let mut batches: HashMap<String, Option<Signed>> = HashMap::new();
        let mut signed: HashMap<String, Signed> = HashMap::new();
        for e in devices.values().flatten() {
            let s = signature(tx, people.as_ref(), e, &mut batches)?;
            match &s {
                Signed::Yes => check.signed += 1,
                Signed::NotNeeded => check.unsigned += 1,
                Signed::Pending => check.pending += 1,
                Signed::Refused { forged: false } => check.refused += 1,
                Signed::Refused { .. } | Signed::Missing | Signed::Broken { .. } => {}
            }
            signed.insert(e.row.clone(), s);
        }
        let links = self.segment_links()?;
        let withheld: HashSet<(DeviceId, u64)> = self
            .withheld_segments()?
            .into_iter()
            .map(|(d, s, _)| (d, s))
            .collect();
        check.withheld_segments = withheld.len();
        let mut heads: BTreeMap<DeviceId, BTreeMap<u64, AuditHead>> = BTreeMap::new();
        for ((device, seq), link) in links {
            if let Some(head) = link.audit {
                heads.entry(device).or_default().insert(seq, head);
            }
        }
        let mut all: BTreeMap<DeviceId, &[Event]> = heads.keys().map(|d| (*d, &[][..])).collect();
        all.extend(devices.iter().map(|(d, list)| (*d, list.as_slice())));
        check.devices = all.len();
        for (device, list) in all {
            let chain = Chain {
                device,
                events: list,
                signed: &signed,
                heads: heads.get(&device),
                withheld: &withheld,
            };
            check.findings.extend(chain.follow());
        }
        let unauthentic: HashSet<&str> = signed
            .iter()
            .filter(|(_, s)| matches!(s, Signed::Broken { .. } | Signed::Missing))
            .map(|(row, _)| row.as_str())
            .collect();
        table::compare(tx, devices.values().flatten(), &unauthentic, &mut check)?;
        drop(snapshot);
        Ok(check)
    }
}

/// Every audit event of the journal, by device, in the order their stamps say; a row
/// that does not read as an audit event, or is kept under another stamp than its own,
/// is reported here.
fn journal_events(
    tx: &Connection,
    check: &mut AuditCheck,
) -> Result<BTreeMap<DeviceId, Vec<Event>>> {
    let mut stmt = tx.prepare(
        "SELECT stamp, body, segment, verdict, reason, batch FROM ops
         WHERE kind = 'audit' ORDER BY stamp",
    )?;
    let mut rows = stmt.query([])?;
    let mut out: BTreeMap<DeviceId, Vec<Event>> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        check.events += 1;
        let row: String = r.get(0)?;
        let body: String = r.get(1)?;
        let segment = r.get::<_, Option<i64>>(2)?.map(|s| s as u64);
        let kept = Stamp::parse(&row).ok();
        let op = match serde_json::from_str::<Op>(&body) {
            Ok(Op {
                stamp,
                kind: OpKind::Audit { event },
            }) => Some((stamp, event)),
            _ => None,
        };
        let Some((stamp, event)) = op else {
            check.findings.push(AuditFinding {
                kind: Tampering::Edited,
                device: kept.map(|s| s.device),
                event: Some(row.clone()),
                time: kept.map(|s| rfc3339(s.wall_ms())),
                segment,
                detail: "an audit event no longer reads as one".into(),
            });
            continue;
        };
        if stamp.key() != row {
            check.findings.push(AuditFinding {
                kind: Tampering::Reordered,
                device: Some(stamp.device),
                event: Some(row.clone()),
                time: Some(rfc3339(stamp.wall_ms())),
                segment,
                detail: format!(
                    "an event made at {} is kept as if made at {}",
                    rfc3339(stamp.wall_ms()),
                    kept.map_or_else(|| row.clone(), |k| rfc3339(k.wall_ms()))
                ),
            });
        }
        out.entry(stamp.device).or_default().push(Event {
            row,
            hash: event.chain_hash(&stamp),
            stamp,
            event,
            segment,
            verdict: r.get(3)?,
            reason: r.get(4)?,
            batch: r.get(5)?,
        });
    }
    for list in out.values_mut() {
        list.sort_by_key(|e| (e.segment.unwrap_or(u64::MAX), e.stamp));
    }
    Ok(out)
}

/// What the signatures say of `e`; each batch is checked once (`batches`).
fn signature(
    tx: &Connection,
    people: Option<&People>,
    e: &Event,
    batches: &mut HashMap<String, Option<Signed>>,
) -> Result<Signed> {
    if e.verdict == Some(PENDING) {
        return Ok(Signed::Pending);
    }
    let refused = e.verdict == Some(REFUSED);
    let Some(people) = people else {
        return Ok(if refused {
            Signed::Refused { forged: true }
        } else {
            Signed::NotNeeded
        });
    };
    if refused {
        let forged = match &e.batch {
            Some(batch) => {
                if !batches.contains_key(batch) {
                    let outcome = batch_signer(tx, people, batch)?;
                    batches.insert(batch.clone(), outcome);
                }
                match &batches[batch] {
                    None => false,
                    Some(Signed::Broken { by_rule, .. }) => !by_rule,
                    Some(_) => true,
                }
            }
            None => true,
        };
        return Ok(Signed::Refused { forged });
    }
    let Some(batch) = &e.batch else {
        return Ok(
            if e.stamp >= people.owned && e.stamp.hlc.wall_ms >= SIGNED_SINCE_MS {
                Signed::Missing
            } else {
                Signed::NotNeeded
            },
        );
    };
    if !batches.contains_key(batch) {
        let outcome = batch_signer(tx, people, batch)?;
        batches.insert(batch.clone(), outcome);
    }
    Ok(batches[batch].clone().unwrap_or(Signed::Yes))
}

/// Whether the batch closed by the operation stamped `closing`, as the catalog holds it
/// now, is still its signer's (`None`), or how it is broken.
fn batch_signer(tx: &Connection, people: &People, closing: &str) -> Result<Option<Signed>> {
    // In the order the operations' own stamps say: a row kept under another stamp is
    // reported as moved, its batch still its signer's.
    let mut batch = recorded(tx, closing)?;
    let mut order: Vec<(Op, String)> = batch.ops.drain(..).zip(batch.bodies.drain(..)).collect();
    order.sort_by_key(|(op, _)| op.stamp);
    (batch.ops, batch.bodies) = order.into_iter().unzip();
    let broken = |fewer, why: &str| {
        Some(Signed::Broken {
            fewer,
            by_rule: false,
            why: why.to_owned(),
        })
    };
    let (Some((last, covered)), Some((_, bodies))) =
        (batch.ops.split_last(), batch.bodies.split_last())
    else {
        return Ok(broken(false, "the signature closing its changes is gone"));
    };
    let OpKind::Signed { covers, .. } = &last.kind else {
        return Ok(broken(false, "the signature closing its changes is gone"));
    };
    if last.stamp.key() != closing {
        return Ok(broken(false, "the signature closing its changes is gone"));
    }
    let fewer = covered.len() < *covers as usize;
    let batch = Batch {
        closing: last,
        covered,
        bodies,
        position: 0,
    };
    Ok(
        match people.registry.signer(&batch, &mut Prechecked::none()) {
            Ok(_) => None,
            Err(Verdict::Refused(refusal)) => Some(Signed::Broken {
                fewer,
                by_rule: matches!(
                    refusal,
                    BatchRefusal::NotAMember { .. } | BatchRefusal::NotPermitted { .. }
                ),
                why: refusal.describe(),
            }),
            Err(_) => broken(
                fewer,
                "its signature names a place of the people's chain not reached",
            ),
        },
    )
}

/// One device's chain, followed segment by segment.
struct Chain<'a> {
    device: DeviceId,
    events: &'a [Event],
    signed: &'a HashMap<String, Signed>,
    heads: Option<&'a BTreeMap<u64, AuditHead>>,
    withheld: &'a HashSet<(DeviceId, u64)>,
}

impl Chain<'_> {
    fn follow(&self) -> Vec<AuditFinding> {
        let mut findings = Vec::new();
        let status = |e: &Event| self.signed.get(&e.row).cloned().unwrap_or(Signed::Yes);
        let flagged = |e: &Event| {
            matches!(
                status(e),
                Signed::Refused { forged: true } | Signed::Missing | Signed::Broken { .. }
            )
        };
        // The events of each segment (unsent ones last), and the segments only a head
        // is known of.
        let mut segments: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for (i, e) in self.events.iter().enumerate() {
            segments
                .entry(e.segment.unwrap_or(u64::MAX))
                .or_default()
                .push(i);
        }
        for seq in self.heads.into_iter().flat_map(|h| h.keys()) {
            segments.entry(*seq).or_default();
        }
        // Where the chain stands: events counted and the newest's hash (`None`: not
        // known here, after a segment with parts sealed to others).
        let mut count = Some(0u64);
        let mut last: Option<[u8; 32]> = Some([0; 32]);
        let mut previous: Option<usize> = None;
        let mut pinned: HashSet<usize> = HashSet::new();
        for (seq, indexes) in &segments {
            let segment = (*seq != u64::MAX).then_some(*seq);
            let sealed = segment.is_some_and(|s| self.withheld.contains(&(self.device, s)));
            let mut explained = false;
            for &i in indexes {
                let e = &self.events[i];
                explained |= flagged(e);
                if let (Some(expected), false) = (last, sealed)
                    && e.event.prev != expected
                {
                    explained = true;
                    let before = previous.map(|p| &self.events[p]);
                    match before.map(|b| (b, status(b))) {
                        // The event before was changed (its batch holds all it
                        // covered): its hash is not what this one names.
                        Some((_, Signed::Broken { fewer: false, .. })) => {
                            pinned.insert(previous.unwrap_or(i));
                        }
                        // Operations of its batch are gone: events were removed.
                        Some((b, Signed::Broken { fewer: true, .. })) => {
                            findings.push(self.break_at(i, Some(b)));
                        }
                        Some((b, _)) if flagged(b) => {}
                        _ if flagged(e) => {}
                        _ => findings.push(self.break_at(i, before)),
                    }
                }
                count = count.map(|c| c + 1);
                last = Some(e.hash);
                previous = Some(i);
            }
            let Some(head) = segment.and_then(|s| self.heads.and_then(|h| h.get(&s))) else {
                if sealed {
                    (count, last) = (None, None);
                }
                continue;
            };
            if let (Some(c), Some(l), false) = (count, last, sealed)
                && (c != head.events || l != head.hash.0)
            {
                let newest = indexes.last().copied();
                match newest {
                    Some(n)
                        if c == head.events
                            && matches!(status(&self.events[n]), Signed::Broken { .. }) =>
                    {
                        pinned.insert(n);
                    }
                    _ if explained => {}
                    _ => findings.push(self.head_mismatch(*seq, c, head, newest)),
                }
            }
            (count, last) = (Some(head.events), Some(head.hash.0));
        }
        // Events whose batch no longer matches its signature: the ones the chain
        // pinned, else the first of each batch, for the batch.
        let mut batches_told: HashSet<&str> = HashSet::new();
        let broken: Vec<usize> = (0..self.events.len())
            .filter(|i| matches!(status(&self.events[*i]), Signed::Broken { .. }))
            .collect();
        let pinned_batches: HashSet<&str> = pinned
            .iter()
            .filter_map(|i| self.events[*i].batch.as_deref())
            .collect();
        for i in broken {
            let e = &self.events[i];
            let Signed::Broken { fewer, why, .. } = status(e) else {
                continue;
            };
            let batch = e.batch.as_deref().unwrap_or_default();
            let kind = if fewer && !pinned.contains(&i) {
                Tampering::Removed
            } else {
                Tampering::Edited
            };
            let detail = if pinned.contains(&i) {
                format!(
                    "{} {}; {why}",
                    self.what(e),
                    "was changed after it was signed"
                )
            } else if pinned_batches.contains(batch) || !batches_told.insert(batch) {
                continue;
            } else if fewer {
                format!(
                    "changes signed with {} were removed after they were signed ({why})",
                    self.what(e)
                )
            } else {
                format!(
                    "the changes signed with {} no longer match the signature ({why})",
                    self.what(e)
                )
            };
            findings.push(self.finding(kind, e, detail));
        }
        for e in self.events {
            match status(e) {
                Signed::Missing => findings.push(self.finding(
                    Tampering::Added,
                    e,
                    format!(
                        "{} is signed by no one, though it was made after the library had people",
                        self.what(e)
                    ),
                )),
                Signed::Refused { forged: true } => findings.push(self.finding(
                    Tampering::Refused,
                    e,
                    format!(
                        "{} arrived in changes this desktop refused: {}",
                        self.what(e),
                        e.reason.as_deref().unwrap_or("refused")
                    ),
                )),
                _ => {}
            }
        }
        findings
    }

    /// Event `i` does not name the hash of the one before it (`before`).
    fn break_at(&self, i: usize, before: Option<&Event>) -> AuditFinding {
        let e = &self.events[i];
        if let Some(j) = self.events.iter().position(|x| e.event.prev == x.hash)
            && j > i
        {
            let later = &self.events[j];
            return self.finding(
                Tampering::Reordered,
                e,
                format!(
                    "{} was made after the event of {}, and is kept before it",
                    self.what(e),
                    rfc3339(later.stamp.wall_ms())
                ),
            );
        }
        let detail = match before {
            Some(b) => format!(
                "events of this device are missing between the one of {} and {}",
                rfc3339(b.stamp.wall_ms()),
                self.what(e)
            ),
            None => format!("events of this device are missing before {}", self.what(e)),
        };
        self.finding(Tampering::Removed, e, detail)
    }

    /// Segment `seq`'s head counts `head.events` events and names the newest's hash;
    /// `count` are here, the newest being event `newest`.
    fn head_mismatch(
        &self,
        seq: u64,
        count: u64,
        head: &AuditHead,
        newest: Option<usize>,
    ) -> AuditFinding {
        let last_segment = self.heads.and_then(|h| h.keys().next_back()) == Some(&seq)
            && !self.events.iter().any(|e| e.segment.is_none());
        let (kind, detail) = if count < head.events {
            let n = head.events - count;
            let at_end = if last_segment {
                "the newest events of this device were removed: "
            } else {
                ""
            };
            (
                Tampering::Removed,
                format!(
                    "{at_end}{n} event(s) of this device's segment {seq} are missing (its head counts {}, {count} are here)",
                    head.events
                ),
            )
        } else if count > head.events {
            (
                Tampering::Added,
                format!(
                    "{} event(s) more than this device's segment {seq} counts ({})",
                    count - head.events,
                    head.events
                ),
            )
        } else {
            (
                Tampering::Edited,
                format!(
                    "the newest event of this device's segment {seq} is not the one its head names"
                ),
            )
        };
        let e = newest.map(|n| &self.events[n]);
        AuditFinding {
            kind,
            device: Some(self.device),
            event: e.map(|e| e.row.clone()),
            time: e.map(|e| rfc3339(e.stamp.wall_ms())),
            segment: Some(seq),
            detail,
        }
    }

    /// The event in words: its action, by whom, about what.
    fn what(&self, e: &Event) -> String {
        let mut s = format!(
            "the \"{}\" event by {}",
            e.event.action.as_str(),
            e.event.user
        );
        if let Some(doc) = e.event.doc {
            s.push_str(&format!(" about document {doc}"));
        }
        s
    }

    fn finding(&self, kind: Tampering, e: &Event, detail: String) -> AuditFinding {
        AuditFinding {
            kind,
            device: Some(self.device),
            event: Some(e.row.clone()),
            time: Some(rfc3339(e.stamp.wall_ms())),
            segment: e.segment,
            detail,
        }
    }
}

mod table;

#[cfg(test)]
mod tests;
