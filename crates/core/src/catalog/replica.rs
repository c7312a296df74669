//! Sync bookkeeping: which of this device's operations have left in a journal segment,
//! and which segments of every device this catalog holds.
//!
//! An operation's `segment` column is the sequence number of the segment it travelled in
//! (this device's own, or the sender's); NULL marks one of this device's operations that
//! no segment holds yet. The `segments` table keeps, per device, the last segment applied
//! (for this device: the last one sent), so a sync fetches only newer ones, and its
//! digest; `segment_links` each held segment's [`Link`], and `seen_heads` the newest
//! segment of each device that any applied segment named as seen.
//!
//! **Invariant:** another device's segment is applied only when its link's `prev` is the
//! digest of the segment of that device held here (or it has none to check).

use std::collections::{BTreeMap, HashMap};

use rusqlite::{OptionalExtension, params};

use super::Catalog;
use crate::error::{Error, Result};
use crate::format::checkpoint::Heads;
use crate::format::journal::{Link, Segment, SegmentDigest, object_name};
use crate::format::op::{Op, OpKind, RECORD_STATE_KINDS, Stamp};
use crate::format::sections::Withheld;
use crate::ids::{DeviceId, DocId, PackId};

impl Catalog {
    /// This device's operations that no segment holds yet, oldest first, at most `max`.
    pub fn unsent_ops(&self, max: usize) -> Result<Vec<Op>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT body FROM ops WHERE segment IS NULL AND stamp LIKE '%.' || ?1
             ORDER BY seq LIMIT ?2",
        )?;
        let ops = stmt
            .query_map(
                params![
                    self.device.to_string(),
                    i64::try_from(max).unwrap_or(i64::MAX)
                ],
                |r| r.get::<_, String>(0),
            )?
            .map(|body| Ok(serde_json::from_str(&body?)?))
            .collect::<Result<Vec<Op>>>()?;
        Ok(ops)
    }

    /// How many of this device's operations no segment holds yet.
    pub fn unsent_count(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM ops WHERE segment IS NULL AND stamp LIKE '%.' || ?1",
            [self.device.to_string()],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Packs whose announcing operation travelled in a segment: they are on the remote
    /// (sent from here, or announced by another device).
    pub fn remote_packs(&self) -> Result<std::collections::HashSet<PackId>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.id FROM packs p JOIN ops o ON o.stamp = p.added_stamp
             WHERE o.segment IS NOT NULL",
        )?;
        let ids = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))?
            .map(|id| Ok(PackId::from_slice(&id?)?))
            .collect::<Result<_>>()?;
        Ok(ids)
    }

    /// Note which packs a listing of the remote showed, with their sizes: those of the
    /// size the catalog expects count as whole on the remote; any other (a cut upload,
    /// a damaged object) no longer does.
    pub fn note_packs_on_remote(&self, listed: &[(PackId, u64)]) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM packs_on_remote", [])?;
        {
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO packs_on_remote (pack, size)
                 SELECT id, size FROM packs WHERE id = ?1 AND size = ?2",
            )?;
            for (id, size) in listed {
                insert.execute(params![id.0.as_slice(), *size as i64])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Packs a listing showed whole on the remote ([`Catalog::note_packs_on_remote`]).
    pub fn packs_whole_on_remote(&self) -> Result<std::collections::HashSet<PackId>> {
        let mut stmt = self.conn.prepare("SELECT pack FROM packs_on_remote")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))?
            .map(|id| Ok(PackId::from_slice(&id?)?))
            .collect::<Result<_>>()?;
        Ok(ids)
    }

    /// The last segment `device` sent that this catalog holds (0: none).
    pub fn last_segment(&self, device: DeviceId) -> Result<u64> {
        let seq: Option<i64> = self
            .conn
            .query_row(
                "SELECT seq FROM segments WHERE device = ?1",
                [device.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(seq.map_or(0, |s| s as u64))
    }

    /// The last segment of every device this catalog holds.
    pub fn segments(&self) -> Result<HashMap<DeviceId, u64>> {
        let mut stmt = self.conn.prepare("SELECT device, seq FROM segments")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .map(|row| {
                let (device, seq) = row?;
                Ok((device.parse()?, seq as u64))
            })
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Record that `segment` (one of this device's, now on the remote) holds its
    /// operations. Any of them this catalog lacks (lost with an older copy of this
    /// library) are applied first.
    pub fn mark_sent(&mut self, segment: &Segment) -> Result<()> {
        if segment.device != self.device {
            return Err(Error::Stopped(
                "a segment of another device was marked as sent",
            ));
        }
        self.take_segment(segment).map(|_| ())
    }

    /// Apply another device's segment: its operations, and the note that it is held, in
    /// one transaction. Returns how many operations were new. Segments of one device are
    /// applied in order; an older one than the last held is ignored.
    pub fn apply_segment(&mut self, segment: &Segment) -> Result<usize> {
        let held = self.last_segment(segment.device)?;
        if segment.seq <= held {
            return Ok(0);
        }
        if segment.seq != held + 1 {
            return Err(Error::SegmentOutOfOrder {
                object: object_name(segment.device, segment.seq),
                expected: held + 1,
            });
        }
        if let Some(prev) = segment.link.as_ref().and_then(|l| l.prev)
            && held > 0
            && self
                .segment_digest(segment.device, held)?
                .is_some_and(|d| d != prev)
        {
            return Err(Error::HistoryFork {
                object: object_name(segment.device, segment.seq),
            });
        }
        self.take_segment(segment)
    }

    /// The digest of `device`'s segment `seq` as held here (kept for the last one,
    /// rebuilt for others); `None` when this catalog does not hold it.
    pub fn segment_digest(&self, device: DeviceId, seq: u64) -> Result<Option<SegmentDigest>> {
        let kept: Option<Option<Vec<u8>>> = self
            .conn
            .query_row(
                "SELECT digest FROM segments WHERE device = ?1 AND seq = ?2",
                params![device.to_string(), seq as i64],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(d) = kept
            .flatten()
            .as_deref()
            .and_then(SegmentDigest::from_slice)
        {
            return Ok(Some(d));
        }
        self.segment(device, seq)?.map(|s| s.digest()).transpose()
    }

    /// The newest segment of each device that a segment applied here named as seen,
    /// with the object name of the (first) segment that named it.
    pub fn seen_heads(&self) -> Result<HashMap<DeviceId, (u64, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT device, seq, named_by FROM seen_heads")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .map(|row| {
                let (device, seq, by) = row?;
                Ok((device.parse()?, (seq as u64, by)))
            })
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    fn take_segment(&mut self, segment: &Segment) -> Result<usize> {
        let seq = i64::try_from(segment.seq).map_err(|_| Error::Integrity {
            object: object_name(segment.device, segment.seq),
            detail: "its number is too large",
        })?;
        if segment
            .ops
            .iter()
            .any(|op| op.stamp.device != segment.device)
        {
            return Err(Error::Integrity {
                object: object_name(segment.device, segment.seq),
                detail: "holds another device's operation",
            });
        }
        self.see(&segment.ops);
        let tx = self.conn.transaction()?;
        let before = super::store_journal::last_op(&tx)?;
        // Each operation is recorded with this segment's number, which judging reads.
        let applied = super::verdicts::take(
            &tx,
            &self.people,
            self.library,
            &segment.ops,
            super::verdicts::Origin::Received(Some(segment.seq)),
        )?;
        {
            let mut mark = tx.prepare_cached("UPDATE ops SET segment = ?1 WHERE stamp = ?2")?;
            for op in &segment.ops {
                mark.execute(params![seq, op.stamp.key()])?;
            }
            let digest = segment.digest()?;
            tx.execute(
                "INSERT INTO segments (device, seq, digest) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device) DO UPDATE SET
                    digest = iif(excluded.seq >= seq, excluded.digest, digest),
                    seq = max(seq, excluded.seq)",
                params![segment.device.to_string(), seq, digest.0.as_slice()],
            )?;
            if let Some(link) = &segment.link {
                note_link(&tx, segment.device, segment.seq, link)?;
            }
            note_withheld(&tx, segment.device, segment.seq, segment.withheld.as_ref())?;
        }
        let received = (segment.device != self.device).then_some((segment.device, segment.seq));
        // A segment with parts withheld is noted even when nothing of it opened here.
        let keep = match segment.withheld {
            Some(_) => super::store_journal::Keep::Always,
            None => super::store_journal::Keep::IfNew,
        };
        super::store_journal::record(&tx, before, received, None, keep)?;
        tx.commit()?;
        Ok(applied)
    }
}

impl Catalog {
    /// Every operation made up to and including `until_ms` (milliseconds since the
    /// epoch), in stamp order, handed over in batches of at most `batch`.
    pub fn ops_until(
        &self,
        until_ms: u64,
        batch: usize,
        visit: &mut dyn FnMut(Vec<Op>) -> Result<()>,
    ) -> Result<()> {
        // Keys start with the wall time as 12 hex digits: every key of a later
        // millisecond sorts at or after this bound, every earlier one before it.
        let bound = format!("{:012x}", until_ms.saturating_add(1));
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM ops WHERE stamp < ?1 AND verdict IS NULL ORDER BY stamp")?;
        let mut rows = stmt.query([bound])?;
        let mut ops = Vec::with_capacity(batch);
        while let Some(row) = rows.next()? {
            ops.push(serde_json::from_str(&row.get::<_, String>(0)?)?);
            if ops.len() >= batch.max(1) {
                visit(std::mem::take(&mut ops))?;
            }
        }
        if !ops.is_empty() {
            visit(ops)?;
        }
        Ok(())
    }
}

impl Catalog {
    /// Whether an accepted `CollectionKeys` operation is in no segment `heads` covers
    /// (`None`: no checkpoint), or in none yet ([`crate::Library::keys_changed_since`]).
    pub fn keys_changed_since(&self, heads: Option<&Heads>) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT stamp, segment FROM ops WHERE kind = 'collection_keys' AND verdict IS NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let stamp = Stamp::parse(&row.get::<_, String>(0)?)?;
            let covered = match (row.get::<_, Option<i64>>(1)?, heads) {
                (Some(seq), Some(heads)) => heads
                    .get(&stamp.device)
                    .is_some_and(|h| u64::try_from(seq).is_ok_and(|s| s <= h.seq)),
                _ => false,
            };
            if !covered {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The accepted operations that made `doc`'s state ([`OpKind::is_record_state`]),
    /// those a move carried here included, in stamp order: what moving it carries
    /// ([`OpKind::RecordCarried`]).
    pub fn record_history(&self, doc: DocId) -> Result<Vec<Op>> {
        let kinds = RECORD_STATE_KINDS
            .iter()
            .chain(["record_carried"].iter())
            .map(|k| format!("'{k}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT body FROM ops WHERE verdict IS NULL AND kind IN ({kinds})
                 AND json_extract(body, '$.doc') = ?1"
        ))?;
        let mut history: BTreeMap<String, Op> = BTreeMap::new();
        let mut rows = stmt.query([doc.to_string()])?;
        while let Some(row) = rows.next()? {
            let op: Op = serde_json::from_str(&row.get::<_, String>(0)?)?;
            let ops = match op.kind {
                OpKind::RecordCarried { history, .. } => history,
                _ => vec![op],
            };
            for op in ops {
                if op.kind.doc() == Some(doc) && op.kind.is_record_state() {
                    history.insert(op.stamp.key(), op);
                }
            }
        }
        Ok(history.into_values().collect())
    }

    /// `device`'s segment `seq` as this catalog holds it: its operations in stamp order
    /// and its link (`None` when it does not hold that segment). Enough to write the
    /// segment again, the same, if the remote's copy is lost or damaged.
    pub fn segment(&self, device: DeviceId, seq: u64) -> Result<Option<Segment>> {
        let at = i64::try_from(seq).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare(
            "SELECT body FROM ops WHERE segment = ?1 AND stamp LIKE '%.' || ?2 ORDER BY stamp",
        )?;
        let ops = stmt
            .query_map(params![at, device.to_string()], |r| r.get::<_, String>(0))?
            .map(|body| Ok(serde_json::from_str(&body?)?))
            .collect::<Result<Vec<Op>>>()?;
        let withheld = self.withheld(device, seq)?;
        if ops.is_empty() && withheld.is_none() {
            return Ok(None);
        }
        Ok(Some(Segment {
            device,
            seq,
            ops,
            link: self.segment_link(device, seq)?,
            withheld,
        }))
    }

    /// The link `device`'s segment `seq` carried, as kept (`None`: not held, or written
    /// before links).
    pub(super) fn segment_link(&self, device: DeviceId, seq: u64) -> Result<Option<Link>> {
        let link: Option<String> = self
            .conn
            .query_row(
                "SELECT link FROM segment_links WHERE device = ?1 AND seq = ?2",
                params![device.to_string(), i64::try_from(seq).unwrap_or(i64::MAX)],
                |r| r.get(0),
            )
            .optional()?;
        Ok(link.map(|l| serde_json::from_str(&l)).transpose()?)
    }

    /// The parts of `device`'s segment `seq` this desktop could not open, if any.
    pub fn withheld(&self, device: DeviceId, seq: u64) -> Result<Option<Withheld>> {
        Ok(self
            .withheld_row(device, seq)?
            .filter(|w| !w.parts.is_empty()))
    }

    /// The row of `device`'s segment `seq` as kept, parts or none (what the store journal
    /// carries, so a rebuilt catalog keeps the segment's digest).
    pub(super) fn withheld_row(&self, device: DeviceId, seq: u64) -> Result<Option<Withheld>> {
        let at = i64::try_from(seq).unwrap_or(i64::MAX);
        self.conn
            .query_row(
                "SELECT digest, parts FROM withheld_parts WHERE device = ?1 AND seq = ?2",
                params![device.to_string(), at],
                |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .map(|(digest, parts)| withheld_of(device, seq, &digest, &parts))
            .transpose()
    }

    /// Every segment held with parts this desktop could not open: what a key given
    /// since may open ([`Catalog::take_opened_parts`]).
    pub fn withheld_segments(&self) -> Result<Vec<(DeviceId, u64, Withheld)>> {
        let mut stmt = self.conn.prepare(
            "SELECT device, seq, digest, parts FROM withheld_parts
             WHERE parts != '[]' ORDER BY device, seq",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .map(|row| {
                let (device, seq, digest, parts) = row?;
                let device: DeviceId = device.parse()?;
                let seq = seq as u64;
                Ok((device, seq, withheld_of(device, seq, &digest, &parts)?))
            })
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Record the operations of parts of a held segment opened since it was applied
    /// (`segment`: those operations, its link, and in `withheld` its digest and the
    /// parts still not opened). Returns how many operations were new.
    pub fn take_opened_parts(&mut self, segment: &Segment) -> Result<usize> {
        if segment.withheld.is_none() {
            return Err(Error::Integrity {
                object: object_name(segment.device, segment.seq),
                detail: "opened parts come without the digest of their segment",
            });
        }
        self.take_segment(segment)
    }

    /// The link of the next segment this device writes: the digest of its last one, and
    /// the last segment of every other device held here (its audit head depends on the
    /// segment's operations: `Catalog::audit_head_after`).
    pub fn next_link(&self) -> Result<Link> {
        let mut seen: std::collections::BTreeMap<DeviceId, u64> =
            self.segments()?.into_iter().collect();
        let last = seen.remove(&self.device).unwrap_or(0);
        let prev = if last == 0 {
            None
        } else {
            self.segment_digest(self.device, last)?
        };
        Ok(Link {
            prev,
            seen,
            audit: None,
        })
    }

    /// The link of every segment held, by device and sequence.
    pub(super) fn segment_links(&self) -> Result<HashMap<(DeviceId, u64), Link>> {
        let mut links = HashMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT device, seq, link FROM segment_links")?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (device, seq, link) = row?;
            links.insert((device.parse()?, seq as u64), serde_json::from_str(&link)?);
        }
        Ok(links)
    }

    /// Every segment this catalog holds, rebuilt from its operations: per device in
    /// order, each device's from 1 (what a checkpoint carries).
    pub fn held_segments(&self) -> Result<Vec<Segment>> {
        let mut stmt = self
            .conn
            .prepare("SELECT segment, body FROM ops WHERE segment IS NOT NULL ORDER BY stamp")?;
        let mut by: std::collections::BTreeMap<(DeviceId, u64), Vec<Op>> = Default::default();
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (seq, body) = row?;
            let op: Op = serde_json::from_str(&body)?;
            by.entry((op.stamp.device, seq as u64))
                .or_default()
                .push(op);
        }
        // A segment of which this desktop opened nothing is held all the same.
        let mut withheld: HashMap<(DeviceId, u64), Withheld> = HashMap::new();
        for (device, seq, w) in self.withheld_segments()? {
            by.entry((device, seq)).or_default();
            withheld.insert((device, seq), w);
        }
        let mut links = self.segment_links()?;
        Ok(by
            .into_iter()
            .map(|((device, seq), ops)| Segment {
                device,
                seq,
                ops,
                link: links.remove(&(device, seq)),
                withheld: withheld.remove(&(device, seq)),
            })
            .collect())
    }
}

/// Keep the parts of `device`'s segment `seq` not opened here, and its digest (all
/// opened: the row stays, with none, so a catalog rebuilt keeps the digest).
pub(super) fn note_withheld(
    tx: &rusqlite::Transaction<'_>,
    device: DeviceId,
    seq: u64,
    withheld: Option<&Withheld>,
) -> Result<()> {
    let Some(w) = withheld else {
        return Ok(());
    };
    let at = i64::try_from(seq).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT OR REPLACE INTO withheld_parts (device, seq, digest, parts)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            device.to_string(),
            at,
            w.digest.0.as_slice(),
            serde_json::to_string(&w.parts)?
        ],
    )?;
    Ok(())
}

fn withheld_of(device: DeviceId, seq: u64, digest: &[u8], parts: &str) -> Result<Withheld> {
    Ok(Withheld {
        digest: SegmentDigest::from_slice(digest).ok_or_else(|| Error::Integrity {
            object: object_name(device, seq),
            detail: "its digest as kept here is not 32 bytes",
        })?,
        parts: serde_json::from_str(parts)?,
    })
}

/// Keep `device`'s segment `seq`'s link, and raise the heads it names as seen.
pub(super) fn note_link(
    tx: &rusqlite::Transaction<'_>,
    device: DeviceId,
    seq: u64,
    link: &Link,
) -> Result<()> {
    let at = i64::try_from(seq).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT OR REPLACE INTO segment_links (device, seq, link) VALUES (?1, ?2, ?3)",
        params![device.to_string(), at, serde_json::to_string(link)?],
    )?;
    let mut raise = tx.prepare_cached(
        "INSERT INTO seen_heads (device, seq, named_by) VALUES (?1, ?2, ?3)
         ON CONFLICT (device) DO UPDATE SET
            named_by = iif(excluded.seq > seq, excluded.named_by, named_by),
            seq = max(seq, excluded.seq)",
    )?;
    let by = object_name(device, seq);
    for (other, head) in &link.seen {
        raise.execute(params![
            other.to_string(),
            i64::try_from(*head).unwrap_or(i64::MAX),
            by
        ])?;
    }
    Ok(())
}

impl Catalog {
    /// The newest checkpoint this desktop saw listed on the remote: (segments covered,
    /// writer).
    pub fn checkpoint_seen(&self) -> Result<Option<(u64, DeviceId)>> {
        let name = super::meta(&self.conn, "checkpoint_seen")?;
        Ok(name.and_then(|n| crate::format::checkpoint::parse_object_name(&n)))
    }

    /// The heads of a checkpoint read before, by its object name (the newest listed one,
    /// kept so they are read once).
    pub fn checkpoint_heads(&self, name: &str) -> Result<Option<crate::format::checkpoint::Heads>> {
        let Some(kept) = super::meta(&self.conn, "checkpoint_heads")? else {
            return Ok(None);
        };
        let (kept_name, heads): (String, crate::format::checkpoint::Heads) =
            serde_json::from_str(&kept)?;
        Ok((kept_name == name).then_some(heads))
    }

    /// Keep the heads of checkpoint `name` (replacing those of another).
    pub fn note_checkpoint_heads(
        &self,
        name: &str,
        heads: &crate::format::checkpoint::Heads,
    ) -> Result<()> {
        super::set_meta(
            &self.conn,
            "checkpoint_heads",
            &serde_json::to_string(&(name, heads))?,
        )
    }

    /// Remember `covered`/`device` as the newest checkpoint seen, unless one covering
    /// more was seen before.
    pub fn note_checkpoint_seen(&self, covered: u64, device: DeviceId) -> Result<()> {
        if self
            .checkpoint_seen()?
            .is_some_and(|(seen, _)| seen >= covered)
        {
            return Ok(());
        }
        super::set_meta(
            &self.conn,
            "checkpoint_seen",
            &crate::format::checkpoint::object_name(covered, device),
        )
    }
}
