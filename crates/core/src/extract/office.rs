//! Text of office documents: OOXML (DOCX, XLSX/XLSM, PPTX) and OpenDocument (ODT, ODS, ODP).
//!
//! The zip container is read under strict limits (part size, total size, entry count) so
//! that zip bombs are refused, every XML part is parsed streaming with `quick_xml`, and only
//! the visible text is kept. Spreadsheet rows keep their non-empty cells, tab-separated;
//! empty cells and empty rows are left out.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::ZipArchive;
use zip::result::ZipError;

use crate::error::{Error, Result};

/// Largest decompressed size of one part that we read.
const MAX_PART: u64 = 64 << 20;
/// Largest decompressed size of all the parts read from one document.
const MAX_TOTAL: u64 = 256 << 20;
/// Most entries a container may have.
const MAX_ENTRIES: usize = 10_000;
/// Text output beyond this is dropped (truncation, not an error).
const MAX_TEXT: usize = 32 << 20;
/// Cap on repetitions (ODS repeated cells and rows, `text:s` space counts).
const MAX_REPEAT: usize = 256;
/// Signature of an OLE compound file (what an encrypted OOXML file is).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

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
        let label = format!("{kind:?}").to_ascii_uppercase();
        return Err(Error::Invalid(format!("this {label} file has no {main}")));
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

// ---------------------------------------------------------------------------------------
// Container

/// A zip container read under limits.
struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry names (lower case, forward slashes, no leading slash) to entry index.
    index: HashMap<String, usize>,
    /// Entry names as stored, in archive order.
    names: Vec<String>,
    /// Decompressed bytes read so far.
    total: u64,
}

impl<'a> Package<'a> {
    fn open(data: &'a [u8]) -> Result<Self> {
        if data.starts_with(&OLE_MAGIC) {
            return Err(if contains_utf16le(data, "EncryptedPackage") {
                Error::PasswordProtected
            } else {
                Error::Invalid(
                    "not an office file of this kind: an OLE compound document \
                     (a legacy binary Word, Excel or PowerPoint file?)"
                        .to_owned(),
                )
            });
        }
        let zip = ZipArchive::new(Cursor::new(data))?;
        if zip.len() > MAX_ENTRIES {
            let limit = MAX_ENTRIES as u64;
            return Err(Error::TooLarge {
                what: "the number of zip entries",
                limit,
            });
        }
        let (mut index, mut names) = (HashMap::new(), Vec::new());
        for i in 0..zip.len() {
            let entry = zip.by_index_data(i)?;
            if entry.encrypted() {
                return Err(Error::PasswordProtected);
            }
            let name = entry.name().map(Cow::into_owned).unwrap_or_default();
            index.entry(normalize_name(&name)).or_insert(i);
            names.push(name);
        }
        Ok(Self {
            zip,
            index,
            names,
            total: 0,
        })
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.index.get(&normalize_name(name)).copied()
    }

    /// The decompressed bytes of a part, `None` if there is no such part.
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let Some(i) = self.find(name) else {
            return Ok(None);
        };
        let file = self.zip.by_index(i)?;
        if file.size() > MAX_PART {
            return Err(too_large_part());
        }
        let buf = read_capped(file, MAX_PART)?;
        self.total += buf.len() as u64;
        if self.total > MAX_TOTAL {
            return Err(Error::TooLarge {
                what: "the decompressed document",
                limit: MAX_TOTAL,
            });
        }
        Ok(Some(buf))
    }

    /// The relationships of `part` (`""`: of the package), targets resolved to part names.
    fn rels(&mut self, part: &str) -> Result<Vec<Rel>> {
        let path = match part.rsplit_once('/') {
            Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
            None => format!("_rels/{part}.rels"),
        };
        let Some(xml) = self.read(&path)? else {
            return Ok(Vec::new());
        };
        let mut rels = Vec::new();
        walk(&xml, |tag| {
            if let Tag::Open("Relationship", e) = tag
                && !attr(e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"))
            {
                rels.push(Rel {
                    id: attr(e, "Id").unwrap_or_default(),
                    kind: attr(e, "Type").unwrap_or_default(),
                    target: resolve(part, &attr(e, "Target").unwrap_or_default()),
                });
            }
            Flow::Go
        })?;
        Ok(rels)
    }

    /// The part that relationship `id` of `rels` points to, unless the text budget is spent.
    fn read_rel(
        &mut self,
        rels: &[Rel],
        id: &str,
        budget: &Budget,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let Some(rel) = rels.iter().find(|r| r.id == id).filter(|_| !budget.full()) else {
            return Ok(None);
        };
        Ok(self.read(&rel.target)?.map(|xml| (rel.target.clone(), xml)))
    }
}

fn too_large_part() -> Error {
    Error::TooLarge {
        what: "a part of the document",
        limit: MAX_PART,
    }
}

/// Read everything, refusing more than `limit` bytes whatever the header said.
fn read_capped(reader: impl Read, limit: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut reader = reader.take(limit.saturating_add(1));
    reader
        .read_to_end(&mut buf)
        .map_err(|e| Error::Zip(ZipError::Io(e)))?;
    if buf.len() as u64 > limit {
        return Err(too_large_part());
    }
    Ok(buf)
}

fn normalize_name(name: &str) -> String {
    name.replace('\\', "/")
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

fn contains_utf16le(data: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    data.windows(pattern.len()).any(|w| w == pattern.as_slice())
}

/// One OPC relationship, its target resolved to a part name.
#[derive(Debug, Default)]
struct Rel {
    id: String,
    kind: String,
    target: String,
}

/// Resolve a relationship target against the part that holds the relationship.
fn resolve(base_part: &str, target: &str) -> String {
    let target = target.split(['#', '?']).next().unwrap_or_default();
    let mut segments: Vec<&str> = Vec::new();
    if !target.starts_with('/')
        && let Some((dir, _)) = base_part.rsplit_once('/')
    {
        segments.extend(dir.split('/'));
    }
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => _ = segments.pop(),
            s => segments.push(s),
        }
    }
    segments.join("/")
}

/// Optional parts: damaged XML or a damaged zip entry is skipped; limits still apply.
fn lenient<T: Default>(result: Result<T>) -> Result<T> {
    match result {
        Err(Error::Xml(_) | Error::Zip(_)) => Ok(T::default()),
        other => other,
    }
}

// ---------------------------------------------------------------------------------------
// Streaming XML

/// What the walker reports: element names are local names (prefix dropped).
enum Tag<'x> {
    Open(&'x str, &'x BytesStart<'x>),
    Close(&'x str),
    Text(&'x str),
}

/// What the handler wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Go,
    /// Skip the element just opened, with all its content.
    Skip,
    Stop,
}

/// Parse `xml` streaming, calling `f` for each element and piece of text. An empty element
/// is reported as `Open` then `Close`. Entity and character references are resolved.
fn walk(xml: &[u8], mut f: impl FnMut(Tag<'_>) -> Flow) -> Result<()> {
    let text = xml_str(xml);
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    let mut skipping = 0usize;
    loop {
        let event = reader.read_event()?;
        if skipping > 0 {
            match event {
                Event::Start(_) => skipping += 1,
                Event::End(_) => skipping -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        let flow = match &event {
            Event::Start(e) => match f(Tag::Open(e.local_name().as_ref(), e)) {
                Flow::Skip => {
                    skipping = 1;
                    Flow::Go
                }
                flow => flow,
            },
            Event::Empty(e) => match f(Tag::Open(e.local_name().as_ref(), e)) {
                Flow::Go => f(Tag::Close(e.local_name().as_ref())),
                Flow::Skip => Flow::Go,
                Flow::Stop => Flow::Stop,
            },
            Event::End(e) => f(Tag::Close(e.local_name().as_ref())),
            Event::Text(t) => f(Tag::Text(&t.xml10_content())),
            Event::CData(t) => f(Tag::Text(&t.xml10_content())),
            Event::GeneralRef(r) => resolve_ref(r).map_or(Flow::Go, |s| f(Tag::Text(&s))),
            Event::Eof => break,
            _ => Flow::Go,
        };
        if flow == Flow::Stop {
            break;
        }
    }
    Ok(())
}

/// The XML as text: a BOM decides the encoding (UTF-16 parts exist), else UTF-8 (lossy).
fn xml_str(xml: &[u8]) -> Cow<'_, str> {
    match encoding_rs::Encoding::for_bom(xml) {
        Some((encoding, bom)) => encoding.decode_without_bom_handling(&xml[bom..]).0,
        None => String::from_utf8_lossy(xml),
    }
}

fn resolve_ref(r: &BytesRef<'_>) -> Option<String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c.to_string()),
        Ok(None) => quick_xml::escape::resolve_predefined_entity(r).map(str::to_owned),
        Err(_) => None,
    }
}

/// The value of the attribute whose local name is `name` (entity references resolved).
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    attr_where(e, |key, local| local == name && !key.starts_with("xmlns"))
}

/// The value of a namespaced `id` attribute (`r:id`), as opposed to a plain `id`.
fn rel_id(e: &BytesStart<'_>) -> Option<String> {
    attr_where(e, |key, local| local == "id" && key.contains(':'))
}

fn attr_where(e: &BytesStart<'_>, want: impl Fn(&str, &str) -> bool) -> Option<String> {
    let mut attrs = e.attributes();
    attrs.with_checks(false);
    let a = attrs
        .map_while(std::result::Result::ok)
        .find(|a| want(a.key.as_ref(), a.key.local_name().as_ref()))?;
    let value = a
        .normalized_value(XmlVersion::Implicit1_0)
        .map(Cow::into_owned);
    Some(value.unwrap_or_else(|_| a.value.into_owned()))
}

/// Bounded text output shared by all the units of a document.
#[derive(Debug)]
struct Budget {
    left: usize,
}

impl Budget {
    fn new(limit: usize) -> Self {
        Self { left: limit }
    }

    fn push(&mut self, out: &mut String, s: &str) {
        let n = push_within(out, s, self.left);
        // A cut (even one short of a multi-byte char) exhausts the budget.
        self.left = if n < s.len() { 0 } else { self.left - n };
    }

    fn full(&self) -> bool {
        self.left == 0
    }

    /// Stop walking once the budget is spent.
    fn flow(&self) -> Flow {
        if self.full() { Flow::Stop } else { Flow::Go }
    }
}

/// Append as much of `s` as fits in `room` bytes (on a char boundary); return bytes added.
fn push_within(out: &mut String, s: &str, room: usize) -> usize {
    let mut end = s.len().min(room);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.push_str(&s[..end]);
    end
}

/// Append to an intermediate buffer, which never grows past `MAX_TEXT`.
fn cap_push(buf: &mut String, s: &str) {
    push_within(buf, s, MAX_TEXT.saturating_sub(buf.len()));
}

/// Append a block (header, notes...) on a new line, unless it is blank.
fn append_block(text: &mut String, block: &str) {
    let block = block.trim_matches(['\n', '\r']);
    if !block.is_empty() {
        text.truncate(text.trim_end_matches(['\n', '\r']).len());
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(block);
    }
}

/// A unit's final text: no leading or trailing line breaks.
fn finish(text: &str) -> String {
    text.trim_matches(['\n', '\r']).to_owned()
}

fn unit_number(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

fn repeat_count(e: &BytesStart<'_>, name: &str) -> usize {
    let count = attr(e, name).and_then(|v| v.trim().parse::<usize>().ok());
    count.unwrap_or(1).clamp(1, MAX_REPEAT)
}

/// `dc:title` and `dc:creator` (else `meta:initial-creator`) of core.xml / meta.xml.
fn metadata(xml: &[u8]) -> Result<(Option<String>, Option<String>)> {
    let mut fields = [String::new(), String::new(), String::new()];
    let mut current: Option<usize> = None;
    walk(xml, |tag| {
        match tag {
            Tag::Open(name, _) => {
                current = ["title", "creator", "initial-creator"]
                    .iter()
                    .position(|n| *n == name);
            }
            Tag::Close(_) => current = None,
            Tag::Text(s) => {
                if let Some(field) = current.and_then(|i| fields.get_mut(i)) {
                    push_within(field, s, 4096usize.saturating_sub(field.len()));
                }
            }
        }
        Flow::Go
    })?;
    let clean = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let [title, creator, initial] = &fields;
    Ok((clean(title), clean(creator).or_else(|| clean(initial))))
}

// ---------------------------------------------------------------------------------------
// OOXML

/// Body, then headers, footers, footnotes and endnotes.
fn docx(
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
fn markup_text(xml: &[u8], budget: &mut Budget, text: &mut String) -> Result<()> {
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
fn xlsx(
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
struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    fn get(&self, index: usize) -> &str {
        let end = self.ends.get(index).copied().unwrap_or(0);
        let start = index
            .checked_sub(1)
            .and_then(|i| self.ends.get(i))
            .copied()
            .unwrap_or(0);
        self.text.get(start..end).unwrap_or_default()
    }
}

fn shared_strings(xml: &[u8]) -> Result<SharedStrings> {
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
fn sheet_text(
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
fn unescape_x(s: &str) -> Cow<'_, str> {
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
fn pptx(
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

// ---------------------------------------------------------------------------------------
// OpenDocument

fn content_is_encrypted(manifest: &[u8]) -> bool {
    let mut path = String::new();
    let mut encrypted = false;
    let parsed = walk(manifest, |tag| {
        match tag {
            Tag::Open("file-entry", e) => path = attr(e, "full-path").unwrap_or_default(),
            Tag::Close("file-entry") => path.clear(),
            Tag::Open("encryption-data", _) if path.trim_start_matches('/') == "content.xml" => {
                encrypted = true;
                return Flow::Stop;
            }
            _ => {}
        }
        Flow::Go
    });
    parsed.is_ok() && encrypted
}

/// The running state of a walk over an ODF content.xml.
struct OdfState<'s> {
    kind: OfficeKind,
    budget: &'s mut Budget,
    out: &'s mut OfficeText,
    /// Text of the unit being read (ODT: the document; ODS: a sheet; ODP: a slide).
    unit: Option<String>,
    /// Depth of `text:p` / `text:h` elements.
    para: u32,
    /// Depth of `table:table` elements (ODS: 1 is a sheet).
    table: u32,
    row: String,
    row_repeat: usize,
    cell: Option<String>,
    cell_repeat: usize,
    /// `office:value` and friends, used when a cell has no text paragraph.
    cell_value: Option<String>,
}

impl<'s> OdfState<'s> {
    fn new(kind: OfficeKind, budget: &'s mut Budget, out: &'s mut OfficeText) -> Self {
        let unit = (kind == OfficeKind::Odt).then(String::new);
        let (row, cell, cell_value) = (String::new(), None, None);
        Self {
            kind,
            budget,
            out,
            unit,
            para: 0,
            table: 0,
            row,
            row_repeat: 1,
            cell,
            cell_repeat: 1,
            cell_value,
        }
    }

    fn on(&mut self, tag: Tag<'_>) -> Flow {
        let (ods, odp, para) = (
            self.kind == OfficeKind::Ods,
            self.kind == OfficeKind::Odp,
            self.para > 0,
        );
        match tag {
            Tag::Open("annotation" | "note-citation" | "tracked-changes", _) => return Flow::Skip,
            Tag::Open("p" | "h", _) => self.para += 1,
            Tag::Close("p" | "h") if para => {
                self.para -= 1;
                self.emit("\n");
            }
            Tag::Open("tab", _) if para => self.emit("\t"),
            Tag::Open("line-break" | "note-body", _) if para => self.emit("\n"),
            Tag::Open("s", e) if para => self.emit(&" ".repeat(repeat_count(e, "c"))),
            Tag::Text(s) if para => self.emit(s),
            Tag::Open("page", _) if odp => {
                self.end_unit();
                self.unit = Some(String::new());
            }
            Tag::Close("page") if odp => self.end_unit(),
            Tag::Open("table", e) if ods => {
                self.table += 1;
                if self.table == 1 {
                    self.end_unit();
                    self.unit = Some(String::new());
                    self.out
                        .sheet_or_slide_names
                        .push(attr(e, "name").unwrap_or_default());
                }
            }
            Tag::Close("table") if ods && self.table > 0 => {
                self.table -= 1;
                if self.table == 0 {
                    self.end_unit();
                }
            }
            Tag::Open("table-row", e) if ods && self.table == 1 => {
                self.row.clear();
                self.row_repeat = repeat_count(e, "number-rows-repeated");
            }
            Tag::Open("table-cell" | "covered-table-cell", e) if ods && self.table == 1 => {
                self.cell = Some(String::new());
                self.cell_repeat = repeat_count(e, "number-columns-repeated");
                let values = [
                    "value",
                    "date-value",
                    "time-value",
                    "boolean-value",
                    "string-value",
                ];
                self.cell_value = values.iter().find_map(|name| attr(e, name));
            }
            Tag::Close("table-cell" | "covered-table-cell") if ods && self.table == 1 => {
                self.end_cell();
            }
            Tag::Close("table-row") if ods && self.table == 1 => self.end_row(),
            _ => {}
        }
        self.budget.flow()
    }

    /// Route text to the current cell (ODS) or unit (ODT, ODP).
    fn emit(&mut self, s: &str) {
        match (&mut self.cell, &mut self.unit) {
            (Some(cell), _) if self.kind == OfficeKind::Ods => cap_push(cell, s),
            (_, Some(unit)) if self.kind != OfficeKind::Ods => self.budget.push(unit, s),
            _ => {}
        }
    }

    /// A non-empty cell joins the row, repeated as declared (capped).
    fn end_cell(&mut self) {
        let Some(cell) = self.cell.take() else { return };
        let mut text = cell.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            text = self.cell_value.as_deref().unwrap_or_default();
        }
        for _ in 0..if text.is_empty() { 0 } else { self.cell_repeat } {
            if !self.row.is_empty() {
                cap_push(&mut self.row, "\t");
            }
            cap_push(&mut self.row, text);
        }
    }

    /// A non-empty row joins the sheet, repeated as declared (capped).
    fn end_row(&mut self) {
        if let Some(unit) = &mut self.unit
            && !self.row.is_empty()
        {
            for _ in 0..self.row_repeat {
                self.budget.push(unit, &self.row);
                self.budget.push(unit, "\n");
            }
        }
        self.row.clear();
    }

    fn end_unit(&mut self) {
        if let Some(unit) = self.unit.take() {
            let n = unit_number(self.out.units.len());
            self.out.units.push((n, finish(&unit)));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::ZipWriter;
    use zip::write::SimpleFileOptions;

    use super::*;

    fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in parts {
            w.start_file(*name, SimpleFileOptions::default())
                .expect("start file");
            w.write_all(body.as_bytes()).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn core(title: &str, creator: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator></cp:coreProperties>"#
        )
    }

    #[test]
    fn mime_types() {
        assert_eq!(
            OfficeKind::from_mime(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
            Some(OfficeKind::Docx)
        );
        assert_eq!(
            OfficeKind::from_mime("application/vnd.ms-excel.sheet.macroEnabled.12"),
            Some(OfficeKind::Xlsx)
        );
        assert_eq!(
            OfficeKind::from_mime(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
            Some(OfficeKind::Xlsx)
        );
        assert_eq!(
            OfficeKind::from_mime(
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            ),
            Some(OfficeKind::Pptx)
        );
        assert_eq!(
            OfficeKind::from_mime("application/vnd.oasis.opendocument.text"),
            Some(OfficeKind::Odt)
        );
        assert_eq!(
            OfficeKind::from_mime("application/vnd.oasis.opendocument.spreadsheet"),
            Some(OfficeKind::Ods)
        );
        assert_eq!(
            OfficeKind::from_mime("application/vnd.oasis.opendocument.presentation"),
            Some(OfficeKind::Odp)
        );
        assert_eq!(OfficeKind::from_mime("application/pdf"), None);
    }

    #[test]
    fn docx_body_headers_notes_and_metadata() {
        let body = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W} xmlns:mc="mc"><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Hello</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">R&amp;D caf&#233; </w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:t>world</w:t></w:r></w:p>
<w:p><w:r><w:t>line one</w:t><w:br/><w:t>line two</w:t></w:r></w:p>
<w:p/>
<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>In a box</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>In a box</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>hidden by merge</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>next</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#
        );
        let header = format!(r#"<w:hdr {W}><w:p><w:r><w:t>Header text</w:t></w:r></w:p></w:hdr>"#);
        let footer = format!(r#"<w:ftr {W}><w:p><w:r><w:t>Page footer</w:t></w:r></w:p></w:ftr>"#);
        let notes = format!(
            r#"<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>A footnote.</w:t></w:r></w:p></w:footnote></w:footnotes>"#
        );
        let data = zip_of(&[
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", &body),
            ("word/footer1.xml", &footer),
            (
                "word/header10.xml",
                &header.replace("Header text", "Header ten"),
            ),
            ("word/header2.xml", &header),
            ("word/footnotes.xml", &notes),
            (
                "docProps/core.xml",
                &core("The &lt;Title&gt;", " Ann Author "),
            ),
        ]);
        let text = extract_office(&data, OfficeKind::Docx).expect("docx");
        assert_eq!(
            text.units,
            vec![(
                1,
                "Hello\tR&D café world\nline one\nline two\n\nIn a box\n\ncell\n\nnext\nHeader text\nHeader ten\nPage footer\nA footnote."
                    .to_owned()
            )]
        );
        assert_eq!(text.title.as_deref(), Some("The <Title>"));
        assert_eq!(text.author.as_deref(), Some("Ann Author"));
        assert!(text.sheet_or_slide_names.is_empty());
    }

    #[test]
    fn docx_main_part_from_root_rels_and_missing_main_part() {
        let rels = r#"<Relationships xmlns="r"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
        let body = format!(
            r#"<w:document {W}><w:body><w:p><w:r><w:t>Second name</w:t></w:r></w:p></w:body></w:document>"#
        );
        let data = zip_of(&[("_rels/.rels", rels), ("word/document2.xml", &body)]);
        let text = extract_office(&data, OfficeKind::Docx).expect("docx");
        assert_eq!(text.units, vec![(1, "Second name".to_owned())]);
        assert_eq!(text.title, None);

        let data = zip_of(&[("word/styles.xml", "<w:styles/>")]);
        match extract_office(&data, OfficeKind::Docx) {
            Err(Error::Invalid(msg)) => assert_eq!(msg, "this DOCX file has no word/document.xml"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn xlsx_sheets_in_workbook_order_with_shared_strings() {
        let workbook = r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Summary &amp; totals" sheetId="2" r:id="rId2"/><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
        let rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
        let shared = r#"<sst count="3"><si><t>Name</t></si><si><r><rPr><b/></rPr><t>Rich </t></r><r><t>text</t></r><rPh><t>ignored</t></rPh></si><si><t>Fish &amp; chips</t></si><si><t>a_x000D_
b_x0041__x005F_x0041_ _xZZ</t></si></sst>"#;
        let sheet1 = r#"<worksheet><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>3.5</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="str"><f>A2&amp;"!"</f><v>Fish!</v></c><c r="E2" t="inlineStr"><is><t>inline</t></is></c></row>
<row r="3"><c r="A3" s="1"/></row>
<row r="4"><c r="B4" t="s"><v>99</v></c><c r="C4" t="e"><v>#DIV/0!</v></c><c r="D4" t="s"><v>3</v></c></row>
</sheetData></worksheet>"#;
        let sheet2 = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><r><t>Total</t></r><r><t>: 7</t></r></is></c></row></sheetData></worksheet>"#;
        let data = zip_of(&[
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/sharedStrings.xml", shared),
            ("xl/worksheets/sheet1.xml", sheet1),
            ("xl/worksheets/sheet2.xml", sheet2),
            ("docProps/core.xml", &core("Budget", "Bob")),
        ]);
        let text = extract_office(&data, OfficeKind::Xlsx).expect("xlsx");
        assert_eq!(
            text.sheet_or_slide_names,
            vec!["Summary & totals".to_owned(), "Data".to_owned()]
        );
        assert_eq!(
            text.units,
            vec![
                (1, "Total: 7".to_owned()),
                (
                    2,
                    "Name\tRich text\nFish & chips\t3.5\t1\tFish!\tinline\n#DIV/0!\ta\nbA_x0041_ _xZZ".to_owned()
                ),
            ]
        );
        assert_eq!(text.title.as_deref(), Some("Budget"));
        assert_eq!(text.author.as_deref(), Some("Bob"));
    }

    #[test]
    fn xlsx_without_shared_strings_or_workbook() {
        let workbook = r#"<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/><sheet name="Missing" sheetId="2" r:id="rId9"/></sheets></workbook>"#;
        let rels = r#"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
        let sheet = r#"<worksheet><sheetData><row><c><v>42</v></c></row></sheetData></worksheet>"#;
        let data = zip_of(&[
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/worksheets/sheet1.xml", sheet),
        ]);
        let text = extract_office(&data, OfficeKind::Xlsx).expect("xlsx");
        assert_eq!(text.units, vec![(1, "42".to_owned()), (2, String::new())]);
        assert_eq!(
            text.sheet_or_slide_names,
            vec!["S".to_owned(), "Missing".to_owned()]
        );

        let data = zip_of(&[("xl/worksheets/sheet1.xml", sheet)]);
        assert!(
            matches!(extract_office(&data, OfficeKind::Xlsx), Err(Error::Invalid(m)) if m.contains("no xl/workbook.xml"))
        );
    }

    #[test]
    fn pptx_slides_in_presentation_order_with_notes() {
        let presentation = r#"<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/></p:sldIdLst></p:presentation>"#;
        let rels = r#"<Relationships><Relationship Id="rId2" Type="x/slide" Target="slides/slide1.xml"/><Relationship Id="rId3" Type="x/slide" Target="slides/slide2.xml"/></Relationships>"#;
        let slide = |title: &str, body: &str| {
            format!(
                r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{title}</a:t></a:r></a:p></p:txBody></p:sp><p:sp><p:txBody><a:p><a:r><a:t>{body}</a:t></a:r><a:br/><a:r><a:t>second line</a:t></a:r></a:p><a:p><a:fld type="slidenum"><a:t>7</a:t></a:fld></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#
            )
        };
        let slide2_rels = r#"<Relationships><Relationship Id="rId1" Type="x/slideLayout" Target="../slideLayouts/slideLayout1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>"#;
        let notes = r#"<p:notes xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Speaker notes &lt;here&gt;</a:t></a:r></a:p></p:txBody></p:sp><p:sp><p:txBody><a:p><a:fld type="slidenum"><a:t>1</a:t></a:fld></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:notes>"#;
        let s1 = slide("Second slide", "Body B");
        let s2 = slide("First slide", "Body A");
        let data = zip_of(&[
            ("ppt/presentation.xml", presentation),
            ("ppt/_rels/presentation.xml.rels", rels),
            ("ppt/slides/slide1.xml", &s1),
            ("ppt/slides/slide2.xml", &s2),
            ("ppt/slides/_rels/slide2.xml.rels", slide2_rels),
            ("ppt/notesSlides/notesSlide1.xml", notes),
        ]);
        let text = extract_office(&data, OfficeKind::Pptx).expect("pptx");
        assert_eq!(
            text.units,
            vec![
                (
                    1,
                    "First slide\nBody A\nsecond line\nSpeaker notes <here>".to_owned()
                ),
                (2, "Second slide\nBody B\nsecond line".to_owned()),
            ]
        );
        assert!(text.sheet_or_slide_names.is_empty());
    }

    const ODF_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="p" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="m""#;

    fn odf_zip(mime: &str, content: &str, meta: Option<&str>) -> Vec<u8> {
        let mut parts = vec![("mimetype", mime), ("content.xml", content)];
        if let Some(meta) = meta {
            parts.push(("meta.xml", meta));
        }
        zip_of(&parts)
    }

    #[test]
    fn odt_paragraphs_spaces_notes_and_metadata() {
        let content = format!(
            r#"<office:document-content {ODF_NS}><office:body><office:text>
<text:tracked-changes><text:changed-region><text:deletion><text:p>deleted text</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">Heading &amp; more</text:h>
<text:p>A<text:s text:c="3"/>B<text:tab/>C<text:line-break/>D <text:span>span</text:span><text:s/>x<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>The note.</text:p></text:note-body></text:note> end<office:annotation><dc:creator>Rev</dc:creator><text:p>comment</text:p></office:annotation></text:p>
<text:list><text:list-item><text:p>item</text:p></text:list-item></text:list>
<text:p text:style-name="x"><text:s text:c="99999999"/></text:p>
</office:text></office:body></office:document-content>"#
        );
        let meta = format!(
            r#"<office:document-meta {ODF_NS}><office:meta><meta:initial-creator>First Author</meta:initial-creator><dc:title>ODT title</dc:title></office:meta></office:document-meta>"#
        );
        let data = odf_zip(
            "application/vnd.oasis.opendocument.text",
            &content,
            Some(&meta),
        );
        let text = extract_office(&data, OfficeKind::Odt).expect("odt");
        assert_eq!(text.units.len(), 1);
        let (n, body) = &text.units[0];
        assert_eq!(*n, 1);
        let expected = "Heading & more\nA   B\tC\nD span x\nThe note.\n end\nitem\n".to_owned();
        assert_eq!(body, &(expected + &" ".repeat(MAX_REPEAT)));
        assert_eq!(text.title.as_deref(), Some("ODT title"));
        assert_eq!(text.author.as_deref(), Some("First Author"));
    }

    #[test]
    fn ods_sheets_cells_and_repetition() {
        let content = format!(
            r#"<office:document-content {ODF_NS}><office:body><office:spreadsheet>
<table:table table:name="First &amp; only"><table:table-column table:number-columns-repeated="1024"/>
<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="float" office:value="2"><text:p>2.00</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2"><text:p>rep</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16000"/></table:table-row>
<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="float" office:value="5"/><table:covered-table-cell/><table:table-cell><text:p>two</text:p><text:p>lines</text:p><office:annotation><text:p>note</text:p></office:annotation></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1000000000"><table:table-cell table:number-columns-repeated="1000000000"><text:p>x</text:p></table:table-cell></table:table-row>
</table:table>
<table:table table:name="Empty"/>
</office:spreadsheet></office:body></office:document-content>"#
        );
        let data = odf_zip(
            "application/vnd.oasis.opendocument.spreadsheet",
            &content,
            None,
        );
        let start = std::time::Instant::now();
        let text = extract_office(&data, OfficeKind::Ods).expect("ods");
        assert!(start.elapsed().as_secs() < 5);
        assert_eq!(
            text.sheet_or_slide_names,
            vec!["First & only".to_owned(), "Empty".to_owned()]
        );
        assert_eq!(text.units.len(), 2);
        let sheet = &text.units[0].1;
        let capped_row = vec!["x"; MAX_REPEAT].join("\t");
        let mut expected = "a\t2.00\trep\trep\n5\ttwo\nlines\n5\ttwo\nlines".to_owned();
        for _ in 0..MAX_REPEAT {
            expected.push('\n');
            expected.push_str(&capped_row);
        }
        assert_eq!(sheet, &expected);
        assert_eq!(text.units[1], (2, String::new()));
        assert_eq!(text.title, None);
    }

    #[test]
    fn odp_one_unit_per_page_with_notes() {
        let content = format!(
            r#"<office:document-content {ODF_NS}><office:body><office:presentation>
<draw:page draw:name="page1"><draw:frame><draw:text-box><text:p>Slide one</text:p><text:list><text:list-item><text:p>bullet</text:p></text:list-item></text:list></draw:text-box></draw:frame><presentation:notes><draw:page-thumbnail/><draw:frame><draw:text-box><text:p>notes one</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>
<draw:page draw:name="page2"><draw:frame><draw:text-box><text:p>Slide two</text:p></draw:text-box></draw:frame></draw:page>
</office:presentation></office:body></office:document-content>"#
        );
        let data = odf_zip(
            "application/vnd.oasis.opendocument.presentation",
            &content,
            None,
        );
        let text = extract_office(&data, OfficeKind::Odp).expect("odp");
        assert_eq!(
            text.units,
            vec![
                (1, "Slide one\nbullet\nnotes one".to_owned()),
                (2, "Slide two".to_owned())
            ]
        );
        assert!(text.sheet_or_slide_names.is_empty());
    }

    #[test]
    fn odf_without_content_is_invalid() {
        let data = zip_of(&[("mimetype", "application/vnd.oasis.opendocument.text")]);
        assert!(
            matches!(extract_office(&data, OfficeKind::Odt), Err(Error::Invalid(m)) if m == "this ODT file has no content.xml")
        );
    }

    #[test]
    fn encrypted_ooxml_is_password_protected() {
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend_from_slice(&[0u8; 500]);
        let name: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut protected = ole.clone();
        protected.extend_from_slice(&name);
        protected.extend_from_slice(&[0u8; 100]);
        assert!(matches!(
            extract_office(&protected, OfficeKind::Docx),
            Err(Error::PasswordProtected)
        ));
        match extract_office(&ole, OfficeKind::Xlsx) {
            Err(Error::Invalid(m)) => assert!(m.starts_with("not an office file"), "{m}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn encrypted_odf_is_password_protected() {
        let manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="1234"><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="abc"><manifest:algorithm manifest:algorithm-name="Blowfish CFB"/></manifest:encryption-data></manifest:file-entry></manifest:manifest>"#;
        let data = zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", "\u{1}\u{2}binary garbage"),
            ("META-INF/manifest.xml", manifest),
        ]);
        assert!(matches!(
            extract_office(&data, OfficeKind::Odt),
            Err(Error::PasswordProtected)
        ));
        // Encryption of another entry (a thumbnail) does not make content.xml unreadable.
        let other = manifest.replace(
            "full-path=\"content.xml\"",
            "full-path=\"Thumbnails/thumbnail.png\"",
        );
        let content = format!(
            r#"<office:document-content {ODF_NS}><office:body><office:text><text:p>visible</text:p></office:text></office:body></office:document-content>"#
        );
        let data = zip_of(&[("content.xml", &content), ("META-INF/manifest.xml", &other)]);
        let text = extract_office(&data, OfficeKind::Odt).expect("odt");
        assert_eq!(text.units, vec![(1, "visible".to_owned())]);
    }

    #[test]
    fn zip_entry_flagged_encrypted_is_password_protected() {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        w.start_file("word/document.xml", stored).expect("start");
        w.write_all(b"<w:document/>").expect("write");
        let mut data = w.finish().expect("finish").into_inner();
        // Set bit 0 (encrypted) of the general purpose flags, in the local and central headers.
        let mut patched = 0;
        for i in 0..data.len().saturating_sub(4) {
            if data[i..i + 4] == [0x50, 0x4B, 0x03, 0x04] {
                data[i + 6] |= 1;
                patched += 1;
            } else if data[i..i + 4] == [0x50, 0x4B, 0x01, 0x02] {
                data[i + 8] |= 1;
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
        assert!(matches!(
            extract_office(&data, OfficeKind::Docx),
            Err(Error::PasswordProtected)
        ));
    }

    #[test]
    fn oversized_part_is_refused() {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("word/document.xml", SimpleFileOptions::default())
            .expect("start");
        let block = vec![b' '; 1 << 20];
        for _ in 0..=(MAX_PART >> 20) {
            w.write_all(&block).expect("write");
        }
        let data = w.finish().expect("finish").into_inner();
        assert!(data.len() < 1 << 20, "compresses well");
        assert!(matches!(
            extract_office(&data, OfficeKind::Docx),
            Err(Error::TooLarge {
                what: "a part of the document",
                limit: MAX_PART
            })
        ));
    }

    #[test]
    fn reading_stops_past_the_limit_whatever_the_header_says() {
        let data = [b'x'; 100];
        assert_eq!(read_capped(&data[..], 100).expect("fits").len(), 100);
        assert!(matches!(
            read_capped(&data[..], 99),
            Err(Error::TooLarge { .. })
        ));
    }

    #[test]
    fn too_many_entries_is_refused() {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for i in 0..=MAX_ENTRIES {
            w.start_file(format!("f{i}"), stored).expect("start");
        }
        let data = w.finish().expect("finish").into_inner();
        assert!(matches!(
            extract_office(&data, OfficeKind::Docx),
            Err(Error::TooLarge {
                what: "the number of zip entries",
                ..
            })
        ));
    }

    #[test]
    fn output_is_truncated_on_a_char_boundary() {
        let mut budget = Budget::new(6);
        let mut out = String::new();
        budget.push(&mut out, "ab");
        budget.push(&mut out, "cé");
        assert_eq!(out, "abcé");
        assert!(!budget.full());
        budget.push(&mut out, "éx");
        assert_eq!(out, "abcé");
        assert!(budget.full());
        budget.push(&mut out, "more");
        assert_eq!(out, "abcé");

        let mut buf = "x".repeat(MAX_TEXT - 1);
        cap_push(&mut buf, "yz");
        assert_eq!(buf.len(), MAX_TEXT);
        assert!(buf.ends_with("xy"));
    }

    #[test]
    fn broken_inputs_are_errors_not_panics() {
        assert!(matches!(
            extract_office(b"", OfficeKind::Docx),
            Err(Error::Zip(_))
        ));
        assert!(matches!(
            extract_office(b"PK\x03\x04garbage", OfficeKind::Xlsx),
            Err(Error::Zip(_))
        ));
        let good = zip_of(&[(
            "word/document.xml",
            "<w:document><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>",
        )]);
        for cut in [10, good.len() / 2, good.len() - 10] {
            assert!(extract_office(&good[..cut], OfficeKind::Docx).is_err());
        }
        let data = zip_of(&[("word/document.xml", "<w:document><w:body><w:p a=\"1 b=2><")]);
        assert!(matches!(
            extract_office(&data, OfficeKind::Docx),
            Err(Error::Xml(_))
        ));
        // Every kind on every container: no panic.
        for kind in [
            OfficeKind::Docx,
            OfficeKind::Xlsx,
            OfficeKind::Pptx,
            OfficeKind::Odt,
            OfficeKind::Ods,
            OfficeKind::Odp,
        ] {
            let _ = extract_office(&good, kind);
        }
    }

    #[test]
    fn utf16_part_and_relative_paths() {
        let body = format!(
            r#"<?xml version="1.0" encoding="UTF-16"?><w:document {W}><w:body><w:p><w:r><w:t>wide</w:t></w:r></w:p></w:body></w:document>"#
        );
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(body.encode_utf16().flat_map(u16::to_le_bytes));
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("word/document.xml", SimpleFileOptions::default())
            .expect("start");
        w.write_all(&utf16).expect("write");
        let data = w.finish().expect("finish").into_inner();
        let text = extract_office(&data, OfficeKind::Docx).expect("docx");
        assert_eq!(text.units, vec![(1, "wide".to_owned())]);

        assert_eq!(
            resolve("ppt/slides/slide1.xml", "../notesSlides/n1.xml"),
            "ppt/notesSlides/n1.xml"
        );
        assert_eq!(
            resolve("xl/workbook.xml", "/xl/worksheets/s.xml"),
            "xl/worksheets/s.xml"
        );
        assert_eq!(resolve("xl/workbook.xml", "../../../../x.xml"), "x.xml");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
    }

    #[test]
    fn mutated_parts_never_panic() {
        let docx = format!(
            r#"<w:document {W}><w:body><w:p><w:r><w:t>a&amp;b</w:t><w:tab/></w:r></w:p></w:body></w:document>"#
        );
        let ods = format!(
            r#"<office:document-content {ODF_NS}><office:body><office:spreadsheet><table:table table:name="S"><table:table-row><table:table-cell table:number-columns-repeated="3"><text:p>x<text:s text:c="2"/></text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let sheet = r#"<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>i</t></is></c></row></sheetData></worksheet>"#;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for round in 0..600 {
            let mut parts = [
                docx.clone().into_bytes(),
                ods.clone().into_bytes(),
                sheet.as_bytes().to_vec(),
            ];
            for part in &mut parts {
                for _ in 0..1 + round % 4 {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let at = (state as usize) % part.len();
                    match state % 3 {
                        0 => part[at] = (state >> 8) as u8,
                        1 => part.truncate(at.max(1)),
                        _ => part.insert(at, b"<&/>\"'"[(state >> 16) as usize % 6]),
                    }
                }
            }
            let text: Vec<String> = parts
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            let workbook = r#"<workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>"#;
            let rels = r#"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
            let containers = [
                (zip_of(&[("word/document.xml", &text[0])]), OfficeKind::Docx),
                (zip_of(&[("content.xml", &text[1])]), OfficeKind::Ods),
                (zip_of(&[("content.xml", &text[1])]), OfficeKind::Odt),
                (
                    zip_of(&[
                        ("xl/workbook.xml", workbook),
                        ("xl/_rels/workbook.xml.rels", rels),
                        ("xl/sharedStrings.xml", &text[0]),
                        ("xl/worksheets/sheet1.xml", &text[2]),
                    ]),
                    OfficeKind::Xlsx,
                ),
            ];
            for (data, kind) in containers {
                let _ = extract_office(&data, kind);
            }
        }
    }
}
