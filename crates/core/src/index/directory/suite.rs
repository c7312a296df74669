//! One suite of Tantivy's `Directory` contract, run against Tantivy's own directories (in
//! memory and memory-mapped) and ours, as Tantivy tests its own: what Tantivy relies on
//! must hold for the sealed directory exactly as for the plain ones.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{Directory, Lock, MmapDirectory, RamDirectory, TerminatingWrite};
use tantivy::schema::{STORED, Schema, TEXT};
use tantivy::{HasLen, Index, TantivyDocument, doc};

use super::IndexDirectory;
use crate::keys::MasterKey;

fn written(d: &dyn Directory, name: &str, data: &[u8]) {
    let mut w = d.open_write(Path::new(name)).unwrap();
    for part in data.chunks(777) {
        w.write_all(part).unwrap();
    }
    w.terminate().unwrap();
}

fn files_read_back_whole_and_in_ranges(d: &dyn Directory) {
    let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
    written(d, "a.idx", &data);
    let f = d.open_read(Path::new("a.idx")).unwrap();
    assert_eq!(f.len(), data.len());
    assert_eq!(f.read_bytes().unwrap().as_slice(), &data[..]);
    for range in [0..0, 0..1, 4095..4097, 9_000..10_000] {
        assert_eq!(
            f.slice(range.clone()).read_bytes().unwrap().as_slice(),
            &data[range]
        );
    }
    written(d, "empty.idx", b"");
    assert_eq!(d.open_read(Path::new("empty.idx")).unwrap().len(), 0);
}

fn files_are_written_once_and_missing_files_say_so(d: &dyn Directory) {
    written(d, "once.idx", b"first");
    assert!(matches!(
        d.open_write(Path::new("once.idx")),
        Err(OpenWriteError::FileAlreadyExists(_))
    ));
    assert!(matches!(
        d.open_read(Path::new("missing.idx")),
        Err(OpenReadError::FileDoesNotExist(_))
    ));
    assert!(matches!(
        d.atomic_read(Path::new("missing.json")),
        Err(OpenReadError::FileDoesNotExist(_))
    ));
    assert!(d.exists(Path::new("once.idx")).unwrap());
    assert!(!d.exists(Path::new("missing.idx")).unwrap());
}

fn deleted_files_are_gone(d: &dyn Directory) {
    written(d, "gone.idx", b"bytes");
    d.delete(Path::new("gone.idx")).unwrap();
    assert!(!d.exists(Path::new("gone.idx")).unwrap());
    assert!(matches!(
        d.delete(Path::new("gone.idx")),
        Err(DeleteError::FileDoesNotExist(_))
    ));
    // The name can be written again.
    written(d, "gone.idx", b"again");
    assert_eq!(
        d.open_read(Path::new("gone.idx"))
            .unwrap()
            .read_bytes()
            .unwrap()
            .as_slice(),
        b"again"
    );
}

fn atomic_writes_replace_whole(d: &dyn Directory) {
    d.atomic_write(Path::new("meta.json"), b"{\"one\": 1}")
        .unwrap();
    assert_eq!(
        d.atomic_read(Path::new("meta.json")).unwrap(),
        b"{\"one\": 1}"
    );
    d.atomic_write(Path::new("meta.json"), b"{}").unwrap();
    assert_eq!(d.atomic_read(Path::new("meta.json")).unwrap(), b"{}");
}

fn a_lock_is_held_by_one_at_a_time(d: &dyn Directory) {
    let lock = Lock {
        filepath: "suite.lock".into(),
        is_blocking: false,
    };
    let held = d.acquire_lock(&lock).unwrap();
    assert!(matches!(d.acquire_lock(&lock), Err(LockError::LockBusy)));
    drop(held);
    d.acquire_lock(&lock).unwrap();
}

fn an_index_over_it_finds_what_was_added(d: Box<dyn Directory>) {
    let mut schema = Schema::builder();
    let body = schema.add_text_field("body", TEXT | STORED);
    let index = Index::create(d, schema.build(), Default::default()).unwrap();
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for i in 0..50 {
        writer
            .add_document(doc!(body => format!("report card {i} of Ada")))
            .unwrap();
    }
    writer
        .add_document(doc!(body => "transcript of Grace"))
        .unwrap();
    writer.commit().unwrap();
    let searcher = index.reader().unwrap().searcher();
    let query = tantivy::query::QueryParser::for_index(&index, vec![body])
        .parse_query("transcript")
        .unwrap();
    let hits = searcher
        .search(
            &query,
            &tantivy::collector::TopDocs::with_limit(5).order_by_score(),
        )
        .unwrap();
    assert_eq!(hits.len(), 1);
    let found: TantivyDocument = searcher.doc(hits[0].1).unwrap();
    assert_eq!(
        found
            .get_first(body)
            .and_then(|v| tantivy::schema::Value::as_str(&v)),
        Some("transcript of Grace")
    );
}

/// The suite's tests, each on a fresh directory that `$make` (an expression) gives.
macro_rules! suite {
    ($name:ident, $make:expr) => {
        mod $name {
            use super::*;

            #[allow(clippy::redundant_closure_call)]
            fn make() -> (tempfile::TempDir, Box<dyn Directory>) {
                let dir = tempfile::tempdir().unwrap();
                let d: Box<dyn Directory> = ($make)(dir.path());
                (dir, d)
            }

            #[test]
            fn files_read_back_whole_and_in_ranges() {
                let (_t, d) = make();
                super::files_read_back_whole_and_in_ranges(&*d);
            }

            #[test]
            fn files_are_written_once_and_missing_files_say_so() {
                let (_t, d) = make();
                super::files_are_written_once_and_missing_files_say_so(&*d);
            }

            #[test]
            fn deleted_files_are_gone() {
                let (_t, d) = make();
                super::deleted_files_are_gone(&*d);
            }

            #[test]
            fn atomic_writes_replace_whole() {
                let (_t, d) = make();
                super::atomic_writes_replace_whole(&*d);
            }

            #[test]
            fn a_lock_is_held_by_one_at_a_time() {
                let (_t, d) = make();
                super::a_lock_is_held_by_one_at_a_time(&*d);
            }

            #[test]
            fn an_index_over_it_finds_what_was_added() {
                let (_t, d) = make();
                super::an_index_over_it_finds_what_was_added(d);
            }
        }
    };
}

suite!(ram, |_: &Path| Box::new(RamDirectory::create()));
suite!(mmap, |p: &Path| Box::new(MmapDirectory::open(p).unwrap()));
suite!(sealed, |p: &Path| Box::new(
    IndexDirectory::open(p, Arc::new(MasterKey::generate().folder_key().index_key())).unwrap()
));
