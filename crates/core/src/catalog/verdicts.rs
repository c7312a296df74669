//! Verdicts on operations (issue 21). Every operation that reaches the catalog, made here
//! or received, is recorded in the journal (so segments, their digests and checkpoints stay
//! exact and nothing is lost); in a library kept by its people only the batches their
//! signers' roles allowed ([`Registry::judge`]) are applied to the tables. The others are
//! held in the journal with their verdict: pending (made at a place of the people's chain
//! not received yet, judged again whenever a people operation arrives) or refused (with
//! the reason, for [`Catalog::held_batches`] to report).
//!
//! **Invariant:** an operation the tables reflect is one that was accepted: no path
//! projects an operation without a verdict, and queries that read operations back for
//! the tables skip held ones (`verdict IS NOT NULL`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use rusqlite::{Transaction, params};
use serde::Serialize;

use super::people::{People, PeopleCache, collections_of};
use super::{Catalog, apply};
use crate::error::{Error, Result};
use crate::format::batch::{self, Span};
use crate::format::op::{Op, OpKind, Stamp};
use crate::ids::{DeviceId, DocId, LibraryId, MemberId};
use crate::members::{Batch, Verdict, doc_of};
use crate::role::BatchRefusal;

const PENDING: i64 = 1;
const REFUSED: i64 = 2;

/// Where operations come from, which decides what a refusal means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// Committed on this desktop, after `Library::check_may`: a refusal is an error and
    /// nothing is written.
    Local,
    /// Received in this segment of their device (or replayed from the store journal):
    /// kept with their verdict.
    Received(Option<u64>),
    /// Operations this catalog (or the one it copies) already accepted.
    Accepted,
}

/// A batch this desktop holds without applying it, as `dossier people refused` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HeldBatch {
    /// The stamp of its closing signature (or of its first operation, when unsigned).
    pub stamp: String,
    pub device: DeviceId,
    /// Who signed it, if anyone did.
    pub member: Option<MemberId>,
    pub operations: u64,
    /// The documents it changes (or would have).
    pub documents: Vec<DocId>,
    /// `false`: waiting for statements about the people not received yet.
    pub refused: bool,
    pub reason: String,
}

/// The parts of `ops` (one device's, in stamp order) to judge one by one: each batch, and
/// each run of unsigned operations between them.
enum Part {
    Batch(Span),
    Unsigned(usize, usize),
    Malformed(usize),
}

fn parts(ops: &[Op]) -> Vec<Part> {
    let (found, malformed) = batch::spans(ops);
    let mut out: Vec<(usize, Part)> = found
        .into_iter()
        .map(|s| (s.start, Part::Batch(s)))
        .collect();
    out.extend(malformed.into_iter().map(|i| (i, Part::Malformed(i))));
    out.sort_by_key(|(i, _)| *i);
    let mut with_gaps = Vec::with_capacity(out.len() * 2 + 1);
    let mut next = 0;
    for (start, part) in out {
        if start > next {
            with_gaps.push(Part::Unsigned(next, start));
        }
        next = match &part {
            Part::Batch(s) => s.end + 1,
            Part::Malformed(i) => i + 1,
            Part::Unsigned(_, end) => *end,
        };
        with_gaps.push(part);
    }
    if next < ops.len() {
        with_gaps.push(Part::Unsigned(next, ops.len()));
    }
    with_gaps
}

/// Record `ops` and apply those accepted; returns how many were new. Operations already
/// recorded keep the verdict they had.
pub(super) fn take(
    tx: &Transaction<'_>,
    people: &PeopleCache,
    library: LibraryId,
    ops: &[Op],
    origin: Origin,
) -> Result<usize> {
    let before = people.get(tx, library)?;
    let mut new = vec![false; ops.len()];
    for (i, op) in ops.iter().enumerate() {
        new[i] = apply::record(tx, op)?;
    }
    let count = new.iter().filter(|n| **n).count();
    if count == 0 {
        return Ok(0);
    }
    let known = people.get(tx, library)?;
    let mut people_arrived = false;
    // Each device's operations in stamp order (a segment is one device's; a local commit
    // is this desktop's; a rebuild's copy may mix them).
    let mut by_device: BTreeMap<DeviceId, Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        by_device.entry(op.stamp.device).or_default().push(i);
        people_arrived |= new[i]
            && matches!(
                op.kind,
                OpKind::LibraryOwned { .. } | OpKind::MemberStatement { .. }
            );
    }
    for indexes in by_device.into_values() {
        // One device's operations (a segment, a local commit: all of them, uncopied).
        let (list, fresh): (Cow<'_, [Op]>, Cow<'_, [bool]>) = if indexes.len() == ops.len() {
            (Cow::Borrowed(ops), Cow::Borrowed(&new))
        } else {
            (
                indexes.iter().map(|i| ops[*i].clone()).collect(),
                indexes.iter().map(|i| new[*i]).collect(),
            )
        };
        for part in parts(&list) {
            let (range, verdict) = match part {
                _ if origin == Origin::Accepted => (0..list.len(), Verdict::Accepted),
                Part::Batch(span) => {
                    let verdict = match &known {
                        None => Verdict::Pending,
                        Some(p) => judge(tx, p, &list, span, origin_segment(origin))?,
                    };
                    (span.start..span.end + 1, verdict)
                }
                Part::Unsigned(start, end) => (
                    start..end,
                    unsigned(known.as_ref().map(|p| &p.owned), &list[start..end]),
                ),
                Part::Malformed(i) => (i..i + 1, Verdict::Refused(BatchRefusal::Malformed)),
            };
            if origin == Origin::Local
                && let Verdict::Refused(refusal) = &verdict
            {
                return Err(Error::BatchRefused {
                    refusal: refusal.clone(),
                });
            }
            for i in range.filter(|i| fresh[*i]) {
                match &verdict {
                    // Recorded just now without a verdict: applied as it is.
                    Verdict::Accepted => apply::project(tx, &list[i])?,
                    held => settle(tx, &list[i], held)?,
                }
            }
        }
    }
    if people_arrived && let Some(after) = &known {
        settle_pending(tx, after)?;
        if rejudge(tx, before.as_ref(), after)? {
            reproject(tx)?;
        }
    }
    Ok(count)
}

/// The column's value for `verdict`.
fn column(verdict: &Verdict) -> Option<i64> {
    match verdict {
        Verdict::Accepted => None,
        Verdict::Pending => Some(PENDING),
        Verdict::Refused(_) => Some(REFUSED),
    }
}

/// Change `ops`' verdict from `was` (the column's value) to `now`; `true` when operations
/// the tables reflect are no longer accepted (so the tables must be made again).
fn change(tx: &Transaction<'_>, ops: &[Op], was: Option<i64>, now: &Verdict) -> Result<bool> {
    if was == column(now) {
        return Ok(false);
    }
    for op in ops {
        settle(tx, op, now)?;
    }
    Ok(was.is_none())
}

/// After statements about the people arrived: judge again what they may have turned (a
/// removal that cuts off batches already applied, a statement that lost its place, an
/// owner arriving after changes no one signed). Returns whether accepted operations are
/// now held.
fn rejudge(tx: &Transaction<'_>, before: Option<&People>, after: &People) -> Result<bool> {
    let Some(before) = before.filter(|b| b.owned == after.owned) else {
        // The library became its people's here (or its owner is an earlier one): every
        // change no one signed since then is judged again, and every batch with it.
        return rejudge_all(tx, after);
    };
    let mut flipped = false;
    for member in after.registry.changed_members(&before.registry) {
        flipped |= rejudge_member(tx, after, member)?;
    }
    Ok(flipped)
}

/// Judge every operation again, device by device.
fn rejudge_all(tx: &Transaction<'_>, people: &People) -> Result<bool> {
    let devices: Vec<String> = tx
        .prepare("SELECT DISTINCT substr(stamp, 23) FROM ops")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut flipped = false;
    for device in devices {
        let mut stmt = tx.prepare_cached(
            "SELECT body, verdict, segment FROM ops
             WHERE stamp LIKE '%.' || ?1 ORDER BY stamp",
        )?;
        let mut rows = stmt.query([&device])?;
        let (mut list, mut was, mut segments) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(row) = rows.next()? {
            list.push(serde_json::from_str::<Op>(&row.get::<_, String>(0)?)?);
            was.push(row.get::<_, Option<i64>>(1)?);
            segments.push(row.get::<_, Option<i64>>(2)?.map(|s| s as u64));
        }
        for part in parts(&list) {
            let (range, now) = match part {
                Part::Batch(span) => (
                    span.start..span.end + 1,
                    judge(tx, people, &list, span, segments[span.end])?,
                ),
                Part::Unsigned(start, end) => {
                    (start..end, unsigned(Some(&people.owned), &list[start..end]))
                }
                Part::Malformed(i) => (i..i + 1, Verdict::Refused(BatchRefusal::Malformed)),
            };
            for i in range {
                flipped |= change(tx, &list[i..=i], was[i], &now)?;
            }
        }
    }
    Ok(flipped)
}

/// Judge again the batches `member` signed that were accepted or refused.
fn rejudge_member(tx: &Transaction<'_>, people: &People, member: MemberId) -> Result<bool> {
    let closings: Vec<(Op, Option<i64>, Option<u64>)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT body, verdict, segment FROM ops
             WHERE kind = 'signed' AND json_extract(body, '$.member') = ?1
             AND (verdict IS NULL OR verdict = ?2)",
        )?;
        let mut rows = stmt.query(params![member.to_string(), REFUSED])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push((
                serde_json::from_str::<Op>(&row.get::<_, String>(0)?)?,
                row.get::<_, Option<i64>>(1)?,
                row.get::<_, Option<i64>>(2)?.map(|s| s as u64),
            ));
        }
        out
    };
    let mut flipped = false;
    for (closing, was, segment) in closings {
        let OpKind::Signed { covers, .. } = &closing.kind else {
            continue;
        };
        let mut list: Vec<Op> = {
            let mut stmt = tx.prepare_cached(
                "SELECT body FROM ops WHERE stamp < ?1 AND stamp LIKE '%.' || ?2
                 ORDER BY stamp DESC LIMIT ?3",
            )?;
            stmt.query_map(
                params![
                    closing.stamp.key(),
                    closing.stamp.device.to_string(),
                    i64::from(*covers)
                ],
                |r| r.get::<_, String>(0),
            )?
            .map(|body| Ok(serde_json::from_str(&body?)?))
            .collect::<Result<_>>()?
        };
        list.reverse();
        list.push(closing);
        let span = Span {
            start: 0,
            end: list.len() - 1,
        };
        let now = judge(tx, people, &list, span, segment)?;
        flipped |= change(tx, &list, was, &now)?;
    }
    Ok(flipped)
}

/// The tables every operation projects into, emptied and filled again from the accepted
/// operations (in stamp order; the merge rules make the order immaterial). Storage facts
/// (packs, their chunks, packs given up) stay: they are checked against content when
/// read, and a pack is deleted only once its chunks are all stored elsewhere.
const PROJECTED: [&str; 16] = [
    "documents",
    "registers",
    "tags",
    "tag_tombstones",
    "versions",
    "purged",
    "doc_clock",
    "audit",
    "subjects",
    "subject_registers",
    "subject_merges",
    "subject_canonical",
    "requirements",
    "rules",
    "views",
    "type_fields",
];

/// Make the tables again from the accepted operations, when some they reflect are no
/// longer accepted; what was derived from versions no longer there goes, and every
/// document, there before or now, is indexed again.
fn reproject(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch("INSERT OR IGNORE INTO index_queue (doc) SELECT id FROM documents")?;
    for table in PROJECTED {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    {
        let mut stmt = tx.prepare("SELECT body FROM ops WHERE verdict IS NULL ORDER BY stamp")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            apply::project(tx, &serde_json::from_str(&row.get::<_, String>(0)?)?)?;
        }
    }
    tx.execute_batch(
        "DELETE FROM jobs WHERE version NOT IN (SELECT id FROM versions);
         DELETE FROM texts WHERE version NOT IN (SELECT id FROM versions);
         DELETE FROM extractions WHERE version NOT IN (SELECT id FROM versions);
         INSERT OR IGNORE INTO index_queue (doc) SELECT id FROM documents;",
    )?;
    Ok(())
}

fn origin_segment(origin: Origin) -> Option<u64> {
    match origin {
        Origin::Local | Origin::Accepted => None,
        Origin::Received(segment) => segment,
    }
}

/// Operations no one signed: accepted in a library without people and, in one with
/// people, when made before it became theirs; a people statement is judged by its own
/// signature (`members::Registry`), whoever recorded it.
fn unsigned(owned: Option<&Stamp>, ops: &[Op]) -> Verdict {
    let Some(owned) = owned else {
        return Verdict::Accepted;
    };
    let before = ops.iter().all(|op| {
        op.stamp < *owned
            || matches!(
                op.kind,
                OpKind::LibraryOwned { .. } | OpKind::MemberStatement { .. }
            )
    });
    if before {
        Verdict::Accepted
    } else {
        Verdict::Refused(BatchRefusal::Unsigned)
    }
}

/// Judge the batch `span` of `list` with the collections its documents are in now.
fn judge(
    tx: &Transaction<'_>,
    people: &People,
    list: &[Op],
    span: Span,
    segment: Option<u64>,
) -> Result<Verdict> {
    let covered = &list[span.start..span.end];
    let docs: Vec<_> = covered.iter().filter_map(|op| doc_of(&op.kind)).collect();
    let collections = collections_of(tx, &docs)?.into_iter().collect();
    people.registry.judge_batch(
        &Batch {
            closing: &list[span.end],
            covered,
            segment,
        },
        &collections,
    )
}

/// Apply an accepted operation (held until now), or mark it held.
fn settle(tx: &Transaction<'_>, op: &Op, verdict: &Verdict) -> Result<()> {
    let (state, reason) = match verdict {
        Verdict::Accepted => {
            tx.prepare_cached("UPDATE ops SET verdict = NULL, reason = NULL WHERE stamp = ?1")?
                .execute([op.stamp.key()])?;
            return apply::project(tx, op);
        }
        Verdict::Pending => (PENDING, None),
        Verdict::Refused(r) => (REFUSED, Some(r.describe())),
    };
    tx.prepare_cached("UPDATE ops SET verdict = ?2, reason = ?3 WHERE stamp = ?1")?
        .execute(params![op.stamp.key(), state, reason])?;
    Ok(())
}

/// Judge again every pending batch (the people's chain may have reached their place).
fn settle_pending(tx: &Transaction<'_>, known: &People) -> Result<()> {
    let mut by_device: BTreeMap<DeviceId, Vec<(Op, Option<u64>)>> = BTreeMap::new();
    {
        let mut stmt =
            tx.prepare_cached("SELECT body, segment FROM ops WHERE verdict = ?1 ORDER BY stamp")?;
        let mut rows = stmt.query([PENDING])?;
        while let Some(row) = rows.next()? {
            let op: Op = serde_json::from_str(&row.get::<_, String>(0)?)?;
            let segment = row.get::<_, Option<i64>>(1)?.map(|s| s as u64);
            by_device
                .entry(op.stamp.device)
                .or_default()
                .push((op, segment));
        }
    }
    for held in by_device.into_values() {
        let list: Vec<Op> = held.iter().map(|(op, _)| op.clone()).collect();
        for part in parts(&list) {
            // Only whole batches wait; anything else was refused when it came.
            let Part::Batch(span) = part else { continue };
            let verdict = judge(tx, known, &list, span, held[span.end].1)?;
            if verdict != Verdict::Pending {
                for op in &list[span.start..=span.end] {
                    settle(tx, op, &verdict)?;
                }
            }
        }
    }
    Ok(())
}

impl Catalog {
    /// A removal's cutoff for `member` (`Change::Remove::segments`): each desktop they
    /// signed batches on, and its last segment whose batches still count: the last this
    /// catalog holds; for this desktop, the last its operations committed so far can
    /// take (each segment holds at least one).
    pub fn cutoff_for(&self, member: MemberId) -> Result<BTreeMap<DeviceId, u64>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT substr(stamp, 23) FROM ops
             WHERE kind = 'signed' AND json_extract(body, '$.member') = ?1",
        )?;
        let devices = stmt
            .query_map([member.to_string()], |r| r.get::<_, String>(0))?
            .map(|d| Ok(d?.parse::<DeviceId>()?))
            .collect::<Result<Vec<_>>>()?;
        let held = self.segments()?;
        let mut out = BTreeMap::new();
        for device in devices {
            let last = held.get(&device).copied().unwrap_or(0);
            let last = if device == self.device {
                last + self.unsent_count()?
            } else {
                last
            };
            out.insert(device, last);
        }
        Ok(out)
    }

    /// Batches this desktop holds without applying them: refused ones with the reason, and
    /// those waiting for statements about the people.
    pub fn held_batches(&self) -> Result<Vec<HeldBatch>> {
        let mut stmt = self.conn.prepare(
            "SELECT body, verdict, reason FROM ops WHERE verdict IS NOT NULL ORDER BY stamp",
        )?;
        let mut rows = stmt.query([])?;
        let mut out: Vec<HeldBatch> = Vec::new();
        let mut open: BTreeMap<DeviceId, usize> = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let op: Op = serde_json::from_str(&row.get::<_, String>(0)?)?;
            let refused = row.get::<_, i64>(1)? == REFUSED;
            let reason = row
                .get::<_, Option<String>>(2)?
                .unwrap_or_else(|| "made by someone this desktop does not know of yet".into());
            let device = op.stamp.device;
            let at = match open.get(&device) {
                Some(i) => *i,
                None => {
                    out.push(HeldBatch {
                        stamp: op.stamp.key(),
                        device,
                        member: None,
                        operations: 0,
                        documents: Vec::new(),
                        refused,
                        reason,
                    });
                    open.insert(device, out.len() - 1);
                    out.len() - 1
                }
            };
            out[at].operations += 1;
            if let Some(doc) = op.kind.doc()
                && !out[at].documents.contains(&doc)
            {
                out[at].documents.push(doc);
            }
            if let OpKind::Signed { member, .. } = &op.kind {
                out[at].member = Some(*member);
                out[at].stamp = op.stamp.key();
                open.remove(&device);
            }
        }
        Ok(out)
    }
}
