//! `dossier sync` killed with SIGKILL at random moments, on the sending side and on the
//! receiving side, through a real S3 server. Moments are chosen by how many requests the
//! process has sent (counted by the proxy in front of the server), not by guessed delays.
//! After each kill the library verifies clean; after a normal sync both desktops hold the
//! same documents, nothing lost and nothing twice. And the whole corpus synced to a
//! folder leaves no file name, title or passage of text readable in any object.

use std::time::Duration;

use dossier_e2e::proxy::FaultProxy;
use dossier_e2e::servers::{S3_KEY, S3_SECRET, s3, s3_url};
use dossier_e2e::{corpus, dossier};
use rand::Rng;

use super::json;

fn with_keys(mut c: std::process::Command) -> std::process::Command {
    c.env("AWS_ACCESS_KEY_ID", S3_KEY)
        .env("AWS_SECRET_ACCESS_KEY", S3_SECRET)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

fn ok(library: &std::path::Path, args: &[&str]) {
    let out = with_keys(dossier(library, args))
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "dossier {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Import folders; some corpus files are refused (empty, unreadable), which exits 1.
fn import(library: &std::path::Path, folders: &[std::path::PathBuf]) {
    let mut c = with_keys(dossier(library, &["import", "--no-process"]));
    let status = c.args(folders).status().unwrap();
    assert!(matches!(status.code(), Some(0 | 1)), "import: {status}");
}

fn assert_clean(library: &std::path::Path, when: &str) {
    let out = dossier(library, &["verify", "--json"]).output().unwrap();
    let verify: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert!(
        out.status.success(),
        "{when}: verify {}: {verify} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Start `dossier sync` on `library` and SIGKILL it when the remote has seen `n` more
/// requests (or let it finish if it needs fewer); `true` if it was killed.
fn sync_killed_after(library: &std::path::Path, proxy: &FaultProxy, n: u64) -> bool {
    let before = proxy.requests();
    let mut child = with_keys(dossier(library, &["sync", "--no-process"]))
        .spawn()
        .unwrap();
    // Either the n-th request arrives (kill there) or the sync ends first.
    let killed = loop {
        if proxy.wait_for_requests(before + n, Duration::from_millis(50)) {
            child.kill().unwrap();
            break true;
        }
        if child.try_wait().unwrap().is_some() {
            break false;
        }
    };
    let status = child.wait().unwrap();
    assert!(killed || status.success(), "dossier sync: {status}");
    killed
}

/// Sync, killing each try at one of its first requests, until a try completes; the
/// library verifies clean after every kill. Tries get a little further each time (up
/// to 4 requests, then 6, 8…), since transfers run 8 at a time and a try only keeps
/// what finished. Returns how many tries were killed.
fn sync_through_kills(library: &std::path::Path, proxy: &FaultProxy, who: &str) -> usize {
    let mut rng = rand::rng();
    for kills in 0..60 {
        if !sync_killed_after(library, proxy, rng.random_range(1..=4 + 2 * kills as u64)) {
            return kills;
        }
        assert_clean(library, &format!("after kill {kills} of the {who}"));
    }
    panic!("the {who}'s sync never completed");
}

#[test]
fn syncs_killed_at_random_moments_lose_and_duplicate_nothing() {
    let Some(server) = s3() else {
        return;
    };
    let proxy = FaultProxy::start(server.port);
    let url = s3_url(proxy.port(), "school");
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let mut folders: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    folders.sort();
    let (first, second) = folders.split_at(folders.len() / 2);
    ok(&a, &["init"]);
    import(&a, first);
    ok(&a, &["remote", "add", &url]);

    // Sending: killed at random moments until a sync gets through.
    let kills = sync_through_kills(&a, &proxy, "sender");
    assert!(kills >= 1, "the sender was never killed mid-sync");
    ok(&a, &["sync", "--no-process"]);
    assert_eq!(
        json(&a, &["remote", "show", "--json"])["operations_waiting"],
        0
    );

    // A second desktop joins; the first adds the rest of the corpus meanwhile.
    let out = with_keys(dossier(
        &b,
        &["clone", &url, b.to_str().unwrap(), "--no-process"],
    ))
    .output()
    .unwrap();
    assert!(out.status.success());
    import(&a, second);
    ok(&a, &["sync", "--no-process"]);

    // Receiving: the same, while it fetches segments and packs.
    let kills = sync_through_kills(&b, &proxy, "receiver");
    assert!(kills >= 1, "the receiver was never killed mid-sync");
    ok(&b, &["sync", "--no-process"]);
    ok(&a, &["sync", "--no-process"]);

    assert_eq!(json(&a, &["ls", "--json"]), json(&b, &["ls", "--json"]));
    let (sa, sb) = (
        json(&a, &["stats", "--json"]),
        json(&b, &["stats", "--json"]),
    );
    for k in ["documents", "versions", "logical_bytes", "chunks", "packs"] {
        assert_eq!(sa[k], sb[k], "{k}: {sa} vs {sb}");
    }
    assert_clean(&a, "at the end");
    assert_clean(&b, "at the end");
}

/// After the whole corpus is synced, no object on the remote holds a file name, a title
/// or a passage of a text file's content.
#[test]
fn the_synced_corpus_reveals_nothing_on_the_remote() {
    let dir = tempfile::tempdir().unwrap();
    let (lib, remote) = (dir.path().join("lib"), dir.path().join("remote"));
    let corpus = corpus();
    ok(&lib, &["init"]);
    import(&lib, std::slice::from_ref(&corpus));
    ok(
        &lib,
        &["remote", "add", &format!("file://{}", remote.display())],
    );
    ok(&lib, &["sync", "--no-process"]);

    let mut needles: Vec<Vec<u8>> = Vec::new();
    for path in dossier_e2e::walk(&corpus) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        // Short names would match random ciphertext by chance.
        needles.extend(
            [name, stem]
                .into_iter()
                .filter(|n| n.len() >= 8)
                .map(String::into_bytes),
        );
        let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        if matches!(
            ext.as_deref(),
            Some("txt" | "csv" | "html" | "md" | "xml" | "json")
        ) {
            let body = std::fs::read(&path).unwrap();
            // The first run of 32 printable characters is a passage to look for.
            if let Some(run) = body
                .split(|b| !(b.is_ascii_graphic() || *b == b' '))
                .find(|run| run.len() >= 32)
            {
                needles.push(run[..32].to_vec());
            }
        }
    }
    assert!(needles.len() > 100, "{} needles", needles.len());
    let finder = aho_corasick::AhoCorasick::new(&needles).unwrap();
    let objects = dossier_e2e::walk(&remote);
    assert!(objects.len() >= 3, "{objects:?}");
    for object in objects {
        let bytes = std::fs::read(&object).unwrap();
        if let Some(m) = finder.find(&bytes) {
            panic!(
                "{} holds {:?}",
                object.display(),
                String::from_utf8_lossy(&needles[m.pattern().as_usize()])
            );
        }
    }
}
