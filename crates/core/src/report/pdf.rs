//! A report as a PDF: landscape A4 pages of text in DejaVu Sans (`report::font`, the
//! glyphs used embedded), the table's cells wrapped to their columns, the heading
//! repeated on every page, "page N of M" at the foot. Latin, Greek and Cyrillic letters
//! print as spelled; a character the font lacks (Chinese, Japanese, Korean, Indic)
//! prints as a box, Hebrew and Arabic left to right and unjoined (no bidirectional
//! layout or shaping); the CSV keeps every value exact. The text is extractable (each font's
//! `ToUnicode` map), so a report filed in a library is found by its words.

use std::collections::BTreeMap;
use std::io::Write as _;

use super::Report;
use super::font::Font;

const PAGE_W: f32 = 842.0;
const PAGE_H: f32 = 595.0;
const MARGIN: f32 = 36.0;
const SIZE: f32 = 8.0;
const LEADING: f32 = 10.0;
const PAD: f32 = 4.0;

/// The width of `text` at `size` points.
fn width(text: &str, size: f32, font: Font) -> f32 {
    font.face().width(text, size)
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

/// A PDF text string (the info dictionary's): UTF-16BE with its byte order mark, in hex.
fn text_string(text: &str) -> Vec<u8> {
    let mut out = b"<FEFF".to_vec();
    for unit in text.encode_utf16() {
        out.extend_from_slice(format!("{unit:04X}").as_bytes());
    }
    out.push(b'>');
    out
}

/// The glyphs a file uses, by font, each with the character it stands for.
type Used = [BTreeMap<u16, char>; 2];

/// One page's drawing operations.
struct Page {
    ops: Vec<u8>,
}

impl Page {
    /// `text` as the font's glyph ids (two bytes each, in hex), noting the glyphs used.
    fn text(&mut self, used: &mut Used, x: f32, y: f32, size: f32, font: Font, text: &str) {
        let face = font.face();
        let (name, used) = match font {
            Font::Regular => ("F1", &mut used[0]),
            Font::Bold => ("F2", &mut used[1]),
        };
        self.ops
            .extend_from_slice(format!("BT /{name} {size} Tf {x:.2} {y:.2} Td <").as_bytes());
        for c in text.chars() {
            let glyph = face.glyph(c);
            used.entry(glyph).or_insert(c);
            self.ops
                .extend_from_slice(format!("{glyph:04X}").as_bytes());
        }
        self.ops.extend_from_slice(b"> Tj ET\n");
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
    let mut used: Used = Default::default();
    let new_page = |pages: &mut Vec<Page>, used: &mut Used, about: &[String]| -> f32 {
        let mut page = Page { ops: Vec::new() };
        let mut y = PAGE_H - MARGIN - 14.0;
        page.text(used, MARGIN, y, 14.0, Font::Bold, &report.title);
        y -= 8.0;
        if !about.is_empty() {
            for line in about {
                for part in wrap(line, usable * SIZE / 9.0, Font::Regular) {
                    y -= 12.0;
                    page.text(used, MARGIN, y, 9.0, Font::Regular, &part);
                }
            }
            y -= 6.0;
        }
        y -= LEADING + 2.0;
        for (i, lines) in head_cells.iter().enumerate() {
            for (j, line) in lines.iter().enumerate() {
                page.text(used, xs[i], y - j as f32 * LEADING, SIZE, Font::Bold, line);
            }
        }
        y -= (head_lines - 1) as f32 * LEADING + 4.0;
        page.rule(y, 0.0);
        pages.push(page);
        y - LEADING
    };
    let mut y = new_page(&mut pages, &mut used, &report.about);
    if report.rows.is_empty()
        && let Some(page) = pages.last_mut()
    {
        page.text(
            &mut used,
            MARGIN,
            y,
            SIZE,
            Font::Regular,
            "Nothing to report.",
        );
    }
    for row in &report.rows {
        let row_cells = cells(row, Font::Regular);
        let lines = row_cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * LEADING;
        if y - height < MARGIN + 20.0 {
            y = new_page(&mut pages, &mut used, &[]);
        }
        let Some(page) = pages.last_mut() else { break };
        for (i, cell) in row_cells.iter().enumerate() {
            for (j, line) in cell.iter().enumerate() {
                page.text(
                    &mut used,
                    xs[i],
                    y - j as f32 * LEADING,
                    SIZE,
                    Font::Regular,
                    line,
                );
            }
        }
        y -= height;
        page.rule(y + LEADING - 3.0, 0.8);
    }
    let count = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        let foot = format!("{} · page {} of {count}", report.title, n + 1);
        page.text(&mut used, MARGIN, MARGIN - 12.0, 7.0, Font::Regular, &foot);
    }
    assemble(&report.title, &pages, &used)
}

/// The objects of the file: catalog, page tree, two fonts, the info dictionary, then a
/// page and its contents for each page, then each font's parts; with the cross-reference
/// table.
fn assemble(title: &str, pages: &[Page], used: &Used) -> Vec<u8> {
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
    // Each font's parts follow the pages: its CID font, descriptor, file and map.
    let parts = |k: usize| 6 + 2 * pages.len() + 4 * k;
    let fonts = [Font::Regular, Font::Bold];
    let tags: Vec<String> = fonts
        .iter()
        .zip(used)
        .map(|(font, used)| subset_tag(font.face().name, used))
        .collect();
    for (k, font) in fonts.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{}+{} /Encoding /Identity-H \
                 /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>",
                tags[k],
                font.face().name,
                parts(k),
                parts(k) + 3
            )
            .into_bytes(),
        );
    }
    let mut info = b"<< /Producer (Dossier) /Title ".to_vec();
    info.extend_from_slice(&text_string(title));
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
        objects.push(stream("", &page.ops));
    }
    for (k, (font, used)) in fonts.iter().zip(used).enumerate() {
        let face = font.face();
        let name = format!("{}+{}", tags[k], face.name);
        let widths: String = used
            .keys()
            .map(|&g| format!("{g} [{}]", face.advance(g)))
            .collect::<Vec<_>>()
            .join(" ");
        objects.push(
            format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {} 0 R /CIDToGIDMap /Identity /DW 1000 /W [{widths}] >>",
                parts(k) + 1
            )
            .into_bytes(),
        );
        let ([x0, y0, x1, y1], ascent, descent, cap) = face.metrics();
        objects.push(
            format!(
                "<< /Type /FontDescriptor /FontName /{name} /Flags 32 \
                 /FontBBox [{x0} {y0} {x1} {y1}] /ItalicAngle 0 /Ascent {ascent} \
                 /Descent {descent} /CapHeight {cap} /StemV 80 /FontFile2 {} 0 R >>",
                parts(k) + 2
            )
            .into_bytes(),
        );
        let file = face.subset(&used.keys().copied().collect());
        objects.push(stream(
            &format!("/Length1 {} ", file.len()),
            &deflate(&file),
        ));
        objects.push(stream("", &to_unicode(used)));
    }
    file(&objects, 5)
}

/// A stream object of `data`, compressed already when `extra` says so (a font file).
fn stream(extra: &str, data: &[u8]) -> Vec<u8> {
    let filter = if extra.is_empty() {
        ""
    } else {
        "/Filter /FlateDecode "
    };
    let mut out = format!("<< {extra}{filter}/Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data)
        .and_then(|()| z.finish())
        .expect("compressing into memory cannot fail")
}

/// The six capital letters naming a subset (the PDF convention), from the glyphs in it.
fn subset_tag(name: &str, used: &BTreeMap<u16, char>) -> String {
    let mut h = blake3::Hasher::new();
    h.update(name.as_bytes());
    for g in used.keys() {
        h.update(&g.to_be_bytes());
    }
    h.finalize().as_bytes()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// The map from each glyph used back to its character, so that text can be copied and
/// searched.
fn to_unicode(used: &BTreeMap<u16, char>) -> Vec<u8> {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let mapped: Vec<(u16, char)> = used
        .iter()
        .filter(|(g, _)| **g != 0)
        .map(|(g, c)| (*g, *c))
        .collect();
    for block in mapped.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", block.len()));
        for (g, c) in block {
            let units: String = c
                .encode_utf16(&mut [0; 2])
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{g:04X}> <{units}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    cmap.into_bytes()
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
        assert_eq!(text_string("Aé✓"), b"<FEFF004100E92713>".to_vec());
    }

    #[test]
    fn names_print_as_spelled_and_map_back_to_their_letters() {
        let mut used: Used = Default::default();
        let mut page = Page { ops: Vec::new() };
        page.text(&mut used, 0.0, 0.0, SIZE, Font::Regular, "Żółć Дмитрий 漢");
        let glyph = |c| Font::Regular.face().glyph(c);
        assert!(used[0].contains_key(&glyph('Ż')) && used[0].contains_key(&glyph('Д')));
        assert_eq!(
            used[0].get(&0),
            Some(&'漢'),
            "a character the font lacks is the box"
        );
        let cmap = String::from_utf8(to_unicode(&used[0])).unwrap();
        assert!(
            cmap.contains(&format!("<{:04X}> <017B>", glyph('Ż'))),
            "{cmap}"
        );
        assert!(!cmap.contains("<6F22>"), "the box maps to nothing");
    }
}
