//! DOCX, XLSX/XLSM and PPTX.

use std::borrow::Cow;

use super::*;
use crate::error::Result;

/// Body, then headers, footers, footnotes and endnotes.
pub(super) fn docx(
    pkg: &mut Package<'_>,
    main: &str,
    xml: &[u8],
    budget: &mut Budget,
    out: &mut OfficeText,
) -> Result<()> {
    let mut text = String::new();
    markup_text(xml, budget, &mut text)?;
    let dir = main
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| normalize_name(d) + "/");
    let mut extras: Vec<(usize, usize, String, String)> = (pkg.names.iter())
        .filter_map(|name| {
            let lower = normalize_name(name);
            let file = lower.strip_prefix(&dir)?.strip_suffix(".xml")?;
            let digits = |n: &str| n.bytes().all(|b| b.is_ascii_digit());
            let group = ["header", "footer", "footnotes", "endnotes"]
                .iter()
                .position(|g| file.strip_prefix(g).is_some_and(digits))?;
            // Sorting by length then name puts header2 before header10.
            Some((group, file.len(), file.to_owned(), name.clone()))
        })
        .collect();
    extras.sort();
    for (.., name) in extras {
        if !budget.full()
            && let Some(xml) = lenient(pkg.read(&name))?
        {
            let mut part = String::new();
            lenient(markup_text(&xml, budget, &mut part))?;
            append_block(&mut text, &part);
        }
    }
    out.units.push((1, finish(&text)));
    Ok(())
}

/// Text of a WordprocessingML or DrawingML part (document, header, slide, notes): runs of
/// `w:t` / `a:t`, paragraphs end with a line break.
pub(super) fn markup_text(xml: &[u8], budget: &mut Budget, text: &mut String) -> Result<()> {
    let (mut in_t, mut merged) = (false, false);
    walk(xml, |tag| {
        match tag {
            // The continuation of a vertically merged table cell is not shown.
            Tag::Open("vMerge", e) if attr(e, "val").is_none_or(|v| v == "continue") => {
                merged = true;
            }
            Tag::Close("tc") => merged = false,
            // Deleted and moved-away text; mc:Fallback repeats its mc:Choice (text boxes);
            // properties hold tab stops, not tabs.
            Tag::Open("del" | "moveFrom" | "Fallback" | "rPr" | "pPr", _) => return Flow::Skip,
            Tag::Open("fld", e) if attr(e, "type").is_some_and(|t| t == "slidenum") => {
                return Flow::Skip;
            }
            Tag::Open("t", _) => in_t = true,
            Tag::Close("t") => in_t = false,
            Tag::Open("tab", _) => budget.push(text, "\t"),
            Tag::Open("br" | "cr", _) | Tag::Close("p") => budget.push(text, "\n"),
            Tag::Open("noBreakHyphen", _) => budget.push(text, "-"),
            Tag::Text(s) if in_t && !merged => budget.push(text, s),
            _ => {}
        }
        budget.flow()
    })
}

/// One unit per sheet, in workbook order.
pub(super) fn xlsx(
    pkg: &mut Package<'_>,
    main: &str,
    xml: &[u8],
    budget: &mut Budget,
    out: &mut OfficeText,
) -> Result<()> {
    let mut sheets: Vec<(String, String)> = Vec::new();
    walk(xml, |tag| {
        if let Tag::Open("sheet", e) = tag {
            sheets.push((
                attr(e, "name").unwrap_or_default(),
                rel_id(e).unwrap_or_default(),
            ));
        }
        Flow::Go
    })?;
    let rels = pkg.rels(main)?;
    let shared = rels.iter().find(|r| r.kind.ends_with("/sharedStrings"));
    let shared = shared.map_or_else(|| resolve(main, "sharedStrings.xml"), |r| r.target.clone());
    let shared = match pkg.read(&shared)? {
        Some(xml) => shared_strings(&xml)?,
        None => SharedStrings::default(),
    };
    for (i, (name, id)) in sheets.into_iter().enumerate() {
        let mut text = String::new();
        if let Some((_, xml)) = pkg.read_rel(&rels, &id, budget)? {
            sheet_text(&xml, &shared, budget, &mut text)?;
        }
        out.units.push((unit_number(i), finish(&text)));
        out.sheet_or_slide_names.push(name);
    }
    Ok(())
}

/// The shared string table, stored as one string and the end offset of each item.
#[derive(Debug, Default)]
pub(super) struct SharedStrings {
    pub(super) text: String,
    pub(super) ends: Vec<usize>,
}

impl SharedStrings {
    pub(super) fn get(&self, index: usize) -> &str {
        let end = self.ends.get(index).copied().unwrap_or(0);
        let start = index
            .checked_sub(1)
            .and_then(|i| self.ends.get(i))
            .copied()
            .unwrap_or(0);
        self.text.get(start..end).unwrap_or_default()
    }
}

pub(super) fn shared_strings(xml: &[u8]) -> Result<SharedStrings> {
    let mut table = SharedStrings::default();
    let mut in_t = false;
    walk(xml, |tag| {
        match tag {
            Tag::Open("rPh" | "phoneticPr", _) => return Flow::Skip,
            Tag::Open("t", _) => in_t = true,
            Tag::Close("t") => in_t = false,
            Tag::Close("si") => table.ends.push(table.text.len()),
            Tag::Text(s) if in_t => cap_push(&mut table.text, s),
            _ => {}
        }
        Flow::Go
    })?;
    Ok(table)
}

/// Rows of one worksheet: non-empty cells joined by tabs, one line per non-empty row.
pub(super) fn sheet_text(
    xml: &[u8],
    shared: &SharedStrings,
    budget: &mut Budget,
    text: &mut String,
) -> Result<()> {
    let (mut row, mut value, mut cell_type) = (String::new(), String::new(), String::new());
    let (mut in_v, mut in_is, mut in_t) = (false, false, false);
    walk(xml, |tag| {
        match tag {
            Tag::Open("rPh" | "f" | "extLst", _) => return Flow::Skip,
            Tag::Open("row", _) => row.clear(),
            Tag::Open("c", e) => {
                cell_type = attr(e, "t").unwrap_or_default();
                value.clear();
            }
            Tag::Open("v", _) => in_v = true,
            Tag::Close("v") => in_v = false,
            Tag::Open("is", _) => in_is = true,
            Tag::Close("is") => in_is = false,
            Tag::Open("t", _) => in_t = in_is,
            Tag::Close("t") => in_t = false,
            Tag::Text(s) if in_v || in_t => cap_push(&mut value, s),
            Tag::Close("c") => {
                let cell = unescape_x(match cell_type.as_str() {
                    "s" => value.trim().parse::<usize>().map_or("", |i| shared.get(i)),
                    _ => value.as_str(),
                });
                if !cell.is_empty() {
                    if !row.is_empty() {
                        cap_push(&mut row, "\t");
                    }
                    cap_push(&mut row, &cell);
                }
            }
            Tag::Close("row") if !row.is_empty() => {
                budget.push(text, &row);
                budget.push(text, "\n");
                row.clear();
            }
            _ => {}
        }
        budget.flow()
    })
}

/// Undo the `_xHHHH_` escapes of OOXML strings (`_x000D_`: a carriage return, dropped).
pub(super) fn unescape_x(s: &str) -> Cow<'_, str> {
    if !s.contains("_x") {
        return Cow::Borrowed(s);
    }
    let (mut out, mut rest) = (String::with_capacity(s.len()), s);
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let hex = tail.get(2..6).filter(|h| {
            h.bytes().all(|b| b.is_ascii_hexdigit()) && tail.as_bytes().get(6) == Some(&b'_')
        });
        let code = hex.and_then(|h| u32::from_str_radix(h, 16).ok());
        match code.and_then(char::from_u32) {
            Some(c) => {
                if c != '\r' {
                    out.push(c);
                }
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One unit per slide, in presentation order, each followed by its speaker notes.
pub(super) fn pptx(
    pkg: &mut Package<'_>,
    main: &str,
    xml: &[u8],
    budget: &mut Budget,
    out: &mut OfficeText,
) -> Result<()> {
    let mut slide_ids: Vec<String> = Vec::new();
    walk(xml, |tag| {
        if let Tag::Open("sldId", e) = tag {
            slide_ids.push(rel_id(e).unwrap_or_default());
        }
        Flow::Go
    })?;
    let rels = pkg.rels(main)?;
    for (i, id) in slide_ids.iter().enumerate() {
        let mut text = String::new();
        if let Some((slide, xml)) = pkg.read_rel(&rels, id, budget)? {
            markup_text(&xml, budget, &mut text)?;
            let slide_rels = lenient(pkg.rels(&slide))?;
            if let Some(notes) = slide_rels.iter().find(|r| r.kind.ends_with("/notesSlide"))
                && let Some(xml) = lenient(pkg.read(&notes.target))?
            {
                let mut part = String::new();
                lenient(markup_text(&xml, budget, &mut part))?;
                append_block(&mut text, &part);
            }
        }
        out.units.push((unit_number(i), finish(&text)));
    }
    Ok(())
}
