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
        self.run(image, None, deadline, limit_secs)
    }

    /// The words of an encoded image and where each is ([`parse_tsv`]).
    pub(crate) fn words(
        &self,
        image: &[u8],
        deadline: Instant,
        limit_secs: u64,
    ) -> Result<Vec<OcrWord>> {
        Ok(parse_tsv(&self.run(
            image,
            Some("tsv"),
            deadline,
            limit_secs,
        )?))
    }

    /// Tesseract on `image`, its output as text or in `output`'s format (`tsv`).
    fn run(
        &self,
        image: &[u8],
        output: Option<&str>,
        deadline: Instant,
        limit_secs: u64,
    ) -> Result<String> {
        let mut child = command(&self.config)
            .args(["stdin", "stdout", "-l", &self.config.languages])
            .args(output)
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

/// The most words read of one image's TSV (a page of small print has a few thousand).
const MAX_WORDS: usize = 100_000;

/// A word Tesseract recognised: its page (1-based) and its box as fractions of the page
/// (left, top, width, height).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OcrWord {
    pub page: u32,
    pub text: String,
    pub bounds: [f32; 4],
}

/// Tesseract's TSV output: level 1 rows give each page's size, level 5 rows the words
/// (`level page block par line word left top width height conf text`). Rows that do not
/// parse are skipped; at most [`MAX_WORDS`] words.
pub(crate) fn parse_tsv(tsv: &str) -> Vec<OcrWord> {
    let mut words = Vec::new();
    let mut size: Option<(u32, f32, f32)> = None;
    for line in tsv.lines() {
        let cols: Vec<&str> = line.splitn(12, '\t').collect();
        let [level, page, _, _, _, _, left, top, width, height, _, text] = cols[..] else {
            continue;
        };
        let number = |s: &str| s.trim().parse::<u32>().ok();
        let (Some(level), Some(page), Some(left), Some(top), Some(width), Some(height)) = (
            number(level),
            number(page),
            number(left),
            number(top),
            number(width),
            number(height),
        ) else {
            continue;
        };
        if level == 1 {
            size = (width > 0 && height > 0).then_some((page, width as f32, height as f32));
            continue;
        }
        let text = text.trim();
        if level != 5 || text.is_empty() {
            continue;
        }
        let Some((_, w, h)) = size.filter(|(p, _, _)| *p == page) else {
            continue;
        };
        words.push(OcrWord {
            page,
            text: text.to_owned(),
            bounds: [
                left as f32 / w,
                top as f32 / h,
                width as f32 / w,
                height as f32 / h,
            ],
        });
        if words.len() >= MAX_WORDS {
            break;
        }
    }
    words
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

/// Tesseract's commonest misreading in the numbers schools give people: a capital S read
/// as a dollar sign ("$26051" for "S26051": every S-number among the scans of
/// `tests/school-docs`). The lines of `text` with a word that is a `$` and four or more
/// digits, that `$` read as `S`. A sum of money has the same shape, so callers read these
/// lines beside the text, never instead of it.
pub(crate) fn lookalike_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().filter_map(|line| {
        let mut out = String::with_capacity(line.len());
        let mut changed = false;
        let mut before = None::<char>;
        for (i, c) in line.char_indices() {
            let number = c == '$'
                && !before.is_some_and(char::is_alphanumeric)
                && line[i + 1..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .count()
                    >= 4;
            out.push(if number { 'S' } else { c });
            changed |= number;
            before = Some(c);
        }
        changed.then_some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dollar_that_begins_a_number_is_also_read_as_an_s() {
        let text = "Student number: $26051\nFee: $12\nUS$20000 and $2500.00\nNothing here";
        let lines: Vec<String> = lookalike_lines(text).collect();
        assert_eq!(
            lines,
            vec!["Student number: S26051", "US$20000 and S2500.00"],
            "$12 has too few digits; US$ is inside a word"
        );
    }

    #[test]
    fn tsv_words_are_placed_as_fractions_of_their_page() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t1000\t2000\t-1\t\n\
                   4\t1\t1\t1\t1\t0\t100\t200\t500\t40\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t100\t200\t250\t40\t96.5\tTranscript,\n\
                   5\t1\t1\t1\t1\t2\t400\t200\t100\t40\t91\t \n\
                   5\t2\t1\t1\t1\t1\t0\t0\t10\t10\t91\tno page size\n\
                   1\t2\t0\t0\t0\t0\t0\t0\t500\t500\t-1\t\n\
                   5\t2\t1\t1\t1\t1\t50\t100\t100\t25\t88\tgrades\n\
                   5\tx\tgarbage\n";
        let words = parse_tsv(tsv);
        assert_eq!(
            words,
            [
                OcrWord {
                    page: 1,
                    text: "Transcript,".into(),
                    bounds: [0.1, 0.1, 0.25, 0.02]
                },
                OcrWord {
                    page: 2,
                    text: "grades".into(),
                    bounds: [0.1, 0.2, 0.2, 0.05]
                },
            ]
        );
        assert!(parse_tsv("").is_empty());
    }
}
