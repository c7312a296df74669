//! Journal segments for sync: a device's operations sealed with the library's journal key
//! (format in [`crate::format::journal`]). The sync crate moves them; only an unlocked
//! library can make or read them.

use super::Library;
use crate::error::Result;
use crate::format::journal::{self, Segment};
use crate::ids::DeviceId;

impl Library {
    /// Seal a segment of operations into the body of its remote object.
    pub fn seal_segment(&self, segment: &Segment) -> Result<Vec<u8>> {
        journal::seal(&self.crypto, segment)
    }

    /// Open the body of `device`'s segment `seq`: [`crate::Error::Integrity`] when it is
    /// damaged, tampered with, sealed with another library's key or under another name.
    pub fn open_segment(&self, device: DeviceId, seq: u64, body: &[u8]) -> Result<Segment> {
        journal::open(&self.crypto, device, seq, body)
    }
}
