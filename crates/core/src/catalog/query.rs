//! Read queries over the catalog's projected tables.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::Catalog;
use crate::error::{Error, Result};
use crate::format::collection_keys::ContentKey;
use crate::format::manifest::Manifest;
use crate::format::op::{FieldValue, Stamp};
use crate::format::subject::ALL_COLLECTION;
use crate::ids::{ChunkId, ContentHash, DocId, PackId, RecordKeyId, SubjectId, VersionId};
use crate::store::ChunkLocation;
use crate::suggest::Filing;

/// One row of `dossier ls`.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentSummary {
    pub id: DocId,
    pub title: String,
    /// Size of the current version in bytes.
    pub size: u64,
    pub mime: String,
    pub file_name: String,
    pub versions: u32,
    /// RFC 3339 times.
    pub created: String,
    pub updated: String,
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    pub subject_id: Option<String>,
    pub tags: Vec<String>,
    pub trashed: bool,
    pub concurrent_versions: bool,
}

/// Everything `dossier show` prints.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub summary: DocumentSummary,
    pub subject_name: Option<String>,
    pub collection: Option<String>,
    pub fields: std::collections::BTreeMap<String, FieldValue>,
    pub current_version: Option<VersionId>,
    /// Under a legal hold: it cannot be deleted for good, here or on any desktop.
    pub legal_hold: bool,
    /// Kept at least through this date (`YYYY-MM-DD`): not deleted for good before.
    pub retain_until: Option<String>,
}

/// One version in `dossier versions`.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    /// 1-based position in the document's history.
    pub number: u32,
    pub id: VersionId,
    pub size: u64,
    pub mime: String,
    pub file_name: String,
    pub created: String,
    pub author: String,
    pub device: String,
    pub note: Option<String>,
    pub restored_from: Option<u32>,
    pub current: bool,
    /// No later version descends from this one. A document with more than one head has
    /// concurrent versions (made on two desktops at once) waiting to be resolved.
    pub head: bool,
    #[serde(skip)]
    pub parents: Vec<VersionId>,
    #[serde(skip)]
    pub manifest: Manifest,
    #[serde(skip)]
    pub content_hash: ContentHash,
    #[serde(skip)]
    pub file_mtime_ms: Option<i64>,
    #[serde(skip)]
    pub restored_from_id: Option<VersionId>,
    /// The collection key its content is under (`None`: the library's own).
    #[serde(skip)]
    pub content_key: Option<ContentKey>,
    /// The record's own key its content is also under (`None`: the content key's alone).
    #[serde(skip)]
    pub record_key: Option<RecordKeyId>,
}

pub(crate) fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

const SUMMARY_SELECT: &str = "
    SELECT d.id, d.title, d.created_ms, d.updated_ms, d.doc_type, d.subject_id, d.trashed, d.concurrent,
           v.size, v.mime, v.file_name,
           (SELECT count(*) FROM versions x WHERE x.doc = d.id),
           (SELECT group_concat(tag, char(31)) FROM (SELECT DISTINCT tag FROM tags t WHERE t.doc = d.id ORDER BY tag)),
           d.subject_name, d.collection, d.current_version
    FROM documents d LEFT JOIN versions v ON v.id = d.current_version";

fn summary(r: &Row<'_>) -> rusqlite::Result<DocumentSummary> {
    let id: String = r.get(0)?;
    let tags: Option<String> = r.get(12)?;
    Ok(DocumentSummary {
        id: id.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })?,
        title: r.get(1)?,
        created: rfc3339(r.get(2)?),
        updated: rfc3339(r.get(3)?),
        doc_type: r.get(4)?,
        subject_id: r.get(5)?,
        trashed: r.get(6)?,
        concurrent_versions: r.get(7)?,
        size: r.get::<_, Option<i64>>(8)?.unwrap_or(0) as u64,
        mime: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
        file_name: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
        versions: r.get(11)?,
        tags: tags
            .map(|t| t.split('\u{1f}').map(str::to_owned).collect())
            .unwrap_or_default(),
    })
}

/// Which documents a listing includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Listing {
    #[default]
    Active,
    Trashed,
    All,
}

/// What keeps a document from being deleted for good ([`Catalog::hold`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub legal_hold: bool,
    /// The end of its retention period, in milliseconds since the epoch.
    pub retained_until_ms: Option<i64>,
    /// An inspection request about its student is open, due on this day (the earliest).
    pub inspection_due: Option<String>,
}

/// The due day of the earliest open inspection request about the student a document `d`
/// is about (issue 22), logged against that record or one merged into it since: such a
/// request holds the student's records until fulfilled.
pub(crate) const INSPECTION_DUE: &str = "(SELECT min(r.due) FROM requests r
    WHERE r.kind = 'inspection' AND r.state = 'open'
      AND (r.subject = d.subject OR r.subject IN
           (SELECT c.subject FROM subject_canonical c WHERE c.canonical = d.subject)))";

/// What content under the library's own key counts as, for [`Catalog::missealed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryKeyContent {
    /// Sealed in "all": every member holds that key and reads every record, or someone
    /// who left may have kept what it opens (sealing it again would not take it back).
    InAll,
    /// Due to be sealed again under "all"'s own keys: someone who may not read every
    /// record holds the library's key.
    SealAgain,
}

impl Catalog {
    /// Documents in creation order.
    /// The newest `limit` active documents with a type, and their type.
    /// The newest `limit` documents filed with a type or tags (not in the trash), and
    /// how: what filing suggestions learn from.
    pub fn filed_documents(&self, limit: usize) -> Result<Vec<(DocId, Filing)>> {
        let rows: Vec<(String, Option<String>, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT d.id, d.doc_type,
                        (SELECT group_concat(tag, char(31)) FROM (SELECT DISTINCT tag FROM tags t WHERE t.doc = d.id ORDER BY tag))
                 FROM documents d
                 WHERE d.trashed = 0 AND (d.doc_type IS NOT NULL OR EXISTS (SELECT 1 FROM tags t WHERE t.doc = d.id))
                 ORDER BY d.updated_ms DESC, d.id LIMIT ?1",
            )?
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(id, doc_type, tags)| {
                let tags = tags
                    .map(|t| t.split('\u{1f}').map(str::to_owned).collect())
                    .unwrap_or_default();
                Ok((id.parse()?, Filing { doc_type, tags }))
            })
            .collect()
    }

    pub fn list(&self, which: Listing) -> Result<Vec<DocumentSummary>> {
        let filter = match which {
            Listing::Active => " WHERE d.trashed = 0",
            Listing::Trashed => " WHERE d.trashed = 1",
            Listing::All => "",
        };
        let mut stmt = self
            .conn
            .prepare(&format!("{SUMMARY_SELECT}{filter} ORDER BY d.id"))?;
        let rows = stmt
            .query_map([], summary)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The documents shown under a person (not in the trash), newest first.
    pub fn subject_documents(&self, subject: SubjectId) -> Result<Vec<DocumentSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SUMMARY_SELECT} WHERE d.subject = ?1 AND d.trashed = 0 ORDER BY d.created_ms DESC, d.id"
        ))?;
        let rows = stmt
            .query_map([subject.to_string()], summary)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// What keeps a document from being deleted for good.
    pub fn hold(&self, doc: DocId) -> Result<Hold> {
        self.conn
            .query_row(
                &format!(
                    "SELECT legal_hold, retention_until_ms, {INSPECTION_DUE} FROM documents d
                     WHERE id = ?1"
                ),
                [doc.to_string()],
                |r| {
                    Ok(Hold {
                        legal_hold: r.get::<_, i64>(0)? != 0,
                        retained_until_ms: r.get(1)?,
                        inspection_due: r.get(2)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| Error::NoSuchDocument {
                reference: doc.to_string(),
            })
    }

    /// Resolve a full id or a unique prefix of one.
    pub fn resolve(&self, reference: &str) -> Result<DocId> {
        let r = reference.trim().to_ascii_lowercase().replace('-', "");
        if r.is_empty() || !r.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::NoSuchDocument {
                reference: reference.to_owned(),
            });
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM documents WHERE id >= ?1 AND id < ?1 || 'g' LIMIT 2")?;
        let ids: Vec<String> = stmt
            .query_map([&r], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.len() {
            0 => Err(Error::NoSuchDocument {
                reference: reference.to_owned(),
            }),
            1 => Ok(ids[0].parse()?),
            _ => {
                let count: i64 = self.conn.query_row(
                    "SELECT count(*) FROM documents WHERE id >= ?1 AND id < ?1 || 'g'",
                    [&r],
                    |row| row.get(0),
                )?;
                let count = count as usize;
                Err(Error::AmbiguousDocument {
                    prefix: reference.to_owned(),
                    count,
                })
            }
        }
    }

    /// Full detail of one document.
    pub fn document(&self, doc: DocId) -> Result<DocumentDetail> {
        let (summary, subject_name, collection, current) = self
            .conn
            .query_row(
                &format!("{SUMMARY_SELECT} WHERE d.id = ?1"),
                [doc.to_string()],
                |r| {
                    Ok((
                        summary(r)?,
                        r.get::<_, Option<String>>(13)?,
                        r.get::<_, Option<String>>(14)?,
                        r.get::<_, Option<String>>(15)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| Error::NoSuchDocument {
                reference: doc.to_string(),
            })?;
        let mut fields = std::collections::BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT key, value FROM registers WHERE doc = ?1 AND key LIKE 'field:%' AND value IS NOT NULL")?;
        for row in stmt.query_map([doc.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (k, v) = row?;
            fields.insert(k["field:".len()..].to_owned(), serde_json::from_str(&v)?);
        }
        let legal_hold = self.hold(doc)?.legal_hold;
        let retain_until = self
            .conn
            .query_row(
                "SELECT value FROM registers WHERE doc = ?1 AND key = 'retain_until'",
                [doc.to_string()],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
            .and_then(|json| match serde_json::from_str(&json) {
                Ok(FieldValue::Date(d)) => Some(d),
                _ => None,
            });
        Ok(DocumentDetail {
            summary,
            subject_name,
            collection,
            fields,
            current_version: current.map(|c| c.parse()).transpose()?,
            legal_hold,
            retain_until,
        })
    }

    /// Documents (not in the trash) with concurrent versions waiting to be resolved, most
    /// recently updated first: how many there are, and the first `limit` ids and titles.
    pub fn concurrent_documents(&self, limit: u32) -> Result<(u64, Vec<(DocId, String)>)> {
        let count: i64 = self.conn.query_row(
            "SELECT count(*) FROM documents WHERE concurrent AND NOT trashed",
            [],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(
            "SELECT id, title FROM documents WHERE concurrent AND NOT trashed
             ORDER BY updated_ms DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let docs = rows
            .into_iter()
            .map(|(id, title)| Ok((id.parse()?, title)))
            .collect::<Result<_>>()?;
        Ok((count as u64, docs))
    }

    /// All versions of a document, oldest first, numbered from 1.
    pub fn versions(&self, doc: DocId) -> Result<Vec<VersionInfo>> {
        let current: Option<String> = self
            .conn
            .query_row(
                "SELECT current_version FROM documents WHERE id = ?1",
                [doc.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NoSuchDocument {
                reference: doc.to_string(),
            })?;
        let mut stmt = self.conn.prepare(
            "SELECT id, size, mime, file_name, created_ms, author, device, note, restored_from, manifest, content_hash, file_mtime_ms, parents, content_key, record_key
             FROM versions WHERE doc = ?1 ORDER BY stamp",
        )?;
        let mut out: Vec<VersionInfo> = Vec::new();
        let rows = stmt.query_map([doc.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Vec<u8>>(9)?,
                r.get::<_, Vec<u8>>(10)?,
                r.get::<_, Option<i64>>(11)?,
                r.get::<_, String>(12)?,
                r.get::<_, Option<String>>(13)?,
                r.get::<_, Option<Vec<u8>>>(14)?,
            ))
        })?;
        for row in rows {
            let (
                id,
                size,
                mime,
                file_name,
                created,
                author,
                device,
                note,
                restored,
                manifest,
                hash,
                mtime,
                parents,
                content_key,
                record_key,
            ) = row?;
            let restored_from_id: Option<VersionId> = restored.map(|r| r.parse()).transpose()?;
            let restored_from =
                restored_from_id.and_then(|r| out.iter().find(|v| v.id == r).map(|v| v.number));
            out.push(VersionInfo {
                number: out.len() as u32 + 1,
                current: Some(&id) == current.as_ref(),
                head: true,
                parents: serde_json::from_str(&parents)?,
                id: id.parse()?,
                size: size as u64,
                mime,
                file_name,
                created: rfc3339(created),
                author,
                device,
                note,
                restored_from,
                restored_from_id,
                manifest: Manifest::from_bytes(&manifest)?,
                content_hash: ContentHash::from_slice(&hash)?,
                file_mtime_ms: mtime,
                content_key: content_key
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()?,
                record_key: record_key
                    .as_deref()
                    .map(RecordKeyId::from_slice)
                    .transpose()?,
            });
        }
        let descended: std::collections::HashSet<VersionId> =
            out.iter().flat_map(|v| v.parents.iter().copied()).collect();
        for v in &mut out {
            v.head = !descended.contains(&v.id);
        }
        Ok(out)
    }

    /// The document (and its title) that already holds this exact content, if any.
    /// The content hashes of every document's versions (what [`Catalog::find_content`]
    /// finds).
    pub fn content_hashes(&self) -> Result<std::collections::HashSet<ContentHash>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT v.content_hash FROM versions v JOIN documents d ON d.id = v.doc",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
        let mut out = std::collections::HashSet::new();
        for hash in rows {
            out.insert(ContentHash::from_slice(&hash?)?);
        }
        Ok(out)
    }

    pub fn find_content(&self, hash: &ContentHash) -> Result<Option<(DocId, String)>> {
        self.conn
            .query_row(
                "SELECT d.id, d.title FROM versions v JOIN documents d ON d.id = v.doc
                 WHERE v.content_hash = ?1 ORDER BY d.trashed, v.stamp LIMIT 1",
                [&hash.0[..]],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .map(|(d, t)| Ok((d.parse()?, t)))
            .transpose()
    }

    /// Where a chunk is stored, if the catalog knows it.
    pub fn chunk(&self, id: &ChunkId) -> Result<Option<ChunkLocation>> {
        // A pack that is not dropped first; a dropped one while it is still there.
        let mut stmt = self.conn.prepare_cached(
            "SELECT pack, offset, sealed_len, plain_len FROM chunks WHERE id = ?1
             ORDER BY pack IN (SELECT pack FROM dropped_packs), pack LIMIT 1",
        )?;
        stmt.query_row([&id.0[..]], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, i64>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })
        .optional()?
        .map(|(p, o, s, l)| {
            Ok(ChunkLocation {
                pack: PackId::from_slice(&p)?,
                offset: o as u64,
                sealed_len: s,
                plain_len: l,
            })
        })
        .transpose()
    }

    /// Chunks an import may reuse instead of storing again: those with a copy in a pack
    /// that is not dropped and that `present` says is on this desktop (so a copy can
    /// always be made here should that pack be dropped later).
    pub fn reusable_chunks(
        &self,
        present: impl Fn(&PackId) -> bool,
    ) -> Result<std::collections::HashSet<ChunkId>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, pack FROM chunks WHERE pack NOT IN (SELECT pack FROM dropped_packs)
             ORDER BY pack",
        )?;
        let mut here: Option<(Vec<u8>, bool)> = None;
        let mut out = std::collections::HashSet::new();
        for row in stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
        })? {
            let (id, pack) = row?;
            let is_here = match &here {
                Some((p, yes)) if *p == pack => *yes,
                _ => {
                    let yes = present(&PackId::from_slice(&pack)?);
                    here = Some((pack, yes));
                    yes
                }
            };
            if is_here {
                out.insert(ChunkId::from_slice(&id)?);
            }
        }
        Ok(out)
    }

    /// Every pack the catalog knows, with its size.
    pub fn packs(&self) -> Result<Vec<(PackId, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, size FROM packs ORDER BY id")?;
        let packs = stmt
            .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?
            .map(|row| {
                let (id, size) = row?;
                Ok((PackId::from_slice(&id)?, size as u64))
            })
            .collect::<Result<_>>()?;
        Ok(packs)
    }

    /// Documents with a version whose content is not under the keys of the collection
    /// that seals the one the document is in (`None`: "all"), given the collections with
    /// keys (`keyed`; `members::sealing_collection`): what re-sealing would change.
    /// Content under the library's key counts as sealed in "all" as `library_key` says.
    pub fn missealed(
        &self,
        keyed: &std::collections::BTreeSet<String>,
        library_key: LibraryKeyContent,
    ) -> Result<Vec<(DocId, Option<String>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT v.doc, d.collection, json_extract(v.content_key, '$.collection')
             FROM versions v JOIN documents d ON d.id = v.doc
             WHERE coalesce(json_extract(v.content_key, '$.collection'), 'all')
                 != coalesce(d.collection, 'all')
                 OR (?1 AND v.content_key IS NULL)
             ORDER BY v.doc",
        )?;
        let again = library_key == LibraryKeyContent::SealAgain;
        let rows = stmt.query_map([again], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out: Vec<(DocId, Option<String>)> = Vec::new();
        for row in rows {
            let (doc, collection, sealed) = row?;
            let target = crate::members::sealing_collection(keyed, collection.as_deref());
            let due = match (sealed.as_deref(), library_key) {
                (None, LibraryKeyContent::SealAgain) => keyed.contains(target),
                (sealed, _) => sealed.unwrap_or(ALL_COLLECTION) != target,
            };
            let doc: DocId = doc.parse()?;
            if due && out.last().is_none_or(|(d, _)| *d != doc) {
                out.push((doc, collection));
            }
        }
        Ok(out)
    }

    /// The packs sealed under a collection's key, with it (every other pack is under the
    /// library's own).
    pub fn pack_keys(&self) -> Result<std::collections::HashMap<PackId, ContentKey>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, content_key FROM packs WHERE content_key IS NOT NULL")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, key) = row?;
            out.insert(PackId::from_slice(&id)?, serde_json::from_str(&key)?);
        }
        Ok(out)
    }

    /// Chunks stored in one pack, with their locations.
    pub fn chunks_in_pack(&self, pack: &PackId) -> Result<Vec<(ChunkId, ChunkLocation)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, offset, sealed_len, plain_len FROM chunks WHERE pack = ?1 ORDER BY offset",
        )?;
        let rows = stmt
            .query_map([&pack.0[..]], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            })?
            .map(|row| {
                let (id, o, s, l) = row?;
                Ok((
                    ChunkId::from_slice(&id)?,
                    ChunkLocation {
                        pack: *pack,
                        offset: o as u64,
                        sealed_len: s,
                        plain_len: l,
                    },
                ))
            })
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Every version: (document, version id, version manifest, size).
    pub fn all_versions(&self) -> Result<Vec<(DocId, VersionId, Manifest, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc, id, manifest, size FROM versions ORDER BY doc, stamp")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?
            .map(|row| {
                let (d, v, m, s) = row?;
                Ok((d.parse()?, v.parse()?, Manifest::from_bytes(&m)?, s as u64))
            })
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// The stamps of the current adds of `tag` on `doc` (what a removal observes).
    pub fn tag_adds(&self, doc: DocId, tag: &str) -> Result<Vec<Stamp>> {
        let mut stmt = self
            .conn
            .prepare("SELECT add_stamp FROM tags WHERE doc = ?1 AND tag = ?2")?;
        let rows = stmt
            .query_map(params![doc.to_string(), tag], |r| r.get::<_, String>(0))?
            .map(|k| Stamp::parse(&k?))
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Whether any version is here (a library with records).
    pub fn holds_versions(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM versions LIMIT 1")?
            .exists([])?)
    }

    /// Counts for `dossier stats`: (documents, versions, logical bytes, chunks, packs).
    pub fn counts(&self) -> Result<(u64, u64, u64, u64, u64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM versions),
                    (SELECT coalesce(sum(size), 0) FROM versions), (SELECT count(DISTINCT id) FROM chunks),
                    (SELECT count(*) FROM packs WHERE id NOT IN (SELECT pack FROM dropped_packs))",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)? as u64,
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, i64>(2)? as u64,
                    r.get::<_, i64>(3)? as u64,
                    r.get::<_, i64>(4)? as u64,
                ))
            },
        )?)
    }
}
