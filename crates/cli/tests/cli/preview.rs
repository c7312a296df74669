//! `dossier thumbnail` and `dossier render`: sizes, EXIF orientation, icons with reasons,
//! the encrypted `derived/` cache and its regeneration.

use super::*;

/// Width and height from a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

fn derived_files(lib: &Lib) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(lib.path.join("derived")) else {
        return out;
    };
    for dir in dirs {
        for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out.sort();
    out
}

#[test]
fn thumbnails_and_page_renders_are_cached_encrypted_and_regenerable() {
    let lib = Lib::new();
    require_tools(&lib);
    let input = corpus_subset(
        &lib,
        &[
            "py-pdf+sample-files/006-pdflatex-outline/pdflatex-outline.pdf",
            "py-pdf+sample-files/005-libreoffice-writer-password/libreoffice-writer-password.pdf",
            "ianare+exif-samples/jpg/orientation/portrait_6.jpg",
            "ianare+exif-samples/jpg/orientation/landscape_1.jpg",
            "Unstructured-IO+unstructured/example-docs/page-breaks.docx",
            "tesseract-ocr+test/testing/phototest.tif",
        ],
    );
    std::fs::write(input.join("notes.txt"), "Staff room notes\n").unwrap();
    let report = lib.json(&["import", "--json", input.to_str().unwrap()]);
    assert_eq!(report["process"]["failed"], 0, "{report}");
    // The import made one thumbnail per document that has pages (the DOCX's from the PDF
    // LibreOffice made of it, kept too), and nothing readable.
    let cached = derived_files(&lib);
    assert_eq!(cached.len(), 6, "{cached:?}");
    assert!(cached.iter().any(|f| f.ends_with("rendition.pdf")));
    for f in &cached {
        let body = std::fs::read(f).unwrap();
        assert!(body.starts_with(b"DOSDRV01"), "{f:?}");
        assert!(
            !body.windows(4).any(|w| w == b"IHDR"),
            "plaintext PNG in {f:?}"
        );
    }

    let out = lib.work().join("out.png");
    let out_s = out.to_str().unwrap();
    let thumb = |name: &str| {
        let info = lib.json(&["thumbnail", &doc_by_name(&lib, name), "-o", out_s, "--json"]);
        let png = std::fs::read(&out).unwrap();
        assert_eq!(
            png_size(&png),
            (
                info["width"].as_u64().unwrap() as u32,
                info["height"].as_u64().unwrap() as u32
            )
        );
        (info, png)
    };
    // A portrait page, a picture turned upright by its EXIF orientation, a landscape one.
    let (pdf, pdf_png) = thumb("pdflatex-outline.pdf");
    assert_eq!(pdf["height"], 256, "{pdf}");
    assert!(pdf["width"].as_u64().unwrap() < 256, "{pdf}");
    assert_eq!(pdf["icon"], false);
    let (portrait, _) = thumb("portrait_6.jpg");
    assert_eq!(
        (portrait["width"].as_u64(), portrait["height"].as_u64()),
        (Some(192), Some(256))
    );
    let (landscape, _) = thumb("landscape_1.jpg");
    assert_eq!(
        (landscape["width"].as_u64(), landscape["height"].as_u64()),
        (Some(256), Some(192))
    );
    // A Word document's first page; types without pages get their icon; a protected PDF
    // gets one with the reason.
    let (docx, _) = thumb("page-breaks.docx");
    assert_eq!(docx["icon"], false, "{docx}");
    let (text, _) = thumb("notes.txt");
    assert_eq!(
        (text["icon"].as_bool(), text["reason"].as_str()),
        (Some(true), None)
    );
    let (protected, protected_png) = thumb("libreoffice-writer-password.pdf");
    assert_eq!(protected["icon"], true, "{protected}");
    assert_eq!(protected["reason"], "password protected", "{protected}");
    assert_ne!(protected_png, pdf_png);
    let jobs = lib.json(&[
        "jobs",
        &doc_by_name(&lib, "libreoffice-writer-password.pdf"),
        "--json",
    ]);
    assert!(
        jobs["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["state"] == "protected"),
        "{jobs}"
    );

    // Page renders: the asked width, a clear error past the last page or for a type
    // without pages, and the library unchanged by errors.
    let pdf_id = doc_by_name(&lib, "pdflatex-outline.pdf");
    let page2 = lib.json(&[
        "render", &pdf_id, "--page", "2", "--width", "600", "-o", out_s, "--json",
    ]);
    assert_eq!(page2["width"], 600, "{page2}");
    let page2_png = std::fs::read(&out).unwrap();
    assert_eq!(png_size(&page2_png).0, 600);
    assert_eq!(derived_files(&lib).len(), 7);
    let before = derived_files(&lib);
    for (args, message) in [
        (
            vec!["--page", "99"],
            "there is no page 99: the document has 4 page(s)",
        ),
        (
            vec!["--width", "100000"],
            "the width must be between 16 and 4096 pixels",
        ),
        (vec!["--page", "0"], "there is no page 0"),
    ] {
        let mut all = vec!["render", pdf_id.as_str(), "-o", out_s];
        all.extend(args);
        let o = lib.run(&all);
        assert_eq!(code(&o), 3, "{}", stderr(&o));
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
    }
    let o = lib.run(&["render", &doc_by_name(&lib, "notes.txt"), "-o", out_s]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("no page images for"), "{}", stderr(&o));
    assert_eq!(derived_files(&lib), before);

    // `-o -` writes the PNG to standard output; the cached copy is the same image.
    let piped = lib.run(&[
        "render", &pdf_id, "--page", "2", "--width", "600", "-o", "-",
    ]);
    assert_eq!(piped.stdout, page2_png);

    // Damaged or deleted derived files are made again, identical.
    for f in derived_files(&lib) {
        let mut body = std::fs::read(&f).unwrap();
        let last = body.len() - 1;
        body[last] ^= 0x55;
        std::fs::write(&f, body).unwrap();
    }
    assert_eq!(thumb("pdflatex-outline.pdf").1, pdf_png);
    std::fs::remove_dir_all(lib.path.join("derived")).unwrap();
    assert_eq!(thumb("pdflatex-outline.pdf").1, pdf_png);
    let again = lib.run(&[
        "render", &pdf_id, "--page", "2", "--width", "600", "-o", "-",
    ]);
    assert_eq!(again.stdout, page2_png);
    lib.ok(&["verify"]);
}
