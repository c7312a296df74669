//! The engine between real libraries: desktops that share one library through a remote
//! (a folder, memory, a real S3 server, a real WebDAV server) converge, refuse what was
//! tampered with, and put nothing readable on the remote.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dossier_core::{ImportOptions, InitOptions, KdfParams, Library, Listing, Secret};
use dossier_sync::{
    Attached, Engine, Error, Folder, Key, Memory, OnDamage, Owned, Put, Remote, Replica, Resilient,
    ResilientOptions, SyncPhase,
};

mod deleting;
mod departments;
mod joining;
mod leaving;
mod subjects;

pub const PASSPHRASE: &str = "correct horse battery staple";

pub fn quick_kdf() -> KdfParams {
    KdfParams {
        m_cost_kib: 1024,
        t_cost: 1,
        p_cost: 1,
    }
}

pub fn secret(s: &str) -> Secret {
    Secret::from_input(s).unwrap()
}

pub fn create(root: &Path) -> Library {
    let opts = InitOptions {
        passphrase: zeroize::Zeroizing::new(PASSPHRASE.into()),
        kdf: quick_kdf(),
    };
    Library::create(root, &opts).unwrap().0
}

/// Files with text a test can look for on the remote, and one large enough for several
/// chunks.
pub fn write_files(dir: &Path, tag: &str) -> Vec<std::path::PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let mut noise = Vec::with_capacity(400_000);
    let mut s = 0x2545_F491_4F6C_DD1Du64 ^ tag.len() as u64;
    for _ in 0..400_000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        noise.push(s as u8);
    }
    let files = [
        (
            format!("enrolment-{tag}.txt"),
            format!("Enrolment of Jonathan Quimby {tag}: transferred from Hillcrest Academy.\n")
                .into_bytes(),
        ),
        (
            format!("transcript-{tag}.csv"),
            format!("course,grade\nAlgebra II {tag},A-\nChemistry,B+\n").into_bytes(),
        ),
        (format!("scan-{tag}.bin"), noise),
    ];
    files
        .into_iter()
        .map(|(name, body)| {
            let p = dir.join(name);
            std::fs::write(&p, body).unwrap();
            p
        })
        .collect()
}

pub fn engine(remote: Box<dyn Remote>, lib: Library) -> Engine<Owned> {
    Engine::new(
        Resilient::new(remote, ResilientOptions::default()),
        Owned::new(lib),
    )
}

/// Sync each desktop in turn until every one holds the current erasure key (where a
/// keyring holds them): a desktop that joined asks at its sync, one that holds the key
/// gives it at its next, and the first takes it, with its records' own keys, at its
/// next. At most four rounds.
pub async fn settle_erasure(engines: &[&Engine<Owned>]) {
    for _ in 0..4 {
        let mut settled = true;
        for e in engines {
            let report = e.sync().await.unwrap();
            settled &= report.erasure.as_ref().is_none_or(|s| s.settled());
        }
        if settled {
            return;
        }
    }
}

/// How [`state`] shows a version whose content this desktop's person may not open.
pub const SEALED: &str = "(sealed)";

/// How [`state`] shows a version whose record's own key reached no desktop here: the
/// only desktop that held it was cut off (see the convergence test).
pub const KEY_LOST: &str = "(record key lost)";

/// Everything a user sees of a library: documents, tags, fields, versions and the bytes
/// of every version ([`SEALED`] for one its person may not open).
pub async fn state(e: &Engine<Owned>) -> String {
    state_of(e, None).await
}

/// [`state`], of the documents in `only` alone when given.
pub async fn state_of(
    e: &Engine<Owned>,
    only: Option<std::collections::BTreeSet<dossier_core::DocId>>,
) -> String {
    e.local()
        .run(move |l| {
            let mut out = String::new();
            for d in l.catalog().list(Listing::All)? {
                if only.as_ref().is_some_and(|o| !o.contains(&d.id)) {
                    continue;
                }
                out += &serde_json::to_string(&d)?;
                let detail = l.catalog().document(d.id)?;
                out += &format!(
                    "{:?} hold={} until={:?} person={:?}\n",
                    detail.fields,
                    detail.legal_hold,
                    detail.retain_until,
                    l.catalog().document_subject(d.id)?
                );
                for v in l.catalog().versions(d.id)? {
                    let mut bytes = Vec::new();
                    // Content under a key not sealed to the person here: `SEALED`.
                    let content = match l.write_version(&v, &mut bytes) {
                        Ok(_) => blake3::hash(&bytes).to_hex().to_string(),
                        Err(dossier_core::Error::CollectionKeyUnavailable { .. }) => {
                            SEALED.to_owned()
                        }
                        Err(dossier_core::Error::RecordKeyUnavailable { .. }) => {
                            KEY_LOST.to_owned()
                        }
                        Err(e) => return Err(e),
                    };
                    out += &format!("  {} {} {content}\n", v.id, v.file_name);
                }
            }
            let people = l.catalog().subjects(&dossier_core::SubjectFilter {
                include_merged: true,
                ..Default::default()
            })?;
            for p in people {
                out += &format!("{}\n", serde_json::to_string(&p)?);
            }
            Ok(out)
        })
        .await
        .unwrap()
}

async fn verify_clean(e: &Engine<Owned>) {
    let report = e.local().run(|l| l.verify(&mut |_| {})).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
}

/// Two desktops through one remote: the first attaches and sends; the second joins with
/// the passphrase and receives everything; both change things offline and converge.
async fn two_desktops(make: impl Fn() -> Box<dyn Remote>) {
    let t = tempfile::tempdir().unwrap();
    let mut a = create(&t.path().join("a"));
    let files = write_files(&t.path().join("in-a"), "a");
    a.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let a = engine(make(), a);
    assert_eq!(a.attach().await.unwrap(), Attached::Created);
    assert_eq!(a.attach().await.unwrap(), Attached::Found);
    let first = a.sync().await.unwrap();
    assert!(
        first.segments_sent >= 1 && first.packs_sent >= 1,
        "{first:?}"
    );
    assert!(first.refused.is_empty(), "{first:?}");
    // Nothing new: nothing goes up.
    let again = a.sync().await.unwrap();
    assert_eq!((again.objects_up, again.segments_sent), (0, 0), "{again:?}");

    let b = dossier_sync::join(make().as_ref(), t.path().join("b"), secret(PASSPHRASE))
        .await
        .unwrap();
    let b = engine(make(), b);
    assert_eq!(b.attach().await.unwrap(), Attached::Found);
    let got = b.sync().await.unwrap();
    assert!(
        got.segments_applied >= 1 && got.packs_fetched >= 1,
        "{got:?}"
    );
    settle_erasure(&[&a, &b]).await;
    assert_eq!(state(&a).await, state(&b).await);

    // Offline on both: B tags the enrolment and adds a version of the transcript, A
    // imports more and trashes the scan.
    let docs = a
        .local()
        .run(|l| l.catalog().list(Listing::All))
        .await
        .unwrap();
    let doc = |name: &str| {
        docs.iter()
            .find(|d| d.file_name.starts_with(name))
            .unwrap()
            .id
    };
    let (enrolment, transcript, scan) = (doc("enrolment"), doc("transcript"), doc("scan"));
    let newer = t.path().join("transcript-a.csv");
    std::fs::write(&newer, "course,grade\nAlgebra II a,A\nChemistry,B+\n").unwrap();
    b.local()
        .run(move |l| {
            l.tag(enrolment, &["transfer".into()], &[])?;
            l.add_version(
                transcript,
                &newer,
                Some("grade corrected".into()),
                &mut |_| {},
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let more = write_files(&t.path().join("in-a2"), "second");
    a.local()
        .run(move |l| {
            l.import(&more, &ImportOptions::default(), &mut |_| {})?;
            l.trash(scan)
        })
        .await
        .unwrap();
    for _ in 0..2 {
        for e in [&a, &b] {
            let r = e.sync().await.unwrap();
            assert!(r.refused.is_empty(), "{r:?}");
        }
    }
    let (sa, sb) = (state(&a).await, state(&b).await);
    assert_eq!(sa, sb);
    assert!(
        sa.contains("\"transfer\"") && sa.contains("\"trashed\":true"),
        "{sa}"
    );
    assert_eq!(
        sa.matches("transcript-a.csv").count(),
        3,
        "two versions of the transcript"
    );
    verify_clean(&a).await;
    verify_clean(&b).await;
}

#[tokio::test]
async fn two_desktops_through_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    two_desktops(move || Box::new(Folder::new(&path).unwrap())).await;
}

#[tokio::test]
async fn two_desktops_through_memory() {
    let memory = Arc::new(Memory::new());
    two_desktops(move || Box::new(Arc::clone(&memory))).await;
}

#[tokio::test]
async fn two_desktops_through_s3() {
    let Some(server) = dossier_e2e::servers::s3() else {
        return;
    };
    let keys = crate::s3_keys();
    let url = server.s3_url("school-a");
    two_desktops(move || dossier_sync::open_with(&url, &keys).unwrap()).await;
}

#[tokio::test]
async fn two_desktops_through_webdav() {
    let Some(server) = dossier_e2e::servers::webdav() else {
        return;
    };
    let url = server.webdav_url("school-a");
    two_desktops(move || dossier_sync::open(&url).unwrap()).await;
}

#[tokio::test]
async fn joining_needs_the_right_secret_and_a_library_there() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let root = t.path().join("b");
    let nothing = dossier_sync::join(memory.as_ref(), root.clone(), secret(PASSPHRASE)).await;
    assert!(matches!(nothing, Err(Error::NoLibrary)), "{nothing:?}");

    let a = engine(Box::new(Arc::clone(&memory)), create(&t.path().join("a")));
    a.attach().await.unwrap();
    let wrong = dossier_sync::join(memory.as_ref(), root.clone(), secret("not it")).await;
    assert!(
        matches!(
            wrong,
            Err(Error::Library(dossier_core::Error::WrongPassphrase))
        ),
        "{wrong:?}"
    );
    assert!(!root.exists(), "a wrong secret leaves no folder behind");
    // The recovery key opens it too.
    let recovery = t.path().join("c");
    let opts = InitOptions {
        passphrase: zeroize::Zeroizing::new(PASSPHRASE.into()),
        kdf: quick_kdf(),
    };
    let (other, key) = Library::create(&t.path().join("other"), &opts).unwrap();
    // ...of its own library only: the recovery key of another library is refused.
    let foreign =
        dossier_sync::join(memory.as_ref(), recovery.clone(), Secret::RecoveryKey(key)).await;
    assert!(
        matches!(
            foreign,
            Err(Error::Library(dossier_core::Error::WrongPassphrase))
        ),
        "{foreign:?}"
    );
    // Another library cannot take over a remote that keeps one.
    let other = engine(Box::new(Arc::clone(&memory)), other);
    assert!(matches!(
        other.attach().await,
        Err(Error::OtherLibrary { .. })
    ));
}

#[tokio::test]
async fn the_recovery_key_joins_too() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let opts = InitOptions {
        passphrase: zeroize::Zeroizing::new(PASSPHRASE.into()),
        kdf: quick_kdf(),
    };
    let (lib, key) = Library::create(&t.path().join("a"), &opts).unwrap();
    let a = engine(Box::new(Arc::clone(&memory)), lib);
    a.attach().await.unwrap();
    let b = dossier_sync::join(
        memory.as_ref(),
        t.path().join("b"),
        Secret::RecoveryKey(key),
    )
    .await
    .unwrap();
    assert_eq!(
        b.library_id(),
        a.local().run(|l| Ok(l.library_id())).await.unwrap()
    );
    assert_ne!(
        b.device_id(),
        a.local().run(|l| Ok(l.device_id())).await.unwrap()
    );
}

/// A sync that stopped after uploading a segment and before noting it: the next one
/// finds it there and adopts it; a segment of this device damaged on the remote is
/// written again; another device's damaged objects are refused, never applied.
#[tokio::test]
async fn interrupted_and_tampered_objects() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let mut lib = create(&t.path().join("a"));
    let files = write_files(&t.path().join("in"), "a");
    lib.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    // As if a sync had uploaded segment 1 and stopped.
    let segment = lib.next_segment().unwrap().unwrap();
    let name = dossier_core::segment_name(segment.device, 1);
    let body = lib.seal_segment(&segment).unwrap();
    for pack in segment.packs() {
        let hex = pack.to_hex();
        memory
            .put_if_absent(
                &Key::new(format!("packs/{}/{hex}", &hex[..2])).unwrap(),
                lib.read_pack(&pack).unwrap().into(),
            )
            .await
            .unwrap();
    }
    memory
        .put_if_absent(&Key::new(name.clone()).unwrap(), body.into())
        .await
        .unwrap();
    let a = engine(Box::new(Arc::clone(&memory)), lib);
    a.attach().await.unwrap();
    let r = a.sync().await.unwrap();
    assert_eq!(
        (r.segments_sent, r.packs_sent, r.objects_up),
        (1, 0, 0),
        "{r:?}"
    );
    assert_eq!(memory.list("journal/").await.unwrap().len(), 1);

    // Its next segment is damaged on the remote before it is noted: written again.
    let device = a.local().run(|l| Ok(l.device_id())).await.unwrap();
    a.local()
        .run(|l| l.tag(l.catalog().list(Listing::All)?[0].id, &["x".into()], &[]))
        .await
        .unwrap();
    let second = Key::new(dossier_core::segment_name(device, 2)).unwrap();
    assert_eq!(
        memory
            .put_if_absent(&second, b"DOSJRNL1garbage".to_vec().into())
            .await
            .unwrap(),
        Put::Created
    );
    let r = a.sync().await.unwrap();
    assert_eq!(r.refused.len(), 1, "{r:?}");
    assert_eq!(r.segments_sent, 1);

    // A second desktop gets everything; then a tampered pack and segment are refused.
    let b = joined(t.path(), "b", &memory).await;
    let r = b.sync().await.unwrap();
    assert!(r.refused.is_empty(), "{r:?}");
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);

    let more = write_files(&t.path().join("in2"), "later");
    let sent = a
        .local()
        .run(move |l| {
            l.import(&more, &ImportOptions::default(), &mut |_| {})
                .map(|_| ())
        })
        .await;
    sent.unwrap();
    let earlier = memory.list("journal/").await.unwrap();
    a.sync().await.unwrap();
    let objects = memory.list("").await.unwrap();
    for o in &objects {
        let new_segment =
            o.key.as_str().starts_with("journal/") && !earlier.iter().any(|e| e.key == o.key);
        if o.key.as_str().starts_with("packs/") || new_segment {
            let mut bytes = memory.get(&o.key, u64::MAX).await.unwrap().to_vec();
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x40;
            memory.delete(&o.key).await.unwrap();
            memory.put_if_absent(&o.key, bytes.into()).await.unwrap();
        }
    }
    let before = state(&b).await;
    let r = b.sync().await.unwrap();
    assert!(
        r.refused.iter().any(|x| x.key.starts_with("journal/")),
        "{r:?}"
    );
    assert_eq!(r.segments_applied, 0);
    assert_eq!(
        state(&b).await,
        before,
        "nothing of a tampered segment is applied"
    );
    verify_clean(&b).await;
}

/// After syncing, no title, file name or passage of text appears in any object.
#[tokio::test]
async fn nothing_readable_reaches_the_remote() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("remote");
    let mut lib = create(&t.path().join("a"));
    let files = write_files(&t.path().join("in"), "a");
    lib.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let a = engine(Box::new(Folder::new(&dir).unwrap()), lib);
    a.attach().await.unwrap();
    a.sync().await.unwrap();
    let needles: &[&[u8]] = &[
        b"Jonathan Quimby",
        b"Hillcrest",
        b"enrolment-a",
        b"transcript-a",
        b"Algebra II",
        b"scan-a",
    ];
    let mut seen = 0;
    for entry in walk(&dir) {
        let bytes = std::fs::read(&entry).unwrap();
        seen += 1;
        for n in needles {
            assert!(
                !bytes.windows(n.len()).any(|w| w == *n),
                "{} holds {:?}",
                entry.display(),
                String::from_utf8_lossy(n)
            );
        }
    }
    assert!(seen >= 3, "repo, packs and a segment: {seen}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Import one file on `e`; the new document's id.
async fn import_one(e: &Engine<Owned>, file: PathBuf) -> dossier_core::DocId {
    e.local()
        .run(move |l| {
            let r = l.import(&[file], &ImportOptions::default(), &mut |_| {})?;
            match &r.files[0] {
                dossier_core::ImportOutcome::Imported { doc, .. } => Ok(*doc),
                other => panic!("{other:?}"),
            }
        })
        .await
        .unwrap()
}

/// A desktop with the files of [`write_files`], attached to `memory` and synced.
async fn synced_desktop(dir: &Path, memory: &Arc<Memory>) -> Engine<Owned> {
    let mut lib = create(&dir.join("a"));
    let files = write_files(&dir.join("in"), "a");
    lib.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let a = engine(Box::new(Arc::clone(memory)), lib);
    a.attach().await.unwrap();
    a.sync().await.unwrap();
    a
}

/// A new desktop joined to the library on `memory` with the passphrase (not synced).
/// A synced desktop "a", a desktop "b" joined and synced, and the first document.
async fn synced_pair(
    dir: &Path,
    memory: &Arc<Memory>,
) -> (Engine<Owned>, Engine<Owned>, dossier_core::DocId) {
    let a = synced_desktop(dir, memory).await;
    let b = joined(dir, "b", memory).await;
    b.sync().await.unwrap();
    let doc = first_doc(&a).await;
    (a, b, doc)
}

/// The first document listed on a desktop.
async fn first_doc(e: &Engine<Owned>) -> dossier_core::DocId {
    e.local()
        .run(|l| Ok(l.catalog().list(Listing::All)?[0].id))
        .await
        .unwrap()
}

async fn joined(dir: &Path, name: &str, memory: &Arc<Memory>) -> Engine<Owned> {
    let lib = dossier_sync::join(memory.as_ref(), dir.join(name), secret(PASSPHRASE))
        .await
        .unwrap();
    engine(Box::new(Arc::clone(memory)), lib)
}

/// A new desktop takes the catalog first and reads content from the remote as it is
/// needed; under a cache budget, local copies of what is on the remote go, and come back
/// when read.
#[tokio::test]
async fn content_comes_on_demand_and_leaves_under_a_budget() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let a = synced_desktop(t.path(), &memory).await;

    let mut b = dossier_sync::join(memory.as_ref(), t.path().join("b"), secret(PASSPHRASE))
        .await
        .unwrap();
    b.set_remote("memory://school").unwrap();
    let source = dossier_sync::RemotePacks::new(Resilient::new(
        Box::new(Arc::clone(&memory)),
        ResilientOptions::default(),
    ))
    .unwrap();
    b.set_pack_source(Some(Arc::new(source)));
    let b = engine(Box::new(Arc::clone(&memory)), b);
    let r = b
        .sync_with(dossier_sync::SyncOptions {
            fetch_content: false,
            ..dossier_sync::SyncOptions::default()
        })
        .await
        .unwrap();
    assert_eq!(r.packs_fetched, 0, "{r:?}");
    let missing = b.local().run(|l| l.missing_packs()).await.unwrap().len();
    assert!(missing > 0);
    // Reading every version fetches what it needs.
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    assert!(
        b.local()
            .run(|l| l.missing_packs())
            .await
            .unwrap()
            .is_empty()
    );

    // A budget of nothing: every local copy whole on the remote goes. One cut short
    // there (an upload that stopped, on a server that keeps what it received) is sent
    // again and stays until a listing shows it whole; reading brings the others back.
    b.local()
        .run(|l| l.set_cache_budget(Some(0)))
        .await
        .unwrap();
    let cut = memory.list("packs/").await.unwrap()[0].key.clone();
    let whole = memory.get(&cut, u64::MAX).await.unwrap();
    memory.delete(&cut).await.unwrap();
    memory
        .put_if_absent(&cut, whole.slice(..whole.len() / 2))
        .await
        .unwrap();
    let evicted = b.evict().await.unwrap();
    assert_eq!(evicted.kept_packs, 1, "{evicted:?}");
    assert_eq!(evicted.evicted_packs as usize, missing - 1);
    // B sent its copy again; the next look finds it whole, and then it goes.
    assert_eq!(memory.get(&cut, u64::MAX).await.unwrap(), whole);
    let evicted = b.evict().await.unwrap();
    assert_eq!(evicted.kept_packs, 0, "{evicted:?}");
    verify_clean(&b).await;
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    // The desktop that made the packs keeps what is not on the remote yet.
    let more = write_files(&t.path().join("in2"), "later");
    a.local()
        .run(move |l| {
            l.import(&more, &ImportOptions::default(), &mut |_| {})?;
            l.set_remote("memory://school")?;
            l.set_cache_budget(Some(0))
        })
        .await
        .unwrap();
    let kept = a.evict().await.unwrap();
    assert_eq!(kept.kept_packs, 1, "the unsent pack stays: {kept:?}");
}

/// Damage on the remote is found by reading every object back, and repaired from a good
/// copy on any desktop that has one: packs from its store, segments rebuilt from the
/// operations it applied.
#[tokio::test]
async fn damaged_remote_objects_are_repaired_from_a_good_copy() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let a = synced_desktop(t.path(), &memory).await;
    let b = joined(t.path(), "b", &memory).await;
    b.sync().await.unwrap();
    let clean = b.check_remote(OnDamage::Report).await.unwrap();
    assert!(clean.damaged.is_empty(), "{clean:?}");

    // Flip a byte in every pack and segment (all A's), and leave a stranger's file.
    for o in memory.list("").await.unwrap() {
        if o.key.as_str() == "dossier.repo" {
            continue;
        }
        let mut bytes = memory.get(&o.key, u64::MAX).await.unwrap().to_vec();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        memory.delete(&o.key).await.unwrap();
        memory.put_if_absent(&o.key, bytes.into()).await.unwrap();
    }
    memory
        .put_if_absent(&Key::new("notes.txt").unwrap(), b"hello".to_vec().into())
        .await
        .unwrap();
    let found = b.check_remote(OnDamage::Report).await.unwrap();
    let damaged = found.damaged.len();
    assert!(damaged >= 3 && found.repaired.is_empty(), "{found:?}");
    // B repairs all of A's objects from its own copies; the stranger's file stays.
    let fixed = b.check_remote(OnDamage::Repair).await.unwrap();
    assert_eq!(fixed.repaired.len(), damaged - 1, "{fixed:?}");
    let after = b.check_remote(OnDamage::Report).await.unwrap();
    assert_eq!(after.damaged.len(), 1, "{after:?}");
    assert_eq!(after.damaged[0].key, "notes.txt");

    // A new desktop gets everything, as it was.
    let c = joined(t.path(), "c", &memory).await;
    let r = c.sync().await.unwrap();
    assert!(r.refused.is_empty(), "{r:?}");
    settle_erasure(&[&c, &a]).await;
    assert_eq!(state(&a).await, state(&c).await);
}

/// Two desktops edit the same document offline: after syncing both keep both new
/// versions, the later one is current, and the document is flagged on both. Keeping one
/// of them on one desktop clears the flag on both, and every version stays.
#[tokio::test]
async fn concurrent_versions_are_kept_and_flagged() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let (a, b, doc) = synced_pair(t.path(), &memory).await;
    for (e, name) in [(&a, "edit-a.txt"), (&b, "edit-b.txt")] {
        let file = t.path().join(name);
        std::fs::write(&file, format!("Corrected on {name}.\n")).unwrap();
        e.local()
            .run(move |l| l.add_version(doc, &file, None, &mut |_| {}).map(|_| ()))
            .await
            .unwrap();
    }
    for e in [&a, &b, &a] {
        e.sync().await.unwrap();
    }
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    for e in [&a, &b] {
        let (summary, versions) = e
            .local()
            .run(move |l| {
                let d = l.catalog().document(doc)?;
                Ok((d.summary, l.catalog().versions(doc)?))
            })
            .await
            .unwrap();
        assert_eq!(versions.len(), 3);
        assert!(summary.concurrent_versions, "{summary:?}");
        let names: Vec<_> = versions.iter().map(|v| v.file_name.as_str()).collect();
        assert!(
            names.contains(&"edit-a.txt") && names.contains(&"edit-b.txt"),
            "{names:?}"
        );
        assert_eq!(versions.iter().filter(|v| v.head).count(), 2);
        let flagged = e
            .local()
            .run(|l| l.catalog().concurrent_documents(10))
            .await
            .unwrap();
        assert_eq!(flagged.0, 1);
        assert_eq!(flagged.1[0].0, doc);
    }
    // Desktop b keeps a's edit, whichever number it has.
    let keep = b
        .local()
        .run(move |l| {
            let v = l.catalog().versions(doc)?;
            Ok(v.iter()
                .find(|v| v.file_name == "edit-a.txt")
                .unwrap()
                .number)
        })
        .await
        .unwrap();
    b.local()
        .run(move |l| l.resolve_concurrent(doc, keep).map(|_| ()))
        .await
        .unwrap();
    let again = b
        .local()
        .run(move |l| l.resolve_concurrent(doc, keep).map(|_| ()))
        .await;
    assert!(again.is_err(), "nothing left to resolve");
    for e in [&b, &a] {
        e.sync().await.unwrap();
    }
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    for e in [&a, &b] {
        let (summary, versions, text) = e
            .local()
            .run(move |l| {
                let d = l.catalog().document(doc)?;
                let mut out = Vec::new();
                l.write_version(&l.version(doc, None)?, &mut out)?;
                Ok((d.summary, l.catalog().versions(doc)?, out))
            })
            .await
            .unwrap();
        assert!(!summary.concurrent_versions, "{summary:?}");
        let flagged = e
            .local()
            .run(|l| l.catalog().concurrent_documents(10))
            .await;
        assert_eq!(flagged.unwrap().0, 0);
        assert_eq!(versions.len(), 4, "every version kept");
        assert_eq!(text, b"Corrected on edit-a.txt.\n");
    }
}

/// A sync runs on a spawned task (its future is `Send`, as the app needs) and reports
/// its progress: each phase counts up to its total.
#[tokio::test]
async fn a_sync_reports_progress_from_a_spawned_task() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let _a = synced_desktop(t.path(), &memory).await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let b = joined(t.path(), "b", &memory)
        .await
        .with_progress(Arc::new(move |p| log.lock().unwrap().push(p)));
    let report = tokio::spawn(async move { b.sync().await })
        .await
        .unwrap()
        .unwrap();
    assert!(
        report.segments_applied > 0 && report.packs_fetched > 0,
        "{report:?}"
    );
    let seen = seen.lock().unwrap().clone();
    for phase in [SyncPhase::Receiving, SyncPhase::Downloading] {
        let steps: Vec<_> = seen.iter().filter(|p| p.phase == phase).collect();
        let last = steps
            .last()
            .unwrap_or_else(|| panic!("no {phase:?} in {seen:?}"));
        assert_eq!(last.done, last.total, "{phase:?} ends complete: {seen:?}");
        assert!(steps.windows(2).all(|w| w[0].done <= w[1].done), "{seen:?}");
        assert!(steps.iter().all(|p| p.done <= p.total && p.total > 0));
    }
    let received = seen
        .iter()
        .filter(|p| p.phase == SyncPhase::Receiving)
        .count() as u64;
    assert_eq!(received, report.segments_applied);
}
