//! Where the index's files are read from: Tantivy's memory-mapped directory, except for
//! the document stores (`*.store`), the postings (`*.idx`) and the positions (`*.pos`),
//! which are read with positional reads instead.
//!
//! Scrolling a list of 100,000 documents reads the card of each one, and searching reads
//! the postings of every word typed, so memory maps of these files end with their pages
//! resident in the app's memory (tens of MiB that the system may reclaim, but which count
//! as the app's). Read with `pread`, a store costs one system call per 4 KiB block that
//! Tantivy's own block cache misses, a word's postings one call, and nothing stays
//! mapped. Term dictionaries, fast fields and norms, which Tantivy reads in place many
//! times per search, stay mapped.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, FileHandle, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};

/// [`MmapDirectory`] with the stores, postings and positions read by positional reads.
#[derive(Debug, Clone)]
pub(super) struct IndexDirectory {
    root: PathBuf,
    mapped: MmapDirectory,
}

impl IndexDirectory {
    pub(super) fn open(root: &Path) -> tantivy::Result<Self> {
        Ok(Self {
            root: root.to_owned(),
            mapped: MmapDirectory::open(root)?,
        })
    }
}

/// Files read by position: what a search or a scroll reads once per hit or per word.
fn is_read_by_position(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "store" || e == "idx" || e == "pos")
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if !is_read_by_position(path) {
            return self.mapped.get_file_handle(path);
        }
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_owned()),
            _ => OpenReadError::wrap_io_error(e, full.clone()),
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, full.clone()))?
            .len();
        let len = usize::try_from(len).map_err(|_| {
            OpenReadError::wrap_io_error(io::Error::other("file too large"), full.clone())
        })?;
        Ok(Arc::new(ReadFile { file, len }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mapped.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(watch_callback)
    }
}

/// A file read with positional reads (shared by every thread: no cursor is used).
#[derive(Debug)]
struct ReadFile {
    file: File,
    len: usize,
}

impl HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.start > range.end || range.end > self.len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "read past the end of an index file",
            ));
        }
        let mut buf = vec![0; range.len()];
        read_exact_at(&self.file, &mut buf, range.start as u64)?;
        Ok(OwnedBytes::new(buf))
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
mod tests {
    use super::*;

    #[test]
    fn stores_and_postings_are_read_by_position_and_other_files_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let d = IndexDirectory::open(dir.path()).unwrap();
        let body: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        for name in ["a.store", "a.term"] {
            std::fs::write(dir.path().join(name), &body).unwrap();
        }
        let store = d.get_file_handle(Path::new("a.store")).unwrap();
        assert_eq!(store.len(), body.len());
        assert_eq!(
            store.read_bytes(4_000..4_100).unwrap().as_slice(),
            &body[4_000..4_100]
        );
        assert!(
            store.read_bytes(9_990..10_001).is_err(),
            "a read past the end fails"
        );
        assert!(is_read_by_position(Path::new("b.idx")));
        assert!(is_read_by_position(Path::new("b.pos")));
        assert!(!is_read_by_position(Path::new("b.term")));
        let mapped = d.get_file_handle(Path::new("a.term")).unwrap();
        assert_eq!(mapped.read_bytes(0..10).unwrap().as_slice(), &body[..10]);
        assert!(matches!(
            d.get_file_handle(Path::new("missing.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
