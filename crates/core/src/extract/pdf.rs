//! PDF through pdfium. These functions run only inside the PDF worker process
//! ([`super::worker`]), never in the app's or the CLI's own process: a file that crashes
//! or hangs pdfium then costs only the worker.
//!
//! libpdfium is bound dynamically, so Dossier runs without it: PDF work then waits with a
//! plain reason. The worker looks for it, in order, in the folder given by
//! [`PdfiumConfig`], in `PDFIUM_DYNAMIC_LIB_PATH`, where a package installs it beside the
//! programs, then by the system loader.

use std::io;
use std::path::{Path, PathBuf};

use pdfium_render::prelude::*;

use super::worker::protocol::{PdfProblem, Reply};
use crate::format::extracted::{ExtractInfo, PageText, TextSource};

/// Where to look for libpdfium before the defaults, and which program is the PDF worker.
#[derive(Debug, Clone, Default)]
pub struct PdfiumConfig {
    pub library_dir: Option<PathBuf>,
    /// The worker program; by default the running executable, started with
    /// [`super::worker::WORKER_ARG`] (`DOSSIER_PDF_WORKER` overrides both).
    pub worker: Option<PathBuf>,
    /// The address space a worker may use (Unix), in bytes; 2 GiB when `None`.
    pub memory_limit: Option<u64>,
}

/// The folders to look in, in order: the configured one, `PDFIUM_DYNAMIC_LIB_PATH`, then
/// where an installed Dossier keeps it beside its programs: the program's own folder
/// (Windows, and a build tree), `../lib/dossier` (a Linux package, and `target/` after
/// `scripts/setup.sh`), `../Frameworks` (a macOS app bundle).
fn candidate_dirs(library_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    dirs.extend(library_dir.map(Path::to_path_buf));
    if let Some(d) = std::env::var_os("PDFIUM_DYNAMIC_LIB_PATH") {
        dirs.push(PathBuf::from(d));
    }
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        let up = exe_dir.parent().map(Path::to_path_buf);
        dirs.push(exe_dir);
        if let Some(up) = up {
            dirs.push(up.join("lib").join("dossier"));
            if cfg!(target_os = "macos") {
                dirs.push(up.join("Frameworks"));
            }
        }
    }
    dirs
}

/// Why a library file found by the lookup must not be loaded, if it must not: on Unix,
/// a file or folder that another user could replace (writable by group or others, or
/// owned by someone other than root or the owner of the running program) would let them
/// run code as this user.
#[cfg(unix)]
fn untrusted(file: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let exe_owner = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| m.uid())
        .ok();
    let dir = file.parent().unwrap_or(Path::new("."));
    for p in [file, dir] {
        let Ok(m) = std::fs::metadata(p) else {
            return Some(format!("{} cannot be read", p.display()));
        };
        if m.mode() & 0o022 != 0 {
            return Some(format!(
                "{} is writable by other users, so it was not loaded",
                p.display()
            ));
        }
        if m.uid() != 0 && Some(m.uid()) != exe_owner {
            return Some(format!(
                "{} belongs to another user, so it was not loaded",
                p.display()
            ));
        }
    }
    None
}

#[cfg(not(unix))]
fn untrusted(_file: &Path) -> Option<String> {
    None
}

/// Load libpdfium, or say in one line why it could not be.
pub(super) fn bind(library_dir: Option<&Path>) -> Result<Pdfium, String> {
    let mut last = None;
    for dir in candidate_dirs(library_dir) {
        let path = Pdfium::pdfium_platform_library_name_at_path(&dir);
        if !path.is_file() {
            continue;
        }
        if let Some(why) = untrusted(&path) {
            last = Some(why);
            continue;
        }
        match Pdfium::bind_to_library(&path) {
            Ok(b) => return Ok(Pdfium::new(b)),
            Err(e) => last = Some(load_problem(&e)),
        }
    }
    match Pdfium::bind_to_system_library() {
        Ok(b) => Ok(Pdfium::new(b)),
        Err(e) => Err(last.unwrap_or_else(|| load_problem(&e))),
    }
}

/// Why libpdfium did not load, in one line.
fn load_problem(e: &PdfiumError) -> String {
    match e {
        PdfiumError::LoadLibraryError(e) => match std::error::Error::source(e) {
            Some(cause) => cause.to_string(),
            None => e.to_string(),
        },
        other => format!("{other:?}"),
    }
}

/// pdfium's errors as the conditions the app acts on.
pub(super) fn problem(e: &PdfiumError) -> PdfProblem {
    use PdfiumInternalError as I;
    match e {
        PdfiumError::PdfiumLibraryInternalError(i) => match i {
            I::FormatError => PdfProblem::Damaged,
            I::PasswordError | I::SecurityError => PdfProblem::PasswordProtected,
            I::PageError => PdfProblem::PageDamaged,
            I::FileError | I::Unknown => PdfProblem::Unreadable,
        },
        _ => PdfProblem::Unreadable,
    }
}

fn load<'a>(pdfium: &'a Pdfium, bytes: &'a [u8]) -> Result<PdfDocument<'a>, PdfProblem> {
    pdfium
        .load_pdf_from_byte_slice(bytes, None)
        .map_err(|e| problem(&e))
}

/// A page with fewer letters than this is treated as a scan and sent to OCR.
const MIN_TEXT_CHARS: usize = 16;

/// Text per page, document info and the pages that need OCR.
pub(super) fn extract(pdfium: &Pdfium, bytes: &[u8]) -> Reply {
    let doc = match load(pdfium, bytes) {
        Ok(d) => d,
        Err(problem) => return Reply::Failed { problem },
    };
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
    Reply::Extracted { info, pages }
}

/// Every character of a page, whatever its rotation, crop box or media box. pdfium-render's
/// `all()` keeps only what lies inside the unrotated page size from the origin, which cuts
/// text on rotated pages and on pages whose media box does not start at 0,0; characters
/// are positioned in the page's own space, so the bounds here cover any page there is.
fn all_text(text: &PdfPageText<'_>) -> String {
    const FAR: f32 = 1.0e7;
    text.inside_rect(PdfRect::new_from_values(-FAR, -FAR, FAR, FAR))
}

/// Render the given pages (1-based) at `dpi` in grey for OCR, sending each as it is made
/// so OCR of one page overlaps rendering of the next; then [`Reply::Done`].
pub(super) fn render_for_ocr(
    pdfium: &Pdfium,
    bytes: &[u8],
    pages: &[u32],
    dpi: f32,
    send: &mut dyn FnMut(&Reply, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let doc = match load(pdfium, bytes) {
        Ok(d) => d,
        Err(problem) => return send(&Reply::Failed { problem }, &[]),
    };
    for &number in pages {
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
        let image = match page.render_with_config(&config).and_then(|b| b.as_image()) {
            Ok(i) => i.into_luma8(),
            Err(e) => {
                return send(
                    &Reply::Failed {
                        problem: problem(&e),
                    },
                    &[],
                );
            }
        };
        let (width, height) = image.dimensions();
        send(
            &Reply::OcrPage {
                page: number,
                width,
                height,
            },
            image.as_raw(),
        )?;
    }
    send(&Reply::Done, &[])
}

/// Page `page` (1-based) rendered `width` pixels wide on white, its height capped at
/// `max_height` (the width shrinks to keep the aspect ratio), as RGBA pixels.
pub(super) fn render_page(
    pdfium: &Pdfium,
    bytes: &[u8],
    page: u32,
    width: u32,
    max_height: u32,
) -> (Reply, Vec<u8>) {
    let failed = |problem| (Reply::Failed { problem }, Vec::new());
    let doc = match load(pdfium, bytes) {
        Ok(d) => d,
        Err(problem) => return failed(problem),
    };
    let pages = u32::try_from(doc.pages().len()).unwrap_or(0);
    let Some(index) = page
        .checked_sub(1)
        .filter(|i| *i < pages)
        .and_then(|i| i32::try_from(i).ok())
    else {
        return (Reply::NoSuchPage { page, pages }, Vec::new());
    };
    let config = PdfRenderConfig::new()
        .set_target_width(i32::try_from(width).unwrap_or(i32::MAX))
        .set_maximum_height(i32::try_from(max_height).unwrap_or(i32::MAX))
        .set_clear_color(PdfColor::WHITE);
    let rendered = doc.pages().get(index).and_then(|p| {
        let bitmap = p.render_with_config(&config)?;
        bitmap.as_image()
    });
    match rendered {
        Ok(image) => {
            let image = image.into_rgba8();
            let (width, height) = image.dimensions();
            (Reply::Image { width, height }, image.into_raw())
        }
        Err(e) => failed(problem(&e)),
    }
}

/// The most places [`find_on_page`] reports on one page.
const MAX_FOUND: usize = 500;

/// Where on page `page` (1-based) each of `words` is (without regard to case), as
/// `[left, top, width, height]` fractions of the page as rendered (its rotation applied).
pub(super) fn find_on_page(pdfium: &Pdfium, bytes: &[u8], page: u32, words: &[String]) -> Reply {
    let doc = match load(pdfium, bytes) {
        Ok(d) => d,
        Err(problem) => return Reply::Failed { problem },
    };
    let pages = u32::try_from(doc.pages().len()).unwrap_or(0);
    let Some(p) = page
        .checked_sub(1)
        .filter(|i| *i < pages)
        .and_then(|i| i32::try_from(i).ok())
        .and_then(|i| doc.pages().get(i).ok())
    else {
        return Reply::NoSuchPage { page, pages };
    };
    let Ok(text) = p.text() else {
        return Reply::Found { boxes: Vec::new() };
    };
    // Positions in a render 1000 pixels wide, then as fractions of that render.
    let config = PdfRenderConfig::new()
        .set_target_width(1000)
        .set_maximum_height(8000);
    let to_pixels = |x: PdfPoints, y: PdfPoints| p.points_to_pixels(x, y, &config).ok();
    let (Some(a), Some(b)) = (
        to_pixels(PdfPoints::ZERO, PdfPoints::ZERO),
        to_pixels(p.width(), p.height()),
    ) else {
        return Reply::Found { boxes: Vec::new() };
    };
    let (x0, y0) = (a.0.min(b.0) as f32, a.1.min(b.1) as f32);
    let (w, h) = (
        (a.0 - b.0).unsigned_abs().max(1) as f32,
        (a.1 - b.1).unsigned_abs().max(1) as f32,
    );
    let options = PdfSearchOptions::new();
    let mut boxes = Vec::new();
    for word in words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        let Ok(search) = text.search(word, &options) else {
            continue;
        };
        for found in search.iter(PdfSearchDirection::SearchForward) {
            for segment in found.iter() {
                let r = segment.bounds();
                let (Some(c), Some(d)) = (
                    to_pixels(r.left(), r.top()),
                    to_pixels(r.right(), r.bottom()),
                ) else {
                    continue;
                };
                let left = (c.0.min(d.0) as f32 - x0) / w;
                let top = (c.1.min(d.1) as f32 - y0) / h;
                boxes.push([
                    left,
                    top,
                    (c.0 - d.0).unsigned_abs() as f32 / w,
                    (c.1 - d.1).unsigned_abs() as f32 / h,
                ]);
                if boxes.len() >= MAX_FOUND {
                    return Reply::Found { boxes };
                }
            }
        }
    }
    Reply::Found { boxes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installed_dossier_looks_beside_its_programs_after_the_configured_folder() {
        let dirs = candidate_dirs(Some(Path::new("/configured")));
        assert_eq!(dirs[0], Path::new("/configured"));
        let exe_dir = std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .to_path_buf();
        let at = |d: &Path| dirs.iter().position(|x| x == d);
        let beside = at(&exe_dir).expect("the program's folder");
        let up = exe_dir.parent().unwrap();
        let lib = at(&up.join("lib").join("dossier")).expect("../lib/dossier");
        assert!(beside < lib, "{dirs:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_library_other_users_could_replace_is_not_loaded() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let file = dir.path().join("libpdfium.so");
        std::fs::write(&file, b"not really").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(untrusted(&file), None);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
        let why = untrusted(&file).expect("a world-writable file is refused");
        assert!(why.contains("writable by other users"), "{why}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o775)).unwrap();
        let why = untrusted(&file).expect("a group-writable folder is refused");
        assert!(why.contains(&dir.path().display().to_string()), "{why}");
    }
}
