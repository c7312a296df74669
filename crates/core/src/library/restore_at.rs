//! `restore_library_at`: the library as it was at a past moment, rebuilt in a new folder
//! from the journal of operations (every operation made up to that moment, applied in
//! order) and the packs those operations announced.
//!
//! The copy keeps the library's id and key slots (the same passphrase and recovery key
//! open it) and gets a device id of its own; it has no remote, so it stays as it was.

use std::path::Path;

use serde::Serialize;

use super::{Library, sync::check_empty};
use crate::error::{IoContext, Result};
use crate::format::op::OpKind;

/// What [`Library::restore_library_at`] made.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RestoredLibrary {
    /// Operations replayed.
    pub operations: u64,
    pub documents: u64,
    pub versions: u64,
    /// Packs linked or copied into the new library.
    pub packs: u64,
    /// Packs the moment needs that this desktop has not downloaded: the documents are
    /// listed, their content cannot be read until the packs are fetched.
    pub packs_not_here: u64,
}

const BATCH: usize = 10_000;

impl Library {
    /// Rebuild the library as it was at `at_ms` (milliseconds since the Unix epoch) in
    /// `dest`, which must not exist or be empty. Returns the new library, open for
    /// writing (its text and thumbnails are made by processing, as after an import).
    pub fn restore_library_at(
        &self,
        at_ms: u64,
        dest: &Path,
    ) -> Result<(Library, RestoredLibrary)> {
        check_empty(dest)?;
        let mut copy = Library::make(
            dest,
            &self.key_file()?,
            self.key.clone(),
            self.person.as_ref().map(crate::keys::Identity::duplicate),
            self.meta.owner_key.clone(),
        )?;
        let mut report = RestoredLibrary::default();
        let source = self.store.clone();
        let target = copy.store.clone();
        self.catalog.ops_until(at_ms, BATCH, &mut |ops| {
            report.operations += ops.len() as u64;
            for op in &ops {
                let OpKind::PackAdded { pack, .. } = &op.kind else {
                    continue;
                };
                let (from, to) = (source.pack_path(pack), target.pack_path(pack));
                if !from.is_file() {
                    report.packs_not_here += 1;
                    continue;
                }
                if let Some(dir) = to.parent() {
                    std::fs::create_dir_all(dir).io("create", dir)?;
                }
                // Packs never change: a hard link shares the bytes; else copy them.
                if std::fs::hard_link(&from, &to).is_err() {
                    std::fs::copy(&from, &to).io("copy", &to)?;
                }
                report.packs += 1;
            }
            copy.writer()?.apply_accepted(&ops)?;
            copy.flush_store_journal()
        })?;
        // The records' own keys, which the copy's desktop holds no erasure key to open.
        let keys = self.catalog.record_keys_all()?;
        for (epoch, keys) in keys {
            copy.writer()?
                .keep_record_keys(&keys, epoch, crate::catalog::KeepKey::Update)?;
        }
        let (documents, versions, ..) = copy.catalog.counts()?;
        report.documents = documents;
        report.versions = versions;
        Ok((copy, report))
    }
}
