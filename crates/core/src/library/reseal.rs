//! Moving a record between collections re-seals it (issue 21, step 3): each version whose
//! content is under another collection's key than its document's is copied, chunk by
//! chunk, under the key of the collection it is in now (new chunk ids, a new keyed content
//! hash, new packs of that collection only), and `OpKind::VersionResealed` points the
//! version at the copy. The old chunks are left to prune.
//!
//! **Invariant:** a version's content is readable by exactly the readers of its
//! document's collection once the move is committed: the re-sealed copies are durable
//! before the operations naming them, and a move made here commits its re-sealing with it.

use super::Library;
use crate::catalog::LibraryKeyContent;
use crate::error::{Error, Result};
use crate::format::collection_keys::ContentKey;
use crate::format::manifest::Manifest;
use crate::format::op::{AuditAction, OpKind};
use crate::format::pack::encode_index;
use crate::format::subject::ALL_COLLECTION;
use crate::ids::DocId;
use crate::store::{PACK_TARGET, PackReader, PackWriter, open_chunk, seal_chunk};

impl Library {
    /// The operations that re-seal every version of `doc` whose content is not under the
    /// key of `collection` (`None`: "all"): the new packs' `PackAdded`s, then one
    /// `VersionResealed` per version. The packs are written and durable on return.
    pub(super) fn reseal_ops(&self, doc: DocId, collection: Option<&str>) -> Result<Vec<OpKind>> {
        let (key, crypto) = self.sealing_for(collection)?;
        // Content under the library's own key is not under "all"'s keys.
        let target = sealed_in(key.as_ref());
        let mut packs = Vec::new();
        let mut resealed = Vec::new();
        let mut reader = PackReader::new(self.store());
        let mut writer: Option<PackWriter> = None;
        for v in self.catalog().versions(doc)? {
            if sealed_in(v.content_key.as_ref()) == target {
                continue;
            }
            let old = self.content_crypto(&v)?;
            // Under the new collection's key, still with the record's own.
            let new = self.with_record_key(&crypto, &v)?;
            let mut hasher = crypto.content_hasher();
            let mut manifest = Manifest::default();
            for (id, len) in &v.manifest.chunks {
                let loc = self.catalog().chunk(id)?.ok_or(Error::MissingChunk(*id))?;
                let data = open_chunk(&old, id, &reader.read(&loc)?, *len)?;
                hasher.update(&data);
                let sealed = seal_chunk(&new, new.chunk_id(&data), &data);
                manifest.chunks.push((sealed.id, *len));
                let w = match &mut writer {
                    Some(w) => w,
                    None => writer.insert(self.store().pack_writer()?),
                };
                w.add(&sealed)?;
                if w.len() >= PACK_TARGET {
                    let full = writer.take().expect("set above");
                    packs.push(self.finished(full, &key)?);
                }
            }
            resealed.push(OpKind::VersionResealed {
                doc,
                version: v.id,
                manifest,
                content_hash: hasher.finalize(),
                key: key.clone(),
            });
        }
        if let Some(w) = writer {
            packs.push(self.finished(w, &key)?);
        }
        packs.extend(resealed);
        Ok(packs)
    }

    fn finished(&self, w: PackWriter, key: &Option<ContentKey>) -> Result<OpKind> {
        let done = w.finish(&*self.crypto_for(key.as_ref())?)?;
        Ok(OpKind::PackAdded {
            pack: done.id,
            size: done.size,
            index: encode_index(&done.entries),
            key: key.clone(),
        })
    }

    /// Re-seal, in one commit with an audit event each, the documents whose content is
    /// not under the key of the collection they are in now (filed there by a rule, moved
    /// on a desktop that could not re-seal them, or in a collection given keys since) and
    /// that this desktop can re-seal: it opens both keys, holds (or can fetch) the
    /// content, and its person may file the document there. The others are left to a
    /// desktop that can. Returns how many were re-sealed.
    pub fn reconcile_sealing(&mut self) -> Result<u64> {
        if !self.is_writer() || self.person.is_none() {
            return Ok(0);
        }
        let Some(registry) = self.registry()? else {
            return Ok(0);
        };
        let keyed = super::collection_keys::keyed(&registry, &self.catalog().collection_keys()?);
        // With department staff, records of "all" still under the library's key are
        // sealed again under "all"'s own keys (a member given the library's key by a
        // build before session 34 may hold it still). Once only someone who left held
        // it, they are not (they may have kept what it opens).
        let library_key = if registry.has_department_staff() {
            LibraryKeyContent::SealAgain
        } else {
            LibraryKeyContent::InAll
        };
        let mut ops = Vec::new();
        let mut count = 0;
        for (doc, collection) in self.catalog().missealed(&keyed, library_key)? {
            let made = match self.reseal_ops(doc, collection.as_deref()) {
                Ok(made) => made,
                Err(
                    Error::CollectionKeyUnavailable { .. }
                    | Error::RecordKeyUnavailable { .. }
                    | Error::MissingChunk(_)
                    | Error::MissingPack(_)
                    | Error::Fetch { .. },
                ) => continue,
                Err(e) => return Err(e),
            };
            if made.is_empty() || self.check_may(&made).is_err() {
                continue;
            }
            count += 1;
            ops.extend(made);
            ops.push(self.audit_op(
                AuditAction::KeysChanged,
                Some(doc),
                None,
                Some(format!(
                    "content sealed under the key of collection {}",
                    collection.as_deref().unwrap_or(ALL_COLLECTION)
                )),
            )?);
        }
        if !ops.is_empty() {
            self.commit(ops)?;
        }
        Ok(count)
    }
}

/// The collection content under `key` is sealed in. Content under the library's key counts
/// as sealed in "all": records filed before "all" had keys of its own stay as they are.
/// The collection whose keys seal content under `key` (`None`: the library's own key).
fn sealed_in(key: Option<&ContentKey>) -> Option<&str> {
    key.map(|k| k.collection.as_str())
}
