//! The store journal's files: `store/journal/<device>/<seq>`, one sealed
//! [`StoreSegment`](crate::format::store_journal::StoreSegment) per catalog transaction.
//! Written like packs: to `tmp/`, flushed, renamed into place, the folder synced.

use std::path::PathBuf;

use super::Store;
use super::pack_writer::sync_dir;
use crate::error::{IoContext, Result};
use crate::format::store_journal::{file_name, parse_file_name};
use crate::ids::DeviceId;

/// `store/journal/incomplete`: why the store journal may not hold everything this folder
/// ever held (the catalog's `journal_incomplete`, kept where a rebuild finds it).
const INCOMPLETE_FILE: &str = "incomplete";

impl Store {
    fn journal_dir(&self, device: DeviceId) -> PathBuf {
        self.root.join("journal").join(device.to_string())
    }

    /// Why the store journal may not hold everything this folder ever held, as noted in
    /// the store, so that a catalog rebuilt from the journal keeps packs it cannot account
    /// for; `None` when nothing was noted.
    pub fn journal_incomplete(&self) -> Result<Option<String>> {
        let path = self.root.join("journal").join(INCOMPLETE_FILE);
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).io("read", &path),
        }
    }

    /// Note durably why the store journal may be incomplete (see
    /// [`Store::journal_incomplete`]).
    pub(crate) fn mark_journal_incomplete(&self, why: &str) -> Result<()> {
        let dir = self.root.join("journal");
        crate::fsx::create_private_dirs(&dir).io("create", &dir)?;
        let tmp = self.tmp_dir().join(INCOMPLETE_FILE);
        {
            let mut f = super::create_private(&tmp)?;
            std::io::Write::write_all(&mut f, why.as_bytes()).io("write", &tmp)?;
            f.sync_all().io("sync", &tmp)?;
        }
        let dest = dir.join(INCOMPLETE_FILE);
        std::fs::rename(&tmp, &dest).io("rename", &dest)?;
        sync_dir(&dir)
    }

    /// The numbers of `device`'s store segments on disk, in order.
    pub fn journal_segments(&self, device: DeviceId) -> Result<Vec<u64>> {
        let mut out: Vec<u64> = super::list_dir(&self.journal_dir(device))?
            .iter()
            .filter_map(|p| parse_file_name(p.file_name()?.to_str()?))
            .collect();
        out.sort_unstable();
        Ok(out)
    }

    /// The highest store segment number of `device` on disk (0 for none).
    pub fn last_journal_segment(&self, device: DeviceId) -> Result<u64> {
        Ok(self.journal_segments(device)?.last().copied().unwrap_or(0))
    }

    /// Write `device`'s store segment `seq` durably (replacing a leftover of the same
    /// number, which only an interrupted write of the same operations can leave).
    pub(crate) fn write_journal_segment(
        &self,
        device: DeviceId,
        seq: u64,
        body: &[u8],
    ) -> Result<()> {
        let dir = self.journal_dir(device);
        crate::fsx::create_private_dirs(&dir).io("create", &dir)?;
        let mut name = [0u8; 8];
        crate::fill_random(&mut name);
        let tmp = self
            .tmp_dir()
            .join(format!("{}.seg", data_encoding::HEXLOWER.encode(&name)));
        {
            let mut f = super::create_private(&tmp)?;
            std::io::Write::write_all(&mut f, body).io("write", &tmp)?;
            f.sync_all().io("sync", &tmp)?;
        }
        let dest = dir.join(file_name(seq));
        std::fs::rename(&tmp, &dest).io("rename", &dest)?;
        sync_dir(&dir)
    }

    /// The body of `device`'s store segment `seq`; `None` when there is no such file.
    pub fn read_journal_segment(&self, device: DeviceId, seq: u64) -> Result<Option<Vec<u8>>> {
        let path = self.journal_dir(device).join(file_name(seq));
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).io("read", &path),
        }
    }
}
