//! Journal segments sealed in parts (issue 21, format in [`crate::format::sections`]):
//! each batch about records of a collection with keys of its own travels in a part
//! sealed under that collection's newest key, so that a desktop opens only what its person
//! may read; everything else is in the header, under the journal's key. A part this
//! desktop cannot open is kept as it came and opened once its key is given
//! ([`Library::open_withheld`]).
//!
//! **Invariant:** an operation about a record of a keyed collection never travels under a
//! key its readers do not hold alone: not the journal's, not another collection's.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::Library;
use crate::error::{Error, Result};
use crate::format::batch::spans;
use crate::format::collection_keys::ContentKey;
use crate::format::journal::{self, Segment};
use crate::format::op::{Op, OpKind};
use crate::format::sealed::Sealer;
use crate::format::sections::{self, JOURNAL_MAGIC_3, Plan, Withheld};
use crate::format::subject::ALL_COLLECTION;
use crate::ids::{DeviceId, DocId};
use crate::keys::Crypto;
use crate::members::{doc_of, open_sealed_to};

/// A segment's operations by who reads them: the library's own, then per collection key.
type Split = (Vec<Op>, Vec<(ContentKey, Arc<Crypto>, Vec<Op>)>);

/// Where a batch about a collection's records goes.
enum PartSealing {
    /// A part under this key.
    Part(ContentKey, Arc<Crypto>),
    /// The header: the collection is sealed under the library's own key.
    Header,
    /// The collection has keys, none given to the person here.
    NotHeld,
}

impl Library {
    /// Seal a segment into the body of its remote object, under the journal's newest key
    /// (`Library::journal_sealing`), its batches about records of keyed collections in
    /// parts under those collections' newest keys: [`crate::Error::JournalKeyOutdated`]
    /// while the journal's key was given to someone who has left (the segment waits).
    pub fn seal_segment(&self, segment: &Segment) -> Result<Vec<u8>> {
        let (epoch, crypto) = self.journal_sealing()?;
        match self.seal_in_parts(segment, epoch, &*crypto)? {
            Some(body) => Ok(body),
            None => journal::seal(&*crypto, epoch, segment),
        }
    }

    /// `segment` sealed in parts (format 3, its header under the journal's key of
    /// `epoch`, `crypto`), when it has any: parts withheld here, or batches about records
    /// of keyed collections; `None` when every operation is the library's own.
    pub(super) fn seal_in_parts(
        &self,
        segment: &Segment,
        epoch: Option<u64>,
        crypto: &dyn Sealer,
    ) -> Result<Option<Vec<u8>>> {
        let (library, parts) = self.split(segment)?;
        if parts.is_empty() && segment.withheld.is_none() {
            return Ok(None);
        }
        sections::seal(Plan {
            segment,
            header: (epoch, crypto),
            library,
            parts: parts
                .into_iter()
                .map(|(key, crypto, ops)| (key, crypto as Arc<dyn Sealer>, ops))
                .collect(),
        })
        .map(Some)
    }

    /// Open the body of `device`'s segment `seq`: [`crate::Error::Integrity`] when it is
    /// damaged, tampered with, sealed with another library's key or under another name;
    /// [`crate::Error::JournalKeyUnavailable`] when it is sealed under a key of the journal
    /// not given to the person signed in; [`crate::Error::JournalUnderLibraryKey`] when
    /// it is under the library's own key and this desktop holds the members' key in its
    /// place. Parts sealed under a collection's key not
    /// given to that person are withheld ([`Segment::withheld`]).
    pub fn open_segment(&self, device: DeviceId, seq: u64, body: &[u8]) -> Result<Segment> {
        let name = journal::object_name(device, seq);
        let epoch = journal::sealed_epoch(body, &name)?;
        if epoch.is_none() && self.key.library().is_none() {
            return Err(Error::JournalUnderLibraryKey { object: name });
        }
        if !body.starts_with(JOURNAL_MAGIC_3) {
            return self.open_journal(epoch, &name, |crypto| {
                journal::open(crypto, device, seq, body)
            });
        }
        self.open_journal(epoch, &name, |crypto| {
            sections::open(crypto, device, seq, body, &mut |key| self.part_keys(key))
        })
    }

    /// Open what keys given since let this desktop open of the parts it holds withheld,
    /// and apply their operations. Returns how many operations were new.
    pub fn open_withheld(&mut self) -> Result<usize> {
        self.forget_unavailable_keys();
        let held = self.catalog.withheld_segments()?;
        let mut applied = 0;
        for (device, seq, withheld) in held {
            // A part its key does not open stays withheld (damaged, or sealed by someone
            // with other keys): the others still open.
            match self.take_parts(device, seq, &withheld) {
                Ok(n) => applied += n,
                Err(Error::Integrity { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(applied)
    }

    /// Open and apply the parts of one held segment that open now (keys applied since
    /// the segment was opened, as when a checkpoint's segments are opened all at once).
    pub(super) fn take_parts(
        &mut self,
        device: DeviceId,
        seq: u64,
        withheld: &Withheld,
    ) -> Result<usize> {
        let Some(opened) = self.open_parts(device, seq, withheld)? else {
            return Ok(0);
        };
        let applied = self.writer()?.take_opened_parts(&opened)?;
        self.flush_store_journal()?;
        Ok(applied)
    }

    /// The operations of the parts of `withheld` that open now, as a segment holding
    /// only them and the parts still withheld; `None` when none opens.
    fn open_parts(
        &self,
        device: DeviceId,
        seq: u64,
        withheld: &Withheld,
    ) -> Result<Option<Segment>> {
        let object = journal::object_name(device, seq);
        let mut ops = Vec::new();
        let mut still = Vec::new();
        for part in &withheld.parts {
            let keys = self.part_keys(&part.key)?;
            if keys.is_empty() {
                still.push(part.clone());
                continue;
            }
            ops.extend(sections::open_part(
                &keys,
                device,
                seq,
                &withheld.digest,
                part,
                &object,
            )?);
        }
        if still.len() == withheld.parts.len() {
            return Ok(None);
        }
        ops.sort_by_key(|op| op.stamp.key());
        ops.dedup_by(|a, b| a.stamp == b.stamp);
        let link = self.catalog.segment(device, seq)?.and_then(|s| s.link);
        Ok(Some(Segment {
            device,
            seq,
            ops,
            link,
            withheld: Some(Withheld {
                digest: withheld.digest,
                parts: still,
            }),
        }))
    }

    /// The key a part about records of `collection` is sealed under: its newest
    /// ([`Library::sealing_for`]); when that is not given to the person here, the
    /// newest they hold (for a batch they made before learning their access narrowed:
    /// its content is under it too); [`PartSealing::Header`] for a collection sealed
    /// under the library's own key.
    fn part_sealing(&self, collection: &str) -> Result<PartSealing> {
        let target = match self.sealing_for(Some(collection)) {
            Ok((Some(key), crypto)) => return Ok(PartSealing::Part(key, crypto)),
            Ok((None, _)) => return Ok(PartSealing::Header),
            Err(Error::CollectionKeyUnavailable { collection }) => collection,
            Err(e) => return Err(e),
        };
        let held = self
            .collection_access()?
            .into_iter()
            .find(|a| a.collection == target)
            .and_then(|a| a.readable.into_iter().max());
        let Some(epoch) = held else {
            return Ok(PartSealing::NotHeld);
        };
        let key = ContentKey {
            collection: target,
            epoch,
            object: None,
        };
        let crypto = self.crypto_for(Some(&key))?;
        Ok(PartSealing::Part(key, crypto))
    }

    /// The keys that may open a part: its epoch's, as content is opened
    /// ([`Library::crypto_for`]); failing that, any key of that epoch sealed to the
    /// person signed in among the epochs held or read from the remote (a desktop whose
    /// journal has not yet brought the operations carrying them). None: withheld.
    fn part_keys(&self, key: &ContentKey) -> Result<Vec<Arc<dyn Sealer>>> {
        if self.lock_unavailable().contains(key) {
            return Ok(Vec::new());
        }
        match self.crypto_for(Some(key)) {
            Ok(crypto) => return Ok(vec![crypto as Arc<dyn Sealer>]),
            Err(Error::CollectionKeyUnavailable { .. }) => {}
            Err(e) => return Err(e),
        }
        let found = match self.person.as_ref() {
            Some(me) => {
                let mut objects = self.catalog().collection_keys()?;
                objects.extend(self.fetched_epoch_objects());
                open_sealed_to(self.library_id(), me, &key.collection, &objects)
                    .remove(&key.epoch)
                    .unwrap_or_default()
            }
            None => Vec::new(),
        };
        if found.is_empty() {
            self.lock_unavailable().insert(key.clone());
        }
        Ok(found
            .into_iter()
            .map(|k| Arc::new(k.crypto()) as Arc<dyn Sealer>)
            .collect())
    }

    fn lock_unavailable(&self) -> std::sync::MutexGuard<'_, HashSet<ContentKey>> {
        self.unavailable_keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Try every key again: keys or people changed.
    pub(super) fn forget_unavailable_keys(&self) {
        self.lock_unavailable().clear();
    }

    /// `segment`'s operations by who reads them ([`units`]): each unit about records goes
    /// to the part of the newest key of each collection it is about; one about a
    /// collection sealed under the library's own key (no keys of its own, nor "all"), or
    /// about no record, to the library's own.
    fn split(&self, segment: &Segment) -> Result<Split> {
        let mut library = Vec::new();
        let mut parts: Vec<(ContentKey, Arc<Crypto>, Vec<Op>)> = Vec::new();
        let mut keys: HashMap<String, PartSealing> = HashMap::new();
        let own = segment.device == self.device_id();
        let carried = |collection: &str| {
            segment
                .withheld
                .as_ref()
                .is_some_and(|w| w.parts.iter().any(|p| p.key.collection == collection))
        };
        let docs: Vec<DocId> = segment
            .ops
            .iter()
            .filter_map(|op| doc_of(&op.kind))
            .collect();
        let now: HashMap<DocId, String> = self
            .catalog()
            .collections_of(&docs)?
            .into_iter()
            .map(|(doc, c)| (doc, c.unwrap_or_else(|| ALL_COLLECTION.to_owned())))
            .collect();
        for (unit, scope) in units(&segment.ops, &now) {
            let mut sealing = Vec::new();
            let mut header = scope.is_empty();
            for collection in &scope {
                if !keys.contains_key(collection) {
                    keys.insert(collection.clone(), self.part_sealing(collection)?);
                }
                match &keys[collection] {
                    PartSealing::Part(key, crypto) => {
                        sealing.push((key.clone(), Arc::clone(crypto)))
                    }
                    // Under the library's key anyway: the header is as private as it.
                    PartSealing::Header => header = true,
                    // Its author's own batch, made before they learned the key is not
                    // theirs: its content is under the library's key too.
                    PartSealing::NotHeld if own => header = true,
                    // Another desktop's batch travels in that collection's part, which
                    // this desktop keeps as it came; never in the header.
                    PartSealing::NotHeld if carried(collection) => {}
                    PartSealing::NotHeld => {
                        return Err(Error::CollectionKeyUnavailable {
                            collection: collection.clone(),
                        });
                    }
                }
            }
            if header {
                library.extend_from_slice(unit);
                continue;
            }
            for (key, crypto) in sealing {
                match parts.iter_mut().find(|(k, _, _)| *k == key) {
                    Some((_, _, ops)) => ops.extend_from_slice(unit),
                    None => parts.push((key, crypto, unit.to_vec())),
                }
            }
        }
        Ok((library, parts))
    }
}

/// `ops` in the units that travel whole, each with the collections it is about (none:
/// the library's own): a signed batch with the scope it names, or, naming none (made by a
/// build before batches named it), the collections its records are in now (`now`, by
/// record; "all" for one not held); each operation outside a signed batch (made before
/// the library had people) alone, with its record's collection now. So records filed
/// before "all" or their collection had keys leave the header when a segment is sealed
/// again (in a checkpoint).
fn units<'a>(ops: &'a [Op], now: &HashMap<DocId, String>) -> Vec<(&'a [Op], Vec<String>)> {
    let about = |unit: &[Op]| -> Vec<String> {
        let mut names: Vec<String> = unit
            .iter()
            .filter_map(|op| doc_of(&op.kind))
            .map(|doc| {
                now.get(&doc)
                    .map_or(ALL_COLLECTION, String::as_str)
                    .to_owned()
            })
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let mut out = Vec::new();
    let mut next = 0;
    let (batches, _) = spans(ops);
    for span in batches {
        out.extend(ops[next..span.start].chunks(1).map(|op| (op, about(op))));
        next = span.end + 1;
        let batch = &ops[span.start..next];
        let scope = match &ops[span.end].kind {
            OpKind::Signed { scope, .. } if !scope.is_empty() => scope.clone(),
            OpKind::Signed { .. } => about(batch),
            _ => {
                out.extend(batch.chunks(1).map(|op| (op, about(op))));
                continue;
            }
        };
        out.push((batch, scope));
    }
    out.extend(ops[next..].chunks(1).map(|op| (op, about(op))));
    out
}
