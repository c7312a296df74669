//! Journal segments: a device's catalog operations, in batches, as sync uploads them.
//! Each segment is written once by one device and never changed.
//!
//! Layout (format 1, sealed under the library's own key; format 2, under an epoch of
//! the journal's own key, which a library's owner gives anew when someone leaves):
//!
//! ```text
//! journal/<device id>/<sequence, 12 digits>    object name on the remote
//! "DOSJRNL1"                                   8-byte magic (format 1)
//! "DOSJRNL2" | epoch, u64 little-endian        (format 2)
//! nonce(12) | AES-256-GCM(zstd(JSON segment)) | tag(16)
//! ```
//!
//! The JSON segment is `{"device", "seq", "ops": [Op…], "link"}` (operations as in
//! [`super::op`]). The associated data is `"dossier journal v1 " + device + " " + seq`
//! (format 2: `"dossier journal v2 " + device + " " + seq + " " + epoch`), so a segment
//! renamed to another device or sequence, or to another epoch, does not open, and the
//! decoded segment must name the same device and sequence. [`sealed_epoch`] says which
//! key a body needs before it is opened.
//!
//! `link` (since December 2026; absent from older segments, which builds before it
//! ignore) places the segment in history: the digest of its device's previous segment
//! (a hash chain per device) and the newest segment of every other device its author
//! held, so a desktop learns of segments the remote hides as soon as it receives
//! anything written after them. A segment's digest is BLAKE3 (`derive_key` context
//! [`DIGEST_CONTEXT`]) of its JSON as this module writes it, link included: a segment
//! rebuilt from the same operations and link has the same digest.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::op::{Op, OpKind};
use super::sealed::{Codec, SealKind, Sealer, from_zjson, to_zjson};
use crate::error::{Error, Result};
use crate::ids::{DeviceId, PackId};

pub const JOURNAL_MAGIC: &[u8; 8] = b"DOSJRNL1";
/// Format 2's magic: sealed under an epoch of the journal's own key.
pub const JOURNAL_MAGIC_2: &[u8; 8] = b"DOSJRNL2";
/// How many bytes of a body say which key sealed it ([`sealed_epoch`]).
pub const EPOCH_PREFIX_LEN: usize = 16;
/// zstd level of a segment's JSON (operations compress about tenfold).
const LEVEL: i32 = 6;

/// One batch of a device's operations, in the order they were made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub device: DeviceId,
    /// 1 for the device's first segment, then one more each time.
    pub seq: u64,
    pub ops: Vec<Op>,
    /// Where it stands in history; `None` in segments written before links existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    /// The parts of a format-3 segment ([`super::sections`]) this desktop cannot open,
    /// as they came, with the digest its header gives; `None` when it holds every
    /// operation (never part of the JSON: a part is sealed on its own).
    #[serde(skip)]
    pub withheld: Option<super::sections::Withheld>,
}

/// What a segment's author knew of history when it wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The digest of the same device's previous segment (`None` for its first, or when
    /// its author no longer held that one's operations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<SegmentDigest>,
    /// The newest segment of every other device its author held.
    #[serde(default)]
    pub seen: BTreeMap<DeviceId, u64>,
    /// Where its device's audit chain stood at the segment's end (issue 22; `None` in
    /// segments written before, which are not checked against one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<AuditHead>,
}

/// A device's audit chain at the end of one of its segments: how many audit events the
/// device had made by then, and the chain hash of the newest ([`AuditEvent::chain_hash`];
/// zeros before the first). A desktop that holds the segment finds events removed, added
/// or changed at the chain's end (`dossier audit verify`), where no later event's `prev`
/// would tell.
///
/// [`AuditEvent::chain_hash`]: super::op::AuditEvent::chain_hash
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub events: u64,
    pub hash: AuditHash,
}

impl AuditHead {
    /// The head before a device's first event.
    pub const START: Self = Self {
        events: 0,
        hash: AuditHash([0; 32]),
    };

    /// The head after `op`, when it is an audit event (otherwise as it was).
    pub fn after(self, op: &Op) -> Self {
        match &op.kind {
            OpKind::Audit { event } => Self {
                events: self.events + 1,
                hash: AuditHash(event.chain_hash(&op.stamp)),
            },
            _ => self,
        }
    }
}

/// BLAKE3 context of [`Segment::digest`].
pub const DIGEST_CONTEXT: &str = "dossier 2026-12 journal segment digest";

/// A 32-byte hash kept as lowercase hex in JSON.
macro_rules! hex_hash {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub [u8; 32]);

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(
                    f,
                    concat!(stringify!($name), "({})"),
                    data_encoding::HEXLOWER.encode(&self.0)
                )
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&data_encoding::HEXLOWER.encode(&self.0))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                let bytes = data_encoding::HEXLOWER
                    .decode(text.as_bytes())
                    .map_err(serde::de::Error::custom)?;
                Self::from_slice(&bytes).ok_or_else(|| serde::de::Error::custom("not a 32-byte hash"))
            }
        }

        impl $name {
            /// From 32 bytes (as the catalog keeps it); `None` for any other length.
            pub fn from_slice(bytes: &[u8]) -> Option<Self> {
                Some(Self(bytes.try_into().ok()?))
            }
        }
    };
}

hex_hash!(
    /// A segment's digest: what the next segment of its device names as `prev`.
    SegmentDigest
);

hex_hash!(
    /// The chain hash of an audit event ([`super::op::AuditEvent::chain_hash`]).
    AuditHash
);

impl Segment {
    /// The digest of the segment: BLAKE3 over its JSON, link included (of a segment with
    /// parts withheld here, the one its header gives).
    pub fn digest(&self) -> Result<SegmentDigest> {
        if let Some(w) = &self.withheld {
            return Ok(w.digest);
        }
        let json = serde_json::to_vec(self)?;
        let mut h = blake3::Hasher::new_derive_key(DIGEST_CONTEXT);
        h.update(&json);
        Ok(SegmentDigest(*h.finalize().as_bytes()))
    }

    /// The packs its `PackAdded` operations announce: they go to the remote first.
    pub fn packs(&self) -> Vec<PackId> {
        self.ops
            .iter()
            .filter_map(|op| match &op.kind {
                OpKind::PackAdded { pack, .. } => Some(*pack),
                _ => None,
            })
            .collect()
    }
}

/// The segment's object name on a remote.
pub fn object_name(device: DeviceId, seq: u64) -> String {
    format!("journal/{device}/{seq:012}")
}

/// Parse an object name back into (device, sequence); `None` for anything else.
pub fn parse_object_name(name: &str) -> Option<(DeviceId, u64)> {
    let rest = name.strip_prefix("journal/")?;
    let (device, seq) = rest.split_once('/')?;
    if seq.len() != 12 || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((device.parse().ok()?, seq.parse().ok()?))
}

/// The associated data binding sealed bytes to this device and sequence.
pub fn aad(device: DeviceId, seq: u64) -> Vec<u8> {
    format!("dossier journal v1 {device} {seq}").into_bytes()
}

/// Journal segments' sealed-object codec (the store journal's segments share it).
pub(crate) const SEGMENT_CODEC: Codec = Codec {
    magic: JOURNAL_MAGIC,
    kind: SealKind::Journal,
    wrong_magic: "not a journal segment (wrong magic)",
};

/// The plaintext that gets sealed: the segment as compressed JSON.
pub fn to_plain(segment: &Segment) -> Result<Vec<u8>> {
    to_zjson(segment, LEVEL, &object_name(segment.device, segment.seq))
}

/// The segment from its plaintext, checked to be the one its name says.
pub fn from_plain(device: DeviceId, seq: u64, plain: &[u8]) -> Result<Segment> {
    let object = object_name(device, seq);
    let segment: Segment = from_zjson(
        plain,
        super::MAX_SEGMENT_JSON,
        &object,
        "not a journal segment",
    )?;
    if segment.device != device || segment.seq != seq {
        return Err(Error::Integrity {
            object,
            detail: "names another device or sequence than its object",
        });
    }
    Ok(segment)
}

/// Format 2's associated data: the name and the epoch of the key.
pub(crate) fn aad_2(device: DeviceId, seq: u64, epoch: u64) -> Vec<u8> {
    format!("dossier journal v2 {device} {seq} {epoch}").into_bytes()
}

/// Which key sealed a body (of format 3: its header): `None` for the library's own
/// (format 1), the epoch of the journal's own key for format 2; an integrity error naming
/// `object` for anything else.
pub fn sealed_epoch(body: &[u8], object: &str) -> Result<Option<u64>> {
    if body.starts_with(super::sections::JOURNAL_MAGIC_3) {
        return super::sections::header_epoch(body, object);
    }
    super::sealed::epoch_of(body, JOURNAL_MAGIC, JOURNAL_MAGIC_2, object)
}

/// Seal a segment into its object body, under the library's own key (`epoch` `None`,
/// format 1) or the journal's key of `epoch` (format 2): `crypto` is that key's.
pub(crate) fn seal(crypto: &dyn Sealer, epoch: Option<u64>, segment: &Segment) -> Result<Vec<u8>> {
    let plain = to_plain(segment)?;
    let (device, seq) = (segment.device, segment.seq);
    Ok(match epoch {
        None => SEGMENT_CODEC.seal(crypto, &aad(device, seq), &plain),
        Some(e) => {
            super::sealed::seal_in_epoch(crypto, JOURNAL_MAGIC_2, e, &aad_2(device, seq, e), &plain)
        }
    })
}

/// Open the object body of `device`'s segment `seq` (either format; `crypto` is the key
/// [`sealed_epoch`] names): authenticated, bound to its name and epoch.
pub(crate) fn open(
    crypto: &dyn Sealer,
    device: DeviceId,
    seq: u64,
    body: &[u8],
) -> Result<Segment> {
    let object = object_name(device, seq);
    let plain = match sealed_epoch(body, &object)? {
        None => SEGMENT_CODEC.open(crypto, &aad(device, seq), body, &object)?,
        Some(e) => crypto.open(
            SealKind::Journal,
            &aad_2(device, seq, e),
            &body[EPOCH_PREFIX_LEN..],
            &object,
        )?,
    };
    from_plain(device, seq, &plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::op::Stamp;
    use crate::ids::DocId;

    fn segment(device: DeviceId, seq: u64) -> Segment {
        let stamp = Stamp::parse(&format!("019a00000000.00000001.{device}")).unwrap();
        let ops = vec![Op {
            stamp,
            kind: OpKind::DocumentCreated {
                doc: DocId::new(),
                title: "Report card".into(),
            },
        }];
        Segment {
            device,
            seq,
            ops,
            link: Some(Link {
                prev: None,
                seen: BTreeMap::from([(DeviceId::new(), 4)]),
                audit: None,
            }),
            withheld: None,
        }
    }

    #[test]
    fn names_round_trip_and_odd_names_are_not_segments() {
        let d = DeviceId::new();
        assert_eq!(parse_object_name(&object_name(d, 42)), Some((d, 42)));
        assert_eq!(object_name(d, 7), format!("journal/{d}/000000000007"));
        for bad in [
            "journal/x/000000000001",
            &format!("journal/{d}/1"),
            &format!("packs/{d}/000000000001"),
            &format!("journal/{d}/00000000000a"),
        ] {
            assert_eq!(parse_object_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn plaintext_round_trips_and_is_bound_to_its_name() {
        let d = DeviceId::new();
        let s = segment(d, 3);
        let plain = to_plain(&s).unwrap();
        assert_eq!(from_plain(d, 3, &plain).unwrap(), s);
        assert!(matches!(
            from_plain(d, 4, &plain),
            Err(Error::Integrity { .. })
        ));
        assert!(matches!(
            from_plain(DeviceId::new(), 3, &plain),
            Err(Error::Integrity { .. })
        ));
        assert!(matches!(
            from_plain(d, 3, b"junk"),
            Err(Error::Integrity { .. })
        ));
    }

    #[test]
    fn a_digest_survives_the_round_trip_and_changes_with_any_part() {
        let d = DeviceId::new();
        let mut s = segment(d, 3);
        // Numbers whose shortest text is long read back to the same bits.
        for (i, n) in [
            0.1 + 0.2,
            1e-300 / 3.0,
            2.0f64.sqrt(),
            123_456_789.012_345_67,
        ]
        .into_iter()
        .enumerate()
        {
            let stamp = Stamp::parse(&format!("019a00000001.{i:08x}.{d}")).unwrap();
            s.ops.push(Op {
                stamp,
                kind: OpKind::FieldSet {
                    doc: DocId::new(),
                    key: crate::format::op::FieldKey::Custom("credits".into()),
                    value: Some(crate::format::op::FieldValue::Number(n)),
                },
            });
        }
        let opened = from_plain(d, 3, &to_plain(&s).unwrap()).unwrap();
        assert_eq!(opened, s);
        assert_eq!(opened.digest().unwrap(), s.digest().unwrap());
        let mut other = s.clone();
        other.link.as_mut().unwrap().seen.insert(DeviceId::new(), 1);
        assert_ne!(other.digest().unwrap(), s.digest().unwrap());
        let mut other = s.clone();
        other.link.as_mut().unwrap().prev = Some(SegmentDigest([7; 32]));
        assert_ne!(other.digest().unwrap(), s.digest().unwrap());
        let round: Link =
            serde_json::from_slice(&serde_json::to_vec(other.link.as_ref().unwrap()).unwrap())
                .unwrap();
        assert_eq!(&round, other.link.as_ref().unwrap());
        // A segment without a link is written as before links existed.
        let mut legacy = s.clone();
        legacy.link = None;
        let json = String::from_utf8(serde_json::to_vec(&legacy).unwrap()).unwrap();
        assert!(
            json.starts_with("{\"device\"") && !json.contains("link"),
            "{json}"
        );
    }

    #[test]
    fn sealed_segments_open_only_with_the_key_under_their_own_name() {
        let crypto = crate::keys::MasterKey::generate().crypto();
        let d = DeviceId::new();
        let s = segment(d, 9);
        let body = seal(&crypto, None, &s).unwrap();
        assert_eq!(sealed_epoch(&body, "o").unwrap(), None);
        assert_eq!(open(&crypto, d, 9, &body).unwrap(), s);
        // Nothing readable: the title is not in the object.
        assert!(!body.windows(11).any(|w| w == b"Report card"));
        // Under another name: refused (the codec's own tests cover keys, bytes, magic).
        assert!(matches!(
            open(&crypto, d, 10, &body),
            Err(Error::Integrity { .. })
        ));
    }

    #[test]
    fn a_segment_under_an_epoch_of_the_journals_key_names_it_and_is_bound_to_it() {
        let epoch_key = crate::keys::MasterKey::generate().crypto();
        let library_key = crate::keys::MasterKey::generate().crypto();
        let d = DeviceId::new();
        let s = segment(d, 9);
        let body = seal(&epoch_key, Some(3), &s).unwrap();
        assert!(body.starts_with(JOURNAL_MAGIC_2));
        assert_eq!(sealed_epoch(&body, "o").unwrap(), Some(3));
        assert_eq!(open(&epoch_key, d, 9, &body).unwrap(), s);
        assert!(!body.windows(11).any(|w| w == b"Report card"));
        // Another key (the library's own), another name, another epoch in the header,
        // a header cut short: refused.
        let mut other_epoch = body.clone();
        other_epoch[8..16].copy_from_slice(&4u64.to_le_bytes());
        for (crypto, seq, b) in [
            (&library_key, 9, body.clone()),
            (&epoch_key, 10, body.clone()),
            (&epoch_key, 9, other_epoch),
            (&epoch_key, 9, body[..12].to_vec()),
        ] {
            assert!(matches!(
                open(crypto, d, seq, &b),
                Err(Error::Integrity { .. })
            ));
        }
        assert!(sealed_epoch(b"DOSPACK1........", "o").is_err());
    }

    #[test]
    fn a_segment_with_an_operation_of_a_newer_dossier_asks_for_an_update() {
        let d = DeviceId::new();
        let s = segment(d, 4);
        let mut json: serde_json::Value = serde_json::to_value(&s).unwrap();
        let mut newer = json["ops"][0].clone();
        newer["op"] = "timetable_created".into();
        json["ops"].as_array_mut().unwrap().push(newer);
        let plain = zstd::bulk::compress(&serde_json::to_vec(&json).unwrap(), 3).unwrap();
        match from_plain(d, 4, &plain) {
            Err(Error::NeedsNewerDossier { kind, .. }) => assert_eq!(kind, "timetable_created"),
            other => panic!("{other:?}"),
        }
        // A known kind with a value this build does not know (a newer audit action).
        let mut json: serde_json::Value = serde_json::to_value(&s).unwrap();
        let stamp = json["ops"][0]["stamp"].clone();
        json["ops"].as_array_mut().unwrap().push(serde_json::json!({
            "stamp": stamp,
            "op": "audit",
            "event": { "user": "u", "action": "timetable_published", "prev": "" },
        }));
        let plain = zstd::bulk::compress(&serde_json::to_vec(&json).unwrap(), 3).unwrap();
        match from_plain(d, 4, &plain) {
            Err(Error::NeedsNewerDossier { kind, .. }) => assert_eq!(kind, "audit"),
            other => panic!("{other:?}"),
        }
        // A known kind with a field missing is damage, not newness.
        let mut damaged: serde_json::Value = serde_json::to_value(&s).unwrap();
        damaged["ops"][0].as_object_mut().unwrap().remove("doc");
        let plain = zstd::bulk::compress(&serde_json::to_vec(&damaged).unwrap(), 3).unwrap();
        assert!(matches!(
            from_plain(d, 4, &plain),
            Err(Error::Integrity { .. })
        ));
    }

    #[test]
    fn a_segment_that_decompresses_without_bound_is_refused() {
        // A key holder's bomb: a few KiB that would decompress past any real segment.
        let d = DeviceId::new();
        let mut bomb = Vec::new();
        let zeros = std::io::Read::take(std::io::repeat(b' '), crate::format::MAX_SEGMENT_JSON + 1);
        zstd::stream::copy_encode(zeros, &mut bomb, 1).unwrap();
        match from_plain(d, 1, &bomb) {
            Err(Error::Integrity { detail, .. }) => {
                assert_eq!(detail, "decompresses to more than Dossier ever writes")
            }
            other => panic!("{other:?}"),
        }
    }
}
