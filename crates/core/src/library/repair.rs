//! Rebuilding the catalog from the library's own store (`dossier repair
//! --rebuild-catalog`): every document, version, tag, field, hold, pack and audit event is
//! an operation in the store journal (`store/journal/`), so replaying it gives the catalog
//! back; the jobs and the search index are derived from it again afterwards.
//!
//! **Invariant:** a rebuild never deletes a catalog: the one that was there is moved to
//! `catalog-replaced/<time>/`, and the new one is built in `catalog.rebuild.sqlite` and
//! renamed into place only when complete, so a rebuild killed at any moment can be run
//! again.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Library, LockedLibrary, Secret, lock, read_key_file};
use crate::catalog::{Catalog, CatalogMode};
use crate::error::{Error, IoContext, Result};
use crate::format::library_json::LibraryJson;
use crate::format::store_journal::{self, StoreSegment};
use crate::ids::LibraryId;
use crate::keys::{self, Identity, LibraryKey, MasterKey};
use crate::store::{Store, sync_dir};

/// The catalog's files, in the order they are set aside.
const CATALOG_FILES: [&str; 3] = ["catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"];
/// The extension of a `catalog-replaced/` folder still being filled.
const PARTIAL: &str = "partial";
const REBUILD_FILE: &str = "catalog.rebuild.sqlite";

/// What [`CatalogRepair::rebuild_catalog`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RebuildReport {
    /// Store journal segments replayed.
    pub segments: u64,
    /// Operations they held.
    pub operations: u64,
    pub documents: u64,
    pub versions: u64,
    /// Segment numbers with no file: their operations could not be restored.
    pub missing_segments: Vec<u64>,
    /// Segment files that failed their authentication: not replayed.
    pub damaged_segments: Vec<u64>,
    /// Where the catalog that was there went (it is never deleted).
    pub set_aside: Option<PathBuf>,
}

/// A step of a rebuild, for progress displays.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RebuildEvent {
    /// The store journal has this many segments.
    Planned { segments: u64 },
    /// One segment replayed into the new catalog.
    Replayed { seq: u64 },
    /// The old catalog is set aside and the new one in place.
    Replaced,
}

/// What a secret opened for [`CatalogRepair::rebuild_catalog`]: the library's key (or
/// the members' key) and, when a person signed in, their identity.
#[derive(Debug)]
pub struct RepairKey {
    key: LibraryKey,
    person: Option<Identity>,
}

/// A library opened for repair: the writer lock and the key slots, but not the catalog
/// (which may be missing or damaged).
#[derive(Debug)]
pub struct CatalogRepair {
    root: PathBuf,
    meta: LibraryJson,
    lock: lock::WriterLock,
}

impl CatalogRepair {
    /// Take the writer lock of the library at `root`.
    pub fn open(root: &Path) -> Result<Self> {
        if !root.join("library.json").is_file() {
            return Err(Error::NotALibrary(root.to_owned()));
        }
        let lock = lock::WriterLock::acquire(root)?;
        let meta = LibraryJson::read(&root.join("library.json"))?;
        Ok(Self {
            root: root.to_owned(),
            meta,
            lock,
        })
    }

    pub fn library_id(&self) -> LibraryId {
        self.meta.library_id
    }

    /// The key a passphrase, recovery key or person's sign-in opens (with the person's
    /// identity, which opens a department member's own folder).
    pub fn unlock(&self, secret: &Secret) -> Result<RepairKey> {
        let (key, person) =
            keys::unwrap_with_person(&read_key_file(&self.root, self.library_id())?, secret)?;
        self.checked(RepairKey { key, person })
    }

    /// A key from elsewhere (the OS keyring), checked against the key slots.
    pub fn check_key(&self, key: MasterKey) -> Result<RepairKey> {
        self.checked(RepairKey {
            key: LibraryKey::Library(key),
            person: None,
        })
    }

    fn checked(&self, key: RepairKey) -> Result<RepairKey> {
        if !key.key.fits(&read_key_file(&self.root, self.library_id())?) {
            return Err(Error::WrongPassphrase);
        }
        Ok(key)
    }

    /// Replay the store journal into a new catalog, set the old one aside, and open the
    /// library for writing with its search index emptied (every document is queued for
    /// processing and indexing again).
    pub fn rebuild_catalog(
        self,
        key: RepairKey,
        progress: &mut dyn FnMut(RebuildEvent),
    ) -> Result<(Library, RebuildReport)> {
        let RepairKey { key, person } = self.checked(key)?;
        let local = key.local(&self.meta, person.as_ref())?;
        let crypto = local.crypto();
        let device = self.meta.device_id;
        let store = Store::open(&self.root.join("store"))?;
        let on_disk = store.journal_segments(device)?;
        let Some(&last) = on_disk.last() else {
            return Err(Error::NoStoreJournal(self.root.join("store")));
        };
        progress(RebuildEvent::Planned { segments: last });
        let mut report = RebuildReport::default();

        let tmp = self.root.join(REBUILD_FILE);
        for leftover in [
            tmp.clone(),
            with_suffix(&tmp, "-wal"),
            with_suffix(&tmp, "-shm"),
        ] {
            match std::fs::remove_file(&leftover) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).io("remove", &leftover),
            }
        }
        let mut catalog = Catalog::open(
            &tmp,
            self.library_id(),
            device,
            CatalogMode::Create,
            &local.catalog_key(),
        )?;
        catalog.pin_owner(self.meta.owner_key.clone());
        catalog.start_rebuild()?;
        for seq in 1..=last {
            let segment = match store.read_journal_segment(device, seq)? {
                None => {
                    report.missing_segments.push(seq);
                    None
                }
                Some(body) => match store_journal::open(&crypto, device, seq, &body) {
                    Ok(segment) => Some(segment),
                    Err(Error::Integrity { .. }) => {
                        report.damaged_segments.push(seq);
                        None
                    }
                    Err(e) => return Err(e),
                },
            };
            match segment {
                Some(segment) => {
                    report.operations += segment.ops.len() as u64;
                    catalog.apply_store_segment(&segment)?;
                    report.segments += 1;
                }
                // The number stays taken (an empty segment), so the catalog is not
                // behind the files on disk and no later transaction reuses it.
                None => {
                    catalog.apply_store_segment(&StoreSegment {
                        device,
                        seq,
                        received: None,
                        ops: Vec::new(),
                        link: None,
                        from: None,
                        withheld: None,
                    })?;
                }
            }
            progress(RebuildEvent::Replayed { seq });
        }
        // The journal was already known to be incomplete (it began with an existing
        // catalog): the rebuilt catalog says so too.
        if let Some(why) = store.journal_incomplete()? {
            catalog.mark_journal_incomplete(&why)?;
        }
        if !report.missing_segments.is_empty() || !report.damaged_segments.is_empty() {
            catalog.mark_journal_incomplete(crate::catalog::REBUILT_INCOMPLETE)?;
            // What the lost segments held may also be behind the marks of sync: take
            // every remote segment in again (applying is idempotent).
            catalog.forget_received_segments()?;
        }
        catalog.finish_rebuild()?;
        crate::store::sync_file(&tmp)?;

        report.set_aside = self.set_aside()?;
        let path = self.root.join(CATALOG_FILES[0]);
        std::fs::rename(&tmp, &path).io("rename", &path)?;
        sync_dir(&self.root)?;
        progress(RebuildEvent::Replaced);

        let mut lib =
            LockedLibrary::with_lock(&self.root, Some(self.lock))?.unlock_with(key, person)?;
        lib.reindex()?;
        let (documents, versions, ..) = lib.catalog.counts()?;
        report.documents = documents;
        report.versions = versions;
        Ok((lib, report))
    }

    /// Move the catalog's files (those there are) into a new `catalog-replaced/<time>/`,
    /// together: they are gathered in `<time>.partial/`, which is renamed once all are in,
    /// and a set-aside a crash interrupted is finished first (its files belong together:
    /// a catalog without its write-ahead log lacks its last transactions).
    fn set_aside(&self) -> Result<Option<PathBuf>> {
        let replaced = self.root.join("catalog-replaced");
        let interrupted = match std::fs::read_dir(&replaced) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|x| x == PARTIAL)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).io("read", &replaced),
        };
        let present: Vec<&str> = CATALOG_FILES
            .into_iter()
            .filter(|f| self.root.join(f).exists())
            .collect();
        if present.is_empty() && interrupted.is_none() {
            return Ok(None);
        }
        let partial = match interrupted {
            Some(p) => p,
            None => {
                let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
                replaced.join(format!("{stamp}.{PARTIAL}"))
            }
        };
        crate::fsx::create_private_dirs(&partial).io("create", &partial)?;
        for f in present {
            let to = partial.join(f);
            std::fs::rename(self.root.join(f), &to).io("move", &to)?;
        }
        sync_dir(&partial)?;
        let dir = partial.with_extension("");
        std::fs::rename(&partial, &dir).io("rename", &dir)?;
        sync_dir(&replaced)?;
        Ok(Some(dir))
    }
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}
