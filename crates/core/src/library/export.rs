//! Reading content back: one version to a file or writer, or every document to a folder
//! with a `manifest.json`.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Library;
use crate::catalog::{DocumentDetail, Listing, VersionInfo};
use crate::error::{Error, IoContext, Result};
use crate::format::export_manifest::{ExportedDocument, ExportedFile};
use crate::format::op::AuditAction;
use crate::fsx::{safe_name, unique_name};
use crate::ids::DocId;
use crate::store::{PackReader, open_chunk};

/// Summary of [`Library::export_all`].
#[derive(Debug, Clone, Serialize)]
pub struct ExportAllReport {
    pub documents: usize,
    pub bytes: u64,
    pub manifest: PathBuf,
}

/// What the manifest says of a document.
pub(super) fn exported(d: DocumentDetail) -> ExportedDocument {
    let s = d.summary;
    ExportedDocument {
        id: s.id,
        title: s.title,
        size: s.size,
        mime: s.mime,
        file_name: s.file_name,
        versions: s.versions,
        created: s.created,
        updated: s.updated,
        doc_type: s.doc_type,
        subject_id: s.subject_id,
        tags: s.tags,
        trashed: s.trashed,
        concurrent_versions: s.concurrent_versions,
        subject_name: d.subject_name,
        collection: d.collection,
        fields: d.fields,
        current_version: d.current_version,
        legal_hold: d.legal_hold,
        retain_until: d.retain_until,
    }
}

impl Library {
    /// Stream a version's content into `out`, checking every chunk and the whole-file hash.
    pub fn write_version(&self, v: &VersionInfo, out: &mut dyn Write) -> Result<()> {
        let crypto = self.content_crypto(v)?;
        let mut reader = PackReader::new(self.store());
        let mut hasher = crypto.content_hasher();
        for (id, len) in &v.manifest.chunks {
            let loc = self.catalog().chunk(id)?.ok_or(Error::MissingChunk(*id))?;
            let sealed = reader.read(&loc)?;
            let data = open_chunk(&crypto, id, &sealed, *len)?;
            hasher.update(&data);
            out.write_all(&data).map_err(|source| Error::Io {
                action: "write",
                path: PathBuf::from("<output>"),
                source,
            })?;
        }
        if hasher.finalize() != v.content_hash {
            return Err(Error::Integrity {
                object: format!("version {}", v.id),
                detail: "content does not match its hash",
            });
        }
        Ok(())
    }

    fn write_file(&self, v: &VersionInfo, dest: &Path) -> Result<()> {
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // Write beside the destination and rename: a failed export leaves no partial file.
        let mut tmp = tempfile::NamedTempFile::new_in(dir).io("create a file in", dir)?;
        self.write_version(v, tmp.as_file_mut())?;
        tmp.as_file().sync_all().io("sync", tmp.path())?;
        tmp.persist(dest).map_err(|e| Error::Io {
            action: "write",
            path: dest.to_owned(),
            source: e.error,
        })?;
        Ok(())
    }

    /// Export one version (default: current) of a document to `dest`.
    pub fn export(&mut self, doc: DocId, number: Option<u32>, dest: &Path) -> Result<VersionInfo> {
        self.writer()?;
        self.may_export(&[doc])?;
        let v = self.version(doc, number)?;
        self.write_file(&v, dest)?;
        let op = self.audit_op(
            AuditAction::Exported,
            Some(doc),
            Some(v.id),
            Some(format!("version {} to {}", v.number, dest.display())),
        )?;
        self.commit(vec![op])?;
        Ok(v)
    }

    /// Export the current version of every active document into `dir`, under original file
    /// names (clashes resolved), with `manifest.json` describing each.
    pub fn export_all(&mut self, dir: &Path) -> Result<ExportAllReport> {
        let docs: Vec<DocId> = self
            .catalog()
            .list(Listing::Active)?
            .iter()
            .map(|d| d.id)
            .collect();
        self.export_documents(&docs, dir, &mut |_, _| {})
    }

    /// Export the current version of each of `docs` into `dir` under its original file
    /// name, with a `manifest.json` describing each. Files already in `dir` are never
    /// replaced: a name taken gets " (2)", " (3)"… `progress` gets (done, total).
    pub fn export_documents(
        &mut self,
        docs: &[DocId],
        dir: &Path,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ExportAllReport> {
        self.writer()?;
        self.may_export(docs)?;
        std::fs::create_dir_all(dir).io("create", dir)?;
        let mut used = HashSet::new();
        for entry in std::fs::read_dir(dir).io("read", dir)? {
            let entry = entry.io("read", dir)?;
            used.insert(entry.file_name().to_string_lossy().to_lowercase());
        }
        let manifest = dir.join(unique_name("manifest.json", &mut used));
        let mut files = Vec::new();
        let mut audit = Vec::new();
        let mut bytes = 0;
        for (i, &doc) in docs.iter().enumerate() {
            let v = self.version(doc, None)?;
            let name = unique_name(&safe_name(&v.file_name), &mut used);
            self.write_file(&v, &dir.join(&name))?;
            bytes += v.size;
            audit.push(self.audit_op(
                AuditAction::Exported,
                Some(doc),
                Some(v.id),
                Some(format!(
                    "version {} to {}",
                    v.number,
                    dir.join(&name).display()
                )),
            )?);
            files.push(ExportedFile {
                file: name,
                version: v.number,
                version_id: v.id.to_string(),
                original_file_name: v.file_name.clone(),
                mime: v.mime.clone(),
                size: v.size,
                document: exported(self.catalog().document(doc)?),
            });
            progress(i + 1, docs.len());
        }
        std::fs::write(&manifest, serde_json::to_vec_pretty(&files)?).io("write", &manifest)?;
        self.commit(audit)?;
        Ok(ExportAllReport {
            documents: files.len(),
            bytes,
            manifest,
        })
    }
}

/// Hashes what passes through to the ZIP entry.
pub(super) struct Hashing<'a, W: Write> {
    pub(super) out: &'a mut W,
    pub(super) hasher: blake3::Hasher,
}

impl<W: Write> Write for Hashing<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

pub(super) fn zip_error(dest: &Path, e: zip::result::ZipError) -> Error {
    let source = match e {
        zip::result::ZipError::Io(io) => io,
        other => std::io::Error::other(other),
    };
    Error::Io {
        action: "write",
        path: dest.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(unique_name(&safe_name("a/b:c.pdf"), &mut used), "a_b_c.pdf");
        assert_eq!(unique_name("Report.PDF", &mut used), "Report.PDF");
        assert_eq!(unique_name("report.pdf", &mut used), "report (2).pdf");
        assert_eq!(unique_name("report.pdf", &mut used), "report (3).pdf");
        assert_eq!(safe_name(".."), "document");
        assert_eq!(safe_name("notes. "), "notes");
    }
}
