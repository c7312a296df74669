//! OCR with the Tesseract command line, one process per image.
//!
//! A separate process per page keeps a Tesseract crash or hang out of Dossier (the page's
//! process is killed at the document's deadline), lets pages run in parallel with
//! `OMP_THREAD_LIMIT=1` each, and makes a missing Tesseract an ordinary, reported state.
//! Images go through stdin and text comes back on stdout: no temporary files.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use crossbeam_channel::bounded;

use crate::error::{Error, Result};

/// Which Tesseract to run and with which languages.
#[derive(Debug, Clone)]
pub struct OcrConfig {
    /// The program; `tesseract` on the `PATH` by default.
    pub program: PathBuf,
    /// Tesseract language codes joined by `+`, e.g. `eng+fra`.
    pub languages: String,
}

impl Default for OcrConfig {
    fn default() -> Self {
        Self {
            program: std::env::var_os("DOSSIER_TESSERACT")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("tesseract")),
            languages: std::env::var("DOSSIER_OCR_LANGUAGES").unwrap_or_else(|_| "eng".into()),
        }
    }
}

/// A Tesseract that answered and has the configured languages.
#[derive(Debug, Clone)]
pub struct Tesseract {
    config: OcrConfig,
    pub version: String,
}

fn command(config: &OcrConfig) -> Command {
    let mut c = Command::new(&config.program);
    c.env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

impl Tesseract {
    /// Check that Tesseract runs and has every configured language.
    pub fn find(config: &OcrConfig) -> Result<Self> {
        let unavailable = |source| Error::TesseractUnavailable {
            program: config.program.clone(),
            source,
        };
        let out = command(config)
            .arg("--version")
            .output()
            .map_err(unavailable)?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let version = text.lines().next().unwrap_or("tesseract").trim().to_owned();
        let langs = command(config)
            .arg("--list-langs")
            .output()
            .map_err(unavailable)?;
        let listed = String::from_utf8_lossy(&langs.stdout).into_owned();
        let have: Vec<&str> = listed.lines().skip(1).map(str::trim).collect();
        for lang in config.languages.split('+').filter(|l| !l.is_empty()) {
            if !have.contains(&lang) {
                return Err(Error::OcrLanguageMissing {
                    language: lang.to_owned(),
                });
            }
        }
        Ok(Self {
            config: config.clone(),
            version,
        })
    }

    /// Recognise the text of an encoded image (PNG, JPEG, TIFF incl. multi-page, BMP,
    /// WebP, GIF, PNM). Multi-page images give pages separated by form feeds.
    pub fn recognize(&self, image: &[u8], deadline: Instant, limit_secs: u64) -> Result<String> {
        let mut child = command(&self.config)
            .args(["stdin", "stdout", "-l", &self.config.languages])
            .stdin(Stdio::piped())
            .spawn()
            .map_err(|source| Error::TesseractUnavailable {
                program: self.config.program.clone(),
                source,
            })?;
        let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(Error::Stopped("tesseract pipes were not set up"));
        };
        let (done_tx, done_rx) = bounded(1);
        std::thread::scope(|s| {
            s.spawn(move || {
                // A failed write means Tesseract exited early; its status says why.
                let _ = stdin.write_all(image);
            });
            s.spawn(move || {
                let mut out = Vec::new();
                let mut err = Vec::new();
                let _ = stdout.read_to_end(&mut out);
                let _ = stderr.read_to_end(&mut err);
                let _ = done_tx.send((out, err));
            });
            let remaining = deadline.saturating_duration_since(Instant::now());
            let outcome = done_rx.recv_timeout(remaining);
            if outcome.is_err() {
                // Past the deadline: stop the process; the reader threads then see EOF.
                let _ = child.kill();
            }
            let status = child.wait();
            let (out, err) = match outcome {
                Ok(o) => o,
                Err(_) => return Err(Error::TimedOut { limit_secs }),
            };
            let status = status.map_err(|source| Error::TesseractUnavailable {
                program: self.config.program.clone(),
                source,
            })?;
            if !status.success() {
                let message = String::from_utf8_lossy(&err)
                    .lines()
                    .rfind(|l| !l.trim().is_empty())
                    .unwrap_or("no message")
                    .to_owned();
                return Err(Error::Ocr {
                    status: status.to_string(),
                    message,
                });
            }
            Ok(String::from_utf8_lossy(&out).into_owned())
        })
    }
}

/// Encode a grayscale page as binary PGM (P5): Tesseract reads it directly and it costs
/// nothing to write, unlike PNG.
pub(crate) fn to_pgm(image: &image::GrayImage) -> Vec<u8> {
    let header = format!("P5\n{} {}\n255\n", image.width(), image.height());
    let mut out = Vec::with_capacity(header.len() + image.as_raw().len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(image.as_raw());
    out
}
