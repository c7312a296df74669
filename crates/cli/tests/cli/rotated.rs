//! Rotated pages and media boxes that do not start at the origin: every word `pdftotext`
//! reads from such a PDF is found by search (text is read from the whole page, not from
//! an unrotated box at 0,0).

use std::collections::BTreeSet;

use super::diff::{PageSpec, pdf};
use super::*;

#[test]
fn every_word_pdftotext_reads_on_rotated_and_offset_pages_is_found() {
    let lib = Lib::new();
    let boxes = [
        [0.0, 0.0, 612.0, 792.0],
        [100.0, 200.0, 1291.0, 1042.0],
        [-300.0, -400.0, 312.0, 392.0],
    ];
    let mut texts = Vec::new();
    for (b, _) in boxes.iter().enumerate() {
        for rotate in [0, 90, 180, 270] {
            texts.push([
                format!("heading{b}r{rotate} opening paragraph"),
                format!("middle{b}r{rotate} gland gasket"),
                format!("corner{b}r{rotate}"),
            ]);
        }
    }
    let lines: Vec<Vec<&str>> = texts
        .iter()
        .map(|t| t.iter().map(String::as_str).collect())
        .collect();
    let mut specs = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        specs.push(PageSpec {
            lines: l,
            media_box: boxes[i / 4],
            rotate: [0, 90, 180, 270][i % 4],
        });
    }
    let file = lib.work().join("rotated.pdf");
    std::fs::write(&file, pdf(&specs)).unwrap();
    lib.ok(&["import", file.to_str().unwrap()]);

    let out = Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    let words: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect();
    // pdftotext reads all of them: the test PDF is what it says.
    assert_eq!(words.len(), texts.len() * 3, "{words:?}");
    for w in &words {
        let found = lib.json(&["search", w, "--json"]);
        assert_eq!(found["total"], 1, "{w} not found: {found}");
    }
}
