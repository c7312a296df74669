//! Planning an import: the files and folders named, expanded into the regular files to
//! read, and refusals (with a reason a person can act on) for what cannot be imported.

use std::path::{Path, PathBuf};

use super::ImportOutcome;

#[derive(Debug)]
pub(super) struct Planned {
    pub path: PathBuf,
    pub mtime_ms: Option<i64>,
    pub size: u64,
    /// Whether a link at `path` is followed (only for a path the user named).
    pub links: crate::fsx::Links,
}

pub(super) fn refuse(path: &Path, reason: impl Into<String>) -> ImportOutcome {
    ImportOutcome::Refused {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

pub(super) fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied: cannot read it".into(),
        std::io::ErrorKind::InvalidInput => e.to_string(),
        _ => format!("cannot read it: {e}"),
    }
}

/// Expand folders (recursively, in name order) into files; refuse what cannot be imported.
pub(super) fn plan(
    paths: &[PathBuf],
    within: Option<&Path>,
    files: &mut Vec<Planned>,
    refused: &mut Vec<ImportOutcome>,
) {
    use crate::fsx::Links;
    /// `root`: the folder the user named (resolved), for paths found inside it.
    fn visit(
        path: &Path,
        root: Option<&Path>,
        files: &mut Vec<Planned>,
        refused: &mut Vec<ImportOutcome>,
    ) {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) => return refused.push(refuse(path, describe_io(&e))),
        };
        let mut target = path.to_owned();
        let meta = if meta.file_type().is_symlink() {
            match (std::fs::metadata(path), std::fs::canonicalize(path)) {
                (Ok(m), _) if m.is_dir() && root.is_some() => {
                    return refused.push(refuse(
                        path,
                        "a link to a folder inside an imported folder is not followed",
                    ));
                }
                (Ok(m), Ok(real)) => {
                    if let Some(root) = root {
                        // A link inside an imported folder is followed only to a file
                        // inside that folder.
                        if !real.starts_with(root) {
                            return refused.push(refuse(
                                path,
                                "a link that leads out of the imported folder is not followed",
                            ));
                        }
                        target = real;
                    }
                    m
                }
                (Err(e), _) | (_, Err(e)) => {
                    return refused.push(refuse(path, format!("broken link: {}", describe_io(&e))));
                }
            }
        } else {
            meta
        };
        if meta.is_dir() {
            let resolved;
            let root = match root {
                Some(r) => r,
                None => {
                    resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
                    &resolved
                }
            };
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    return refused.push(refuse(
                        path,
                        format!("cannot list this folder: {}", describe_io(&e)),
                    ));
                }
            };
            entries.sort();
            for e in entries {
                visit(&e, Some(root), files, refused);
            }
        } else if !meta.is_file() {
            refused.push(refuse(path, crate::fsx::not_regular().to_string()));
        } else if meta.len() == 0 {
            refused.push(refuse(path, "empty file (0 bytes)"));
        } else {
            let mtime_ms = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .and_then(|d| i64::try_from(d.as_millis()).ok());
            files.push(Planned {
                path: target,
                mtime_ms,
                size: meta.len(),
                links: if root.is_some() {
                    Links::Refuse
                } else {
                    Links::Follow
                },
            });
        }
    }
    // Watchers hand over paths below the folder's real path.
    let within = within.map(|r| r.canonicalize().unwrap_or_else(|_| r.to_owned()));
    let within = within.as_deref();
    for p in paths {
        match within {
            Some(root) if !crate::fsx::inside_without_links(root, p) => refused.push(refuse(
                p,
                "not inside the watched folder (or reached through a link); not followed",
            )),
            Some(root) => visit(p, Some(root), files, refused),
            None => visit(p, None, files, refused),
        }
    }
}
