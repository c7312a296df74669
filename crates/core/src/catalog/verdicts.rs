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

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::people::{People, PeopleCache, collections_of};
use super::{Catalog, apply};
use crate::error::{Error, Result};
use crate::format::batch::{self, Span};
use crate::format::op::{Op, OpKind, Stamp};
use crate::ids::{DeviceId, DocId, LibraryId, MemberId};
use crate::members::{Batch, Collections, Prechecked, Verdict, doc_of};
use crate::role::BatchRefusal;

pub(super) const PENDING: i64 = 1;
pub(super) const REFUSED: i64 = 2;

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

/// A batch this desktop holds without applying it, as `dossier people held` shows it.
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
    /// `false`: waiting for statements about the people, or the documents it changes,
    /// not received yet.
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
/// recorded keep the verdict they had. A failure forgets the people replayed inside the
/// transaction, which is rolled back.
pub(super) fn take(
    tx: &Transaction<'_>,
    people: &PeopleCache,
    library: LibraryId,
    ops: &[Op],
    origin: Origin,
) -> Result<usize> {
    let taken = take_judged(tx, people, library, ops, origin);
    if taken.is_err() {
        people.forget();
    }
    taken
}

fn take_judged(
    tx: &Transaction<'_>,
    people: &PeopleCache,
    library: LibraryId,
    ops: &[Op],
    origin: Origin,
) -> Result<usize> {
    if origin == Origin::Accepted {
        let mut count = 0;
        for op in ops {
            if apply::record(tx, op, &serde_json::to_string(op)?, None, None)? {
                apply::project(tx, op)?;
                count += 1;
            }
        }
        return Ok(count);
    }
    let segment = match origin {
        Origin::Received(segment) => segment,
        Origin::Local | Origin::Accepted => None,
    };
    let before = people.get(tx, library)?;
    // Each device's operations in stamp order (a segment is one device's; a local commit
    // is this desktop's; a store segment may mix them), recorded with the batch each
    // belongs to, so that judging it again later finds exactly it.
    let mut by_device: BTreeMap<DeviceId, Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        by_device.entry(op.stamp.device).or_default().push(i);
    }
    let (mut count, mut people_arrived, mut docs_arrived) = (0, false, false);
    let mut groups = Vec::with_capacity(by_device.len());
    for indexes in by_device.into_values() {
        let list: Cow<'_, [Op]> = if indexes.len() == ops.len() {
            Cow::Borrowed(ops)
        } else {
            indexes.iter().map(|i| ops[*i].clone()).collect()
        };
        let parts = parts(&list);
        // Each operation's JSON, recorded as it is and signed over by its batch.
        let bodies = list
            .iter()
            .map(serde_json::to_string)
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut fresh = vec![false; list.len()];
        for part in &parts {
            let (range, key) = match part {
                Part::Batch(span) => (span.start..span.end + 1, Some(list[span.end].stamp.key())),
                Part::Unsigned(start, end) => (*start..*end, None),
                Part::Malformed(i) => (*i..*i + 1, None),
            };
            for i in range {
                fresh[i] = apply::record(tx, &list[i], &bodies[i], segment, key.as_deref())?;
            }
        }
        for (op, _) in list.iter().zip(&fresh).filter(|(_, f)| **f) {
            count += 1;
            people_arrived |= is_people(op);
            docs_arrived |= matches!(
                op.kind,
                OpKind::DocumentCreated { .. }
                    | OpKind::FieldSet {
                        key: crate::format::op::FieldKey::Collection,
                        ..
                    }
            );
        }
        groups.push((list, bodies, parts, fresh));
    }
    if count == 0 {
        return Ok(0);
    }
    let known = people.get(tx, library)?;
    // Received batches' signatures are checked ahead on another core while this one
    // applies the batches before them.
    let mut prechecked = match (&known, origin) {
        (Some(p), Origin::Received(_)) => Prechecked::start(
            &p.registry,
            groups.iter().flat_map(|(list, bodies, parts, fresh)| {
                parts.iter().filter_map(move |part| match part {
                    Part::Batch(span) if (span.start..=span.end).all(|i| fresh[i]) => {
                        Some((&list[span.end], &bodies[span.start..span.end]))
                    }
                    _ => None,
                })
            }),
        ),
        _ => Prechecked::none(),
    };
    for (list, bodies, parts, fresh) in &groups {
        for part in parts {
            let judged: Vec<(usize, Verdict)> = match part {
                Part::Batch(span) => {
                    let range = span.start..span.end + 1;
                    let verdict = if !range.clone().all(|i| fresh[i]) {
                        // A signature over changes recorded before: not a batch as made.
                        Verdict::Refused(BatchRefusal::Malformed)
                    } else {
                        match &known {
                            None => Verdict::Pending,
                            Some(p) => {
                                let at = position(tx, list[span.end].stamp.device, segment)?;
                                judge(
                                    tx,
                                    p,
                                    &list[range.clone()],
                                    &bodies[range.clone()],
                                    at,
                                    &mut prechecked,
                                )?
                            }
                        }
                    };
                    range.map(|i| (i, verdict.clone())).collect()
                }
                Part::Unsigned(start, end) => (*start..*end)
                    .map(|i| (i, unsigned(known.as_ref().map(|p| &p.owned), &list[i])))
                    .collect(),
                Part::Malformed(i) => vec![(*i, Verdict::Refused(BatchRefusal::Malformed))],
            };
            for (i, verdict) in judged.into_iter().filter(|(i, _)| fresh[*i]) {
                match verdict {
                    // Recorded just now without a verdict: applied as it is.
                    Verdict::Accepted => apply::project(tx, &list[i])?,
                    Verdict::Refused(refusal) if origin == Origin::Local => {
                        return Err(Error::BatchRefused { refusal });
                    }
                    held => hold(tx, &list[i], &held)?,
                }
            }
        }
    }
    if let Some(after) = &known {
        if people_arrived || docs_arrived {
            settle_pending(tx, after)?;
        }
        if people_arrived && rejudge(tx, before.as_ref(), after)? {
            reproject(tx)?;
        }
    }
    Ok(count)
}

fn is_people(op: &Op) -> bool {
    matches!(
        op.kind,
        OpKind::LibraryOwned { .. } | OpKind::MemberStatement { .. }
    )
}

/// The segment of `device` a batch is in: `segment` when it came in one, else (this
/// desktop's own, not sent yet) the first it can be sent in.
fn position(tx: &Transaction<'_>, device: DeviceId, segment: Option<u64>) -> Result<u64> {
    if let Some(segment) = segment {
        return Ok(segment);
    }
    let last: Option<i64> = tx
        .prepare_cached("SELECT seq FROM segments WHERE device = ?1")?
        .query_row([device.to_string()], |r| r.get(0))
        .optional()?;
    Ok(last.map_or(0, |l| l as u64) + 1)
}

/// An operation no one signed: accepted in a library without people and, in one with
/// people, when made before it became theirs (never a collection's keys); a people
/// statement is judged by its own signature (`members::Registry`), whoever recorded it.
fn unsigned(owned: Option<&Stamp>, op: &Op) -> Verdict {
    // Collections' keys exist only in a library with people, each made by an owner in a
    // batch they sign: one no one signed never counts, whatever stamp it claims (a
    // removed owner could otherwise backdate one made with their old keys).
    let after_owned = owned.is_some_and(|owned| op.stamp >= *owned);
    if (after_owned || matches!(op.kind, OpKind::CollectionKeys { .. })) && !is_people(op) {
        Verdict::Refused(BatchRefusal::Unsigned)
    } else {
        Verdict::Accepted
    }
}

/// Judge the batch `ops` (its covered operations, then its closing signature; `bodies`:
/// the JSON of each, as recorded) at `position`, with the collections its documents are
/// in now; `prechecked` holds signatures checked ahead.
fn judge(
    tx: &Transaction<'_>,
    people: &People,
    ops: &[Op],
    bodies: &[String],
    position: u64,
    prechecked: &mut Prechecked,
) -> Result<Verdict> {
    let (Some((closing, covered)), Some((_, bodies))) = (ops.split_last(), bodies.split_last())
    else {
        return Ok(Verdict::Refused(BatchRefusal::Malformed));
    };
    people.registry.judge_batch(
        &Batch {
            closing,
            covered,
            bodies,
            position,
        },
        prechecked,
        || collections(tx, covered),
    )
}

/// The collection each document `covered` changes is in on this desktop: as it holds it,
/// or (a document whose addition it holds without applying) as that addition set it.
fn collections(tx: &Transaction<'_>, covered: &[Op]) -> Result<Collections> {
    let docs: Vec<_> = covered.iter().filter_map(|op| doc_of(&op.kind)).collect();
    let mut collections: Collections = collections_of(tx, &docs)?.into_iter().collect();
    let created: Vec<DocId> = covered
        .iter()
        .filter_map(|op| match &op.kind {
            OpKind::DocumentCreated { doc, .. } => Some(*doc),
            _ => None,
        })
        .collect();
    for doc in docs {
        if collections.contains_key(&doc) || created.contains(&doc) {
            continue;
        }
        if let Some(collection) = held_creation(tx, doc)? {
            collections.insert(doc, collection);
        }
    }
    Ok(collections)
}

/// For a document whose addition this desktop holds without applying it (refused, or
/// waiting): the collection the batch that added it gave it (`None`: "all"). A later
/// change to it is judged in that collection, as on a desktop that applied the addition
/// before it was refused, rather than waiting for a document that will never come.
fn held_creation(tx: &Transaction<'_>, doc: DocId) -> Result<Option<Option<String>>> {
    let id = doc.to_string();
    let found: Option<Option<String>> = tx
        .prepare_cached(
            "SELECT batch FROM ops WHERE verdict IS NOT NULL AND kind = 'document_created'
             AND json_extract(body, '$.doc') = ?1",
        )?
        .query_row([&id], |r| r.get(0))
        .optional()?;
    let Some(batch) = found else {
        return Ok(None);
    };
    let mut collection = None;
    if let Some(batch) = batch {
        let mut stmt = tx.prepare_cached(
            "SELECT body FROM ops WHERE batch = ?1 AND kind = 'field_set' ORDER BY stamp",
        )?;
        let mut rows = stmt.query([batch])?;
        while let Some(row) = rows.next()? {
            let op: Op = serde_json::from_str(&row.get::<_, String>(0)?)?;
            if let OpKind::FieldSet {
                doc: d,
                key: crate::format::op::FieldKey::Collection,
                value,
            } = op.kind
                && d == doc
            {
                collection = match value {
                    Some(crate::format::op::FieldValue::Text(c)) => Some(c),
                    _ => None,
                };
            }
        }
    }
    Ok(Some(collection))
}

/// Mark an operation held (pending or refused), with the reason.
fn hold(tx: &Transaction<'_>, op: &Op, verdict: &Verdict) -> Result<()> {
    let (state, reason) = match verdict {
        Verdict::Accepted => return Ok(()),
        Verdict::Pending => (PENDING, None),
        Verdict::Refused(r) => (REFUSED, Some(r.describe())),
    };
    tx.prepare_cached("UPDATE ops SET verdict = ?2, reason = ?3 WHERE stamp = ?1")?
        .execute(params![op.stamp.key(), state, reason])?;
    Ok(())
}

/// Apply an operation held until now, now accepted, or change why it is held.
fn settle(tx: &Transaction<'_>, op: &Op, verdict: &Verdict) -> Result<()> {
    if let Verdict::Accepted = verdict {
        tx.prepare_cached("UPDATE ops SET verdict = NULL, reason = NULL WHERE stamp = ?1")?
            .execute([op.stamp.key()])?;
        return apply::project(tx, op);
    }
    hold(tx, op, verdict)
}

/// The column's value for `verdict` (`None`: accepted).
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

/// A batch as recorded: its operations in stamp order, with the closing's verdict and
/// segment.
pub(super) struct Recorded {
    pub(super) ops: Vec<Op>,
    /// The JSON of each, as recorded.
    pub(super) bodies: Vec<String>,
    was: Option<i64>,
    segment: Option<u64>,
}

/// The batch closed by the operation stamped `closing`, as recorded when it arrived.
pub(super) fn recorded(tx: &rusqlite::Connection, closing: &str) -> Result<Recorded> {
    let mut stmt = tx
        .prepare_cached("SELECT body, verdict, segment FROM ops WHERE batch = ?1 ORDER BY stamp")?;
    let mut rows = stmt.query([closing])?;
    let mut out = Recorded {
        ops: Vec::new(),
        bodies: Vec::new(),
        was: None,
        segment: None,
    };
    while let Some(row) = rows.next()? {
        let body: String = row.get(0)?;
        out.ops.push(serde_json::from_str(&body)?);
        out.bodies.push(body);
        out.was = row.get(1)?;
        out.segment = row.get::<_, Option<i64>>(2)?.map(|s| s as u64);
    }
    Ok(out)
}

/// Judge `batch` again and change its verdict; `true` when it was accepted and is not now.
fn rejudge_batch(tx: &Transaction<'_>, people: &People, batch: &Recorded) -> Result<bool> {
    if batch.ops.is_empty() {
        return Ok(false);
    }
    let now = judge_recorded(tx, people, batch)?;
    change(tx, &batch.ops, batch.was, &now)
}

/// What `batch`, as recorded, is judged now.
fn judge_recorded(tx: &Transaction<'_>, people: &People, batch: &Recorded) -> Result<Verdict> {
    let Some(last) = batch.ops.last() else {
        return Ok(Verdict::Refused(BatchRefusal::Malformed));
    };
    let position = position(tx, last.stamp.device, batch.segment)?;
    judge(
        tx,
        people,
        &batch.ops,
        &batch.bodies,
        position,
        &mut Prechecked::none(),
    )
}

/// Judge again every pending batch (the people's chain, or the documents they change,
/// may have arrived).
/// One batch settled may bring a document another waits for, so this goes round, in
/// stamp order, until a round settles none.
fn settle_pending(tx: &Transaction<'_>, known: &People) -> Result<()> {
    loop {
        let closings: Vec<String> = tx
            .prepare_cached(
                "SELECT DISTINCT batch FROM ops WHERE verdict = ?1 AND batch IS NOT NULL
                 ORDER BY batch",
            )?
            .query_map([PENDING], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut settled = false;
        for closing in closings {
            let batch = recorded(tx, &closing)?;
            if batch.was == Some(PENDING) {
                let now = judge_recorded(tx, known, &batch)?;
                change(tx, &batch.ops, batch.was, &now)?;
                settled |= now != Verdict::Pending;
            }
        }
        if !settled {
            return Ok(());
        }
    }
}

/// After statements about the people arrived: judge again what they may have turned (a
/// removal or a new role that cuts off batches already applied, a statement that lost its
/// place, an owner arriving after changes no one signed). Returns whether accepted
/// operations are now held.
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

/// Judge every operation again: each batch as recorded, each unsigned operation alone.
fn rejudge_all(tx: &Transaction<'_>, people: &People) -> Result<bool> {
    let mut flipped = false;
    let closings: Vec<String> = tx
        .prepare("SELECT DISTINCT batch FROM ops WHERE batch IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for closing in closings {
        flipped |= rejudge_batch(tx, people, &recorded(tx, &closing)?)?;
    }
    // Unsigned operations (a closing with no batch is malformed, and stays refused).
    let mut stmt = tx.prepare(
        "SELECT body, verdict FROM ops WHERE batch IS NULL AND kind != 'signed' ORDER BY stamp",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let op: Op = serde_json::from_str(&row.get::<_, String>(0)?)?;
        let now = unsigned(Some(&people.owned), &op);
        flipped |= change(tx, std::slice::from_ref(&op), row.get(1)?, &now)?;
    }
    Ok(flipped)
}

/// Judge again the batches `member` signed (accepted or refused).
fn rejudge_member(tx: &Transaction<'_>, people: &People, member: MemberId) -> Result<bool> {
    let closings: Vec<String> = tx
        .prepare_cached(
            "SELECT stamp FROM ops WHERE kind = 'signed' AND batch = stamp
             AND json_extract(body, '$.member') = ?1",
        )?
        .query_map([member.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut flipped = false;
    for closing in closings {
        let batch = recorded(tx, &closing)?;
        if batch.was != Some(PENDING) {
            flipped |= rejudge_batch(tx, people, &batch)?;
        }
    }
    Ok(flipped)
}

/// The tables every operation projects into, emptied and filled again from the accepted
/// operations (in stamp order; the merge rules make the order immaterial). Packs and
/// their chunks stay: where a chunk is stored is a fact checked against its content when
/// read, whoever announced it.
const PROJECTED: [&str; 24] = [
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
    "record_series",
    "requests",
    "disclosures",
    "dropped_packs",
    "destroyed",
    "shredded",
    "destructions",
    "remote_checks",
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

impl Catalog {
    /// A removal's cutoff for `member` (`Change::Remove::segments`): each desktop they
    /// signed batches on, and its last segment whose batches still count: the last this
    /// catalog holds; for this desktop, the last its operations committed so far can
    /// take (each segment holds at least one).
    pub fn cutoff_for(&self, member: MemberId) -> Result<BTreeMap<DeviceId, u64>> {
        // Accepted closings only: a forged one must not choose the devices.
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT substr(stamp, -32) FROM ops
             WHERE kind = 'signed' AND batch = stamp AND verdict IS NULL
             AND json_extract(body, '$.member') = ?1",
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
    /// those waiting (for statements about the people, or for the documents they change).
    /// Consecutive unsigned operations of one device count as one.
    pub fn held_batches(&self) -> Result<Vec<HeldBatch>> {
        let mut stmt = self.conn.prepare(
            "SELECT body, verdict, reason, batch FROM ops WHERE verdict IS NOT NULL
             ORDER BY stamp",
        )?;
        let mut rows = stmt.query([])?;
        let mut out: Vec<HeldBatch> = Vec::new();
        // Each device's group being filled: its batch (`None`: unsigned) and its place.
        let mut open: BTreeMap<DeviceId, (Option<String>, usize)> = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let op: Op = serde_json::from_str(&row.get::<_, String>(0)?)?;
            let refused = row.get::<_, i64>(1)? == REFUSED;
            let reason = row.get::<_, Option<String>>(2)?.unwrap_or_else(|| {
                "made by someone, or about documents, this desktop does not know of yet".into()
            });
            let batch: Option<String> = row.get(3)?;
            let device = op.stamp.device;
            let at = match open.get(&device) {
                Some((b, at)) if *b == batch => *at,
                _ => {
                    out.push(HeldBatch {
                        stamp: op.stamp.key(),
                        device,
                        member: None,
                        operations: 0,
                        documents: Vec::new(),
                        refused,
                        reason,
                    });
                    open.insert(device, (batch, out.len() - 1));
                    out.len() - 1
                }
            };
            let held = &mut out[at];
            held.operations += 1;
            if let Some(doc) = doc_of(&op.kind)
                && !held.documents.contains(&doc)
            {
                held.documents.push(doc);
            }
            if let OpKind::Signed { member, .. } = &op.kind {
                // A signature ends its batch (a malformed one, a batch of its own).
                held.member = Some(*member);
                held.stamp = op.stamp.key();
                open.remove(&device);
            }
        }
        Ok(out)
    }
}
