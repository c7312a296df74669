//! Office documents as pages: converted by LibreOffice in the PDF worker, in a private
//! memory folder that is gone afterwards, the PDF kept sealed in `derived/`.

use super::*;

/// Whether LibreOffice runs here; in CI it must.
fn soffice_runs() -> bool {
    let runs = std::process::Command::new("soffice")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        runs || std::env::var("CI").as_deref() != Ok("true"),
        "LibreOffice (soffice) is missing: scripts/setup.sh installs it"
    );
    runs
}

fn leftovers() -> Vec<String> {
    std::fs::read_dir("/dev/shm")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("dossier-office-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_docx_shows_as_pages_converted_in_memory_and_kept_sealed() {
    if !cfg!(target_os = "linux") || !soffice_runs() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let docx = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../tests/corpus/files/Unstructured-IO+unstructured/example-docs/page-breaks.docx",
    );
    let file = t.path().join("in/Course outline.docx");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::copy(&docx, &file).unwrap();
    let doc = imported(&import(&mut lib, &[file], &ImportOptions::default()))[0];
    let opts = processing();
    lib.process(&opts, &mut |_| {}).unwrap();
    assert!(dossier_core::page_images(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "x.docx",
        &opts.tools
    ));

    let thumb = lib.thumbnail(doc, None, &opts.tools).unwrap();
    assert!(!thumb.icon, "a page, not the icon: {:?}", thumb.reason);
    let second = lib.render_page(doc, None, 2, 300, &opts.tools).unwrap();
    assert_eq!(second.width, 300);
    assert!(matches!(
        lib.render_page(doc, None, 99, 300, &opts.tools),
        Err(dossier_core::Error::NoSuchPage { page: 99, .. })
    ));
    assert_eq!(
        leftovers(),
        Vec::<String>::new(),
        "the memory folder is gone"
    );

    // Its text is read from the pages shown: a search hit names the page the word is
    // on, and that page marks it.
    let hits = lib
        .search(&dossier_core::SearchRequest {
            query: "second".into(),
            ..dossier_core::SearchRequest::default()
        })
        .unwrap();
    assert_eq!(hits.hits.len(), 1);
    assert_eq!(hits.hits[0].page, Some(2), "{:?}", hits.hits[0]);
    let marks = lib
        .find_on_page(doc, None, 2, "second type:letter", &opts.tools)
        .unwrap();
    assert_eq!(marks.len(), 1, "{marks:?}");
    let [left, top, width, height] = marks[0];
    assert!(left >= 0.0 && top >= 0.0 && width > 0.0 && height > 0.0);
    assert!(left + width <= 1.0 && top + height <= 1.0, "{marks:?}");
    assert!(
        lib.find_on_page(doc, None, 1, "second", &opts.tools)
            .unwrap()
            .is_empty()
    );

    // The PDF is kept, sealed: nothing in the library reads as a PDF.
    let mut files = vec![t.path().join("lib")];
    let mut pdfs = Vec::new();
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if std::fs::read(&p).unwrap().windows(5).any(|w| w == b"%PDF-") {
            pdfs.push(p);
        }
    }
    assert_eq!(pdfs, Vec::<PathBuf>::new());
    let renditions = walk_names(&t.path().join("lib/derived"));
    assert!(
        renditions.iter().any(|n| n == "rendition.pdf"),
        "{renditions:?}"
    );
}

fn walk_names(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk_names(&p));
        } else {
            out.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}
