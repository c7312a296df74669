//! Search hits on scans: a picture, and a PDF page with no text but a scanned image, both
//! read by Tesseract at processing; opening the hit marks the words where Tesseract sees
//! them on that page.

use dossier_core::{OcrConfig, Tesseract};

use super::*;

/// Whether Tesseract runs here; in CI it must.
fn tesseract() -> bool {
    let found = Tesseract::find(&OcrConfig::default()).is_ok();
    assert!(
        found || std::env::var("CI").as_deref() != Ok("true"),
        "Tesseract is missing: scripts/setup.sh installs it"
    );
    found
}

fn within_the_page(marks: &[[f32; 4]]) -> bool {
    marks.iter().all(|[l, t, w, h]| {
        *l >= 0.0 && *t >= 0.0 && *w > 0.0 && *h > 0.0 && l + w <= 1.0 && t + h <= 1.0
    })
}

/// A PDF of one page that is only `jpeg` (grey, `width` × `height`), as a scanner makes.
fn scanned_pdf(jpeg: &[u8], width: u32, height: u32) -> Vec<u8> {
    let contents = format!("q {width} 0 0 {height} 0 0 cm /Im0 Do Q");
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |pdf: &mut Vec<u8>, body: Vec<u8>| {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", offsets.len()).as_bytes());
        pdf.extend(body);
        pdf.extend(b"\nendobj\n");
    };
    object(&mut pdf, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    object(
        &mut pdf,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
    );
    object(
        &mut pdf,
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>").into_bytes(),
    );
    let mut image = format!("<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n", jpeg.len()).into_bytes();
    image.extend(jpeg);
    image.extend(b"\nendstream");
    object(&mut pdf, image);
    object(
        &mut pdf,
        format!(
            "<< /Length {} >>\nstream\n{contents}\nendstream",
            contents.len()
        )
        .into_bytes(),
    );
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for o in &offsets {
        pdf.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn a_hit_on_a_scan_marks_the_words_where_tesseract_reads_them() {
    if !tesseract() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/files");
    let tif = corpus.join("tesseract-ocr+test/testing/phototest.tif");
    // The same page as a scanned PDF: grey JPEG inside, no text.
    let page = image::open(&tif).unwrap().to_luma8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&page)
        .unwrap();
    let pdf = write(
        &t.path().join("in"),
        "scanned.pdf",
        &scanned_pdf(&jpeg, page.width(), page.height()),
    );
    let docs = imported(&import(&mut lib, &[tif, pdf], &ImportOptions::default()));
    let opts = processing();
    lib.process(&opts, &mut |_| {}).unwrap();

    for doc in docs {
        // "The quick brown dog jumped over the lazy fox", four times.
        let marks = lib
            .find_on_page(doc, None, 1, "quick", &opts.tools)
            .unwrap();
        assert_eq!(marks.len(), 4, "{doc}: {marks:?}");
        assert!(within_the_page(&marks), "{marks:?}");
        // "ocr code" is on the second line: near the top, left of the middle.
        let ocr = lib.find_on_page(doc, None, 1, "OCR", &opts.tools).unwrap();
        assert_eq!(ocr.len(), 1, "{ocr:?}");
        assert!(ocr[0][0] < 0.5 && ocr[0][1] < 0.3, "{ocr:?}");
        let several = lib
            .find_on_page(doc, None, 1, "\"lazy fox\" OR dog", &opts.tools)
            .unwrap();
        assert!(several.len() >= 10, "{several:?}");
        assert!(
            lib.find_on_page(doc, None, 1, "elephant", &opts.tools)
                .unwrap()
                .is_empty()
        );
    }
}

/// Scans of the school records set (`tests/school-docs`), read by Tesseract at processing,
/// land on the student whose number they show by a rule: one numbered "2022-5825", and
/// one "S26051", which Tesseract reads as "$26051".
#[test]
fn a_scan_lands_on_the_student_whose_number_tesseract_reads() {
    use dossier_core::{
        Action, Condition, NumberSource, Pattern, RosterOptions, Rule, SubjectKind,
    };
    if !tesseract() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let roster = write(
        t.path(),
        "roster.csv",
        b"number,name\nS26051,Carlos Dubois\n2022-5825,Mia Rossi\nS26052,Ana Lima\n",
    );
    let opts = RosterOptions {
        kind: SubjectKind::Student,
        dry_run: false,
    };
    lib.import_roster(&roster, opts).unwrap();
    for (position, pattern) in [(0, r"\bS\d{5}\b"), (1, r"\b\d{4}-\d{4}\b")] {
        let rule = Rule {
            name: format!("student number {position}"),
            position,
            enabled: true,
            when: vec![Condition::Text {
                pattern: Pattern::Words("student".into()),
            }],
            then: vec![Action::Subject {
                pattern: pattern.into(),
                from: NumberSource::Text,
            }],
        };
        lib.set_rule(None, rule).unwrap();
    }
    let files = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/school-docs/files");
    let scans = [
        (files.join("021 image601.jpg"), "S26051"),
        (files.join("025 scan_2808.jpg"), "2022-5825"),
    ];
    let paths: Vec<PathBuf> = scans.iter().map(|(p, _)| p.clone()).collect();
    let docs = imported(&import(&mut lib, &paths, &ImportOptions::default()));
    for doc in &docs {
        let d = lib.catalog().document(*doc).unwrap();
        assert_eq!(d.summary.subject_id, None, "no text before OCR");
    }
    lib.process(&processing(), &mut |_| {}).unwrap();
    for (doc, (_, number)) in docs.iter().zip(&scans) {
        let d = lib.catalog().document(*doc).unwrap();
        assert_eq!(
            d.summary.subject_id.as_deref(),
            Some(*number),
            "{}",
            d.summary.file_name
        );
    }
}
