//! A report as a PDF: landscape A4 pages of text in the standard Helvetica fonts (no font
//! embedded, nothing but text and rules), the table's cells wrapped to their columns, the
//! heading repeated on every page, "page N of M" at the foot. Characters outside Windows
//! code page 1252 print as `?`; the CSV keeps every value exact.

use super::Report;

const PAGE_W: f32 = 842.0;
const PAGE_H: f32 = 595.0;
const MARGIN: f32 = 36.0;
const SIZE: f32 = 8.0;
const LEADING: f32 = 10.0;
const PAD: f32 = 4.0;

/// Helvetica's advance widths (per 1000 em) for ASCII 32 to 126.
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// Helvetica or its bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

/// The width of `text` at `size` points (bold is drawn about a tenth wider).
fn width(text: &str, size: f32, font: Font) -> f32 {
    let em: u32 = text
        .chars()
        .map(|c| {
            let i = c as u32;
            if (32..127).contains(&i) {
                u32::from(WIDTHS[(i - 32) as usize])
            } else {
                600
            }
        })
        .sum();
    let w = em as f32 * size / 1000.0;
    match font {
        Font::Regular => w,
        Font::Bold => w * 1.1,
    }
}

/// `text` in lines no wider than `max`: broken at spaces, and inside words too long for
/// a line.
fn wrap(text: &str, max: f32, font: Font) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, SIZE, font) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                if !line.is_empty() && width(&format!("{line}{c}"), SIZE, font) > max {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        lines.push(line);
    }
    lines
}

/// A PDF string literal of `text` in WinAnsi encoding.
fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

fn win_ansi(c: char) -> u8 {
    let i = c as u32;
    match i {
        0x20..=0x7e | 0xa0..=0xff => i as u8,
        _ => match c {
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'Š' => 0x8a,
            'Œ' => 0x8c,
            'Ž' => 0x8e,
            'š' => 0x9a,
            'œ' => 0x9c,
            'ž' => 0x9e,
            'Ÿ' => 0x9f,
            '\t' => b' ',
            _ => b'?',
        },
    }
}

/// One page's drawing operations.
struct Page {
    ops: Vec<u8>,
}

impl Page {
    fn text(&mut self, x: f32, y: f32, size: f32, font: Font, text: &str) {
        let font = match font {
            Font::Regular => "F1",
            Font::Bold => "F2",
        };
        self.ops
            .extend_from_slice(format!("BT /{font} {size} Tf {x:.2} {y:.2} Td ").as_bytes());
        self.ops.extend_from_slice(&literal(text));
        self.ops.extend_from_slice(b" Tj ET\n");
    }

    fn rule(&mut self, y: f32, grey: f32) {
        self.ops.extend_from_slice(
            format!(
                "{grey} G 0.5 w {MARGIN:.2} {y:.2} m {:.2} {y:.2} l S\n",
                PAGE_W - MARGIN
            )
            .as_bytes(),
        );
    }
}

/// The report as the bytes of a PDF file.
pub(super) fn render(report: &Report) -> Vec<u8> {
    let usable = PAGE_W - 2.0 * MARGIN;
    let total: f32 = report.columns.iter().map(|c| c.width.max(0.1)).sum();
    let widths: Vec<f32> = report
        .columns
        .iter()
        .map(|c| c.width.max(0.1) / total * usable)
        .collect();
    let xs: Vec<f32> = widths
        .iter()
        .scan(MARGIN, |x, w| {
            let at = *x;
            *x += w;
            Some(at)
        })
        .collect();
    // A cell longer than a page holds is cut there (the CSV keeps all of it).
    let most = ((PAGE_H - 2.0 * MARGIN - 80.0) / LEADING) as usize;
    let cells = |row: &[String], font: Font| -> Vec<Vec<String>> {
        widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let mut lines = wrap(row.get(i).map_or("", String::as_str), w - PAD, font);
                if lines.len() > most {
                    lines.truncate(most);
                    lines.push("… (continued in the CSV)".into());
                }
                lines
            })
            .collect()
    };
    let headings: Vec<String> = report.columns.iter().map(|c| c.heading.clone()).collect();
    let head_cells = cells(&headings, Font::Bold);
    let head_lines = head_cells.iter().map(Vec::len).max().unwrap_or(1);

    let mut pages: Vec<Page> = Vec::new();
    let new_page = |pages: &mut Vec<Page>, about: &[String]| -> f32 {
        let mut page = Page { ops: Vec::new() };
        let mut y = PAGE_H - MARGIN - 14.0;
        page.text(MARGIN, y, 14.0, Font::Bold, &report.title);
        y -= 8.0;
        if !about.is_empty() {
            for line in about {
                for part in wrap(line, usable * SIZE / 9.0, Font::Regular) {
                    y -= 12.0;
                    page.text(MARGIN, y, 9.0, Font::Regular, &part);
                }
            }
            y -= 6.0;
        }
        y -= LEADING + 2.0;
        for (i, lines) in head_cells.iter().enumerate() {
            for (j, line) in lines.iter().enumerate() {
                page.text(xs[i], y - j as f32 * LEADING, SIZE, Font::Bold, line);
            }
        }
        y -= (head_lines - 1) as f32 * LEADING + 4.0;
        page.rule(y, 0.0);
        pages.push(page);
        y - LEADING
    };
    let mut y = new_page(&mut pages, &report.about);
    if report.rows.is_empty()
        && let Some(page) = pages.last_mut()
    {
        page.text(MARGIN, y, SIZE, Font::Regular, "Nothing to report.");
    }
    for row in &report.rows {
        let row_cells = cells(row, Font::Regular);
        let lines = row_cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * LEADING;
        if y - height < MARGIN + 20.0 {
            y = new_page(&mut pages, &[]);
        }
        let Some(page) = pages.last_mut() else { break };
        for (i, cell) in row_cells.iter().enumerate() {
            for (j, line) in cell.iter().enumerate() {
                page.text(xs[i], y - j as f32 * LEADING, SIZE, Font::Regular, line);
            }
        }
        y -= height;
        page.rule(y + LEADING - 3.0, 0.8);
    }
    let count = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        let foot = format!("{} · page {} of {count}", report.title, n + 1);
        page.text(MARGIN, MARGIN - 12.0, 7.0, Font::Regular, &foot);
    }
    assemble(&report.title, &pages)
}

/// The objects of the file: catalog, page tree, two fonts, the info dictionary, then a
/// page and its contents for each page; with the cross-reference table.
fn assemble(title: &str, pages: &[Page]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: String = (0..pages.len())
        .map(|i| format!("{} 0 R", 6 + 2 * i))
        .collect::<Vec<_>>()
        .join(" ");
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{kids}] /Count {} /MediaBox [0 0 {PAGE_W} {PAGE_H}] >>",
            pages.len()
        )
        .into_bytes(),
    );
    for font in ["Helvetica", "Helvetica-Bold"] {
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>"
            )
            .into_bytes(),
        );
    }
    let mut info = b"<< /Producer (Dossier) /Title ".to_vec();
    info.extend_from_slice(&literal(title));
    info.extend_from_slice(
        format!(
            " /CreationDate (D:{}Z) >>",
            chrono::Utc::now().format("%Y%m%d%H%M%S")
        )
        .as_bytes(),
    );
    objects.push(info);
    for (i, page) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> \
                 /Contents {} 0 R >>",
                7 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", page.ops.len()).into_bytes();
        stream.extend_from_slice(&page.ops);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }
    file(&objects, 5)
}

/// Pages that are each one JPEG picture (`(bytes, width, height)` in pixels, drawn at
/// 200 dots per inch): a redacted copy, with no text layer to hide anything in.
pub(crate) fn image_pdf(pages: &[(Vec<u8>, u32, u32)]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: String = (0..pages.len())
        .map(|i| format!("{} 0 R", 3 + 3 * i))
        .collect::<Vec<_>>()
        .join(" ");
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{kids}] /Count {} >>", pages.len()).into_bytes());
    for (i, (jpeg, w, h)) in pages.iter().enumerate() {
        let (pw, ph) = (*w as f32 * 72.0 / 200.0, *h as f32 * 72.0 / 200.0);
        let (content, image) = (4 + 3 * i, 5 + 3 * i);
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2} {ph:.2}] \
                 /Resources << /XObject << /P {image} 0 R >> >> /Contents {content} 0 R >>"
            )
            .into_bytes(),
        );
        let ops = format!("q {pw:.2} 0 0 {ph:.2} 0 0 cm /P Do Q");
        objects.push(format!("<< /Length {} >>\nstream\n{ops}\nendstream", ops.len()).into_bytes());
        let mut stream = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB \
             /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            jpeg.len()
        )
        .into_bytes();
        stream.extend_from_slice(jpeg);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }
    file(&objects, 0)
}

/// The file: header, each object numbered from 1, the cross-reference table, and the
/// trailer (`info`: the info dictionary's object number, 0 for none).
fn file(objects: &[Vec<u8>], info: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {}>>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1,
            if info > 0 {
                format!("/Info {info} 0 R ")
            } else {
                String::new()
            }
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_wrap_within_their_column() {
        let r = Font::Regular;
        let lines = wrap("a very long party name that goes on and on", 60.0, r);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, SIZE, r) <= 60.0));
        let word = wrap(&"x".repeat(80), 50.0, r);
        assert!(word.len() > 1 && word.iter().all(|l| width(l, SIZE, r) <= 50.0));
        assert_eq!(literal("a(b)\\ é ✓"), b"(a\\(b\\)\\\\ \xe9 ?)".to_vec());
    }
}
