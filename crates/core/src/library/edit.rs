//! Edits to existing documents: new versions, restore, tags, fields, trash.

use std::path::Path;

use super::Library;
use super::import::{ImportEvent, ImportOptions, ImportOutcome, Target};
use crate::error::{Error, Result};
use crate::format::op::{AuditAction, FieldKey, FieldValue, OpKind, VersionRecord};
use crate::ids::{DocId, VersionId};

impl Library {
    /// Add the content of `file` as a new version of `doc`.
    pub fn add_version(
        &mut self,
        doc: DocId,
        file: &Path,
        note: Option<String>,
        progress: &mut dyn FnMut(ImportEvent<'_>),
    ) -> Result<ImportOutcome> {
        self.writer()?;
        let meta = std::fs::metadata(file).map_err(|source| Error::Io {
            action: "read",
            path: file.to_owned(),
            source,
        })?;
        if !meta.is_file() {
            return Err(Error::NotAFile {
                path: file.to_owned(),
            });
        }
        let current = self.version(doc, None)?;
        let target = Target::NewVersion {
            doc,
            parent: Some(current.id),
            current_hash: Some(current.content_hash),
            note,
        };
        let report = self.run_import(
            &[file.to_owned()],
            target,
            &ImportOptions {
                allow_duplicates: true,
                workers: 0,
                within: None,
            },
            progress,
        )?;
        report.files.into_iter().next().ok_or(Error::Stopped(
            "the import of a new version reported no outcome",
        ))
    }

    /// Append a new version with the content of version `number` (no data is copied).
    pub fn restore(&mut self, doc: DocId, number: u32) -> Result<VersionId> {
        self.writer()?;
        let old = self.version(doc, Some(number))?;
        let current = self.version(doc, None)?;
        if old.id == current.id {
            return Err(Error::AlreadyCurrent { number });
        }
        self.append_copy(
            doc,
            &old,
            vec![current.id],
            format!("restored from version {number}"),
        )
    }

    /// Settle a document's concurrent versions (made on two desktops at once) by keeping
    /// version `keep`: a new version with its content descends from every head, so the
    /// flag clears on every desktop once it syncs. The other versions stay in the history.
    pub fn resolve_concurrent(&mut self, doc: DocId, keep: u32) -> Result<VersionId> {
        self.writer()?;
        let versions = self.catalog().versions(doc)?;
        let heads: Vec<VersionId> = versions.iter().filter(|v| v.head).map(|v| v.id).collect();
        if heads.len() < 2 {
            return Err(Error::NoConcurrentVersions);
        }
        let old = versions
            .iter()
            .find(|v| v.number == keep)
            .ok_or(Error::NoSuchVersion(keep))?;
        self.append_copy(
            doc,
            old,
            heads,
            format!("kept version {keep} of the concurrent versions"),
        )
    }

    /// Commit a new version of `doc` with the content of `old`, descending from `parents`.
    fn append_copy(
        &mut self,
        doc: DocId,
        old: &crate::VersionInfo,
        parents: Vec<VersionId>,
        note: String,
    ) -> Result<VersionId> {
        let id = VersionId::new();
        let record = VersionRecord {
            id,
            parents,
            manifest: old.manifest.clone(),
            size: old.size,
            content_hash: old.content_hash,
            mime: old.mime.clone(),
            file_name: old.file_name.clone(),
            file_mtime_ms: old.file_mtime_ms,
            author: self.who(),
            note: Some(note),
            restored_from: Some(old.id),
            // The same chunks: under the same keys.
            key: old.content_key.clone(),
            record: old.record_key,
        };
        let audit = self.audit_op(
            AuditAction::Restored,
            Some(doc),
            Some(id),
            Some(format!("version {}", old.number)),
        )?;
        self.commit(vec![
            OpKind::VersionAdded {
                doc,
                version: Box::new(record),
            },
            audit,
        ])?;
        Ok(id)
    }

    /// Add and remove tags.
    pub fn tag(&mut self, doc: DocId, add: &[String], remove: &[String]) -> Result<()> {
        self.writer()?;
        self.catalog().document(doc)?;
        let clean = |t: &String| -> Result<String> {
            let t = t.trim();
            if t.is_empty() || t.contains(['\n', '\u{1f}']) {
                return Err(Error::BadTag { tag: t.to_owned() });
            }
            Ok(t.to_owned())
        };
        let mut ops = Vec::new();
        let mut detail = Vec::new();
        for t in add {
            let tag = clean(t)?;
            detail.push(format!("+{tag}"));
            ops.push(OpKind::TagAdded { doc, tag });
        }
        for t in remove {
            let tag = clean(t)?;
            let observed = self.catalog().tag_adds(doc, &tag)?;
            detail.push(format!("-{tag}"));
            ops.push(OpKind::TagRemoved { doc, tag, observed });
        }
        if ops.is_empty() {
            return Err(Error::NoTags);
        }
        ops.push(self.audit_op(
            AuditAction::Edited,
            Some(doc),
            None,
            Some(format!("tags {}", detail.join(" "))),
        )?);
        self.commit(ops)
    }

    /// Set (or with `None`, clear) a property or custom field.
    pub fn set_field(
        &mut self,
        doc: DocId,
        key: FieldKey,
        value: Option<FieldValue>,
    ) -> Result<()> {
        self.writer()?;
        self.catalog().document(doc)?;
        if key == FieldKey::Title && value.as_ref().is_none_or(|v| v.display().trim().is_empty()) {
            return Err(Error::EmptyTitle);
        }
        let detail = format!(
            "{}={}",
            key.register(),
            value.as_ref().map(FieldValue::display).unwrap_or_default()
        );
        let value = match (key.clone(), value) {
            // Built-in properties are text.
            (FieldKey::Custom(_), v) => v,
            (_, v) => v.map(|v| FieldValue::Text(v.display())),
        };
        let set = OpKind::FieldSet {
            doc,
            key: key.clone(),
            value: value.clone(),
        };
        // Moving a record to another collection re-seals its content under that
        // collection's key, in the same commit; whether this person may move it is
        // judged first (a key they lack is not the reason they are given).
        // The move carries the record's history, so readers of the collection it goes to
        // hold it, before the re-sealing that names its versions.
        let mut ops = match (&key, &value) {
            (FieldKey::Collection, v) => {
                self.check_may(std::slice::from_ref(&set))?;
                let to = v.as_ref().map(FieldValue::display);
                let history = self.catalog().record_history(doc)?;
                let mut ops = vec![OpKind::RecordCarried { doc, history }];
                ops.extend(self.reseal_ops(doc, to.as_deref())?);
                ops
            }
            _ => Vec::new(),
        };
        ops.push(set);
        ops.push(self.audit_op(AuditAction::Edited, Some(doc), None, Some(detail))?);
        self.commit(ops)
    }

    /// Move a document to the trash (reversible).
    pub fn trash(&mut self, doc: DocId) -> Result<()> {
        self.writer()?;
        let d = self.catalog().document(doc)?;
        if d.summary.trashed {
            return Err(Error::AlreadyTrashed);
        }
        let audit = self.audit_op(AuditAction::Trashed, Some(doc), None, None)?;
        self.commit(vec![
            OpKind::Trashed {
                doc,
                observed_head: d.current_version,
            },
            audit,
        ])
    }

    /// Take a document out of the trash.
    pub fn untrash(&mut self, doc: DocId) -> Result<()> {
        self.writer()?;
        if !self.catalog().document(doc)?.summary.trashed {
            return Err(Error::NotTrashed);
        }
        let audit = self.audit_op(AuditAction::Untrashed, Some(doc), None, None)?;
        self.commit(vec![OpKind::Untrashed { doc }, audit])
    }
}
