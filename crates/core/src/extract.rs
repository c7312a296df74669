//! Text and metadata from document bytes: PDF (pdfium), OCR (Tesseract), office XML,
//! plain text and HTML, EXIF.
//!
//! **API boundary:** everything here is a pure function of a version's bytes (plus the
//! tools found at run time); storing results is the job runner's business
//! (`Library::process`).

pub(crate) mod ocr;
mod office;
pub(crate) mod office_pdf;
mod pdf;
mod plain;
pub mod worker;

use std::sync::Arc;
use std::time::Instant;

pub use ocr::{OcrConfig, Tesseract};
pub(crate) use office::is_protected as office_protected;
pub(crate) use office_pdf::OfficeFile;
pub use pdf::PdfiumConfig;
pub(crate) use worker::render_page as render_pdf_page;
pub use worker::{
    WorkerFailure, WorkerOptions, pdfium_available, run_pdf_worker_if_asked,
    serve as serve_pdf_worker,
};
pub(crate) use worker::{convert_office, find_on_page};

use crate::error::{Error, Result};
use crate::format::extracted::{ExifInfo, ExtractInfo, PageText, TextSource};
pub(crate) use office::OfficeKind;
#[cfg(feature = "fuzzing")]
pub(crate) use office::extract_office;
#[cfg(feature = "fuzzing")]
pub(crate) use plain::{decode_text, html_to_text};

/// What kind of extraction a version gets, from its MIME type and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Pdf,
    /// An image Tesseract reads directly.
    Image,
    Office(OfficeKind),
    Text,
    Html,
    /// No text to get (audio, archives, unknown binaries).
    Other,
}

pub(crate) fn classify(mime: &str, file_name: &str) -> Kind {
    let ext = std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if mime == "application/pdf" {
        return Kind::Pdf;
    }
    if let Some(k) = OfficeKind::from_mime(mime) {
        return Kind::Office(k);
    }
    // Encrypted OOXML files are OLE containers: the office reader recognises them.
    if mime == "application/zip" || mime == "application/x-ole-storage" {
        let k = match ext.as_str() {
            "docx" | "docm" => Some(OfficeKind::Docx),
            "xlsx" | "xlsm" => Some(OfficeKind::Xlsx),
            "pptx" | "pptm" => Some(OfficeKind::Pptx),
            "odt" => Some(OfficeKind::Odt),
            "ods" => Some(OfficeKind::Ods),
            "odp" => Some(OfficeKind::Odp),
            _ => None,
        };
        if let Some(k) = k {
            return Kind::Office(k);
        }
    }
    match mime {
        "image/jpeg" | "image/png" | "image/tiff" | "image/bmp" | "image/webp" | "image/gif" => {
            Kind::Image
        }
        "text/html" => Kind::Html,
        "text/plain"
        | "text/csv"
        | "text/tab-separated-values"
        | "text/markdown"
        | "application/xml"
        | "application/json"
        | "application/rtf" => Kind::Text,
        _ => Kind::Other,
    }
}

/// The tools found at run time and the per-document time limit.
#[derive(Debug, Clone)]
pub struct Tools {
    pub pdfium: PdfiumConfig,
    pub ocr: OcrConfig,
    /// Per-document limit for extraction and OCR.
    pub limit_secs: u64,
    /// Parallel OCR processes (one per core by default).
    pub ocr_threads: usize,
    /// LibreOffice, which draws office documents' pages (`soffice` on the `PATH` unless
    /// `DOSSIER_SOFFICE` says otherwise).
    pub office: std::path::PathBuf,
}

impl Default for Tools {
    fn default() -> Self {
        Self {
            pdfium: PdfiumConfig::default(),
            ocr: OcrConfig::default(),
            limit_secs: 300,
            ocr_threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            office: office_pdf::program(),
        }
    }
}

/// Which tools work on this machine, for `dossier about` and the app: each one works, or
/// the error that says why not (its `Display` is the plain reason).
#[derive(Debug)]
pub struct ToolStatus {
    pub pdf: Result<()>,
    /// Tesseract's version when it works.
    pub ocr: Result<String>,
    /// Office documents shown as pages (LibreOffice runs, and there is a private memory
    /// folder to convert in).
    pub office: Result<()>,
}

impl Tools {
    pub fn status(&self) -> ToolStatus {
        ToolStatus {
            pdf: pdfium_available(&self.pdfium),
            ocr: Tesseract::find(&self.ocr).map(|t| t.version),
            office: if office_pdf::memory_folder().is_none() {
                Err(Error::NotConverted {
                    problem: office_pdf::ConvertProblem::NoMemoryFolder,
                })
            } else if !office_pdf::runs(&self.office) {
                Err(Error::NotConverted {
                    problem: office_pdf::ConvertProblem::Unavailable,
                })
            } else {
                Ok(())
            },
        }
    }
}

/// Extract text and metadata; `info.ocr_pages` lists what OCR should look at.
pub(crate) fn extract(
    kind: Kind,
    bytes: Arc<Vec<u8>>,
    tools: &Tools,
    deadline: Instant,
) -> Result<(ExtractInfo, Vec<PageText>)> {
    let one_page = |text: String| -> Vec<PageText> {
        if text.trim().is_empty() {
            Vec::new()
        } else {
            vec![PageText {
                page: 1,
                source: TextSource::Layer,
                text,
            }]
        }
    };
    match kind {
        Kind::Pdf => worker::extract(&tools.pdfium, bytes, deadline, tools.limit_secs),
        Kind::Image => Ok((image_info(&bytes), Vec::new())),
        Kind::Office(k) => {
            let o = office::extract_office(&bytes, k)?;
            let info = ExtractInfo {
                page_count: Some(o.units.len() as u32),
                title: o.title,
                author: o.author,
                ..ExtractInfo::default()
            };
            let pages = o
                .units
                .into_iter()
                .filter(|(_, t)| !t.trim().is_empty())
                .map(|(page, text)| PageText {
                    page,
                    source: TextSource::Layer,
                    text,
                })
                .collect();
            Ok((info, pages))
        }
        Kind::Text => {
            let text = plain::decode_text(&bytes);
            Ok((
                ExtractInfo {
                    page_count: Some(1),
                    ..ExtractInfo::default()
                },
                one_page(text),
            ))
        }
        Kind::Html => {
            let (title, text) = plain::html_to_text(&plain::decode_text(&bytes));
            Ok((
                ExtractInfo {
                    page_count: Some(1),
                    title,
                    ..ExtractInfo::default()
                },
                one_page(text),
            ))
        }
        Kind::Other => Ok((ExtractInfo::default(), Vec::new())),
    }
}

/// The text of a whole file as `dossier process` reads it: extraction, then OCR of the
/// pages that need it when a Tesseract is given. Within the tools' time limit.
pub fn read_text(
    mime: &str,
    file_name: &str,
    bytes: Arc<Vec<u8>>,
    tools: &Tools,
    tesseract: Option<&Tesseract>,
) -> Result<(ExtractInfo, Vec<PageText>)> {
    let kind = classify(mime, file_name);
    let deadline = Instant::now() + std::time::Duration::from_secs(tools.limit_secs);
    let (info, mut pages) = extract(kind, Arc::clone(&bytes), tools, deadline)?;
    if let Some(t) = tesseract.filter(|_| !info.ocr_pages.is_empty()) {
        pages.extend(ocr(kind, bytes, &info.ocr_pages, tools, t, deadline)?);
        pages.sort_by_key(|p| p.page);
    }
    Ok((info, pages))
}

/// EXIF date, camera and orientation; every image page goes to OCR.
fn image_info(bytes: &[u8]) -> ExtractInfo {
    let exif = exif_info(bytes);
    // Multi-page TIFFs are split by Tesseract itself; page 1 stands for "the image".
    ExtractInfo {
        exif,
        ocr_pages: vec![1],
        ..ExtractInfo::default()
    }
}

pub(crate) fn exif_info(bytes: &[u8]) -> Option<ExifInfo> {
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()?;
    let text = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .map(|f| {
                f.display_value()
                    .to_string()
                    .trim_matches('"')
                    .trim()
                    .to_owned()
            })
            .filter(|s| !s.is_empty())
    };
    let camera = match (text(exif::Tag::Make), text(exif::Tag::Model)) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (a, b) => a.or(b),
    };
    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u16::try_from(v).ok());
    let info = ExifInfo {
        date_taken: text(exif::Tag::DateTimeOriginal).or_else(|| text(exif::Tag::DateTime)),
        camera,
        orientation,
    };
    (info != ExifInfo::default()).then_some(info)
}

/// Where `words` are on `page` of a scan (an image, or a PDF page that was read by OCR):
/// the page recognised again with Tesseract's word boxes, each word that contains one of
/// `words` or of a phrase's words (without regard to case, like the PDF search), as
/// fractions of the page.
pub(crate) fn find_in_scan(
    kind: Kind,
    bytes: Arc<Vec<u8>>,
    page: u32,
    words: &[String],
    tools: &Tools,
    tesseract: &Tesseract,
) -> Result<Vec<[f32; 4]>> {
    const MAX_FOUND: usize = 500;
    let limit = tools.limit_secs.min(worker::RENDER_LIMIT_SECS);
    let deadline = Instant::now() + std::time::Duration::from_secs(limit);
    let recognised = match kind {
        Kind::Image => tesseract
            .words(&bytes, deadline, limit)?
            .into_iter()
            .filter(|w| w.page == page)
            .collect(),
        Kind::Pdf => {
            let (tx, rx) = crossbeam_channel::bounded(1);
            worker::render_for_ocr(&tools.pdfium, bytes, vec![page], 300.0, tx, deadline, limit)?;
            match rx.try_recv() {
                Ok((_, image)) => tesseract.words(&ocr::to_pgm(&image), deadline, limit)?,
                Err(_) => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    // A phrase's words each (Tesseract's boxes are words).
    let wanted: Vec<String> = words
        .iter()
        .flat_map(|w| w.split_whitespace())
        .map(str::to_lowercase)
        .collect();
    Ok(recognised
        .into_iter()
        .filter(|w| {
            let text = w.text.to_lowercase();
            wanted.iter().any(|x| text.contains(x.as_str()))
        })
        .map(|w| w.bounds)
        .take(MAX_FOUND)
        .collect())
}

/// OCR the pages `info.ocr_pages` of a PDF, or a whole image, in parallel.
pub(crate) fn ocr(
    kind: Kind,
    bytes: Arc<Vec<u8>>,
    pages: &[u32],
    tools: &Tools,
    tesseract: &Tesseract,
    deadline: Instant,
) -> Result<Vec<PageText>> {
    let limit = tools.limit_secs;
    let page_text = |page, text: String| {
        let text = text.trim_end_matches(['\u{c}', '\n', ' ']).to_owned();
        (!text.trim().is_empty()).then_some(PageText {
            page,
            source: TextSource::Ocr,
            text,
        })
    };
    match kind {
        Kind::Image => {
            let text = tesseract.recognize(&bytes, deadline, limit)?;
            // Multi-page TIFF: Tesseract ends each page with a form feed.
            Ok(text
                .split('\u{c}')
                .enumerate()
                .filter_map(|(i, t)| page_text(i as u32 + 1, t.to_owned()))
                .collect())
        }
        Kind::Pdf => {
            let (img_tx, img_rx) = crossbeam_channel::bounded(tools.ocr_threads.max(1));
            let pages = pages.to_vec();
            std::thread::scope(|s| {
                let workers: Vec<_> = (0..tools.ocr_threads.max(1))
                    .map(|_| {
                        let img_rx = img_rx.clone();
                        s.spawn(move || -> Result<Vec<PageText>> {
                            let mut out = Vec::new();
                            for (page, image) in img_rx {
                                let text =
                                    tesseract.recognize(&ocr::to_pgm(&image), deadline, limit)?;
                                out.extend(page_text(page, text));
                            }
                            Ok(out)
                        })
                    })
                    .collect();
                drop(img_rx);
                let rendered = worker::render_for_ocr(
                    &tools.pdfium,
                    bytes,
                    pages,
                    300.0,
                    img_tx,
                    deadline,
                    limit,
                );
                let mut all = Vec::new();
                let mut first_err = rendered.err();
                for w in workers {
                    match w.join() {
                        Ok(Ok(p)) => all.extend(p),
                        Ok(Err(e)) => {
                            first_err.get_or_insert(e);
                        }
                        Err(_) => {
                            first_err.get_or_insert(Error::Stopped("an OCR thread panicked"));
                        }
                    }
                }
                match first_err {
                    Some(e) => Err(e),
                    None => {
                        all.sort_by_key(|p| p.page);
                        Ok(all)
                    }
                }
            })
        }
        _ => Ok(Vec::new()),
    }
}
