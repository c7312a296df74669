//! Thumbnails and page renders of versions, cached encrypted under `derived/`.
//!
//! A thumbnail is always available: the rendered first page or picture when it can be
//! made, else the generic icon of the file's type together with the reason. Page renders
//! are asked for explicitly, so they fail with the reason instead.

use std::sync::Arc;

use serde::Serialize;

use super::Library;
use crate::catalog::VersionInfo;
use crate::catalog::jobs::{Job, JobKind, JobResult, JobState};
use crate::error::ConvertProblem;
use crate::error::{Error, Result};
use crate::extract::{self, Kind, OfficeFile, Tesseract, Tools};
use crate::format::derived::DerivedName;
use crate::format::extracted::TextSource;
use crate::ids::{DocId, VersionId};
use crate::keys::Crypto;
use crate::preview::{self, THUMBNAIL_SIZE};
use crate::store::DerivedCache;

/// A PNG image of a version.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    #[serde(skip)]
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The generic icon of the file's type stands in for a page or picture.
    pub icon: bool,
    /// Why there is no real image, when the type has one but it could not be made.
    pub reason: Option<String>,
}

impl Preview {
    /// The same image fitted within `max` pixels (kept as it is when already smaller):
    /// a list row shows a thumbnail at 40 px, and a smaller image is less to decode and
    /// to keep decoded.
    pub fn fit(self, max: u32) -> Result<Self> {
        if max == 0 || (self.width <= max && self.height <= max) {
            return Ok(self);
        }
        let decoded =
            image::load_from_memory_with_format(&self.png, image::ImageFormat::Png)?.to_rgba8();
        let scale = f64::from(max) / f64::from(self.width.max(self.height));
        let w = ((f64::from(self.width) * scale).round() as u32).max(1);
        let h = ((f64::from(self.height) * scale).round() as u32).max(1);
        let small = image::imageops::thumbnail(&decoded, w, h);
        Ok(Self {
            icon: self.icon,
            reason: self.reason,
            ..Self::of(&small)?
        })
    }

    fn of(image: &image::RgbaImage) -> Result<Self> {
        Ok(Self {
            png: preview::png(image)?,
            width: image.width(),
            height: image.height(),
            icon: false,
            reason: None,
        })
    }

    fn icon(kind: Kind, reason: Option<String>) -> Result<Self> {
        Ok(Self {
            icon: true,
            reason,
            ..Self::of(&preview::icon(kind))?
        })
    }

    fn cached(png: Vec<u8>) -> Result<Self> {
        let (width, height) =
            image::ImageReader::with_format(std::io::Cursor::new(&png), image::ImageFormat::Png)
                .into_dimensions()?;
        Ok(Self {
            png,
            width,
            height,
            icon: false,
            reason: None,
        })
    }
}

/// The most words of a search marked on a page.
const MAX_MARKED_WORDS: usize = 16;

const THUMBNAIL: DerivedName = DerivedName::Thumbnail {
    size: THUMBNAIL_SIZE,
};

impl Library {
    pub(super) fn derived(&self) -> DerivedCache {
        DerivedCache::at(&self.root().join("derived"))
    }

    /// The cached image, or `make` it and cache it (a failed cache write only costs a
    /// render next time: the cache is regenerable).
    fn cached_or(
        &self,
        v: &crate::catalog::VersionInfo,
        name: DerivedName,
        make: impl FnOnce() -> Result<image::RgbaImage>,
    ) -> Result<Preview> {
        let cache = self.derived();
        // Sealed under the key of the version's collection, like its content.
        let crypto = self.content_crypto(v)?;
        if let Some(png) = cache.get(&crypto, v.id, name) {
            return Preview::cached(png);
        }
        let preview = Preview::of(&make()?)?;
        let _ = cache.put(&crypto, v.id, name, &preview.png);
        Ok(preview)
    }

    /// The 256-pixel thumbnail of a version (the current one when `number` is `None`).
    pub fn thumbnail(&self, doc: DocId, number: Option<u32>, tools: &Tools) -> Result<Preview> {
        let v = self.version(doc, number)?;
        let kind = extract::classify(&v.mime, &v.file_name);
        if !preview::has_pages(kind, tools) {
            return Preview::icon(kind, None);
        }
        // A thumbnail job that failed (after its bounded attempts: a file that crashes or
        // hangs the PDF worker) is not tried again each time the list is shown.
        if let Some((JobState::Failed, reason)) =
            self.catalog().job_outcome(v.id, JobKind::Thumbnail)?
            && self
                .derived()
                .get(&*self.content_crypto(&v)?, v.id, THUMBNAIL)
                .is_none()
        {
            return Preview::icon(kind, reason);
        }
        let rendered = self.cached_or(&v, THUMBNAIL, || {
            let (kind, bytes) = self.drawable(&v, kind, tools)?;
            preview::thumbnail(kind, &v.mime, bytes, tools)
        });
        match rendered {
            // Damage to the library itself is reported, never covered by an icon.
            Err(e) if is_content_problem(&e) => Preview::icon(kind, Some(e.to_string())),
            other => other,
        }
    }

    /// Page `page` (1-based) of a version rendered `width` pixels wide.
    pub fn render_page(
        &self,
        doc: DocId,
        number: Option<u32>,
        page: u32,
        width: u32,
        tools: &Tools,
    ) -> Result<Preview> {
        let v = self.version(doc, number)?;
        let kind = extract::classify(&v.mime, &v.file_name);
        if !preview::has_pages(kind, tools) {
            return Err(Error::NoPageImages { mime: v.mime });
        }
        self.cached_or(&v, DerivedName::Page { page, width }, || {
            let (kind, bytes) = self.drawable(&v, kind, tools)?;
            preview::page(kind, &v.mime, bytes, page, width, tools)
        })
    }

    /// What to draw a version's pages from: its own bytes, or for an office document the
    /// PDF LibreOffice made of it (converted once, kept sealed in `derived/`).
    pub(super) fn drawable(
        &self,
        v: &crate::catalog::VersionInfo,
        kind: Kind,
        tools: &Tools,
    ) -> Result<(Kind, Arc<Vec<u8>>)> {
        let Kind::Office(office) = kind else {
            return Ok((kind, self.version_content(v)?));
        };
        let cache = self.derived();
        let crypto = self.content_crypto(v)?;
        if let Some(pdf) = cache.get(&crypto, v.id, DerivedName::Rendition) {
            return Ok((Kind::Pdf, Arc::new(pdf)));
        }
        if let Some(&problem) = self.unconvertible().get(&v.id) {
            return Err(Error::NotConverted { problem });
        }
        let bytes = self.version_content(v)?;
        if extract::office_protected(&bytes, office) {
            return Err(Error::PasswordProtected);
        }
        let file = OfficeFile {
            bytes: &bytes,
            extension: extension_of(&v.file_name),
        };
        let pdf = extract::convert_office(&tools.pdfium, &[file], &tools.office, tools.limit_secs)?
            .pop()
            .expect("one conversion asked for, one answered")
            .inspect_err(|e| {
                // Alone, whatever stopped it was this file.
                if let Error::NotConverted { problem } = e
                    && problem.of_the_file()
                {
                    self.unconvertible().insert(v.id, *problem);
                }
            })?;
        let _ = cache.put(&crypto, v.id, DerivedName::Rendition, &pdf);
        Ok((Kind::Pdf, Arc::new(pdf)))
    }

    /// Convert, a batch at a time, the office documents among `versions` whose pages are
    /// not kept yet, and keep them as [`Library::drawable`] does, so that their jobs find
    /// them drawn: one start of LibreOffice for many documents instead of one for each
    /// (starting it is most of the time a small document takes). What a batch does not
    /// convert is left to the job, which tries it alone, so a file that makes LibreOffice
    /// fail or hang fails only itself. Returns how many were converted.
    pub(super) fn convert_ahead(&self, versions: &[VersionInfo], tools: &Tools) -> usize {
        let mut wanted: Vec<ToConvert<'_>> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let cache = self.derived();
        for v in versions {
            let Kind::Office(office) = extract::classify(&v.mime, &v.file_name) else {
                continue;
            };
            if !seen.insert(v.id)
                || !preview::has_pages(Kind::Office(office), tools)
                || self.unconvertible().contains_key(&v.id)
            {
                continue;
            }
            let Ok(crypto) = self.content_crypto(v) else {
                continue;
            };
            if cache.has(v.id, DerivedName::Rendition) {
                continue;
            }
            match self.version_content(v) {
                Ok(bytes) if !extract::office_protected(&bytes, office) => {
                    wanted.push((v, crypto, bytes));
                }
                _ => {}
            }
        }
        let mut converted = 0;
        for batch in batches(&wanted, |(_, _, bytes)| bytes.len()) {
            let files: Vec<OfficeFile<'_>> = batch
                .iter()
                .map(|(v, _, bytes)| OfficeFile {
                    bytes,
                    extension: extension_of(&v.file_name),
                })
                .collect();
            let Ok(pdfs) =
                extract::convert_office(&tools.pdfium, &files, &tools.office, tools.limit_secs)
            else {
                continue;
            };
            for ((v, crypto, _), pdf) in batch.iter().zip(pdfs) {
                match pdf {
                    Ok(pdf) => {
                        if cache
                            .put(crypto, v.id, DerivedName::Rendition, &pdf)
                            .is_ok()
                        {
                            converted += 1;
                        }
                    }
                    // In a batch, a crash or a stop may have been another file's.
                    Err(Error::NotConverted {
                        problem: problem @ (ConvertProblem::NoOutput | ConvertProblem::TooLarge),
                    }) => {
                        self.unconvertible().insert(v.id, problem);
                    }
                    Err(_) => {}
                }
            }
        }
        converted
    }

    fn unconvertible(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<VersionId, ConvertProblem>> {
        self.unconvertible
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Where on page `page` (1-based) of a version the words of `query` (a search as
    /// typed) are: `[left, top, width, height]` fractions of the page as drawn, so a page
    /// shown for a search hit marks them. Pictures and pages without a text layer (scans
    /// read by OCR) have no places to mark.
    pub fn find_on_page(
        &self,
        doc: DocId,
        number: Option<u32>,
        page: u32,
        query: &str,
        tools: &Tools,
    ) -> Result<Vec<[f32; 4]>> {
        let v = self.version(doc, number)?;
        let kind = extract::classify(&v.mime, &v.file_name);
        if !preview::has_pages(kind, tools) {
            return Err(Error::NoPageImages { mime: v.mime });
        }
        let mut is_field = |name: &str| self.catalog().has_field(name).unwrap_or(false);
        let mut words = crate::index::parse(query, &mut is_field)?.text_words();
        words.truncate(MAX_MARKED_WORDS);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let scanned = self.catalog().text_source(v.id, page)? == Some(TextSource::Ocr);
        let (kind, bytes) = self.drawable(&v, kind, tools)?;
        match kind {
            // A scan's words are where Tesseract sees them (it runs again: its boxes are
            // not kept).
            Kind::Pdf | Kind::Image if scanned => {
                let tesseract = Tesseract::find(&tools.ocr)?;
                extract::find_in_scan(kind, bytes, page, &words, tools, &tesseract)
            }
            Kind::Pdf => extract::find_on_page(&tools.pdfium, bytes, page, words, tools.limit_secs),
            _ => Ok(Vec::new()),
        }
    }

    /// Run a thumbnail job: render and cache, or say why the icon stays.
    pub(super) fn thumbnail_job(&self, job: &Job, kind: Kind, tools: &Tools) -> Result<JobResult> {
        if !preview::has_pages(kind, tools) {
            return Ok(JobResult::done());
        }
        let v = self.job_version(job)?;
        Ok(
            match self.cached_or(&v, THUMBNAIL, || {
                let (kind, bytes) = self.drawable(&v, kind, tools)?;
                preview::thumbnail(kind, &v.mime, bytes, tools)
            }) {
                Ok(_) => JobResult::done(),
                Err(Error::PasswordProtected) => {
                    JobResult::ended(JobState::Protected, "password protected")
                }
                Err(e @ Error::PdfiumUnavailable { .. }) => {
                    JobResult::ended(JobState::Waiting, e.to_string())
                }
                Err(e) => JobResult::ended(JobState::Failed, e.to_string()),
            },
        )
    }
}

/// Errors about a file's content or the tools, where an icon with the reason is the right
/// thumbnail; store damage and I/O errors are not among them.
fn is_content_problem(e: &Error) -> bool {
    matches!(
        e,
        Error::PasswordProtected
            | Error::Pdf(_)
            | Error::PdfiumUnavailable { .. }
            | Error::PdfWorker(_)
            | Error::TimedOut { .. }
            | Error::Image(_)
            | Error::TooLarge { .. }
            | Error::NoSuchPage { .. }
            | Error::NotConverted { .. }
    )
}

/// An office version to convert ahead: what it is, its key, its content.
type ToConvert<'a> = (&'a VersionInfo, Arc<Crypto>, Arc<Vec<u8>>);

/// The most documents LibreOffice converts in one start, and the most bytes of them.
const OFFICE_BATCH: usize = 16;
const OFFICE_BATCH_BYTES: usize = 64 << 20;

/// `items` cut into batches of at most [`OFFICE_BATCH`] items and [`OFFICE_BATCH_BYTES`]
/// bytes (an item larger than that alone).
fn batches<T>(items: &[T], size: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        let n = size(item);
        if i > start && (i - start == OFFICE_BATCH || bytes + n > OFFICE_BATCH_BYTES) {
            out.push(&items[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += n;
    }
    if start < items.len() {
        out.push(&items[start..]);
    }
    out
}

/// The extension of a file's name (`docx`), or nothing.
fn extension_of(file_name: &str) -> &str {
    std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_shrinks_to_the_longer_side_and_keeps_small_images() {
        let wide = Preview::of(&image::RgbaImage::new(256, 128)).unwrap();
        let fitted = wide.clone().fit(96).unwrap();
        assert_eq!((fitted.width, fitted.height), (96, 48));
        let decoded = image::load_from_memory(&fitted.png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (96, 48));
        assert!(fitted.png.len() < wide.png.len() || wide.png.len() < 200);
        let icon = Preview::icon(Kind::Text, Some("why".into()))
            .unwrap()
            .fit(64)
            .unwrap();
        assert!(icon.icon && icon.reason.as_deref() == Some("why"));
        assert_eq!(icon.width.max(icon.height), 64);
        let same = wide.clone().fit(300).unwrap();
        assert_eq!(same.png, wide.png);
    }

    #[test]
    fn batches_hold_at_most_sixteen_documents_and_64_mib() {
        let sizes = |v: &[usize]| {
            batches(v, |n| *n)
                .into_iter()
                .map(<[usize]>::len)
                .collect::<Vec<_>>()
        };
        assert_eq!(sizes(&[]), Vec::<usize>::new());
        assert_eq!(sizes(&[1; 40]), [16, 16, 8]);
        let mib = 1 << 20;
        assert_eq!(sizes(&[30 * mib, 30 * mib, 30 * mib, 1]), [2, 2]);
        // One larger than a batch goes alone.
        assert_eq!(sizes(&[1, 100 * mib, 1]), [1, 1, 1]);
    }
}
