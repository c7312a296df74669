//! What text extraction learns of a version: the text of each page and where it came
//! from, and the document's properties (page count, title, author, EXIF). Kept as JSON in
//! the catalog (`extract_info`), in the catalog's page texts and the search index, and
//! sent by the PDF worker; a field is only ever added, with a default.

use serde::{Deserialize, Serialize};

/// Where a page's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// The file's own text (PDF text layer, office XML, plain text).
    Layer,
    /// Tesseract.
    Ocr,
}

/// The text of one page (1-based; sheets and slides count as pages, other files have one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageText {
    pub page: u32,
    pub source: TextSource,
    pub text: String,
}

/// Photo metadata from EXIF.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExifInfo {
    pub date_taken: Option<String>,
    pub camera: Option<String>,
    /// EXIF orientation 1-8 (1 is upright).
    pub orientation: Option<u16>,
}

/// What extraction learned about a version besides its text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractInfo {
    pub page_count: Option<u32>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub created: Option<String>,
    pub protected: bool,
    pub exif: Option<ExifInfo>,
    /// Pages without a text layer, for OCR (all pages of an image).
    pub ocr_pages: Vec<u32>,
}
