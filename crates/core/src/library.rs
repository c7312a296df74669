//! A library on disk: create, open (read or write), unlock, and every operation on it.
//!
//! Lifecycle as types: [`LockedLibrary`] is open but has no key (catalog queries only);
//! [`LockedLibrary::unlock`] gives a [`Library`] that can read and write content.
//!
//! **Invariant:** only a process holding the [`WriterLock`](lock::WriterLock) migrates the
//! catalog, writes packs, commits operations or cleans up after a crash.

mod access;
mod chunk_keys;
mod collection_keys;
mod compare;
mod destroy;
mod disclosures;
mod edit;
mod erasure;
mod export;
mod hold;
mod import;
mod invite;
mod journal_keys;
mod journal_parts;
mod key_slots;
mod key_sync;
mod lock;
mod people;
mod person_export;
mod preview;
mod process;
mod prune;
mod purge;
mod redact;
mod repair;
mod reports;
mod requests;
mod reseal;
mod restore_at;
mod retention;
mod roster;
mod rules;
mod search;
mod subjects;
mod suggest;
mod sync;
#[cfg(test)]
pub(crate) mod test_support;
mod type_fields;
mod verify;
mod views;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use zeroize::Zeroizing;

pub use access::{SITTING_IDLE_MS, Viewing};
pub use collection_keys::CollectionAccess;
pub use compare::{CompareOptions, DiffLine, Hunk, LineOp, MetadataChange, TextState, VersionDiff};
pub use destroy::{CertificateCheck, DestructionEntry, DestructionReport};
pub use disclosures::{
    DisclosureEntry, DisclosureExportOptions, DisclosureExportReport, NewDisclosure,
    new_archive_password,
};
pub use erasure::{ErasureStatus, RecoveryCodeState};
pub use export::ExportAllReport;
pub use import::{ImportEvent, ImportOptions, ImportOutcome, ImportReport};
pub use invite::{InvitationEntry, InvitationState, NewInvitation, answer_invitation, own_answer};
pub use people::PersonEntry;
pub use person_export::PersonExportReport;
pub use preview::Preview;
pub use process::{MAX_ATTEMPTS, ProcessEvent, ProcessOptions, ProcessReport};
pub use prune::{PruneOptions, PruneReport, RemoteShredding};
pub use purge::{HeldDocument, PurgeReport};
pub use repair::{CatalogRepair, RebuildEvent, RebuildReport, RepairKey};
pub use requests::{NewRequest, RequestEntry};
pub use restore_at::RestoredLibrary;
pub use retention::{Disposition, DispositionState, describe as describe_rule};
pub use roster::{
    MAX_ROSTER_PEOPLE, Roster, RosterLine, RosterOptions, RosterReport, parse_roster,
};
pub use rules::RuleMatch;
pub use subjects::SubjectValues;
pub use suggest::{FilingSuggestion, MAX_LEARNED, PersonClue, PersonSuggestion};
pub use sync::{CacheReport, SEGMENT_OPS};
pub use verify::{AffectedDocument, VerifyReport};

use crate::catalog::{Catalog, CatalogMode};
use crate::error::{CatalogProblem, Error, IoContext, Result};
use crate::format::keyfile::{KEYFILE_FORMAT, KeyFile};
use crate::format::library_json::{LIBRARY_FORMAT, LibraryJson};
use crate::format::op::{AuditAction, AuditEvent, OpKind};
use crate::ids::{DeviceId, DocId, LibraryId, SubjectId, VersionId};
use crate::keys::{
    self, CatalogKey, Crypto, FolderKey, Identity, KdfParams, LibraryKey, MasterKey, OsKeyring,
    RecoveryKey, Secret,
};
use crate::store::{Recovery, Store};

/// Whether the library is opened for reading or holds the writer lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// Options for [`Library::create`].
#[derive(Debug)]
pub struct InitOptions {
    pub passphrase: Zeroizing<String>,
    pub kdf: KdfParams,
}

/// The default library folder in the platform's data directory.
pub fn default_library_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "dossier").map(|d| d.data_dir().join("library"))
}

/// The OS user name, for authorship and audit.
pub(crate) fn user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    // Write next to the target, then rename: a crash never leaves a half-written file.
    let tmp = path.with_extension("tmp");
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp).io("create", &tmp)?;
        std::io::Write::write_all(&mut f, bytes).io("write", &tmp)?;
        f.sync_all().io("sync", &tmp)?;
    }
    std::fs::rename(&tmp, path).io("rename", path)?;
    // The rename itself made durable: `library.json` is what makes a folder a library,
    // and a department member's holds the only copy of its key.
    match path.parent() {
        Some(dir) => crate::store::sync_dir(dir),
        None => Ok(()),
    }
}

/// `keys.json` of the library `library_id` in `root`.
fn read_key_file(root: &Path, library_id: LibraryId) -> Result<KeyFile> {
    let p = root.join("keys.json");
    let bytes = std::fs::read(&p).io("read", &p)?;
    let kf: KeyFile = serde_json::from_slice(&bytes).map_err(|source| Error::Json {
        path: p.clone(),
        source,
    })?;
    if kf.format > KEYFILE_FORMAT {
        return Err(Error::TooNew {
            what: "keys.json",
            found: kf.format,
            supported: KEYFILE_FORMAT,
        });
    }
    if kf.library_id != library_id {
        return Err(Error::Integrity {
            object: "keys.json".into(),
            detail: "belongs to another library",
        });
    }
    Ok(kf)
}

/// Refuse to open for writing a catalog that is missing, empty, unreadable or older than
/// the store journal: writing to it (and cleaning up the store around it) would lose what
/// only the store still holds.
fn check_catalog(path: &Path, key: &CatalogKey, device: DeviceId, store: &Store) -> Result<()> {
    let state = Catalog::inspect(path, key)?;
    let on_disk = store.last_journal_segment(device)?;
    let catalog = state.last_store_segment.unwrap_or(0);
    let problem = if on_disk > catalog {
        Some(CatalogProblem::Behind {
            catalog,
            store: on_disk,
        })
    } else if state.last_store_segment.is_none() && !state.has_ops {
        // From before the store journal: an empty catalog beside packs is a lost one.
        let packs = store.pack_files()?.len();
        (packs > 0).then_some(CatalogProblem::NoRecords { packs })
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Error::CatalogUnusable {
            path: path.to_owned(),
            problem,
        }),
        None => Ok(()),
    }
}

/// A library folder opened without its key: nothing in it can be read yet (the catalog is
/// encrypted too). Unlocking opens the catalog, then recovers the store.
#[derive(Debug)]
pub struct LockedLibrary {
    root: PathBuf,
    meta: LibraryJson,
    lock: Option<lock::WriterLock>,
}

impl LockedLibrary {
    /// Open the library at `root`. With [`Access::Write`] this takes the writer lock; the
    /// catalog is migrated and what an interrupted writer left is cleaned up at unlock.
    pub fn open(root: &Path, access: Access) -> Result<Self> {
        if !root.join("library.json").is_file() {
            return Err(Error::NotALibrary(root.to_owned()));
        }
        let lock = match access {
            Access::Write => Some(lock::WriterLock::acquire(root)?),
            Access::Read => None,
        };
        Self::with_lock(root, lock)
    }

    /// Open with the writer lock already held (or none, read-only). Keeping the lock
    /// from `Library::create` to here leaves no moment when another process, or a child
    /// process that inherited the lock file during a fork, could hold it.
    fn with_lock(root: &Path, lock: Option<lock::WriterLock>) -> Result<Self> {
        Ok(Self {
            root: root.to_owned(),
            meta: LibraryJson::read(&root.join("library.json"))?,
            lock,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn library_id(&self) -> LibraryId {
        self.meta.library_id
    }

    pub fn device_id(&self) -> DeviceId {
        self.meta.device_id
    }

    /// True when this handle holds the writer lock.
    pub fn is_writer(&self) -> bool {
        self.lock.is_some()
    }

    /// The key slots (wrapped keys only).
    pub fn key_file(&self) -> Result<KeyFile> {
        read_key_file(&self.root, self.meta.library_id)
    }

    /// Unlock with a passphrase or recovery key. A wrong secret changes nothing.
    /// In a library kept by its people a passphrase opens nothing: a person signs in
    /// ([`LockedLibrary::sign_in`]); the recovery key still reads, signed in as no one.
    pub fn unlock(self, secret: &Secret) -> Result<Library> {
        if let Secret::Person { who, passphrase } = secret {
            return self.sign_in(who, passphrase);
        }
        let kf = self.key_file()?;
        let key = keys::unwrap_any(&kf, secret).map_err(|e| match (e, secret) {
            (Error::WrongPassphrase, Secret::Passphrase(_)) if kf.has_people() => {
                Error::SignInRequired { what: "open it" }
            }
            (e, _) => e,
        })?;
        self.unlock_with(key, None)
    }

    /// Unlock with a raw master key, checked against the key file; then open the catalog
    /// and (for the writer) recover the store.
    pub fn unlock_with_key(self, key: MasterKey) -> Result<Library> {
        self.unlock_with(LibraryKey::Library(key), None)
    }

    /// Unlock with the key a slot opened (the library's, or the members' for department
    /// staff), checked against the key file.
    /// `person`: who signs in with it, when a person does ([`Library::signed_in`]); a
    /// department member's own folder opens only with their identity.
    pub(crate) fn unlock_with(self, key: LibraryKey, person: Option<Identity>) -> Result<Library> {
        if !key.fits(&self.key_file()?) {
            return Err(Error::WrongPassphrase);
        }
        let local = key.local(&self.meta, person.as_ref())?;
        let mut lib = Library::open(self, key, local, None)?;
        if let Some(person) = person {
            lib.signed_in(person)?;
        }
        Ok(lib)
    }

    /// Unlock with the key this desktop's OS keyring keeps for the library, the first
    /// thing both front ends try. When it keeps none, or there is no keyring to ask, the
    /// library comes back still locked (with why the keyring could not be read), for the
    /// passphrase to be asked.
    pub fn unlock_from_keyring(self) -> Result<FromKeyring> {
        // A library kept by its people is opened by a person signing in, never by
        // whoever sits at the desktop.
        if self.has_people()? {
            // A key kept from before the library had people is forgotten (no keyring
            // here: nothing kept).
            let _ = OsKeyring.forget(self.library_id());
            return Ok(FromKeyring::Locked(Box::new(self), None));
        }
        match OsKeyring.load(self.library_id()) {
            Ok(Some(key)) => Ok(FromKeyring::Unlocked(Box::new(self.unlock_with_key(key)?))),
            Ok(None) => Ok(FromKeyring::Locked(Box::new(self), None)),
            Err(e) => Ok(FromKeyring::Locked(Box::new(self), Some(e))),
        }
    }
}

/// What [`LockedLibrary::unlock_from_keyring`] found.
#[derive(Debug)]
pub enum FromKeyring {
    Unlocked(Box<Library>),
    /// Still locked; the error says why the keyring could not be read, when it could not.
    Locked(Box<LockedLibrary>, Option<Error>),
}

/// An open, unlocked library.
#[derive(Debug)]
pub struct Library {
    root: PathBuf,
    meta: LibraryJson,
    lock: Option<lock::WriterLock>,
    catalog: Catalog,
    recovered: Recovery,
    index: search::IndexState,
    /// The key a slot opened.
    key: LibraryKey,
    /// The key of this folder's own files (catalog, index, store journal).
    local: FolderKey,
    /// Ciphers of this folder's own files, epoch objects and key objects.
    crypto: Arc<Crypto>,
    /// Ciphers of what is sealed under the library's key; `None` for department staff,
    /// who hold the members' key in its place.
    library_crypto: Option<Arc<Crypto>>,
    store: Store,
    /// The last store journal segment on disk (writer only).
    journal_written: u64,
    /// The person signed in (issue 21), in a library kept by its people.
    person: Option<keys::Identity>,
    /// Collections' keys opened for the person signed in, by epoch.
    content_keys: std::sync::Mutex<
        std::collections::HashMap<crate::format::collection_keys::ContentKey, Arc<Crypto>>,
    >,
    /// Collections' keys found not given to the person signed in, until keys or people
    /// change (journal parts under them stay withheld without trying each again).
    unavailable_keys:
        std::sync::Mutex<std::collections::HashSet<crate::format::collection_keys::ContentKey>>,
    /// The journal's keys read and opened for the person signed in.
    journal_keys: std::sync::Mutex<journal_keys::JournalKeys>,
    /// Office versions LibreOffice made nothing of (read and gave no PDF, or, converted
    /// alone, crashed or ran past its deadline): not given to it again while this library
    /// stays open.
    unconvertible:
        std::sync::Mutex<std::collections::HashMap<VersionId, crate::error::ConvertProblem>>,
}

impl Library {
    /// Open the catalog of an unlocked folder (checked against the store journal first by
    /// a writer), recover the store, open the index. `index`: an index handle to share
    /// instead of opening the index again (readers of the same process).
    fn open(
        folder: LockedLibrary,
        key: LibraryKey,
        local: FolderKey,
        index: Option<crate::index::SearchIndex>,
    ) -> Result<Self> {
        let LockedLibrary { root, meta, lock } = folder;
        let writer = lock.is_some();
        let catalog_key = local.catalog_key();
        let catalog_path = root.join("catalog.sqlite");
        if writer {
            check_catalog(
                &catalog_path,
                &catalog_key,
                meta.device_id,
                &Store::at(&root.join("store")),
            )?;
        } else if !catalog_path.exists() {
            return Err(Error::CatalogUnusable {
                path: catalog_path,
                problem: CatalogProblem::Missing,
            });
        }
        let damaged = |e: Error| match e {
            Error::Sqlite(e) => match CatalogProblem::from_sqlite(e) {
                Ok(problem) => Error::CatalogUnusable {
                    path: catalog_path.clone(),
                    problem,
                },
                Err(e) => Error::Sqlite(e),
            },
            other => other,
        };
        let mode = if writer {
            CatalogMode::Write
        } else {
            CatalogMode::Read
        };
        let mut catalog = Catalog::open(
            &catalog_path,
            meta.library_id,
            meta.device_id,
            mode,
            &catalog_key,
        )
        .map_err(damaged)?;
        catalog.pin_owner(meta.owner_key.clone());
        let mut recovered = Recovery::default();
        let store = if writer {
            let known: std::collections::HashSet<_> = catalog
                .packs()
                .map_err(damaged)?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            let store = Store::open(&root.join("store"))?;
            recovered = store.recover(|id| known.contains(id))?;
            store
        } else {
            Store::at(&root.join("store"))
        };
        let index = match index {
            Some(shared) => search::IndexState::Ready(shared),
            None => {
                let access = if writer { Access::Write } else { Access::Read };
                search::open_index(&root, &local, &mut catalog, access)?
            }
        };
        if writer {
            // A library made before every file was private is made private here, once
            // (`library.json` is done last of its files, so a private one means done).
            let marker = root.join("library.json");
            if crate::fsx::is_private(&marker) {
                crate::fsx::make_private_dir(&root).io("protect", &root)?;
            } else {
                crate::fsx::make_tree_private(&root, &marker).io("protect", &root)?;
            }
        }
        let mut lib = Library {
            root,
            meta,
            lock,
            catalog,
            recovered,
            index,
            crypto: Arc::new(local.crypto()),
            library_crypto: key.library().map(|k| Arc::new(k.crypto())),
            key,
            local,
            store,
            journal_written: 0,
            person: None,
            content_keys: Default::default(),
            unavailable_keys: Default::default(),
            unconvertible: Default::default(),
            journal_keys: Default::default(),
        };
        if writer {
            // Segments a crash kept from being written after their transaction.
            lib.journal_written = lib.store.last_journal_segment(lib.device_id())?;
            lib.flush_store_journal()?;
            // The catalog's note that the journal is incomplete, kept in the store too,
            // so that a catalog rebuilt from the journal still keeps what it cannot
            // account for.
            if let Some(why) = lib.catalog.journal_incomplete()?
                && lib.store.journal_incomplete()?.is_none()
            {
                lib.store.mark_journal_incomplete(&why)?;
            }
            // A catalog rebuilt (or restored) from the journal takes its records' keys
            // from it, under the erasure key this desktop's keyring holds; a desktop
            // without it is given it at a sync.
            if lib.catalog.record_keys_missing()? {
                let _ = lib.settle_erasure();
            }
        }
        Ok(lib)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn library_id(&self) -> LibraryId {
        self.meta.library_id
    }

    pub fn device_id(&self) -> DeviceId {
        self.meta.device_id
    }

    /// The catalog, for queries.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// What opening cleaned up after an interrupted writer.
    pub fn recovered(&self) -> Recovery {
        self.recovered
    }

    /// True when this handle holds the writer lock.
    pub fn is_writer(&self) -> bool {
        self.lock.is_some()
    }

    fn keys_path(&self) -> PathBuf {
        self.root.join("keys.json")
    }

    /// The key slots (wrapped keys only).
    pub fn key_file(&self) -> Result<KeyFile> {
        read_key_file(&self.root, self.meta.library_id)
    }

    /// Another handle on the same library, read-only and unlocked with the same key:
    /// searches, lists and previews while this handle imports or processes. Opening it
    /// takes no passphrase and no lock, and shares this handle's open index files.
    pub fn reader(&self) -> Result<Library> {
        if !self.root.join("library.json").is_file() {
            return Err(Error::NotALibrary(self.root.clone()));
        }
        let shared = match &self.index {
            search::IndexState::Ready(i) => Some(i.share()?),
            search::IndexState::Unusable => None,
        };
        let folder = LockedLibrary::with_lock(&self.root, None)?;
        let mut reader = Library::open(folder, self.key.clone(), self.local.clone(), shared)?;
        // The same source for content kept on the remote.
        reader.store = self.store.clone();
        // The same person, so it opens the same collections.
        reader.person = self.person.as_ref().map(keys::Identity::duplicate);
        Ok(reader)
    }

    /// Write the store journal segments the catalog has noted since the last one on disk
    /// (normally the one transaction just committed).
    pub(crate) fn flush_store_journal(&mut self) -> Result<()> {
        let last = self.catalog.last_store_segment()?;
        while self.journal_written < last {
            let seq = self.journal_written + 1;
            let segment = self.catalog.store_segment(seq)?.ok_or(Error::Stopped(
                "a store journal segment the catalog noted is missing from it",
            ))?;
            let body = crate::format::store_journal::seal(&self.crypto, &segment)?;
            self.store
                .write_journal_segment(self.device_id(), seq, &body)?;
            self.journal_written = seq;
        }
        Ok(())
    }
}

/// Figures for `dossier stats`.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryStats {
    pub documents: u64,
    pub versions: u64,
    /// Sum of all versions' sizes.
    pub logical_bytes: u64,
    /// Bytes of content on disk under `store/` (packs).
    pub stored_bytes: u64,
    /// Bytes of the store journal (`store/journal/`), from which the catalog rebuilds.
    pub journal_bytes: u64,
    pub chunks: u64,
    pub packs: u64,
}

impl Library {
    /// Counts and sizes.
    pub fn stats(&self) -> Result<LibraryStats> {
        let (documents, versions, logical_bytes, chunks, packs) = self.catalog.counts()?;
        let usage = Store::at(&self.root.join("store")).disk_usage()?;
        Ok(LibraryStats {
            documents,
            versions,
            logical_bytes,
            stored_bytes: usage.content,
            journal_bytes: usage.journal,
            chunks,
            packs,
        })
    }
}

impl Library {
    /// Create a new library in `root` (which must not exist or be empty). Returns the
    /// library, open for writing, and the recovery key to show the user once.
    pub fn create(root: &Path, opts: &InitOptions) -> Result<(Library, RecoveryKey)> {
        sync::check_empty(root)?;
        let library_id = LibraryId::new();
        let master = MasterKey::generate();
        let recovery = RecoveryKey::generate();
        let mut kf = KeyFile {
            format: KEYFILE_FORMAT,
            library_id,
            key_check: master.check_value(),
            members_check: None,
            slots: vec![],
        };
        keys::add_passphrase_slot(&mut kf, &master, &opts.passphrase, "passphrase", opts.kdf)?;
        keys::add_recovery_slot(&mut kf, &master, &recovery, "recovery key");
        let lib = Self::make(root, &kf, LibraryKey::Library(master), None, None)?;
        Ok((lib, recovery))
    }

    /// Join a library kept on a remote: a new, empty library in `root` (which must not
    /// exist or be empty) with the remote's id and key slots and a device id of its own,
    /// unlocked with `secret`. `key_objects` are the remote's key objects by number
    /// (`dossier.repo` is 0); the newest authentic one holds the slots (a forged or
    /// replayed one is passed over). A wrong secret, or one whose slot was removed since,
    /// is [`Error::WrongPassphrase`] and leaves nothing behind. Sync then brings the
    /// catalog and content.
    pub fn join(root: &Path, key_objects: &[(u64, Vec<u8>)], secret: &Secret) -> Result<Library> {
        sync::check_empty(root)?;
        let (key, keys, person) = key_sync::choose_for_join(key_objects, secret)?;
        Self::make(root, &keys, key, person, None)
    }

    /// Write a library folder around key slots: `keys.json`, the store, the catalog, and
    /// `library.json` last (until it exists the folder is not a library). `person`: who
    /// makes it, signed in on it (a department member's folder has a key of its own,
    /// sealed to them).
    fn make(
        root: &Path,
        kf: &KeyFile,
        key: LibraryKey,
        person: Option<Identity>,
        owner_key: Option<Vec<u8>>,
    ) -> Result<Library> {
        std::fs::create_dir_all(root).io("create", root)?;
        crate::fsx::make_private_dir(root).io("protect", root)?;
        let device_id = DeviceId::new();
        let (folder, local) = key.new_folder(person.as_ref(), kf.library_id, device_id)?;
        let meta = LibraryJson {
            format: LIBRARY_FORMAT,
            library_id: kf.library_id,
            device_id,
            created_ms: chrono::Utc::now().timestamp_millis(),
            owner_key,
            keys: folder,
        };
        write_private(&root.join("keys.json"), &serde_json::to_vec_pretty(kf)?)?;
        let lock = lock::WriterLock::acquire(root)?;
        Store::open(&root.join("store"))?;
        Catalog::open(
            &root.join("catalog.sqlite"),
            meta.library_id,
            meta.device_id,
            CatalogMode::Create,
            &local.catalog_key(),
        )?;
        write_private(&root.join("library.json"), &meta.to_bytes())?;
        LockedLibrary::with_lock(root, Some(lock))?.unlock_with(key, person)
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    fn writer(&mut self) -> Result<&mut Catalog> {
        if !self.is_writer() {
            return Err(Error::ReadOnly);
        }
        Ok(&mut self.catalog)
    }

    /// An audit operation; [`Library::commit`] chains it to this device's previous event.
    fn audit_op(
        &self,
        action: AuditAction,
        doc: Option<DocId>,
        version: Option<VersionId>,
        detail: Option<String>,
    ) -> Result<OpKind> {
        Ok(OpKind::Audit {
            event: AuditEvent {
                user: self.who(),
                member: self.person().map(|p| p.member),
                action,
                doc,
                version,
                subject: None,
                detail,
                prev: Vec::new(),
            },
        })
    }

    /// An audit operation about a person's record.
    fn subject_audit_op(
        &self,
        action: AuditAction,
        subject: SubjectId,
        detail: Option<String>,
    ) -> OpKind {
        OpKind::Audit {
            event: AuditEvent {
                user: self.who(),
                member: self.person().map(|p| p.member),
                action,
                doc: None,
                version: None,
                subject: Some(subject),
                detail,
                prev: Vec::new(),
            },
        }
    }

    /// Commit operations, chaining audit events among them; in a library with people, only
    /// those the signed-in person's role allows ([`Library::check_may`]).
    fn commit(&mut self, kinds: Vec<OpKind>) -> Result<()> {
        self.check_may(&kinds)?;
        // In a library kept by its people, the signed-in person signs each batch of at
        // most `MAX_BATCH_OPS` (`check_may` made sure someone is signed in).
        let signer = match (self.registry()?, self.person.as_ref()) {
            (Some(registry), Some(person)) => Some((registry.seq(), person)),
            // Taking the library into its people's keeping: its first owner signs it.
            (None, Some(person))
                if kinds
                    .iter()
                    .any(|k| matches!(k, OpKind::LibraryOwned { .. })) =>
            {
                Some((0, person))
            }
            _ => None,
        };
        // Signed as one batch per scope (`members::by_scope`), each whole in one journal.
        let count = kinds.len();
        let groups = match signer {
            Some(_) => self.by_scope(kinds)?,
            None => vec![(crate::members::BatchScope::default(), kinds)],
        };
        // Audit events in one batch chain to each other: recompute `prev` in order.
        let mut prev = self.catalog.audit_head()?;
        let library = self.library_id();
        if !self.is_writer() {
            return Err(Error::ReadOnly);
        }
        let catalog = &mut self.catalog;
        let mut ops = Vec::with_capacity(count + 1);
        let mut batch_start = 0;
        let batch_len = if signer.is_some() {
            crate::format::batch::MAX_BATCH_OPS
        } else {
            usize::MAX
        };
        for (scope, group) in groups {
            let mut kinds = group.into_iter().peekable();
            while let Some(kind) = kinds.next() {
                let mut op = crate::format::op::Op {
                    stamp: catalog.next_stamp(),
                    kind,
                };
                if let OpKind::Audit { event } = &mut op.kind {
                    event.prev = prev;
                    prev = event.chain_hash(&op.stamp).to_vec();
                }
                ops.push(op);
                if let Some((at, person)) = signer
                    && (ops.len() - batch_start == batch_len || kinds.peek().is_none())
                {
                    let stamp = catalog.next_stamp();
                    let mut closing = crate::members::sign_batch(
                        person,
                        library,
                        at,
                        &ops[batch_start..],
                        stamp,
                    )?;
                    if let OpKind::Signed { scope: names, .. } = &mut closing.kind {
                        *names = scope.names();
                    }
                    ops.push(closing);
                    batch_start = ops.len();
                }
            }
        }
        catalog.apply_ops(&ops)?;
        self.flush_store_journal()
    }
}
