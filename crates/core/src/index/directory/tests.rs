//! The sealed index directory: ranges, caching, and files rewritten or cut.

use super::*;
use crate::keys::MasterKey;

fn key() -> Arc<IndexKey> {
    Arc::new(MasterKey::generate().folder_key().index_key())
}

/// Deterministic text-like bytes with a marker that must never be found on disk.
fn body(len: usize) -> Vec<u8> {
    let word = b"Quetzalcoatl transcript 7654321 ";
    (0..len).map(|i| word[i % word.len()]).collect()
}

fn write(d: &IndexDirectory, name: &str, data: &[u8]) {
    let mut w = d.open_write(Path::new(name)).unwrap();
    // Several writes of odd sizes, as Tantivy's serializers do.
    for part in data.chunks(1000) {
        w.write_all(part).unwrap();
    }
    w.terminate().unwrap();
}

fn read(d: &IndexDirectory, name: &str, range: Range<usize>) -> io::Result<OwnedBytes> {
    d.get_file_handle(Path::new(name))
        .unwrap()
        .read_bytes(range)
}

#[test]
fn every_range_reads_back_at_every_block_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let d = IndexDirectory::open(dir.path(), key()).unwrap();
    let b = fmt::BLOCK as usize;
    for len in [0, 1, b - 1, b, b + 1, 3 * b, 3 * b + 77] {
        let name = format!("f{len}.idx");
        let data = body(len);
        write(&d, &name, &data);
        let h = d.get_file_handle(Path::new(&name)).unwrap();
        assert_eq!(h.len(), len);
        assert_eq!(h.read_bytes(0..len).unwrap().as_slice(), &data[..]);
        for start in [0, 1, b.saturating_sub(3), b, b + 5, 2 * b - 1] {
            for end in [start, start + 1, start + 10, b + 2, 2 * b + 9, len] {
                if start <= end && end <= len {
                    assert_eq!(
                        h.read_bytes(start..end).unwrap().as_slice(),
                        &data[start..end],
                        "{name} {start}..{end}"
                    );
                }
            }
        }
        assert!(
            h.read_bytes(0..len + 1).is_err(),
            "a read past the end fails"
        );
        let stored = std::fs::metadata(dir.path().join(&name)).unwrap().len();
        assert_eq!(stored, fmt::sealed_len(len as u64));
    }
}

#[test]
fn files_hold_nothing_readable_and_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let d = IndexDirectory::open(dir.path(), key()).unwrap();
    let data = body(20_000);
    write(&d, "a.store", &data);
    d.atomic_write(Path::new("meta.json"), &data).unwrap();
    assert_eq!(d.atomic_read(Path::new("meta.json")).unwrap(), data);
    for name in ["a.store", "meta.json"] {
        let path = dir.path().join(name);
        let stored = std::fs::read(&path).unwrap();
        assert!(stored.starts_with(fmt::MAGIC));
        assert!(
            !stored.windows(12).any(|w| w == b"Quetzalcoatl"),
            "{name} holds plaintext"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{name} is {mode:o}");
        }
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
}

#[test]
fn a_changed_block_fails_only_the_reads_that_touch_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = IndexDirectory::open(dir.path(), key()).unwrap();
    let b = fmt::BLOCK as usize;
    let data = body(3 * b);
    write(&d, "a.pos", &data);
    let path = dir.path().join("a.pos");
    let mut stored = std::fs::read(&path).unwrap();
    stored[(fmt::HEADER_LEN + fmt::SEALED_BLOCK + 10) as usize] ^= 1;
    std::fs::write(&path, &stored).unwrap();
    let err = read(&d, "a.pos", b + 5..b + 6).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("a.pos"), "{err}");
    assert!(read(&d, "a.pos", 0..b + 1).is_err());
    assert_eq!(read(&d, "a.pos", 0..b).unwrap().as_slice(), &data[..b]);
    assert_eq!(
        read(&d, "a.pos", 2 * b..3 * b).unwrap().as_slice(),
        &data[2 * b..]
    );
}

#[test]
fn a_file_cut_at_a_block_renamed_or_of_another_library_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let k = key();
    let d = IndexDirectory::open(dir.path(), k.clone()).unwrap();
    let b = fmt::BLOCK as usize;
    write(&d, "a.idx", &body(3 * b));
    let path = dir.path().join("a.idx");
    let stored = std::fs::read(&path).unwrap();

    // Cut after two whole blocks: a valid length, but block 1 was not sealed as the last.
    let cut = (fmt::HEADER_LEN + 2 * fmt::SEALED_BLOCK) as usize;
    std::fs::write(dir.path().join("cut.idx"), &stored[..cut]).unwrap();
    std::fs::write(dir.path().join("b.idx"), &stored).unwrap();
    // Cut inside a block: a length no file has (a block shorter than its tag), and one
    // that looks whole but whose last block does not authenticate.
    let torn = (fmt::HEADER_LEN + fmt::SEALED_BLOCK + 5) as usize;
    std::fs::write(dir.path().join("torn.idx"), &stored[..torn]).unwrap();
    std::fs::write(dir.path().join("short.idx"), &stored[..cut - 3]).unwrap();
    std::fs::write(dir.path().join("junk.idx"), b"not an index file at all").unwrap();

    let h = d.get_file_handle(Path::new("cut.idx")).unwrap();
    assert_eq!(h.len(), 2 * b);
    assert!(h.read_bytes(b..2 * b).is_err(), "the cut is found");
    assert!(read(&d, "b.idx", 0..1).is_err(), "a renamed file");
    let short = d.get_file_handle(Path::new("short.idx")).unwrap();
    assert!(
        short.read_bytes(b..short.len()).is_err(),
        "the cut is found"
    );
    for name in ["torn.idx", "junk.idx"] {
        assert!(
            matches!(
                d.get_file_handle(Path::new(name)),
                Err(OpenReadError::IoError { .. })
            ),
            "{name}"
        );
    }
    assert!(matches!(
        d.get_file_handle(Path::new("missing.idx")),
        Err(OpenReadError::FileDoesNotExist(_))
    ));
    let other = IndexDirectory::open(dir.path(), key()).unwrap();
    assert!(
        read(&other, "a.idx", 0..1).is_err(),
        "another library's key"
    );
    assert!(read(&d, "a.idx", 0..1).is_ok());
}

#[test]
fn files_are_written_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = IndexDirectory::open(dir.path(), key()).unwrap();
    write(&d, "a.term", b"x");
    assert!(matches!(
        d.open_write(Path::new("a.term")),
        Err(OpenWriteError::FileAlreadyExists(_))
    ));
    assert!(d.exists(Path::new("a.term")).unwrap());
    d.delete(Path::new("a.term")).unwrap();
    assert!(!d.exists(Path::new("a.term")).unwrap());
}

#[test]
fn term_ranges_are_shared_while_held_and_fast_fields_kept_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = IndexDirectory::open(dir.path(), key()).unwrap();
    let data = body(5 * fmt::BLOCK as usize);
    write(&d, "s.term", &data);
    write(&d, "s.fast", &data);
    let h = d.get_file_handle(Path::new("s.term")).unwrap();
    let a = h.read_bytes(100..9000).unwrap();
    let b = h.read_bytes(100..9000).unwrap();
    assert_eq!(a.as_slice(), &data[100..9000]);
    assert_eq!(
        a.as_slice().as_ptr(),
        b.as_slice().as_ptr(),
        "one copy while held"
    );
    let other = d
        .get_file_handle(Path::new("s.term"))
        .unwrap()
        .read_bytes(0..50)
        .unwrap();
    assert_eq!(other.as_slice(), &data[..50]);
    drop((a, b));
    // Every handle on the file is the same: what it holds is what is alive.
    let file = d
        .open
        .lock()
        .unwrap()
        .get(Path::new("s.term"))
        .and_then(Weak::upgrade)
        .unwrap();
    let Reads::Shared(held) = &file.reads else {
        panic!("a term dictionary's ranges are shared");
    };
    {
        let held = held.lock().unwrap();
        assert!(
            held[&(100, 9000)].upgrade().is_none(),
            "freed once nobody holds it"
        );
        assert!(held[&(0, 50)].upgrade().is_some(), "still held");
    }
    let f = d.get_file_handle(Path::new("s.fast")).unwrap();
    let x = f.read_bytes(10..20).unwrap();
    let y = f.read_bytes(0..data.len()).unwrap();
    assert_eq!(x.as_slice(), &data[10..20]);
    assert_eq!(
        x.as_slice().as_ptr(),
        y.as_slice()[10..].as_ptr(),
        "a fast field is kept whole"
    );
}

#[test]
fn postings_and_positions_are_kept_decrypted_while_their_file_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let d = IndexDirectory::open(dir.path(), key()).unwrap();
    let data = body(3 * fmt::BLOCK as usize);
    write(&d, "s.pos", &data);
    write(&d, "s.store", &data);
    let pos = d.get_file_handle(Path::new("s.pos")).unwrap();
    let first = pos.read_bytes(10..5000).unwrap();
    assert_eq!(first.as_slice(), &data[10..5000]);
    // Counted as the two whole blocks it was decrypted from.
    let kept = d.recent.used();
    assert!(
        (4990..=2 * fmt::SEALED_BLOCK as usize).contains(&kept),
        "{kept}"
    );
    // The second read is the kept plaintext, not a second decryption.
    let again = pos.read_bytes(10..5000).unwrap();
    assert_eq!(again.as_slice().as_ptr(), first.as_slice().as_ptr());
    // Document stores are not kept.
    let store = d.get_file_handle(Path::new("s.store")).unwrap();
    store.read_bytes(0..100).unwrap();
    assert_eq!(d.recent.used(), kept);
    // Once nobody holds the file, what was kept of it goes.
    drop(pos);
    assert_eq!(d.recent.used(), 0);
    // A file written again under the same name is read afresh.
    d.delete(Path::new("s.pos")).unwrap();
    let other: Vec<u8> = data.iter().map(|b| b ^ 1).collect();
    write(&d, "s.pos", &other);
    let pos = d.get_file_handle(Path::new("s.pos")).unwrap();
    assert_eq!(
        pos.read_bytes(10..5000).unwrap().as_slice(),
        &other[10..5000]
    );
}

#[test]
fn a_lock_released_a_moment_later_is_waited_for_and_one_kept_is_refused() {
    // As when a child process started from another thread holds a copy of the lock's
    // descriptor between fork and exec.
    let dir = tempfile::tempdir().unwrap();
    let d = IndexDirectory::open(dir.path(), key()).unwrap();
    let lock = Lock {
        filepath: "writer.lock".into(),
        is_blocking: false,
    };
    let held = d.acquire_lock(&lock).unwrap();
    let (taken, waiting) = std::sync::mpsc::channel();
    let other = {
        let d = d.clone();
        let lock = Lock {
            filepath: lock.filepath.clone(),
            is_blocking: false,
        };
        std::thread::spawn(move || {
            taken.send(()).unwrap();
            d.acquire_lock(&lock).map(drop)
        })
    };
    waiting.recv().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    drop(held);
    other.join().unwrap().expect("taken once released");

    let kept = d.acquire_lock(&lock).unwrap();
    let started = std::time::Instant::now();
    assert!(matches!(d.acquire_lock(&lock), Err(LockError::LockBusy)));
    assert!(started.elapsed() >= LOCK_PATIENCE);
    drop(kept);
}
