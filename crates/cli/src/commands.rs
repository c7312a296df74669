//! One function per subcommand: parse what the user typed into core calls.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use dossier_core::{
    Access, DocId, FieldKey, FieldValue, ImportEvent, ImportOptions, InitOptions, KdfParams,
    Library, Listing,
};

use crate::exit;
use crate::output::{self, Progress};
use crate::processing::{self, RunOptions, Shown, ToolArgs};
use crate::unlock::{new_passphrase, unlock, unlock_local};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty library.
    Init {
        /// Also keep the key in the OS keyring so this desktop opens it without a passphrase.
        #[arg(long)]
        keyring: bool,
    },
    /// Import files and folders (recursively) as new documents.
    Import {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Store files only; do not run processing jobs (text extraction, OCR, thumbnails).
        #[arg(long)]
        no_process: bool,
        /// Import content already in the library as new documents anyway.
        #[arg(long)]
        allow_duplicates: bool,
        #[arg(long)]
        json: bool,
        /// Report progress as JSON lines on stderr (for scripts and logs): one line per
        /// finished file, and the bytes processed so far.
        #[arg(long)]
        progress_json: bool,
    },
    /// Run pending processing jobs (text extraction, OCR).
    Process {
        /// Run failed jobs again from scratch.
        #[arg(long)]
        retry_failed: bool,
        #[arg(long)]
        json: bool,
        /// Report each finished job as a JSON line on stderr.
        #[arg(long)]
        progress_json: bool,
    },
    /// Search documents by words, phrases, prefixes and filters (see QUERY).
    Search(crate::search::SearchArgs),
    /// Import files put into a folder once they stop changing (a watched folder).
    Watch(crate::watch::WatchArgs),
    /// Rebuild the search index from the catalog.
    Reindex {
        #[arg(long)]
        json: bool,
    },
    /// Print the extracted text of a document (text layer and OCR), page by page.
    Text {
        doc: String,
        #[arg(long)]
        version: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Processing jobs not done (or all jobs of one document), with their reasons.
    Jobs {
        #[arg(conflicts_with = "all")]
        doc: Option<String>,
        /// Every job, done ones included.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a version's 256-pixel thumbnail as PNG (a generic icon for types without pages).
    Thumbnail(crate::preview::ThumbnailArgs),
    /// Write one page of a version as PNG, at a given width.
    Render(crate::preview::RenderArgs),
    /// Versions, and which tools (PDF engine, OCR) are available.
    About {
        #[arg(long)]
        json: bool,
    },
    /// List documents.
    Ls {
        /// List the trash instead.
        #[arg(long, conflicts_with = "all")]
        trash: bool,
        /// List active and trashed documents.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show one document's metadata.
    Show {
        doc: String,
        #[arg(long)]
        json: bool,
    },
    /// Write a document's content (or every document) to files.
    Export(ExportArgs),
    /// Add a file as a new version of a document.
    AddVersion {
        doc: String,
        file: PathBuf,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List a document's versions.
    Versions {
        doc: String,
        #[arg(long)]
        json: bool,
    },
    /// Compare two versions: text changes with page numbers, and changed properties.
    Diff(crate::diff::DiffArgs),
    /// Make an old version current again (appends a new version with its content).
    Restore { doc: String, version: u32 },
    /// Students' and staff members' records: add, list, show, edit, merge, link a
    /// document, import a roster.
    #[command(subcommand)]
    Subject(crate::subject::SubjectCommand),
    /// The library's people (who signs in), their roles and collections: init, ls, add,
    /// role, remove.
    #[command(subcommand)]
    People(crate::people::PeopleCommand),
    /// The custom fields of each document type, with their kinds.
    #[command(subcommand)]
    Fields(crate::fields::FieldsCommand),
    /// Record series and retention rules by document type, and the disposition queue.
    #[command(subcommand)]
    Retention(crate::retention::RetentionCommand),
    /// The erasure key, held only in desktops' keyrings: status, a recovery code to
    /// print, recovery with it.
    #[command(subcommand)]
    Erasure(crate::erasure::ErasureCommand),
    /// Requests about a student's records: to inspect them (held until fulfilled) or to
    /// amend them.
    #[command(subcommand)]
    Request(crate::requests::RequestCommand),
    /// Disclose a student's records (34 CFR 99.32): --out writes a ZIP for the party
    /// (--encrypt: with a password sent separately); without it, only recorded.
    Disclose(crate::disclose::DiscloseArgs),
    /// Reports as CSV, PDF or --json: disclosures, access, retention, directory.
    #[command(subcommand)]
    Report(crate::disclose::ReportCommand),
    /// Intake rules: what to set on new documents from their name, folder, type and text.
    #[command(subcommand)]
    Rules(crate::rules::RulesCommand),
    /// What a document could be filed as (type, tags, person), learned from what was
    /// filed before; --accept files it so.
    Suggest(crate::suggest::SuggestArgs),
    /// Add (+tag or tag) and remove (-tag) tags.
    Tag {
        doc: String,
        #[arg(required = true, allow_hyphen_values = true, value_name = "+TAG|-TAG")]
        changes: Vec<String>,
    },
    /// Set properties and fields: title, type, subject, subject_name, collection or any
    /// custom name; `name=` clears a field.
    Set {
        doc: String,
        #[arg(required = true, value_name = "FIELD=VALUE")]
        assignments: Vec<String>,
    },
    /// Move a document to the trash; with --empty, delete everything in the trash for
    /// good (documents under a legal hold or retention period are kept).
    Trash {
        #[arg(required_unless_present = "empty", conflicts_with = "empty")]
        doc: Option<String>,
        /// Empty the trash: its documents, versions, text and thumbnails are deleted for
        /// good (the audit trail records it).
        #[arg(long)]
        empty: bool,
    },
    /// Take a document out of the trash.
    Untrash { doc: String },
    /// Place a legal hold on documents (they cannot be deleted for good, on any desktop),
    /// or with --release, lift it.
    Hold {
        #[arg(required = true)]
        docs: Vec<String>,
        #[arg(long)]
        release: bool,
        /// Why (kept in the audit trail).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Keep documents at least through a date (YYYY-MM-DD), or with --clear, end their
    /// retention period.
    Retain {
        #[arg(required = true)]
        docs: Vec<String>,
        #[arg(
            long,
            required_unless_present = "clear",
            conflicts_with = "clear",
            value_name = "YYYY-MM-DD",
            value_parser = dossier_core::parse_day
        )]
        until: Option<chrono::NaiveDate>,
        #[arg(long)]
        clear: bool,
    },
    /// Show the audit trail (of one document, or all); `audit verify` checks it.
    Audit(crate::audit::AuditArgs),
    /// Decrypt and check every chunk, pack, version and the audit chain.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Counts and sizes.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Manage key slots and the OS keyring.
    #[command(subcommand)]
    Keys(crate::keys::KeysCommand),
    /// The remote this library is kept on, shared with other desktops.
    #[command(subcommand)]
    Remote(crate::sync::RemoteCommand),
    /// Send this desktop's changes to the remote and bring in the others'.
    Sync(crate::sync::SyncArgs),
    /// Join a library kept on a remote, as a new desktop (into a new folder).
    Clone(crate::sync::CloneArgs),
    /// How much content this desktop keeps; set a budget with --budget.
    Cache(crate::sync::CacheArgs),
    /// Reclaim the space of documents deleted for good: unused packs are given up, and
    /// deleted (here and on the remote) once their grace period has passed.
    Prune(crate::prune::PruneArgs),
    /// Repair a library: `--rebuild-catalog` rebuilds a lost, damaged or outdated catalog
    /// from the library's own store.
    Repair(crate::repair::RepairArgs),
    /// Rebuild the library as it was at a past moment, in a new folder (from the journal
    /// of changes). The copy opens with the same passphrase and is not synced.
    RestoreLibrary {
        /// The moment: 2026-11-20T17:00:00Z, "2026-11-20 17:00" (local time), or
        /// 2026-11-20 (the end of that day, local time).
        #[arg(long, value_parser = dossier_core::parse_moment, value_name = "TIME")]
        at: u64,
        /// The new folder (must not exist or be empty).
        dir: PathBuf,
        /// Do not extract text and make thumbnails in the copy.
        #[arg(long)]
        no_process: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The document (id or unique id prefix).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    doc: Option<String>,
    /// Version number (default: current).
    #[arg(long, requires = "doc")]
    version: Option<u32>,
    /// Output file.
    #[arg(short, long, requires = "doc")]
    output: Option<PathBuf>,
    /// Export the current version of every document into this folder, with manifest.json.
    #[arg(long, value_name = "DIR")]
    all: Option<PathBuf>,
}

fn resolve(lib: &dossier_core::Library, doc: &str) -> Result<DocId> {
    Ok(lib.catalog().resolve(doc)?)
}

fn write(root: &Path) -> Result<Library> {
    unlock(root, Access::Write)
}

pub fn run(root: &Path, tools: &ToolArgs, cmd: Command) -> Result<u8> {
    match cmd {
        Command::Init { keyring } => {
            let passphrase = new_passphrase("DOSSIER_PASSPHRASE")?;
            let (lib, recovery) = Library::create(
                root,
                &InitOptions {
                    passphrase,
                    kdf: KdfParams::default(),
                },
            )?;
            println!("Created a library in {}", root.display());
            println!();
            println!("Recovery key (shown only now; print it or write it down and keep it safe):");
            println!();
            println!("    {}", recovery.display().as_str());
            println!();
            println!(
                "Anyone with this key or the passphrase can open the library. If both are lost, the"
            );
            println!("documents cannot be recovered by anyone.");
            if keyring {
                lib.store_in_keyring()
                    .context("keeping the key in the OS keyring")?;
                println!("The key is kept in this desktop's keyring.");
            }
            Ok(0)
        }
        Command::Import {
            paths,
            no_process,
            allow_duplicates,
            json,
            progress_json,
        } => {
            let mut lib = write(root)?;
            let mut progress = Progress::new(!json && !progress_json);
            let mut lines = output::EventLines::new(progress_json);
            let report = lib.import(
                &paths,
                &ImportOptions {
                    allow_duplicates,
                    workers: 0,
                    within: None,
                },
                &mut |e: ImportEvent<'_>| {
                    progress.import_event(&e);
                    lines.import_event(&e);
                },
            )?;
            progress.finish();
            let processed = if no_process {
                None
            } else {
                Some(processing::run(
                    &mut lib,
                    tools,
                    RunOptions::pending(Shown::from_flags(json, progress_json)),
                )?)
            };
            if json {
                // The import report as before, with the processing summary beside it.
                let mut v = serde_json::to_value(&report)?;
                v["process"] = serde_json::to_value(&processed)?;
                output::json(&v)?;
            } else {
                output::import_report(&report);
                if let Some(p) = &processed {
                    processing::print_report(p);
                }
            }
            Ok(if report.refused > 0 { exit::PARTIAL } else { 0 })
        }
        Command::Process {
            retry_failed,
            json,
            progress_json,
        } => {
            let mut lib = write(root)?;
            let report = processing::run(
                &mut lib,
                tools,
                RunOptions {
                    retry_failed,
                    shown: Shown::from_flags(json, progress_json),
                },
            )?;
            if json {
                output::json(&report)?;
            } else {
                processing::print_report(&report);
            }
            Ok(if report.failed > 0 { exit::PARTIAL } else { 0 })
        }
        Command::Text { doc, version, json } => {
            let mut lib = write(root)?;
            let id = resolve(&lib, &doc)?;
            lib.note_view(id, version, dossier_core::Viewing::Text)?;
            processing::text(&lib, id, version, json)
        }
        Command::Jobs { doc, all, json } => {
            let lib = unlock_local(root, Access::Read)?;
            let filter = match doc {
                Some(d) => dossier_core::JobFilter::Document(resolve(&lib, &d)?),
                None if all => dossier_core::JobFilter::All,
                None => dossier_core::JobFilter::NotDone,
            };
            processing::jobs(&lib, filter, json)
        }
        Command::Search(args) => crate::search::search(root, args),
        Command::Watch(args) => crate::watch::watch(root, tools, args),
        Command::Diff(args) => crate::diff::diff(root, args),
        Command::Thumbnail(args) => crate::preview::thumbnail(root, tools, args),
        Command::Render(args) => crate::preview::render(root, tools, args),
        Command::Reindex { json } => crate::search::reindex(root, json),
        Command::About { json } => processing::about(tools, json, root),
        Command::Ls { trash, all, json } => {
            let lib = unlock_local(root, Access::Read)?;
            let which = if all {
                Listing::All
            } else if trash {
                Listing::Trashed
            } else {
                Listing::Active
            };
            let docs = lib.catalog().list(which)?;
            if json {
                output::json(&docs)?
            } else {
                output::documents(&docs)
            }
            Ok(0)
        }
        Command::Show { doc, json } => {
            let lib = unlock_local(root, Access::Read)?;
            let id = resolve(&lib, &doc)?;
            let detail = lib.catalog().document(id)?;
            let versions = lib.catalog().versions(id)?;
            let disposition = lib.disposition(id, chrono::Local::now().date_naive())?;
            if json {
                output::json(&serde_json::json!({
                    "document": detail,
                    "versions": versions,
                    "disposition": disposition,
                }))?;
            } else {
                output::document(&detail, &versions);
                if let Some(d) = disposition {
                    output::disposition(&d);
                }
            }
            Ok(0)
        }
        Command::Export(args) => {
            let mut lib = write(root)?;
            if let Some(dir) = args.all {
                let r = lib.export_all(&dir)?;
                println!(
                    "Exported {} documents ({}) to {}",
                    r.documents,
                    output::size(r.bytes),
                    dir.display()
                );
                return Ok(0);
            }
            let doc = args.doc.context("give a document or --all DIR")?;
            let id = resolve(&lib, &doc)?;
            let out = args.output.context("give the output file with -o FILE")?;
            let v = lib.export(id, args.version, &out)?;
            println!(
                "Exported version {} ({}) to {}",
                v.number,
                output::size(v.size),
                out.display()
            );
            Ok(0)
        }
        Command::AddVersion {
            doc,
            file,
            note,
            json,
        } => {
            let mut lib = write(root)?;
            let id = resolve(&lib, &doc)?;
            let outcome = lib.add_version(id, &file, note, &mut |_| {})?;
            if json {
                output::json(&outcome)?;
            }
            match outcome {
                dossier_core::ImportOutcome::Imported { .. } => {
                    if !json {
                        let n = lib.catalog().versions(id)?.len();
                        println!(
                            "Added version {n} to {}",
                            lib.catalog().document(id)?.summary.title
                        );
                    }
                    Ok(0)
                }
                other => {
                    if !json {
                        output::import_outcome(&other);
                    }
                    Ok(exit::PARTIAL)
                }
            }
        }
        Command::Versions { doc, json } => {
            let lib = unlock_local(root, Access::Read)?;
            let id = resolve(&lib, &doc)?;
            let versions = lib.catalog().versions(id)?;
            if json {
                output::json(&versions)?
            } else {
                output::versions(&versions)
            }
            Ok(0)
        }
        Command::Restore { doc, version } => {
            let mut lib = write(root)?;
            let id = resolve(&lib, &doc)?;
            lib.restore(id, version)?;
            let n = lib.catalog().versions(id)?.len();
            println!("Restored version {version} as version {n}");
            Ok(0)
        }
        Command::Tag { doc, changes } => {
            let mut lib = write(root)?;
            let id = resolve(&lib, &doc)?;
            let (mut add, mut remove) = (Vec::new(), Vec::new());
            for c in changes {
                if let Some(t) = c.strip_prefix('-') {
                    remove.push(t.to_owned());
                } else {
                    add.push(c.strip_prefix('+').unwrap_or(&c).to_owned());
                }
            }
            lib.tag(id, &add, &remove)?;
            let tags = lib.catalog().document(id)?.summary.tags;
            println!(
                "Tags: {}",
                if tags.is_empty() {
                    "(none)".into()
                } else {
                    tags.join(", ")
                }
            );
            Ok(0)
        }
        Command::Subject(cmd) => crate::subject::run(root, cmd),
        Command::People(cmd) => crate::people::run(root, cmd),
        Command::Rules(cmd) => crate::rules::run(root, cmd),
        Command::Fields(cmd) => crate::fields::run(root, cmd),
        Command::Retention(cmd) => crate::retention::run(root, cmd),
        Command::Erasure(cmd) => crate::erasure::run(root, cmd),
        Command::Request(cmd) => crate::requests::run(root, cmd),
        Command::Disclose(args) => crate::disclose::disclose(root, tools, args),
        Command::Report(cmd) => crate::disclose::report(root, cmd),
        Command::Suggest(args) => crate::suggest::run(root, args),
        Command::Set { doc, assignments } => {
            let mut lib = write(root)?;
            let id = resolve(&lib, &doc)?;
            let mut keyed = Vec::new();
            for a in &assignments {
                let Some((k, v)) = a.split_once('=') else {
                    bail!("{a:?} is not FIELD=VALUE")
                };
                keyed.push((FieldKey::from_name(k)?, v));
            }
            // Custom fields are typed by their kind in the document's type (the one this
            // command sets, if it sets one); built-in properties are text as written, so a
            // student number keeps its leading zeros. Every value is checked before any
            // is set.
            let doc_type = match keyed.iter().rev().find(|(k, _)| *k == FieldKey::Type) {
                Some((_, t)) => Some(t.to_string()).filter(|t| !t.is_empty()),
                None => lib.catalog().document(id)?.summary.doc_type,
            };
            let mut parsed = Vec::new();
            for (key, v) in keyed {
                parsed.push(match key {
                    FieldKey::Custom(name) if !v.is_empty() => {
                        let (key, value) = lib.field_value(doc_type.as_deref(), &name, v)?;
                        (key, Some(value))
                    }
                    key => (
                        key.clone(),
                        (!v.is_empty()).then(|| FieldValue::Text(v.to_owned())),
                    ),
                });
            }
            for (k, v) in parsed {
                lib.set_field(id, k, v)?;
            }
            Ok(0)
        }
        Command::Trash { doc: None, .. } => {
            let mut lib = write(root)?;
            let report = lib.empty_trash(&mut |_, _| {})?;
            println!("Deleted {} document(s) for good", report.purged);
            for h in &report.held {
                println!("kept {} ({}): {}", h.title, &h.doc.to_string()[..12], h.why);
            }
            Ok(0)
        }
        Command::Trash { doc: Some(doc), .. } => {
            let mut lib = write(root)?;
            let id = resolve(&lib, &doc)?;
            lib.trash(id)?;
            println!(
                "Moved to the trash (undo with `dossier untrash {}`)",
                &id.to_string()[..12]
            );
            Ok(0)
        }
        Command::Hold {
            docs,
            release,
            reason,
        } => {
            let mut lib = write(root)?;
            for doc in &docs {
                let id = resolve(&lib, doc)?;
                if release {
                    lib.release_legal_hold(id, reason.as_deref())?;
                } else {
                    lib.place_legal_hold(id, reason.as_deref())?;
                }
            }
            let what = if release {
                "Released the legal hold on"
            } else {
                "Placed a legal hold on"
            };
            println!("{what} {} document(s)", docs.len());
            Ok(0)
        }
        Command::Retain {
            docs,
            until,
            clear: _,
        } => {
            let mut lib = write(root)?;
            for doc in &docs {
                let id = resolve(&lib, doc)?;
                lib.set_retention(id, until)?;
            }
            match until {
                Some(d) => println!("{} document(s) kept through {d}", docs.len()),
                None => println!("Ended the retention period of {} document(s)", docs.len()),
            }
            Ok(0)
        }
        Command::Untrash { doc } => {
            let mut lib = write(root)?;
            let id = resolve(&lib, &doc)?;
            lib.untrash(id)?;
            println!("Restored from the trash");
            Ok(0)
        }
        Command::Audit(args) => crate::audit::run(root, args),
        Command::Verify { json } => {
            let lib = unlock(root, Access::Read)?;
            let mut progress = Progress::new(!json);
            progress.start_bytes(lib.stats()?.stored_bytes);
            let report = lib.verify(&mut |n| progress.add(n))?;
            progress.finish();
            if json {
                output::json(&report)?
            } else {
                output::verify(&report)
            }
            Ok(if report.is_clean() { 0 } else { exit::PARTIAL })
        }
        Command::Stats { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let s = lib.stats()?;
            if json {
                output::json(&s)?
            } else {
                output::stats(&s)
            }
            Ok(0)
        }
        Command::Keys(k) => crate::keys::run(root, k),
        Command::Remote(r) => crate::sync::remote(root, r),
        Command::Sync(args) => crate::sync::sync(root, tools, args),
        Command::Clone(args) => crate::sync::clone(tools, args),
        Command::Cache(args) => crate::sync::cache(root, args),
        Command::Prune(args) => crate::prune::prune(root, args),
        Command::Repair(args) => crate::repair::repair(root, tools, args),
        Command::RestoreLibrary {
            at,
            dir,
            no_process,
            json,
        } => {
            let lib = unlock(root, Access::Read)?;
            let (mut copy, report) = lib.restore_library_at(at, &dir)?;
            if !no_process {
                processing::run(
                    &mut copy,
                    tools,
                    RunOptions::pending(Shown::from_flags(json, false)),
                )?;
            }
            if json {
                output::json(&report)?;
            } else {
                println!(
                    "Rebuilt the library as it was at {} in {}: {} documents, {} versions.",
                    chrono::DateTime::from_timestamp_millis(at as i64)
                        .map(|t| t
                            .with_timezone(&chrono::Local)
                            .format("%Y-%m-%d %H:%M:%S")
                            .to_string())
                        .unwrap_or_default(),
                    dir.display(),
                    report.documents,
                    report.versions
                );
                if report.packs_not_here > 0 {
                    println!(
                        "{} pack(s) were never downloaded to this desktop; some content cannot be read in the copy. Run `dossier sync` here first.",
                        report.packs_not_here
                    );
                }
            }
            Ok(if report.packs_not_here > 0 {
                exit::PARTIAL
            } else {
                0
            })
        }
    }
}
