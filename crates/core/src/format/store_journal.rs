//! The library's own copy of its journal inside `store/`: every catalog transaction that
//! applied new operations, as one sealed segment, so that `store/` alone rebuilds the
//! catalog (`dossier repair --rebuild-catalog`).
//!
//! Layout (format 1), the same body as a remote journal segment ([`super::journal`]):
//!
//! ```text
//! store/journal/<device id>/<sequence, 12 digits>   one file per catalog transaction
//! "DOSJRNL1" | nonce(12) | AES-256-GCM(zstd(JSON)) | tag(16)
//! ```
//!
//! The JSON is `{"device", "seq", "received", "ops": [Op…]}`: `device` is the desktop whose
//! library folder this is (the segments are numbered by it, 1, 2, …, without gaps), the
//! operations are those the transaction applied for the first time, in order, whoever made
//! them, and `received` is the remote segment they arrived in when they came by sync (all
//! of one other device), with that segment's `link` ([`super::journal::Link`]). The
//! associated data is `"dossier store journal v1 " + device +
//! " " + seq`: a store segment does not open as a remote segment or under another name.

use serde::{Deserialize, Serialize};

use super::journal::{Link, SEGMENT_CODEC};
use super::op::Op;
use super::sealed::{Sealer, from_zjson, to_zjson};
use crate::error::{Error, Result};
use crate::ids::DeviceId;

/// zstd level of a segment's JSON.
const LEVEL: i32 = 3;

/// The operations one catalog transaction applied for the first time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreSegment {
    pub device: DeviceId,
    /// 1 for the folder's first transaction, then one more each time.
    pub seq: u64,
    /// The remote segment (of the device that made them) the operations arrived in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<u64>,
    pub ops: Vec<Op>,
    /// The link of the remote segment they arrived in, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    /// The device of that remote segment (since December 2026; before, the device of
    /// its first operation): named when none of its operations opened here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DeviceId>,
    /// The parts of that segment not opened here, with its digest
    /// ([`super::sections`]), as they stood after the transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<super::sections::Withheld>,
}

/// The file name of segment `seq` in its device's folder.
pub fn file_name(seq: u64) -> String {
    format!("{seq:012}")
}

/// A file name back into its sequence number; `None` for anything else.
pub fn parse_file_name(name: &str) -> Option<u64> {
    if name.len() != 12 || !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse().ok().filter(|s| *s > 0)
}

pub(crate) fn aad(device: DeviceId, seq: u64) -> Vec<u8> {
    format!("dossier store journal v1 {device} {seq}").into_bytes()
}

fn object(device: DeviceId, seq: u64) -> String {
    format!("store/journal/{device}/{}", file_name(seq))
}

/// Seal a segment into its file body.
pub(crate) fn seal(crypto: &dyn Sealer, segment: &StoreSegment) -> Result<Vec<u8>> {
    let plain = to_zjson(segment, LEVEL, &object(segment.device, segment.seq))?;
    Ok(SEGMENT_CODEC.seal(crypto, &aad(segment.device, segment.seq), &plain))
}

/// Open the file body of `device`'s store segment `seq`: authenticated, bound to its name.
pub(crate) fn open(
    crypto: &dyn Sealer,
    device: DeviceId,
    seq: u64,
    body: &[u8],
) -> Result<StoreSegment> {
    let name = object(device, seq);
    let plain = SEGMENT_CODEC.open(crypto, &aad(device, seq), body, &name)?;
    let segment: StoreSegment = from_zjson(
        &plain,
        super::MAX_SEGMENT_JSON,
        &name,
        "not a store journal segment",
    )?;
    if segment.device != device || segment.seq != seq {
        return Err(Error::Integrity {
            object: name,
            detail: "names another device or sequence than its file",
        });
    }
    Ok(segment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::op::{OpKind, Stamp};
    use crate::ids::DocId;

    fn segment(device: DeviceId, seq: u64) -> StoreSegment {
        let stamp = Stamp::parse(&format!("019a00000000.00000001.{device}")).unwrap();
        StoreSegment {
            device,
            seq,
            received: None,
            ops: vec![Op {
                stamp,
                kind: OpKind::DocumentCreated {
                    doc: DocId::new(),
                    title: "Report card of Ada".into(),
                },
            }],
            link: None,
            from: None,
            withheld: None,
        }
    }

    #[test]
    fn names_round_trip_and_odd_names_are_not_segments() {
        assert_eq!(parse_file_name(&file_name(42)), Some(42));
        for bad in ["1", "00000000000a", "000000000000", "0000000000012", ".tmp"] {
            assert_eq!(parse_file_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn sealed_segments_open_only_with_the_key_under_their_own_name() {
        let crypto = crate::keys::MasterKey::generate().crypto();
        let d = DeviceId::new();
        let s = segment(d, 9);
        let body = seal(&crypto, &s).unwrap();
        assert_eq!(open(&crypto, d, 9, &body).unwrap(), s);
        assert!(!body.windows(6).any(|w| w == b"of Ada"));
        let other = crate::keys::MasterKey::generate().crypto();
        for (c, dev, seq, b) in [
            (&other, d, 9, body.clone()),
            (&crypto, d, 10, body.clone()),
            (&crypto, DeviceId::new(), 9, body.clone()),
            (&crypto, d, 9, body[8..].to_vec()),
        ] {
            assert!(matches!(
                open(c, dev, seq, &b),
                Err(Error::Integrity { .. })
            ));
        }
        // A remote segment of the same number does not pass for a store segment.
        let remote = crate::format::journal::seal(
            &crypto,
            None,
            &crate::format::journal::Segment {
                device: d,
                seq: 9,
                ops: s.ops.clone(),
                link: None,
                withheld: None,
            },
        )
        .unwrap();
        assert!(matches!(
            open(&crypto, d, 9, &remote),
            Err(Error::Integrity { .. })
        ));
    }
}
