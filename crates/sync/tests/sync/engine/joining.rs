//! What a desktop joins with: key slot changes reach every desktop, and a new desktop
//! starts from a checkpoint.

use super::*;

/// Key slot changes reach every desktop. A replaces the office passphrase with a new
/// one while B, offline, adds a passphrase of its own: after syncing, both desktops
/// hold both new slots and not the old one; a new desktop joins with either new
/// passphrase and is refused with the removed one.
#[tokio::test]
async fn key_slot_changes_reach_every_desktop() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let a = synced_desktop(t.path(), &memory).await;
    let b = joined(t.path(), "b", &memory).await;
    b.sync().await.unwrap();
    a.local()
        .run(|l| {
            let old = l
                .key_file()?
                .slots
                .into_iter()
                .find(|s| s.kind_name() == "passphrase")
                .unwrap();
            l.add_passphrase("the new office passphrase", "office", quick_kdf())?;
            l.remove_slot(&old.id)
        })
        .await
        .unwrap();
    b.local()
        .run(|l| {
            l.add_passphrase("the head's own passphrase", "head", quick_kdf())
                .map(|_| ())
        })
        .await
        .unwrap();
    let r = a.sync().await.unwrap();
    assert!(r.keys_sent && !r.keys_received, "{r:?}");
    let r = b.sync().await.unwrap();
    assert!(
        r.keys_received && r.keys_sent,
        "B takes A's change in and adds its own: {r:?}"
    );
    let r = a.sync().await.unwrap();
    assert!(r.keys_received && !r.keys_sent, "{r:?}");
    let on_a = slot_labels(&a).await;
    assert_eq!(on_a, slot_labels(&b).await);
    assert!(on_a.iter().any(|l| l.ends_with("office")), "{on_a:?}");
    assert!(on_a.iter().any(|l| l.ends_with("head")), "{on_a:?}");
    assert_eq!(
        on_a.iter().filter(|l| l.starts_with("passphrase")).count(),
        2,
        "the old passphrase is gone: {on_a:?}"
    );
    let r = a.sync().await.unwrap();
    assert!(!r.keys_sent && !r.keys_received, "settled: {r:?}");

    let refused = dossier_sync::join(memory.as_ref(), t.path().join("c"), secret(PASSPHRASE)).await;
    assert!(
        matches!(
            refused,
            Err(Error::Library(dossier_core::Error::WrongPassphrase))
        ),
        "{refused:?}"
    );
    for (dir, pass) in [
        ("c", "the new office passphrase"),
        ("d", "the head's own passphrase"),
    ] {
        let lib = dossier_sync::join(memory.as_ref(), t.path().join(dir), secret(pass))
            .await
            .unwrap();
        let e = engine(Box::new(Arc::clone(&memory)), lib);
        e.sync().await.unwrap();
        settle_erasure(&[&a, &e]).await;
        assert_eq!(state(&e).await, state(&a).await);
        assert!(
            !e.sync().await.unwrap().keys_sent,
            "a joined desktop has nothing to publish"
        );
    }
}

/// A desktop's key slots as "kind label", sorted.
async fn slot_labels(e: &Engine<Owned>) -> Vec<String> {
    let mut l: Vec<String> = e
        .local()
        .run(|l| Ok(l.key_file()?.slots))
        .await
        .unwrap()
        .into_iter()
        .map(|s| format!("{} {}", s.kind_name(), s.label))
        .collect();
    l.sort();
    l
}

/// Sync options writing a checkpoint every `n` segments.
fn checkpoint_every(n: u64) -> dossier_sync::SyncOptions {
    dossier_sync::SyncOptions {
        checkpoint_every: n,
        ..dossier_sync::SyncOptions::default()
    }
}

/// Close the desktop in `root`, delete its catalog and rebuild it from its store: every
/// store segment there, none missing.
fn catalog_lost(e: Engine<Owned>, root: &Path) -> Library {
    drop(e.into_local().into_library().unwrap());
    for f in ["catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"] {
        let _ = std::fs::remove_file(root.join(f));
    }
    let repair = dossier_core::CatalogRepair::open(root).unwrap();
    let key = repair.unlock(&secret(PASSPHRASE)).unwrap();
    let (lib, report) = repair.rebuild_catalog(key, &mut |_| {}).unwrap();
    assert!(report.missing_segments.is_empty(), "{report:?}");
    lib
}

/// Checkpoints: after many small syncs the remote holds checkpoints, and compaction has
/// removed what the one before the newest covers (that one and the newest are kept). A
/// new desktop starts from the newest (one object instead of every segment before it)
/// and ends identical; with the newest tampered with, it starts from the one before, and
/// the segments after that one are still there.
#[tokio::test]
async fn a_new_desktop_starts_from_a_checkpoint() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let a = synced_desktop(t.path(), &memory).await;
    let doc = first_doc(&a).await;
    let often = checkpoint_every(5);
    let (mut written, mut compacted) = (0, 0);
    // The import's segments (its records' keys among them), then one per tag.
    let first = memory.list("journal/").await.unwrap().len() as u64;
    for i in 0..17 {
        a.local()
            .run(move |l| l.tag(doc, &[format!("step-{i}")], &[]))
            .await
            .unwrap();
        let r = a.sync_with(often).await.unwrap();
        written += u32::from(r.checkpoint_written);
        compacted += r.segments_compacted;
    }
    let checkpoints: Vec<(u64, dossier_core::DeviceId)> = memory
        .list("checkpoints/")
        .await
        .unwrap()
        .iter()
        .filter_map(|o| dossier_core::parse_checkpoint_name(o.key.as_str()))
        .collect();
    assert!(written >= 3, "{checkpoints:?}");
    assert_eq!(
        checkpoints.len(),
        2,
        "the newest and the one before: {checkpoints:?}"
    );
    let listed = memory.list("journal/").await.unwrap().len() as u64;
    let (covered, _) = *checkpoints.iter().max().unwrap();
    let (before, _) = *checkpoints.iter().min().unwrap();
    assert_eq!(
        compacted, before,
        "what the one before the newest covers went"
    );
    assert_eq!(
        listed + compacted,
        first + 17,
        "every segment is listed or compacted"
    );

    let b = joined(t.path(), "b", &memory).await;
    let r = b.sync().await.unwrap();
    assert!(
        r.checkpoint_used && r.refused.is_empty() && r.history.is_empty(),
        "{r:?}"
    );
    // B's own segment (its request for the erasure key, sent first) is listed after the
    // checkpoint but neither fetched nor applied.
    let others = r.segments_since_checkpoint - r.segments_sent;
    assert_eq!(r.segments_applied, covered + others, "{r:?}");
    // The repo file, the checkpoint, the segments after it, and the packs.
    assert_eq!(r.objects_down, 2 + others + r.packs_fetched, "{r:?}");
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    verify_clean(&b).await;

    let newest = *checkpoints.iter().max().unwrap();
    let key = Key::new(dossier_core::checkpoint_name(newest.0, newest.1)).unwrap();
    let mut bytes = memory.get(&key, u64::MAX).await.unwrap().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    memory.delete(&key).await.unwrap();
    memory.put_if_absent(&key, bytes.into()).await.unwrap();
    let c = joined(t.path(), "c", &memory).await;
    let r = c.sync().await.unwrap();
    assert!(r.checkpoint_used && r.history.is_empty(), "{r:?}");
    assert_eq!(
        r.refused.iter().map(|x| x.key.as_str()).collect::<Vec<_>>(),
        [key.as_str()],
        "{r:?}"
    );
    settle_erasure(&[&c, &a]).await;
    assert_eq!(state(&a).await, state(&c).await);
    let check = a.check_remote(OnDamage::Report).await.unwrap();
    assert_eq!(check.damaged.len(), 1, "{check:?}");
}

/// Compaction is the only way history leaves the remote, and nothing it removed comes
/// back: a desktop that was away past a compaction catches up from the checkpoint, a
/// desktop whose catalog was rebuilt takes its own compacted segments from it instead of
/// numbering them again, `remote check --repair` sends nothing compacted back, and a
/// newest checkpoint deleted by the remote is reported while its segments are restored
/// from the desktops that hold them.
#[tokio::test]
async fn compaction_removes_history_only_through_a_checkpoint() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let (a, b, doc) = synced_pair(t.path(), &memory).await;
    let often = checkpoint_every(3);
    let mut compacted = 0;
    for i in 0..12 {
        a.local()
            .run(move |l| l.tag(doc, &[format!("away-{i}")], &[]))
            .await
            .unwrap();
        compacted += a.sync_with(often).await.unwrap().segments_compacted;
    }
    assert!(compacted > 0);
    // B was away: its next segment of A is gone; it starts from the checkpoint.
    let r = b.sync().await.unwrap();
    assert!(
        r.checkpoint_used && r.history.is_empty() && r.refused.is_empty(),
        "{r:?}"
    );
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    // Nothing compacted is missing, or sent back.
    let check = a.check_remote(OnDamage::Repair).await.unwrap();
    assert!(
        check.damaged.is_empty() && check.repaired.is_empty(),
        "{check:?}"
    );

    // A's catalog lost: rebuilt from its store, it takes its compacted segments from the
    // checkpoint, then sends only what is new.
    let a = engine(
        Box::new(Arc::clone(&memory)),
        catalog_lost(a, &t.path().join("a")),
    );
    let r = a.sync().await.unwrap();
    assert!(r.checkpoint_used && r.history.is_empty(), "{r:?}");
    assert_eq!(r.objects_up, 0, "nothing numbered again: {r:?}");
    a.local()
        .run(move |l| l.tag(doc, &["after-rebuild".into()], &[]))
        .await
        .unwrap();
    let r = a.sync().await.unwrap();
    assert_eq!((r.segments_sent, r.objects_up), (1, 1), "{r:?}");
    let r = b.sync().await.unwrap();
    assert!(r.history.is_empty() && r.segments_applied == 1, "{r:?}");
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);

    // The remote deletes the newest checkpoint: reported; the segments it covered that
    // are gone (compacted under the one before) stay accounted for, the rest is listed.
    let newest = memory
        .list("checkpoints/")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .max()
        .unwrap();
    memory.delete(&newest).await.unwrap();
    let r = b.sync().await.unwrap();
    assert_eq!(
        r.history.iter().map(|h| h.kind).collect::<Vec<_>>(),
        [dossier_sync::HistoryKind::OldCheckpoint],
        "{r:?}"
    );
    let d = joined(t.path(), "d", &memory).await;
    let r = d.sync().await.unwrap();
    assert!(r.checkpoint_used && r.history.is_empty(), "{r:?}");
    settle_erasure(&[&a, &d]).await;
    assert_eq!(state(&d).await, state(&a).await);
}

/// A desktop whose catalog is lost rebuilds it from its own store and syncs on as before:
/// its own segments are adopted, not sent again, the others' are taken in again without
/// effect, and both desktops still converge.
#[tokio::test]
async fn a_catalog_rebuilt_from_the_store_syncs_on_as_before() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let a = synced_desktop(t.path(), &memory).await;
    let b = joined(t.path(), "b", &memory).await;
    b.sync().await.unwrap();
    let from_b = write_files(&t.path().join("from-b"), "b");
    import_one(&b, from_b[0].clone()).await;
    b.sync().await.unwrap();
    a.sync().await.unwrap();
    let before = state(&a).await;
    let segments = memory.list("journal/").await.unwrap().len();

    let a = engine(
        Box::new(Arc::clone(&memory)),
        catalog_lost(a, &t.path().join("a")),
    );
    assert_eq!(state(&a).await, before);
    // B's segment kept its link through the rebuild: written again, it is the same.
    let b_device = b.local().run(|l| Ok(l.device_id())).await.unwrap();
    let key = Key::new(dossier_core::segment_name(b_device, 1)).unwrap();
    let there = memory.get(&key, u64::MAX).await.unwrap();
    let (rebuilt, original) = a
        .local()
        .run(move |l| {
            let rebuilt = l.catalog().segment(b_device, 1)?.expect("held");
            Ok((rebuilt, l.open_segment(b_device, 1, &there)?))
        })
        .await
        .unwrap();
    assert!(rebuilt.link.is_some());
    assert_eq!(rebuilt.digest().unwrap(), original.digest().unwrap());

    let r = a.sync().await.unwrap();
    assert!(r.history.is_empty(), "{r:?}");
    assert_eq!(
        memory.list("journal/").await.unwrap().len(),
        segments,
        "nothing was sent again"
    );
    let from_a = write_files(&t.path().join("from-a"), "a2");
    import_one(&a, from_a[0].clone()).await;
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    assert_ne!(state(&a).await, before);
}
