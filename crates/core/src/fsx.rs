//! Opening what the user pointed at, and nothing else: files are opened without blocking
//! (a FIFO or a device is refused, never waited on) and, where asked, without following
//! a link; paths found inside a folder must not pass through a link out of it.

use std::collections::HashSet;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result};

/// Whether the last component of a path may be a link that is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Links {
    /// A path the user named: a link there is what they chose.
    Follow,
    /// A path found inside a folder: a link there is refused.
    Refuse,
}

/// The error for something that is not a regular file.
pub(crate) fn not_regular() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "not a regular file (a device, pipe or socket)",
    )
}

/// Open a regular file for reading. A FIFO, socket or device is refused at once (the
/// open does not wait for a writer); with [`Links::Refuse`] a link is refused too.
pub(crate) fn open_regular(path: &Path, links: Links) -> io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if links == Links::Refuse {
            flags |= libc::O_NOFOLLOW;
        }
        opts.custom_flags(flags);
    }
    #[cfg(not(unix))]
    if links == Links::Refuse && std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a link inside the folder is not followed",
        ));
    }
    let file = opts.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return io::Error::new(
                io::ErrorKind::InvalidInput,
                "a link inside the folder is not followed",
            );
        }
        e
    })?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// Make a folder private to its owner, if it is not: 0700 on Unix; on Windows an access
/// list for the owner alone, protected from the parent's and inherited by everything
/// created inside (so the library's root carries it to every file, as 0600 would). A
/// missing folder is fine, and so is a volume that keeps no permissions.
pub(crate) fn make_private_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    let made = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
    };
    #[cfg(windows)]
    let made = match dossier_winsys::is_private_to_owner(path) {
        Ok(true) => Ok(()),
        _ => dossier_winsys::make_private_to_owner(path),
    };
    #[cfg(not(any(unix, windows)))]
    let made = Ok(());
    match tolerate_no_permissions(made) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Create a folder and any missing parents private to their owner (0700 on Unix; on
/// Windows they inherit the library root's list), for folders inside the library. One
/// that exists is left as it is (no system call on the write paths that call this;
/// `Store::protect` fixes folders of older libraries).
pub(crate) fn create_private_dirs(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// A volume without permissions (FAT, exFAT, some network shares) refuses to set them;
/// its access is the mount's, so that is not an error.
fn tolerate_no_permissions(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e)
            if e.kind() == io::ErrorKind::PermissionDenied
                || e.kind() == io::ErrorKind::Unsupported =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Make an existing file private to its owner (0600 on Unix; on Windows it inherits the
/// library root's list); a missing one is fine.
pub(crate) fn make_private_file(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match tolerate_no_permissions(std::fs::set_permissions(
            path,
            std::fs::Permissions::from_mode(0o600),
        )) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Make a whole tree private to its owner, for a library made before every file was:
/// each folder and file in `top` (links are not followed), then `marker`, then `top`
/// itself. `marker` (a file or folder in the tree) is done last of all but `top`, so that
/// a private `marker` means the walk finished and an interrupted walk is done again
/// ([`is_private`]). On Windows setting `top`'s access list carries it down to everything
/// inside, so only `top` is set.
pub(crate) fn make_tree_private(top: &Path, marker: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let mut stack = vec![top.to_owned()];
        while let Some(dir) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            for entry in entries {
                let entry = entry?;
                let path = entry.path();
                if path == marker {
                    continue;
                }
                let kind = entry.file_type()?;
                if kind.is_dir() {
                    make_private_dir(&path)?;
                    stack.push(path);
                } else if kind.is_file() {
                    make_private_file(&path)?;
                }
            }
        }
        if marker.is_dir() {
            make_private_dir(marker)?;
        } else {
            make_private_file(marker)?;
        }
    }
    #[cfg(not(unix))]
    let _ = marker;
    make_private_dir(top)
}

/// Whether a file or folder is private to its owner already (on Unix by its mode: no
/// access for group or others; elsewhere by what [`make_private_dir`] set on the
/// library's root, so anything that exists is). A missing one is not.
pub(crate) fn is_private(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 == 0)
    }
    #[cfg(not(unix))]
    path.exists()
}

/// Whether `path` is inside `root` with no link on the way (`root` itself may be one):
/// every component after `root` is a real folder, and the last a real file or folder.
pub(crate) fn inside_without_links(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut at = root.to_path_buf();
    for c in rel.components() {
        match c {
            std::path::Component::Normal(name) => at.push(name),
            _ => return false,
        }
        match std::fs::symlink_metadata(&at) {
            Ok(m) if !m.file_type().is_symlink() => {}
            _ => return false,
        }
    }
    true
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn fifos_are_refused_without_waiting_and_links_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        // No writer ever comes: a blocking open would hang the test.
        let e = open_regular(&fifo, Links::Follow).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "x").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(open_regular(&link, Links::Follow).is_ok());
        let e = open_regular(&link, Links::Refuse).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        assert!(open_regular(&file, Links::Refuse).is_ok());
    }

    #[test]
    fn paths_through_a_link_are_not_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("w");
        let outside = dir.path().join("home");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("diary.txt"), "x").unwrap();
        std::fs::write(root.join("sub/a.txt"), "x").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
        assert!(inside_without_links(&root, &root.join("sub/a.txt")));
        assert!(!inside_without_links(&root, &root.join("link/diary.txt")));
        assert!(!inside_without_links(&root, &root.join("link")));
        assert!(!inside_without_links(&root, &outside.join("diary.txt")));
        assert!(!inside_without_links(
            &root,
            &root.join("sub/../link/diary.txt")
        ));
    }
}

/// A file name safe on Windows, macOS and Linux.
pub(crate) fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_end_matches('.').to_owned();
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        "document".into()
    } else {
        trimmed
    }
}

/// `name`, or `stem (2).ext`, `stem (3).ext`... whichever is free (case-insensitively, for
/// case-insensitive file systems).
pub(crate) fn unique_name(name: &str, used: &mut HashSet<String>) -> String {
    let p = Path::new(name);
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_owned());
    let ext = p
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut candidate = name.to_owned();
    let mut n = 2;
    while !used.insert(candidate.to_lowercase()) {
        candidate = format!("{stem} ({n}){ext}");
        n += 1;
    }
    candidate
}

/// The names in `dir`, lower-cased.
pub(crate) fn used_names(dir: &Path) -> Result<HashSet<String>> {
    let mut used = HashSet::new();
    for entry in std::fs::read_dir(dir).io("read", dir)? {
        let entry = entry.io("read", dir)?;
        used.insert(entry.file_name().to_string_lossy().to_lowercase());
    }
    Ok(used)
}

/// A finished temporary file put in place at `dest`, never replacing a file there.
pub(crate) fn persist_new(tmp: tempfile::NamedTempFile, dest: &Path) -> Result<()> {
    tmp.persist_noclobber(dest)
        .map_err(|e| crate::error::Error::Io {
            action: "write",
            path: dest.to_owned(),
            source: e.error,
        })?;
    Ok(())
}

/// Write `bytes` to the file `dest`, which must not exist yet: written beside it, synced
/// and renamed, so a failure leaves nothing half-written and nothing is replaced.
pub(crate) fn write_new(dest: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).io("create a file in", dir)?;
    tmp.write_all(bytes).io("write", tmp.path())?;
    tmp.as_file().sync_all().io("sync", tmp.path())?;
    persist_new(tmp, dest)
}

/// [`write_new`] into the folder `dir` as `name` (made safe; ` (2)`... when taken);
/// returns the file written.
pub(crate) fn write_new_into(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let mut used = used_names(dir)?;
    let dest = dir.join(unique_name(&safe_name(name), &mut used));
    write_new(&dest, bytes)?;
    Ok(dest)
}
