//! Human and JSON output, and progress bars (only when stdout is a terminal).

use std::io::IsTerminal;

use anyhow::Result;
use dossier_core::{
    AuditEntry, DocumentDetail, DocumentSummary, ImportEvent, ImportOutcome, ImportReport,
    LibraryStats, ProcessEvent, VerifyReport, VersionInfo,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    use std::io::Write;
    let text = serde_json::to_string_pretty(value)?;
    match writeln!(std::io::stdout().lock(), "{text}") {
        // The reader went away (`| head`): nothing more to say.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// `text` with `open` and `close` around the character ranges `[start, end)`.
pub fn marked(text: &str, ranges: &[[usize; 2]], open: &str, close: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if ranges.iter().any(|r| r[0] == i) {
            out.push_str(open);
        }
        out.push(c);
        if ranges.iter().any(|r| r[1] == i + 1) {
            out.push_str(close);
        }
    }
    out
}

/// `1.4 MiB` style sizes.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

pub fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub(crate) fn short_time(rfc3339: &str) -> String {
    rfc3339
        .get(..16)
        .map(|s| s.replace('T', " "))
        .unwrap_or_default()
}

pub(crate) fn short_id(id: &impl ToString) -> String {
    id.to_string()[..12].to_owned()
}

pub fn documents(docs: &[DocumentSummary]) {
    if docs.is_empty() {
        println!("No documents.");
        return;
    }
    println!(
        "{:<12}  {:<40}  {:>10}  {:>3}  {:<16}  TYPE",
        "ID", "TITLE", "SIZE", "V", "UPDATED"
    );
    for d in docs {
        let title: String = d.title.chars().take(40).collect();
        println!(
            "{:<12}  {:<40}  {:>10}  {:>3}  {:<16}  {}",
            short_id(&d.id),
            title,
            size(d.size),
            d.versions,
            short_time(&d.updated),
            d.doc_type.as_deref().unwrap_or(&d.mime)
        );
    }
    println!("{} documents", docs.len());
}

pub fn document(d: &DocumentDetail, versions: &[VersionInfo]) {
    let s = &d.summary;
    println!("{}", s.title);
    println!("  id           {}", s.id);
    println!(
        "  file         {} ({}, {})",
        s.file_name,
        s.mime,
        size(s.size)
    );
    if let Some(t) = &s.doc_type {
        println!("  type         {t}");
    }
    if s.subject_id.is_some() || d.subject_name.is_some() {
        println!(
            "  subject      {} {}",
            s.subject_id.as_deref().unwrap_or(""),
            d.subject_name.as_deref().unwrap_or("")
        );
    }
    if let Some(c) = &d.collection {
        println!("  collection   {c}");
    }
    if !s.tags.is_empty() {
        println!("  tags         {}", s.tags.join(", "));
    }
    for (k, v) in &d.fields {
        println!("  {k:<12} {}", v.display());
    }
    if d.legal_hold {
        println!("  legal hold   yes (cannot be deleted for good)");
    }
    if let Some(until) = &d.retain_until {
        println!("  keep until   {until}");
    }
    println!("  created      {}", short_time(&s.created));
    println!("  updated      {}", short_time(&s.updated));
    println!("  versions     {}", versions.len());
    if s.trashed {
        println!("  status       in the trash");
    }
    if s.concurrent_versions {
        println!("  note         versions were added on two desktops at once; both are kept");
    }
}

pub fn versions(vs: &[VersionInfo]) {
    for v in vs {
        let mark = if v.current { "*" } else { " " };
        let note = v.note.as_deref().unwrap_or("");
        println!(
            "{mark}{:>3}  {}  {:>10}  {:<12}  {}  {note}",
            v.number,
            short_time(&v.created),
            size(v.size),
            v.author,
            v.file_name
        );
    }
}

/// A document's series and disposition, under `dossier show`.
pub fn disposition(d: &dossier_core::Disposition) {
    println!(
        "Series:     {} ({}): {}",
        d.series,
        dossier_core::describe_rule(d.rule),
        match (&d.due, d.held_by.is_empty()) {
            (_, false) => format!("held by {}", d.held_by.join(", ")),
            (Some(due), true) => format!("may be destroyed from {due}"),
            (None, true) => "no date yet".to_owned(),
        }
    );
}

pub fn audit(events: &[AuditEntry]) {
    for e in events {
        let doc = e.doc.as_deref().map(|d| &d[..12]).unwrap_or("-");
        println!(
            "{}  {:<12}  {:<13}  {doc:<12}  {}",
            short_time(&e.time),
            e.user,
            e.action,
            e.detail.as_deref().unwrap_or("")
        );
    }
}

pub fn import_outcome(o: &ImportOutcome) {
    match o {
        ImportOutcome::Imported { path, doc, .. } => {
            println!("imported   {}  {}", short_id(doc), path.display())
        }
        ImportOutcome::Duplicate {
            path,
            existing,
            existing_title,
        } => {
            println!(
                "duplicate  {}  {} (already in the library as \"{existing_title}\")",
                short_id(existing),
                path.display()
            )
        }
        ImportOutcome::Refused { path, reason } => {
            println!("refused    {}: {reason}", path.display())
        }
    }
}

pub fn import_report(r: &ImportReport) {
    for o in &r.files {
        if !matches!(o, ImportOutcome::Imported { .. }) || r.files.len() <= 50 {
            import_outcome(o);
        }
    }
    println!(
        "{} imported ({}), {} duplicates, {} refused",
        r.imported,
        size(r.bytes),
        r.duplicates,
        r.refused
    );
}

pub fn verify(r: &VerifyReport) {
    println!(
        "Checked {} packs ({}), {} chunks, {} versions, {} audit events",
        r.packs,
        size(r.bytes),
        r.chunks,
        r.versions,
        r.audit_events
    );
    for (p, why) in &r.damaged_packs {
        println!("damaged pack {}: {why}", &p[..16]);
    }
    for (c, why) in &r.damaged_chunks {
        println!("damaged chunk {}: {why}", &c[..16]);
    }
    for d in &r.affected_documents {
        let vs: Vec<String> = d.versions.iter().map(u32::to_string).collect();
        println!(
            "affected document {} \"{}\" (versions {}): {}",
            short_id(&d.id),
            d.title,
            vs.join(", "),
            d.problem
        );
    }
    for p in &r.audit_problems {
        println!("audit: {p}");
    }
    if r.not_downloaded_packs > 0 {
        println!(
            "{} pack(s) are on the remote and not downloaded here yet; `dossier sync` fetches them.",
            r.not_downloaded_packs
        );
    }
    if r.sealed_elsewhere_packs > 0 {
        println!(
            "{} pack(s) hold records of collections you were not given: their bytes were \
             checked, their content is for those who can open it.",
            r.sealed_elsewhere_packs
        );
    }
    if r.sealed_elsewhere_chunks > 0 {
        println!(
            "{} chunk(s) belong to records whose keys have not reached this desktop yet: \
             their packs' bytes were checked; they open once another desktop syncs.",
            r.sealed_elsewhere_chunks
        );
    }
    if r.is_clean() {
        println!("No problems found.");
    } else {
        println!(
            "DAMAGE FOUND: {} documents affected.",
            r.affected_documents.len()
        );
    }
}

pub fn stats(s: &LibraryStats) {
    println!("documents      {}", s.documents);
    println!("versions       {}", s.versions);
    println!("content        {}", size(s.logical_bytes));
    println!("stored         {}", size(s.stored_bytes));
    println!("journal        {}", size(s.journal_bytes));
    println!("chunks         {}", s.chunks);
    println!("packs          {}", s.packs);
}

/// A byte progress bar on a terminal; nothing otherwise.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(wanted: bool) -> Self {
        Self {
            bar: (wanted && std::io::stdout().is_terminal()).then(ProgressBar::hidden),
        }
    }

    pub fn start_bytes(&mut self, total: u64) {
        if let Some(bar) = &mut self.bar {
            *bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
    }

    /// A bar counting processing jobs.
    pub fn start_jobs(&mut self, total: u64) {
        if let Some(bar) = &mut self.bar {
            *bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("Processing {bar:40} {pos}/{len} eta {eta} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
    }

    /// Show what is being worked on.
    pub fn message(&self, msg: String) {
        if let Some(b) = &self.bar {
            b.set_message(msg);
        }
    }

    /// Raise the total when work is queued on the way (OCR after extraction).
    pub fn grow(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc_length(n);
        }
    }

    pub fn add(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    pub fn import_event(&mut self, e: &ImportEvent<'_>) {
        match e {
            ImportEvent::Planned { bytes, .. } => self.start_bytes(*bytes),
            ImportEvent::Bytes(n) => self.add(*n),
            ImportEvent::Finished(o) => {
                if let Some(b) = &self.bar {
                    b.set_message(
                        o.path()
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    );
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Progress as JSON lines on stderr, flushed at once so a reader sees each event live.
pub struct EventLines {
    on: bool,
    bytes: u64,
    reported: u64,
}

impl EventLines {
    pub fn new(on: bool) -> Self {
        Self {
            on,
            bytes: 0,
            reported: 0,
        }
    }

    /// One line for any serializable event (when on).
    pub fn emit_value<T: serde::Serialize>(&self, e: &T) {
        if self.on
            && let Ok(v) = serde_json::to_value(e)
        {
            self.emit(v);
        }
    }

    fn emit(&self, v: serde_json::Value) {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{v}");
        let _ = err.flush();
    }

    /// One line per finished job.
    pub fn process_event(&mut self, e: &ProcessEvent<'_>) {
        if !self.on {
            return;
        }
        match e {
            ProcessEvent::Planned { jobs } => {
                self.emit(serde_json::json!({ "event": "process_planned", "jobs": jobs }))
            }
            ProcessEvent::Unavailable { what } => {
                self.emit(serde_json::json!({ "event": "unavailable", "what": what }))
            }
            ProcessEvent::Started { job } => self.emit(serde_json::json!({
                "event": "job_started",
                "doc": job.doc,
                "version": job.version,
                "kind": job.kind,
                "file_name": job.file_name,
            })),
            ProcessEvent::Finished { job, state, reason } => self.emit(serde_json::json!({
                "event": "job",
                "doc": job.doc,
                "version": job.version,
                "kind": job.kind,
                "file_name": job.file_name,
                "state": state,
                "reason": reason,
            })),
        }
    }

    pub fn import_event(&mut self, e: &ImportEvent<'_>) {
        if !self.on {
            return;
        }
        match e {
            ImportEvent::Planned { files, bytes } => {
                self.emit(serde_json::json!({ "event": "planned", "files": files, "bytes": bytes }))
            }
            ImportEvent::Bytes(n) => {
                self.bytes += n;
                if self.bytes - self.reported >= 1 << 20 {
                    self.reported = self.bytes;
                    self.emit(serde_json::json!({ "event": "bytes", "bytes": self.bytes }));
                }
            }
            ImportEvent::Finished(o) => {
                self.emit(serde_json::json!({ "event": "file", "outcome": o }))
            }
        }
    }
}
