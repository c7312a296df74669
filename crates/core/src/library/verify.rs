//! `verify`: check every pack, every chunk, every version's manifest and the audit trail.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::Library;
use super::chunk_keys::ChunkKeys;
use crate::catalog::AuditCheck;
use crate::error::{Error, Result};
use crate::format::pack::{INDEX_AAD, decode_index, index_range};
use crate::format::sealed::SealKind;
use crate::ids::{ChunkId, DocId, PackId};
use crate::store::open_chunk;

/// A document some of whose versions are damaged or at risk.
#[derive(Debug, Clone, Serialize)]
pub struct AffectedDocument {
    pub id: DocId,
    pub title: String,
    /// Version numbers affected.
    pub versions: Vec<u32>,
    pub problem: String,
}

/// Everything `dossier verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    pub packs: usize,
    pub chunks: usize,
    pub versions: usize,
    pub bytes: u64,
    /// Problems with pack files: (pack id, what is wrong).
    pub damaged_packs: Vec<(String, String)>,
    /// Chunks that do not decrypt or re-hash: (chunk id, what is wrong).
    pub damaged_chunks: Vec<(String, String)>,
    pub affected_documents: Vec<AffectedDocument>,
    /// Pack files on disk that the catalog does not know (harmless; removed on next write).
    pub unreferenced_packs: usize,
    /// Packs kept on the remote and not downloaded to this desktop (yet): not damage;
    /// the next sync fetches them.
    pub not_downloaded_packs: usize,
    /// Packs under a collection's key this desktop does not hold: their bytes checked
    /// against their id, their content left to a desktop that can open it.
    pub sealed_elsewhere_packs: usize,
    /// Chunks of records whose own key has not reached this desktop yet: their pack
    /// checked against its id, their content left to a desktop that holds the key.
    pub sealed_elsewhere_chunks: usize,
    pub audit_events: usize,
    pub audit_problems: Vec<String>,
}

impl VerifyReport {
    /// True when nothing is damaged.
    pub fn is_clean(&self) -> bool {
        self.damaged_packs.is_empty()
            && self.damaged_chunks.is_empty()
            && self.affected_documents.is_empty()
            && self.audit_problems.is_empty()
    }
}

fn problem(e: &Error) -> String {
    match e {
        Error::Integrity { detail, .. } => (*detail).to_owned(),
        other => other.to_string(),
    }
}

impl Library {
    /// Read and check everything. `progress` gets the bytes of each pack checked.
    pub fn verify(&self, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport> {
        let mut r = VerifyReport::default();
        let catalog = self.catalog();
        let keys = catalog.pack_keys()?;
        let mut openers = ChunkKeys::read(self)?;
        // Chunks that cannot be read, and chunks whose pack has damage outside them.
        let mut bad: HashMap<ChunkId, String> = HashMap::new();
        let mut at_risk: HashMap<ChunkId, String> = HashMap::new();
        let on_disk: HashSet<PackId> = self
            .store()
            .pack_files()?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let known = catalog.packs()?;
        let known_ids: HashSet<PackId> = known.iter().map(|(id, _)| *id).collect();
        r.unreferenced_packs = on_disk.difference(&known_ids).count();
        let on_remote = catalog.remote_packs()?;
        let dropped = catalog.dropped_packs()?;
        for (pack, _size) in known {
            if !on_disk.contains(&pack) && on_remote.contains(&pack) {
                r.not_downloaded_packs += 1;
                continue;
            }
            if !on_disk.contains(&pack) && dropped.contains_key(&pack) {
                // Collected by prune; what is still used has a copy elsewhere.
                continue;
            }
            let chunks = catalog.chunks_in_pack(&pack)?;
            r.packs += 1;
            let bytes = match std::fs::read(self.store().pack_path(&pack)) {
                Ok(b) => b,
                Err(e) => {
                    let why = if e.kind() == std::io::ErrorKind::NotFound {
                        "pack file is missing".to_owned()
                    } else {
                        format!("cannot read pack: {e}")
                    };
                    r.damaged_packs.push((pack.to_hex(), why.clone()));
                    bad.extend(chunks.iter().map(|(id, _)| (*id, why.clone())));
                    continue;
                }
            };
            progress(bytes.len() as u64);
            r.bytes += bytes.len() as u64;
            let mut pack_problem = None;
            if *blake3::hash(&bytes).as_bytes() != pack.0 {
                pack_problem = Some("pack content does not match its id".to_owned());
            }
            let crypto = match self.crypto_for(keys.get(&pack)) {
                Ok(c) => c,
                Err(Error::CollectionKeyUnavailable { .. }) => {
                    match pack_problem {
                        Some(p) => {
                            r.damaged_packs.push((pack.to_hex(), p.clone()));
                            bad.extend(chunks.iter().map(|(id, _)| (*id, p.clone())));
                        }
                        None => r.sealed_elsewhere_packs += 1,
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            match index_range(&bytes, &pack).and_then(|range| {
                let plain = crypto.open(
                    SealKind::PackIndex,
                    INDEX_AAD,
                    &bytes[range],
                    format!("pack {pack} index"),
                )?;
                decode_index(&plain, &pack)
            }) {
                Ok(entries) => {
                    let listed: HashSet<ChunkId> = entries.iter().map(|e| e.chunk).collect();
                    if chunks.iter().any(|(id, _)| !listed.contains(id)) {
                        pack_problem.get_or_insert_with(|| {
                            "pack index does not list all its chunks".into()
                        });
                    }
                }
                Err(e) => {
                    pack_problem.get_or_insert_with(|| format!("pack index: {}", problem(&e)));
                }
            }
            let mut chunk_failures = 0;
            for (id, loc) in &chunks {
                r.chunks += 1;
                let start = loc.offset as usize;
                let end = start + loc.sealed_len as usize;
                if !openers.used(id) {
                    continue;
                }
                let crypto = match openers.crypto(self, keys.get(&pack), id) {
                    Ok(c) => c,
                    Err(Error::RecordKeyUnavailable { .. }) => {
                        r.sealed_elsewhere_chunks += 1;
                        continue;
                    }
                    Err(Error::CollectionKeyUnavailable { .. }) => std::sync::Arc::clone(&crypto),
                    Err(e) => return Err(e),
                };
                let outcome = match bytes.get(start..end) {
                    Some(sealed) => open_chunk(&crypto, id, sealed, loc.plain_len).map(|_| ()),
                    None => Err(Error::Integrity {
                        object: format!("chunk {id}"),
                        detail: "lies past the end of its pack",
                    }),
                };
                if let Err(e) = outcome {
                    chunk_failures += 1;
                    r.damaged_chunks.push((id.to_hex(), problem(&e)));
                    bad.insert(*id, format!("damaged content ({})", problem(&e)));
                }
            }
            if let Some(p) = pack_problem {
                r.damaged_packs.push((pack.to_hex(), p.clone()));
                if chunk_failures == 0 {
                    for (id, _) in &chunks {
                        at_risk.insert(
                            *id,
                            format!("stored in a damaged pack ({p}); content still readable"),
                        );
                    }
                }
            }
        }
        // Versions: every chunk known and sound, lengths adding up.
        let mut affected: BTreeMap<DocId, (HashSet<u32>, String)> = BTreeMap::new();
        let versions = catalog.all_versions()?;
        let mut numbers: HashMap<DocId, u32> = HashMap::new();
        for (doc, _vid, manifest, size) in versions {
            r.versions += 1;
            let n = numbers.entry(doc).or_insert(0);
            *n += 1;
            let mut issue = None;
            if manifest.size() != size {
                issue = Some("manifest length does not match the version's size".to_owned());
            }
            for (id, _) in &manifest.chunks {
                if let Some(why) = bad.get(id).or_else(|| at_risk.get(id)) {
                    issue.get_or_insert_with(|| why.clone());
                } else if catalog.chunk(id)?.is_none() {
                    issue.get_or_insert_with(|| format!("chunk {} is missing", &id.to_hex()[..16]));
                }
            }
            if let Some(why) = issue {
                let e = affected.entry(doc).or_insert_with(|| (HashSet::new(), why));
                e.0.insert(*n);
            }
        }
        for (doc, (versions, why)) in affected {
            let mut versions: Vec<u32> = versions.into_iter().collect();
            versions.sort_unstable();
            let title = catalog
                .document(doc)
                .map(|d| d.summary.title)
                .unwrap_or_default();
            r.affected_documents.push(AffectedDocument {
                id: doc,
                title,
                versions,
                problem: why,
            });
        }
        self.verify_audit(&mut r)?;
        Ok(r)
    }

    /// The audit trail checked against what its authors signed (`dossier audit
    /// verify`): each device's chain, each batch's signature, each segment's head, and
    /// the table the app shows.
    pub fn check_audit(&self) -> Result<AuditCheck> {
        self.catalog().check_audit()
    }

    fn verify_audit(&self, r: &mut VerifyReport) -> Result<()> {
        let check = self.check_audit()?;
        r.audit_events = check.events;
        r.audit_problems = check.findings.iter().map(ToString::to_string).collect();
        Ok(())
    }
}
