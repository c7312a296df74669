//! PDF through pdfium, on one dedicated thread (pdfium is not thread-safe).
//!
//! libpdfium is bound dynamically, so Dossier runs without it: PDF work then waits with a
//! plain reason. It is looked for, in order, in the folder given by [`PdfiumConfig`], in
//! `PDFIUM_DYNAMIC_LIB_PATH`, next to the executable, then by the system loader. The
//! binding is process-global: the first call decides, later configs are ignored.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use crossbeam_channel::{Sender, bounded, unbounded};
use pdfium_render::prelude::*;

use crate::catalog::jobs::{ExtractInfo, PageText, TextSource};
use crate::error::{Error, Result};

/// Where to look for libpdfium before the defaults.
#[derive(Debug, Clone, Default)]
pub struct PdfiumConfig {
    pub library_dir: Option<PathBuf>,
}

type Task = Box<dyn FnOnce(&Pdfium) + Send>;

static THREAD: OnceLock<std::result::Result<Sender<Task>, Arc<PdfiumError>>> = OnceLock::new();

fn candidates(config: &PdfiumConfig) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    dirs.extend(config.library_dir.clone());
    if let Some(d) = std::env::var_os("PDFIUM_DYNAMIC_LIB_PATH") {
        dirs.push(PathBuf::from(d));
    }
    if let Some(d) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        dirs.push(d);
    }
    dirs.into_iter()
        .map(|d| Pdfium::pdfium_platform_library_name_at_path(&d))
        .filter(|p| p.is_file())
        .collect()
}

fn bind(config: &PdfiumConfig) -> std::result::Result<Pdfium, PdfiumError> {
    let mut last = None;
    for path in candidates(config) {
        match Pdfium::bind_to_library(&path) {
            Ok(b) => return Ok(Pdfium::new(b)),
            Err(e) => last = Some(e),
        }
    }
    match Pdfium::bind_to_system_library() {
        Ok(b) => Ok(Pdfium::new(b)),
        Err(e) => Err(last.unwrap_or(e)),
    }
}

/// Start (once) the pdfium thread and return its task queue.
fn thread(config: &PdfiumConfig) -> Result<&'static Sender<Task>> {
    let started = THREAD.get_or_init(|| {
        let (ready_tx, ready_rx) = bounded(1);
        let (task_tx, task_rx) = unbounded::<Task>();
        let config = config.clone();
        let spawned = std::thread::Builder::new()
            .name("pdfium".into())
            .spawn(move || match bind(&config) {
                Ok(pdfium) => {
                    let _ = ready_tx.send(Ok(()));
                    for task in task_rx {
                        task(&pdfium);
                    }
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            });
        if let Err(e) = spawned {
            return Err(Arc::new(PdfiumError::IoError(e)));
        }
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(task_tx),
            Ok(Err(e)) => Err(Arc::new(e)),
            // The thread ended without answering: report it like a failed load.
            Err(_) => Err(Arc::new(PdfiumError::IoError(std::io::Error::other(
                "the pdfium thread ended while loading the library",
            )))),
        }
    });
    match started {
        Ok(tx) => Ok(tx),
        Err(e) => Err(Error::PdfiumUnavailable(Arc::clone(e))),
    }
}

/// Whether libpdfium can be loaded (loads it on first call).
pub fn pdfium_available(config: &PdfiumConfig) -> Result<()> {
    thread(config).map(|_| ())
}

/// Run `f` on the pdfium thread and wait for its answer.
fn run<T: Send + 'static>(
    config: &PdfiumConfig,
    f: impl FnOnce(&Pdfium) -> Result<T> + Send + 'static,
) -> Result<T> {
    let tx = thread(config)?;
    let (back_tx, back_rx) = bounded(1);
    tx.send(Box::new(move |pdfium| {
        let _ = back_tx.send(f(pdfium));
    }))
    .map_err(|_| Error::Stopped("the pdfium thread stopped"))?;
    back_rx
        .recv()
        .map_err(|_| Error::Stopped("the pdfium thread stopped"))?
}

fn load<'a>(pdfium: &'a Pdfium, bytes: &'a [u8]) -> Result<PdfDocument<'a>> {
    pdfium
        .load_pdf_from_byte_slice(bytes, None)
        .map_err(|e| match e {
            PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
                Error::PasswordProtected
            }
            other => Error::Pdf(other),
        })
}

/// A page with fewer letters than this is treated as a scan and sent to OCR.
const MIN_TEXT_CHARS: usize = 16;

/// Text per page, document info and the pages that need OCR. Stops with
/// [`Error::TimedOut`] between pages once `deadline` has passed.
pub(crate) fn extract(
    config: &PdfiumConfig,
    bytes: Arc<Vec<u8>>,
    deadline: Instant,
    limit_secs: u64,
) -> Result<(ExtractInfo, Vec<PageText>)> {
    run(config, move |pdfium| {
        let doc = load(pdfium, &bytes)?;
        let meta = doc.metadata();
        let tag = |t| {
            meta.get(t)
                .map(|v: PdfDocumentMetadataTag| v.value().trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut info = ExtractInfo {
            title: tag(PdfDocumentMetadataTagType::Title),
            author: tag(PdfDocumentMetadataTagType::Author),
            created: tag(PdfDocumentMetadataTagType::CreationDate),
            ..ExtractInfo::default()
        };
        let mut pages = Vec::new();
        let count = doc.pages().len();
        info.page_count = Some(u32::try_from(count).unwrap_or(0));
        for (i, page) in doc.pages().iter().enumerate() {
            if Instant::now() > deadline {
                return Err(Error::TimedOut { limit_secs });
            }
            let number = i as u32 + 1;
            let text = page.text().map(|t| all_text(&t)).unwrap_or_default();
            let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
            if letters < MIN_TEXT_CHARS {
                info.ocr_pages.push(number);
            }
            if !text.trim().is_empty() {
                pages.push(PageText {
                    page: number,
                    source: TextSource::Layer,
                    text,
                });
            }
        }
        Ok((info, pages))
    })
}

/// Every character of a page, whatever its rotation, crop box or media box. pdfium-render's
/// `all()` keeps only what lies inside the unrotated page size from the origin, which cuts
/// text on rotated pages and on pages whose media box does not start at 0,0; characters
/// are positioned in the page's own space, so the bounds here cover any page there is.
fn all_text(text: &PdfPageText<'_>) -> String {
    const FAR: f32 = 1.0e7;
    text.inside_rect(PdfRect::new_from_values(-FAR, -FAR, FAR, FAR))
}

/// Render the given pages (1-based) at `dpi` for OCR, handing each image to `sink` as it is
/// made so OCR of one page overlaps rendering of the next. Stops when `sink` returns false.
pub(crate) fn render_pages_for_ocr(
    config: &PdfiumConfig,
    bytes: Arc<Vec<u8>>,
    pages: Vec<u32>,
    dpi: f32,
    sink: Sender<(u32, image::GrayImage)>,
) -> Result<()> {
    run(config, move |pdfium| {
        let doc = load(pdfium, &bytes)?;
        for number in pages {
            let Ok(index) = i32::try_from(number.saturating_sub(1)) else {
                continue;
            };
            let Ok(page) = doc.pages().get(index) else {
                continue;
            };
            // Points are 1/72 inch; cap the size so a poster-sized page cannot exhaust memory.
            let width = (page.width().value / 72.0 * dpi).clamp(64.0, 5000.0) as i32;
            let config = PdfRenderConfig::new()
                .set_target_width(width)
                .set_maximum_height(7000);
            let image = page.render_with_config(&config)?.as_image()?.into_luma8();
            if sink.send((number, image)).is_err() {
                break;
            }
        }
        Ok(())
    })
}

/// The number of pages, and page `page` (1-based) rendered `width` pixels wide on white,
/// its height capped at `max_height` (the width shrinks to keep the aspect ratio).
pub(crate) fn render_page(
    config: &PdfiumConfig,
    bytes: Arc<Vec<u8>>,
    page: u32,
    width: u32,
    max_height: u32,
) -> Result<image::RgbaImage> {
    run(config, move |pdfium| {
        let doc = load(pdfium, &bytes)?;
        let pages = u32::try_from(doc.pages().len()).unwrap_or(0);
        let index = page
            .checked_sub(1)
            .filter(|i| *i < pages)
            .and_then(|i| i32::try_from(i).ok())
            .ok_or(Error::NoSuchPage { page, pages })?;
        let config = PdfRenderConfig::new()
            .set_target_width(i32::try_from(width).unwrap_or(i32::MAX))
            .set_maximum_height(i32::try_from(max_height).unwrap_or(i32::MAX))
            .set_clear_color(PdfColor::WHITE);
        let image = doc
            .pages()
            .get(index)?
            .render_with_config(&config)?
            .as_image()?
            .into_rgba8();
        Ok(image)
    })
}
