//! Checkpoints: many journal segments in one remote object, so a new desktop downloads
//! one object instead of every segment ever written. Written once, never changed; a
//! newer checkpoint covers more segments.
//!
//! Layout (format 1):
//!
//! ```text
//! checkpoints/<segments covered, 12 digits>-<device id>   object name on the remote
//! "DOSCKPT1"                                              8-byte magic
//! nonce(12) | AES-256-GCM(zstd(JSON checkpoint)) | tag(16)
//! ```
//!
//! The JSON is `{"device", "covered", "segments": [Segment…]}`: every segment of every
//! device its writer held, each device's from 1 without a gap. The associated data is
//! `"dossier checkpoint v1 " + device + " " + covered`.

use serde::{Deserialize, Serialize};

use super::journal::Segment;
use crate::error::{Error, Result};
use crate::ids::DeviceId;
use crate::keys::Crypto;
use crate::keys::master::SealKind;

pub const CHECKPOINT_MAGIC: &[u8; 8] = b"DOSCKPT1";
const LEVEL: i32 = 6;

/// The segments a checkpoint carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The desktop that wrote it.
    pub device: DeviceId,
    /// How many segments it holds (all devices together).
    pub covered: u64,
    pub segments: Vec<Segment>,
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

pub(crate) fn aad(covered: u64, device: DeviceId) -> Vec<u8> {
    format!("dossier checkpoint v1 {device} {covered}").into_bytes()
}

pub(crate) fn seal(crypto: &Crypto, checkpoint: &Checkpoint) -> Result<Vec<u8>> {
    let name = object_name(checkpoint.covered, checkpoint.device);
    let json = serde_json::to_vec(checkpoint)?;
    let plain = zstd::bulk::compress(&json, LEVEL).map_err(|source| Error::Io {
        action: "compress",
        path: name.into(),
        source,
    })?;
    let sealed = crypto.seal(
        SealKind::Journal,
        &aad(checkpoint.covered, checkpoint.device),
        &plain,
    );
    let mut out = Vec::with_capacity(CHECKPOINT_MAGIC.len() + sealed.len());
    out.extend_from_slice(CHECKPOINT_MAGIC);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Open a checkpoint's object body: authenticated, bound to its name, and holding what
/// its name says.
pub(crate) fn open(
    crypto: &Crypto,
    covered: u64,
    device: DeviceId,
    body: &[u8],
) -> Result<Checkpoint> {
    let object = object_name(covered, device);
    let damaged = |detail| Error::Integrity {
        object: object.clone(),
        detail,
    };
    let sealed = body
        .strip_prefix(CHECKPOINT_MAGIC.as_slice())
        .ok_or_else(|| damaged("not a checkpoint (wrong magic)"))?;
    let plain = crypto.open(
        SealKind::Journal,
        &aad(covered, device),
        sealed,
        object.clone(),
    )?;
    let json = super::unzstd(&plain, super::MAX_CHECKPOINT_JSON).map_err(damaged)?;
    let c: Checkpoint = serde_json::from_slice(&json).map_err(|_| damaged("not a checkpoint"))?;
    if c.device != device || c.covered != covered || c.segments.len() as u64 != covered {
        return Err(damaged("holds other segments than its name says"));
    }
    if c.segments
        .iter()
        .any(|s| s.ops.iter().any(|op| op.stamp.device != s.device))
    {
        return Err(damaged("a segment holds another device's operation"));
    }
    Ok(c)
}
