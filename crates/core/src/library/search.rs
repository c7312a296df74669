//! The library's search index: kept in step with the catalog, rebuilt when unusable, and
//! searched with snippets from the catalog's page texts.

use std::path::PathBuf;
use std::sync::Arc;

use super::Library;
use crate::error::{Error, Result};
use crate::index::{SearchIndex, SearchRequest, SearchResults, Unusable};
use crate::keys::FolderKey;

/// Documents indexed per commit.
const INDEX_BATCH: usize = 512;

/// The index as a library handle holds it (one per handle, so its size does not matter).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum IndexState {
    Ready(SearchIndex),
    /// Opened read-only and not usable; searches say why.
    Unusable,
}

impl Unusable {
    fn into_error(self) -> Error {
        match self {
            Unusable::Missing => Error::IndexUnavailable {
                reason: "the search index has not been built yet",
            },
            Unusable::OldSchema => Error::IndexUnavailable {
                reason: "the search index was made by an older Dossier",
            },
            Unusable::Damaged(e) => e,
        }
    }
}

pub(crate) fn index_dir(root: &std::path::Path) -> PathBuf {
    root.join("index")
}

impl Library {
    /// Bring the index up to date with the catalog (writer only): index every queued
    /// document, commit, then take it off the queue. Returns how many were indexed.
    pub fn refresh_index(&mut self) -> Result<u64> {
        if !self.is_writer() {
            return Err(Error::ReadOnly);
        }
        let IndexState::Ready(index) = &mut self.index else {
            return Err(Error::Stopped("writer without a search index"));
        };
        let mut n = 0u64;
        loop {
            let docs = self.catalog.index_queue(INDEX_BATCH)?;
            if docs.is_empty() {
                if n > 0 {
                    index.settle()?;
                }
                // Nothing left to do: give back the catalog's cache, so an idle app is small.
                self.catalog.release_memory()?;
                return Ok(n);
            }
            let mut batch = Vec::with_capacity(docs.len());
            for d in &docs {
                batch.push((*d, self.catalog.index_record(*d)?));
            }
            index.update(batch)?;
            self.catalog.index_done(&docs)?;
            n += docs.len() as u64;
        }
    }

    /// Rewrite the index's segments without the entries deleted from them (after a
    /// destruction), so no index file keeps their words.
    pub(super) fn expunge_index(&mut self) -> Result<()> {
        match &mut self.index {
            IndexState::Ready(index) => index.expunge(),
            _ => Err(Error::Stopped("writer without a search index")),
        }
    }

    /// Throw the index away and build it again from the catalog (writer only).
    pub fn reindex(&mut self) -> Result<u64> {
        if !self.is_writer() {
            return Err(Error::ReadOnly);
        }
        self.catalog.queue_all_for_index()?;
        // Drop the old index (and its writer's lock) before removing its files.
        self.index = IndexState::Unusable;
        self.index = IndexState::Ready(SearchIndex::recreate(
            &index_dir(&self.root),
            &Arc::new(self.local.index_key()),
        )?);
        self.refresh_index()
    }

    /// Search the library. Documents changed since the last [`refresh_index`]
    /// (`Library::refresh_index`) show in their previous form. A read-only handle
    /// first picks up the writer's latest commit.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let reopened;
        let index = match &self.index {
            IndexState::Ready(i) => {
                if !self.is_writer() {
                    i.reload()?;
                }
                i
            }
            IndexState::Unusable => {
                reopened =
                    SearchIndex::open(&index_dir(&self.root), &Arc::new(self.local.index_key()))
                        .map_err(Unusable::into_error)?;
                &reopened
            }
        };
        let mut is_field = |name: &str| self.catalog.has_field(name).unwrap_or(false);
        index.search(req, &mut is_field)
    }
}

/// Open (or, for the writer, rebuild) the index of a library being opened.
pub(crate) fn open_index(
    root: &std::path::Path,
    key: &FolderKey,
    catalog: &mut crate::catalog::Catalog,
    access: super::Access,
) -> Result<IndexState> {
    let dir = index_dir(root);
    let key = Arc::new(key.index_key());
    match SearchIndex::open(&dir, &key) {
        Ok(i) => Ok(IndexState::Ready(i)),
        Err(_) if access == super::Access::Read => Ok(IndexState::Unusable),
        Err(_) => {
            // Queue first: if we stop before the new index is filled, the queue says so.
            catalog.queue_all_for_index()?;
            Ok(IndexState::Ready(SearchIndex::recreate(&dir, &key)?))
        }
    }
}
