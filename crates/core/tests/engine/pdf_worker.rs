//! pdfium runs in a worker process: a worker that hangs, allocates without bound or
//! crashes on one PDF fails only that document's jobs, with a plain reason, and the PDFs
//! after it are processed; the thumbnail of such a file is the icon with the reason.

use dossier_core::{JobFilter, JobKind, JobState, SearchRequest};

use super::*;

/// A one-page PDF saying `line`, with `marker` as a comment after its end (pdfium reads
/// past it; the test worker misbehaves on it).
fn text_pdf(line: &str, marker: &str) -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 72 700 Td ({line}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice("xref\n0 6\n0000000000 65535 f \n".to_string().as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n{marker}\n")
            .as_bytes(),
    );
    out
}

fn found(lib: &Library, word: &str) -> u64 {
    lib.search(&SearchRequest {
        query: word.into(),
        limit: 10,
        ..SearchRequest::default()
    })
    .unwrap()
    .total
}

#[test]
fn a_worker_that_hangs_allocates_or_crashes_fails_only_that_document() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let dir = t.path().join("in");
    let files = [
        (
            "a-first.pdf",
            text_pdf("Wellington attendance register", ""),
        ),
        ("b-hangs.pdf", text_pdf("Hangmarker", "%DOSSIER-TEST-HANG")),
        (
            "c-allocates.pdf",
            text_pdf("Allocmarker", "%DOSSIER-TEST-ALLOC"),
        ),
        (
            "d-crashes.pdf",
            text_pdf("Crashmarker", "%DOSSIER-TEST-CRASH"),
        ),
        ("e-last.pdf", text_pdf("Marlborough enrolment form", "")),
    ];
    let paths: Vec<_> = files.iter().map(|(n, b)| write(&dir, n, b)).collect();
    import(&mut lib, &paths, &ImportOptions::default());
    let mut opts = processing();
    opts.tools.limit_secs = 3;
    // Reached in a fraction of a second, so the runaway allocation ends by the memory
    // limit and not by the time limit, however loaded the machine.
    opts.tools.pdfium.memory_limit = Some(384 << 20);
    lib.process(&opts, &mut |_| {}).unwrap();

    let jobs = lib.catalog().job_statuses(JobFilter::All).unwrap();
    let job = |name: &str, kind: JobKind| {
        jobs.iter()
            .find(|j| j.file_name == name && j.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} job of {name}"))
    };
    for name in ["a-first.pdf", "e-last.pdf"] {
        for kind in [JobKind::Extract, JobKind::Thumbnail] {
            assert_eq!(job(name, kind).state, JobState::Done, "{name} {kind:?}");
        }
    }
    let reasons = [
        ("b-hangs.pdf", "3-second limit"),
        ("c-allocates.pdf", "the PDF reader stopped"),
        ("d-crashes.pdf", "crashed, signal 11"),
    ];
    for (name, reason) in reasons {
        for kind in [JobKind::Extract, JobKind::Thumbnail] {
            let j = job(name, kind);
            assert_eq!(j.state, JobState::Failed, "{name} {kind:?}");
            let why = j.reason.as_deref().unwrap_or_default();
            assert!(why.contains(reason), "{name} {kind:?}: {why}");
        }
    }
    assert_eq!(found(&lib, "Wellington"), 1);
    assert_eq!(found(&lib, "Marlborough"), 1);
    assert_eq!(found(&lib, "Crashmarker"), 0);

    // Asked for again (as the app's list does at start), the thumbnail is the icon with
    // the reason; the app's process is not the one that crashes.
    let crashing = lib
        .catalog()
        .job_statuses(JobFilter::All)
        .unwrap()
        .into_iter()
        .find(|j| j.file_name == "d-crashes.pdf")
        .unwrap()
        .doc;
    let thumb = lib.thumbnail(crashing, None, &opts.tools).unwrap();
    assert!(thumb.icon, "the icon stands in");
    assert!(
        thumb.reason.unwrap_or_default().contains("crashed"),
        "with the reason"
    );
}
