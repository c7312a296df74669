//! The PDF worker for this crate's own tests and benchmarks (the CLI and the app are their
//! own workers: they start themselves with `--dossier-pdf-worker`). It is the real worker,
//! except that a document holding one of these markers makes it misbehave, for the tests
//! that prove a bad worker fails only that document:
//!
//! - `%DOSSIER-TEST-HANG`: never answers;
//! - `%DOSSIER-TEST-ALLOC`: allocates without bound (until its memory limit stops it);
//! - `%DOSSIER-TEST-CRASH`: dies as pdfium crashing would (SIGSEGV on Unix).

use std::process::ExitCode;

use dossier_core::{WorkerOptions, serve_pdf_worker};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn misbehave(document: &[u8]) {
    if contains(document, b"%DOSSIER-TEST-HANG") {
        loop {
            std::thread::park();
        }
    }
    if contains(document, b"%DOSSIER-TEST-ALLOC") {
        let mut kept: Vec<Vec<u8>> = Vec::new();
        loop {
            // Touch every page, as a runaway decoder would.
            kept.push(vec![1u8; 64 << 20]);
        }
    }
    if contains(document, b"%DOSSIER-TEST-CRASH") {
        // Rust's runtime catches the first SIGSEGV (to tell stack overflows apart), puts
        // the default action back and returns; the second one kills, as a fault would.
        #[cfg(unix)]
        for _ in 0..2 {
            let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGSEGV);
        }
        std::process::abort();
    }
}

fn main() -> ExitCode {
    let Some(opts) = WorkerOptions::from_args(std::env::args_os().skip(1)) else {
        eprintln!("usage: dossier-test-pdf-worker --dossier-pdf-worker [options]");
        return ExitCode::FAILURE;
    };
    serve_pdf_worker(&opts, misbehave)
}
