//! Processing jobs, extracted text and the search index's work queue.
//!
//! These tables are derived state: each device computes them from the versions it has, so
//! they change outside the operation journal. Queuing happens inside
//! [`Catalog::apply_ops`], so versions that arrive by sync get their jobs the same way.
//!
//! **Invariant:** a job's `attempts` is raised in its own transaction *before* the job
//! runs, so a job that crashes the process is retried a bounded number of times and then
//! fails with a reason instead of stopping every later run.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::Catalog;
use crate::error::{Error, Result};
use crate::ids::{DocId, VersionId};

/// What a job does to one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Text layer, document info and metadata; queues [`JobKind::Ocr`] where needed.
    Extract,
    /// Tesseract over scanned pages and images.
    Ocr,
    /// The thumbnail under `derived/` (a generic icon stands in until it is done).
    Thumbnail,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Extract => "extract",
            Self::Ocr => "ocr",
            Self::Thumbnail => "thumbnail",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "extract" => Self::Extract,
            "ocr" => Self::Ocr,
            "thumbnail" => Self::Thumbnail,
            other => {
                return Err(Error::UnknownInCatalog {
                    what: "job kind",
                    value: other.to_owned(),
                });
            }
        })
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Pending,
    Done,
    /// Ended with a stored reason; the document stays findable by metadata and name.
    Failed,
    /// The file is encrypted: kept and marked, not an error.
    Protected,
    /// A tool it needs (pdfium, Tesseract) is not installed; runs once it is.
    Waiting,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Protected => "protected",
            Self::Waiting => "waiting",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "pending" => Self::Pending,
            "done" => Self::Done,
            "failed" => Self::Failed,
            "protected" => Self::Protected,
            "waiting" => Self::Waiting,
            other => {
                return Err(Error::UnknownInCatalog {
                    what: "job state",
                    value: other.to_owned(),
                });
            }
        })
    }
}

/// A job to run, with what the runner needs to know about its version.
#[derive(Debug, Clone)]
pub struct Job {
    pub version: VersionId,
    pub doc: DocId,
    pub kind: JobKind,
    pub attempts: u32,
    pub mime: String,
    pub file_name: String,
    pub size: u64,
}

/// A job as listed for people (`dossier jobs`).
#[derive(Debug, Clone, Serialize)]
pub struct JobStatus {
    pub doc: DocId,
    pub version: VersionId,
    pub file_name: String,
    pub kind: JobKind,
    pub state: JobState,
    pub attempts: u32,
    pub reason: Option<String>,
}

impl TextSource {
    /// From the `texts.source` column.
    pub(crate) fn from_column(s: &str) -> Self {
        if s == "ocr" { Self::Ocr } else { Self::Layer }
    }
}

/// Which jobs [`Catalog::job_statuses`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobFilter {
    /// Every job not done (failed, protected, waiting, pending).
    NotDone,
    /// Every job of one document.
    Document(DocId),
    All,
}

pub use crate::format::extracted::{ExifInfo, ExtractInfo, PageText, TextSource};

/// The end of a job: its state, and what it produced.
#[derive(Debug, Clone)]
pub struct JobResult {
    pub state: JobState,
    pub reason: Option<String>,
    /// Pages to store (replacing the same page numbers).
    pub pages: Vec<PageText>,
    pub info: Option<ExtractInfo>,
    /// Jobs to queue for the same version.
    pub then: Vec<JobKind>,
    /// Waiting for the key of this collection: tried again when keys arrive, not at
    /// every run.
    pub needs_key: Option<String>,
}

impl JobResult {
    pub fn done() -> Self {
        Self {
            state: JobState::Done,
            reason: None,
            pages: Vec::new(),
            info: None,
            then: Vec::new(),
            needs_key: None,
        }
    }

    pub fn ended(state: JobState, reason: impl Into<String>) -> Self {
        Self {
            reason: Some(reason.into()),
            state,
            ..Self::done()
        }
    }

    /// Waiting for the key of `collection`, which this desktop's person was not given.
    pub fn needs_key(collection: &str, reason: impl Into<String>) -> Self {
        Self {
            needs_key: Some(collection.to_owned()),
            ..Self::ended(JobState::Waiting, reason)
        }
    }
}

/// Put the jobs that waited for a collection's key back in the queue (`version`: only
/// that version's): keys arrived, someone else signed in, or its content was sealed anew.
pub(super) fn retry_needing_keys(tx: &Transaction<'_>, version: Option<VersionId>) -> Result<()> {
    tx.prepare_cached(
        "UPDATE jobs SET state = 'pending', reason = NULL, needs_key = NULL
         WHERE needs_key IS NOT NULL AND (?1 IS NULL OR version = ?1)",
    )?
    .execute([version.map(|v| v.to_string())])?;
    Ok(())
}

/// Counts by state, for progress and `dossier stats`.
pub type JobCounts = BTreeMap<JobState, u64>;

pub(super) fn queue_version(tx: &Transaction<'_>, version: VersionId, now_ms: i64) -> Result<()> {
    // Extraction queues OCR where the version needs it.
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO jobs (version, kind, state, updated_ms) VALUES (?1, ?2, 'pending', ?3)",
    )?;
    for kind in [JobKind::Extract, JobKind::Thumbnail] {
        stmt.execute(params![version.to_string(), kind.as_str(), now_ms])?;
    }
    Ok(())
}

pub(super) fn queue_index(tx: &Transaction<'_>, doc: DocId) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO index_queue (doc) VALUES (?1)")?
        .execute([doc.to_string()])?;
    Ok(())
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Catalog {
    /// Pending jobs in the order their versions were made, extraction first.
    pub fn pending_jobs(&self, limit: usize) -> Result<Vec<Job>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT j.version, v.doc, j.kind, j.attempts, v.mime, v.file_name, v.size
             FROM jobs j JOIN versions v ON v.id = j.version
             WHERE j.state = 'pending'
             ORDER BY v.created_ms, j.version,
                      CASE j.kind WHEN 'extract' THEN 0 WHEN 'thumbnail' THEN 1 ELSE 2 END
             LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?;
        let mut jobs = Vec::new();
        for row in rows {
            let (version, doc, kind, attempts, mime, file_name, size) = row?;
            jobs.push(Job {
                version: version.parse()?,
                doc: doc.parse()?,
                kind: JobKind::parse(&kind)?,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                mime,
                file_name,
                size: u64::try_from(size).unwrap_or(0),
            });
        }
        Ok(jobs)
    }

    /// Record that a job is starting (its own committed transaction); returns the attempt
    /// number, counting this one.
    pub fn start_job(&mut self, version: VersionId, kind: JobKind) -> Result<u32> {
        let attempts: i64 = self.derived(|tx| {
            Ok(tx.query_row(
                "UPDATE jobs SET attempts = attempts + 1, updated_ms = ?3
                 WHERE version = ?1 AND kind = ?2 RETURNING attempts",
                params![version.to_string(), kind.as_str(), now_ms()],
                |r| r.get(0),
            )?)
        })?;
        Ok(u32::try_from(attempts).unwrap_or(u32::MAX))
    }

    /// Run `f` in a transaction committed without waiting for the disk: only for derived
    /// state (jobs, texts, the index queue), which is recomputed if a power cut loses it.
    /// A process crash never loses it (it is in the WAL), and the next fully synchronous
    /// commit makes it durable with everything before it.
    pub(super) fn derived<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let result = (|| {
            let tx = self.conn.transaction()?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        result
    }

    /// Store a job's result, its text and follow-up jobs, and queue the document for
    /// indexing, in one transaction.
    pub fn finish_job(
        &mut self,
        version: VersionId,
        doc: DocId,
        kind: JobKind,
        result: &JobResult,
    ) -> Result<()> {
        self.derived(|tx| {
        let v = version.to_string();
        tx.execute(
            "UPDATE jobs SET state = ?3, reason = ?4, updated_ms = ?5, needs_key = ?6
             WHERE version = ?1 AND kind = ?2",
            params![
                v,
                kind.as_str(),
                result.state.as_str(),
                result.reason,
                now_ms(),
                result.needs_key
            ],
        )?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO texts (version, page, source, text) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for p in &result.pages {
                let source = match p.source {
                    TextSource::Layer => "layer",
                    TextSource::Ocr => "ocr",
                };
                stmt.execute(params![v, p.page, source, p.text])?;
            }
        }
        if let Some(info) = &result.info {
            tx.execute(
                "INSERT OR REPLACE INTO extractions (version, page_count, info) VALUES (?1, ?2, ?3)",
                params![v, info.page_count, serde_json::to_string(info)?],
            )?;
        }
        for next in &result.then {
            tx.execute(
                "INSERT INTO jobs (version, kind, state, updated_ms) VALUES (?1, ?2, 'pending', ?3)
                 ON CONFLICT (version, kind) DO UPDATE SET state = 'pending', attempts = 0, reason = NULL",
                params![v, next.as_str(), now_ms()],
            )?;
        }
        // A thumbnail changes nothing the index holds.
        if kind != JobKind::Thumbnail {
            queue_index(tx, doc)?;
        }
        Ok(())
        })
    }

    /// Put the jobs that waited for a collection's key back in the queue (another person
    /// signed in here).
    pub fn retry_needing_keys(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        retry_needing_keys(&tx, None)?;
        tx.commit()?;
        Ok(())
    }

    /// Put jobs that waited for a tool back in the queue; returns how many.
    pub fn retry_waiting(&mut self, kinds: &[JobKind]) -> Result<usize> {
        let mut n = 0;
        for kind in kinds {
            n += self.conn.execute(
                "UPDATE jobs SET state = 'pending', reason = NULL
                 WHERE state = 'waiting' AND kind = ?1 AND needs_key IS NULL",
                [kind.as_str()],
            )?;
        }
        Ok(n)
    }

    /// Put failed jobs back in the queue with their attempts reset; returns how many.
    pub fn retry_failed(&mut self) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE jobs SET state = 'pending', attempts = 0, reason = NULL WHERE state = 'failed'",
            [],
        )?)
    }

    /// How many jobs are in each state.
    pub fn job_counts(&self) -> Result<JobCounts> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT state, count(*) FROM jobs GROUP BY state")?;
        let mut counts = JobCounts::new();
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (state, n) = row?;
            counts.insert(JobState::parse(&state)?, u64::try_from(n).unwrap_or(0));
        }
        Ok(counts)
    }

    /// The jobs a filter selects, oldest version first.
    pub fn job_statuses(&self, filter: JobFilter) -> Result<Vec<JobStatus>> {
        let (doc, all) = match filter {
            JobFilter::NotDone => (None, false),
            JobFilter::Document(d) => (Some(d.to_string()), false),
            JobFilter::All => (None, true),
        };
        let sql = "SELECT v.doc, j.version, v.file_name, j.kind, j.state, j.attempts, j.reason
                   FROM jobs j JOIN versions v ON v.id = j.version
                   WHERE ?2 OR (?1 IS NULL AND j.state <> 'done') OR v.doc = ?1
                   ORDER BY v.created_ms, j.version, j.kind";
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![doc, all], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (doc, version, file_name, kind, state, attempts, reason) = row?;
            out.push(JobStatus {
                doc: doc.parse()?,
                version: version.parse()?,
                file_name,
                kind: JobKind::parse(&kind)?,
                state: JobState::parse(&state)?,
                attempts: u32::try_from(attempts).unwrap_or(0),
                reason,
            });
        }
        Ok(out)
    }

    /// The extracted text of a version, page by page.
    pub fn texts(&self, version: VersionId) -> Result<Vec<PageText>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT page, source, text FROM texts WHERE version = ?1 ORDER BY page",
        )?;
        let rows = stmt.query_map([version.to_string()], |r| {
            Ok(PageText {
                page: r.get(0)?,
                source: TextSource::from_column(&r.get::<_, String>(1)?),
                text: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How a version's `page` was read, if it has text.
    pub fn text_source(&self, version: VersionId, page: u32) -> Result<Option<TextSource>> {
        let source: Option<String> = self
            .conn
            .prepare_cached("SELECT source FROM texts WHERE version = ?1 AND page = ?2")?
            .query_row(params![version.to_string(), page], |r| r.get(0))
            .optional()?;
        Ok(source.map(|s| TextSource::from_column(&s)))
    }

    /// The start of a version's text: its pages in order, each followed by a line break,
    /// until at least `bytes` are read (the rest is not read from the catalog).
    pub fn text_start(&self, version: VersionId, bytes: usize) -> Result<String> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT text FROM texts WHERE version = ?1 ORDER BY page")?;
        let mut rows = stmt.query([version.to_string()])?;
        let mut text = String::new();
        while text.len() < bytes
            && let Some(row) = rows.next()?
        {
            text.push_str(&row.get::<_, String>(0)?);
            text.push('\n');
        }
        Ok(text)
    }

    /// What extraction learned about a version, once it ran.
    pub fn extraction(&self, version: VersionId) -> Result<Option<ExtractInfo>> {
        let info: Option<String> = self
            .conn
            .query_row(
                "SELECT info FROM extractions WHERE version = ?1",
                [version.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(info.map(|i| serde_json::from_str(&i)).transpose()?)
    }

    /// The state of one job of a version.
    pub fn job_state(&self, version: VersionId, kind: JobKind) -> Result<Option<JobState>> {
        Ok(self.job_outcome(version, kind)?.map(|(state, _)| state))
    }

    /// The state of one job of a version and why it ended so.
    pub fn job_outcome(
        &self,
        version: VersionId,
        kind: JobKind,
    ) -> Result<Option<(JobState, Option<String>)>> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT state, reason FROM jobs WHERE version = ?1 AND kind = ?2",
                params![version.to_string(), kind.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(s, reason)| Ok((JobState::parse(&s)?, reason)))
            .transpose()
    }

    /// Documents waiting to be (re)indexed.
    pub fn index_queue(&self, limit: usize) -> Result<Vec<DocId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc FROM index_queue ORDER BY doc LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| r.get::<_, String>(0))?;
        rows.map(|r| Ok(r?.parse()?)).collect()
    }

    /// How many documents wait to be indexed.
    pub fn index_queue_len(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM index_queue", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Remove documents from the index queue once the index has committed them.
    pub fn index_done(&mut self, docs: &[DocId]) -> Result<()> {
        self.derived(|tx| {
            let mut stmt = tx.prepare_cached("DELETE FROM index_queue WHERE doc = ?1")?;
            for d in docs {
                stmt.execute([d.to_string()])?;
            }
            Ok(())
        })
    }

    /// Queue every document, for a rebuilt index.
    pub fn queue_all_for_index(&mut self) -> Result<u64> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO index_queue (doc) SELECT id FROM documents",
            [],
        )?;
        Ok(n as u64)
    }
}
