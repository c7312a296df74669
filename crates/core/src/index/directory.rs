//! Where the index's files are kept: sealed in 4 KiB blocks ([`crate::format::index_file`])
//! and read with positional reads, so nothing of the index is readable without the
//! library's key, and a range is read and authenticated without the rest of its file.
//!
//! Fast fields and norms (`*.fast`, `*.fieldnorm`) are read again on every search that
//! filters, sorts, counts facets or scores, so each is decrypted whole on its first read
//! and kept, once per process, and later reads are slices of it. A term dictionary
//! (`*.term`) is read once per field by each segment reader that needs that field, and
//! held by it: its ranges are decrypted as asked and shared while anyone holds them, so
//! the dictionary of a field no search uses (the document ids, which only the writer's
//! deletes look up) costs no memory once the writer is gone. Postings and positions are
//! read by range (one system call for a word's list) and the most recently used lists
//! are kept decrypted within a small budget ([`recent`]). The document stores are read
//! by range as a search or a scroll needs them (one system call and one or two blocks
//! decrypted for a card). Nothing is memory-mapped.
//!
//! **Invariant:** every byte this directory writes under `index/` is sealed (the lock files
//! Tantivy locks are empty), and every file is private (0600).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes,
    TerminatingWrite, WatchCallback, WatchHandle, WritePtr,
};

use crate::format::index_file as fmt;
use crate::keys::{BlockCipher, IndexKey};

mod recent;
use recent::Recent;

/// The index's folder with every file sealed under the library's index key. Deleting,
/// locking and syncing are [`MmapDirectory`]'s (it maps nothing unless asked to read).
#[derive(Debug, Clone)]
pub(crate) struct IndexDirectory {
    root: PathBuf,
    key: Arc<IndexKey>,
    plain: MmapDirectory,
    /// Files open in this process, so that every reader of a segment (the writer's, the
    /// app's read handles, each reload) shares one handle and what it keeps decrypted.
    open: Arc<Mutex<HashMap<PathBuf, Weak<SealedFile>>>>,
    /// Postings and positions lists recently read, decrypted.
    recent: Arc<Recent>,
}

impl IndexDirectory {
    pub(crate) fn open(root: &Path, key: Arc<IndexKey>) -> tantivy::Result<Self> {
        Ok(Self {
            root: root.to_owned(),
            key,
            plain: MmapDirectory::open(root)?,
            open: Arc::default(),
            recent: Arc::new(Recent::new(recent::BUDGET)),
        })
    }

    fn cipher(&self, salt: &[u8], path: &Path) -> BlockCipher {
        self.key
            .file_cipher(salt, path.as_os_str().as_encoded_bytes())
    }

    /// Open a sealed file: its header read, its length checked.
    fn open_sealed(&self, path: &Path) -> Result<SealedFile, OpenReadError> {
        let full = self.root.join(path);
        let wrap = |e: io::Error| OpenReadError::wrap_io_error(e, full.clone());
        let file = File::open(&full).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_owned()),
            _ => wrap(e),
        })?;
        let stored = file.metadata().map_err(wrap)?.len();
        let mut header = [0u8; fmt::HEADER_LEN as usize];
        let plain = fmt::plain_len(stored)
            .filter(|_| read_exact_at(&file, &mut header, 0).is_ok())
            .ok_or_else(|| wrap(damaged(path)))?;
        let salt = fmt::salt(&header).ok_or_else(|| wrap(damaged(path)))?;
        let len = usize::try_from(plain).map_err(|_| wrap(io::Error::other("file too large")))?;
        Ok(SealedFile {
            cipher: self.cipher(salt, path),
            name: path.to_owned(),
            file,
            len,
            reads: Reads::of(path, &self.recent),
        })
    }
}

/// Decrypted ranges of a file (start, end), alive while a reader holds them.
type HeldRanges = HashMap<(usize, usize), Weak<[u8]>>;

/// How a file's plaintext is kept once read (see the module's documentation).
#[derive(Debug)]
enum Reads {
    /// Decrypted whole on the first read and kept: read again on every search.
    Whole(OnceLock<OwnedBytes>),
    /// Each range decrypted once and shared while it is held.
    Shared(Mutex<HeldRanges>),
    /// Decrypted range by range, the most recently used kept in the directory's cache
    /// under this file's number (and dropped from it with the file).
    Recent(Arc<Recent>, u64),
    /// Decrypted range by range at every read.
    ByRange,
}

impl Reads {
    fn of(path: &Path, recent: &Arc<Recent>) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some("fast" | "fieldnorm") => Self::Whole(OnceLock::new()),
            Some("term") => Self::Shared(Mutex::default()),
            Some("idx" | "pos") => Self::Recent(recent.clone(), recent.file_number()),
            _ => Self::ByRange,
        }
    }
}

impl Drop for Reads {
    fn drop(&mut self) {
        if let Self::Recent(recent, file) = self {
            recent.forget_file(*file);
        }
    }
}

fn damaged(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "search index file {} is damaged or was not written with this library's key",
            path.display()
        ),
    )
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(file) = open.get(path).and_then(Weak::upgrade) {
            return Ok(file);
        }
        let file = Arc::new(self.open_sealed(path)?);
        open.retain(|_, f| f.strong_count() > 0);
        open.insert(path.to_owned(), Arc::downgrade(&file));
        Ok(file)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(path);
        self.plain.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.plain.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let full = self.root.join(path);
        let file = private_options()
            .create_new(true)
            .open(&full)
            .map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => OpenWriteError::FileAlreadyExists(path.to_owned()),
                _ => OpenWriteError::wrap_io_error(e, full.clone()),
            })?;
        let writer = SealingWriter::start(BufWriter::new(file), |salt| self.cipher(salt, path))
            .map_err(|e| OpenWriteError::wrap_io_error(e, full))?;
        // Tantivy buffers in front of us as well; ours holds one block.
        Ok(io::BufWriter::with_capacity(0, Box::new(writer)))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let sealed = self.open_sealed(path)?;
        let bytes = sealed
            .read_bytes(0..sealed.len)
            .map_err(|e| OpenReadError::wrap_io_error(e, self.root.join(path)))?;
        Ok(bytes.as_slice().to_vec())
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        let full = self.root.join(path);
        // tempfile makes the file 0600 on Unix.
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.root)?;
        let mut writer = SealingWriter::start(BufWriter::new(tmp.as_file_mut()), |salt| {
            self.cipher(salt, path)
        })?;
        writer.write_all(data)?;
        writer.finish()?;
        drop(writer);
        tmp.as_file().sync_all()?;
        tmp.persist(&full).map_err(|e| e.error)?;
        self.sync_directory()
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.plain.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        // An OS file lock on an empty file, released if the process dies; the file is
        // made private first, like every other file here.
        private_options()
            .create(true)
            .truncate(false)
            .open(self.root.join(&lock.filepath))
            .map_err(LockError::wrap_io_error)?;
        // A lock just released can still be held for a moment by a child process being
        // started from another thread (between fork and exec it holds a copy of every
        // descriptor, and so of the lock): wait that out rather than fail a writer that
        // is alone. A lock really held stays busy past the patience and is refused.
        let deadline = std::time::Instant::now() + LOCK_PATIENCE;
        loop {
            match self.plain.acquire_lock(lock) {
                Err(LockError::LockBusy) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(LOCK_RETRY);
                }
                other => return other,
            }
        }
    }

    fn watch(&self, _: WatchCallback) -> tantivy::Result<WatchHandle> {
        // Readers reload when told to (`ReloadPolicy::Manual`), never on a file watch.
        Ok(WatchHandle::empty())
    }
}

/// How long a busy lock is tried again before it is refused, and how often.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);
const LOCK_RETRY: std::time::Duration = std::time::Duration::from_millis(5);

/// Options creating a file only its owner can read (0600 on Unix).
fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

/// Writes the header, then seals each block once the next byte shows it is not the last.
struct SealingWriter<W: Write> {
    out: W,
    cipher: BlockCipher,
    block: u64,
    buf: Vec<u8>,
}

impl<W: Write> SealingWriter<W> {
    fn start(mut out: W, cipher: impl FnOnce(&[u8]) -> BlockCipher) -> io::Result<Self> {
        let mut salt = [0u8; fmt::SALT_LEN];
        crate::fill_random(&mut salt);
        out.write_all(fmt::MAGIC)?;
        out.write_all(&salt)?;
        Ok(Self {
            out,
            cipher: cipher(&salt),
            block: 0,
            buf: Vec::with_capacity(fmt::SEALED_BLOCK as usize),
        })
    }

    fn seal_block(&mut self, last: bool) -> io::Result<()> {
        self.cipher
            .seal(fmt::nonce(self.block), &fmt::aad(last), &mut self.buf);
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.block += 1;
        Ok(())
    }

    /// Seal the last block and flush.
    fn finish(&mut self) -> io::Result<()> {
        self.seal_block(true)?;
        self.out.flush()
    }
}

impl<W: Write> Write for SealingWriter<W> {
    fn write(&mut self, mut data: &[u8]) -> io::Result<usize> {
        let n = data.len();
        while !data.is_empty() {
            if self.buf.len() == fmt::BLOCK as usize {
                self.seal_block(false)?;
            }
            let take = (fmt::BLOCK as usize - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        Ok(n)
    }

    /// Writes out sealed blocks only: the open block stays until it is known to be last
    /// or not.
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl TerminatingWrite for SealingWriter<BufWriter<File>> {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.finish()?;
        self.out.get_ref().sync_data()
    }
}

/// One sealed file, read by position (shared by every thread: no cursor is used).
#[derive(Debug)]
struct SealedFile {
    file: File,
    cipher: BlockCipher,
    name: PathBuf,
    /// Plaintext length.
    len: usize,
    reads: Reads,
}

impl HasLen for SealedFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for SealedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.start > range.end || range.end > self.len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "read past the end of an index file",
            ));
        }
        match &self.reads {
            Reads::Whole(kept) => {
                let whole = match kept.get() {
                    Some(w) => w,
                    None => {
                        let w = self.decrypt(0..self.len)?;
                        kept.get_or_init(|| w)
                    }
                };
                Ok(whole.slice(range))
            }
            Reads::Shared(held) => {
                let key = (range.start, range.end);
                let lock = || held.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(bytes) = lock().get(&key).and_then(Weak::upgrade) {
                    return Ok(OwnedBytes::new(bytes));
                }
                // Decrypted without the lock; a thread that raced us may have kept its own.
                let fresh: Arc<[u8]> = Arc::from(self.decrypt(range)?.as_slice());
                let mut held = lock();
                if let Some(bytes) = held.get(&key).and_then(Weak::upgrade) {
                    return Ok(OwnedBytes::new(bytes));
                }
                held.retain(|_, w| w.strong_count() > 0);
                held.insert(key, Arc::downgrade(&fresh));
                Ok(OwnedBytes::new(fresh))
            }
            Reads::Recent(recent, file) => {
                let key = (*file, range.start, range.end);
                if let Some(bytes) = recent.get(key) {
                    return Ok(bytes);
                }
                let (fresh, held) = self.decrypt_held(range)?;
                recent.keep(key, fresh.clone(), held);
                Ok(fresh)
            }
            Reads::ByRange => self.decrypt(range),
        }
    }
}

impl SealedFile {
    /// Read and authenticate the blocks holding `range`, and give its plaintext.
    fn decrypt(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        Ok(self.decrypt_held(range)?.0)
    }

    /// [`SealedFile::decrypt`], with the bytes of memory the plaintext holds while it is
    /// kept (the whole blocks read, not only the range).
    fn decrypt_held(&self, range: Range<usize>) -> io::Result<(OwnedBytes, usize)> {
        if range.is_empty() {
            return Ok((OwnedBytes::empty(), 0));
        }
        let plain = self.len as u64;
        let (first, last) = (
            range.start as u64 / fmt::BLOCK,
            (range.end as u64 - 1) / fmt::BLOCK,
        );
        let (offset, _) = fmt::block_span(first, plain);
        let (last_offset, last_len) = fmt::block_span(last, plain);
        let mut buf = vec![0u8; (last_offset + last_len - offset) as usize];
        read_exact_at(&self.file, &mut buf, offset)?;
        // Decrypt each block in place and move its plaintext down over the tags before it.
        let final_block = fmt::blocks(plain) - 1;
        let mut plain_end = 0;
        let mut at = 0;
        for block in first..=last {
            let (_, stored) = fmt::block_span(block, plain);
            let sealed = &mut buf[at..at + stored as usize];
            let n = self
                .cipher
                .open(fmt::nonce(block), &fmt::aad(block == final_block), sealed)
                .ok_or_else(|| damaged(&self.name))?;
            buf.copy_within(at..at + n, plain_end);
            plain_end += n;
            at += stored as usize;
        }
        buf.truncate(plain_end);
        let held = buf.capacity();
        let skip = range.start - (first * fmt::BLOCK) as usize;
        Ok((OwnedBytes::new(buf).slice(skip..skip + range.len()), held))
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod suite;
#[cfg(test)]
mod tests;
