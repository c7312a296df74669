//! Thumbnails and page images from a version's bytes: the first PDF page through pdfium,
//! pictures through `image` with their EXIF orientation applied, and a generic icon per
//! type for everything else (or when a file cannot be drawn).
//!
//! **API boundary:** like [`crate::extract`], these are pure functions of the bytes;
//! caching them under `derived/` is the library's business (`Library::thumbnail`).

mod icon;

use std::io::Cursor;
use std::sync::Arc;

use image::{DynamicImage, ImageDecoder, ImageReader, RgbaImage};

use crate::error::{Error, Result};
use crate::extract::{self, Kind, Tools};

pub(crate) use icon::icon;

/// Thumbnails fit in a square of this many pixels.
pub const THUMBNAIL_SIZE: u32 = 256;
/// Bounds of `width` for page renders.
pub const MIN_RENDER_WIDTH: u32 = 16;
pub const MAX_RENDER_WIDTH: u32 = 4096;

/// Decoding a picture may allocate at most this much (a 100-megapixel photo in RGBA).
const MAX_DECODE_BYTES: u64 = 512 << 20;
/// Neither side of a picture may be longer than this; checked from its header, before
/// anything is decoded.
const MAX_PICTURE_SIDE: u32 = 16_384;

/// Whether files of this kind have page images (others get an icon): office documents
/// do where LibreOffice runs and there is a private memory folder to convert them in.
pub(crate) fn has_pages(kind: Kind, tools: &Tools) -> bool {
    match kind {
        Kind::Pdf | Kind::Image => true,
        Kind::Office(_) => {
            extract::office_pdf::memory_folder().is_some()
                && extract::office_pdf::runs(&tools.office)
        }
        _ => false,
    }
}

/// Whether a file of this type and name is shown as page images (a PDF, a picture, an
/// office document LibreOffice can convert here), rather than as its text.
pub fn page_images(mime: &str, file_name: &str, tools: &Tools) -> bool {
    has_pages(extract::classify(mime, file_name), tools)
}

/// The thumbnail of the first page or the picture, fitting in [`THUMBNAIL_SIZE`].
pub(crate) fn thumbnail(
    kind: Kind,
    mime: &str,
    bytes: Arc<Vec<u8>>,
    tools: &Tools,
) -> Result<RgbaImage> {
    let size = THUMBNAIL_SIZE;
    match kind {
        Kind::Pdf => {
            extract::render_pdf_page(&tools.pdfium, bytes, 1, size, size, tools.limit_secs)
        }
        Kind::Image => Ok(decode_picture(&bytes)?.thumbnail(size, size).into_rgba8()),
        _ => Err(Error::NoPageImages { mime: mime.into() }),
    }
}

/// Page `page` (1-based) `width` pixels wide.
pub(crate) fn page(
    kind: Kind,
    mime: &str,
    bytes: Arc<Vec<u8>>,
    page: u32,
    width: u32,
    tools: &Tools,
) -> Result<RgbaImage> {
    if !(MIN_RENDER_WIDTH..=MAX_RENDER_WIDTH).contains(&width) {
        return Err(Error::WidthOutOfRange {
            width,
            min: MIN_RENDER_WIDTH,
            max: MAX_RENDER_WIDTH,
        });
    }
    match kind {
        Kind::Pdf => extract::render_pdf_page(
            &tools.pdfium,
            bytes,
            page,
            width,
            width * 8,
            tools.limit_secs,
        ),
        Kind::Image if page == 1 => {
            let picture = decode_picture(&bytes)?;
            let height = (u64::from(picture.height()) * u64::from(width)
                / u64::from(picture.width().max(1)))
            .clamp(1, u64::from(width) * 8) as u32;
            Ok(picture
                .resize_exact(width, height, image::imageops::FilterType::Triangle)
                .into_rgba8())
        }
        Kind::Image => Err(Error::NoSuchPage { page, pages: 1 }),
        _ => Err(Error::NoPageImages { mime: mime.into() }),
    }
}

/// Decode a picture (bounded in memory) and turn it upright as its EXIF orientation says.
fn decode_picture(bytes: &[u8]) -> Result<DynamicImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(image::ImageError::IoError)?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.max_image_width = Some(MAX_PICTURE_SIDE);
    limits.max_image_height = Some(MAX_PICTURE_SIDE);
    reader.limits(limits);
    let mut decoder = reader.into_decoder()?;
    // A picture whose orientation tag cannot be read is shown as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder)?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

/// PNG bytes of an image.
pub(crate) fn png(image: &RgbaImage) -> Result<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG `w` x `h` whose left half is black and right half white, with an EXIF
    /// orientation tag.
    pub(crate) fn oriented_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, _| {
            if x < w / 2 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
            .encode_image(&img)
            .unwrap();
        // APP1 "Exif" with a little-endian TIFF holding one IFD entry: Orientation.
        let mut tiff = b"II*\0\x08\0\0\0\x01\0".to_vec();
        tiff.extend_from_slice(&0x0112u16.to_le_bytes());
        tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&(app1.len() as u16 + 2).to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn pictures_are_turned_upright_and_fit_the_thumbnail_square() {
        let tools = Tools::default();
        let upright = thumbnail(
            Kind::Image,
            "image/jpeg",
            Arc::new(oriented_jpeg(400, 200, 1)),
            &tools,
        )
        .unwrap();
        assert_eq!(upright.dimensions(), (256, 128));
        // Orientation 6: stored sideways, shown rotated 90° clockwise: the black half is
        // then on top.
        let rotated = thumbnail(
            Kind::Image,
            "image/jpeg",
            Arc::new(oriented_jpeg(400, 200, 6)),
            &tools,
        )
        .unwrap();
        assert_eq!(rotated.dimensions(), (128, 256));
        assert!(rotated.get_pixel(64, 20).0[0] < 60, "top is the black half");
        assert!(
            rotated.get_pixel(64, 236).0[0] > 200,
            "bottom is the white half"
        );
    }

    #[test]
    fn pages_of_pictures_have_the_asked_width_and_bounds_are_checked() {
        let tools = Tools::default();
        let bytes = Arc::new(oriented_jpeg(300, 100, 1));
        let p = page(Kind::Image, "image/jpeg", bytes.clone(), 1, 600, &tools).unwrap();
        assert_eq!(p.dimensions(), (600, 200));
        assert!(matches!(
            page(Kind::Image, "image/jpeg", bytes.clone(), 2, 600, &tools),
            Err(Error::NoSuchPage { page: 2, pages: 1 })
        ));
        assert!(matches!(
            page(Kind::Image, "image/jpeg", bytes.clone(), 1, 5, &tools),
            Err(Error::WidthOutOfRange { width: 5, .. })
        ));
        assert!(matches!(
            page(Kind::Text, "text/plain", bytes, 1, 600, &tools),
            Err(Error::NoPageImages { .. })
        ));
    }

    #[test]
    fn pictures_too_large_are_refused_before_decoding() {
        // A PNG header claiming 100,000 x 100,000 pixels, and nothing after it: refused
        // from the header (decoding it would need 40 GB).
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0]);
        let crc = crc32(&png[12..]);
        png.extend_from_slice(&crc.to_be_bytes());
        let err = decode_picture(&png).unwrap_err();
        assert!(
            matches!(&err, Error::Image(image::ImageError::Limits(_))),
            "{err:?}"
        );
    }

    /// CRC-32 (IEEE) of a PNG chunk's type and data.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn damaged_pictures_are_errors_not_panics() {
        let mut bytes = oriented_jpeg(64, 64, 1);
        bytes.truncate(bytes.len() / 3);
        assert!(
            thumbnail(
                Kind::Image,
                "image/jpeg",
                Arc::new(bytes),
                &Tools::default()
            )
            .is_err()
        );
        assert!(matches!(
            decode_picture(b"not an image"),
            Err(Error::Image(_))
        ));
    }
}
