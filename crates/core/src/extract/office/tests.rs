//! Tests of the office extractors on documents built in memory.

use std::io::{Cursor, Write};

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
        OfficeKind::from_mime("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
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
        Err(e @ Error::MissingPart { .. }) => {
            assert_eq!(e.to_string(), "this DOCX file has no word/document.xml")
        }
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
                "Name\tRich text\nFish & chips\t3.5\t1\tFish!\tinline\n#DIV/0!\ta\nbA_x0041_ _xZZ"
                    .to_owned()
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
        matches!(extract_office(&data, OfficeKind::Xlsx), Err(Error::MissingPart { part, .. }) if part == "xl/workbook.xml")
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
        matches!(extract_office(&data, OfficeKind::Odt), Err(Error::MissingPart { kind: "ODT", part }) if part == "content.xml")
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
        Err(Error::LegacyOffice) => {}
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
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
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
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
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
        let workbook =
            r#"<workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>"#;
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
