//! One person's whole record as a ZIP: every version of every document filed under them,
//! by type, with a manifest ([`PersonExport`]) of the person, their checklist, each
//! file's hash and the history. What an inspection request needs, in one file.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use zip::write::SimpleFileOptions;

use super::Library;
use super::export::{Hashing, exported, zip_error};
use crate::catalog::SubjectRecord;
use crate::error::{IoContext, Result};
use crate::format::op::AuditAction;
use crate::format::person_export::{
    ExportedEvent, ExportedPerson, ExportedRequirement, PERSON_EXPORT_FORMAT, PersonExport,
    PersonFile,
};
use crate::fsx::{safe_name, unique_name, used_names};
use crate::ids::{DocId, SubjectId};

/// What [`Library::export_subject`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct PersonExportReport {
    pub documents: usize,
    /// Files in the ZIP besides the manifest (every version of every document).
    pub files: usize,
    pub bytes: u64,
    pub zip: PathBuf,
}

impl Library {
    /// The file name a person's export gets unless the user chooses another:
    /// `Record of NAME (NUMBER).zip`, safe on every system.
    pub fn person_export_name(person: &SubjectRecord) -> String {
        safe_name(&format!(
            "Record of {} ({}).zip",
            person.name, person.number
        ))
    }

    /// [`Library::export_subject`] into the folder `dir`, under
    /// [`Library::person_export_name`] (` (2)`, ` (3)`… when that is taken).
    pub fn export_subject_into(
        &mut self,
        subject: SubjectId,
        dir: &Path,
    ) -> Result<PersonExportReport> {
        let name = Self::person_export_name(&self.catalog().subject(subject)?);
        let dest = dir.join(unique_name(&name, &mut used_names(dir)?));
        self.export_subject(subject, &dest)
    }

    /// Write `subject`'s whole record to the ZIP file `dest`, which must not exist yet (an
    /// existing file is never replaced). Documents in the trash are left out. Written
    /// beside `dest` and renamed: a failed export leaves nothing behind. Each document
    /// exported is in the audit trail.
    pub fn export_subject(
        &mut self,
        subject: SubjectId,
        dest: &Path,
    ) -> Result<PersonExportReport> {
        self.writer()?;
        let dossier = self.catalog().dossier(subject)?;
        let docs: Vec<DocId> = dossier
            .by_type
            .iter()
            .flat_map(|g| g.documents.iter().map(|d| d.id))
            .collect();
        self.may_export(&docs)?;
        let person = &dossier.person;
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).io("create a file in", dir)?;
        let mut zip = zip::ZipWriter::new(tmp.as_file_mut());
        let mut used = HashSet::new();
        used.insert("manifest.json".to_owned());
        let mut files = Vec::new();
        let mut history = self.catalog().subject_audit(person.id)?;
        let mut audit = Vec::new();
        let mut bytes = 0;
        let mut documents = 0;
        for group in &dossier.by_type {
            let folder = safe_name(group.doc_type.as_deref().unwrap_or("Without a type"));
            for summary in &group.documents {
                documents += 1;
                let detail = self.catalog().document(summary.id)?;
                let manifest_doc = exported(detail);
                let mut versions = self.catalog().versions(summary.id)?;
                // The current version first, then the earlier ones, newest first.
                versions.sort_by_key(|v| (!v.current, std::cmp::Reverse(v.number)));
                for v in &versions {
                    let name = safe_name(&v.file_name);
                    let path = if v.current {
                        unique_name(&format!("{folder}/{name}"), &mut used)
                    } else {
                        let p = Path::new(&name);
                        let stem = p
                            .file_stem()
                            .map_or(name.clone(), |s| s.to_string_lossy().into_owned());
                        let ext = p
                            .extension()
                            .map(|e| format!(".{}", e.to_string_lossy()))
                            .unwrap_or_default();
                        unique_name(
                            &format!(
                                "{folder}/earlier versions/{stem} (version {}){ext}",
                                v.number
                            ),
                            &mut used,
                        )
                    };
                    let options = SimpleFileOptions::default()
                        .compression_method(zip::CompressionMethod::Deflated)
                        .large_file(v.size >= u64::from(u32::MAX));
                    zip.start_file(path.as_str(), options)
                        .map_err(|e| zip_error(dest, e))?;
                    let mut hashing = Hashing {
                        out: &mut zip,
                        hasher: blake3::Hasher::new(),
                    };
                    self.write_version(v, &mut hashing)?;
                    let blake3 = hashing.hasher.finalize().to_hex().to_string();
                    bytes += v.size;
                    files.push(PersonFile {
                        path,
                        version: v.number,
                        version_id: v.id.to_string(),
                        current: v.current,
                        original_file_name: v.file_name.clone(),
                        mime: v.mime.clone(),
                        size: v.size,
                        blake3,
                        added: v.created.clone(),
                        document: manifest_doc.clone(),
                    });
                }
                history.extend(self.catalog().audit(Some(summary.id))?);
                audit.push(self.audit_op(
                    AuditAction::Exported,
                    Some(summary.id),
                    None,
                    Some(format!(
                        "{} version(s) in the record of {} {} to {}",
                        versions.len(),
                        person.kind,
                        person.number,
                        dest.display()
                    )),
                )?);
            }
        }
        history.sort_by(|a, b| a.time.cmp(&b.time));
        let manifest = PersonExport {
            format: PERSON_EXPORT_FORMAT,
            exported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            exported_by: self.who(),
            person: ExportedPerson {
                id: person.id,
                kind: person.kind.as_str().to_owned(),
                number: person.number.clone(),
                name: person.name.clone(),
                other_names: person.other_names.clone(),
                birth_date: person.birth_date.clone(),
                programme: person.programme.clone(),
                enrolled: person.enrolled.clone(),
                left: person.left.clone(),
                status: person.status.clone(),
            },
            requirements_of: dossier.requirements_of.clone(),
            checklist: dossier
                .checklist
                .iter()
                .map(|c| ExportedRequirement {
                    doc_type: c.doc_type.clone(),
                    on_file: !c.missing(),
                })
                .collect(),
            files,
            history: history
                .into_iter()
                .map(|a| ExportedEvent {
                    time: a.time,
                    user: a.user,
                    device: a.device,
                    action: a.action,
                    document: a.doc.and_then(|d| d.parse().ok()),
                    detail: a.detail,
                })
                .collect(),
        };
        zip.start_file("manifest.json", SimpleFileOptions::default())
            .map_err(|e| zip_error(dest, e))?;
        zip.write_all(&serde_json::to_vec_pretty(&manifest)?)
            .io("write", dest)?;
        zip.finish().map_err(|e| zip_error(dest, e))?;
        tmp.as_file().sync_all().io("sync", tmp.path())?;
        crate::fsx::persist_new(tmp, dest)?;
        if !audit.is_empty() {
            self.commit(audit)?;
        }
        Ok(PersonExportReport {
            documents,
            files: manifest.files.len(),
            bytes,
            zip: dest.to_owned(),
        })
    }
}
