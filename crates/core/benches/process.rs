//! Processing throughput on the shared corpus: text-PDF pages per second, milliseconds per
//! thumbnail, and OCR images per second per core beside the `tesseract` command line on
//! the same images.
//!
//! `cargo bench -p dossier-core --bench process -- [--corpus DIR] [--rounds N]` (or
//! `./scripts/bench-process.sh`). Needs libpdfium (`PDFIUM_DYNAMIC_LIB_PATH`) and Tesseract
//! with English; fails when either is missing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dossier_core::{ImportOptions, InitOptions, KdfParams, Library, Listing, Tools};
use dossier_core::{Tesseract, read_text};

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> Res<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            files(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

fn ext(p: &Path) -> String {
    p.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Text PDFs (every page has a text layer): pages per second through pdfium.
fn text_pdfs(all: &[PathBuf], tools: &Tools, rounds: usize) -> Res<Vec<PathBuf>> {
    let mut chosen = Vec::new();
    let mut pages = 0u64;
    for p in all.iter().filter(|p| ext(p) == "pdf") {
        let bytes = Arc::new(std::fs::read(p)?);
        if let Ok((info, text)) = read_text("application/pdf", "x.pdf", bytes, tools, None)
            && info.ocr_pages.is_empty()
            && !text.is_empty()
        {
            pages += u64::from(info.page_count.unwrap_or(0));
            chosen.push(p.clone());
        }
    }
    let inputs: Vec<Arc<Vec<u8>>> = chosen
        .iter()
        .map(|p| std::fs::read(p).map(Arc::new))
        .collect::<Result<_, _>>()?;
    let started = Instant::now();
    for _ in 0..rounds {
        for b in &inputs {
            read_text("application/pdf", "x.pdf", Arc::clone(b), tools, None)?;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "text PDFs: {} files, {} pages x {rounds} rounds: {:.0} pages/s ({:.2} ms per page)",
        chosen.len(),
        pages,
        (pages * rounds as u64) as f64 / secs,
        secs * 1000.0 / (pages * rounds as u64) as f64
    );
    Ok(chosen)
}

/// Milliseconds per thumbnail from the library (read, decrypt, render, encode, seal).
fn thumbnails(pdfs: &[PathBuf], jpegs: &[PathBuf], tools: &Tools, rounds: usize) -> Res<()> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("library");
    let (mut lib, _) = Library::create(
        &root,
        &InitOptions {
            passphrase: "bench passphrase".to_owned().into(),
            kdf: KdfParams {
                m_cost_kib: 8 * 1024,
                t_cost: 1,
                p_cost: 1,
            },
        },
    )?;
    for (label, inputs) in [("PDF first page", pdfs), ("JPEG photo", jpegs)] {
        let staged = dir.path().join(label.replace(' ', "-"));
        std::fs::create_dir_all(&staged)?;
        for (i, p) in inputs.iter().enumerate() {
            std::fs::copy(p, staged.join(format!("{i}.{}", ext(p))))?;
        }
        let before: std::collections::HashSet<_> = lib
            .catalog()
            .list(Listing::Active)?
            .into_iter()
            .map(|d| d.id)
            .collect();
        lib.import(&[staged], &ImportOptions::default(), &mut |_| {})?;
        let docs: Vec<_> = lib
            .catalog()
            .list(Listing::Active)?
            .into_iter()
            .map(|d| d.id)
            .filter(|d| !before.contains(d))
            .collect();
        let mut ms = Vec::new();
        for _ in 0..rounds {
            for d in &docs {
                let _ = std::fs::remove_dir_all(root.join("derived"));
                let t = Instant::now();
                let p = lib.thumbnail(*d, None, tools)?;
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
                assert!(
                    !p.icon,
                    "a {label} thumbnail fell back to the icon: {:?}",
                    p.reason
                );
            }
        }
        ms.sort_by(f64::total_cmp);
        println!(
            "thumbnails, {label}: {} files x {rounds}: mean {:.1} ms, p50 {:.1} ms, p99 {:.1} ms",
            docs.len(),
            ms.iter().sum::<f64>() / ms.len() as f64,
            percentile(&ms, 0.5),
            percentile(&ms, 0.99)
        );
    }
    Ok(())
}

/// OCR of the same images by Dossier (`Tesseract::recognize`, image on stdin) and by the
/// `tesseract` command line (image from its file), one process at a time.
fn ocr(images: &[PathBuf], tools: &Tools, rounds: usize) -> Res<()> {
    let tesseract = Tesseract::find(&tools.ocr)?;
    let inputs: Vec<Vec<u8>> = images.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let limit = Duration::from_secs(600);
    let (mut ours, mut cli) = (0.0f64, 0.0f64);
    for round in 0..rounds {
        // Alternate which goes first so caches favour neither.
        for pass in 0..2 {
            let t = Instant::now();
            if (round + pass) % 2 == 0 {
                for b in &inputs {
                    tesseract.recognize(b, Instant::now() + limit, 600)?;
                }
                ours += t.elapsed().as_secs_f64();
            } else {
                for p in images {
                    let out = Command::new(&tools.ocr.program)
                        .env("OMP_THREAD_LIMIT", "1")
                        .arg(p)
                        .arg("stdout")
                        .args(["-l", &tools.ocr.languages])
                        .output()?;
                    assert!(out.status.success(), "tesseract failed on {}", p.display());
                }
                cli += t.elapsed().as_secs_f64();
            }
        }
    }
    let n = (images.len() * rounds) as f64;
    println!(
        "OCR, one core: {} images x {rounds}: Dossier {:.2} images/s, tesseract CLI {:.2} images/s, ratio (time) {:.3}x",
        images.len(),
        n / ours,
        n / cli,
        ours / cli
    );
    // All cores, the way `dossier process` runs pages.
    let threads = tools.ocr_threads.max(1);
    let t = Instant::now();
    std::thread::scope(|s| -> Res<()> {
        let chunks: Vec<&[Vec<u8>]> = inputs.chunks(inputs.len().div_ceil(threads)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let tesseract = &tesseract;
                s.spawn(move || -> dossier_core::Result<()> {
                    for b in chunk {
                        tesseract.recognize(b, Instant::now() + limit, 600)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().map_err(|_| "an OCR thread panicked")??;
        }
        Ok(())
    })?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "OCR, {threads} cores: {:.2} images/s ({:.2} per core)",
        images.len() as f64 / secs,
        images.len() as f64 / secs / threads as f64
    );
    Ok(())
}

fn main() -> Res<()> {
    let corpus = arg("--corpus").map(PathBuf::from).unwrap_or_else(|| {
        let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/files");
        if full.is_dir() {
            return full;
        }
        eprintln!(
            "the full corpus is not at {}: measuring on the tests' subset (tests/corpus), \
             so the figures are not comparable with docs/benchmarks.md",
            full.display()
        );
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/files")
    });
    let rounds: usize = arg("--rounds").map(|r| r.parse()).transpose()?.unwrap_or(3);
    let mut tools = Tools::default();
    // This crate's PDF worker: the benchmark itself is not one.
    tools.pdfium.worker = Some(env!("CARGO_BIN_EXE_dossier-test-pdf-worker").into());
    tools
        .status()
        .pdf
        .map_err(|e| format!("pdfium is required: {e}"))?;
    let mut all = Vec::new();
    files(&corpus, &mut all)?;
    all.sort();
    let pdfs = text_pdfs(&all, &tools, rounds)?;
    let jpegs: Vec<PathBuf> = all
        .iter()
        .filter(|p| ext(p) == "jpg" && p.to_string_lossy().contains("exif-samples"))
        .take(40)
        .cloned()
        .collect();
    let first_pdfs: Vec<PathBuf> = pdfs.iter().take(40).cloned().collect();
    thumbnails(&first_pdfs, &jpegs, &tools, rounds)?;
    // Latin-script scans from Tesseract's own test set (English is the language here).
    let images: Vec<PathBuf> = [
        "phototest.tif",
        "eurotext.tif",
        "deslant.tif",
        "8071_093.3B.tif",
        "8087_054.3B.tif",
        "phototestrot.tif",
        "segmodeimg.tif",
        "phototest-rotated-R.png",
    ]
    .iter()
    .map(|f| corpus.join("tesseract-ocr+test/testing").join(f))
    .filter(|p| p.is_file())
    .collect();
    ocr(&images, &tools, rounds)
}
