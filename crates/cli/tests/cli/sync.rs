//! `dossier remote`, `dossier sync` and `dossier clone` between two library folders
//! through a folder remote.

use super::*;

fn url_of(dir: &Path) -> String {
    format!("file://{}", dir.display())
}

#[test]
fn a_second_desktop_clones_and_both_sync() {
    let a = Lib::new();
    let files = a.work().join("in");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(
        files.join("letter.txt"),
        "Dear registrar, the transcript follows.\n",
    )
    .unwrap();
    a.ok(&["import", "--no-process", files.to_str().unwrap()]);
    let remote = a.work().join("remote");
    let url = url_of(&remote);

    // No remote yet: sync says what to do.
    let out = a.run(&["sync"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("dossier remote add"),
        "{}",
        stderr(&out)
    );
    // A password in the URL would be kept in the library folder: refused.
    let out = a.run(&["remote", "add", "webdav://u:secret@127.0.0.1:1/x"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("DOSSIER_WEBDAV_PASSWORD"),
        "{}",
        stderr(&out)
    );

    assert!(
        a.ok(&["remote", "add", &url])
            .contains("now keeps this library")
    );
    let show = a.json(&["remote", "show", "--json"]);
    assert_eq!(show["url"], url.as_str());
    assert_eq!(
        show["creation"], "exclusive",
        "a folder refuses to replace: {show}"
    );
    assert!(show["operations_waiting"].as_u64().unwrap() > 0, "{show}");
    let sent = a.json(&["sync", "--json"]);
    assert!(sent["segments_sent"].as_u64().unwrap() >= 1, "{sent}");
    assert!(sent["bytes_up"].as_u64().unwrap() > 0, "{sent}");
    assert_eq!(
        a.json(&["remote", "show", "--json"])["operations_waiting"],
        0
    );
    let check = a.json(&["remote", "check", "--json"]);
    assert!(check["objects"].as_u64().unwrap() >= 3, "{check}");
    assert_eq!(check["damaged"], serde_json::json!([]), "{check}");

    // A wrong passphrase at clone: exit 5, nothing made.
    let b_dir = a.work().join("b");
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["clone", &url, b_dir.to_str().unwrap()])
        .env("DOSSIER_PASSPHRASE", "not the passphrase")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert!(!b_dir.exists());

    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["clone", &url, b_dir.to_str().unwrap(), "--json"])
        .env("DOSSIER_PASSPHRASE", PASS)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let b = Lib {
        _dir: tempfile::tempdir().unwrap(),
        path: b_dir,
    };
    assert_eq!(b.json(&["ls", "--json"]), a.json(&["ls", "--json"]));
    // B asked for the erasure key at clone (its records' own keys are under it): A gives
    // it at its next sync, and B's next sync opens them and processes what waited.
    let waits = b.json(&["erasure", "status", "--json"]);
    assert_eq!(waits["waiting"], true, "{waits}");
    let gave = a.json(&["sync", "--json"]);
    assert_eq!(gave["erasure"]["given"], 1, "{gave}");
    b.ok(&["sync"]);
    let holds = b.json(&["erasure", "status", "--json"]);
    assert_eq!(holds["held"][0], holds["current"][0], "{holds}");
    assert_eq!(holds["waiting"], false, "{holds}");
    // Processed once the key came: B finds the letter by its words.
    let hits = b.json(&["search", "transcript", "--json"]);
    assert_eq!(hits["total"], 1, "{hits}");

    // Under a budget of nothing, B keeps no content here and still reads it.
    let cache = b.json(&["cache", "--budget", "0", "--json"]);
    assert_eq!(cache["kept_packs"], 0, "{cache}");
    assert!(cache["evicted_packs"].as_u64().unwrap() >= 1, "{cache}");
    let out = b.work().join("letter-out.txt");
    let id0 = b.json(&["ls", "--json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.ok(&["export", &id0, "-o", out.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "Dear registrar, the transcript follows.\n"
    );
    // The export fetched its pack; over budget again, it goes at the next look.
    assert_eq!(b.json(&["cache", "--json"])["evicted_packs"], 1);
    // A library without a remote keeps everything: a budget is refused.
    let solo = Lib::new();
    let out = solo.run(&["cache", "--budget", "1GB"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("no remote"), "{}", stderr(&out));

    // B tags it; A gets the tag.
    let id = b.json(&["ls", "--json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.ok(&["tag", &id, "+incoming"]);
    let sent = b.json(&["sync", "--json"]);
    assert_eq!(sent["segments_sent"], 1, "{sent}");
    let got = a.json(&["sync", "--json"]);
    assert_eq!(got["segments_applied"], 1, "{got}");
    assert_eq!(b.json(&["ls", "--json"]), a.json(&["ls", "--json"]));
    assert!(a.ok(&["show", &id]).contains("incoming"));
    a.ok(&["verify"]);
    b.ok(&["verify"]);
}

/// Every desktop lost: a desktop cloned from the remote waits for an erasure key no one
/// is left to give, until the records officer's printed recovery code brings it back.
#[test]
fn the_erasure_recovery_code_opens_a_library_whose_desktops_are_lost() {
    let a = Lib::new();
    let files = a.work().join("in");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("minutes.txt"), "The board's March minutes.\n").unwrap();
    a.ok(&["import", "--no-process", files.to_str().unwrap()]);
    let status = a.ok(&["erasure", "status"]);
    assert!(status.contains("No recovery code"), "{status}");
    let shown = a.ok(&["erasure", "code"]);
    let code = shown
        .split_whitespace()
        .find(|w| w.len() == 65 && w.matches('-').count() == 10)
        .unwrap_or_else(|| panic!("no code in: {shown}"))
        .to_owned();
    assert_eq!(
        a.json(&["erasure", "status", "--json"])["recovery_code"],
        "current"
    );
    let remote = tempfile::tempdir().unwrap();
    let url = url_of(&remote.path().join("remote"));
    a.ok(&["remote", "add", &url]);
    a.ok(&["sync"]);
    // A's desktop is lost: its folder goes, and its keyring entry is its own device's.
    drop(a);

    let c_dir = tempfile::tempdir().unwrap();
    let c = Lib {
        path: c_dir.path().join("c"),
        _dir: c_dir,
    };
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["clone", &url, c.path.to_str().unwrap()])
        .env("DOSSIER_PASSPHRASE", PASS)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(c.json(&["erasure", "status", "--json"])["waiting"], true);
    assert_eq!(c.json(&["search", "March", "--json"])["total"], 0);
    let recover = |typed: &str| {
        c.cmd(&["erasure", "recover", "--json"])
            .env("DOSSIER_ERASURE_CODE", typed)
            .output()
            .unwrap()
    };
    // A typo: refused as locked (exit 5), and nothing changes.
    let typo = code.replacen(&code[..1], if &code[..1] == "A" { "B" } else { "A" }, 1);
    let out = recover(&typo);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("mistyped"), "{}", stderr(&out));
    assert_eq!(c.json(&["erasure", "status", "--json"])["waiting"], true);

    let out = recover(&code.to_lowercase());
    assert!(out.status.success(), "{}", stderr(&out));
    let back: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(back["held"][0], back["current"][0], "{back}");
    c.ok(&["process"]);
    assert_eq!(c.json(&["search", "March", "--json"])["total"], 1);
}

#[test]
fn restore_library_rebuilds_a_past_moment() {
    let a = Lib::new();
    let files = a.work().join("in");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("first.txt"), "The September minutes.\n").unwrap();
    a.ok(&[
        "import",
        "--no-process",
        files.join("first.txt").to_str().unwrap(),
    ]);
    let moment = chrono::Utc::now();
    while chrono::Utc::now().timestamp_millis() <= moment.timestamp_millis() {
        std::thread::yield_now();
    }
    std::fs::write(files.join("second.txt"), "The October minutes.\n").unwrap();
    a.ok(&[
        "import",
        "--no-process",
        files.join("second.txt").to_str().unwrap(),
    ]);

    let dest = a.work().join("as-it-was");
    let at = moment.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let report = a.json(&[
        "restore-library",
        "--at",
        &at,
        dest.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(report["documents"], 1, "{report}");
    let copy = Lib {
        _dir: tempfile::tempdir().unwrap(),
        path: dest.clone(),
    };
    let listed = copy.json(&["ls", "--json"]);
    assert_eq!(listed[0]["file_name"], "first.txt", "{listed}");
    // Processed: its words are searchable.
    assert_eq!(copy.json(&["search", "September", "--json"])["total"], 1);
    copy.ok(&["verify"]);
    // A moment nobody can read is refused before anything is made.
    let out = a.run(&[
        "restore-library",
        "--at",
        "last week",
        a.work().join("x").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a moment"), "{}", stderr(&out));
    assert!(!a.work().join("x").exists());
}

/// `dossier sync --watch` syncs on its interval, and soon after local changes rest even
/// when the interval is long; the library stays usable between rounds.
#[test]
fn sync_watch_follows_local_changes() {
    use std::io::{BufRead, BufReader};
    let a = Lib::new();
    let remote = a.work().join("remote");
    a.ok(&["remote", "add", &url_of(&remote)]);
    let mut child = a
        .cmd(&[
            "sync",
            "--watch",
            "--interval",
            "1h",
            "--settle",
            "1s",
            "--json",
            "--no-process",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let child = std::sync::Arc::new(std::sync::Mutex::new(child));
    // A watchdog: a round that never comes fails the test instead of hanging it.
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let watched = std::sync::Arc::clone(&child);
    let guard = std::thread::spawn(move || {
        if finished
            .recv_timeout(std::time::Duration::from_secs(120))
            .is_err()
        {
            let _ = watched.lock().unwrap().kill();
        }
    });
    let mut rounds = BufReader::new(stdout).lines();
    let first: Value = serde_json::from_str(&rounds.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["segments_sent"], 0, "nothing to send yet: {first}");

    // A change while the watcher waits: the library is free, and the change goes out
    // once it has rested, long before the hour is up.
    let file = a.work().join("note.txt");
    std::fs::write(&file, "Late enrolment note.\n").unwrap();
    loop {
        let out = a.run(&["import", "--no-process", file.to_str().unwrap()]);
        match out.status.code() {
            Some(0) => break,
            Some(4) => continue, // a round holds the library this instant
            _ => panic!("import: {}", stderr(&out)),
        }
    }
    let next: Value = serde_json::from_str(&rounds.next().unwrap().unwrap()).unwrap();
    assert_eq!(next["segments_sent"], 1, "{next}");
    done.send(()).unwrap();
    guard.join().unwrap();
    let mut child = child.lock().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        a.json(&["remote", "show", "--json"])["operations_waiting"],
        0
    );
}

/// `dossier prune` after emptying the trash: the pack goes from this desktop and, once
/// the grace period is over (here none), from the remote; the rest still verifies and
/// a desktop cloned afterwards reads it.
#[test]
fn prune_reclaims_space_here_and_on_the_remote() {
    let a = Lib::new();
    let files = a.work().join("in");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("keep.txt"), "Timetable for the autumn term.\n").unwrap();
    a.ok(&["import", "--no-process", files.to_str().unwrap()]);
    let gone = a.work().join("gone");
    std::fs::create_dir_all(&gone).unwrap();
    std::fs::write(gone.join("gone.txt"), "A letter filed by mistake.\n").unwrap();
    a.ok(&["import", "--no-process", gone.to_str().unwrap()]);
    let remote = a.work().join("remote");
    let url = url_of(&remote);
    a.ok(&["remote", "add", &url]);
    a.ok(&["sync"]);
    let remote_packs = || walk(&remote.join("packs")).len();
    assert_eq!(remote_packs(), 2);

    let listed = a.json(&["ls", "--json"]);
    let id = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "gone")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    a.ok(&["trash", &id]);
    a.ok(&["trash", "--empty"]);
    // Within the grace period the pack is dropped but kept everywhere.
    let r = a.json(&["prune", "--json"]);
    assert_eq!(r["dropped_packs"], 1, "{r}");
    assert_eq!(r["waiting_packs"], 1, "{r}");
    assert_eq!(r["remote_deleted_packs"], 0, "{r}");
    assert_eq!(remote_packs(), 2);
    // With no grace period it goes.
    let r = a.json(&["prune", "--grace", "0", "--json"]);
    assert_eq!(r["deleted_packs"], 1, "{r}");
    assert_eq!(r["remote_deleted_packs"], 1, "{r}");
    assert_eq!(remote_packs(), 1);
    a.ok(&["verify"]);
    let out = a.run(&["prune", "--grace", "soon"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let b_dir = a.work().join("b");
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["clone", &url, b_dir.to_str().unwrap(), "--no-process"])
        .env("DOSSIER_PASSPHRASE", PASS)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let b = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["--library", b_dir.to_str().unwrap(), "ls", "--json"])
        .env("DOSSIER_PASSPHRASE", PASS)
        .output()
        .unwrap();
    let docs: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    assert_eq!(docs.as_array().unwrap().len(), 1, "{docs}");
    assert_eq!(docs[0]["title"], "keep");
}

/// Issue 18's lock-out, as tried on a folder remote: `keys/00000000000000000001`, a
/// copy of `dossier.repo` whose only slot is junk. `sync` refuses it and says so (exit
/// 1); the slots stay; `keys list`, `export` and `verify` work with the passphrase and
/// the recovery key; `clone` joins with either; `remote check` names the object.
#[test]
fn a_junk_key_object_on_a_folder_remote_locks_nobody_out() {
    let dir = tempfile::tempdir().unwrap();
    let a = Lib {
        path: dir.path().join("library"),
        _dir: dir,
    };
    let init = a.ok(&["init"]);
    let recovery = init
        .lines()
        .find(|l| l.trim().matches('-').count() == 10)
        .expect("a recovery key line")
        .trim()
        .to_owned();
    let files = a.work().join("in");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("letter.txt"), "Dear registrar, the diploma.\n").unwrap();
    a.ok(&["import", "--no-process", files.to_str().unwrap()]);
    let remote = a.work().join("remote");
    a.ok(&["remote", "add", &url_of(&remote)]);
    a.ok(&["sync"]);
    let slots = a.json(&["keys", "list", "--json"]);

    let mut junk: Value =
        serde_json::from_slice(&std::fs::read(remote.join("dossier.repo")).unwrap()).unwrap();
    let mut slot = junk["keys"]["slots"][0].clone();
    slot["id"] = "deadbeef".into();
    slot["wrapped"] = "A".repeat(80).into(); // 60 zero bytes
    junk["keys"]["slots"] = serde_json::json!([slot]);
    junk["format"] = 1.into();
    junk.as_object_mut().unwrap().remove("auth");
    std::fs::create_dir_all(remote.join("keys")).unwrap();
    std::fs::write(
        remote.join("keys/00000000000000000001"),
        serde_json::to_vec(&junk).unwrap(),
    )
    .unwrap();

    let out = a.run(&["sync", "--json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["refused"][0]["key"], "keys/00000000000000000001",
        "{report}"
    );
    let out = a.run(&["sync"]);
    assert!(out.status.success(), "reported once: {}", stdout(&out));
    assert_eq!(a.json(&["keys", "list", "--json"]), slots);
    let id = a.json(&["ls", "--json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for secret in [PASS, recovery.as_str()] {
        let out = a
            .cmd(&["verify"])
            .env("DOSSIER_PASSPHRASE", secret)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let to = a.work().join("out.txt");
        let out = a
            .cmd(&["export", &id, "-o", to.to_str().unwrap()])
            .env("DOSSIER_PASSPHRASE", secret)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(&to).unwrap(),
            "Dear registrar, the diploma.\n"
        );
        std::fs::remove_file(&to).unwrap();
        let clone = a.work().join(format!("clone-{}", secret.len()));
        let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args([
                "clone",
                &url_of(&remote),
                clone.to_str().unwrap(),
                "--no-process",
            ])
            .env("DOSSIER_PASSPHRASE", secret)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = a.run(&["remote", "check"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("damaged keys/00000000000000000001: "),
        "{}",
        stdout(&out)
    );
}

/// Issue 18's lost segment, as tried on a folder remote: after desktop A synced a new
/// document, its newest journal segment is deleted. `remote check` on A names it (exit
/// code 1) and `--repair` puts it back; a segment deleted below a later one makes B's `sync`
/// say so (exit 6) instead of "received 0 batch(es)"; once repaired, B has everything.
#[test]
fn a_deleted_segment_is_reported_and_restored() {
    let a = Lib::new();
    let remote = a.work().join("remote");
    let url = url_of(&remote);
    let note = |name: &str| {
        let dir = a.work().join(format!("in-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.txt")), format!("Note {name}.\n")).unwrap();
        a.ok(&["import", "--no-process", dir.to_str().unwrap()]);
        a.ok(&["sync"]);
    };
    a.ok(&["remote", "add", &url]);
    note("first");
    let b_dir = a.work().join("b");
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["clone", &url, b_dir.to_str().unwrap(), "--no-process"])
        .env("DOSSIER_PASSPHRASE", PASS)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let b = Lib {
        _dir: tempfile::tempdir().unwrap(),
        path: b_dir,
    };
    let segments = |remote: &Path| -> Vec<PathBuf> {
        let mut all = Vec::new();
        for device in std::fs::read_dir(remote.join("journal")).unwrap() {
            for seg in std::fs::read_dir(device.unwrap().path()).unwrap() {
                all.push(seg.unwrap().path());
            }
        }
        all.sort();
        all
    };
    let own = |lib: &Lib| -> Vec<PathBuf> {
        let device = lib.json(&["remote", "show", "--json"])["device"]
            .as_str()
            .unwrap()
            .to_owned();
        segments(&remote)
            .into_iter()
            .filter(|p| p.parent().unwrap().ends_with(&device))
            .collect()
    };

    note("second");
    let newest = own(&a).pop().unwrap();
    std::fs::remove_file(&newest).unwrap();
    let out = a.run(&["remote", "check"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("missing from the remote"),
        "{}",
        stdout(&out)
    );
    let out = a.run(&["remote", "check", "--repair"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(newest.is_file());
    b.ok(&["sync"]);
    assert_eq!(b.json(&["ls", "--json"]), a.json(&["ls", "--json"]));

    note("third");
    let hole = own(&a).pop().unwrap();
    note("fourth");
    std::fs::remove_file(&hole).unwrap();
    let out = b.run(&["sync"]);
    assert_eq!(code(&out), 6, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("is missing from the remote although later ones are there"),
        "{}",
        stdout(&out)
    );
    a.ok(&["remote", "check", "--repair"]);
    let out = b.run(&["sync"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(b.json(&["ls", "--json"]), a.json(&["ls", "--json"]));
}
