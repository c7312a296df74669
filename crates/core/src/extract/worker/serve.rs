//! The PDF worker's side: a process that holds no key, reads requests on its standard
//! input and answers on its standard output until the input closes. It also runs
//! LibreOffice for office documents (under its own limits, which LibreOffice inherits).

use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use super::protocol::{PROTOCOL, Reply, Request, office_parts, read_frame, write_frame};
use super::{LIBRARY_DIR_ARG, MEMORY_LIMIT_ARG, WORKER_ARG};
use std::time::{Duration, Instant};

use crate::extract::{office_pdf, pdf};

/// What a worker was started with.
#[derive(Debug, Clone, Default)]
pub struct WorkerOptions {
    /// Where to look for libpdfium first.
    pub library_dir: Option<PathBuf>,
    /// The most address space the worker may use (Unix), in bytes.
    pub memory_limit: Option<u64>,
}

impl WorkerOptions {
    /// The options after [`WORKER_ARG`] on a worker's command line; `None` when the
    /// command line is not a worker's.
    pub fn from_args(mut args: impl Iterator<Item = std::ffi::OsString>) -> Option<Self> {
        if args.next()? != WORKER_ARG {
            return None;
        }
        let mut opts = Self::default();
        while let Some(a) = args.next() {
            if a == LIBRARY_DIR_ARG {
                opts.library_dir = args.next().map(PathBuf::from);
            } else if a == MEMORY_LIMIT_ARG {
                opts.memory_limit = args.next().and_then(|v| v.to_str()?.parse().ok());
            } else {
                return None;
            }
        }
        Some(opts)
    }
}

/// Become the PDF worker when this process was started as one (the first argument is
/// [`WORKER_ARG`]): serve, then exit. The CLI and the app call this first thing in `main`,
/// so that the worker is the same program as the one that starts it.
pub fn run_pdf_worker_if_asked() {
    if let Some(opts) = WorkerOptions::from_args(std::env::args_os().skip(1)) {
        std::process::exit(match serve(&opts, |_| {}) {
            ExitCode::SUCCESS => 0,
            _ => 1,
        });
    }
}

/// Serve requests until the input closes. `inspect` sees each request's document before
/// it is handled (the fault tests' worker misbehaves there).
pub fn serve(opts: &WorkerOptions, mut inspect: impl FnMut(&[u8])) -> ExitCode {
    limit_self(opts.memory_limit);
    let mut input = BufReader::new(io::stdin().lock());
    let mut output = BufWriter::new(io::stdout().lock());
    let pdfium = match pdf::bind(opts.library_dir.as_deref()) {
        Ok(p) => p,
        Err(problem) => {
            let _ = write_frame(&mut output, &Reply::Unavailable { problem }, &[]);
            return ExitCode::FAILURE;
        }
    };
    if write_frame(&mut output, &Reply::Ready { protocol: PROTOCOL }, &[]).is_err() {
        return ExitCode::FAILURE;
    }
    loop {
        let (request, body) = match read_frame::<Request>(&mut input) {
            Ok(Some(r)) => r,
            Ok(None) => return ExitCode::SUCCESS,
            Err(_) => return ExitCode::FAILURE,
        };
        inspect(&body);
        let mut send = |reply: &Reply, bytes: &[u8]| write_frame(&mut output, reply, bytes);
        let sent = match request {
            Request::Extract => send(&pdf::extract(&pdfium, &body), &[]),
            Request::Render {
                page,
                width,
                max_height,
            } => {
                let (reply, pixels) = pdf::render_page(&pdfium, &body, page, width, max_height);
                send(&reply, &pixels)
            }
            Request::RenderForOcr { pages, dpi } => {
                pdf::render_for_ocr(&pdfium, &body, &pages, dpi, &mut send)
            }
            Request::FindOnPage { page, words } => {
                send(&pdf::find_on_page(&pdfium, &body, page, &words), &[])
            }
            Request::ConvertOffice {
                files,
                program,
                limit_secs,
            } => {
                // A request whose lengths do not add up is not one this program sends.
                let Some(files) = office_parts(&files, &body) else {
                    return ExitCode::FAILURE;
                };
                let deadline = Instant::now() + Duration::from_secs(limit_secs);
                let converted = office_pdf::convert(&program, &files, deadline)
                    .unwrap_or_else(|problem| vec![Err(problem); files.len()]);
                converted.iter().try_for_each(|c| match c {
                    Ok(pdf) => send(&Reply::Converted, pdf),
                    Err(problem) => send(&Reply::NotConverted { problem: *problem }, &[]),
                })
            }
        };
        if sent.and_then(|()| output.flush()).is_err() {
            return ExitCode::FAILURE;
        }
    }
}

/// No core dump (it would hold the documents' text), and a memory limit (an address-space
/// limit on Unix, a job object's on Windows) so that a file that makes pdfium allocate
/// without bound fails this process only. A limit the system refuses leaves the worker
/// as it is (it is still a separate process).
fn limit_self(memory: Option<u64>) {
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, setrlimit};
        let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
        if let Some(bytes) = memory {
            let _ = setrlimit(Resource::RLIMIT_AS, bytes, bytes);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let _ = nix::sys::prctl::set_dumpable(false);
    }
    #[cfg(windows)]
    if let Some(bytes) = memory {
        let _ = dossier_winsys::limit_own_memory(bytes);
    }
    #[cfg(not(any(unix, windows)))]
    let _ = memory;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_worker_command_line_is_one() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert!(WorkerOptions::from_args(args(&[]).into_iter()).is_none());
        assert!(WorkerOptions::from_args(args(&["import", "x"]).into_iter()).is_none());
        let o = WorkerOptions::from_args(
            args(&[
                WORKER_ARG,
                MEMORY_LIMIT_ARG,
                "1024",
                LIBRARY_DIR_ARG,
                "/opt/p",
            ])
            .into_iter(),
        )
        .unwrap();
        assert_eq!(o.memory_limit, Some(1024));
        assert_eq!(o.library_dir, Some(PathBuf::from("/opt/p")));
        assert!(
            WorkerOptions::from_args(args(&[WORKER_ARG, "--other"]).into_iter()).is_none(),
            "an unknown option is not a worker's"
        );
    }
}
