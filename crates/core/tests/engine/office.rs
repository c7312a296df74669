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

/// The office tests one at a time: each checks that no conversion folder is left in
/// `/dev/shm`, which another's conversion in progress would fail.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static HELD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    HELD.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Process `lib`; the file names of the jobs that failed, in order.
fn failed_files(lib: &mut Library, opts: &dossier_core::ProcessOptions) -> Vec<String> {
    let mut failed = Vec::new();
    lib.process(opts, &mut |e| {
        if let dossier_core::ProcessEvent::Finished {
            job,
            state: dossier_core::JobState::Failed,
            ..
        } = e
        {
            failed.push(job.file_name.clone());
        }
    })
    .unwrap();
    failed
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
    let _alone = one_at_a_time();
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

#[test]
fn office_documents_processed_together_start_libreoffice_once_and_a_bad_one_fails_alone() {
    if !cfg!(unix) || !soffice_runs() {
        return;
    }
    let _alone = one_at_a_time();
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    // LibreOffice itself, behind a script that notes each start (a check of its version
    // aside).
    let starts = t.path().join("starts");
    let shim = t.path().join("soffice-counted");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\n[ \"$1\" = --version ] || echo start >> '{}'\nexec soffice \"$@\"\n",
            starts.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o700)).unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/files");
    let mut files = Vec::new();
    for (source, name) in [
        (
            "Unstructured-IO+unstructured/example-docs/page-breaks.docx",
            "Course outline.docx",
        ),
        (
            "Unstructured-IO+unstructured/example-docs/simple.odt",
            "Minutes.odt",
        ),
        (
            "Unstructured-IO+unstructured/example-docs/sample-presentation.pptx",
            "Assembly.pptx",
        ),
    ] {
        files.push(t.path().join("in").join(name));
        std::fs::create_dir_all(t.path().join("in")).unwrap();
        std::fs::copy(corpus.join(source), files.last().unwrap()).unwrap();
    }
    files.push(write(
        t.path(),
        "in/Damaged.docx",
        b"PK\x03\x04 not a document at all",
    ));
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    assert_eq!(docs.len(), 4);

    let mut opts = processing();
    opts.tools.office = shim.clone();
    let failed = failed_files(&mut lib, &opts);
    assert_eq!(
        failed,
        ["Damaged.docx", "Damaged.docx"],
        "its text and its thumbnail, and nothing else"
    );
    let started = || std::fs::read_to_string(&starts).unwrap().lines().count();
    assert_eq!(
        started(),
        1,
        "once for all four; the damaged one, which it read and made nothing of, is not \
         tried again"
    );
    for &doc in &docs[..3] {
        let thumb = lib.thumbnail(doc, None, &opts.tools).unwrap();
        assert!(!thumb.icon, "a page, not the icon: {:?}", thumb.reason);
    }
    // Each document's text is read from its own pages: "second" is on the outline's
    // second page, the minutes' only one and the presentation's third slide.
    let hits = lib
        .search(&dossier_core::SearchRequest {
            query: "second".into(),
            ..dossier_core::SearchRequest::default()
        })
        .unwrap();
    let mut pages: Vec<_> = hits.hits.iter().map(|h| (h.id, h.page)).collect();
    pages.sort();
    let mut wanted = vec![(docs[0], Some(2)), (docs[1], Some(1)), (docs[2], Some(3))];
    wanted.sort();
    assert_eq!(pages, wanted);
    assert!(lib.render_page(docs[0], None, 2, 200, &opts.tools).is_ok());
    assert!(matches!(
        lib.render_page(docs[1], None, 2, 200, &opts.tools),
        Err(dossier_core::Error::NoSuchPage { .. })
    ));
    assert_eq!(leftovers(), Vec::<String>::new());

    // A file that makes LibreOffice crash stops the batch it is in: each of its documents
    // is then converted alone, and only the hostile one fails (once: it is not given to
    // LibreOffice again).
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\n[ \"$1\" = --version ] || echo start >> '{}'\n\
             for f in \"$@\"; do [ -f \"$f\" ] && grep -q CRASH-LIBREOFFICE \"$f\" && kill -SEGV $$; done\n\
             exec soffice \"$@\"\n",
            starts.display()
        ),
    )
    .unwrap();
    let mut more = Vec::new();
    for (source, name) in [
        (
            "Unstructured-IO+unstructured/example-docs/language-docs/eng_spa_mult.docx",
            "Languages.docx",
        ),
        (
            "Unstructured-IO+unstructured/example-docs/teams_chat.docx",
            "Chat.docx",
        ),
    ] {
        more.push(t.path().join("in").join(name));
        std::fs::copy(corpus.join(source), more.last().unwrap()).unwrap();
    }
    more.push(write(
        t.path(),
        "in/Hostile.docx",
        b"PK\x03\x04 CRASH-LIBREOFFICE",
    ));
    let docs = imported(&import(&mut lib, &more, &ImportOptions::default()));
    let before = started();
    let failed = failed_files(&mut lib, &opts);
    assert_eq!(failed, ["Hostile.docx", "Hostile.docx"]);
    assert_eq!(
        started() - before,
        4,
        "the batch, then each of its three alone"
    );
    for &doc in &docs[..2] {
        let thumb = lib.thumbnail(doc, None, &opts.tools).unwrap();
        assert!(!thumb.icon, "a page, not the icon: {:?}", thumb.reason);
    }
    assert_eq!(leftovers(), Vec::<String>::new());
}
