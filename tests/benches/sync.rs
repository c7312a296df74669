//! Sync beside `rclone copy`, in one run, against the same real S3 server (s3s-fs on
//! 127.0.0.1), both through the same counting proxy (no faults), so requests and bytes
//! are measured the same way for both:
//!
//! 1. first sync of the shared corpus (after a local import, timed on its own);
//! 2. a one-page change to a large PDF saved as a new version: bytes and requests up;
//! 3. a new desktop: `dossier clone` (download), the erasure key given to it, then
//!    processing until searchable.
//!
//! Run with `./scripts/bench-sync.sh` (builds the release `dossier` first).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use dossier_e2e::proxy::FaultProxy;
use dossier_e2e::servers::{S3_KEY, S3_SECRET, s3, s3_url};
use dossier_e2e::{bench_corpus, dossier};

struct Measured {
    secs: f64,
    requests: u64,
    up: u64,
    down: u64,
}

/// Run `cmd` and measure its time and its traffic through `proxy`.
fn measure(proxy: &FaultProxy, mut cmd: Command) -> Measured {
    let (r0, u0, d0) = (proxy.requests(), proxy.bytes_up(), proxy.bytes_down());
    let start = Instant::now();
    let out = cmd
        .stderr(Stdio::piped())
        .output()
        .expect("the command runs");
    let secs = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Measured {
        secs,
        requests: proxy.requests() - r0,
        up: proxy.bytes_up() - u0,
        down: proxy.bytes_down() - d0,
    }
}

/// `dossier sync` of library `lib`, then `rclone` with `args`, each measured.
fn sync_beside_rclone(proxy: &FaultProxy, lib: &Path, args: &[&str]) -> (Measured, Measured) {
    let d = measure(proxy, keys(dossier(lib, &["sync", "--no-process"])));
    let r = measure(proxy, rclone(proxy.port(), args));
    (d, r)
}

fn keys(mut c: Command) -> Command {
    c.env("AWS_ACCESS_KEY_ID", S3_KEY)
        .env("AWS_SECRET_ACCESS_KEY", S3_SECRET)
        .stdout(Stdio::null());
    c
}

fn rclone(port: u16, args: &[&str]) -> Command {
    let mut c = Command::new("rclone");
    // rclone's S3 client cannot take a custom CA bundle over its own HTTP transport.
    c.args(args)
        .env_remove("AWS_CA_BUNDLE")
        .env("RCLONE_CONFIG_BENCH_TYPE", "s3")
        .env("RCLONE_CONFIG_BENCH_PROVIDER", "Other")
        .env("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", S3_KEY)
        .env("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", S3_SECRET)
        .env("RCLONE_CONFIG_BENCH_REGION", "us-east-1")
        .env(
            "RCLONE_CONFIG_BENCH_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        )
        .stdout(Stdio::null());
    c
}

/// A PDF of `pages` pages, each a full-page 8-bit gray scan of `rows` × 1024 pixels of
/// noise (incompressible, like real scans). `changed` gets other pixels and 16 more rows,
/// so everything after it moves.
fn scanned_pdf(pages: usize, rows: usize, changed: Option<usize>) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    object(
        &mut out,
        format!(
            "<< /Type /Pages /Count {pages} /Kids [{}] >>",
            kids.join(" ")
        )
        .as_bytes(),
    );
    for i in 0..pages {
        // Objects in order: page 3+3i (written first), its content, its image.
        let (content, image) = (4 + 3 * i, 5 + 3 * i);
        object(
            &mut out,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {content} 0 R >>"
            )
            .as_bytes(),
        );
        let draw = b"q 612 0 0 792 0 0 cm /Im0 Do Q";
        let mut body = format!("<< /Length {} >>\nstream\n", draw.len()).into_bytes();
        body.extend_from_slice(draw);
        body.extend_from_slice(b"\nendstream");
        object(&mut out, &body);
        let edited = changed == Some(i);
        let h = if edited { rows + 16 } else { rows };
        let mut s = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(edited);
        let pixels: Vec<u8> = (0..h * 1024)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s as u8
            })
            .collect();
        let mut body = format!(
            "<< /Type /XObject /Subtype /Image /Width 1024 /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {} >>\nstream\n",
            pixels.len()
        )
        .into_bytes();
        body.extend_from_slice(&pixels);
        body.extend_from_slice(b"\nendstream");
        object(&mut out, &body);
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn mib(b: u64) -> f64 {
    b as f64 / 1_048_576.0
}

fn json_of(lib: &Path, args: &[&str]) -> serde_json::Value {
    let out = dossier(lib, args).output().expect("dossier runs");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn main() {
    let server = s3().expect("s3s-fs is installed (scripts/setup.sh)");
    let proxy = FaultProxy::start(server.port);
    let url = s3_url(proxy.port(), "dossier");
    let work = tempfile::tempdir().expect("a temporary folder");
    let a: PathBuf = work.path().join("a");
    let corpus = bench_corpus();
    let corpus_bytes: u64 = dossier_e2e::walk(&corpus)
        .iter()
        .map(|p| p.metadata().map(|m| m.len()).unwrap_or(0))
        .sum();
    let files = dossier_e2e::walk(&corpus).len();
    println!(
        "corpus: {files} files, {:.1} MiB; s3s-fs on 127.0.0.1; {} cores",
        mib(corpus_bytes),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // 1. First sync of the corpus.
    assert!(
        dossier(&a, &["init"])
            .stdout(Stdio::null())
            .status()
            .expect("init")
            .success()
    );
    let start = Instant::now();
    let _ = dossier(
        &a,
        &["import", "--no-process", corpus.to_str().expect("utf-8")],
    )
    .stdout(Stdio::null())
    .status();
    let import_secs = start.elapsed().as_secs_f64();
    assert!(
        keys(dossier(&a, &["remote", "add", &url]))
            .status()
            .expect("remote add")
            .success()
    );
    let (d, r) = sync_beside_rclone(
        &proxy,
        &a,
        &[
            "copy",
            corpus.to_str().expect("utf-8"),
            "bench:records/rclone",
        ],
    );
    println!("\nfirst sync of the corpus            seconds  requests   MiB up  MiB down");
    for (name, m) in [("dossier sync", &d), ("rclone copy", &r)] {
        println!(
            "{name:<34} {:8.2} {:9} {:8.1} {:9.1}",
            m.secs,
            m.requests,
            mib(m.up),
            mib(m.down)
        );
    }
    println!(
        "dossier is {:.2}x rclone's speed (sync only); {:.2}x counting the local import ({import_secs:.2} s) too",
        r.secs / d.secs,
        r.secs / (d.secs + import_secs)
    );

    // 2. A one-page change to a large PDF, saved as a new version.
    let (pages, rows) = (40, 1024);
    let v1 = work.path().join("board-minutes.pdf");
    let v2dir = work.path().join("edited");
    std::fs::create_dir_all(&v2dir).expect("a folder");
    let v2 = v2dir.join("board-minutes.pdf");
    std::fs::write(&v1, scanned_pdf(pages, rows, None)).expect("write");
    std::fs::write(&v2, scanned_pdf(pages, rows, Some(pages / 2))).expect("write");
    let pdf_bytes = std::fs::metadata(&v2).expect("written").len();
    let imported = json_of(
        &a,
        &[
            "import",
            "--no-process",
            "--json",
            v1.to_str().expect("utf-8"),
        ],
    );
    let doc = imported["files"][0]["doc"]
        .as_str()
        .expect("the PDF was imported")
        .to_owned();
    let remote_pdf = "bench:records/rclone-pdf/board-minutes.pdf";
    // Both sides hold the first version before the change.
    sync_beside_rclone(
        &proxy,
        &a,
        &["copyto", v1.to_str().expect("utf-8"), remote_pdf],
    );
    assert!(
        dossier(&a, &["add-version", &doc, v2.to_str().expect("utf-8")])
            .stdout(Stdio::null())
            .status()
            .expect("add-version")
            .success()
    );
    let (d, r) = sync_beside_rclone(
        &proxy,
        &a,
        &["copyto", v2.to_str().expect("utf-8"), remote_pdf],
    );
    println!(
        "\none page of a {pages}-page, {:.1} MiB scanned PDF changed    requests   MiB up",
        mib(pdf_bytes)
    );
    for (name, m) in [
        ("dossier sync (new version)", &d),
        ("rclone copyto (whole file)", &r),
    ] {
        println!("{name:<46} {:9} {:8.2}", m.requests, mib(m.up));
    }
    println!(
        "dossier uploads {:.1}% of rclone's bytes",
        100.0 * d.up as f64 / r.up as f64
    );

    // 3. A new desktop: clone (download), then processing until searchable.
    let b = work.path().join("b");
    let clone = measure(
        &proxy,
        keys(dossier(
            &b,
            &["clone", &url, b.to_str().expect("utf-8"), "--no-process"],
        )),
    );
    // The records' own keys come under the erasure key, which the new desktop asked for
    // at clone: A gives it at its next sync, and B's next sync takes it (with no keyring
    // there are no records' keys, and both syncs are quick). Neither processes: A's
    // text and thumbnails are not what B waits for.
    let start = Instant::now();
    for lib in [&a, &b] {
        let args = ["sync", "--no-process"];
        assert!(
            keys(dossier(lib, &args))
                .stdout(Stdio::null())
                .status()
                .expect("sync")
                .success()
        );
    }
    let handover_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let _ = keys(dossier(&b, &["process"])).status();
    let process_secs = start.elapsed().as_secs_f64();
    let hits = json_of(&b, &["search", "transcript", "--json"]);
    assert!(
        hits["total"].as_u64().unwrap_or(0) > 0,
        "searchable: {hits}"
    );
    println!(
        "\nnew desktop: clone {:.2} s ({} requests, {:.1} MiB down), erasure key given {handover_secs:.2} s, processing {process_secs:.1} s, searchable after {:.1} s ({} hits for \"transcript\")",
        clone.secs,
        clone.requests,
        mib(clone.down),
        clone.secs + handover_secs + process_secs,
        hits["total"]
    );
}
