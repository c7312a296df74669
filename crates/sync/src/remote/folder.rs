//! [`Folder`]: a remote that is a folder, local or on a network share (`file://`).

use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;

use super::{Creation, Key, Object, Put, Remote, check_limit, check_range};
use crate::error::{Error, Result};

/// Where objects are written before they are renamed into place, inside the root.
const TEMP_DIR: &str = ".incoming";

/// A folder holding one object per file, under the key's path.
#[derive(Debug, Clone)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// The folder at `root` (made if missing).
    pub fn new(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root.join(TEMP_DIR)).map_err(|source| Error::Io {
            action: "create",
            key: root.display().to_string(),
            source,
        })?;
        Ok(Self {
            root: root.to_owned(),
        })
    }

    fn path(&self, key: &Key) -> PathBuf {
        key.as_str()
            .split('/')
            .fold(self.root.clone(), |p, part| p.join(part))
    }

    /// Run blocking file work off the async runtime's threads.
    async fn blocking<T: Send + 'static>(
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        tokio::task::spawn_blocking(f).await.unwrap_or_else(|_| {
            Err(Error::Unavailable {
                op: "file work",
                key: String::new(),
                reason: "the worker thread stopped",
            })
        })
    }
}

fn io<'k>(action: &'static str, key: &'k Key) -> impl FnOnce(std::io::Error) -> Error + 'k {
    move |source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound {
                key: key.to_string(),
            }
        } else {
            Error::Io {
                action,
                key: key.to_string(),
                source,
            }
        }
    }
}

/// Every file below `dir` as a key relative to `root`, skipping the temporary folder.
fn walk(root: &Path, dir: &Path, out: &mut Vec<Object>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let meta = entry.metadata()?;
        if meta.is_dir() {
            if dir == root && entry.file_name() == TEMP_DIR {
                continue;
            }
            walk(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let name: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            // Files that are not valid keys (put there by someone else) are not ours.
            if let Ok(key) = Key::new(name.join("/")) {
                out.push(Object {
                    key,
                    size: meta.len(),
                });
            }
        }
    }
    Ok(())
}

#[async_trait]
impl Remote for Folder {
    async fn creation(&self) -> Result<Creation> {
        Ok(Creation::Exclusive)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Object>> {
        let root = self.root.clone();
        let prefix = prefix.to_owned();
        Self::blocking(move || {
            let mut out = Vec::new();
            walk(&root, &root, &mut out).map_err(|source| Error::Io {
                action: "list",
                key: prefix.clone(),
                source,
            })?;
            out.retain(|o| o.key.as_str().starts_with(&prefix));
            out.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(out)
        })
        .await
    }

    async fn get(&self, key: &Key, limit: u64) -> Result<Bytes> {
        let (path, key) = (self.path(key), key.clone());
        Self::blocking(move || {
            let f = std::fs::File::open(&path).map_err(io("read", &key))?;
            let len = f.metadata().map_err(io("read", &key))?.len();
            check_limit(&key, len, limit)?;
            let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            // A file that grew since: still no more than the limit.
            f.take(limit.saturating_add(1))
                .read_to_end(&mut buf)
                .map_err(io("read", &key))?;
            check_limit(&key, buf.len() as u64, limit)?;
            Ok(Bytes::from(buf))
        })
        .await
    }

    async fn get_range(&self, key: &Key, range: Range<u64>) -> Result<Bytes> {
        let (path, key) = (self.path(key), key.clone());
        Self::blocking(move || {
            let mut f = std::fs::File::open(&path).map_err(io("read", &key))?;
            let len = f.metadata().map_err(io("read", &key))?.len();
            check_range(&key, len, &range)?;
            f.seek(SeekFrom::Start(range.start))
                .map_err(io("read", &key))?;
            let mut buf = vec![0; usize::try_from(range.end - range.start).unwrap_or(0)];
            f.read_exact(&mut buf).map_err(io("read", &key))?;
            Ok(Bytes::from(buf))
        })
        .await
    }

    async fn put_if_absent(&self, key: &Key, bytes: Bytes) -> Result<Put> {
        let (root, path, key) = (self.root.clone(), self.path(key), key.clone());
        Self::blocking(move || {
            if path.exists() {
                return Ok(Put::Existed);
            }
            // Written whole and flushed beside, then moved in without replacing (a
            // rename that refuses an existing target, or a hard link): a crash leaves no
            // half object under the key, and of two writers of one key exactly one
            // creates it.
            let mut tmp =
                tempfile::NamedTempFile::new_in(root.join(TEMP_DIR)).map_err(io("write", &key))?;
            tmp.write_all(&bytes).map_err(io("write", &key))?;
            tmp.as_file().sync_all().map_err(io("write", &key))?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io("write", &key))?;
            }
            match tmp.persist_noclobber(&path) {
                Ok(_) => {}
                Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Ok(Put::Existed);
                }
                Err(e) => return Err(io("write", &key)(e.error)),
            }
            sync_dir(path.parent());
            Ok(Put::Created)
        })
        .await
    }

    async fn delete(&self, key: &Key) -> Result<()> {
        let (path, key) = (self.path(key), key.clone());
        Self::blocking(move || match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("delete", &key)(e)),
            _ => Ok(()),
        })
        .await
    }
}

/// Make a rename durable: flush the folder's entry (Unix; Windows has no folder handles
/// to flush and commits renames with the file system's journal).
fn sync_dir(dir: Option<&Path>) {
    #[cfg(unix)]
    if let Some(d) = dir
        && let Ok(f) = std::fs::File::open(d)
    {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
