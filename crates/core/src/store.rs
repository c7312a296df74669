//! The local content store under `store/`: immutable pack files of sealed chunks.
//!
//! Layout: `store/packs/<first two hex digits>/<pack id>` for finished packs and
//! `store/tmp/` for packs being written. A pack is written to `tmp/`, flushed to disk and
//! renamed into place before any catalog operation refers to it.
//!
//! **Invariant:** nothing under `store/` holds plaintext: every chunk and every pack index
//! is AES-256-GCM sealed.

mod chunk;
mod derived;
mod journal;
mod pack_writer;
mod source;

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use chunk::{SealedChunk, open_chunk, seal_chunk};
pub use derived::DerivedCache;
pub(crate) use pack_writer::sync_dir;
pub use pack_writer::{FinishedPack, PackWriter};
pub use source::PackSource;

use crate::error::{Error, IoContext, Result};
use crate::ids::PackId;

/// Target size of a pack; a pack is closed once it reaches this.
pub const PACK_TARGET: u64 = 8 * 1024 * 1024;
/// The largest pack Dossier writes is the target plus one chunk and the index: twice the
/// target is more than any. Downloads of packs are refused beyond it.
pub const MAX_PACK: u64 = 2 * PACK_TARGET;

/// The `store/` folder of a library.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    /// Where packs missing here are fetched from when read (none: missing is an error).
    source: Option<Arc<dyn PackSource>>,
}

/// What [`Store::recover`] cleaned up after an interrupted run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recovery {
    /// Temporary files of an interrupted writer, removed.
    pub temp_files: usize,
    /// Packs the catalog does not know, moved to `store/quarantine/` (never deleted here).
    pub quarantined_packs: usize,
    /// Packs back from the quarantine because the catalog knows them now.
    pub restored_packs: usize,
    pub bytes: u64,
}

/// Flush a file's content to disk (opened for writing: Windows flushes only such handles).
pub(crate) fn sync_file(path: &Path) -> Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.sync_all())
        .io("sync", path)
}

/// Create a new file readable and writable by its owner only.
pub(crate) fn create_private(path: &Path) -> Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path).io("create", path)
}

impl Store {
    /// Open (creating the folders if needed).
    pub fn open(root: &Path) -> Result<Self> {
        let this = Self {
            root: root.to_owned(),
            source: None,
        };
        this.protect()?;
        Ok(this)
    }

    /// Open without creating anything (read-only use).
    pub fn at(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            source: None,
        }
    }

    /// Fetch packs missing here from `source` when they are read.
    pub fn set_source(&mut self, source: Option<Arc<dyn PackSource>>) {
        self.source = source;
    }

    /// Open a pack file for reading, fetching it first if it is missing and there is a
    /// source; marks it as read for eviction by age.
    pub(crate) fn open_pack(&self, id: &PackId) -> Result<File> {
        let path = self.pack_path(id);
        match File::open(&path) {
            Ok(f) => {
                source::mark_read(&path);
                Ok(f)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let Some(src) = &self.source else {
                    return Err(Error::MissingPack(*id));
                };
                self.install_pack(id, &src.fetch(id)?)?;
                File::open(&path).io("open", &path)
            }
            Err(e) => Err(e).io("open", &path),
        }
    }

    /// Create the store's folders private to the user, and make private every folder and
    /// file a library made before they were private left open (packs, journals,
    /// quarantine). The store folder is made private last, so a private one means the
    /// walk is done (opening costs one `stat` then) and an interrupted one is walked again.
    fn protect(&self) -> Result<()> {
        for dir in [self.packs_dir(), self.tmp_dir()] {
            crate::fsx::create_private_dirs(&dir).io("create", &dir)?;
        }
        if crate::fsx::is_private(&self.root) {
            return Ok(());
        }
        crate::fsx::make_tree_private(&self.root, &self.root).io("protect", &self.root)
    }

    fn packs_dir(&self) -> PathBuf {
        self.root.join("packs")
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Where a finished pack lives.
    pub fn pack_path(&self, id: &PackId) -> PathBuf {
        let hex = id.to_hex();
        self.packs_dir().join(&hex[..2]).join(hex)
    }

    /// Start a new pack in `tmp/`.
    pub fn pack_writer(&self) -> Result<PackWriter> {
        PackWriter::create(&self.tmp_dir(), self.packs_dir())
    }

    /// Store a pack fetched from elsewhere (a remote), checked against its id (the hash
    /// of the file), written to `tmp/`, flushed and moved into place. A pack already
    /// there is left alone.
    pub fn install_pack(&self, id: &PackId, bytes: &[u8]) -> Result<()> {
        if PackId(*blake3::hash(bytes).as_bytes()) != *id {
            return Err(Error::Integrity {
                object: format!("pack {id}"),
                detail: "its content does not match its id",
            });
        }
        if self.pack_path(id).is_file() {
            return Ok(());
        }
        let mut name = [0u8; 8];
        crate::fill_random(&mut name);
        let tmp = self
            .tmp_dir()
            .join(format!("{}.pack", data_encoding::HEXLOWER.encode(&name)));
        {
            let mut f = create_private(&tmp)?;
            std::io::Write::write_all(&mut f, bytes).io("write", &tmp)?;
            f.sync_all().io("sync", &tmp)?;
        }
        pack_writer::place(&tmp, &self.packs_dir(), id)
    }

    /// Every finished pack file on disk.
    pub fn pack_files(&self) -> Result<Vec<(PackId, PathBuf)>> {
        let mut out = Vec::new();
        for shard in list_dir(&self.packs_dir())? {
            if shard.is_dir() {
                out.extend(packs_in(&shard)?);
            }
        }
        out.sort();
        Ok(out)
    }

    fn quarantine_dir(&self) -> PathBuf {
        self.root.join("quarantine")
    }

    /// Packs in `store/quarantine/`: on disk, unknown to the catalog when they were found.
    pub fn quarantined_packs(&self) -> Result<Vec<(PackId, PathBuf)>> {
        let mut out = packs_in(&self.quarantine_dir())?;
        out.sort();
        Ok(out)
    }

    /// Clean up after an interrupted writer: remove temporary files, move finished packs
    /// the catalog does not know (`known` is false) to `store/quarantine/`, and move back
    /// quarantined packs it knows. Nothing that could hold a record is deleted here: a
    /// pack leaves the quarantine only through [`Store::recover`] (known again) or
    /// `prune` (proven unneeded). Call only while holding the writer lock.
    pub fn recover(&self, known: impl Fn(&PackId) -> bool) -> Result<Recovery> {
        let mut r = Recovery::default();
        let tmp = self.tmp_dir();
        if tmp.exists() {
            for f in std::fs::read_dir(&tmp).io("list", &tmp)? {
                let p = f.io("list", &tmp)?.path();
                r.bytes += p.metadata().map(|m| m.len()).unwrap_or(0);
                std::fs::remove_file(&p).io("remove", &p)?;
                r.temp_files += 1;
            }
        }
        for (id, path) in self.quarantined_packs()? {
            if known(&id) {
                pack_writer::place(&path, &self.packs_dir(), &id)?;
                r.restored_packs += 1;
            }
        }
        let mut moved = false;
        for (id, path) in self.pack_files()? {
            if !known(&id) {
                let dir = self.quarantine_dir();
                crate::fsx::create_private_dirs(&dir).io("create", &dir)?;
                let dest = dir.join(id.to_hex());
                r.bytes += path.metadata().map(|m| m.len()).unwrap_or(0);
                std::fs::rename(&path, &dest).io("quarantine", &dest)?;
                r.quarantined_packs += 1;
                moved = true;
            }
        }
        if moved {
            pack_writer::sync_dir(&self.quarantine_dir())?;
        }
        Ok(r)
    }

    /// Delete a quarantined pack for good (`prune`, once it is proven unneeded).
    pub(crate) fn delete_quarantined(&self, id: &PackId) -> Result<()> {
        let p = self.quarantine_dir().join(id.to_hex());
        std::fs::remove_file(&p).io("remove", &p)
    }

    /// Bytes on disk under `store/`: content (packs, quarantined and temporary ones) and
    /// the store journal.
    pub fn disk_usage(&self) -> Result<StoreUsage> {
        fn walk(p: &Path) -> Result<u64> {
            let mut total = 0;
            for e in std::fs::read_dir(p).io("list", p)? {
                let e = e.io("list", p)?;
                let m = e.metadata().io("stat", e.path())?;
                total += if m.is_dir() {
                    walk(&e.path())?
                } else {
                    m.len()
                };
            }
            Ok(total)
        }
        let mut usage = StoreUsage::default();
        if !self.root.exists() {
            return Ok(usage);
        }
        for e in std::fs::read_dir(&self.root).io("list", &self.root)? {
            let e = e.io("list", &self.root)?;
            let m = e.metadata().io("stat", e.path())?;
            let n = if m.is_dir() {
                walk(&e.path())?
            } else {
                m.len()
            };
            if e.file_name() == "journal" {
                usage.journal += n;
            } else {
                usage.content += n;
            }
        }
        Ok(usage)
    }
}

/// What [`Store::disk_usage`] counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StoreUsage {
    pub content: u64,
    pub journal: u64,
}

/// Reads sealed chunks, keeping a few pack files open.
#[derive(Debug)]
pub struct PackReader<'a> {
    store: &'a Store,
    open: HashMap<PackId, File>,
}

impl<'a> PackReader<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self {
            store,
            open: HashMap::new(),
        }
    }

    /// The sealed bytes of one chunk.
    pub fn read(&mut self, loc: &ChunkLocation) -> Result<Vec<u8>> {
        if !self.open.contains_key(&loc.pack) {
            if self.open.len() >= 16 {
                self.open.clear();
            }
            let f = self.store.open_pack(&loc.pack)?;
            self.open.insert(loc.pack, f);
        }
        let path = self.store.pack_path(&loc.pack);
        let f = self.open.get_mut(&loc.pack).expect("inserted above");
        f.seek(SeekFrom::Start(loc.offset)).io("seek", &path)?;
        let mut buf = vec![0u8; loc.sealed_len as usize];
        f.read_exact(&mut buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Error::Integrity {
                object: format!("pack {}", loc.pack),
                detail: "truncated: a chunk lies past its end",
            },
            _ => Error::Io {
                action: "read",
                path,
                source: e,
            },
        })?;
        Ok(buf)
    }
}

/// Where a chunk is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkLocation {
    pub pack: PackId,
    pub offset: u64,
    pub sealed_len: u32,
    pub plain_len: u32,
}

/// The paths in `dir`; none when it does not exist.
fn list_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).io("list", dir),
    };
    entries
        .map(|e| e.map(|e| e.path()).io("list", dir))
        .collect()
}

/// The files in `dir` named as packs, with their ids.
fn packs_in(dir: &Path) -> Result<Vec<(PackId, PathBuf)>> {
    Ok(list_dir(dir)?
        .into_iter()
        .filter_map(|p| {
            let id = PackId::from_hex(p.file_name()?.to_str()?).ok()?;
            Some((id, p))
        })
        .collect())
}
