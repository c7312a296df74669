//! Checkpoints: many journal segments in one remote object, so a new desktop downloads
//! one object instead of every segment ever written. Written once, never changed; a
//! newer checkpoint covers more segments, and the segments a checkpoint covers may be
//! deleted from the remote once a newer one exists (compaction): a checkpoint is the
//! only thing that accounts for history no longer listed.
//!
//! Layout (format 2, sealed under the library's own key; format 3, under an epoch of the
//! journal's own key, as [`super::journal`]'s format 2):
//!
//! ```text
//! checkpoints/<segments covered, 12 digits>-<device id>   object name on the remote
//! "DOSCKPT2"                                              8-byte magic (format 2)
//! "DOSCKPT3" | epoch, u64 little-endian                   (format 3)
//! header length, u32 little-endian
//! nonce(12) | AES-256-GCM(JSON header) | tag(16)          what it covers
//! nonce(12) | AES-256-GCM(zstd(JSON checkpoint)) | tag(16)
//! ```
//!
//! The header is `{"device", "covered", "heads": {device: {"seq", "digest"}}}`: the last
//! segment of each device it holds and that segment's digest, readable with a range read
//! of the object's start. The JSON checkpoint is `{"device", "covered", "segments":
//! [Segment…]}`: every segment of every device its writer held, each device's from 1
//! without a gap; its last segments must be the header's heads. The associated data is
//! `"dossier checkpoint header v2 " + device + " " + covered` for the header and
//! `"dossier checkpoint v2 " + device + " " + covered` for the body (format 3: `v3`, and
//! `" " + epoch` after `covered`). Format 1 (magic `DOSCKPT1`, no header, `"dossier
//! checkpoint v1 …"`) is still read; its heads come from its segments.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::journal::{Segment, SegmentDigest};
use super::sealed::{SealKind, Sealer, from_zjson, to_zjson};
use crate::error::{Error, Result};
use crate::ids::DeviceId;

pub const CHECKPOINT_MAGIC: &[u8; 8] = b"DOSCKPT2";
/// Format 1's magic: no header.
pub const CHECKPOINT_MAGIC_1: &[u8; 8] = b"DOSCKPT1";
/// Format 3's magic: sealed under an epoch of the journal's own key.
pub const CHECKPOINT_MAGIC_3: &[u8; 8] = b"DOSCKPT3";
/// The format this build writes under the library's own key (format 3 under an epoch).
pub const CHECKPOINT_FORMAT: u32 = 2;
/// How many bytes of a checkpoint's start give its format, key and header length (a
/// format-2 checkpoint's header starts within them: it is always longer).
pub const PREFIX_LEN: usize = 20;
/// The longest header read (heads of tens of thousands of devices).
pub const MAX_HEADER: u32 = 16 * 1024 * 1024;

/// The last segment a checkpoint holds of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: u64,
    pub digest: SegmentDigest,
}

/// What a checkpoint covers: per device, its last segment.
pub type Heads = BTreeMap<crate::ids::DeviceId, Head>;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    device: DeviceId,
    covered: u64,
    heads: Heads,
}

/// The heads of `segments` (each device's in order): its last segment and digest.
pub fn heads_of(segments: &[Segment]) -> Result<Heads> {
    let mut heads = Heads::new();
    for s in segments {
        raise(&mut heads, s.device, s.seq, s.digest()?);
    }
    Ok(heads)
}

fn raise(heads: &mut Heads, device: DeviceId, seq: u64, digest: SegmentDigest) {
    if heads.get(&device).is_none_or(|h| h.seq < seq) {
        heads.insert(device, Head { seq, digest });
    }
}
const LEVEL: i32 = 6;

/// The segments a checkpoint carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The desktop that wrote it.
    pub device: DeviceId,
    /// How many segments it holds (all devices together).
    pub covered: u64,
    pub segments: Vec<Segment>,
    /// Segments with parts sealed under collections' keys ([`super::sections`]), as
    /// their sealed objects: a checkpoint opens for every member, and each part of them
    /// only for its readers (since December 2026; absent before).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sealed: Vec<SealedSegment>,
}

/// A segment as its sealed object, with the digest its header gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealedSegment {
    pub device: DeviceId,
    pub seq: u64,
    pub digest: SegmentDigest,
    #[serde(with = "super::b64")]
    pub body: Vec<u8>,
}

impl Checkpoint {
    /// Per device, the last segment it holds and that segment's digest.
    pub fn heads(&self) -> Result<Heads> {
        let mut heads = heads_of(&self.segments)?;
        for s in &self.sealed {
            raise(&mut heads, s.device, s.seq, s.digest);
        }
        Ok(heads)
    }
}

pub fn object_name(covered: u64, device: DeviceId) -> String {
    format!("checkpoints/{covered:012}-{device}")
}

/// `(covered, device)` from an object name, `None` for anything else.
pub fn parse_object_name(name: &str) -> Option<(u64, DeviceId)> {
    let (covered, device) = name.strip_prefix("checkpoints/")?.split_once('-')?;
    if covered.len() != 12 || !covered.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((covered.parse().ok()?, device.parse().ok()?))
}

pub(crate) fn aad(covered: u64, device: DeviceId, epoch: Option<u64>) -> Vec<u8> {
    match epoch {
        None => format!("dossier checkpoint v2 {device} {covered}"),
        Some(e) => format!("dossier checkpoint v3 {device} {covered} {e}"),
    }
    .into_bytes()
}

pub(crate) fn aad_1(covered: u64, device: DeviceId) -> Vec<u8> {
    format!("dossier checkpoint v1 {device} {covered}").into_bytes()
}

pub(crate) fn header_aad(covered: u64, device: DeviceId, epoch: Option<u64>) -> Vec<u8> {
    match epoch {
        None => format!("dossier checkpoint header v2 {device} {covered}"),
        Some(e) => format!("dossier checkpoint header v3 {device} {covered} {e}"),
    }
    .into_bytes()
}

/// Which key sealed a checkpoint, from its first [`PREFIX_LEN`] bytes: `None` for the
/// library's own (formats 1 and 2), the epoch of the journal's own key for format 3.
pub fn sealed_epoch(covered: u64, device: DeviceId, prefix: &[u8]) -> Result<Option<u64>> {
    if prefix.starts_with(CHECKPOINT_MAGIC_1) {
        return Ok(None);
    }
    super::sealed::epoch_of(
        prefix,
        CHECKPOINT_MAGIC,
        CHECKPOINT_MAGIC_3,
        &object_name(covered, device),
    )
}

/// Seal a checkpoint under the library's own key (`epoch` `None`, format 2) or the
/// journal's key of `epoch` (format 3): `crypto` is that key's.
pub(crate) fn seal(
    crypto: &dyn Sealer,
    epoch: Option<u64>,
    checkpoint: &Checkpoint,
) -> Result<Vec<u8>> {
    let name = object_name(checkpoint.covered, checkpoint.device);
    let header = serde_json::to_vec(&Header {
        device: checkpoint.device,
        covered: checkpoint.covered,
        heads: checkpoint.heads()?,
    })?;
    let header = crypto.seal(
        SealKind::Journal,
        &header_aad(checkpoint.covered, checkpoint.device, epoch),
        &header,
    );
    let plain = to_zjson(checkpoint, LEVEL, &name)?;
    let sealed = crypto.seal(
        SealKind::Journal,
        &aad(checkpoint.covered, checkpoint.device, epoch),
        &plain,
    );
    let len = u32::try_from(header.len())
        .ok()
        .filter(|l| *l <= MAX_HEADER)
        .ok_or(Error::TooLarge {
            what: "a checkpoint's header",
            limit: u64::from(MAX_HEADER),
        })?;
    let mut out = Vec::with_capacity(PREFIX_LEN + header.len() + sealed.len());
    match epoch {
        None => out.extend_from_slice(CHECKPOINT_MAGIC),
        Some(e) => {
            out.extend_from_slice(CHECKPOINT_MAGIC_3);
            out.extend_from_slice(&e.to_le_bytes());
        }
    }
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// How many bytes from the start of a checkpoint hold its header, from its first
/// [`PREFIX_LEN`] bytes: `None` for format 1 (no header; its heads come from the whole
/// object), an error for anything that is no checkpoint.
pub fn header_end(covered: u64, device: DeviceId, prefix: &[u8]) -> Result<Option<usize>> {
    Ok(header_at(covered, device, prefix)?.map(|(start, len)| start + len))
}

/// Where a format-2 or -3 checkpoint's sealed header starts, and its length.
fn header_at(covered: u64, device: DeviceId, prefix: &[u8]) -> Result<Option<(usize, usize)>> {
    let damaged = |detail| Error::Integrity {
        object: object_name(covered, device),
        detail,
    };
    if prefix.starts_with(CHECKPOINT_MAGIC_1) {
        return Ok(None);
    }
    let start = match sealed_epoch(covered, device, prefix)? {
        None => CHECKPOINT_MAGIC.len() + 4,
        Some(_) => PREFIX_LEN,
    };
    let Some(len) = prefix.get(start - 4..start) else {
        return Err(damaged("cut short before its header"));
    };
    let len = u32::from_le_bytes(len.try_into().expect("four bytes"));
    if len > MAX_HEADER {
        return Err(damaged("its header is longer than any checkpoint's"));
    }
    Ok(Some((start, len as usize)))
}

/// A format-2 checkpoint's heads from the start of its object (at least up to
/// [`header_end`]): authenticated, bound to its name.
pub(crate) fn open_heads(
    crypto: &dyn Sealer,
    covered: u64,
    device: DeviceId,
    start: &[u8],
) -> Result<Heads> {
    let object = object_name(covered, device);
    let (at, len) = header_at(covered, device, start)?.ok_or_else(|| Error::Integrity {
        object: object.clone(),
        detail: "a format-1 checkpoint has no header",
    })?;
    let sealed = start.get(at..at + len).ok_or_else(|| Error::Integrity {
        object: object.clone(),
        detail: "cut short inside its header",
    })?;
    let epoch = sealed_epoch(covered, device, start)?;
    let json = crypto.open(
        SealKind::Journal,
        &header_aad(covered, device, epoch),
        sealed,
        &object,
    )?;
    let h: Header = serde_json::from_slice(&json).map_err(|_| Error::Integrity {
        object: object.clone(),
        detail: "not a checkpoint header",
    })?;
    if h.device != device || h.covered != covered {
        return Err(Error::Integrity {
            object,
            detail: "its header names another checkpoint",
        });
    }
    Ok(h.heads)
}

/// Open a checkpoint's object body (either format): authenticated, bound to its name,
/// holding what its name and header say.
pub(crate) fn open(
    crypto: &dyn Sealer,
    covered: u64,
    device: DeviceId,
    body: &[u8],
) -> Result<Checkpoint> {
    let object = object_name(covered, device);
    let damaged = |detail| Error::Integrity {
        object: object.clone(),
        detail,
    };
    let (sealed, aad, heads) = match header_end(covered, device, body)? {
        None => (
            &body[CHECKPOINT_MAGIC_1.len()..],
            aad_1(covered, device),
            None,
        ),
        Some(end) => {
            let heads = open_heads(crypto, covered, device, body)?;
            let epoch = sealed_epoch(covered, device, body)?;
            (&body[end..], aad(covered, device, epoch), Some(heads))
        }
    };
    let plain = crypto.open(SealKind::Journal, &aad, sealed, &object)?;
    let c: Checkpoint = from_zjson(
        &plain,
        super::MAX_CHECKPOINT_JSON,
        &object,
        "not a checkpoint",
    )?;
    if c.device != device
        || c.covered != covered
        || (c.segments.len() + c.sealed.len()) as u64 != covered
    {
        return Err(damaged("holds other segments than its name says"));
    }
    if heads.is_some_and(|h| c.heads().ok() != Some(h)) {
        return Err(damaged("holds other segments than its header says"));
    }
    if c.segments
        .iter()
        .any(|s| s.ops.iter().any(|op| op.stamp.device != s.device))
    {
        return Err(damaged("a segment holds another device's operation"));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::journal::Link;
    use crate::format::op::{Op, OpKind, Stamp};
    use crate::ids::DocId;

    fn checkpoint(device: DeviceId) -> Checkpoint {
        let other = DeviceId::new();
        let seg = |d: DeviceId, seq: u64, prev| Segment {
            device: d,
            seq,
            ops: vec![Op {
                stamp: Stamp::parse(&format!("019a0000000{seq}.00000001.{d}")).unwrap(),
                kind: OpKind::DocumentCreated {
                    doc: DocId::new(),
                    title: "Transcript of Ada".into(),
                },
            }],
            link: Some(Link {
                prev,
                seen: Default::default(),
                audit: None,
            }),
            withheld: None,
        };
        let first = seg(device, 1, None);
        let second = seg(device, 2, Some(first.digest().unwrap()));
        let segments = vec![first, second, seg(other, 1, None)];
        Checkpoint {
            device,
            covered: segments.len() as u64,
            segments,
            sealed: Vec::new(),
        }
    }

    #[test]
    fn the_header_says_what_the_checkpoint_covers_and_cannot_be_swapped() {
        let crypto = crate::keys::MasterKey::generate().crypto();
        let d = DeviceId::new();
        let c = checkpoint(d);
        let body = seal(&crypto, None, &c).unwrap();
        assert!(!body.windows(7).any(|w| w == b"of Ada"));
        assert_eq!(open(&crypto, 3, d, &body).unwrap(), c);
        // The heads come from the start of the object alone.
        let end = header_end(3, d, &body[..PREFIX_LEN]).unwrap().unwrap();
        let heads = open_heads(&crypto, 3, d, &body[..end]).unwrap();
        assert_eq!(heads, heads_of(&c.segments).unwrap());
        assert_eq!(heads[&d].seq, 2);
        assert_eq!(heads[&d].digest, c.segments[1].digest().unwrap());
        // Cut inside the header, renamed, another key: refused.
        assert!(matches!(
            open_heads(&crypto, 3, d, &body[..end - 1]),
            Err(Error::Integrity { .. })
        ));
        assert!(matches!(
            open(&crypto, 4, d, &body),
            Err(Error::Integrity { .. })
        ));
        let other = crate::keys::MasterKey::generate().crypto();
        assert!(matches!(
            open_heads(&other, 3, d, &body),
            Err(Error::Integrity { .. })
        ));
        // The header of another checkpoint of the same name, in front of this body
        // (a key holder's, or a swap on the remote), does not pass.
        let mut fewer = c.clone();
        fewer.segments.truncate(1);
        fewer.segments.push(c.segments[2].clone());
        fewer.covered = 2;
        let mut fewer = seal(
            &crypto,
            None,
            &Checkpoint {
                covered: 3,
                ..fewer
            },
        )
        .unwrap();
        let fewer_end = header_end(3, d, &fewer).unwrap().unwrap();
        fewer.truncate(fewer_end);
        fewer.extend_from_slice(&body[end..]);
        assert!(matches!(
            open(&crypto, 3, d, &fewer),
            Err(Error::Integrity { .. })
        ));
        // Junk and an overlong header length.
        assert!(header_end(3, d, b"DOSPACK1xxxx").is_err());
        let mut long = CHECKPOINT_MAGIC.to_vec();
        long.extend_from_slice(&(MAX_HEADER + 1).to_le_bytes());
        assert!(header_end(3, d, &long).is_err());
    }

    #[test]
    fn a_checkpoint_under_an_epoch_of_the_journals_key_names_it_and_is_bound_to_it() {
        let epoch_key = crate::keys::MasterKey::generate().crypto();
        let library_key = crate::keys::MasterKey::generate().crypto();
        let d = DeviceId::new();
        let c = checkpoint(d);
        let body = seal(&epoch_key, Some(2), &c).unwrap();
        assert!(body.starts_with(CHECKPOINT_MAGIC_3));
        assert_eq!(sealed_epoch(3, d, &body[..PREFIX_LEN]).unwrap(), Some(2));
        assert!(!body.windows(7).any(|w| w == b"of Ada"));
        assert_eq!(open(&epoch_key, 3, d, &body).unwrap(), c);
        let end = header_end(3, d, &body[..PREFIX_LEN]).unwrap().unwrap();
        assert_eq!(
            open_heads(&epoch_key, 3, d, &body[..end]).unwrap(),
            heads_of(&c.segments).unwrap()
        );
        // The library's own key, or the header naming another epoch: refused.
        let mut other_epoch = body.clone();
        other_epoch[8..16].copy_from_slice(&1u64.to_le_bytes());
        for (crypto, b) in [(&library_key, &body), (&epoch_key, &other_epoch)] {
            assert!(matches!(
                open_heads(crypto, 3, d, b),
                Err(Error::Integrity { .. })
            ));
            assert!(matches!(
                open(crypto, 3, d, b),
                Err(Error::Integrity { .. })
            ));
        }
        // A format-2 checkpoint still says where its header ends from the same prefix.
        let two = seal(&library_key, None, &c).unwrap();
        assert_eq!(sealed_epoch(3, d, &two[..PREFIX_LEN]).unwrap(), None);
        let end = header_end(3, d, &two[..PREFIX_LEN]).unwrap().unwrap();
        assert!(open_heads(&library_key, 3, d, &two[..end]).is_ok());
    }
}
