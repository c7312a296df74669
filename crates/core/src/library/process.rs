//! Running processing jobs: extraction, then OCR where a version needs it, thumbnails,
//! then indexing.
//!
//! Jobs live in the catalog ([`crate::catalog::jobs`]), so a crash, a kill or a quit
//! resumes where it stopped. Each job ends done, failed with a reason, password protected,
//! or waiting for a missing tool; none of these hides the document.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Library;
use crate::catalog::VersionInfo;
use crate::catalog::jobs::{ExtractInfo, Job, JobKind, JobResult, JobState};
use crate::error::{Error, Result};
use crate::extract::{self, Kind, Tesseract, Tools};
use crate::preview;

/// A job that stopped the process this many times is failed instead of run again.
pub const MAX_ATTEMPTS: u32 = 3;

/// Versions larger than this are kept and findable by name, but their text is not read.
pub const MAX_EXTRACT_BYTES: u64 = 512 * 1024 * 1024;

/// Options for [`Library::process`].
#[derive(Debug, Clone, Default)]
pub struct ProcessOptions {
    pub tools: Tools,
    /// Run failed jobs again from scratch.
    pub retry_failed: bool,
    /// Start no new job after this long; the rest stay pending for the next run (the app
    /// runs jobs in slices so edits are not kept waiting behind a long queue).
    pub budget: Option<Duration>,
}

/// Progress of [`Library::process`].
#[derive(Debug)]
pub enum ProcessEvent<'a> {
    /// Jobs waiting when the run started (more may be queued as it goes, e.g. OCR).
    Planned {
        jobs: u64,
    },
    /// A tool is missing; the jobs that need it wait.
    Unavailable {
        what: &'a str,
    },
    Started {
        job: &'a Job,
    },
    Finished {
        job: &'a Job,
        state: JobState,
        reason: Option<&'a str>,
    },
}

/// Counts of how the jobs of one run ended.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProcessReport {
    pub done: u64,
    pub failed: u64,
    pub protected: u64,
    pub waiting: u64,
    /// Documents (re)indexed for search.
    pub indexed: u64,
    pub seconds: f64,
    /// The budget ran out with jobs still pending.
    pub more_pending: bool,
}

/// While jobs run, the search index is brought up to date at least this often.
const INDEX_EVERY: Duration = Duration::from_secs(5);

/// Tesseract, looked for once per run.
enum OcrTool {
    Found(Tesseract),
    Missing(String),
}

impl Library {
    /// Run every pending job (and waiting ones whose tool is now present).
    pub fn process(
        &mut self,
        opts: &ProcessOptions,
        progress: &mut dyn FnMut(ProcessEvent<'_>),
    ) -> Result<ProcessReport> {
        let started = Instant::now();
        let tools = &opts.tools;
        let catalog = self.writer()?;
        if opts.retry_failed {
            catalog.retry_failed()?;
        }
        match extract::pdfium_available(&tools.pdfium) {
            Ok(()) => {
                catalog.retry_waiting(&[JobKind::Extract, JobKind::Thumbnail])?;
            }
            Err(e) => progress(ProcessEvent::Unavailable {
                what: &e.to_string(),
            }),
        }
        let ocr = match Tesseract::find(&tools.ocr) {
            Ok(t) => {
                catalog.retry_waiting(&[JobKind::Ocr])?;
                OcrTool::Found(t)
            }
            Err(e) => {
                let what = e.to_string();
                progress(ProcessEvent::Unavailable { what: &what });
                OcrTool::Missing(what)
            }
        };
        let planned = catalog
            .job_counts()?
            .get(&JobState::Pending)
            .copied()
            .unwrap_or(0);
        progress(ProcessEvent::Planned { jobs: planned });
        let mut report = ProcessReport::default();
        let mut indexed_at = Instant::now();
        'run: loop {
            let jobs = self.catalog().pending_jobs(64)?;
            if jobs.is_empty() {
                break;
            }
            if opts.budget.is_none_or(|b| started.elapsed() < b) {
                self.convert_ahead(&self.office_versions(&jobs), tools);
            }
            for job in &jobs {
                if opts.budget.is_some_and(|b| started.elapsed() >= b) {
                    report.more_pending = true;
                    break 'run;
                }
                let result = if job.attempts >= MAX_ATTEMPTS {
                    JobResult::ended(
                        JobState::Failed,
                        format!(
                            "processing this file stopped the program {} times; it is kept but not searched by content",
                            job.attempts
                        ),
                    )
                } else {
                    // Content kept on the remote comes first; offline, the job stays
                    // pending (no attempt counted) and processing waits for the next run.
                    if let Err(e @ Error::Fetch { .. }) =
                        self.job_version(job).and_then(|v| self.ensure_local(&v))
                    {
                        progress(ProcessEvent::Unavailable {
                            what: &e.to_string(),
                        });
                        report.more_pending = true;
                        break 'run;
                    }
                    self.writer()?.start_job(job.version, job.kind)?;
                    progress(ProcessEvent::Started { job });
                    let run = catch_unwind(AssertUnwindSafe(|| self.run_job(job, tools, &ocr)));
                    match run {
                        Ok(Ok(r)) => r,
                        Ok(Err(e)) => JobResult::ended(JobState::Failed, e.to_string()),
                        Err(_) => JobResult::ended(
                            JobState::Failed,
                            "internal error while reading this file (reported as a bug); it is kept",
                        ),
                    }
                };
                self.writer()?
                    .finish_job(job.version, job.doc, job.kind, &result)?;
                if matches!(job.kind, JobKind::Extract | JobKind::Ocr) {
                    // The text is read (or will not be): rules that look at it run now. A
                    // rule that cannot run is reported; processing goes on.
                    if let Err(e) = self.rules_after_text(job.doc) {
                        progress(ProcessEvent::Unavailable {
                            what: &format!("intake rules: {e}"),
                        });
                    }
                }
                match result.state {
                    JobState::Done => report.done += 1,
                    JobState::Failed => report.failed += 1,
                    JobState::Protected => report.protected += 1,
                    JobState::Waiting => report.waiting += 1,
                    JobState::Pending => {}
                }
                progress(ProcessEvent::Finished {
                    job,
                    state: result.state,
                    reason: result.reason.as_deref(),
                });
                if indexed_at.elapsed() >= INDEX_EVERY {
                    report.indexed += self.refresh_index()?;
                    indexed_at = Instant::now();
                }
            }
        }
        report.indexed += self.refresh_index()?;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// The versions of office documents that `jobs` read, with their content here (what
    /// cannot be fetched now is left to its job).
    fn office_versions(&self, jobs: &[Job]) -> Vec<VersionInfo> {
        jobs.iter()
            .filter(|j| j.attempts < MAX_ATTEMPTS)
            .filter(|j| matches!(extract::classify(&j.mime, &j.file_name), Kind::Office(_)))
            .filter_map(|j| self.job_version(j).ok())
            .filter(|v| self.ensure_local(v).is_ok())
            .collect()
    }

    /// The version a job is about.
    pub(super) fn job_version(&self, job: &Job) -> Result<VersionInfo> {
        self.catalog()
            .versions(job.doc)?
            .into_iter()
            .find(|v| v.id == job.version)
            .ok_or(Error::NoSuchVersion(0))
    }

    /// The whole content of a version in memory, refused above [`MAX_EXTRACT_BYTES`].
    pub(super) fn version_content(&self, v: &VersionInfo) -> Result<Arc<Vec<u8>>> {
        if v.size > MAX_EXTRACT_BYTES {
            return Err(Error::TooLarge {
                what: "this file, for text extraction and previews,",
                limit: MAX_EXTRACT_BYTES,
            });
        }
        let mut out = Vec::with_capacity(usize::try_from(v.size).unwrap_or(0));
        self.write_version(v, &mut out)?;
        Ok(Arc::new(out))
    }

    /// What a job reads text from: the version's own bytes, or for an office document
    /// that LibreOffice converts here, the PDF it made (so that the text's pages are the
    /// pages the app shows, and pictures in it are read by OCR). A document LibreOffice
    /// cannot convert is read by Dossier's own office reader.
    fn readable(&self, job: &Job, kind: Kind, tools: &Tools) -> Result<(Kind, Arc<Vec<u8>>)> {
        let v = self.job_version(job)?;
        if matches!(kind, Kind::Office(_))
            && preview::has_pages(kind, tools)
            && let Ok(pdf) = self.drawable(&v, kind, tools)
        {
            return Ok(pdf);
        }
        Ok((kind, self.version_content(&v)?))
    }

    fn run_job(&self, job: &Job, tools: &Tools, ocr: &OcrTool) -> Result<JobResult> {
        match self.run_job_here(job, tools, ocr) {
            // A record of a collection this desktop cannot open: not a failure of the file.
            Err(Error::CollectionKeyUnavailable { collection }) => {
                let why = Error::CollectionKeyUnavailable {
                    collection: collection.clone(),
                };
                Ok(JobResult::needs_key(&collection, why.to_string()))
            }
            // Nor one whose own key has not arrived: tried again when keys do.
            Err(e @ Error::RecordKeyUnavailable { .. }) => {
                Ok(JobResult::needs_key("(record key)", e.to_string()))
            }
            other => other,
        }
    }

    fn run_job_here(&self, job: &Job, tools: &Tools, ocr: &OcrTool) -> Result<JobResult> {
        let kind = extract::classify(&job.mime, &job.file_name);
        let deadline = Instant::now() + Duration::from_secs(tools.limit_secs);
        match job.kind {
            JobKind::Thumbnail => self.thumbnail_job(job, kind, tools),
            JobKind::Extract => {
                if kind == Kind::Other {
                    return Ok(JobResult {
                        info: Some(ExtractInfo::default()),
                        ..JobResult::ended(
                            JobState::Done,
                            format!("no text to extract from {}", job.mime),
                        )
                    });
                }
                let (kind, bytes) = self.readable(job, kind, tools)?;
                Ok(match extract::extract(kind, bytes, tools, deadline) {
                    Ok((info, pages)) => JobResult {
                        then: if info.ocr_pages.is_empty() {
                            vec![]
                        } else {
                            vec![JobKind::Ocr]
                        },
                        info: Some(info),
                        pages,
                        ..JobResult::done()
                    },
                    Err(Error::PasswordProtected) => JobResult {
                        info: Some(ExtractInfo {
                            protected: true,
                            ..ExtractInfo::default()
                        }),
                        ..JobResult::ended(JobState::Protected, "password protected")
                    },
                    Err(e @ Error::PdfiumUnavailable { .. }) => {
                        JobResult::ended(JobState::Waiting, e.to_string())
                    }
                    Err(e) => JobResult::ended(JobState::Failed, e.to_string()),
                })
            }
            JobKind::Ocr => {
                let tesseract = match ocr {
                    OcrTool::Found(t) => t.clone(),
                    OcrTool::Missing(why) => {
                        return Ok(JobResult::ended(JobState::Waiting, why.clone()));
                    }
                };
                let pages = self
                    .catalog()
                    .extraction(job.version)?
                    .map(|i| i.ocr_pages)
                    .unwrap_or_default();
                let (kind, bytes) = self.readable(job, kind, tools)?;
                Ok(
                    match extract::ocr(kind, bytes, &pages, tools, &tesseract, deadline) {
                        Ok(pages) => JobResult {
                            pages,
                            ..JobResult::done()
                        },
                        Err(e @ Error::PdfiumUnavailable { .. }) => {
                            JobResult::ended(JobState::Waiting, e.to_string())
                        }
                        Err(e) => JobResult::ended(JobState::Failed, e.to_string()),
                    },
                )
            }
        }
    }
}
