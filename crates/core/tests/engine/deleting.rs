//! Deleting for good: emptying the trash, legal holds and retention, and prune.

use super::*;

#[test]
fn emptying_the_trash_deletes_documents_for_good_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    // A picture (which gets a cached thumbnail), then its text as a second version.
    let mut png = Vec::new();
    image::RgbImage::from_pixel(64, 48, image::Rgb([200, 30, 30]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let files = [
        write(dir.path(), "a.png", &png),
        write(dir.path(), "b.txt", b"old timetable hufflepuff"),
        write(dir.path(), "c.txt", b"current transcript gryffindor"),
    ];
    // Matches in the library and in the trash.
    let find = |lib: &Library, q: &str| {
        [false, true]
            .map(|trashed| {
                lib.search(&dossier_core::SearchRequest {
                    query: q.into(),
                    trashed,
                    ..Default::default()
                })
                .unwrap()
                .total
            })
            .iter()
            .sum::<u64>()
    };
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    let a2 = write(
        dir.path(),
        "a2.txt",
        b"expelled pupil letter, second draft ravenclaw",
    );
    lib.add_version(docs[0], &a2, None, &mut |_| {}).unwrap();
    lib.process(&processing(), &mut |_| {}).unwrap();
    let a_versions: Vec<_> = lib
        .catalog()
        .versions(docs[0])
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(a_versions.len(), 2);
    let derived = dir.path().join("lib/derived");
    assert!(
        a_versions
            .iter()
            .any(|v| derived.join(v.to_string()).exists())
    );

    // Only what is in the trash can be purged.
    assert!(matches!(lib.purge(docs[2]), Err(Error::NotTrashed)));
    lib.trash(docs[0]).unwrap();
    lib.trash(docs[1]).unwrap();
    let mut seen = Vec::new();
    let report = lib
        .empty_trash(&mut |done, total| seen.push((done, total)))
        .unwrap();
    assert_eq!(report.purged, 2);
    assert!(report.held.is_empty());
    assert_eq!(seen, vec![(1, 2), (2, 2)]);

    // Gone from the catalog, the trash, the index and the thumbnails; the rest stays.
    let all = lib.catalog().list(dossier_core::Listing::All).unwrap();
    assert_eq!(all.iter().map(|d| d.id).collect::<Vec<_>>(), vec![docs[2]]);
    assert!(matches!(
        lib.catalog().document(docs[0]),
        Err(Error::NoSuchDocument { .. })
    ));
    assert_eq!(find(&lib, "ravenclaw"), 0);
    assert_eq!(find(&lib, "hufflepuff"), 0);
    assert_eq!(find(&lib, "gryffindor"), 1);
    assert!(
        a_versions
            .iter()
            .all(|v| !derived.join(v.to_string()).exists())
    );
    // The audit trail says what was purged, and its chain still checks.
    let purged: Vec<_> = lib
        .catalog()
        .audit(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "purged")
        .collect();
    assert_eq!(purged.len(), 2);
    assert!(
        purged
            .iter()
            .any(|e| e.detail.as_deref() == Some("a (2 version(s))")),
        "{purged:?}"
    );
    let verify = lib.verify(&mut |_| {}).unwrap();
    assert!(verify.is_clean(), "{verify:?}");
    assert_eq!(
        content(&lib, docs[2], None),
        b"current transcript gryffindor"
    );
    // After reopening: still gone, the rest readable.
    drop(lib);
    let lib = reopen(dir.path(), Access::Write);
    assert_eq!(
        lib.catalog()
            .list(dossier_core::Listing::All)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(find(&lib, "ravenclaw"), 0);
}

#[test]
fn legal_holds_and_retention_keep_documents_from_deletion_until_lifted() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let files = [
        write(
            dir.path(),
            "held.txt",
            b"disciplinary record under litigation",
        ),
        write(
            dir.path(),
            "kept.txt",
            b"admission file kept for seven years",
        ),
    ];
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    let (held, kept) = (docs[0], docs[1]);

    lib.place_legal_hold(held, Some("case 2026-14")).unwrap();
    assert!(matches!(
        lib.place_legal_hold(held, None),
        Err(Error::AlreadyHeld)
    ));
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    lib.set_retention(kept, Some(tomorrow)).unwrap();
    let detail = lib.catalog().document(kept).unwrap();
    assert_eq!(
        detail.retain_until,
        Some(tomorrow.format("%Y-%m-%d").to_string())
    );
    assert!(!detail.legal_hold);
    assert!(lib.catalog().document(held).unwrap().legal_hold);
    // Holds are not ordinary fields.
    assert!(dossier_core::FieldKey::from_name("legal_hold").is_err());

    // Both go to the trash, and neither can be deleted for good: each says why.
    lib.trash(held).unwrap();
    lib.trash(kept).unwrap();
    match lib.purge(held) {
        Err(Error::Held { why, .. }) => assert!(why.contains("legal hold"), "{why}"),
        other => panic!("purge of a held document: {other:?}"),
    }
    match lib.purge(kept) {
        Err(Error::Held { why, .. }) => assert!(why.contains(&tomorrow.to_string()), "{why}"),
        other => panic!("purge of a retained document: {other:?}"),
    }
    let report = lib.empty_trash(&mut |_, _| {}).unwrap();
    assert_eq!(report.purged, 0);
    assert_eq!(report.held.len(), 2);
    assert_eq!(
        lib.catalog()
            .list(dossier_core::Listing::Trashed)
            .unwrap()
            .len(),
        2
    );

    // Survives a reopen; then lifting them lets the trash be emptied.
    drop(lib);
    let mut lib = reopen(dir.path(), Access::Write);
    assert!(lib.catalog().document(held).unwrap().legal_hold);
    lib.release_legal_hold(held, Some("case closed")).unwrap();
    assert!(matches!(
        lib.release_legal_hold(held, None),
        Err(Error::NotHeld)
    ));
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    lib.set_retention(kept, Some(yesterday)).unwrap();
    let report = lib.empty_trash(&mut |_, _| {}).unwrap();
    assert_eq!((report.purged, report.held.len()), (2, 0));

    // The audit trail has each change, with the reason given.
    let actions: Vec<(String, Option<String>)> = lib
        .catalog()
        .audit(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action.starts_with("hold_") || e.action == "retention_set")
        .map(|e| (e.action, e.detail))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("hold_placed".into(), Some("case 2026-14".into())),
            (
                "retention_set".into(),
                Some(format!("kept until {tomorrow}"))
            ),
            ("hold_released".into(), Some("case closed".into())),
            (
                "retention_set".into(),
                Some(format!("kept until {yesterday}"))
            ),
        ]
    );
    assert!(lib.verify(&mut |_| {}).unwrap().is_clean());
}

/// Bytes of the pack files in the library's store.
fn pack_bytes(dir: &Path) -> u64 {
    let packs = dir.join("lib/store/packs");
    if !packs.exists() {
        return 0;
    }
    walk(&packs)
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum()
}

/// Prune reclaims what was deleted for good: in a library with no remote, packs go at
/// once; a mostly unused pack is compacted; everything kept reads back and verifies;
/// content imported again after its chunks went is stored anew.
#[test]
fn prune_reclaims_deleted_content_and_keeps_the_rest() {
    use dossier_core::PruneOptions;
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let files = [
        write(dir.path(), "a.bin", &noise(300_000, 1)),
        write(dir.path(), "b.bin", &noise(200_000, 2)),
        write(dir.path(), "c.bin", &noise(100_000, 3)),
    ];
    let docs = imported(&import(&mut lib, &files, &ImportOptions::default()));
    assert_eq!(lib.stats().unwrap().packs, 1, "one pack holds all three");
    let opts = PruneOptions {
        grace: std::time::Duration::from_secs(3600),
        compact_below: 0.5,
    };
    let idle = |r: &dossier_core::PruneReport| {
        (
            r.dropped_packs,
            r.new_packs,
            r.deleted_packs,
            r.rehomed_chunks,
        ) == (0, 0, 0, 0)
    };
    let r = lib.prune(&opts).unwrap();
    assert!(idle(&r), "nothing deleted, nothing to do: {r:?}");

    // a and b deleted for good: most of the pack is unused, so it is compacted.
    lib.trash(docs[0]).unwrap();
    lib.trash(docs[1]).unwrap();
    lib.empty_trash(&mut |_, _| {}).unwrap();
    let before = pack_bytes(dir.path());
    let r = lib.prune(&opts).unwrap();
    assert_eq!(
        (r.compacted_packs, r.new_packs, r.dropped_packs),
        (1, 1, 1),
        "{r:?}"
    );
    assert_eq!(r.deleted_packs, 1, "no remote, so no grace period: {r:?}");
    let after = pack_bytes(dir.path());
    assert_eq!(r.freed_bytes, before, "the old pack went whole: {r:?}");
    assert!(
        after < 110_000 && after > 100_000,
        "about c's size: {after}"
    );
    assert_eq!(content(&lib, docs[2], None), noise(100_000, 3));
    let v = lib.verify(&mut |_| {}).unwrap();
    assert!(v.is_clean(), "{v:?}");
    assert_eq!(lib.stats().unwrap().packs, 1);
    assert!(
        idle(&lib.prune(&opts).unwrap()),
        "a second run has nothing to do"
    );

    // a again: its chunks went with the dropped pack, so they are stored anew.
    let again = imported(&import(&mut lib, &files[..1], &ImportOptions::default()));
    assert_eq!(content(&lib, again[0], None), noise(300_000, 1));
    assert!(pack_bytes(dir.path()) > after + 300_000);

    // Everything deleted for good: every pack goes, and the library still verifies
    // after reopening.
    lib.trash(docs[2]).unwrap();
    lib.trash(again[0]).unwrap();
    lib.empty_trash(&mut |_, _| {}).unwrap();
    let r = lib.prune(&opts).unwrap();
    assert_eq!((r.dropped_packs, r.deleted_packs), (2, 2), "{r:?}");
    assert_eq!(pack_bytes(dir.path()), 0);
    drop(lib);
    let lib = reopen(dir.path(), Access::Write);
    let v = lib.verify(&mut |_| {}).unwrap();
    assert!(v.is_clean(), "{v:?}");
    assert_eq!(lib.stats().unwrap().packs, 0);
}
