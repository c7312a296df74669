//! Generic icons, one per kind of file, drawn in code: a sheet with a folded corner, a
//! coloured band and a motif (lines of text, a grid, a slide, a picture).

use image::{Rgba, RgbaImage};

use super::THUMBNAIL_SIZE;
use crate::extract::{Kind, OfficeKind};

const PAPER: Rgba<u8> = Rgba([255, 255, 255, 255]);
const EDGE: Rgba<u8> = Rgba([150, 156, 164, 255]);
const FOLD: Rgba<u8> = Rgba([222, 226, 230, 255]);
const INK: Rgba<u8> = Rgba([200, 205, 212, 255]);

enum Motif {
    Lines,
    Grid,
    Slide,
    Picture,
    None,
}

fn style(kind: Kind) -> (Rgba<u8>, Motif) {
    match kind {
        Kind::Pdf => (Rgba([200, 48, 48, 255]), Motif::Lines),
        Kind::Office(OfficeKind::Docx | OfficeKind::Odt) => {
            (Rgba([43, 87, 154, 255]), Motif::Lines)
        }
        Kind::Office(OfficeKind::Xlsx | OfficeKind::Ods) => (Rgba([33, 115, 70, 255]), Motif::Grid),
        Kind::Office(OfficeKind::Pptx | OfficeKind::Odp) => {
            (Rgba([208, 92, 36, 255]), Motif::Slide)
        }
        Kind::Image => (Rgba([123, 77, 170, 255]), Motif::Picture),
        Kind::Text | Kind::Html => (Rgba([96, 110, 128, 255]), Motif::Lines),
        Kind::Other => (Rgba([128, 128, 128, 255]), Motif::None),
    }
}

fn fill(img: &mut RgbaImage, x0: u32, y0: u32, x1: u32, y1: u32, c: Rgba<u8>) {
    for y in y0..y1 {
        for x in x0..x1 {
            img.put_pixel(x, y, c);
        }
    }
}

/// The icon for a kind of file, [`THUMBNAIL_SIZE`] square, transparent around the sheet.
pub(crate) fn icon(kind: Kind) -> RgbaImage {
    let s = THUMBNAIL_SIZE;
    let mut img = RgbaImage::new(s, s);
    let (left, right, top, bottom, fold) = (56u32, 200u32, 24u32, 232u32, 40i32);
    let (colour, motif) = style(kind);
    // The sheet with its border; the top right corner is cut and folded.
    for y in top..bottom {
        for x in left..right {
            let (dx, dy) = (x as i32 + fold - right as i32, (y - top) as i32);
            let corner = dx >= 0 && dy < fold;
            let c = if corner && dx > dy {
                continue;
            } else if corner && (dx == dy || dx + 1 == dy || x + 1 == right) {
                EDGE
            } else if corner {
                FOLD
            } else if x < left + 2 || x + 2 >= right || y < top + 2 || y + 2 >= bottom {
                EDGE
            } else {
                PAPER
            };
            img.put_pixel(x, y, c);
        }
    }
    // The coloured band.
    fill(&mut img, left + 2, 176, right - 2, 212, colour);
    match motif {
        Motif::Lines => {
            for (i, y) in (80..160).step_by(16).enumerate() {
                let end = if i % 3 == 2 { 140 } else { 176 };
                fill(&mut img, 76, y, end, y + 6, INK);
            }
        }
        Motif::Grid => {
            for y in (76..=160).step_by(21) {
                fill(&mut img, 76, y, 181, y + 2, INK);
            }
            for x in (76..=180).step_by(26) {
                fill(&mut img, x, 76, x + 2, 162, INK);
            }
        }
        Motif::Slide => {
            fill(&mut img, 72, 84, 184, 156, INK);
            fill(&mut img, 84, 96, 150, 104, colour);
            fill(&mut img, 84, 114, 170, 118, PAPER);
            fill(&mut img, 84, 126, 160, 130, PAPER);
        }
        Motif::Picture => {
            // A sun and a mountain.
            for y in 84..108u32 {
                for x in 140..164u32 {
                    let (dx, dy) = (x as i32 - 152, y as i32 - 96);
                    if dx * dx + dy * dy <= 121 {
                        img.put_pixel(x, y, colour);
                    }
                }
            }
            for y in 100..160u32 {
                let half = (y - 100) * 6 / 5;
                fill(
                    &mut img,
                    110 - half.min(34),
                    y,
                    110 + half.min(70),
                    y + 1,
                    INK,
                );
            }
        }
        Motif::None => {}
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_icon() {
        let kinds = [
            Kind::Pdf,
            Kind::Office(OfficeKind::Docx),
            Kind::Office(OfficeKind::Xlsx),
            Kind::Office(OfficeKind::Pptx),
            Kind::Image,
            Kind::Text,
            Kind::Other,
        ];
        let icons: Vec<RgbaImage> = kinds.iter().map(|k| icon(*k)).collect();
        for (i, a) in icons.iter().enumerate() {
            assert_eq!(a.dimensions(), (THUMBNAIL_SIZE, THUMBNAIL_SIZE));
            // Transparent outside the sheet (and in the cut corner), paper inside.
            assert_eq!(a.get_pixel(10, 10).0[3], 0);
            assert_eq!(a.get_pixel(198, 26).0[3], 0);
            assert_eq!(*a.get_pixel(70, 60), PAPER);
            for b in &icons[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
