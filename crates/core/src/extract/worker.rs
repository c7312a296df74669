//! PDF work in a separate process: pdfium reads untrusted files, so it runs in a worker
//! that the app and the CLI start (the same program, started with [`WORKER_ARG`]), that
//! holds no key (it is a fresh program with a cleared environment), writes no core dump,
//! and is limited in memory. A call that takes longer than its limit kills the worker; a
//! worker that crashes fails only the call it was on. The next call starts a new one.
//!
//! **Invariant:** no pdfium code runs in the app's or the CLI's own process.

pub mod protocol;
mod serve;

use std::ffi::OsString;
use std::io::{BufReader, BufWriter};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::PdfiumConfig;
use super::office_pdf::OfficeFile;
use crate::error::{Error, Result};
use crate::format::extracted::{ExtractInfo, PageText};
use protocol::{OfficePart, PROTOCOL, PdfProblem, Reply, Request, read_frame, write_frame};
pub use serve::{WorkerOptions, run_pdf_worker_if_asked, serve};

/// The first argument of a worker's command line.
pub const WORKER_ARG: &str = "--dossier-pdf-worker";
const LIBRARY_DIR_ARG: &str = "--pdfium-dir";
const MEMORY_LIMIT_ARG: &str = "--memory-limit";
/// An environment variable naming another worker program (for tests and packagers).
pub const WORKER_ENV: &str = "DOSSIER_PDF_WORKER";

/// The address space a worker may use: pdfium with one page rendered at 300 dpi needs
/// well under a quarter of this.
const MEMORY_LIMIT: u64 = 2 << 30;
/// How long a worker may take to start and load pdfium.
const START_LIMIT: Duration = Duration::from_secs(30);
/// How long one page render (a thumbnail, a page shown in the app) may take at most.
pub(crate) const RENDER_LIMIT_SECS: u64 = 60;
/// Workers alive at once (one for processing, one for what the app shows meanwhile).
const MAX_WORKERS: usize = 2;

pub use crate::error::WorkerFailure;

impl From<PdfProblem> for Error {
    fn from(p: PdfProblem) -> Self {
        match p {
            PdfProblem::PasswordProtected => Error::PasswordProtected,
            other => Error::Pdf(other),
        }
    }
}

/// The worker's command line for `config`.
fn command(config: &PdfiumConfig) -> Result<(PathBuf, Vec<OsString>)> {
    let program = match std::env::var_os(WORKER_ENV)
        .map(PathBuf::from)
        .or_else(|| config.worker.clone())
    {
        Some(p) => p,
        None => std::env::current_exe().map_err(|source| {
            Error::PdfWorker(WorkerFailure::Start {
                program: PathBuf::from("(this program)"),
                source,
            })
        })?,
    };
    let mut args: Vec<OsString> = vec![
        WORKER_ARG.into(),
        MEMORY_LIMIT_ARG.into(),
        config
            .memory_limit
            .unwrap_or(MEMORY_LIMIT)
            .to_string()
            .into(),
    ];
    if let Some(dir) = &config.library_dir {
        args.push(LIBRARY_DIR_ARG.into());
        args.push(dir.into());
    }
    Ok((program, args))
}

/// Environment variables a worker keeps: where to find libraries, nothing else (no
/// passphrase variable reaches it).
const KEPT_ENV: &[&str] = &[
    "PATH",
    "PDFIUM_DYNAMIC_LIB_PATH",
    "LD_LIBRARY_PATH",
    "DYLD_LIBRARY_PATH",
    "SystemRoot",
    "windir",
    "TEMP",
    "TMP",
];

type Frame = std::io::Result<(Reply, Vec<u8>)>;

/// A running worker and the thread that reads its answers.
struct Worker {
    command: (PathBuf, Vec<OsString>),
    child: Child,
    input: BufWriter<ChildStdin>,
    replies: Receiver<Frame>,
    /// Cleared when the worker was killed or ended: it is not reused.
    healthy: bool,
}

impl Worker {
    fn start(command: (PathBuf, Vec<OsString>)) -> Result<Self> {
        let (program, args) = &command;
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .envs(
                KEPT_ENV
                    .iter()
                    .filter_map(|k| Some((k, std::env::var_os(k)?))),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        #[cfg(windows)]
        {
            use std::os::windows::process::CommandExt;
            const CREATE_NO_WINDOW: u32 = 0x0800_0000;
            cmd.creation_flags(CREATE_NO_WINDOW);
        }
        let mut child = cmd.spawn().map_err(|source| {
            Error::PdfWorker(WorkerFailure::Start {
                program: program.clone(),
                source,
            })
        })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(Error::Stopped("the PDF worker's pipes were not made"));
        };
        let (tx, replies) = crossbeam_channel::bounded(2);
        std::thread::Builder::new()
            .name("pdf-worker-replies".into())
            .spawn(move || read_replies(BufReader::new(stdout), &tx))
            .map_err(|source| {
                Error::PdfWorker(WorkerFailure::Start {
                    program: program.clone(),
                    source,
                })
            })?;
        let mut worker = Self {
            command,
            child,
            input: BufWriter::new(stdin),
            replies,
            healthy: true,
        };
        let limit = START_LIMIT.as_secs();
        match worker.next(Instant::now() + START_LIMIT, limit)? {
            (Reply::Ready { protocol }, _) if protocol == PROTOCOL => Ok(worker),
            (Reply::Unavailable { problem }, _) => {
                worker.stop();
                Err(Error::PdfiumUnavailable { problem })
            }
            _ => Err(worker.garbled()),
        }
    }

    fn send(&mut self, request: &Request, body: &[u8]) -> Result<()> {
        if write_frame(&mut self.input, request, body).is_ok() {
            return Ok(());
        }
        // A worker that cannot take a request has ended: say how.
        Err(self.ended())
    }

    /// The next answer, or the worker stopped when `deadline` passes first.
    fn next(&mut self, deadline: Instant, limit_secs: u64) -> Result<(Reply, Vec<u8>)> {
        match self.replies.recv_deadline(deadline) {
            Ok(Ok(frame)) => Ok(frame),
            Ok(Err(_)) => Err(self.garbled()),
            Err(RecvTimeoutError::Timeout) => {
                self.stop();
                Err(Error::TimedOut { limit_secs })
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.ended()),
        }
    }

    /// The worker's output closed: wait for it and report how it ended.
    fn ended(&mut self) -> Error {
        self.healthy = false;
        let status = self.child.wait().ok();
        let (signal, code) = status.map(describe).unwrap_or((None, None));
        Error::PdfWorker(WorkerFailure::Crashed { signal, code })
    }

    fn garbled(&mut self) -> Error {
        self.stop();
        Error::PdfWorker(WorkerFailure::Garbled)
    }

    fn stop(&mut self) {
        self.healthy = false;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if !self.healthy {
            return;
        }
        self.stop();
    }
}

fn read_replies(mut out: BufReader<std::process::ChildStdout>, tx: &Sender<Frame>) {
    loop {
        match read_frame::<Reply>(&mut out) {
            Ok(Some(frame)) => {
                if tx.send(Ok(frame)).is_err() {
                    return;
                }
            }
            Ok(None) => return,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}

#[cfg(unix)]
fn describe(status: ExitStatus) -> (Option<i32>, Option<i32>) {
    use std::os::unix::process::ExitStatusExt;
    (status.signal(), status.code())
}

#[cfg(not(unix))]
fn describe(status: ExitStatus) -> (Option<i32>, Option<i32>) {
    (None, status.code())
}

/// Idle workers and how many are in use.
struct Pool {
    idle: Vec<Worker>,
    busy: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    idle: Vec::new(),
    busy: 0,
});
static FREED: Condvar = Condvar::new();

fn pool() -> MutexGuard<'static, Pool> {
    POOL.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A slot in the pool, given back when dropped (also when the call panics): its worker
/// goes back to the idle ones if it is healthy and the call finished.
struct Lease(Option<Worker>);

impl Drop for Lease {
    fn drop(&mut self) {
        let worker = self.0.take();
        let mut p = pool();
        p.busy -= 1;
        if let Some(w) = worker.filter(|w| w.healthy && !std::thread::panicking()) {
            p.idle.push(w);
            if p.idle.len() > MAX_WORKERS {
                p.idle.remove(0);
            }
        }
        FREED.notify_one();
    }
}

/// Run `f` with a worker of `config` (an idle one, or a new one once fewer than
/// [`MAX_WORKERS`] are in use); a worker that was stopped or ended is not reused.
fn with_worker<T>(config: &PdfiumConfig, f: impl FnOnce(&mut Worker) -> Result<T>) -> Result<T> {
    let command = command(config)?;
    let mut lease = {
        let mut p = pool();
        while p.busy >= MAX_WORKERS {
            p = FREED
                .wait(p)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        p.busy += 1;
        let found = p.idle.iter().position(|w| w.command == command);
        Lease(found.map(|i| p.idle.swap_remove(i)))
    };
    let worker = match &mut lease.0 {
        Some(w) => w,
        empty => empty.insert(Worker::start(command)?),
    };
    f(worker)
}

/// Whether libpdfium can be loaded by the worker (starts one).
pub fn pdfium_available(config: &PdfiumConfig) -> Result<()> {
    with_worker(config, |_| Ok(()))
}

/// Text per page, document info and the pages that need OCR, within `deadline`.
pub(crate) fn extract(
    config: &PdfiumConfig,
    bytes: Arc<Vec<u8>>,
    deadline: Instant,
    limit_secs: u64,
) -> Result<(ExtractInfo, Vec<PageText>)> {
    with_worker(config, |w| {
        w.send(&Request::Extract, &bytes)?;
        match w.next(deadline, limit_secs)? {
            (Reply::Extracted { info, pages }, _) => Ok((info, pages)),
            (Reply::Failed { problem }, _) => Err(problem.into()),
            _ => Err(w.garbled()),
        }
    })
}

/// Page `page` (1-based) rendered `width` pixels wide on white, its height capped at
/// `max_height` (the width shrinks to keep the aspect ratio), within `limit_secs` (at most
/// [`RENDER_LIMIT_SECS`]).
pub(crate) fn render_page(
    config: &PdfiumConfig,
    bytes: Arc<Vec<u8>>,
    page: u32,
    width: u32,
    max_height: u32,
    limit_secs: u64,
) -> Result<image::RgbaImage> {
    let limit_secs = limit_secs.min(RENDER_LIMIT_SECS);
    with_worker(config, |w| {
        let request = Request::Render {
            page,
            width,
            max_height,
        };
        w.send(&request, &bytes)?;
        let deadline = Instant::now() + Duration::from_secs(limit_secs);
        match w.next(deadline, limit_secs)? {
            (Reply::Image { width, height }, pixels) => {
                image::RgbaImage::from_raw(width, height, pixels).ok_or_else(|| w.garbled())
            }
            (Reply::NoSuchPage { page, pages }, _) => Err(Error::NoSuchPage { page, pages }),
            (Reply::Failed { problem }, _) => Err(problem.into()),
            _ => Err(w.garbled()),
        }
    })
}

/// Render the given pages (1-based) at `dpi` for OCR, handing each image to `sink` as it
/// comes, so OCR of one page overlaps rendering of the next. Stops when `sink` is closed.
pub(crate) fn render_for_ocr(
    config: &PdfiumConfig,
    bytes: Arc<Vec<u8>>,
    pages: Vec<u32>,
    dpi: f32,
    sink: Sender<(u32, image::GrayImage)>,
    deadline: Instant,
    limit_secs: u64,
) -> Result<()> {
    with_worker(config, |w| {
        w.send(&Request::RenderForOcr { pages, dpi }, &bytes)?;
        loop {
            match w.next(deadline, limit_secs)? {
                (
                    Reply::OcrPage {
                        page,
                        width,
                        height,
                    },
                    pixels,
                ) => {
                    let image = image::GrayImage::from_raw(width, height, pixels)
                        .ok_or_else(|| w.garbled())?;
                    if sink.send((page, image)).is_err() {
                        // Nobody wants the rest: this worker is mid-answer, so stop it.
                        w.stop();
                        return Ok(());
                    }
                }
                (Reply::Done, _) => return Ok(()),
                (Reply::Failed { problem }, _) => return Err(problem.into()),
                _ => return Err(w.garbled()),
            }
        }
    })
}

/// How long past its own limit a conversion's answer is waited for (the worker stops
/// LibreOffice at the limit, then answers).
const CONVERT_GRACE: Duration = Duration::from_secs(10);

/// Each of `files` as a PDF (or why not: [`Error::NotConverted`]), made by one start of
/// LibreOffice (`program`) in the worker, within `limit_secs`. `Err` when the worker
/// failed, and then none is converted.
pub(crate) fn convert_office(
    config: &PdfiumConfig,
    files: &[OfficeFile<'_>],
    program: &std::path::Path,
    limit_secs: u64,
) -> Result<Vec<Result<Vec<u8>>>> {
    with_worker(config, |w| {
        let request = Request::ConvertOffice {
            files: files
                .iter()
                .map(|f| OfficePart {
                    extension: f.extension.to_owned(),
                    length: f.bytes.len() as u64,
                })
                .collect(),
            program: program.to_path_buf(),
            limit_secs,
        };
        let mut body = Vec::with_capacity(files.iter().map(|f| f.bytes.len()).sum());
        for f in files {
            body.extend_from_slice(f.bytes);
        }
        w.send(&request, &body)?;
        let deadline = Instant::now() + Duration::from_secs(limit_secs) + CONVERT_GRACE;
        let mut converted = Vec::with_capacity(files.len());
        for _ in files {
            converted.push(match w.next(deadline, limit_secs)? {
                (Reply::Converted, pdf) => Ok(pdf),
                (Reply::NotConverted { problem }, _) => Err(Error::NotConverted { problem }),
                _ => return Err(w.garbled()),
            });
        }
        Ok(converted)
    })
}

/// Where on page `page` (1-based) each of `words` is: `[left, top, width, height]`
/// fractions of the page as drawn.
pub(crate) fn find_on_page(
    config: &PdfiumConfig,
    bytes: Arc<Vec<u8>>,
    page: u32,
    words: Vec<String>,
    limit_secs: u64,
) -> Result<Vec<[f32; 4]>> {
    let limit_secs = limit_secs.min(RENDER_LIMIT_SECS);
    with_worker(config, |w| {
        w.send(&Request::FindOnPage { page, words }, &bytes)?;
        let deadline = Instant::now() + Duration::from_secs(limit_secs);
        match w.next(deadline, limit_secs)? {
            (Reply::Found { boxes }, _) => Ok(boxes),
            (Reply::NoSuchPage { page, pages }, _) => Err(Error::NoSuchPage { page, pages }),
            (Reply::Failed { problem }, _) => Err(problem.into()),
            _ => Err(w.garbled()),
        }
    })
}
