//! Sync through a proxy that breaks requests (dropped connections, 500s, slow answers,
//! lost replies, cut bodies) in front of a real S3 server: syncs retry or fail cleanly,
//! the remote never holds a damaged object, and everyone converges once the faults stop.

use std::sync::Arc;
use std::time::Duration;

use dossier_core::{ImportOptions, Listing};
use dossier_e2e::proxy::FaultProxy;
use dossier_e2e::servers::{s3, s3_url};
use dossier_sync::{Engine, Key, Owned, Remote, Replica, Resilient, ResilientOptions};

use crate::engine::{PASSPHRASE, create, secret, settle_erasure, state, write_files};

fn impatient() -> ResilientOptions {
    ResilientOptions {
        attempts: 3,
        backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        timeout: Duration::from_secs(20),
        parallel: 4,
    }
}

fn through(url: &str, lib: dossier_core::Library) -> Engine<Owned> {
    let remote = dossier_sync::open_with(url, &crate::s3_keys()).unwrap();
    Engine::new(Resilient::new(remote, impatient()), Owned::new(lib))
}

/// Sync until one succeeds (at most `tries`); returns how many failed.
async fn sync_until_ok(e: &Engine<Owned>, tries: usize) -> usize {
    for failed in 0..tries {
        match e.sync().await {
            Ok(r) => {
                assert!(r.refused.is_empty(), "{r:?}");
                return failed;
            }
            // Only the remote's failures, said plainly; never damage.
            Err(err) => assert!(!matches!(err, dossier_sync::Error::Library(_)), "{err}"),
        }
    }
    panic!("no sync succeeded in {tries} tries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_retried_and_everyone_converges_once_they_stop() {
    let Some(server) = s3() else {
        return;
    };
    let proxy = FaultProxy::start(server.port);
    let url = s3_url(proxy.port(), "school");
    let t = tempfile::tempdir().unwrap();

    let mut lib = create(&t.path().join("a"));
    let files = write_files(&t.path().join("in-a"), "a");
    lib.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let a = through(&url, lib);
    a.attach().await.unwrap();
    proxy.set_fault_rate(0.4);
    let mut failed = sync_until_ok(&a, 20).await;

    let b = loop {
        match dossier_sync::join(
            dossier_sync::open_with(&url, &crate::s3_keys())
                .unwrap()
                .as_ref(),
            t.path().join("b"),
            secret(PASSPHRASE),
        )
        .await
        {
            Ok(lib) => break through(&url, lib),
            Err(e) => {
                assert!(
                    !t.path().join("b").exists(),
                    "{e}: a failed join leaves nothing"
                );
                failed += 1;
            }
        }
    };
    failed += sync_until_ok(&b, 20).await;

    // Both change things while the faults go on.
    let more = write_files(&t.path().join("in-b"), "b");
    b.local()
        .run(move |l| {
            l.import(&more, &ImportOptions::default(), &mut |_| {})
                .map(|_| ())
        })
        .await
        .unwrap();
    a.local()
        .run(|l| {
            let doc = l.catalog().list(Listing::All)?[0].id;
            l.tag(doc, &["reviewed".into()], &[])
        })
        .await
        .unwrap();
    // Go on syncing (successfully or not) until a fair number of faults were met.
    let mut rounds = 0;
    while proxy.injected() < 25 {
        rounds += 1;
        assert!(
            rounds < 100,
            "only {} faults in 100 rounds",
            proxy.injected()
        );
        for e in [&a, &b] {
            let _ = e.sync().await;
        }
    }

    proxy.set_fault_rate(0.0);
    for _ in 0..2 {
        for e in [&a, &b] {
            let r = e.sync().await.unwrap();
            assert!(r.refused.is_empty(), "{r:?}");
        }
    }
    settle_erasure(&[&b, &a]).await;
    assert_eq!(state(&a).await, state(&b).await);
    assert!(state(&a).await.contains("reviewed"));
    eprintln!(
        "{failed} syncs failed under faults; {} faults injected",
        proxy.injected()
    );

    // Every object on the server is whole: packs match their ids, segments open.
    let direct = Arc::new(
        dossier_sync::open_with(&s3_url(server.port, "school"), &crate::s3_keys()).unwrap(),
    );
    for o in direct.list("").await.unwrap() {
        let body = direct.get(&o.key, u64::MAX).await.unwrap();
        let name = o.key.to_string();
        if let Some(id) = name
            .strip_prefix("packs/")
            .and_then(|r| r.rsplit('/').next())
        {
            assert_eq!(blake3::hash(&body).to_hex().as_str(), id, "{name}");
        } else if let Some((device, seq)) = dossier_core::parse_segment_name(&name) {
            a.local()
                .run(move |l| l.open_segment(device, seq, &body).map(|_| ()))
                .await
                .unwrap();
        } else {
            assert_eq!(o.key, Key::new("dossier.repo").unwrap());
        }
    }
}

/// Issue 18: the network drops in the middle of a pack's upload to a WebDAV server that
/// keeps what it received (rclone). The retry finds a file of that name there and, the
/// server unable to refuse a second writer, takes it for the pack; but no local copy is
/// evicted until a listing shows the pack whole, and the sync sends it again. Then the
/// copy goes, and a new desktop reads every document from the remote.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pack_upload_cut_mid_body_is_sent_again_before_its_copy_goes() {
    let Some(server) = dossier_e2e::servers::webdav() else {
        return;
    };
    let proxy = FaultProxy::start(server.port);
    let url = format!("webdav://u:p@127.0.0.1:{}/school", proxy.port());
    let t = tempfile::tempdir().unwrap();
    let mut lib = create(&t.path().join("a"));
    let files = write_files(&t.path().join("in-a"), "a");
    lib.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    lib.set_remote(&url).unwrap();
    lib.set_cache_budget(Some(0)).unwrap();
    // What is evicted is read back from the remote.
    let source = dossier_sync::RemotePacks::for_url(&url, impatient()).unwrap();
    lib.set_pack_source(Some(Arc::new(source)));
    let pack_here = |lib: &dossier_core::Library| -> Vec<(dossier_core::PackId, u64)> {
        lib.catalog().packs().unwrap()
    };
    let packs = pack_here(&lib);
    let remote = dossier_sync::open(&url).unwrap();
    // Retries as a desktop makes them: rclone may take a moment to let go of the file
    // whose upload was cut.
    let a = Engine::new(
        Resilient::new(remote, ResilientOptions::default()),
        Owned::new(lib),
    );
    a.attach().await.unwrap();

    // The pack's upload (the only body over 100 kB) is cut halfway.
    proxy.cut_next_upload_over(100_000);
    let r = a.sync().await.unwrap();
    assert!(proxy.upload_was_cut());
    let direct = dossier_sync::open(&server.webdav_url("school")).unwrap();
    let listed = |id: dossier_core::PackId| {
        let direct = &direct;
        async move {
            direct
                .list("packs/")
                .await
                .unwrap()
                .into_iter()
                .find(|o| o.key.as_str().ends_with(&id.to_hex()))
                .map(|o| o.size)
        }
    };
    // Nothing was evicted before the pack was whole there: it was sent again, and its
    // copy here goes at the next sync, once a listing has shown it whole.
    assert!(r.packs_sent >= 2, "sent, then sent again: {r:?}");
    assert_eq!(r.packs_evicted, 0, "{r:?}");
    for (id, size) in &packs {
        assert_eq!(listed(*id).await, Some(*size), "{id:?} whole on the remote");
    }
    let r = a.sync().await.unwrap();
    assert_eq!(r.packs_evicted as usize, packs.len(), "{r:?}");

    // Through the proxy as every desktop is, so with retries of what a connection
    // closed early costs (as `Resilient` gives every remote in the app and the CLI).
    let joining = Resilient::new(dossier_sync::open(&url).unwrap(), impatient());
    let b_lib = dossier_sync::join(&joining, t.path().join("b"), secret(PASSPHRASE))
        .await
        .unwrap();
    let b = through_webdav(&url, b_lib);
    assert_eq!(sync_until_ok(&b, 1).await, 0);
    settle_erasure(&[&a, &b]).await;
    assert_eq!(state(&b).await, state(&a).await);
    let a_listing = a
        .local()
        .run(|l| Ok(l.catalog().list(Listing::All)?.len()))
        .await
        .unwrap();
    assert_eq!(a_listing, 3);
}

fn through_webdav(url: &str, lib: dossier_core::Library) -> Engine<Owned> {
    let remote = dossier_sync::open(url).unwrap();
    Engine::new(Resilient::new(remote, impatient()), Owned::new(lib))
}
