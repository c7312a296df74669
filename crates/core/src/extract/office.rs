//! Text of office documents: OOXML (DOCX, XLSX/XLSM, PPTX) and OpenDocument (ODT, ODS, ODP).
//!
//! The zip container is read under strict limits (part size, total size, entry count) so
//! that zip bombs are refused, every XML part is parsed streaming with `quick_xml`, and only
//! the visible text is kept. Spreadsheet rows keep their non-empty cells, tab-separated;
//! empty cells and empty rows are left out.

use crate::error::{Error, Result};

mod odf;
mod ooxml;
mod package;
#[cfg(test)]
mod tests;
mod xml;

use odf::*;
use ooxml::*;
use package::*;
use xml::*;

/// Largest decompressed size of one part that we read.
pub(super) const MAX_PART: u64 = 64 << 20;
/// Largest decompressed size of all the parts read from one document.
pub(super) const MAX_TOTAL: u64 = 256 << 20;
/// Most entries a container may have.
pub(super) const MAX_ENTRIES: usize = 10_000;
/// Text output beyond this is dropped (truncation, not an error).
pub(super) const MAX_TEXT: usize = 32 << 20;
/// Cap on repetitions (ODS repeated cells and rows, `text:s` space counts).
pub(super) const MAX_REPEAT: usize = 256;
/// Signature of an OLE compound file (what an encrypted OOXML file is).
pub(super) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The office formats this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OfficeKind {
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
    Odp,
}

impl OfficeKind {
    /// The kind for a MIME type (parameters and letter case are ignored; the macro-enabled
    /// DOCM, XLSM and PPTM are read like their plain counterparts).
    pub(crate) fn from_mime(mime: &str) -> Option<Self> {
        let essence = mime.split(';').next().unwrap_or_default().trim();
        Some(match essence.to_ascii_lowercase().as_str() {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.ms-word.document.macroenabled.12" => Self::Docx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.ms-excel.sheet.macroenabled.12" => Self::Xlsx,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            | "application/vnd.ms-powerpoint.presentation.macroenabled.12" => Self::Pptx,
            "application/vnd.oasis.opendocument.text" => Self::Odt,
            "application/vnd.oasis.opendocument.spreadsheet" => Self::Ods,
            "application/vnd.oasis.opendocument.presentation" => Self::Odp,
            _ => return None,
        })
    }

    /// The kind's name as people know it (its usual extension).
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Docx => "DOCX",
            Self::Xlsx => "XLSX",
            Self::Pptx => "PPTX",
            Self::Odt => "ODT",
            Self::Ods => "ODS",
            Self::Odp => "ODP",
        }
    }
}

/// What was extracted from an office document.
#[derive(Debug, Default)]
pub(crate) struct OfficeText {
    /// Text per unit: page breaks are not known for word processing files, so a DOCX/ODT is
    /// one unit numbered 1; a spreadsheet has one unit per sheet (1-based, in workbook
    /// order) and a presentation one per slide (1-based, in presentation order).
    pub units: Vec<(u32, String)>,
    /// `dc:title` of docProps/core.xml or meta.xml.
    pub title: Option<String>,
    /// `dc:creator` (ODF: falls back to `meta:initial-creator`).
    pub author: Option<String>,
    /// Sheet names for spreadsheets; empty otherwise.
    pub sheet_or_slide_names: Vec<String>,
}

/// Whether an office document is password protected, found without reading its text:
/// an encrypted OOXML file is an OLE container, an encrypted ODF file says so in its
/// manifest. (LibreOffice is not given such a file: it could only fail.)
pub(crate) fn is_protected(data: &[u8], kind: OfficeKind) -> bool {
    let mut pkg = match Package::open(data) {
        Ok(p) => p,
        Err(e) => return matches!(e, Error::PasswordProtected),
    };
    matches!(kind, OfficeKind::Odt | OfficeKind::Ods | OfficeKind::Odp)
        && lenient(pkg.read("META-INF/manifest.xml"))
            .ok()
            .flatten()
            .is_some_and(|m| content_is_encrypted(&m))
}

/// Extract the text and metadata of an office document held in memory.
pub(crate) fn extract_office(data: &[u8], kind: OfficeKind) -> Result<OfficeText> {
    let mut pkg = Package::open(data)?;
    let mut out = OfficeText::default();
    let mut budget = Budget::new(MAX_TEXT);
    let odf = matches!(kind, OfficeKind::Odt | OfficeKind::Ods | OfficeKind::Odp);
    let (main, meta) = if odf {
        ("content.xml".to_owned(), "meta.xml".to_owned())
    } else {
        let root = lenient(pkg.rels(""))?;
        let target = |suffix: &str| {
            let rel = root.iter().find(|r| r.kind.ends_with(suffix));
            rel.map(|r| r.target.clone())
        };
        let default = match kind {
            OfficeKind::Docx => "word/document.xml",
            OfficeKind::Xlsx => "xl/workbook.xml",
            _ => "ppt/presentation.xml",
        };
        let main = target("/officeDocument").filter(|t| pkg.find(t).is_some());
        let meta = target("/core-properties");
        let meta = meta.unwrap_or_else(|| "docProps/core.xml".to_owned());
        (main.unwrap_or_else(|| default.to_owned()), meta)
    };
    // A damaged manifest is no proof of encryption: an encrypted content.xml fails anyway.
    if odf
        && let Some(manifest) = lenient(pkg.read("META-INF/manifest.xml"))?
        && content_is_encrypted(&manifest)
    {
        return Err(Error::PasswordProtected);
    }
    let Some(xml) = pkg.read(&main)? else {
        return Err(Error::MissingPart {
            kind: kind.label(),
            part: main,
        });
    };
    match kind {
        OfficeKind::Docx => docx(&mut pkg, &main, &xml, &mut budget, &mut out)?,
        OfficeKind::Xlsx => xlsx(&mut pkg, &main, &xml, &mut budget, &mut out)?,
        OfficeKind::Pptx => pptx(&mut pkg, &main, &xml, &mut budget, &mut out)?,
        OfficeKind::Odt | OfficeKind::Ods | OfficeKind::Odp => {
            let mut state = OdfState::new(kind, &mut budget, &mut out);
            walk(&xml, |tag| state.on(tag))?;
            state.end_unit();
        }
    }
    // Metadata is a bonus: a damaged or missing properties part does not fail the document.
    if let Some(xml) = lenient(pkg.read(&meta))?
        && let Ok((title, author)) = metadata(&xml)
    {
        (out.title, out.author) = (title, author);
    }
    Ok(out)
}
