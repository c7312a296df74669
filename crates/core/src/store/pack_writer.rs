//! Writing one pack file crash-safely: temp file, fsync, rename, fsync the folder.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::SealedChunk;
use crate::error::{IoContext, Result};
use crate::format::pack::{INDEX_AAD, PACK_MAGIC, PackEntry, encode_index, trailer};
use crate::format::sealed::SealKind;
use crate::ids::PackId;
use crate::keys::Crypto;

/// A pack being written in `store/tmp/`.
#[derive(Debug)]
pub struct PackWriter {
    file: BufWriter<File>,
    tmp: PathBuf,
    packs_dir: PathBuf,
    hasher: blake3::Hasher,
    entries: Vec<PackEntry>,
    len: u64,
}

/// A pack that is durable in its final place.
#[derive(Debug, Clone)]
pub struct FinishedPack {
    pub id: PackId,
    pub size: u64,
    pub entries: Vec<PackEntry>,
}

impl PackWriter {
    pub(super) fn create(tmp_dir: &Path, packs_dir: PathBuf) -> Result<Self> {
        let mut name = [0u8; 8];
        crate::fill_random(&mut name);
        let tmp = tmp_dir.join(format!("{}.pack", data_encoding::HEXLOWER.encode(&name)));
        let file = super::create_private(&tmp)?;
        let mut this = Self {
            file: BufWriter::with_capacity(1 << 20, file),
            tmp,
            packs_dir,
            hasher: blake3::Hasher::new(),
            entries: Vec::new(),
            len: 0,
        };
        this.write(PACK_MAGIC)?;
        Ok(this)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.file.write_all(bytes).io("write", &self.tmp)?;
        self.hasher.update(bytes);
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Append a sealed chunk.
    pub fn add(&mut self, chunk: &SealedChunk) -> Result<()> {
        let offset = u32::try_from(self.len).expect("packs stay far below 4 GiB");
        self.write(&chunk.sealed)?;
        self.entries.push(PackEntry {
            chunk: chunk.id,
            offset,
            sealed_len: chunk.sealed.len() as u32,
            plain_len: chunk.plain_len,
        });
        Ok(())
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when no chunk was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Seal the index, write the trailer, flush to disk and move the pack into place.
    pub fn finish(mut self, crypto: &Crypto) -> Result<FinishedPack> {
        let index = crypto.seal(SealKind::PackIndex, INDEX_AAD, &encode_index(&self.entries));
        self.write(&index)?;
        self.write(&trailer(index.len() as u32))?;
        let file = self
            .file
            .into_inner()
            .map_err(|e| e.into_error())
            .io("write", &self.tmp)?;
        file.sync_all().io("sync", &self.tmp)?;
        drop(file);
        let id = PackId(*self.hasher.finalize().as_bytes());
        place(&self.tmp, &self.packs_dir, &id)?;
        Ok(FinishedPack {
            id,
            size: self.len,
            entries: self.entries,
        })
    }
}

/// Move a finished, flushed pack file from `tmp` to its place under `packs_dir`, durably.
pub(super) fn place(tmp: &Path, packs_dir: &Path, id: &PackId) -> Result<()> {
    let hex = id.to_hex();
    let shard = packs_dir.join(&hex[..2]);
    crate::fsx::create_private_dirs(&shard).io("create", &shard)?;
    let dest = shard.join(&hex);
    std::fs::rename(tmp, &dest).io("rename", &dest)?;
    sync_dir(&shard)
}

/// Make a rename durable (on Unix a directory's entries are synced through the folder).
#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).io("sync", dir)
}

/// Windows makes renames durable with the file's own flush; folders cannot be opened.
#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> Result<()> {
    Ok(())
}
