//! Watched folders: files put into a folder (by a scanner, a copier, a colleague) are
//! handed over for import once they have stopped changing.
//!
//! [`FolderWatcher`] listens to the operating system's change notifications, or scans
//! the folder at an interval where notifications do not arrive (network shares). A file
//! is ready when its size and modification time have not changed for
//! [`WatchOptions::settle`]; it is then checked once more, so a file still being written
//! is not taken half done. Hidden and temporary files and the [`IMPORTED_DIR`] subfolder
//! are ignored. What to do with a file after import is the caller's choice:
//! [`move_imported`] moves it into [`IMPORTED_DIR`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use notify::{RecursiveMode, Watcher};

use crate::error::{Error, IoContext, Result};
use crate::fsx::inside_without_links;
use crate::library::ImportOutcome;

/// The subfolder of a watched folder that imported files are moved into.
pub const IMPORTED_DIR: &str = "Imported";

/// How a folder is watched.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// A file is ready once its size and modification time have not changed for this long.
    pub settle: Duration,
    /// Scan the folder this often instead of relying on the operating system's change
    /// notifications (for network shares, where they do not arrive).
    pub poll: Option<Duration>,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            settle: Duration::from_secs(2),
            poll: None,
        }
    }
}

/// What a file looked like when last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Signature {
    len: u64,
    modified: Option<SystemTime>,
}

#[derive(Debug)]
struct Seen {
    signature: Signature,
    /// When the signature last changed.
    since: Instant,
}

type Events = mpsc::Receiver<notify::Result<notify::Event>>;

/// A folder being watched (its subfolders too).
pub struct FolderWatcher {
    root: PathBuf,
    settle: Duration,
    events: Events,
    _watcher: Box<dyn Watcher + Send>,
    /// Files not yet handed over, by path.
    pending: HashMap<PathBuf, Seen>,
    /// Files handed over, as they were then: not handed over again unless they change.
    done: HashMap<PathBuf, Signature>,
}

impl std::fmt::Debug for FolderWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FolderWatcher")
            .field("root", &self.root)
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

/// Whether a path is never imported: the imported-files folder, hidden and temporary
/// files (`.name`, `~$name` office locks, `*.tmp`, `*.part`, `*.crdownload`).
pub fn is_ignored(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    if rel
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == IMPORTED_DIR)
    {
        return true;
    }
    rel.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.') || name.starts_with("~$")
    }) || path.extension().is_some_and(|e| {
        let e = e.to_string_lossy().to_ascii_lowercase();
        matches!(e.as_str(), "tmp" | "part" | "partial" | "crdownload")
    })
}

/// A regular file's size and time; `None` for anything else (a link, a FIFO, a device).
fn signature(path: &Path) -> Option<Signature> {
    let m = std::fs::symlink_metadata(path).ok()?;
    m.is_file().then(|| Signature {
        len: m.len(),
        modified: m.modified().ok(),
    })
}

impl FolderWatcher {
    /// Watch `root`; files already in it are pending too.
    pub fn start(root: &Path, opts: &WatchOptions) -> Result<Self> {
        let root = root.canonicalize().io("open the watched folder", root)?;
        let (tx, events) = mpsc::channel();
        let fail = |source| Error::Watch {
            path: root.clone(),
            source,
        };
        // Links are not followed: one out of the folder must not be watched (and a loop
        // must not stop the watch).
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut watcher: Box<dyn Watcher + Send> = match opts.poll {
            Some(every) => Box::new(
                notify::PollWatcher::new(tx, config.with_poll_interval(every)).map_err(fail)?,
            ),
            None => Box::new(notify::RecommendedWatcher::new(tx, config).map_err(fail)?),
        };
        // Watch first, then list: a file created in between shows in one or the other.
        watcher
            .watch(&root, RecursiveMode::Recursive)
            .map_err(fail)?;
        let mut w = Self {
            settle: opts.settle,
            events,
            _watcher: watcher,
            pending: HashMap::new(),
            done: HashMap::new(),
            root: root.clone(),
        };
        w.note(&root);
        Ok(w)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Look at a path something happened to (a folder: everything in it).
    fn note(&mut self, path: &Path) {
        if path != self.root
            && (is_ignored(&self.root, path) || !inside_without_links(&self.root, path))
        {
            // Links are not followed: a link to a clerk's home in a shared scan folder
            // must not import (and move away) what is there.
            return;
        }
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            if let Ok(entries) = std::fs::read_dir(path) {
                for e in entries.flatten() {
                    self.note(&e.path());
                }
            }
            return;
        }
        match signature(path) {
            Some(sig) if self.done.get(path) == Some(&sig) => {}
            Some(sig) => {
                let now = Instant::now();
                let seen = self.pending.entry(path.to_owned()).or_insert(Seen {
                    signature: sig,
                    since: now,
                });
                if seen.signature != sig {
                    seen.signature = sig;
                    seen.since = now;
                }
            }
            None => {
                self.pending.remove(path);
                self.done.remove(path);
            }
        }
    }

    /// Files that have stopped changing, waiting up to `wait` for the first. Each file
    /// is returned once (again only if it is changed or put back later).
    pub fn ready(&mut self, wait: Duration) -> Result<Vec<PathBuf>> {
        let deadline = Instant::now() + wait;
        loop {
            let now = Instant::now();
            let next_settle = self
                .pending
                .values()
                .map(|s| (s.since + self.settle).saturating_duration_since(now))
                .min();
            let timeout = next_settle
                .unwrap_or(Duration::MAX)
                .min(deadline.saturating_duration_since(now));
            match self.events.recv_timeout(timeout) {
                Ok(Ok(event)) => {
                    self.take(event);
                    // Take every event already queued before looking at the clock.
                    while let Ok(more) = self.events.try_recv() {
                        if let Ok(event) = more {
                            self.take(event);
                        }
                    }
                }
                Ok(Err(source)) => {
                    return Err(Error::Watch {
                        path: self.root.clone(),
                        source,
                    });
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Error::Stopped("the folder watcher stopped"));
                }
            }
            let ready = self.take_settled();
            if !ready.is_empty() || Instant::now() >= deadline {
                return Ok(ready);
            }
        }
    }

    /// One change notification. Reads and opens are not changes (and our own listing
    /// of a folder would report them, over and over).
    fn take(&mut self, event: notify::Event) {
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        for p in event.paths {
            self.note(&p);
        }
    }

    /// Files unchanged for the settle time, checked once more on disk.
    fn take_settled(&mut self) -> Vec<PathBuf> {
        let now = Instant::now();
        let due: Vec<PathBuf> = self
            .pending
            .iter()
            .filter(|(_, s)| now.duration_since(s.since) >= self.settle)
            .map(|(p, _)| p.clone())
            .collect();
        let mut ready = Vec::new();
        for path in due {
            let here = inside_without_links(&self.root, &path).then(|| signature(&path));
            match here.flatten() {
                Some(sig) if Some(&sig) == self.pending.get(&path).map(|s| &s.signature) => {
                    self.pending.remove(&path);
                    self.done.insert(path.clone(), sig);
                    ready.push(path);
                }
                Some(sig) => {
                    // It changed without an event (polling, or a coarse clock): wait again.
                    self.pending.insert(
                        path,
                        Seen {
                            signature: sig,
                            since: now,
                        },
                    );
                }
                None => {
                    self.pending.remove(&path);
                }
            }
        }
        ready.sort();
        ready
    }
}

/// Move an imported file into the watched folder's [`IMPORTED_DIR`], keeping its place
/// below the folder; a name already taken there gets " (2)", " (3)", … Returns the new
/// path.
pub fn move_imported(root: &Path, file: &Path) -> Result<PathBuf> {
    let root = root.canonicalize().io("open the watched folder", root)?;
    let outside = || Error::OutsideWatchedFolder {
        path: file.to_owned(),
        folder: root.clone(),
    };
    let rel = file.strip_prefix(&root).map_err(|_| outside())?;
    // Only a regular file reached without a link, moved to a folder reached without one.
    if !inside_without_links(&root, file) || signature(file).is_none() {
        return Err(outside());
    }
    let imported = root.join(IMPORTED_DIR);
    if std::fs::symlink_metadata(&imported).is_ok_and(|m| !m.is_dir()) {
        return Err(outside());
    }
    let mut target = imported.join(rel);
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).io("create", dir)?;
        if !inside_without_links(&root, dir) {
            return Err(outside());
        }
    }
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = target
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut n = 2;
    while target.exists() {
        target.set_file_name(format!("{stem} ({n}){ext}"));
        n += 1;
    }
    std::fs::rename(file, &target).io("move", file)?;
    Ok(target)
}

/// A file of a watched folder that is in the library but could not be moved into
/// [`IMPORTED_DIR`].
#[derive(Debug)]
pub struct NotMoved {
    pub path: PathBuf,
    pub error: Error,
}

/// After an import from the watched folder `root`: move each file now in the library
/// (imported, or there already) into [`IMPORTED_DIR`]. Refused files stay for someone to
/// look at; a file that cannot be moved stays too, the others are moved all the same,
/// and the ones that stayed are returned with why.
pub fn move_done(root: &Path, files: &[ImportOutcome]) -> Vec<NotMoved> {
    files
        .iter()
        .filter(|o| !matches!(o, ImportOutcome::Refused { .. }))
        .filter_map(|o| {
            move_imported(root, o.path()).err().map(|error| NotMoved {
                path: o.path().to_owned(),
                error,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTLE: Duration = Duration::from_millis(300);
    const WAIT: Duration = Duration::from_secs(10);

    fn options(poll: bool) -> WatchOptions {
        WatchOptions {
            settle: SETTLE,
            poll: poll.then_some(Duration::from_millis(100)),
        }
    }

    /// Wait until `want` files were handed over (or fail after `WAIT`).
    fn collect(w: &mut FolderWatcher, want: usize) -> Vec<PathBuf> {
        let started = Instant::now();
        let mut got = Vec::new();
        while got.len() < want && started.elapsed() < WAIT {
            got.extend(w.ready(WAIT - started.elapsed()).unwrap());
        }
        got
    }

    fn hands_over_new_existing_and_nested_files(poll: bool) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("before.pdf"), b"already there").unwrap();
        let mut w = FolderWatcher::start(dir.path(), &options(poll)).unwrap();
        std::fs::create_dir(dir.path().join("class 9")).unwrap();
        std::fs::write(dir.path().join("class 9/report.txt"), b"grades").unwrap();
        std::fs::write(dir.path().join(".hidden"), b"x").unwrap();
        std::fs::write(dir.path().join("~$lock.docx"), b"x").unwrap();
        std::fs::write(dir.path().join("scan.pdf.part"), b"x").unwrap();
        let mut got = collect(&mut w, 2);
        got.sort();
        let root = w.root().to_owned();
        assert_eq!(
            got,
            [root.join("before.pdf"), root.join("class 9/report.txt")]
        );
        // Nothing else arrives (the ignored files stay ignored), and each file came once.
        assert_eq!(w.ready(SETTLE * 3).unwrap(), Vec::<PathBuf>::new());
    }

    #[test]
    fn notifications_hand_over_new_existing_and_nested_files() {
        hands_over_new_existing_and_nested_files(false);
    }

    #[test]
    fn polling_hands_over_new_existing_and_nested_files() {
        hands_over_new_existing_and_nested_files(true);
    }

    #[test]
    fn a_file_still_being_written_waits_until_it_stops_changing() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = FolderWatcher::start(dir.path(), &options(false)).unwrap();
        let path = w.root().join("growing.tif");
        let mut f = std::fs::File::create(&path).unwrap();
        let started = Instant::now();
        let mut last_write = Instant::now();
        // Keep writing for longer than the settle time; it must not be handed over.
        while started.elapsed() < SETTLE * 3 {
            std::io::Write::write_all(&mut f, &[7u8; 512]).unwrap();
            f.sync_all().unwrap();
            last_write = Instant::now();
            assert_eq!(w.ready(SETTLE / 6).unwrap(), Vec::<PathBuf>::new());
        }
        drop(f);
        let got = collect(&mut w, 1);
        assert_eq!(got, [path]);
        assert!(
            last_write.elapsed() >= SETTLE,
            "handed over before it settled"
        );
    }

    #[test]
    fn imported_files_move_below_imported_keeping_their_place() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        for _ in 0..2 {
            std::fs::write(root.join("sub/a.pdf"), b"x").unwrap();
            move_imported(&root, &root.join("sub/a.pdf")).unwrap();
        }
        assert!(root.join("Imported/sub/a.pdf").is_file());
        assert!(root.join("Imported/sub/a (2).pdf").is_file());
        assert!(!root.join("sub/a.pdf").exists());
        assert!(is_ignored(&root, &root.join("Imported/sub/a.pdf")));
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("b.pdf"), b"x").unwrap();
        assert!(matches!(
            move_imported(&root, &outside.path().join("b.pdf")),
            Err(Error::OutsideWatchedFolder { .. })
        ));
    }

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        assert!(
            std::process::Command::new("mkfifo")
                .arg(path)
                .status()
                .unwrap()
                .success()
        );
    }

    /// A link to a clerk's home, a link loop and a FIFO in the watched folder: only the
    /// real file is handed over, nothing outside is touched, and nothing blocks.
    #[cfg(unix)]
    fn links_loops_and_fifos_are_passed_over(poll: bool) {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(home.join("diary.txt"), b"private").unwrap();
        let root = dir.path().join("scans");
        std::fs::create_dir_all(root.join("class")).unwrap();
        std::os::unix::fs::symlink(&home, root.join("link")).unwrap();
        std::os::unix::fs::symlink(home.join("diary.txt"), root.join("diary-link.txt")).unwrap();
        std::os::unix::fs::symlink(&root, root.join("class/loop")).unwrap();
        mkfifo(&root.join("pipe.pdf"));
        let mut w = FolderWatcher::start(&root, &options(poll)).unwrap();
        let root = w.root().to_owned();
        std::fs::write(root.join("class/scan.pdf"), b"scan").unwrap();
        mkfifo(&root.join("class/later.pdf"));
        let got = collect(&mut w, 1);
        assert_eq!(got, [root.join("class/scan.pdf")]);
        assert_eq!(w.ready(SETTLE * 3).unwrap(), Vec::<PathBuf>::new());
        // Asked to move what came through a link anyway, it refuses and leaves it there.
        for p in [
            root.join("link/diary.txt"),
            root.join("diary-link.txt"),
            root.join("pipe.pdf"),
        ] {
            assert!(matches!(
                move_imported(&root, &p),
                Err(Error::OutsideWatchedFolder { .. })
            ));
        }
        assert!(home.join("diary.txt").is_file());
        assert!(!root.join(IMPORTED_DIR).join("link").exists());
    }

    #[cfg(unix)]
    #[test]
    fn notifications_pass_over_links_loops_and_fifos() {
        links_loops_and_fifos_are_passed_over(false);
    }

    #[cfg(unix)]
    #[test]
    fn polling_passes_over_links_loops_and_fifos() {
        links_loops_and_fifos_are_passed_over(true);
    }

    /// A file swapped for a FIFO after it settled is not handed over, and "Imported"
    /// turned into a link out of the folder is not moved into.
    #[cfg(unix)]
    #[test]
    fn a_file_swapped_for_a_fifo_or_a_linked_imported_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = FolderWatcher::start(dir.path(), &options(false)).unwrap();
        let root = w.root().to_owned();
        std::fs::write(root.join("a.pdf"), b"a").unwrap();
        assert_eq!(collect(&mut w, 1), [root.join("a.pdf")]);
        std::fs::remove_file(root.join("a.pdf")).unwrap();
        mkfifo(&root.join("a.pdf"));
        assert_eq!(w.ready(SETTLE * 3).unwrap(), Vec::<PathBuf>::new());
        assert!(matches!(
            move_imported(&root, &root.join("a.pdf")),
            Err(Error::OutsideWatchedFolder { .. })
        ));
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), root.join(IMPORTED_DIR)).unwrap();
        std::fs::write(root.join("b.pdf"), b"b").unwrap();
        assert!(matches!(
            move_imported(&root, &root.join("b.pdf")),
            Err(Error::OutsideWatchedFolder { .. })
        ));
        assert!(root.join("b.pdf").is_file());
    }

    /// Files in the library move; refused ones stay; one that cannot be moved is reported
    /// and the files after it are moved all the same (the CLI once stopped there).
    #[test]
    fn after_an_import_every_file_in_the_library_moves_and_failures_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for f in ["a.pdf", "b.pdf", "d.pdf"] {
            std::fs::write(root.join(f), f).unwrap();
        }
        let imported = |f: &str| ImportOutcome::Imported {
            path: root.join(f),
            doc: crate::DocId::new(),
            version: crate::VersionId::new(),
            title: f.into(),
            size: 5,
            mime: "application/pdf".into(),
        };
        let duplicate = |f: &str| ImportOutcome::Duplicate {
            path: root.join(f),
            existing: crate::DocId::new(),
            existing_title: f.into(),
        };
        let outcomes = [
            imported("a.pdf"),
            ImportOutcome::Refused {
                path: root.join("b.pdf"),
                reason: "empty".into(),
            },
            // Gone meanwhile: cannot be moved.
            duplicate("c.pdf"),
            duplicate("d.pdf"),
        ];
        let failed = move_done(&root, &outcomes);
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert_eq!(failed[0].path, root.join("c.pdf"));
        assert!(root.join(IMPORTED_DIR).join("a.pdf").is_file());
        assert!(root.join(IMPORTED_DIR).join("d.pdf").is_file());
        assert!(root.join("b.pdf").is_file(), "refused files stay");
        assert!(!root.join("a.pdf").exists() && !root.join("d.pdf").exists());
    }
}
