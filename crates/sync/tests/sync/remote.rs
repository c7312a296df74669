//! The remote suite: the same checks against every implementation of `Remote` (a folder,
//! memory, and each wrapped in `Resilient`, a real S3 server and a real WebDAV server).

use bytes::Bytes;
use dossier_sync::{
    Creation, Error, Folder, Key, Memory, Put, Remote, Resilient, ResilientOptions,
};

fn key(s: &str) -> Key {
    Key::new(s).unwrap()
}

async fn suite(r: &dyn Remote) {
    // Empty to start with.
    assert!(r.list("").await.unwrap().is_empty());
    assert!(matches!(
        r.get(&key("packs/00/missing"), u64::MAX).await,
        Err(Error::NotFound { .. })
    ));

    // Write once: a second put of the same name leaves the first.
    let pack = key("packs/ab/ab12");
    let body: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    assert_eq!(
        r.put_if_absent(&pack, Bytes::from(body.clone()))
            .await
            .unwrap(),
        Put::Created
    );
    assert_eq!(
        r.put_if_absent(&pack, Bytes::from_static(b"other"))
            .await
            .unwrap(),
        Put::Existed
    );
    assert_eq!(
        r.get(&pack, u64::MAX).await.unwrap(),
        Bytes::from(body.clone())
    );
    // A download is capped: an object larger than expected is refused, not read.
    assert_eq!(r.get(&pack, 70_000).await.unwrap().len(), 70_000);
    let capped = r.get(&pack, 69_999).await;
    assert!(
        matches!(capped, Err(Error::TooLarge { limit: 69_999, .. })),
        "{capped:?}"
    );

    // Ranges, including the last byte; a range past the end is refused.
    assert_eq!(&r.get_range(&pack, 0..3).await.unwrap()[..], &body[0..3]);
    assert_eq!(
        &r.get_range(&pack, 65_000..70_000).await.unwrap()[..],
        &body[65_000..70_000]
    );
    let past = r.get_range(&pack, 69_990..70_010).await;
    assert!(
        matches!(past, Err(Error::OutOfRange { len: 70_000, .. })),
        "{past:?}"
    );

    // Listing by prefix, in key order, with sizes.
    for k in [
        "journal/dev-b/000002",
        "journal/dev-a/000001",
        "journal/dev-b/000001",
    ] {
        r.put_if_absent(&key(k), Bytes::from(k.as_bytes().to_vec()))
            .await
            .unwrap();
    }
    r.put_if_absent(&key("dossier.repo"), Bytes::from_static(b"{}"))
        .await
        .unwrap();
    let journal: Vec<String> = r
        .list("journal/")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key.to_string())
        .collect();
    assert_eq!(
        journal,
        [
            "journal/dev-a/000001",
            "journal/dev-b/000001",
            "journal/dev-b/000002"
        ]
    );
    let all = r.list("").await.unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(
        all.iter().find(|o| o.key == pack).map(|o| o.size),
        Some(70_000)
    );

    // Delete; deleting again is fine.
    r.delete(&pack).await.unwrap();
    r.delete(&pack).await.unwrap();
    assert!(matches!(
        r.get(&pack, u64::MAX).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(r.list("packs/").await.unwrap().len(), 0);
    // A deleted name can be written again (a pack re-uploaded after a prune).
    assert_eq!(
        r.put_if_absent(&pack, Bytes::from_static(b"again"))
            .await
            .unwrap(),
        Put::Created
    );
}

/// Two writers of one name at the same moment, on a remote whose service refuses to
/// replace an object: exactly one creates it, and its bytes are what the name holds.
async fn racing_writers(r: &dyn Remote) {
    assert_eq!(r.creation().await.unwrap(), Creation::Exclusive);
    for i in 0..24 {
        let k = key(&format!("race/{i:03}"));
        let (first, second) = (format!("first writer {i}"), format!("second writer {i}"));
        let (a, b) = tokio::join!(
            r.put_if_absent(&k, Bytes::from(first.clone())),
            r.put_if_absent(&k, Bytes::from(second.clone()))
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let winner = match (a, b) {
            (Put::Created, Put::Existed) => first,
            (Put::Existed, Put::Created) => second,
            other => panic!("race {i}: {other:?}"),
        };
        assert_eq!(
            r.get(&k, u64::MAX).await.unwrap(),
            Bytes::from(winner),
            "race {i}"
        );
    }
}

#[tokio::test]
async fn folder() {
    let dir = tempfile::tempdir().unwrap();
    suite(&Folder::new(dir.path()).unwrap()).await;
    racing_writers(&Folder::new(dir.path()).unwrap()).await;
    // Nothing is left in the folder's temporary area, and objects are plain files.
    assert_eq!(
        std::fs::read_dir(dir.path().join(".incoming"))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(
        std::fs::read(dir.path().join("packs/ab/ab12")).unwrap(),
        b"again"
    );
}

#[tokio::test]
async fn folder_resilient() {
    let dir = tempfile::tempdir().unwrap();
    let r = Resilient::new(
        Folder::new(dir.path()).unwrap(),
        ResilientOptions::default(),
    );
    suite(&r).await;
    assert!(r.counters().snapshot().0 > 10);
}

#[tokio::test]
async fn memory() {
    let m = Memory::new();
    suite(&m).await;
    racing_writers(&m).await;
}

#[tokio::test]
async fn memory_resilient_with_faults() {
    let r = Resilient::new(
        Memory::new(),
        ResilientOptions {
            backoff: std::time::Duration::from_millis(1),
            max_backoff: std::time::Duration::from_millis(4),
            ..ResilientOptions::default()
        },
    );
    use dossier_sync::Fault::{LostReply, Truncated, Unavailable};
    r.inner().inject([
        Unavailable,
        LostReply,
        Truncated,
        Unavailable,
        LostReply,
        Unavailable,
    ]);
    suite(&r).await;
    // Every fault was met, and those that failed a request were retried: the suite
    // passed as without them.
    assert_eq!(r.inner().pending_faults(), 0);
    assert!(
        r.counters().snapshot().1 >= 3,
        "{:?}",
        r.counters().snapshot()
    );
}

#[tokio::test]
async fn s3_on_s3s_fs() {
    let Some(server) = dossier_e2e::servers::s3() else {
        return;
    };
    let keys = crate::s3_keys();
    let url = server.s3_url("school-a");
    let remote = Resilient::new(
        dossier_sync::open_with(&url, &keys).unwrap(),
        ResilientOptions::default(),
    );
    suite(&remote).await;
    // Dossier sends `If-None-Match: *` (a second put above was refused), but s3s-fs
    // checks it before writing rather than atomically: two writers at the same moment
    // both "create" there (this suite's race, tried against it). The race is checked
    // where the store guarantees it.
    assert_eq!(remote.creation().await.unwrap(), Creation::Exclusive);
    // A wrong secret is refused, not retried forever.
    let wrong = dossier_sync::Credentials {
        s3: Some(("K".into(), "wrong".into())),
        ..Default::default()
    };
    let bad = dossier_sync::open_with(&url, &wrong).unwrap();
    assert!(bad.list("").await.is_err());
}

#[tokio::test]
async fn webdav_on_rclone() {
    let Some(server) = dossier_e2e::servers::webdav() else {
        return;
    };
    let url = server.webdav_url("school-a");
    let remote = dossier_sync::open(&url).unwrap();
    // rclone's server ignores `If-None-Match`: write-once by naming only.
    assert_eq!(remote.creation().await.unwrap(), Creation::CheckedFirst);
    suite(&Resilient::new(remote, ResilientOptions::default())).await;
    let wrong = dossier_sync::open(&format!(
        "webdav://u:nope@127.0.0.1:{}/school-a",
        server.port
    ))
    .unwrap();
    assert!(wrong.list("").await.is_err());
}

/// Apache's mod_dav honours `If-None-Match: *`: Dossier's own conditional `PUT` is
/// refused when the name exists, with no look first. (mod_dav_fs checks the header
/// before writing rather than atomically, like s3s-fs: the race is checked where the
/// store guarantees it.)
#[tokio::test]
async fn webdav_on_apache_is_write_once() {
    let Some(server) = dossier_e2e::servers::webdav_apache() else {
        return;
    };
    let url = server.webdav_url("school-a");
    let remote = dossier_sync::open(&url).unwrap();
    assert_eq!(remote.creation().await.unwrap(), Creation::Exclusive);
    suite(&Resilient::new(remote, ResilientOptions::default())).await;
    // The probe left nothing behind.
    let all = dossier_sync::open(&server.webdav_url("school-a"))
        .unwrap()
        .list("")
        .await
        .unwrap();
    assert!(
        all.iter().all(|o| !o.key.as_str().contains("probe")),
        "{all:?}"
    );
}
