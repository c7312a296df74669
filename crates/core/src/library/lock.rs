//! The exclusive writer lock of a library: an OS file lock on `library.lock`, with a
//! description of the holder in `lock.json` so a second writer can say who holds it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, IoContext, Result};
use crate::format::lock_json::{HOLDER_FILE, LOCK_FILE, LockHolder};

/// Held while a process may write to the library; released on drop (and by the OS when
/// the process dies, so a crash never leaves a stale lock).
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
    info: PathBuf,
}

/// This process, as `lock.json` describes it.
fn current_holder() -> LockHolder {
    let program = std::env::args()
        .next()
        .map(|a| {
            Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(a)
        })
        .unwrap_or_else(|| "unknown program".into());
    LockHolder {
        pid: std::process::id(),
        program,
        host: host_name(),
        since: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

fn host_name() -> String {
    ["HOSTNAME", "COMPUTERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|h| !h.is_empty()))
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "this computer".into())
}

impl WriterLock {
    /// Take the lock, or fail with [`Error::LibraryInUse`] within [`LOCK_PATIENCE`].
    pub fn acquire(root: &Path) -> Result<Self> {
        let path = root.join(LOCK_FILE);
        let info = root.join(HOLDER_FILE);
        let file = private_options()
            .truncate(false)
            .open(&path)
            .io("open", &path)?;
        crate::fsx::make_private_file(&path).io("protect", &path)?;
        match try_lock_patiently(&file) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = std::fs::read(&info)
                    .ok()
                    .and_then(|b| LockHolder::parse(&b))
                    .map(|h| h.describe())
                    .unwrap_or_else(|| "another process".into());
                return Err(Error::LibraryInUse {
                    path: root.to_owned(),
                    holder,
                });
            }
            Err(TryLockError::Error(e)) => {
                return Err(Error::Io {
                    action: "lock",
                    path,
                    source: e,
                });
            }
        }
        let holder = serde_json::to_vec_pretty(&current_holder())?;
        std::io::Write::write_all(
            &mut private_options()
                .truncate(true)
                .open(&info)
                .io("open", &info)?,
            &holder,
        )
        .io("write", &info)?;
        crate::fsx::make_private_file(&info).io("protect", &info)?;
        Ok(Self { _file: file, info })
    }
}

/// How long a lock held by someone else is waited for. A lock this process just let go
/// of can still be held for a moment by a child process being started on another
/// thread (it shares the lock's open file until it runs its program), so a writer that
/// closes and reopens a library must not be refused for that.
const LOCK_PATIENCE: Duration = Duration::from_millis(500);

fn try_lock_patiently(file: &File) -> std::result::Result<(), TryLockError> {
    let deadline = Instant::now() + LOCK_PATIENCE;
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// Options to create or open a file for writing, new ones private to the user.
fn private_options() -> OpenOptions {
    let mut opts = OpenOptions::new();
    opts.create(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        // Best effort: a stale lock.json is harmless, the OS lock is what counts.
        let _ = std::fs::remove_file(&self.info);
    }
}
