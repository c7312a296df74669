//! `dossier diff`: text hunks with page numbers and changed words, property changes, and
//! clear errors, on PDFs made here and on text files.

use super::*;

/// A minimal PDF with one line of Helvetica text per entry of each page.
pub(crate) fn simple_pdf(pages: &[&[&str]]) -> Vec<u8> {
    let pages: Vec<PageSpec<'_>> = pages
        .iter()
        .map(|lines| PageSpec {
            lines,
            media_box: [0.0, 0.0, 612.0, 792.0],
            rotate: 0,
        })
        .collect();
    pdf(&pages)
}

/// One page of [`pdf`]: its lines of text, its media box (left, bottom, right, top) and
/// its /Rotate.
pub(crate) struct PageSpec<'a> {
    pub lines: &'a [&'a str],
    pub media_box: [f32; 4],
    pub rotate: u32,
}

/// A minimal PDF: each page's lines from 72 points inside its media box's top left, then
/// the last line 36 points above its bottom right corner.
pub(crate) fn pdf(pages: &[PageSpec<'_>]) -> Vec<u8> {
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        String::new(), // the page tree, once the pages' numbers are known
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    ];
    let mut kids = Vec::new();
    for page in pages {
        let [left, bottom, right, top] = page.media_box;
        let mut content = format!("BT /F1 12 Tf {} {} Td 14 TL\n", left + 72.0, top - 72.0);
        let (last, first) = page.lines.split_last().unwrap_or((&"", &[]));
        for l in first {
            content.push_str(&format!("({l}) Tj T*\n"));
        }
        content.push_str("ET\n");
        if !last.is_empty() {
            content.push_str(&format!(
                "BT /F1 12 Tf {} {} Td ({last}) Tj ET\n",
                right - 200.0,
                bottom + 36.0
            ));
        }
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
        let content_id = objects.len();
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [{left} {bottom} {right} {top}] /Rotate {} /Contents {content_id} 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
            page.rotate
        ));
        kids.push(format!("{} 0 R", objects.len()));
    }
    objects[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        kids.len()
    );
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn diff_shows_changed_lines_with_pages_words_and_properties() {
    let lib = Lib::new();
    require_tools(&lib);
    let page1: &[&str] = &["Transcript of records", "Student Anna Muller", "Year 2024"];
    let page3: &[&str] = &["Signed by the registrar", "Office stamp"];
    let v1 = simple_pdf(&[page1, &["Mathematics grade B", "Physics grade A"], page3]);
    let v2 = simple_pdf(&[page1, &["Mathematics grade A", "Physics grade A"], page3]);
    let (p1, p2) = (
        lib.work().join("transcript.pdf"),
        lib.work().join("transcript-corrected.pdf"),
    );
    std::fs::write(&p1, v1).unwrap();
    std::fs::write(&p2, v2).unwrap();
    lib.ok(&["import", p1.to_str().unwrap()]);
    let doc = doc_by_name(&lib, "transcript.pdf");
    lib.ok(&[
        "add-version",
        &doc,
        p2.to_str().unwrap(),
        "--note",
        "grade corrected",
    ]);
    lib.ok(&["process"]);

    let d = lib.json(&["diff", &doc, "1", "2", "--json", "--context", "0"]);
    assert_eq!(
        (d["old_text"].as_str(), d["new_text"].as_str()),
        (Some("complete"), Some("complete"))
    );
    assert_eq!(d["same_content"], false);
    assert_eq!(d["new"]["note"], "grade corrected");
    assert_eq!(
        (d["lines_added"].as_u64(), d["lines_removed"].as_u64()),
        (Some(1), Some(1))
    );
    let hunks = d["hunks"].as_array().unwrap();
    assert_eq!(hunks.len(), 1, "{d}");
    let h = &hunks[0];
    assert_eq!(
        (h["old_pages"].clone(), h["new_pages"].clone()),
        (serde_json::json!([2, 2]), serde_json::json!([2, 2]))
    );
    let lines: Vec<(String, String, Value, Value, Value)> = h["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["op"].as_str().unwrap().to_owned(),
                l["text"].as_str().unwrap().trim().to_owned(),
                l["old_page"].clone(),
                l["new_page"].clone(),
                l["changes"].clone(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (
                "removed".into(),
                "Mathematics grade B".into(),
                2.into(),
                Value::Null,
                serde_json::json!([[18, 19]])
            ),
            (
                "added".into(),
                "Mathematics grade A".into(),
                Value::Null,
                2.into(),
                serde_json::json!([[18, 19]])
            ),
        ]
    );
    let fields: Vec<&str> = d["metadata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["file name"], "{d}");

    // With context: the neighbouring lines of the same page, and a readable report.
    let d = lib.json(&["diff", &doc, "1", "2", "--json", "--context", "1"]);
    let ops: Vec<&str> = d["hunks"][0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["op"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["equal", "removed", "added", "equal"]);
    let text = lib.ok(&["diff", &doc, "1", "2"]);
    for want in [
        "file name: transcript.pdf -> transcript-corrected.pdf",
        "1 line(s) added, 1 removed",
        "@@ page 2 -> page 2 @@",
        "- Mathematics grade B",
        "+ Mathematics grade A",
        "  Physics grade A",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }

    // A version compared with itself, or restored content: same content, no hunks.
    lib.ok(&["restore", &doc, "1"]);
    lib.ok(&["process"]);
    let d = lib.json(&["diff", &doc, "1", "3", "--json"]);
    assert_eq!(d["same_content"], true, "{d}");
    assert!(d["hunks"].as_array().unwrap().is_empty());
    assert!(lib.ok(&["diff", &doc, "1", "3"]).contains("same content"));

    // Clear errors for versions that do not exist.
    let o = lib.run(&["diff", &doc, "1", "9"]);
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).contains("document has no version 9"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn diff_says_when_a_version_is_not_processed_yet() {
    let lib = Lib::new();
    let (a, b) = (lib.work().join("notes.txt"), lib.work().join("notes2.txt"));
    std::fs::write(&a, "first line\nsecond line\n").unwrap();
    std::fs::write(&b, "first line\nsecond line changed\nthird line\n").unwrap();
    lib.ok(&["import", a.to_str().unwrap()]);
    let doc = doc_by_name(&lib, "notes.txt");
    // `add-version` stores the version; its text waits for `dossier process`.
    lib.ok(&["add-version", &doc, b.to_str().unwrap()]);
    let d = lib.json(&["diff", &doc, "1", "2", "--json"]);
    assert_eq!(
        (d["old_text"].as_str(), d["new_text"].as_str()),
        (Some("complete"), Some("pending")),
        "{d}"
    );
    let o = lib.run(&["diff", &doc, "1", "2"]);
    assert!(
        stderr(&o).contains("the text of version 2 is not fully extracted yet"),
        "{}",
        stderr(&o)
    );

    lib.ok(&["process"]);
    let d = lib.json(&["diff", &doc, "1", "2", "--json"]);
    assert_eq!(d["new_text"], "complete", "{d}");
    let lines: Vec<String> = d["hunks"][0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["op"].as_str().unwrap(),
                l["text"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "equal first line",
            "removed second line",
            "added second line changed",
            "added third line"
        ]
    );
}
