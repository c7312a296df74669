//! Destruction of records under their retention schedule (issue 22): the records officer
//! approves a batch of due documents, and they are destroyed on every desktop (catalog
//! rows, versions, text, thumbnails, index entries; the packs holding their content are
//! rewritten without it and deleted, here and on the remote), with a certificate signed
//! by the approver: what was destroyed (hashed ids, series, dates), how, and the later
//! check that the remote holds nothing of it.
//!
//! **Invariant:** only documents due under their series' rule are destroyed, never one
//! a legal hold or an open inspection request keeps; a destroyed document stays
//! destroyed, whatever arrives later (`OpKind::Destroyed`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::Library;
use super::purge::HeldDocument;
use super::retention::{DispositionState, describe, disposition, iso};
use crate::error::{Error, Result};
use crate::format::destruction::{
    CERTIFICATE_FORMAT, Certificate, DestroyedRecord, Destruction, Method, RemoteCheck, Signed,
    TAG_CONTEXT, hashed_id,
};
use crate::format::op::{AuditAction, OpKind};
use crate::ids::{DestructionId, DocId, ErasureEpochId, PackId};
use crate::keys::{Purpose, verify_signature as verify};
use crate::report::Report;
use crate::role::Permission;

use super::prune::{PruneReport, RemoteShredding};

/// What [`Library::destroy`] did.
#[derive(Debug, Clone, Serialize)]
pub struct DestructionReport {
    pub batch: DestructionId,
    /// Documents destroyed.
    pub destroyed: usize,
    /// Documents asked for that a hold kept, with why (they are not destroyed).
    pub held: Vec<HeldDocument>,
    /// The packs rewritten and deleted on this desktop (`None`: some could not be read
    /// now, offline; the next sync finishes).
    pub shredded: Option<PruneReport>,
    /// The erasure epoch this desktop holds now, begun after the destruction (`None`:
    /// no keyring here; a desktop with one begins it at its next sync).
    pub erasure: Option<ErasureEpochId>,
}

/// One destruction as the records officer's list shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DestructionEntry {
    pub destruction: Destruction,
    /// Whether the approver signed it (a library without people has no one to sign).
    pub signed: bool,
    /// When the remote was last found to hold nothing of it (`None`: not yet, or the
    /// library has no remote).
    pub remote_confirmed: Option<String>,
}

/// What checking a certificate found: each part's signer, or why it does not verify.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateCheck {
    pub destruction: Destruction,
    /// Who signed the destruction (`None`: unsigned, from a library without people).
    pub approver: Option<String>,
    /// The remote checks, each with who signed it.
    pub remote_checks: Vec<(RemoteCheck, Option<String>)>,
    /// Whether a remote check found no pack left holding the records.
    pub remote_confirmed: bool,
}

impl Library {
    /// Destroy `docs`, approved now by the person signed in (records officers and
    /// owners). Each must be due on `today` under its series' rule ([`Error::NotDue`]
    /// refuses the whole batch); those a hold keeps are left out and reported. Refused
    /// with [`Error::Held`] when a hold keeps every one.
    pub fn destroy(&mut self, docs: &[DocId], today: NaiveDate) -> Result<DestructionReport> {
        self.writer()?;
        self.require(Permission::Dispose)?;
        // What is due is judged as of today or before, never a day to come.
        if today > chrono::Local::now().date_naive() {
            return Err(Error::NotUnderstood {
                input: iso(today),
                expected: "today or an earlier day (records are destroyed only once due)",
            });
        }
        let mut seen = HashSet::new();
        let mut records = Vec::new();
        let mut held = Vec::new();
        for &doc in docs.iter().filter(|d| seen.insert(**d)) {
            let Some(facts) = self.catalog().retention_facts_of(doc)? else {
                return Err(Error::NoSuchDocument {
                    reference: doc.to_string(),
                });
            };
            let not_due = |why: String| Error::NotDue {
                title: facts.title.clone(),
                why,
            };
            let Some(series) = self.catalog().series_of(&facts.doc_type)? else {
                return Err(not_due("its type is in no record series".into()));
            };
            let created = chrono::DateTime::from_timestamp_millis(facts.created_ms)
                .map(|t| iso(t.date_naive()))
                .unwrap_or_default();
            let d = disposition(facts.clone(), &series, today);
            match d.state {
                DispositionState::Due => {}
                DispositionState::Held => {
                    held.push(HeldDocument {
                        doc,
                        title: d.title,
                        why: d.held_by.join("; "),
                    });
                    continue;
                }
                _ => {
                    return Err(not_due(match &d.due {
                        Some(due) => format!("its series keeps it until {due}"),
                        None => describe(d.rule),
                    }));
                }
            }
            let versions = self.catalog().versions(doc)?.len() as u32;
            records.push((
                doc,
                DestroyedRecord {
                    id: hashed_id(doc),
                    series: d.series,
                    doc_type: d.doc_type,
                    rule: describe(d.rule),
                    due: d.due.unwrap_or_default(),
                    created,
                    versions,
                },
            ));
        }
        if records.is_empty() {
            let first = held.first();
            return Err(Error::Held {
                title: first.map(|h| h.title.clone()).unwrap_or_default(),
                why: first.map_or_else(|| "nothing was asked".into(), |h| h.why.clone()),
            });
        }
        let batch = DestructionId::new();
        let destruction = Destruction {
            library: self.library_id(),
            batch,
            approved_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            approver: self.who(),
            method: Method::Purge,
            records: records.iter().map(|(_, r)| r.clone()).collect(),
            held: held.len() as u32,
        };
        destruction.check()?;
        let signed = self.sign_part(serde_json::to_string(&destruction)?);
        let mut ops = Vec::with_capacity(records.len() * 2 + 2);
        for (doc, record) in &records {
            ops.push(OpKind::Destroyed { doc: *doc, batch });
            // The trail keeps that it was destroyed and under which rule; no title.
            let detail = format!(
                "destroyed ({}, {}), batch {batch}",
                record.series, record.rule
            );
            ops.push(self.audit_op(AuditAction::Destroyed, Some(*doc), None, Some(detail))?);
        }
        let summary = format!("{} record(s) destroyed, batch {batch}", records.len());
        ops.push(self.audit_op(AuditAction::Destroyed, None, None, Some(summary))?);
        ops.push(OpKind::DestructionRecorded { batch, signed });
        self.commit(ops)?;
        // Packs rewritten, derived files and index entries gone, here; every other
        // desktop does the same when the operations reach it (`Library::shred`).
        // A pack to rewrite that cannot be fetched now (offline) waits: the destruction
        // is committed, and the next sync shreds what is left (its flag stays set).
        let shredded = match self.shred() {
            Ok(r) => Some(r),
            Err(Error::Fetch { .. } | Error::MissingPack(_)) => None,
            Err(e) => return Err(e),
        };
        // The erasure epoch ends: a new key, and this desktop forgets the old one (every
        // other does once it holds the new one). The destruction is committed whatever
        // happens here: without a keyring (or with a damaged entry) here, the next sync
        // says why, and a desktop with one begins the epoch.
        let erasure = self
            .settle_erasure()
            .ok()
            .and_then(|status| status.current.filter(|_| status.settled()))
            .map(|(e, _)| e);
        Ok(DestructionReport {
            batch,
            destroyed: records.len(),
            held,
            shredded,
            erasure,
        })
    }

    /// Every destruction recorded, oldest first. Records officers, auditors and owners.
    pub fn destructions(&self) -> Result<Vec<DestructionEntry>> {
        self.may_see_destructions()?;
        let mut out = Vec::new();
        for (batch, signed) in self.catalog().destructions()? {
            let destruction: Destruction = serde_json::from_str(&signed.body)?;
            let mut remote_confirmed = None;
            for check in self.catalog().remote_checks(batch)? {
                let check: RemoteCheck = serde_json::from_str(&check.body)?;
                if check.packs_holding == 0 {
                    remote_confirmed = Some(check.checked_at);
                }
            }
            out.push(DestructionEntry {
                destruction,
                signed: signed.signature.is_some(),
                remote_confirmed,
            });
        }
        Ok(out)
    }

    /// The certificate of destruction `batch`: the approved destruction and every check
    /// of the remote since, each as signed.
    pub fn destruction_certificate(&self, batch: DestructionId) -> Result<Certificate> {
        self.may_see_destructions()?;
        let destruction = self
            .catalog()
            .destructions()?
            .into_iter()
            .find(|(b, _)| *b == batch)
            .map(|(_, s)| s)
            .ok_or(Error::NoSuchDestruction {
                batch: batch.to_string(),
            })?;
        Ok(Certificate {
            format: CERTIFICATE_FORMAT,
            destruction,
            remote_checks: self.catalog().remote_checks(batch)?,
        })
    }

    /// Write the certificate of `batch` as JSON (what [`Library::check_certificate`]
    /// reads back) to `dest`, which must not exist yet.
    pub fn write_certificate_to(&self, batch: DestructionId, dest: &Path) -> Result<()> {
        let c = self.destruction_certificate(batch)?;
        crate::fsx::write_new(dest, &serde_json::to_vec_pretty(&c)?)
    }

    /// The same, into the folder `dir` ("Destruction certificate BATCH.json"; nothing is
    /// replaced); returns the file written.
    pub fn write_certificate_into(&self, batch: DestructionId, dir: &Path) -> Result<PathBuf> {
        let c = self.destruction_certificate(batch)?;
        crate::fsx::write_new_into(
            dir,
            &format!("Destruction certificate {batch}.json"),
            &serde_json::to_vec_pretty(&c)?,
        )
    }

    /// Check a certificate (read from a file): each part's signature, by a key this
    /// library knows for its signer ([`Error::BadSignature`] otherwise), and that it is
    /// about this library.
    pub fn check_certificate(&self, certificate: &Certificate) -> Result<CertificateCheck> {
        let destruction = certificate.destruction()?;
        if destruction.library != self.library_id() {
            return Err(Error::NotUnderstood {
                input: destruction.library.to_string(),
                expected: "a certificate of this library's destructions",
            });
        }
        let approver = self.check_part(&certificate.destruction, "the destruction certificate")?;
        let mut remote_checks = Vec::new();
        for (signed, check) in certificate
            .remote_checks
            .iter()
            .zip(certificate.remote_checks()?)
        {
            if check.batch != destruction.batch {
                return Err(Error::NotUnderstood {
                    input: check.batch.to_string(),
                    expected: "remote checks of the certificate's own destruction",
                });
            }
            let who = self.check_part(signed, "a remote check of the certificate")?;
            remote_checks.push((check, who));
        }
        let remote_confirmed = remote_checks.iter().any(|(c, _)| c.packs_holding == 0);
        Ok(CertificateCheck {
            destruction,
            approver,
            remote_checks,
            remote_confirmed,
        })
    }

    /// The certificate as a report (PDF or CSV): what it certifies, then each record.
    pub fn certificate_report(&self, certificate: &Certificate) -> Result<Report> {
        let checked = self.check_certificate(certificate)?;
        let d = &checked.destruction;
        let mut report = Report::new(
            "Certificate of records destruction",
            &[
                ("Record (BLAKE3 of its id)", 3.2),
                ("Series", 1.2),
                ("Type", 1.2),
                ("Rule", 2.0),
                ("Due", 0.8),
                ("Added", 0.8),
                ("Versions", 0.6),
            ],
        );
        let mut about = vec![
            format!("Batch {} of library {}", d.batch, d.library),
            format!(
                "Approved {} by {}; {}",
                d.approved_at,
                d.approver,
                match &checked.approver {
                    Some(who) => format!("signed by {who} (signature verified)"),
                    None => "not signed (a library without people has no one to sign)".into(),
                }
            ),
            format!("Method: {}", d.method.describe()),
            format!(
                "{} record(s) destroyed; {} kept by a legal hold or an open inspection request",
                d.records.len(),
                d.held
            ),
        ];
        if checked.remote_checks.is_empty() {
            about.push(match self.remote()? {
                Some(_) => "Remote: not checked yet (a records officer's sync checks it; then \
                            make the certificate again)"
                    .into(),
                None => "Remote: none (this library is kept on this desktop only)".into(),
            });
        }
        for (c, who) in &checked.remote_checks {
            about.push(format!(
                "Remote checked {} by {}{}: {} pack(s) listed, {} holding destroyed content removed, {} still holding it",
                c.checked_at,
                c.checked_by,
                if who.is_some() { " (signed)" } else { "" },
                c.packs_listed,
                c.packs_removed,
                c.packs_holding
            ));
        }
        report.about = self.made_by(about);
        for r in &d.records {
            report.rows.push(vec![
                r.id.clone(),
                r.series.clone(),
                r.doc_type.clone(),
                r.rule.clone(),
                r.due.clone(),
                r.created.clone(),
                r.versions.to_string(),
            ]);
        }
        Ok(report)
    }

    /// The destruction report: every destruction, when and by whom it was approved, how
    /// many records of which series, what holds kept, and whether the remote was found
    /// clear of them.
    pub fn destruction_report(&self) -> Result<Report> {
        let mut report = Report::new(
            "Records destroyed",
            &[
                ("Approved", 1.3),
                ("By", 1.3),
                ("Batch", 2.4),
                ("Records", 0.6),
                ("Series", 2.0),
                ("Kept by holds", 0.7),
                ("Signed", 0.6),
                ("Remote confirmed", 1.3),
            ],
        );
        report.about = self.made_by(vec![
            "Each batch of records destroyed under the retention schedule; each has a \
             signed certificate (dossier retention certificate BATCH)."
                .to_owned(),
        ]);
        let unconfirmed = match self.remote()? {
            Some(_) => "not yet",
            None => "no remote",
        };
        for e in self.destructions()? {
            let d = e.destruction;
            let mut series: Vec<&str> = d.records.iter().map(|r| r.series.as_str()).collect();
            series.sort_unstable();
            series.dedup();
            report.rows.push(vec![
                d.approved_at.clone(),
                d.approver.clone(),
                d.batch.to_string(),
                d.records.len().to_string(),
                series.join(", "),
                d.held.to_string(),
                if e.signed { "yes" } else { "no" }.into(),
                e.remote_confirmed.unwrap_or_else(|| unconfirmed.into()),
            ]);
        }
        Ok(report)
    }

    /// After a sync: note, for each destruction the remote has not yet been found clear
    /// of, whether any of `listed` (the packs on the remote) still holds content of
    /// destroyed records. Recorded (signed) only by someone who may dispose; returns the
    /// checks recorded.
    pub fn check_remote_after_destruction(
        &mut self,
        listed: &HashSet<PackId>,
        seen: &RemoteShredding,
    ) -> Result<Vec<RemoteCheck>> {
        if !self.remote_check_due()? {
            return Ok(Vec::new());
        }
        let open: Vec<DestructionId> = self
            .destructions()?
            .into_iter()
            .filter(|e| e.remote_confirmed.is_none())
            .map(|e| e.destruction.batch)
            .collect();
        let shredding = self.still_shredding(seen)?;
        let holding = shredding.intersection(listed).count() as u64;
        // Only a confirmation is recorded: a check that still finds some is the next
        // sync's to repeat, not a signed statement per sync.
        if holding > 0 {
            return Ok(Vec::new());
        }
        let checked_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut checks = Vec::new();
        let mut ops = Vec::new();
        for batch in open {
            let check = RemoteCheck {
                batch,
                checked_at: checked_at.clone(),
                checked_by: self.who(),
                packs_listed: listed.len() as u64,
                packs_removed: shredding.len() as u64 - holding,
                packs_holding: holding,
            };
            let signed = self.sign_part(serde_json::to_string(&check)?);
            ops.push(OpKind::RemoteChecked { batch, signed });
            checks.push(check);
        }
        self.commit(ops)?;
        Ok(checks)
    }

    /// Whether a destruction waits for the check that the remote holds nothing of it,
    /// and this handle may record that check (a writer, someone who may dispose).
    pub fn remote_check_due(&self) -> Result<bool> {
        if !self.is_writer() || self.require(Permission::Dispose).is_err() {
            return Ok(false);
        }
        Ok(self
            .destructions()?
            .iter()
            .any(|e| e.remote_confirmed.is_none()))
    }

    fn may_see_destructions(&self) -> Result<()> {
        if self.require(Permission::Dispose).is_err() {
            self.require(Permission::Audit)?;
        }
        Ok(())
    }

    /// Whether `part` is one this library's journal recorded, exactly.
    fn recorded(&self, part: &Signed) -> Result<bool> {
        for (batch, signed) in self.catalog().destructions()? {
            if signed == *part || self.catalog().remote_checks(batch)?.contains(part) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `body` signed by the person signed in; without one (a library without people),
    /// tagged with the library's key-object key.
    fn sign_part(&self, body: String) -> Signed {
        match &self.person {
            Some(person) => Signed {
                signature: Some(
                    data_encoding::HEXLOWER
                        .encode(&person.sign(Purpose::Destruction, body.as_bytes())),
                ),
                signer: Some(person.public().clone()),
                tag: None,
                body,
            },
            None => Signed {
                tag: Some(
                    data_encoding::HEXLOWER
                        .encode(&self.crypto.key_object_key().tag(&tagged(&body))),
                ),
                body,
                signer: None,
                signature: None,
            },
        }
    }

    /// The name of the member who signed `part` (as the registry knows them), checked
    /// against keys the library gave them with a role that may dispose of records;
    /// `None` for an unsigned part of a library without people, checked by its tag.
    fn check_part(&self, part: &Signed, what: &str) -> Result<Option<String>> {
        let registry = self.registry()?;
        let (Some(signer), Some(signature), Some(registry)) =
            (&part.signer, &part.signature, &registry)
        else {
            // Unsigned: it counts by the library's tag, and in a library with people (who
            // all hold the key of that tag) only as this library's journal recorded it,
            // made before it had people.
            let tag_matches = part
                .tag
                .as_deref()
                .and_then(|t| data_encoding::HEXLOWER.decode(t.as_bytes()).ok())
                .is_some_and(|t| self.crypto.key_object_key().verify(&tagged(&part.body), &t));
            return match (tag_matches, &registry) {
                (true, None) => Ok(None),
                (true, Some(_)) if self.recorded(part)? => Ok(None),
                (true, Some(_)) => Err(Error::NotUnderstood {
                    input: what.to_owned(),
                    expected: "a part signed by a member of this library",
                }),
                (false, _) => Err(Error::Integrity {
                    object: what.to_owned(),
                    detail: "its tag does not match: it was changed after it was made",
                }),
            };
        };
        let bad = || Error::BadSignature {
            object: what.to_owned(),
            member: signer.member,
        };
        let signature = data_encoding::HEXLOWER
            .decode(signature.as_bytes())
            .map_err(|_| bad())?;
        verify(
            signer,
            Purpose::Destruction,
            part.body.as_bytes(),
            &signature,
            what,
        )?;
        // Keys the library's people gave this member, with a role that disposes.
        let granted = registry
            .granted(signer, Permission::Dispose)
            .ok_or_else(bad)?;
        Ok(Some(granted.name.clone()))
    }
}

/// What an unsigned part's tag is over: [`TAG_CONTEXT`], then the body.
fn tagged(body: &str) -> Vec<u8> {
    let mut message = TAG_CONTEXT.to_vec();
    message.extend_from_slice(body.as_bytes());
    message
}
