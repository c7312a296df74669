//! Thumbnails and page renders of versions, cached encrypted under `derived/`.
//!
//! A thumbnail is always available: the rendered first page or picture when it can be
//! made, else the generic icon of the file's type together with the reason. Page renders
//! are asked for explicitly, so they fail with the reason instead.

use std::sync::Arc;

use serde::Serialize;

use super::Library;
use crate::catalog::jobs::{Job, JobKind, JobResult, JobState};
use crate::error::{Error, Result};
use crate::extract::{self, Kind, Tesseract, Tools};
use crate::format::derived::DerivedName;
use crate::format::extracted::TextSource;
use crate::ids::DocId;
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
        let crypto = self.crypto_for(v.content_key.as_ref())?;
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
                .get(&*self.crypto_for(v.content_key.as_ref())?, v.id, THUMBNAIL)
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
        let crypto = self.crypto_for(v.content_key.as_ref())?;
        if let Some(pdf) = cache.get(&crypto, v.id, DerivedName::Rendition) {
            return Ok((Kind::Pdf, Arc::new(pdf)));
        }
        let bytes = self.version_content(v)?;
        if extract::office_protected(&bytes, office) {
            return Err(Error::PasswordProtected);
        }
        let extension = std::path::Path::new(&v.file_name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        let pdf = extract::convert_office(
            &tools.pdfium,
            &bytes,
            extension,
            &tools.office,
            tools.limit_secs,
        )?;
        let _ = cache.put(&crypto, v.id, DerivedName::Rendition, &pdf);
        Ok((Kind::Pdf, Arc::new(pdf)))
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
}
