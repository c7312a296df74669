//! Journal format 3: a segment in parts, each sealed under the key of the people who may
//! read it (issue 21, "a journal per scope"), so that department staff hold every segment
//! yet open only their collections' operations and the library's own.
//!
//! Layout (the object name is [`super::journal::object_name`]'s):
//!
//! ```text
//! "DOSJRNL3"                                   8-byte magic
//! epoch, u64 little-endian                     the journal's key of the header
//!                                              (u64::MAX: the library's own key)
//! header length, u32 little-endian
//! nonce(12) | AES-256-GCM(zstd(JSON header)) | tag(16)
//! part 1 | part 2 | ...                        each nonce | AES-256-GCM(zstd(JSON)) | tag,
//!                                              of the lengths the header gives
//! ```
//!
//! The header is `{"device", "seq", "link", "digest", "ops", "parts": [{"key", "len",
//! "hash"}]}`:
//! the library's own operations (people, keys, rules, views, types, the roster), the
//! segment's digest ([`Segment::digest`] of the whole segment, every part's operations
//! included) and, per part, the collection key ([`ContentKey`]) that seals it and the
//! BLAKE3 of its sealed bytes (checked by every desktop, those that cannot open it too,
//! before keeping it). A part is
//! `{"ops": [Op…]}`: the batches about records of that collection (a batch about two
//! collections, a move, is in both parts). The header's associated data is `"dossier
//! journal v3 " + device + " " + seq + " " + epoch` (`library` for the library's own key),
//! a part's `"dossier journal v3 part " + device + " " + seq + " " + digest` and the JSON
//! of its key, so a part cannot be moved to another segment or claimed by another key.
//!
//! **Invariant:** a desktop that opens every part checks the segment's digest against its
//! operations; one that cannot open a part keeps it as it came ([`Withheld`]) and takes
//! the header's digest, so the chain of its device's segments holds for everyone, and the
//! part opens later, once its key is given.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::collection_keys::ContentKey;
use super::journal::{Link, Segment, SegmentDigest, object_name};
use super::op::Op;
use super::sealed::{SealKind, Sealer, from_zjson, to_zjson};
use crate::error::{Error, Result};
use crate::ids::DeviceId;

pub const JOURNAL_MAGIC_3: &[u8; 8] = b"DOSJRNL3";
/// The epoch written for a header under the library's own key.
pub const LIBRARY_KEY: u64 = u64::MAX;
/// Magic, epoch and header length.
const PREFIX: usize = 20;
const LEVEL: i32 = 6;

/// The parts of a segment a desktop could not open, as they came, and the digest the
/// header gave (what the next segment of its device names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withheld {
    pub digest: SegmentDigest,
    pub parts: Vec<SealedPart>,
}

/// One part's key and sealed bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedPart {
    pub key: ContentKey,
    #[serde(with = "super::b64")]
    pub body: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    device: DeviceId,
    seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link: Option<Link>,
    digest: SegmentDigest,
    ops: Vec<Op>,
    parts: Vec<PartEntry>,
}

#[derive(Serialize, Deserialize)]
struct PartEntry {
    key: ContentKey,
    len: u64,
    /// BLAKE3 of the part's sealed bytes: a desktop that cannot open the part still
    /// knows it is the one its author wrote before keeping and passing it on.
    #[serde(with = "super::b64")]
    hash: Vec<u8>,
}

fn part_hash(body: &[u8]) -> Vec<u8> {
    blake3::hash(body).as_bytes().to_vec()
}

#[derive(Serialize, Deserialize)]
struct Part {
    ops: Vec<Op>,
}

pub(crate) fn header_aad(device: DeviceId, seq: u64, epoch: Option<u64>) -> Vec<u8> {
    match epoch {
        Some(e) => format!("dossier journal v3 {device} {seq} {e}"),
        None => format!("dossier journal v3 {device} {seq} library"),
    }
    .into_bytes()
}

fn part_aad(
    device: DeviceId,
    seq: u64,
    digest: &SegmentDigest,
    key: &ContentKey,
) -> Result<Vec<u8>> {
    let mut aad = format!(
        "dossier journal v3 part {device} {seq} {} ",
        data_encoding::HEXLOWER.encode(&digest.0)
    )
    .into_bytes();
    aad.extend_from_slice(&serde_json::to_vec(key)?);
    Ok(aad)
}

/// Which journal key a format-3 body's header needs: `None` for the library's own.
pub fn header_epoch(body: &[u8], object: &str) -> Result<Option<u64>> {
    let epoch = body
        .strip_prefix(JOURNAL_MAGIC_3.as_slice())
        .and_then(|rest| rest.get(..8))
        .ok_or_else(|| Error::Integrity {
            object: object.to_owned(),
            detail: "not an object of this kind (wrong magic or cut short)",
        })?;
    let epoch = u64::from_le_bytes(epoch.try_into().expect("eight bytes"));
    Ok((epoch != LIBRARY_KEY).then_some(epoch))
}

/// The keys a desktop holds for a part's key (none: the part is withheld).
pub type PartKeys<'a> = dyn FnMut(&ContentKey) -> Result<Vec<Arc<dyn Sealer>>> + 'a;

/// What to seal: the segment, and who reads which of its operations.
pub struct Plan<'a> {
    pub segment: &'a Segment,
    /// The header's key: the journal's epoch (`None`: the library's own) and its crypto.
    pub header: (Option<u64>, &'a dyn Sealer),
    /// The library's own operations, in order.
    pub library: Vec<Op>,
    /// Each part: its key, that key's crypto and its operations in order.
    pub parts: Vec<(ContentKey, Arc<dyn Sealer>, Vec<Op>)>,
}

/// Seal a segment in parts. Parts of `plan.segment.withheld` go as they came; the
/// digest is theirs, or the segment's own.
pub(crate) fn seal(plan: Plan<'_>) -> Result<Vec<u8>> {
    let Plan {
        segment,
        header: (epoch, crypto),
        library,
        parts,
    } = plan;
    let (device, seq) = (segment.device, segment.seq);
    let object = object_name(device, seq);
    let digest = segment.digest()?;
    let mut bodies = Vec::new();
    for (key, crypto, ops) in parts {
        let plain = to_zjson(&Part { ops }, LEVEL, &object)?;
        let body = crypto.seal(
            SealKind::Journal,
            &part_aad(device, seq, &digest, &key)?,
            &plain,
        );
        bodies.push(SealedPart { key, body });
    }
    if let Some(w) = &segment.withheld {
        bodies.extend(w.parts.iter().cloned());
    }
    let header = Header {
        device,
        seq,
        link: segment.link.clone(),
        digest,
        ops: library,
        parts: bodies
            .iter()
            .map(|p| PartEntry {
                key: p.key.clone(),
                len: p.body.len() as u64,
                hash: part_hash(&p.body),
            })
            .collect(),
    };
    let plain = to_zjson(&header, LEVEL, &object)?;
    let sealed = crypto.seal(SealKind::Journal, &header_aad(device, seq, epoch), &plain);
    let header_len = u32::try_from(sealed.len()).map_err(|_| Error::Integrity {
        object: object.clone(),
        detail: "its header is too large",
    })?;
    let mut out = Vec::with_capacity(PREFIX + sealed.len());
    out.extend_from_slice(JOURNAL_MAGIC_3);
    out.extend_from_slice(&epoch.unwrap_or(LIBRARY_KEY).to_le_bytes());
    out.extend_from_slice(&header_len.to_le_bytes());
    out.extend_from_slice(&sealed);
    for p in bodies {
        out.extend_from_slice(&p.body);
    }
    Ok(out)
}

/// The operations of one part of `device`'s segment `seq` (whose header gives `digest`),
/// opened with the first of `keys` (those of its key's epoch given to the person here;
/// of two owners' at once, or a forgery, the one that opens it).
pub(crate) fn open_part(
    keys: &[Arc<dyn Sealer>],
    device: DeviceId,
    seq: u64,
    digest: &SegmentDigest,
    part: &SealedPart,
    object: &str,
) -> Result<Vec<Op>> {
    let aad = part_aad(device, seq, digest, &part.key)?;
    let mut opened = Err(Error::Integrity {
        object: object.to_owned(),
        detail: "a part with no key to open it",
    });
    for key in keys {
        opened = key.open(SealKind::Journal, &aad, &part.body, object);
        if opened.is_ok() {
            break;
        }
    }
    let plain = opened?;
    let part: Part = from_zjson(
        &plain,
        super::MAX_SEGMENT_JSON,
        object,
        "not a journal segment",
    )?;
    Ok(part.ops)
}

/// Open a format-3 body of `device`'s segment `seq`: the header with `crypto` (the key
/// [`header_epoch`] names), each part with the keys `part_keys` gives for its key
/// (none: not given to the person here; the part is withheld). The segment holds the
/// operations of every part opened, in stamp order.
pub(crate) fn open(
    crypto: &dyn Sealer,
    device: DeviceId,
    seq: u64,
    body: &[u8],
    part_keys: &mut PartKeys<'_>,
) -> Result<Segment> {
    let object = object_name(device, seq);
    let damaged = |detail| Error::Integrity {
        object: object.clone(),
        detail,
    };
    let epoch = header_epoch(body, &object)?;
    let len = body
        .get(16..PREFIX)
        .map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")) as usize)
        .ok_or_else(|| damaged("cut short"))?;
    let sealed = body
        .get(PREFIX..PREFIX + len)
        .ok_or_else(|| damaged("cut short"))?;
    let plain = crypto.open(
        SealKind::Journal,
        &header_aad(device, seq, epoch),
        sealed,
        &object,
    )?;
    let header: Header = from_zjson(
        &plain,
        super::MAX_SEGMENT_JSON,
        &object,
        "not a journal segment",
    )?;
    if header.device != device || header.seq != seq {
        return Err(damaged("names another device or sequence than its object"));
    }
    let mut ops = header.ops;
    let mut withheld = Vec::new();
    let mut at = PREFIX + len;
    for entry in header.parts {
        let end = usize::try_from(entry.len)
            .ok()
            .and_then(|l| at.checked_add(l))
            .filter(|end| *end <= body.len())
            .ok_or_else(|| damaged("cut short"))?;
        let sealed = &body[at..end];
        at = end;
        if part_hash(sealed) != entry.hash {
            return Err(damaged("a part is not the one its header names"));
        }
        let part = SealedPart {
            key: entry.key,
            body: sealed.to_vec(),
        };
        let keys = part_keys(&part.key)?;
        if keys.is_empty() {
            withheld.push(part);
            continue;
        }
        ops.extend(open_part(
            &keys,
            device,
            seq,
            &header.digest,
            &part,
            &object,
        )?);
    }
    if at != body.len() {
        return Err(damaged("has bytes after its last part"));
    }
    ops.sort_by_key(|op| op.stamp.key());
    ops.dedup_by(|a, b| a.stamp == b.stamp);
    let mut segment = Segment {
        device,
        seq,
        ops,
        link: header.link,
        withheld: None,
    };
    if withheld.is_empty() {
        if segment.digest()? != header.digest {
            return Err(damaged("its operations are not those its digest names"));
        }
    } else {
        segment.withheld = Some(Withheld {
            digest: header.digest,
            parts: withheld,
        });
    }
    Ok(segment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::op::{OpKind, Stamp};
    use crate::ids::DocId;
    use crate::keys::{Crypto, MasterKey};

    fn key(collection: &str) -> ContentKey {
        ContentKey {
            collection: collection.into(),
            epoch: 1,
            object: None,
        }
    }

    fn op(device: DeviceId, counter: u32, title: &str) -> Op {
        Op {
            stamp: Stamp::parse(&format!("019a00000000.{counter:08x}.{device}")).unwrap(),
            kind: OpKind::DocumentCreated {
                doc: DocId::new(),
                title: title.into(),
            },
        }
    }

    struct Keys {
        journal: Crypto,
        science: Arc<dyn Sealer>,
        admissions: Arc<dyn Sealer>,
    }

    fn keys() -> Keys {
        Keys {
            journal: MasterKey::generate().crypto(),
            science: Arc::new(MasterKey::generate().crypto()),
            admissions: Arc::new(MasterKey::generate().crypto()),
        }
    }

    /// A segment of a library operation, a Science record and an Admissions one.
    fn sealed(k: &Keys, device: DeviceId, seq: u64) -> (Segment, Vec<u8>) {
        let ops = vec![
            op(device, 1, "a view"),
            op(device, 2, "lab report"),
            op(device, 3, "quimby letter"),
        ];
        let segment = Segment {
            device,
            seq,
            ops: ops.clone(),
            link: None,
            withheld: None,
        };
        let body = seal(Plan {
            segment: &segment,
            header: (Some(4), &k.journal),
            library: vec![ops[0].clone()],
            parts: vec![
                (key("Science"), Arc::clone(&k.science), vec![ops[1].clone()]),
                (
                    key("Admissions"),
                    Arc::clone(&k.admissions),
                    vec![ops[2].clone()],
                ),
            ],
        })
        .unwrap();
        (segment, body)
    }

    fn science_only(k: &Keys) -> impl FnMut(&ContentKey) -> Result<Vec<Arc<dyn Sealer>>> + '_ {
        move |key| {
            Ok(match key.collection.as_str() {
                "Science" => vec![Arc::clone(&k.science)],
                _ => Vec::new(),
            })
        }
    }

    #[test]
    fn each_part_opens_only_with_its_key_and_the_whole_is_checked_by_its_digest() {
        let k = keys();
        let d = DeviceId::new();
        let (segment, body) = sealed(&k, d, 5);
        assert!(!body.windows(6).any(|w| w == b"quimby"));
        assert_eq!(header_epoch(&body, "o").unwrap(), Some(4));
        // Every key: the whole segment, checked against its digest.
        let mut all = |key: &ContentKey| {
            Ok(vec![match key.collection.as_str() {
                "Science" => Arc::clone(&k.science),
                _ => Arc::clone(&k.admissions),
            }])
        };
        assert_eq!(open(&k.journal, d, 5, &body, &mut all).unwrap(), segment);
        // Science's key alone: the library's operation and Science's; Admissions' part
        // withheld as it came, with the segment's digest.
        let partial = open(&k.journal, d, 5, &body, &mut science_only(&k)).unwrap();
        assert_eq!(partial.ops, segment.ops[..2]);
        let w = partial.withheld.clone().unwrap();
        assert_eq!(w.digest, segment.digest().unwrap());
        assert_eq!(partial.digest().unwrap(), segment.digest().unwrap());
        assert_eq!(w.parts.len(), 1);
        assert_eq!(w.parts[0].key, key("Admissions"));
        // Opened later with its key: the operations that were missing.
        let later = open_part(
            &[Arc::clone(&k.admissions)],
            d,
            5,
            &w.digest,
            &w.parts[0],
            "o",
        );
        assert_eq!(later.unwrap(), segment.ops[2..]);
        // Sealed again from what the partial reader holds: the same segment for those
        // who read it all.
        let again = seal(Plan {
            segment: &partial,
            header: (Some(4), &k.journal),
            library: vec![partial.ops[0].clone()],
            parts: vec![(
                key("Science"),
                Arc::clone(&k.science),
                vec![partial.ops[1].clone()],
            )],
        })
        .unwrap();
        assert_eq!(open(&k.journal, d, 5, &again, &mut all).unwrap(), segment);
    }

    #[test]
    fn a_part_moved_changed_or_claimed_by_another_key_is_refused() {
        let k = keys();
        let d = DeviceId::new();
        let (_, body) = sealed(&k, d, 5);
        let (_, other) = sealed(&k, d, 6);
        let mut every =
            |_: &ContentKey| Ok(vec![Arc::clone(&k.science), Arc::clone(&k.admissions)]);
        // Under another name, or with a byte of a part changed: refused.
        assert!(matches!(
            open(&k.journal, d, 6, &body, &mut every),
            Err(Error::Integrity { .. })
        ));
        let mut flipped = body.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        // Also for a desktop that cannot open that part (Admissions', the last): it is
        // not the part the header names, so it is not kept and passed on.
        assert!(matches!(
            open(&k.journal, d, 5, &flipped, &mut science_only(&k)),
            Err(Error::Integrity {
                detail: "a part is not the one its header names",
                ..
            })
        ));
        assert!(matches!(
            open(&k.journal, d, 5, &flipped, &mut every),
            Err(Error::Integrity { .. })
        ));
        // Another segment's parts after this one's header: bound to the other digest.
        let header_end = PREFIX + u32::from_le_bytes(body[16..20].try_into().unwrap()) as usize;
        let other_end = PREFIX + u32::from_le_bytes(other[16..20].try_into().unwrap()) as usize;
        let mut swapped = body[..header_end].to_vec();
        swapped.extend_from_slice(&other[other_end..]);
        assert!(matches!(
            open(&k.journal, d, 5, &swapped, &mut every),
            Err(Error::Integrity { .. })
        ));
        // Cut short, or with bytes after the last part.
        for bad in [
            body[..body.len() - 1].to_vec(),
            [body.clone(), vec![0]].concat(),
        ] {
            assert!(matches!(
                open(&k.journal, d, 5, &bad, &mut every),
                Err(Error::Integrity { .. })
            ));
        }
        // A full reader finds operations that are not those the digest names: a part
        // sealed by a key holder with other operations than the header's digest covers.
        let forged_ops = vec![op(d, 9, "forged")];
        let segment = Segment {
            device: d,
            seq: 7,
            ops: vec![op(d, 1, "x")],
            link: None,
            withheld: None,
        };
        let forged = seal(Plan {
            segment: &segment,
            header: (None, &k.journal),
            library: Vec::new(),
            parts: vec![(key("Science"), Arc::clone(&k.science), forged_ops)],
        })
        .unwrap();
        assert_eq!(header_epoch(&forged, "o").unwrap(), None);
        match open(&k.journal, d, 7, &forged, &mut every) {
            Err(Error::Integrity { detail, .. }) => {
                assert_eq!(detail, "its operations are not those its digest names")
            }
            other => panic!("{other:?}"),
        }
    }
}
