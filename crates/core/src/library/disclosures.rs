//! Disclosures of students' records (issue 22, 34 CFR 99.32): recorded by hand, or by
//! writing the records out "for a disclosure" (a ZIP, encrypted with a password that
//! travels separately when asked), which records it in the same step. Each is one
//! `OpKind::DisclosureRecorded`, never changed, with a `disclosed` audit entry per
//! document; the per-student report lists them.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rand::Rng;
use serde::Serialize;
use zeroize::Zeroizing;
use zip::write::SimpleFileOptions;

use super::Library;
use super::export::{Hashing, zip_error};
use super::redact::redact_words;
use super::retention::iso;
use crate::catalog::SubjectRecord;
use crate::error::{Error, IoContext, Result};
use crate::extract::Tools;
use crate::format::disclosure::{Basis, DisclosedItem, Disclosure, DisclosureExport, Exception};
use crate::format::disclosure_export::{
    AmendmentStatement, DISCLOSURE_EXPORT_FORMAT, DisclosedFile, DisclosedStudent,
    DisclosurePackage,
};
use crate::format::op::{AuditAction, OpKind};
use crate::format::request::RequestKind;
use crate::fsx::{safe_name, unique_name, used_names};
use crate::ids::{DisclosureId, DocId, SubjectId, VersionId};

/// A disclosure about to be recorded.
#[derive(Debug, Clone)]
pub struct NewDisclosure {
    /// The student whose records are disclosed.
    pub subject: SubjectId,
    pub party: String,
    pub interest: String,
    pub basis: Basis,
    pub date: NaiveDate,
    /// The documents disclosed, each at a version (`None`: its current one).
    pub documents: Vec<(DocId, Option<VersionId>)>,
    pub redisclosure: Vec<String>,
    pub note: Option<String>,
}

/// A disclosure as the report lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DisclosureEntry {
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub id: DisclosureId,
    #[serde(flatten)]
    pub disclosure: Disclosure,
}

/// How a disclosure's archive is written.
#[derive(Debug, Default)]
pub struct DisclosureExportOptions {
    /// Encrypt every file in the archive (AES-256) with this password, which the party
    /// gets another way. The archive's file names say nothing of the student then.
    pub password: Option<Zeroizing<String>>,
    /// Black out other people's names and numbers in the copies (pages drawn with these
    /// tools); the records themselves are untouched.
    pub redact_others: Option<Tools>,
}

/// What [`Library::export_for_disclosure`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct DisclosureExportReport {
    pub id: DisclosureId,
    pub files: usize,
    pub bytes: u64,
    pub zip: PathBuf,
    pub encrypted: bool,
}

/// The notice every disclosure carries (34 CFR 99.33).
fn notice(redisclosure: &[String]) -> String {
    let mut text = String::from(
        "These records are disclosed under the Family Educational Rights and Privacy Act \
         (FERPA, 34 CFR Part 99). Personally identifiable information from them may not be \
         disclosed to any other party without the prior written consent of the parent or \
         eligible student",
    );
    if redisclosure.is_empty() {
        text.push('.');
    } else {
        text.push_str(", except to: ");
        text.push_str(&redisclosure.join("; "));
        text.push('.');
    }
    text
}

/// A password for a disclosure's archive: 25 letters and digits that cannot be misread
/// (about 124 bits), in groups of five.
pub fn new_archive_password() -> Zeroizing<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let mut out = Zeroizing::new(String::with_capacity(29));
    for i in 0..25 {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]));
    }
    out
}

impl Library {
    /// Record a disclosure made outside Dossier (on paper, by phone): the documents named
    /// are those disclosed, at the versions given (their current ones otherwise).
    pub fn record_disclosure(&mut self, new: NewDisclosure) -> Result<DisclosureId> {
        self.writer()?;
        let (student, body) = self.disclosure_body(&new)?;
        let id = DisclosureId::new();
        self.commit_disclosure(id, &student, body)?;
        Ok(id)
    }

    /// [`Library::export_for_disclosure`] into the folder `dir`, as `Disclosure to PARTY
    /// (DATE).zip` (` (2)`… when that is taken; nothing of the student in the name).
    pub fn export_for_disclosure_into(
        &mut self,
        new: NewDisclosure,
        dir: &Path,
        options: &DisclosureExportOptions,
    ) -> Result<DisclosureExportReport> {
        let party: String = new.party.chars().take(60).collect();
        let name = safe_name(&format!(
            "Disclosure to {} ({}).zip",
            party.trim(),
            iso(new.date)
        ));
        let dest = dir.join(unique_name(&name, &mut used_names(dir)?));
        self.export_for_disclosure(new, &dest, options)
    }

    /// Write the documents of `new` to the ZIP file `dest` (which must not exist yet) for
    /// the party, with `disclosure.json` and the student's statements on amendments
    /// refused, and record the disclosure in the same step. The record is written before
    /// the file is put in place: a file handed over is always on record.
    pub fn export_for_disclosure(
        &mut self,
        new: NewDisclosure,
        dest: &Path,
        options: &DisclosureExportOptions,
    ) -> Result<DisclosureExportReport> {
        self.writer()?;
        let docs: Vec<DocId> = new.documents.iter().map(|(d, _)| *d).collect();
        if docs.is_empty() {
            return Err(Error::NotUnderstood {
                input: "no documents".into(),
                expected: "at least one document to disclose",
            });
        }
        self.may_export(&docs)?;
        let (student, mut body) = self.disclosure_body(&new)?;
        let id = DisclosureId::new();
        // Judged before anything is drawn or written.
        self.check_may(&[OpKind::DisclosureRecorded {
            disclosure: id,
            body: body.clone(),
        }])?;
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if dest.exists() {
            return Err(Error::AlreadyExists(dest.to_owned()));
        }
        let mut tmp = tempfile::NamedTempFile::new_in(dir).io("create a file in", dir)?;
        let mut zip = zip::ZipWriter::new(tmp.as_file_mut());
        let password = options.password.as_deref().map(String::as_str);
        let file_options = |large: bool| {
            let o = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(large);
            match password {
                Some(p) => o.with_aes_encryption(zip::AesMode::Aes256, p),
                None => o,
            }
        };
        let mut files = Vec::new();
        let mut used = HashSet::from(["disclosure.json".to_owned()]);
        let mut bytes = 0;
        let others = match &options.redact_others {
            Some(_) => self.other_people(student.id)?,
            None => Vec::new(),
        };
        for (i, item) in body.items.iter_mut().enumerate() {
            let v = self
                .catalog()
                .versions(item.doc)?
                .into_iter()
                .find(|v| v.id == item.version)
                .ok_or_else(|| no_version(item.version))?;
            let redacted = options
                .redact_others
                .as_ref()
                .map(|tools| self.redacted(item.doc, &v, &others, tools))
                .transpose()?;
            item.redacted = redacted.as_ref().map(|r| r.regions);
            let ext = match &redacted {
                Some(r) => format!(".{}", r.extension),
                None => Path::new(&v.file_name)
                    .extension()
                    .map(|e| format!(".{}", safe_name(&e.to_string_lossy())))
                    .unwrap_or_default(),
            };
            // An encrypted archive's names are readable without its password, and a
            // redacted copy's original name may name others: neither says anything.
            let path = if password.is_some() {
                format!("document-{:02}{ext}", i + 1)
            } else if redacted.is_some() {
                format!("document-{:02} (redacted){ext}", i + 1)
            } else {
                unique_name(&safe_name(&v.file_name), &mut used)
            };
            zip.start_file(path.as_str(), file_options(v.size >= u64::from(u32::MAX)))
                .map_err(|e| zip_error(dest, e))?;
            let mut hashing = Hashing {
                out: &mut zip,
                hasher: blake3::Hasher::new(),
            };
            let size = match &redacted {
                Some(r) => {
                    hashing.write_all(&r.bytes).io("write", dest)?;
                    r.bytes.len() as u64
                }
                None => {
                    self.write_version(&v, &mut hashing)?;
                    v.size
                }
            };
            bytes += size;
            files.push(DisclosedFile {
                blake3: hashing.hasher.finalize().to_hex().to_string(),
                path,
                title: match &redacted {
                    Some(_) => redact_words(&item.title, &others),
                    None => item.title.clone(),
                },
                doc_type: item.doc_type.clone(),
                version: item.number,
                original_file_name: match &redacted {
                    Some(_) => redact_words(&v.file_name, &others),
                    None => v.file_name.clone(),
                },
                mime: match redacted.as_ref().map(|r| r.extension.as_str()) {
                    Some("pdf") => "application/pdf".into(),
                    Some(_) => "text/plain".into(),
                    None => v.mime.clone(),
                },
                size,
                redacted: item.redacted,
            });
        }
        let package = DisclosurePackage {
            format: DISCLOSURE_EXPORT_FORMAT,
            disclosure: id.to_string(),
            written_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            written_by: self.who(),
            student: DisclosedStudent {
                number: student.number.clone(),
                name: student.name.clone(),
            },
            party: body.party.clone(),
            interest: body.interest.clone(),
            basis: body.basis.describe(),
            date: body.date.clone(),
            redisclosure: body.redisclosure.clone(),
            notice: notice(&body.redisclosure),
            files,
            statements: self.statements(student.id)?,
        };
        zip.start_file("disclosure.json", file_options(false))
            .map_err(|e| zip_error(dest, e))?;
        zip.write_all(&serde_json::to_vec_pretty(&package)?)
            .io("write", dest)?;
        zip.finish().map_err(|e| zip_error(dest, e))?;
        tmp.as_file().sync_all().io("sync", tmp.path())?;
        let blake3 = hash_file(tmp.path())?;
        body.export = Some(DisclosureExport {
            file_name: dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            blake3,
            encrypted: password.is_some(),
        });
        self.commit_disclosure(id, &student, body)?;
        crate::fsx::persist_new(tmp, dest)?;
        Ok(DisclosureExportReport {
            id,
            files: package.files.len(),
            bytes,
            zip: dest.to_owned(),
            encrypted: password.is_some(),
        })
    }

    /// The disclosures of `student`'s records, by date: what the student may inspect.
    pub fn disclosures(&self, student: SubjectId) -> Result<Vec<DisclosureEntry>> {
        self.require(crate::role::Permission::Read)?;
        let canonical = self.catalog().subject(student)?;
        Ok(self
            .catalog()
            .disclosures(canonical.shown_as.unwrap_or(canonical.id))?
            .into_iter()
            .map(|(id, disclosure)| DisclosureEntry { id, disclosure })
            .collect())
    }

    /// The student, and the disclosure checked: each document there and at the version
    /// named, directory information not asked of a student who opted out.
    fn disclosure_body(&self, new: &NewDisclosure) -> Result<(SubjectRecord, Disclosure)> {
        let named = self.catalog().subject(new.subject)?;
        let student = match named.shown_as {
            Some(shown) => self.catalog().subject(shown)?,
            None => named,
        };
        // An opt-out on any record merged into the student's holds.
        let opted_out = self.opted_out()?.remove(&student.id);
        if let (
            Basis::Exception {
                exception: Exception::DirectoryInformation,
            },
            Some(since),
        ) = (&new.basis, opted_out)
        {
            return Err(Error::DirectoryOptOut {
                student: format!("{} ({})", student.name, student.number),
                since,
            });
        }
        let mut items = Vec::with_capacity(new.documents.len());
        for (doc, version) in &new.documents {
            let detail = self.catalog().document(*doc)?;
            // A document about no one (a class list) may go with anyone's disclosure;
            // one filed under another person is theirs.
            if let Some(of) = self.catalog().document_subject(*doc)? {
                let shown = self.catalog().subject(of)?;
                if shown.shown_as.unwrap_or(shown.id) != student.id {
                    return Err(Error::NotTheirRecord {
                        title: detail.summary.title,
                        student: format!("{} ({})", student.name, student.number),
                    });
                }
            }
            let versions = self.catalog().versions(*doc)?;
            let v = match version {
                Some(id) => versions.iter().find(|v| v.id == *id),
                None => versions.iter().find(|v| v.current),
            }
            .ok_or_else(|| match version {
                Some(id) => no_version(*id),
                None => Error::NoSuchDocument {
                    reference: doc.to_string(),
                },
            })?;
            items.push(DisclosedItem {
                doc: *doc,
                version: v.id,
                number: v.number,
                title: detail.summary.title,
                doc_type: detail.summary.doc_type,
                redacted: None,
            });
        }
        let trim = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let body = Disclosure {
            subject: student.id,
            party: trim(&new.party),
            interest: trim(&new.interest),
            basis: new.basis.clone(),
            date: iso(new.date),
            items,
            redisclosure: new
                .redisclosure
                .iter()
                .map(|p| trim(p))
                .filter(|p| !p.is_empty())
                .collect(),
            note: new
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            export: None,
        };
        body.check()?;
        Ok((student, body))
    }

    fn commit_disclosure(
        &mut self,
        id: DisclosureId,
        student: &SubjectRecord,
        body: Disclosure,
    ) -> Result<()> {
        let detail = format!(
            "to {} on {} ({}) from the record of {} {}",
            body.party,
            body.date,
            body.basis.describe(),
            student.kind,
            student.number
        );
        let mut ops = Vec::with_capacity(body.items.len() + 2);
        for item in &body.items {
            ops.push(self.audit_op(
                AuditAction::Disclosed,
                Some(item.doc),
                Some(item.version),
                Some(detail.clone()),
            )?);
        }
        // The student's own trail is read library-wide: it says a disclosure was made,
        // not what went to whom (that is in the documents' trails and the record).
        let of_student = format!(
            "{} document(s) disclosed on {}",
            body.items.len(),
            body.date
        );
        ops.push(self.subject_audit_op(AuditAction::Disclosed, student.id, Some(of_student)));
        ops.insert(
            0,
            OpKind::DisclosureRecorded {
                disclosure: id,
                body,
            },
        );
        self.commit(ops)
    }

    /// The students who opted out of directory information, with the day: a record
    /// merged into another counts for the one shown.
    pub(super) fn opted_out(&self) -> Result<std::collections::HashMap<SubjectId, String>> {
        let all = self.catalog().subjects(&crate::catalog::SubjectFilter {
            include_merged: true,
            ..Default::default()
        })?;
        Ok(all
            .into_iter()
            .filter_map(|p| Some((p.shown_as.unwrap_or(p.id), p.directory_opt_out?)))
            .collect())
    }

    /// The student's statements on amendments refused, which go with every disclosure.
    fn statements(&self, student: SubjectId) -> Result<Vec<AmendmentStatement>> {
        let mut out = Vec::new();
        for (_, r) in self.catalog().requests(true)? {
            let (Some(decision), Some(statement)) = (r.decision, r.statement) else {
                continue;
            };
            let of = self.catalog().subject(r.subject)?;
            if r.kind == RequestKind::Amendment && of.shown_as.unwrap_or(of.id) == student {
                out.push(AmendmentStatement {
                    asked: r.asked,
                    decided: decision.on,
                    reason: decision.reason,
                    statement,
                });
            }
        }
        Ok(out)
    }
}

fn no_version(id: VersionId) -> Error {
    Error::NotUnderstood {
        input: id.to_string(),
        expected: "a version of that document",
    }
}

fn hash_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).io("read", path)?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).io("read", path)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().to_hex().to_string())
}
