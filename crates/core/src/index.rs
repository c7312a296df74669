//! The full-text search index (Tantivy) under `index/`: derived from the catalog, never
//! the only copy of anything, and sealed like the rest of the library (`IndexDirectory`).
//!
//! **Invariant:** the catalog's `index_queue` names every document whose indexed form may
//! be stale. A document leaves the queue only after the index commit that contains its
//! new form, so a crash at any point re-indexes (idempotently: delete, then add) instead
//! of losing an update.
//!
//! An index that is missing, unreadable or of an older [`INDEX_SCHEMA_VERSION`] is
//! recreated empty and every document is queued again ([`SearchIndex::open`] says so).

pub(crate) mod directory;
mod query;
mod record;
mod schema;
mod search;
mod snippet;
mod top_people;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::indexer::LogMergePolicy;
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Term};

/// The query parser (for the words a page marks, and the fuzz target).
pub(crate) use query::parse;
pub use record::{Card, IndexRecord};
pub use schema::INDEX_SCHEMA_VERSION;
pub use search::{Facets, SearchHit, SearchRequest, SearchResults, SortOrder};

use crate::error::{Error, IoContext, Result};
use crate::format::index_meta::{IndexMeta, META_FILE};
use crate::ids::DocId;
use crate::keys::IndexKey;
use directory::IndexDirectory;
use schema::Fields;

/// Memory for the one indexing thread (Tantivy's minimum is 15 MB).
const WRITER_MEMORY: usize = 48 * 1024 * 1024;
/// Small segments merged together once there are this many of one size. Every commit
/// writes a segment and each one costs every search a little; Tantivy's default (8)
/// leaves up to seven small ones after a batch of updates.
const MERGE_AT_SEGMENTS: usize = 4;

/// Why an existing index cannot be used as it is.
#[derive(Debug)]
pub enum Unusable {
    Missing,
    /// Written with another schema version.
    OldSchema,
    Damaged(Error),
}

/// An open search index: a reader always, a writer once something is written.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Option<IndexWriter>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("writer", &self.writer.is_some())
            .finish_non_exhaustive()
    }
}

/// A handle on a Tantivy index with our analyzer registered and a reader that reloads
/// after our own commits.
fn handle(dir: &Path, index: Index, fields: Fields) -> Result<SearchIndex> {
    index
        .tokenizers()
        .register(schema::WORDS, schema::words_analyzer());
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .doc_store_cache_num_blocks(schema::STORE_CACHE_BLOCKS)
        .try_into()?;
    Ok(SearchIndex {
        dir: dir.to_owned(),
        index,
        reader,
        fields,
        writer: None,
    })
}

impl SearchIndex {
    /// Open the index in `dir` as it is, its files sealed with `key`.
    pub(crate) fn open(dir: &Path, key: &Arc<IndexKey>) -> std::result::Result<Self, Unusable> {
        let meta_path = dir.join(META_FILE);
        let bytes = match std::fs::read(&meta_path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Missing),
            Err(source) => {
                return Err(Unusable::Damaged(Error::Io {
                    action: "read",
                    path: meta_path,
                    source,
                }));
            }
        };
        let meta: IndexMeta = serde_json::from_slice(&bytes).map_err(|source| {
            Unusable::Damaged(Error::Json {
                path: meta_path.clone(),
                source,
            })
        })?;
        if meta.schema != INDEX_SCHEMA_VERSION {
            return Err(Unusable::OldSchema);
        }
        let open = || -> Result<Self> {
            let index = Index::open(IndexDirectory::open(dir, key.clone())?)?;
            let fields = schema::fields_of(&index.schema()).ok_or(Error::Integrity {
                object: "search index".into(),
                detail: "its schema lacks fields this version needs",
            })?;
            let opened = handle(dir, index, fields)?;
            // Open every segment now, so damage shows here rather than in a search.
            for seg in opened.reader.searcher().segment_readers() {
                seg.inverted_index(opened.fields.body)?;
                seg.fast_fields().date("date")?;
            }
            Ok(opened)
        };
        open().map_err(Unusable::Damaged)
    }

    /// A read-only handle on the same index with its own reader. It shares this handle's
    /// open files (the parts of each file Tantivy keeps are in memory once per process,
    /// not once per handle).
    pub fn share(&self) -> Result<Self> {
        handle(&self.dir, self.index.clone(), self.fields.clone())
    }

    /// Remove whatever is in `dir` and create an empty index there. The caller queues
    /// every document first, so a crash in between loses nothing.
    pub(crate) fn recreate(dir: &Path, key: &Arc<IndexKey>) -> Result<Self> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).io("remove", dir)?;
        }
        crate::fsx::create_private_dirs(dir).io("create", dir)?;
        let (schema, fields) = schema::build();
        let index = Index::create(
            IndexDirectory::open(dir, key.clone())?,
            schema,
            IndexSettings {
                docstore_blocksize: schema::STORE_BLOCK_BYTES,
                ..IndexSettings::default()
            },
        )?;
        let created = handle(dir, index, fields)?;
        let meta = serde_json::to_vec(&IndexMeta {
            schema: INDEX_SCHEMA_VERSION,
        })?;
        let meta_path = dir.join(META_FILE);
        std::fs::write(&meta_path, meta).io("write", &meta_path)?;
        crate::fsx::make_private_file(&meta_path).io("protect", &meta_path)?;
        Ok(created)
    }

    /// Replace the indexed form of documents (`None`: the document is gone) and commit.
    /// Returns once the commit is durable and visible to searches.
    pub fn update(&mut self, docs: Vec<(DocId, Option<IndexRecord>)>) -> Result<()> {
        if docs.is_empty() {
            return Ok(());
        }
        let fields = self.fields.clone();
        let writer = self.writer()?;
        for (id, record) in docs {
            writer.delete_term(Term::from_field_bytes(fields.id, id.0.as_bytes()));
            if let Some(r) = record {
                writer.add_document(r.to_document(&fields))?;
            }
        }
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// This handle's writer, opened on first use.
    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            let w: IndexWriter = self.index.writer_with_num_threads(1, WRITER_MEMORY)?;
            let mut policy = LogMergePolicy::default();
            policy.set_min_num_segments(MERGE_AT_SEGMENTS);
            w.set_merge_policy(Box::new(policy));
            self.writer = Some(w);
        }
        Ok(self.writer.as_mut().expect("opened above"))
    }

    /// Rewrite every segment that holds deleted documents without them and delete the
    /// files it replaces: after a destruction, no index file keeps a destroyed record's
    /// words (a deletion alone only marks them).
    pub fn expunge(&mut self) -> Result<()> {
        let with_deletes: Vec<_> = self
            .index
            .searchable_segment_metas()?
            .into_iter()
            .filter(|m| m.has_deletes())
            .map(|m| m.id())
            .collect();
        let writer = self.writer()?;
        if !with_deletes.is_empty() {
            writer.merge(&with_deletes).wait()?;
        }
        self.settle()?;
        self.writer()?.garbage_collect_files().wait()?;
        self.settle()
    }

    /// See the latest commit (of this or another handle on the index).
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// Let the merges our commits started finish, close the writer (and free its
    /// memory), and show searches the merged segments. Called once a batch of updates
    /// is done; the next update opens a new writer.
    pub fn settle(&mut self) -> Result<()> {
        if let Some(w) = self.writer.take() {
            w.wait_merging_threads()?;
            self.reader.reload()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::format::extracted::{PageText, TextSource};

    fn record(n: u32) -> IndexRecord {
        IndexRecord {
            id: DocId::new(),
            title: format!("record {n}"),
            file_name: format!("record-{n}.txt"),
            doc_type: None,
            subject_id: None,
            subject_name: None,
            collection: None,
            tags: Vec::new(),
            fields: Default::default(),
            date_ms: 1_700_000_000_000,
            added_ms: 1_700_000_000_000,
            trashed: false,
            status: "done",
            size: 100,
            mime: "text/plain".into(),
            versions: 1,
            pages: vec![PageText {
                page: 1,
                source: TextSource::Layer,
                text: "attendance register for the spring term".into(),
            }],
        }
    }

    #[test]
    fn settle_merges_the_segments_of_many_small_commits() {
        let dir = tempfile::tempdir().unwrap();
        let key = Arc::new(crate::keys::MasterKey::generate().folder_key().index_key());
        let mut index = SearchIndex::recreate(dir.path(), &key).unwrap();
        for n in 0..12 {
            let r = record(n);
            index.update(vec![(r.id, Some(r))]).unwrap();
        }
        index.settle().unwrap();
        let segments = index.reader.searcher().segment_readers().len();
        // Tantivy's default policy would leave 5 (one merge of 8, then 4 more).
        assert!(segments <= 3, "{segments} segments after settling");
        let found = index
            .search(
                &SearchRequest {
                    query: "attendance".into(),
                    limit: 20,
                    ..SearchRequest::default()
                },
                &mut |_| false,
            )
            .unwrap();
        assert_eq!(found.total, 12);
        // The writer is closed; the next update opens a new one.
        let r = record(12);
        index.update(vec![(r.id, Some(r))]).unwrap();
        assert!(index.writer.is_some());
    }

    #[test]
    fn the_person_facet_is_the_busiest_people_exactly_across_segments() {
        let dir = tempfile::tempdir().unwrap();
        let key = Arc::new(crate::keys::MasterKey::generate().folder_key().index_key());
        let mut index = SearchIndex::recreate(dir.path(), &key).unwrap();
        // Three commits, three segments, each with its own busiest people: some are busy
        // everywhere without being the busiest of any one segment. The first segment has
        // few people (looked up one by one), the others many (read in order).
        let mut expected: BTreeMap<String, u64> = BTreeMap::new();
        for (s, (docs, people)) in [(90u32, 37u32), (400, 331), (500, 401)]
            .into_iter()
            .enumerate()
        {
            let s = s as u32;
            let mut batch = Vec::new();
            for j in 0..docs {
                let mut r = record(s * 1000 + j);
                let person = format!("S-{:03}", (j * (s + 3) + s * 7) % people);
                *expected.entry(person.clone()).or_default() += 1;
                r.subject_id = Some(person);
                batch.push((r.id, Some(r)));
            }
            index.update(batch).unwrap();
        }
        assert!(index.reader.searcher().segment_readers().len() >= 2);
        let found = index
            .search(
                &SearchRequest {
                    facets: true,
                    limit: 1,
                    ..SearchRequest::default()
                },
                &mut |_| false,
            )
            .unwrap();
        let mut busiest: Vec<(String, u64)> = expected.into_iter().collect();
        busiest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        busiest.truncate(search::SUBJECT_FACET_TOP);
        let shown: Vec<(String, u64)> = {
            let mut v: Vec<_> = found.facets.subject.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        };
        assert_eq!(shown, busiest);
        // One person's documents: few people with matches, looked up one by one.
        let (first, n) = busiest[0].clone();
        let one = index
            .search(
                &SearchRequest {
                    facets: true,
                    limit: 1,
                    subject: Some(first.clone()),
                    ..SearchRequest::default()
                },
                &mut |_| false,
            )
            .unwrap();
        assert_eq!(
            one.facets.subject.into_iter().collect::<Vec<_>>(),
            [(first, n)]
        );
    }

    #[test]
    fn an_index_opens_only_with_its_key_and_holds_no_plain_text() {
        let dir = tempfile::tempdir().unwrap();
        let key = Arc::new(crate::keys::MasterKey::generate().folder_key().index_key());
        let mut index = SearchIndex::recreate(dir.path(), &key).unwrap();
        let r = record(1);
        index.update(vec![(r.id, Some(r))]).unwrap();
        index.settle().unwrap();
        drop(index);
        for e in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            assert!(!bytes.windows(10).any(|w| w == b"attendance"));
        }
        let again = SearchIndex::open(dir.path(), &key).unwrap();
        let found = again
            .search(
                &SearchRequest {
                    query: "attendance".into(),
                    limit: 5,
                    ..SearchRequest::default()
                },
                &mut |_| false,
            )
            .unwrap();
        assert_eq!(found.total, 1);
        drop(again);
        let other = Arc::new(crate::keys::MasterKey::generate().folder_key().index_key());
        assert!(matches!(
            SearchIndex::open(dir.path(), &other),
            Err(Unusable::Damaged(_))
        ));
    }
}
