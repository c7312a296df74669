//! Helpers for Dossier's cross-process end-to-end tests: find the built `dossier` binary,
//! make libraries, run commands; real test servers ([`servers`]) and a fault-injecting
//! proxy ([`proxy`]), also used by `dossier-sync`'s tests.

pub mod proxy;
pub mod servers;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Passphrase used by every end-to-end library.
pub const PASS: &str = "correct horse battery";

/// The `dossier` binary built in the same target folder as the running test.
pub fn dossier_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let bin = dir.join(format!("dossier{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: build the workspace first (`cargo build --workspace`)",
        bin.display()
    );
    bin
}

/// The tests' corpus: a representative subset of real documents kept in the repository
/// (`tests/corpus`, made by `scripts/make-test-corpus.py`).
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/files")
}

/// The whole corpus for benchmarks when `DOSSIER_BENCH_CORPUS` names its files folder
/// (the bench scripts set it when the shared corpus is beside the project), else the
/// tests' subset; says which on standard error.
pub fn bench_corpus() -> PathBuf {
    match std::env::var_os("DOSSIER_BENCH_CORPUS").map(PathBuf::from) {
        Some(full) if full.is_dir() => full,
        _ => {
            eprintln!(
                "no full corpus (DOSSIER_BENCH_CORPUS): measuring on the tests' subset \
                 (tests/corpus), so the figures are not comparable with docs/benchmarks.md"
            );
            corpus()
        }
    }
}

/// A `dossier` command on `library`, with the passphrase set and no terminal.
pub fn dossier(library: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(dossier_bin());
    c.arg("--library")
        .arg(library)
        .args(args)
        .env("DOSSIER_PASSPHRASE", PASS)
        .stdin(Stdio::null());
    c
}

/// Every regular file under `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("readable folder") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    out
}
