//! Deleting across desktops: legal holds reach every desktop, and prune keeps what
//! another desktop still uses.

use super::*;

/// A legal hold placed on one desktop holds on every desktop: B, after its next sync,
/// refuses to delete the document for good, and prune there keeps its content. Once A
/// lifts the hold, B can purge it.
#[tokio::test]
async fn a_legal_hold_placed_on_one_desktop_holds_on_every_desktop() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let a = synced_desktop(t.path(), &memory).await;
    let file = t.path().join("appeal.txt");
    std::fs::write(&file, "grade appeal under review by counsel").unwrap();
    let doc = import_one(&a, file).await;
    a.sync().await.unwrap();
    let b = joined(t.path(), "b", &memory).await;
    b.sync().await.unwrap();

    a.local()
        .run(move |l| l.place_legal_hold(doc, Some("appeal 7")))
        .await
        .unwrap();
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    let refused = b
        .local()
        .run(move |l| {
            assert!(l.catalog().document(doc)?.legal_hold);
            l.trash(doc)?;
            Ok(l.purge(doc))
        })
        .await
        .unwrap();
    assert!(
        matches!(refused, Err(dossier_core::Error::Held { .. })),
        "{refused:?}"
    );
    let opts = dossier_core::PruneOptions {
        grace: std::time::Duration::ZERO,
        compact_below: 0.5,
    };
    b.prune(opts).await.unwrap();
    b.sync().await.unwrap();
    a.sync().await.unwrap();
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    assert!(state(&b).await.contains("appeal.txt"));
    verify_clean(&b).await;

    // Lifted on A: B may now delete it for good, and A follows.
    a.local()
        .run(move |l| l.release_legal_hold(doc, Some("appeal closed")))
        .await
        .unwrap();
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    b.local().run(move |l| l.purge(doc)).await.unwrap();
    b.sync().await.unwrap();
    a.sync().await.unwrap();
    let gone = a
        .local()
        .run(move |l| Ok(l.catalog().document(doc).is_err()))
        .await
        .unwrap();
    assert!(gone, "the purge reached A");
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
}

/// Prune across desktops. A deletes a document for good and prunes with no grace period,
/// deleting its pack from the remote; B, before hearing of it, had filed a new version
/// of that document (reusing most of the chunks it had: one record, one record key). B's next sync copies them out of the dropped pack
/// and sends the copy: nothing is lost, both desktops read everything and verify clean,
/// and the dropped pack is gone from the remote.
#[tokio::test]
async fn prune_keeps_what_another_desktop_still_uses() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let a = synced_desktop(t.path(), &memory).await;
    // A file of its own, so its content is in a pack of its own.
    let file = t.path().join("report.bin");
    let body: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&file, &body).unwrap();
    let doc = import_one(&a, file.clone()).await;
    a.sync().await.unwrap();
    let b = joined(t.path(), "b", &memory).await;
    b.sync().await.unwrap();
    // B holds the record's key, to file a version under it.
    settle_erasure(&[&a, &b]).await;
    let packs_before = memory.list("packs/").await.unwrap().len();

    a.local()
        .run(move |l| {
            l.trash(doc)?;
            l.purge(doc)
        })
        .await
        .unwrap();
    // B files the report with a postscript as a new version (reusing the chunks it has
    // of all but its end); the purge on A does not name that version, so it and its
    // document survive.
    let mut amended = body;
    amended.extend_from_slice(b"postscript");
    std::fs::write(&file, amended).unwrap();
    let f = file.clone();
    b.local()
        .run(move |l| l.add_version(doc, &f, None, &mut |_| {}).map(|_| ()))
        .await
        .unwrap();
    let opts = dossier_core::PruneOptions {
        grace: std::time::Duration::ZERO,
        compact_below: 0.5,
    };
    let s = a.prune(opts).await.unwrap();
    assert_eq!(s.local.dropped_packs, 1, "{s:?}");
    assert_eq!(s.remote_deleted_packs, 1, "{s:?}");
    assert_eq!(memory.list("packs/").await.unwrap().len(), packs_before - 1);

    let r = b.sync().await.unwrap();
    assert!(r.chunks_rehomed > 0, "{r:?}");
    assert_eq!(
        r.packs_sent, 2,
        "the new version's end, and the copy: {r:?}"
    );
    a.sync().await.unwrap();
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    let report = state(&a).await;
    assert!(
        report.contains("report.bin"),
        "B's document reads on A: {report}"
    );
    for e in [&a, &b] {
        e.prune(opts).await.unwrap();
        verify_clean(e).await;
    }
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
}

/// Destruction across desktops (issue 22). A destroys a record its series makes due; its
/// sync deletes from the remote the pack that held it and records the check that none
/// is left (the certificate's confirmation); B's sync takes it out of B, its local copy
/// of that pack included. Both agree, verify clean, and keep everything else.
#[tokio::test]
async fn a_destruction_reaches_every_desktop_and_leaves_no_pack_on_the_remote() {
    use dossier_core::{FieldKey, FieldValue, RecordSeries, RetentionEvent, RetentionRule};

    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let a = synced_desktop(t.path(), &memory).await;
    // A record of its own, so its content is in a pack of its own.
    let file = t.path().join("zed-transcript.bin");
    let body: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_246_822_519) >> 11) as u8)
        .collect();
    std::fs::write(&file, body).unwrap();
    let doc = import_one(&a, file).await;
    a.local()
        .run(move |l| {
            let zed = l.add_subject(
                &[
                    (dossier_core::SubjectField::Kind, "student".to_owned()),
                    (dossier_core::SubjectField::Number, "7001".to_owned()),
                    (dossier_core::SubjectField::Name, "Zed Quill".to_owned()),
                    (dossier_core::SubjectField::Left, "2015-06-30".to_owned()),
                ]
                .into(),
            )?;
            l.set_document_subject(doc, Some(zed))?;
            l.set_field(
                doc,
                FieldKey::Type,
                Some(FieldValue::Text("Transcript".into())),
            )?;
            l.set_series(
                "Transcript",
                Some(RecordSeries {
                    name: "Academic records".into(),
                    rule: RetentionRule::Years {
                        years: 5,
                        after: RetentionEvent::Left,
                    },
                }),
            )
        })
        .await
        .unwrap();
    a.sync().await.unwrap();
    let b = joined(t.path(), "b", &memory).await;
    b.sync().await.unwrap();
    let listed = |m: Arc<Memory>| async move {
        m.list("packs/")
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.key.as_str().to_owned())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let before = listed(Arc::clone(&memory)).await;
    let packs_on_b = |dir: &Path| -> std::collections::BTreeSet<String> {
        walk(&dir.join("b/store/packs"))
            .into_iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    let on_b_before = packs_on_b(t.path());

    let today = dossier_core::parse_day("2026-12-07").unwrap();
    let destroyed = a
        .local()
        .run(move |l| l.destroy(&[doc], today))
        .await
        .unwrap();
    assert_eq!(destroyed.destroyed, 1);
    let r = a.sync().await.unwrap();
    assert!(r.packs_shredded >= 1, "{r:?}");
    let after = listed(Arc::clone(&memory)).await;
    let removed: Vec<_> = before.difference(&after).collect();
    assert!(
        !removed.is_empty(),
        "the pack that held it is gone from the remote"
    );
    let entries = a.local().run(|l| l.destructions()).await.unwrap();
    assert!(entries[0].remote_confirmed.is_some(), "{entries:?}");

    let r = b.sync().await.unwrap();
    assert!(r.shredding, "{r:?}");
    let gone = b
        .local()
        .run(move |l| Ok(l.catalog().document(doc).is_err()))
        .await
        .unwrap();
    assert!(gone, "the destruction reached B");
    let on_b = packs_on_b(t.path());
    for key in removed {
        let id = key.rsplit('/').next().unwrap();
        if on_b_before.contains(id) {
            assert!(!on_b.contains(id), "B's copy of {id} is gone");
        }
    }
    a.sync().await.unwrap();
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    assert!(
        state(&b).await.contains("enrolment-a.txt"),
        "the rest is kept"
    );
    verify_clean(&a).await;
    verify_clean(&b).await;
    // The certificate, confirmed, as B's records officer would read it too.
    let check = b
        .local()
        .run(move |l| {
            let c = l.destruction_certificate(destroyed.batch)?;
            l.check_certificate(&c)
        })
        .await
        .unwrap();
    assert!(check.remote_confirmed);
    // The erasure key (in each desktop's keyring): the destruction began an epoch on A;
    // B asked for its key at its sync, A gave it at its own, B holds it now.
    let r = b.sync().await.unwrap();
    match (destroyed.erasure, r.erasure) {
        (Some(epoch), Some(status)) => {
            assert!(status.settled(), "{status:?}");
            assert_eq!(status.held, vec![epoch]);
        }
        (None, None) => assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must run this test with a keyring"
        ),
        other => panic!("{other:?}"),
    }
}
