//! The adversarial remote (issue 18): whoever can write to the bucket (the provider, a
//! former employee with its credentials) forges, replays and deletes objects. Each
//! attack is detected and reported, and leaves every desktop able to unlock, with
//! nothing lost. The suite runs against the folder remote, s3s-fs and WebDAV.

use std::sync::Arc;

use dossier_core::{ImportOptions, InitOptions, Library, RecoveryKey, Secret};
use dossier_core::{RepoFile, key_object_name};
use dossier_sync::{
    Engine, Error, Folder, HistoryKind, Key, Memory, OnDamage, Owned, Remote, Replica,
};

use crate::engine::{PASSPHRASE, quick_kdf, secret, settle_erasure, state, write_files};

/// The three tests of one attack suite: on a folder, on s3s-fs, on rclone's WebDAV.
macro_rules! on_every_remote {
    ($suite:ident, $bucket:literal, $folder:ident, $s3:ident, $webdav:ident) => {
        #[tokio::test]
        async fn $folder() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().to_owned();
            $suite(move || Box::new(Folder::new(&path).unwrap())).await;
        }

        #[tokio::test]
        async fn $s3() {
            let Some(server) = dossier_e2e::servers::s3() else {
                return;
            };
            let keys = crate::s3_keys();
            let url = server.s3_url($bucket);
            $suite(move || dossier_sync::open_with(&url, &keys).unwrap()).await;
        }

        #[tokio::test]
        async fn $webdav() {
            let Some(server) = dossier_e2e::servers::webdav() else {
                return;
            };
            let url = server.webdav_url($bucket);
            $suite(move || dossier_sync::open(&url).unwrap()).await;
        }
    };
}

const NEW_PASSPHRASE: &str = "the new office passphrase";

fn engine(remote: Box<dyn Remote>, lib: Library) -> Engine<Owned> {
    crate::engine::engine(remote, lib)
}

/// What an attacker does with the bucket's credentials.
struct Attacker(Box<dyn Remote>);

impl Attacker {
    async fn read(&self, seq: u64) -> Vec<u8> {
        let key = Key::new(key_object_name(seq)).unwrap();
        self.0.get(&key, u64::MAX).await.unwrap().to_vec()
    }

    /// Write (or overwrite) key object `seq`.
    async fn write(&self, seq: u64, body: Vec<u8>) {
        let key = Key::new(key_object_name(seq)).unwrap();
        self.0.delete(&key).await.unwrap();
        self.0.put_if_absent(&key, body.into()).await.unwrap();
    }

    async fn delete(&self, seq: u64) {
        let key = Key::new(key_object_name(seq)).unwrap();
        self.0.delete(&key).await.unwrap();
    }

    /// The highest key object number listed.
    async fn newest(&self) -> u64 {
        self.0
            .list("keys/")
            .await
            .unwrap()
            .iter()
            .filter_map(|o| dossier_core::parse_key_object_name(o.key.as_str()))
            .max()
            .unwrap_or(0)
    }
}

/// The forgery: a copy of `dossier.repo` as format 1, its only slot junk.
fn junk(body: &[u8]) -> Vec<u8> {
    let mut repo = RepoFile::parse(body).unwrap();
    let mut slot = repo.keys.slots[0].clone();
    slot.id = "deadbeef".into();
    slot.wrapped = vec![0; slot.wrapped.len()];
    repo.keys.slots = vec![slot];
    repo.format = 1;
    repo.auth = None;
    repo.to_bytes()
}

async fn slot_ids(e: &Engine<Owned>) -> Vec<String> {
    let mut ids: Vec<String> = e
        .local()
        .run(|l| Ok(l.key_file()?.slots))
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    ids.sort();
    ids
}

async fn joins(
    remote: &dyn Remote,
    dir: &std::path::Path,
    with: Secret,
) -> dossier_sync::Result<Library> {
    let root = dir.join(format!(
        "join-{}",
        dossier_core::LibraryId::new().0.simple()
    ));
    dossier_sync::join(remote, root, with).await
}

fn refused_keys(r: &dossier_sync::SyncReport) -> Vec<&str> {
    r.refused.iter().map(|x| x.key.as_str()).collect()
}

/// Forged, replayed and junk key objects, and a deleted one: refused or noticed, never
/// merged; every desktop keeps unlocking with the passphrase and the recovery key, and a
/// passphrase removed on one desktop does not come back.
async fn key_objects_under_attack(make: impl Fn() -> Box<dyn Remote>) {
    let t = tempfile::tempdir().unwrap();
    let opts = InitOptions {
        passphrase: zeroize::Zeroizing::new(PASSPHRASE.into()),
        kdf: quick_kdf(),
    };
    let (mut lib, recovery): (Library, RecoveryKey) =
        Library::create(&t.path().join("a"), &opts).unwrap();
    let files = write_files(&t.path().join("in"), "a");
    lib.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let a = engine(make(), lib);
    a.attach().await.unwrap();
    a.sync().await.unwrap();
    let attacker = Attacker(make());
    let slots = slot_ids(&a).await;

    // The lock-out: `keys/1`, a copy of `dossier.repo` whose only slot is junk.
    attacker.write(1, junk(&attacker.read(0).await)).await;
    let r = a.sync().await.unwrap();
    assert_eq!(refused_keys(&r), [key_object_name(1)], "{r:?}");
    assert!(
        r.keys_sent && !r.keys_received,
        "covered by an authentic set: {r:?}"
    );
    assert_eq!(slot_ids(&a).await, slots);
    // A replay: an authentic object copied under a newer number.
    let replayed = attacker.newest().await + 1;
    attacker.write(replayed, attacker.read(0).await).await;
    let r = a.sync().await.unwrap();
    assert_eq!(refused_keys(&r), [key_object_name(replayed)], "{r:?}");
    assert_eq!(slot_ids(&a).await, slots);
    for with in [secret(PASSPHRASE), Secret::RecoveryKey(recovery.clone())] {
        joins(&*make(), t.path(), with).await.unwrap();
    }
    let b = engine(
        make(),
        joins(&*make(), t.path(), secret(PASSPHRASE)).await.unwrap(),
    );
    let r = b.sync().await.unwrap();
    assert!(
        r.refused.is_empty(),
        "B starts above the refused objects: {r:?}"
    );
    settle_erasure(&[&a, &b]).await;
    assert_eq!(state(&b).await, state(&a).await);

    // A removes the old passphrase; a replay of an older set that still holds it
    // brings it back neither on B nor on a new desktop.
    let with_old = attacker.newest().await;
    a.local()
        .run(|l| {
            let old = l
                .key_file()?
                .slots
                .into_iter()
                .find(|s| s.kind_name() == "passphrase")
                .unwrap();
            l.add_passphrase(NEW_PASSPHRASE, "office", quick_kdf())?;
            l.remove_slot(&old.id)
        })
        .await
        .unwrap();
    assert!(a.sync().await.unwrap().keys_sent);
    let replayed = attacker.newest().await + 1;
    attacker
        .write(replayed, attacker.read(with_old).await)
        .await;
    let r = b.sync().await.unwrap();
    assert!(r.keys_received, "{r:?}");
    assert_eq!(refused_keys(&r), [key_object_name(replayed)], "{r:?}");
    assert_eq!(slot_ids(&b).await, slot_ids(&a).await);
    let removed = joins(&*make(), t.path(), secret(PASSPHRASE)).await;
    assert!(
        matches!(
            removed,
            Err(Error::Library(dossier_core::Error::WrongPassphrase))
        ),
        "{removed:?}"
    );

    // The newest key object deleted (or the listing rolled back): noticed, published
    // again.
    let newest = attacker.newest().await;
    attacker.delete(newest).await;
    let r = b.sync().await.unwrap();
    assert_eq!(refused_keys(&r), [key_object_name(newest)], "{r:?}");
    assert!(r.keys_sent, "{r:?}");
    assert!(attacker.newest().await > newest);
    let r = a.sync().await.unwrap();
    assert!(r.refused.is_empty() && !r.keys_received, "{r:?}");

    for with in [secret(NEW_PASSPHRASE), Secret::RecoveryKey(recovery)] {
        let lib = joins(&*make(), t.path(), with).await.unwrap();
        let c = engine(make(), lib);
        let r = c.sync().await.unwrap();
        assert!(r.refused.is_empty(), "{r:?}");
        settle_erasure(&[&a, &c]).await;
        assert_eq!(state(&c).await, state(&a).await);
    }
    let report = a.check_remote(OnDamage::Report).await.unwrap();
    let damaged: Vec<&str> = report.damaged.iter().map(|d| d.key.as_str()).collect();
    assert!(
        damaged.len() == 3 && damaged.iter().all(|k| k.starts_with("keys/")),
        "the junk and the two replays: {report:?}"
    );
}

on_every_remote!(
    key_objects_under_attack,
    "adversarial-keys",
    key_objects_under_attack_on_a_folder,
    key_objects_under_attack_on_s3,
    key_objects_under_attack_on_webdav
);

/// Two desktops change their slots offline and sync at the same moment: where the store
/// refuses a second writer, one publishes first and the other takes its change in and
/// publishes after it; where it cannot (s3s-fs, rclone's WebDAV), the one whose publish
/// was replaced notices at its next sync and publishes both. Both end with both changes,
/// and a new desktop joins with either passphrase.
async fn key_changes_at_once(make: impl Fn() -> Box<dyn Remote>) {
    let t = tempfile::tempdir().unwrap();
    let a = engine(make(), crate::engine::create(&t.path().join("a")));
    a.attach().await.unwrap();
    a.sync().await.unwrap();
    let b = engine(
        make(),
        joins(&*make(), t.path(), secret(PASSPHRASE)).await.unwrap(),
    );
    b.sync().await.unwrap();
    for round in 0..3 {
        for (e, pass) in [
            (&a, format!("desktop a's passphrase {round}")),
            (&b, format!("desktop b's passphrase {round}")),
        ] {
            e.local()
                .run(move |l| l.add_passphrase(&pass, &pass, quick_kdf()).map(|_| ()))
                .await
                .unwrap();
        }
        let (ra, rb) = tokio::join!(a.sync(), b.sync());
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert!(
            ra.refused.is_empty() && rb.refused.is_empty(),
            "{ra:?} {rb:?}"
        );
    }
    for _ in 0..2 {
        a.sync().await.unwrap();
        b.sync().await.unwrap();
    }
    assert_eq!(slot_ids(&a).await, slot_ids(&b).await);
    assert_eq!(slot_ids(&a).await.len(), 8);
    for pass in [
        "desktop a's passphrase 2",
        "desktop b's passphrase 0",
        PASSPHRASE,
    ] {
        joins(&*make(), t.path(), secret(pass)).await.unwrap();
    }
}

on_every_remote!(
    key_changes_at_once,
    "adversarial-key-race",
    two_desktops_publishing_key_changes_at_once_on_a_folder,
    two_desktops_publishing_key_changes_at_once_on_s3,
    two_desktops_publishing_key_changes_at_once_on_webdav
);

/// The same on the in-memory remote, whose puts are atomic.
#[tokio::test]
async fn two_desktops_publishing_key_changes_at_once_converge() {
    let memory = Arc::new(Memory::new());
    key_changes_at_once(move || Box::new(Arc::clone(&memory))).await;
}

/// A device's newest segment number as this desktop holds it, and its object key.
async fn newest_segment(e: &Engine<Owned>) -> (dossier_core::DeviceId, u64, Key) {
    let (device, seq) = e
        .local()
        .run(|l| {
            let device = l.device_id();
            Ok((device, l.segments()?.get(&device).copied().unwrap_or(0)))
        })
        .await
        .unwrap();
    let key = Key::new(dossier_core::segment_name(device, seq)).unwrap();
    (device, seq, key)
}

async fn import_note(e: &Engine<Owned>, dir: &std::path::Path, name: &str) {
    let file = dir.join(format!("{name}.txt"));
    std::fs::write(&file, format!("Note {name} for the registrar.\n")).unwrap();
    e.local()
        .run(move |l| {
            l.import(&[file], &ImportOptions::default(), &mut |_| {})
                .map(|_| ())
        })
        .await
        .unwrap();
}

/// History the remote loses or hides: the deleted newest segment (noticed by its
/// author, which sends it again, and by `remote check`), a segment deleted below a later
/// one (a gap the receiving desktop reports instead of waiting silently, filled by
/// `remote check --repair` on a desktop that holds it), and a deleted pack (restored by
/// `--repair`). Nothing is lost: every desktop ends with everything.
async fn history_under_attack(make: impl Fn() -> Box<dyn Remote>) {
    let t = tempfile::tempdir().unwrap();
    let mut lib = crate::engine::create(&t.path().join("a"));
    let files = write_files(&t.path().join("in"), "a");
    lib.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let a = engine(make(), lib);
    a.attach().await.unwrap();
    a.sync().await.unwrap();
    let b = engine(
        make(),
        joins(&*make(), t.path(), secret(PASSPHRASE)).await.unwrap(),
    );
    b.sync().await.unwrap();
    let attacker = make();
    let notes = t.path().join("notes");
    std::fs::create_dir_all(&notes).unwrap();

    // The scenario: A's newest segment deleted after it synced a new document.
    import_note(&a, &notes, "one").await;
    a.sync().await.unwrap();
    let (device, seq, key) = newest_segment(&a).await;
    attacker.delete(&key).await.unwrap();
    let check = a.check_remote(OnDamage::Report).await.unwrap();
    assert!(
        check.damaged.iter().any(|d| d.key == key.as_str()),
        "remote check notices the missing segment: {check:?}"
    );
    assert!(check.repaired.is_empty());
    let r = b.sync().await.unwrap();
    assert_eq!(r.segments_applied, 0, "B cannot know of it yet: {r:?}");
    let r = a.sync().await.unwrap();
    assert_eq!(
        r.history,
        [dossier_sync::HistoryProblem {
            kind: dossier_sync::HistoryKind::Missing,
            device,
            first: seq,
            last: seq,
            restored: true,
        }],
        "{r:?}"
    );
    assert!(a.sync().await.unwrap().history.is_empty(), "restored");
    let r = b.sync().await.unwrap();
    assert_eq!(r.segments_applied, 1, "{r:?}");
    settle_erasure(&[&a, &b]).await;
    assert_eq!(state(&b).await, state(&a).await);

    // A segment deleted below a later one: B reports the gap and applies nothing after
    // it; `remote check --repair` on A fills it.
    import_note(&a, &notes, "two").await;
    a.sync().await.unwrap();
    let (_, hole, key) = newest_segment(&a).await;
    import_note(&a, &notes, "three").await;
    a.sync().await.unwrap();
    attacker.delete(&key).await.unwrap();
    let r = b.sync().await.unwrap();
    assert_eq!(r.segments_applied, 0, "{r:?}");
    assert_eq!(
        r.history
            .iter()
            .map(|h| (h.kind, h.device, h.first, h.last))
            .collect::<Vec<_>>(),
        [(dossier_sync::HistoryKind::Gap, device, hole, hole)],
        "{r:?}"
    );
    let check = a.check_remote(OnDamage::Repair).await.unwrap();
    assert_eq!(check.repaired, [key.to_string()], "{check:?}");
    let r = b.sync().await.unwrap();
    assert!(r.history.is_empty() && r.segments_applied == 2, "{r:?}");
    settle_erasure(&[&a, &b]).await;
    assert_eq!(state(&b).await, state(&a).await);

    // A pack deleted: `remote check` names it, `--repair` sends A's copy again, and a new
    // desktop reads every document.
    let pack = attacker
        .list("packs/")
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap()
        .key;
    attacker.delete(&pack).await.unwrap();
    let check = a.check_remote(OnDamage::Report).await.unwrap();
    assert!(
        check.damaged.iter().any(|d| d.key == pack.as_str()),
        "{check:?}"
    );
    let check = a.check_remote(OnDamage::Repair).await.unwrap();
    assert_eq!(check.repaired, [pack.to_string()], "{check:?}");
    let c = engine(
        make(),
        joins(&*make(), t.path(), secret(PASSPHRASE)).await.unwrap(),
    );
    let r = c.sync().await.unwrap();
    assert!(r.history.is_empty() && r.refused.is_empty(), "{r:?}");
    settle_erasure(&[&a, &c]).await;
    assert_eq!(state(&c).await, state(&a).await);
    let clean = a.check_remote(OnDamage::Report).await.unwrap();
    assert!(clean.damaged.is_empty(), "{clean:?}");
}

on_every_remote!(
    history_under_attack,
    "adversarial-history",
    history_under_attack_on_a_folder,
    history_under_attack_on_s3,
    history_under_attack_on_webdav
);

/// The kinds, devices and numbers of a report's history problems.
fn history_of(
    r: &dossier_sync::SyncReport,
) -> Vec<(HistoryKind, dossier_core::DeviceId, u64, u64)> {
    r.history
        .iter()
        .map(|h| (h.kind, h.device, h.first, h.last))
        .collect()
}

async fn sync_checkpointing(e: &Engine<Owned>) -> dossier_sync::SyncReport {
    e.sync_with(dossier_sync::SyncOptions {
        fetch_content: true,
        checkpoint_every: 1,
    })
    .await
    .unwrap()
}

/// History the remote hides or rolls back. A's newest segment hidden from a new desktop
/// C is detected as soon as C sees B's later segment, which names it; the whole journal
/// rolled back to an older state is sent again by the desktops that hold it, each
/// segment the same as before (a desktop joining afterwards finds every chain whole); an
/// older checkpoint shown to a desktop that saw a newer one is reported. Nothing is lost.
async fn history_rolled_back(make: impl Fn() -> Box<dyn Remote>) {
    let t = tempfile::tempdir().unwrap();
    let a = engine(make(), crate::engine::create(&t.path().join("a")));
    a.attach().await.unwrap();
    let notes = t.path().join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    import_note(&a, &notes, "one").await;
    a.sync().await.unwrap();
    let b = engine(
        make(),
        joins(&*make(), t.path(), secret(PASSPHRASE)).await.unwrap(),
    );
    b.sync().await.unwrap();
    let attacker = make();

    // Hidden: A's newest segment, applied by B before B wrote its own.
    import_note(&a, &notes, "two").await;
    a.sync().await.unwrap();
    let (device_a, hidden, key) = newest_segment(&a).await;
    b.sync().await.unwrap();
    import_note(&b, &notes, "three").await;
    b.sync().await.unwrap();
    let body = attacker.get(&key, u64::MAX).await.unwrap();
    attacker.delete(&key).await.unwrap();
    let c = engine(
        make(),
        joins(&*make(), t.path(), secret(PASSPHRASE)).await.unwrap(),
    );
    let r = c.sync().await.unwrap();
    assert_eq!(
        history_of(&r),
        [(HistoryKind::Hidden, device_a, hidden, hidden)],
        "{r:?}"
    );
    assert!(
        r.history[0].to_string().contains("does not show it"),
        "{}",
        r.history[0]
    );
    let check = c.check_remote(OnDamage::Report).await.unwrap();
    assert!(
        check.damaged.iter().any(|d| d.key == key.as_str()),
        "{check:?}"
    );
    // Shown again: applied, nothing to report.
    attacker.put_if_absent(&key, body).await.unwrap();
    let r = c.sync().await.unwrap();
    assert!(r.history.is_empty() && r.segments_applied == 1, "{r:?}");
    settle_erasure(&[&b, &c]).await;
    assert_eq!(state(&c).await, state(&b).await);

    // Rolled back: every segment written after this point goes.
    let before: Vec<Key> = attacker
        .list("journal/")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    import_note(&a, &notes, "four").await;
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    import_note(&b, &notes, "five").await;
    b.sync().await.unwrap();
    a.sync().await.unwrap();
    for o in attacker.list("journal/").await.unwrap() {
        if !before.contains(&o.key) {
            attacker.delete(&o.key).await.unwrap();
        }
    }
    // A holds its own and B's newer segments: both are sent again from its copy.
    let r = a.sync().await.unwrap();
    assert!(
        r.history.len() == 2
            && r.history
                .iter()
                .all(|h| h.kind == HistoryKind::Missing && h.restored),
        "{r:?}"
    );
    assert!(b.sync().await.unwrap().history.is_empty());
    // Each chain goes on from the segment sent again: the same segment as before.
    import_note(&a, &notes, "four-b").await;
    a.sync().await.unwrap();
    import_note(&b, &notes, "five-b").await;
    b.sync().await.unwrap();
    a.sync().await.unwrap();
    let d = engine(
        make(),
        joins(&*make(), t.path(), secret(PASSPHRASE)).await.unwrap(),
    );
    let r = d.sync().await.unwrap();
    assert!(r.history.is_empty() && r.refused.is_empty(), "{r:?}");
    settle_erasure(&[&a, &d]).await;
    assert_eq!(state(&d).await, state(&a).await);
    settle_erasure(&[&a, &b]).await;
    assert_eq!(state(&b).await, state(&a).await);

    // An older checkpoint: A writes two; B sees the newer; the newer goes.
    let checkpoints = |names: Vec<dossier_sync::Object>| -> Vec<Key> {
        names.into_iter().map(|o| o.key).collect()
    };
    import_note(&a, &notes, "six").await;
    assert!(sync_checkpointing(&a).await.checkpoint_written);
    let first = checkpoints(attacker.list("checkpoints/").await.unwrap());
    import_note(&a, &notes, "seven").await;
    assert!(sync_checkpointing(&a).await.checkpoint_written);
    assert!(b.sync().await.unwrap().history.is_empty());
    for k in checkpoints(attacker.list("checkpoints/").await.unwrap()) {
        if !first.contains(&k) {
            attacker.delete(&k).await.unwrap();
        }
    }
    let r = b.sync().await.unwrap();
    assert_eq!(
        r.history.iter().map(|h| h.kind).collect::<Vec<_>>(),
        [HistoryKind::OldCheckpoint],
        "{r:?}"
    );
    settle_erasure(&[&a, &b]).await;
    assert_eq!(state(&b).await, state(&a).await);
}

on_every_remote!(
    history_rolled_back,
    "adversarial-rollback",
    history_rolled_back_on_a_folder,
    history_rolled_back_on_s3,
    history_rolled_back_on_webdav
);

/// A truncated pack and a garbage pack of the right size: a desktop downloading them
/// refuses both (checked against their ids), reports them and keeps nothing of them;
/// `remote check` names both and `--repair` writes them again from the desktop that
/// holds them; then every desktop reads every document.
async fn packs_under_attack(make: impl Fn() -> Box<dyn Remote>) {
    let t = tempfile::tempdir().unwrap();
    let mut lib = crate::engine::create(&t.path().join("a"));
    // One pack per import: packs to spoil.
    for file in write_files(&t.path().join("in"), "a") {
        lib.import(&[file], &ImportOptions::default(), &mut |_| {})
            .unwrap();
    }
    let a = engine(make(), lib);
    a.attach().await.unwrap();
    a.sync().await.unwrap();
    let attacker = make();
    let packs: Vec<dossier_sync::Object> = attacker.list("packs/").await.unwrap();
    assert!(packs.len() >= 2, "{packs:?}");
    let (cut, junk) = (&packs[0], &packs[1]);
    let body = attacker.get(&cut.key, u64::MAX).await.unwrap();
    attacker.delete(&cut.key).await.unwrap();
    attacker
        .put_if_absent(&cut.key, body.slice(..body.len() / 2))
        .await
        .unwrap();
    attacker.delete(&junk.key).await.unwrap();
    attacker
        .put_if_absent(&junk.key, vec![0x5a; junk.size as usize].into())
        .await
        .unwrap();

    let b = engine(
        make(),
        joins(&*make(), t.path(), secret(PASSPHRASE)).await.unwrap(),
    );
    let r = b.sync().await.unwrap();
    let mut refused = refused_keys(&r);
    refused.sort();
    let mut spoiled = vec![cut.key.as_str(), junk.key.as_str()];
    spoiled.sort();
    assert_eq!(refused, spoiled, "{r:?}");
    let missing = b.local().run(|l| l.missing_packs()).await.unwrap();
    assert_eq!(missing.len(), 2, "nothing of them kept: {missing:?}");

    let check = a.check_remote(OnDamage::Report).await.unwrap();
    let mut damaged: Vec<&str> = check.damaged.iter().map(|d| d.key.as_str()).collect();
    damaged.sort();
    assert_eq!(damaged, spoiled, "{check:?}");
    let check = a.check_remote(OnDamage::Repair).await.unwrap();
    assert_eq!(check.repaired.len(), 2, "{check:?}");
    let r = b.sync().await.unwrap();
    assert!(r.refused.is_empty() && r.packs_fetched == 2, "{r:?}");
    settle_erasure(&[&a, &b]).await;
    assert_eq!(state(&b).await, state(&a).await);
    let verified = b.local().run(|l| l.verify(&mut |_| {})).await.unwrap();
    assert!(verified.is_clean(), "{verified:?}");
}

on_every_remote!(
    packs_under_attack,
    "adversarial-packs",
    packs_under_attack_on_a_folder,
    packs_under_attack_on_s3,
    packs_under_attack_on_webdav
);
