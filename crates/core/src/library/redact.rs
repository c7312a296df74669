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

/// Every word (of three characters or more) of other people's names, other names and
/// numbers that appears in `text` as a word of its own, whatever its case: each is
/// redacted wherever it appears, so a name broken across lines or written surname first
/// is found too.
fn others_in(text: &str, others: &[SubjectRecord]) -> Vec<String> {
    let words: std::collections::HashSet<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut found = Vec::new();
    for p in others {
        let keys = std::iter::once(&p.name)
            .chain(&p.other_names)
            .chain(std::iter::once(&p.number));
        for key in keys {
            for part in key.split(|c: char| !c.is_alphanumeric()) {
                let part = part.to_lowercase();
                if part.chars().count() >= 3 && words.contains(&part) && !found.contains(&part) {
                    found.push(part);
                }
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
                let (replaced, n) = replace_word(&text, &key);
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
        // Words of other people anywhere in the document: an office document's text is
        // one block (or one per sheet), not one per page drawn.
        let all_text: String = texts.iter().map(|t| format!("{}\n", t.text)).collect();
        let in_document = others_in(&all_text, others);
        let per_page = matches!(kind, Kind::Pdf | Kind::Image);
        let mut pages = Vec::new();
        let mut regions = 0;
        let mut page = 1;
        loop {
            if page > MAX_PAGES {
                return Err(Error::TooLarge {
                    what: "pages to redact",
                    limit: u64::from(MAX_PAGES),
                });
            }
            let drawn = match self.render_page(doc, Some(v.number), page, PAGE_WIDTH, tools) {
                Ok(p) => p,
                Err(Error::NoSuchPage { .. }) if page > 1 => break,
                Err(e) => return Err(e),
            };
            let mut image = image::load_from_memory(&drawn.png)?.to_rgba8();
            let marks = if per_page {
                let text = texts
                    .iter()
                    .filter(|t| t.page == page)
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                if text.trim().is_empty() && !in_document.is_empty() {
                    // A page of a document that names others, with no words read on it:
                    // what it shows cannot be checked, so none of it goes out.
                    vec![WHOLE_PAGE]
                } else {
                    self.placed(
                        doc,
                        v.number,
                        page,
                        &others_in(&text, others),
                        OnPage::Each,
                        tools,
                    )?
                }
            } else {
                self.placed(doc, v.number, page, &in_document, OnPage::Some, tools)?
            };
            for mark in &marks {
                black_out(&mut image, *mark);
            }
            regions += u32::try_from(marks.len()).unwrap_or(u32::MAX);
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

/// The whole page, as a mark.
const WHOLE_PAGE: [f32; 4] = [0.0, 0.0, 1.0, 1.0];

/// What is known of the words looked for on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnPage {
    /// Each is in the page's own text: one that cannot be placed blacks out the page.
    Each,
    /// Each is somewhere in the document (its text is not kept page by page).
    Some,
}

impl Library {
    /// Where each of `words` is on `page`, one search per word (a page search marks a
    /// few words at a time). Words known to be on the page ([`OnPage::Each`]) that cannot
    /// be placed black out the whole page rather than stay readable.
    fn placed(
        &self,
        doc: DocId,
        number: u32,
        page: u32,
        words: &[String],
        known: OnPage,
        tools: &Tools,
    ) -> Result<Vec<[f32; 4]>> {
        let mut marks = Vec::new();
        for word in words {
            let found =
                self.find_on_page(doc, Some(number), page, &format!("\"{word}\""), tools)?;
            if found.is_empty() && known == OnPage::Each {
                return Ok(vec![WHOLE_PAGE]);
            }
            marks.extend(found);
        }
        Ok(marks)
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
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&rgb)?;
    Ok((out.into_inner(), rgb.width(), rgb.height()))
}

/// `text` with every word of other people's names and numbers blacked out (a title, a
/// file name).
pub(super) fn redact_words(text: &str, others: &[SubjectRecord]) -> String {
    others_in(text, others)
        .iter()
        .fold(text.to_owned(), |t, key| replace_word(&t, key).0)
}

/// `text` with every occurrence of the word `key` (lower-case), whatever its case,
/// replaced by blocks, and how many there were.
fn replace_word(text: &str, key: &str) -> (String, u32) {
    let mut n = 0;
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let mut flush = |word: &mut String, out: &mut String| {
        if word.to_lowercase() == key {
            out.push_str(&"█".repeat(word.chars().count()));
            n += 1;
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    (out, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_replaced_whatever_their_case_and_only_whole() {
        let (t, n) = replace_word("Stroud, Ben and BEN met Benedict (ben)", "ben");
        assert_eq!(n, 3);
        assert_eq!(t, "Stroud, ███ and ███ met Benedict (███)");
        let ben = SubjectRecord {
            name: "Ben Stroud".into(),
            number: "3002".into(),
            ..test_record()
        };
        assert_eq!(
            others_in("STROUD,\nBen — no. 3002; Benedict", &[ben]),
            ["ben", "stroud", "3002"]
        );
    }

    fn test_record() -> SubjectRecord {
        SubjectRecord {
            id: SubjectId::new(),
            kind: crate::format::subject::SubjectKind::Student,
            number: String::new(),
            name: String::new(),
            other_names: Vec::new(),
            birth_date: None,
            programme: None,
            enrolled: None,
            left: None,
            status: None,
            directory_opt_out: None,
            merged_into: None,
            shown_as: None,
            collection: "all".into(),
            created: String::new(),
            updated: String::new(),
            documents: 0,
        }
    }
}
