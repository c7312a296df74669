//! Redacting other people out of a disclosure's copy (issue 22): where another student's
//! name or number appears in a document, the exported copy has it blacked out; the
//! record itself is untouched. Pages are drawn as pictures with black boxes over each
//! word found (the words' places from the text layer, or from Tesseract on a scan) and
//! written as an image-only PDF, so nothing under a box survives in a hidden text layer.
//! Plain text has the names and numbers replaced.

use std::io::Cursor;

use image::{DynamicImage, Rgba, RgbaImage};

use super::Library;
use crate::catalog::{SubjectFilter, SubjectRecord, VersionInfo};
use crate::error::{Error, Result};
use crate::extract::{self, Kind, Tools};
use crate::ids::{DocId, SubjectId};

/// Pages are drawn this many pixels wide (about 200 dots per inch on A4 or Letter).
const PAGE_WIDTH: u32 = 1654;
/// The most pages a redacted copy has.
const MAX_PAGES: u32 = 500;

/// A version's copy with other people redacted, and how many places were blacked out.
pub(super) struct Redacted {
    pub bytes: Vec<u8>,
    /// The copy's extension (`pdf` for pages, the original's for text).
    pub extension: String,
    pub regions: u32,
}

/// The names (and other names) and numbers of people other than `student` that appear
/// in `text`, lower-cased.
fn others_in(text: &str, others: &[SubjectRecord]) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found = Vec::new();
    for p in others {
        for key in std::iter::once(&p.name)
            .chain(&p.other_names)
            .chain(std::iter::once(&p.number))
        {
            let key = key.trim().to_lowercase();
            if key.chars().count() >= 3 && lower.contains(&key) && !found.contains(&key) {
                found.push(key);
            }
        }
    }
    found
}

impl Library {
    /// Everyone whose information is redacted from `student`'s disclosure: every other
    /// person with a record (merged records of the student's own aside).
    pub(super) fn other_people(&self, student: SubjectId) -> Result<Vec<SubjectRecord>> {
        let all = self.catalog().subjects(&SubjectFilter {
            include_merged: true,
            ..SubjectFilter::default()
        })?;
        Ok(all
            .into_iter()
            .filter(|p| p.id != student && p.shown_as != Some(student))
            .collect())
    }

    /// `v` of `doc` with every other person's name and number blacked out.
    pub(super) fn redacted(
        &self,
        doc: DocId,
        v: &VersionInfo,
        others: &[SubjectRecord],
        tools: &Tools,
    ) -> Result<Redacted> {
        let texts = self.catalog().texts(v.id)?;
        let kind = extract::classify(&v.mime, &v.file_name);
        if matches!(kind, Kind::Text) {
            // The text as it was read (decoded from whatever encoding the file has).
            if texts.is_empty() {
                return Err(Error::NotReadYet {
                    title: v.file_name.clone(),
                });
            }
            let mut text = texts
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let mut regions = 0;
            for key in others_in(&text, others) {
                let (replaced, n) = replace_caseless(&text, &key);
                text = replaced;
                regions += n;
            }
            return Ok(Redacted {
                bytes: text.into_bytes(),
                extension: "txt".into(),
                regions,
            });
        }
        if !crate::preview::has_pages(kind, tools) {
            return Err(Error::NoPageImages {
                mime: v.mime.clone(),
            });
        }
        if texts.is_empty() {
            return Err(Error::NotReadYet {
                title: v.file_name.clone(),
            });
        }
        let mut pages = Vec::new();
        let mut regions = 0;
        let mut page = 1;
        while page <= MAX_PAGES {
            let drawn = match self.render_page(doc, Some(v.number), page, PAGE_WIDTH, tools) {
                Ok(p) => p,
                Err(Error::NoSuchPage { .. }) => break,
                Err(e) => return Err(e),
            };
            let mut image = image::load_from_memory(&drawn.png)
                .map_err(|e| Error::Io {
                    action: "draw",
                    path: v.file_name.clone().into(),
                    source: std::io::Error::other(e),
                })?
                .to_rgba8();
            let text = texts
                .iter()
                .filter(|t| t.page == page)
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let found = others_in(&text, others);
            if !found.is_empty() {
                let query = found
                    .iter()
                    .map(|k| format!("\"{}\"", k.replace('"', " ")))
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut marks = self.find_on_page(doc, Some(v.number), page, &query, tools)?;
                if marks.is_empty() {
                    // Words in the text that cannot be placed: the whole page is
                    // blacked out rather than one of them shown.
                    marks.push([0.0, 0.0, 1.0, 1.0]);
                }
                for mark in &marks {
                    black_out(&mut image, *mark);
                }
                regions += u32::try_from(marks.len()).unwrap_or(u32::MAX);
            }
            pages.push(jpeg(&image)?);
            page += 1;
        }
        Ok(Redacted {
            bytes: crate::report::image_pdf(&pages),
            extension: "pdf".into(),
            regions,
        })
    }
}

/// A black box over `[left, top, width, height]` (fractions of the page), a little wider
/// than the word.
fn black_out(image: &mut RgbaImage, [left, top, width, height]: [f32; 4]) {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let pad = 3.0;
    let x0 = (left * w - pad).max(0.0) as u32;
    let y0 = (top * h - pad).max(0.0) as u32;
    let x1 = (((left + width) * w + pad).min(w)) as u32;
    let y1 = (((top + height) * h + pad).min(h)) as u32;
    for y in y0..y1 {
        for x in x0..x1 {
            image.put_pixel(x, y, Rgba([0, 0, 0, 255]));
        }
    }
}

/// A page as JPEG, with its size in pixels.
fn jpeg(image: &RgbaImage) -> Result<(Vec<u8>, u32, u32)> {
    let rgb = DynamicImage::ImageRgba8(image.clone()).to_rgb8();
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&rgb)
        .map_err(|e| Error::Io {
            action: "draw",
            path: "redacted page".into(),
            source: std::io::Error::other(e),
        })?;
    Ok((out.into_inner(), rgb.width(), rgb.height()))
}

/// `text` with every case-insensitive occurrence of `key` (lower-case) replaced by
/// blocks, and how many there were.
fn replace_caseless(text: &str, key: &str) -> (String, u32) {
    let lower = text.to_lowercase();
    // Lower-casing can change lengths outside ASCII: replace only where it did not.
    if lower.len() != text.len() {
        let n = u32::try_from(lower.matches(key).count()).unwrap_or(u32::MAX);
        return (text.replace(key, &"█".repeat(key.chars().count())), n);
    }
    let mut out = String::with_capacity(text.len());
    let mut n = 0;
    let mut at = 0;
    while let Some(i) = lower[at..].find(key) {
        out.push_str(&text[at..at + i]);
        out.push_str(&"█".repeat(key.chars().count()));
        at += i + key.len();
        n += 1;
    }
    out.push_str(&text[at..]);
    (out, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_replaced_whatever_their_case() {
        let (t, n) = replace_caseless("Ben Stroud and BEN STROUD met Ada", "ben stroud");
        assert_eq!(n, 2);
        assert_eq!(t, "██████████ and ██████████ met Ada");
    }
}
