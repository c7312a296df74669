//! What the app and the PDF worker say to each other over the worker's standard input and
//! output: frames of a JSON header and a binary body.
//!
//! ```text
//! header length (u32 LE) | header (JSON) | body length (u64 LE) | body
//! ```
//!
//! The parent sends a [`Request`] with the PDF's bytes as the body; the worker answers
//! with one [`Reply`] (several for [`Request::RenderForOcr`]: one image per page, then
//! [`Reply::Done`]; a PDF or a problem per office document for [`Request::ConvertOffice`]). The
//! first frame a worker sends is [`Reply::Ready`] or
//! [`Reply::Unavailable`]. Both sides bound what they read: a header of at most
//! [`MAX_HEADER`] bytes and a body of at most [`MAX_BODY`].

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

pub use crate::extract::office_pdf::ConvertProblem;
use crate::format::extracted::{ExtractInfo, PageText};

/// The version of this protocol, in [`Reply::Ready`]: a worker of another build is refused.
pub const PROTOCOL: u32 = 3;
/// The largest header either side reads (page texts travel in headers).
pub const MAX_HEADER: u32 = 256 << 20;
/// The largest body either side reads: a PDF up to the extraction limit, or an image.
pub const MAX_BODY: u64 = 1 << 30;

/// Work for the worker; the body is the PDF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Text per page, document info and the pages that need OCR.
    Extract,
    /// Page `page` (1-based) `width` pixels wide on white, at most `max_height` high.
    Render {
        page: u32,
        width: u32,
        max_height: u32,
    },
    /// Pages rendered in grey at `dpi` for OCR, one reply each.
    RenderForOcr { pages: Vec<u32>, dpi: f32 },
    /// Where on page `page` (1-based) each of `words` is.
    FindOnPage { page: u32, words: Vec<String> },
    /// The office documents in the body, one after the other, each as a PDF, made by one
    /// start of LibreOffice (`program`) within `limit_secs`: one reply per document, in
    /// their order.
    ConvertOffice {
        files: Vec<OfficePart>,
        program: std::path::PathBuf,
        limit_secs: u64,
    },
}

/// One document of a [`Request::ConvertOffice`]: its file's extension (e.g. `docx`) and
/// how many bytes of the body it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficePart {
    pub extension: String,
    pub length: u64,
}

/// The documents a [`Request::ConvertOffice`] body holds; `None` when the lengths do not
/// add up to the body.
pub(crate) fn office_parts<'a>(
    parts: &'a [OfficePart],
    body: &'a [u8],
) -> Option<Vec<crate::extract::office_pdf::OfficeFile<'a>>> {
    let mut rest = body;
    let mut files = Vec::with_capacity(parts.len());
    for part in parts {
        let length = usize::try_from(part.length).ok()?;
        let (bytes, after) = rest.split_at_checked(length)?;
        files.push(crate::extract::office_pdf::OfficeFile {
            bytes,
            extension: &part.extension,
        });
        rest = after;
    }
    rest.is_empty().then_some(files)
}

/// Why the worker could not do what it was asked (defined with the errors it becomes).
pub use crate::error::PdfProblem;

/// The worker's answer; images carry their pixels in the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// Started, pdfium loaded; the worker's protocol version.
    Ready {
        protocol: u32,
    },
    /// pdfium could not be loaded: the loader's own words.
    Unavailable {
        problem: String,
    },
    Extracted {
        info: ExtractInfo,
        pages: Vec<PageText>,
    },
    /// RGBA pixels, row by row.
    Image {
        width: u32,
        height: u32,
    },
    /// Grey pixels of page `page`, row by row.
    OcrPage {
        page: u32,
        width: u32,
        height: u32,
    },
    /// The last reply of a [`Request::RenderForOcr`].
    Done,
    /// The places [`Request::FindOnPage`] found: `[left, top, width, height]` as
    /// fractions of the page as it is drawn (so they scale with any render of it).
    Found {
        boxes: Vec<[f32; 4]>,
    },
    /// The PDF of one document of a [`Request::ConvertOffice`], in the body.
    Converted,
    /// Why one document of a [`Request::ConvertOffice`] made no PDF.
    NotConverted {
        problem: ConvertProblem,
    },
    NoSuchPage {
        page: u32,
        pages: u32,
    },
    Failed {
        problem: PdfProblem,
    },
}

/// Write one frame and flush it.
pub fn write_frame<T: Serialize>(out: &mut impl Write, header: &T, body: &[u8]) -> io::Result<()> {
    let header = serde_json::to_vec(header)?;
    let len = u32::try_from(header.len())
        .ok()
        .filter(|l| *l <= MAX_HEADER)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "frame header too large"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&header)?;
    out.write_all(&(body.len() as u64).to_le_bytes())?;
    out.write_all(body)?;
    out.flush()
}

/// Read one frame: `None` at a clean end of input (the other side closed it).
pub fn read_frame<T: for<'de> Deserialize<'de>>(
    input: &mut impl Read,
) -> io::Result<Option<(T, Vec<u8>)>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_HEADER {
        return Err(invalid("frame header too large"));
    }
    let header = read_exact_vec(input, u64::from(len))?;
    let header = serde_json::from_slice(&header).map_err(|_| invalid("unreadable frame header"))?;
    let mut body_len = [0u8; 8];
    input.read_exact(&mut body_len)?;
    let body_len = u64::from_le_bytes(body_len);
    if body_len > MAX_BODY {
        return Err(invalid("frame body too large"));
    }
    Ok(Some((header, read_exact_vec(input, body_len)?)))
}

/// Read exactly `len` bytes, growing the buffer as they arrive (a lying length costs
/// nothing up front).
fn read_exact_vec(input: &mut impl Read, len: u64) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(len.min(1 << 20) as usize);
    let got = input.take(len).read_to_end(&mut out)?;
    if got as u64 != len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(out)
}

fn invalid(what: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_documents_are_cut_from_the_body_only_when_their_lengths_add_up() {
        let part = |extension: &str, length| OfficePart {
            extension: extension.into(),
            length,
        };
        let body = b"first.docxsecond";
        let parts = [part("docx", 10), part("odt", 6)];
        let files = office_parts(&parts, body).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(
            (files[0].bytes, files[0].extension),
            (&b"first.docx"[..], "docx")
        );
        assert_eq!(
            (files[1].bytes, files[1].extension),
            (&b"second"[..], "odt")
        );
        for wrong in [
            vec![part("docx", 10)],
            vec![part("docx", 10), part("odt", 7)],
            vec![part("docx", u64::MAX), part("odt", 6)],
        ] {
            assert!(office_parts(&wrong, body).is_none(), "{wrong:?}");
        }
        assert!(office_parts(&[], b"").unwrap().is_empty());
    }

    #[test]
    fn frames_round_trip_and_bad_ones_are_errors() {
        let mut buf = Vec::new();
        let req = Request::Render {
            page: 2,
            width: 300,
            max_height: 900,
        };
        write_frame(&mut buf, &req, b"%PDF-1.4").unwrap();
        write_frame(&mut buf, &Request::Extract, b"").unwrap();
        let mut r = &buf[..];
        let (a, body): (Request, _) = read_frame(&mut r).unwrap().unwrap();
        assert_eq!((a, body.as_slice()), (req, &b"%PDF-1.4"[..]));
        let (b, body): (Request, _) = read_frame(&mut r).unwrap().unwrap();
        assert_eq!((b, body.len()), (Request::Extract, 0));
        assert!(
            read_frame::<Request>(&mut r).unwrap().is_none(),
            "clean end"
        );

        let cut = &buf[..buf.len() - 3];
        let mut r = cut;
        read_frame::<Request>(&mut r).unwrap();
        assert!(read_frame::<Request>(&mut r).is_err(), "a cut frame");
        let mut huge = (MAX_HEADER + 1).to_le_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        assert!(read_frame::<Request>(&mut &huge[..]).is_err());
        let mut lying = 2u32.to_le_bytes().to_vec();
        lying.extend_from_slice(b"{}");
        lying.extend_from_slice(&u64::MAX.to_le_bytes());
        assert!(read_frame::<Request>(&mut &lying[..]).is_err());
        let mut junk = 2u32.to_le_bytes().to_vec();
        junk.extend_from_slice(b"{{");
        junk.extend_from_slice(&0u64.to_le_bytes());
        assert!(read_frame::<Request>(&mut &junk[..]).is_err());
    }
}
