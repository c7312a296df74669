//! `dossier people` across three desktops sharing a folder remote (issue 21): the owner
//! adds a registrar clerk and an auditor; each clones with their own passphrase; the clerk
//! files, the auditor is refused, and once removed the auditor's passphrase opens nothing.

use super::*;

pub(super) const ANN: &str = "ann's own passphrase";
const BEA: &str = "bea's own passphrase";
const CAL: &str = "cal's own passphrase";
const DEE: &str = "dee's own passphrase";

/// `dossier --as WHO ARGS` on `library` with `passphrase`.
pub(super) fn as_person(library: &Path, who: &str, passphrase: &str, args: &[&str]) -> Output {
    with_new_passphrase(library, who, passphrase, None, args)
}

/// `dossier --as WHO ARGS` with `new` as the new passphrase the command asks for (a new
/// person's, a changed one, new keys).
fn with_new_passphrase(
    library: &Path,
    who: &str,
    passphrase: &str,
    new: Option<&str>,
    args: &[&str],
) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dossier"));
    c.arg("--library")
        .arg(library)
        .args(["--as", who])
        .args(args)
        .env("DOSSIER_PASSPHRASE", passphrase)
        .stdin(Stdio::null());
    if let Some(new) = new {
        c.env("DOSSIER_NEW_PASSPHRASE", new);
    }
    c.output().unwrap()
}

pub(super) fn ok_as(library: &Path, who: &str, passphrase: &str, args: &[&str]) -> String {
    let out = as_person(library, who, passphrase, args);
    assert!(
        out.status.success(),
        "dossier --as {who} {args:?}: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// `dossier --as WHO clone URL DIR --no-process` with `passphrase`, which must succeed.
fn clone_as(url: &str, dir: &Path, who: &str, passphrase: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args([
            "--as",
            who,
            "clone",
            url,
            dir.to_str().unwrap(),
            "--no-process",
        ])
        .env("DOSSIER_PASSPHRASE", passphrase)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "clone as {who}: {}", stderr(&out));
}

fn add(library: &Path, name: &str, passphrase: &str, role: &str) {
    add_in(library, name, passphrase, role, &[]);
}

fn add_in(library: &Path, name: &str, passphrase: &str, role: &str, extra: &[&str]) {
    let args = [&["people", "add", name, "--role", role], extra].concat();
    let out = with_new_passphrase(library, "Ann", ANN, Some(passphrase), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Fingerprint: "), "{}", stdout(&out));
}

#[test]
fn people_sign_in_on_their_own_desktops_and_their_roles_hold_on_each() {
    let a = Lib::new();
    let files = a.work().join("in");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(
        files.join("letter.txt"),
        "Dear registrar, the transcript.\n",
    )
    .unwrap();
    a.ok(&["import", "--no-process", files.to_str().unwrap()]);
    let url = format!("file://{}", a.work().join("remote").display());
    a.ok(&["remote", "add", &url]);

    // Ann takes the library; the library's passphrase then opens nothing.
    let out = a
        .cmd(&["people", "init", "Ann"])
        .env("DOSSIER_NEW_PASSPHRASE", ANN)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = a.run(&["ls"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("sign in"), "{}", stderr(&out));
    add(&a.path, "Bea", BEA, "registrar-staff");
    add(&a.path, "Cal", CAL, "auditor");
    ok_as(&a.path, "Ann", ANN, &["sync"]);

    let people = |lib: &Path, who, pass| -> Value {
        serde_json::from_str(&ok_as(lib, who, pass, &["people", "ls", "--json"])).unwrap()
    };
    let listed = people(&a.path, "Ann", ANN);
    let roles: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("Ann", "owner"),
            ("Bea", "registrar_staff"),
            ("Cal", "auditor")
        ]
    );

    // Each clones on their own desktop with their own passphrase, never the library's.
    let clone = |dir: &Path, who: &str, pass: &str| clone_as(&url, dir, who, pass);
    let refused = a.work().join("refused");
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["clone", &url, refused.to_str().unwrap()])
        .env("DOSSIER_PASSPHRASE", PASS)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(!refused.exists());
    let b = a.work().join("b");
    let c = a.work().join("c");
    clone(&b, "Bea", BEA);
    clone(&c, "Cal", CAL);
    let on_b = people(&b, "Bea", BEA);
    assert_eq!(on_b.as_array().unwrap().len(), 3, "{on_b}");
    assert!(
        on_b.as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Bea" && p["signed_in"] == true),
        "{on_b}"
    );
    // The fingerprints on B are the ones A shows.
    assert_eq!(on_b, {
        let mut l = listed.clone();
        for p in l.as_array_mut().unwrap() {
            p["signed_in"] = Value::Bool(p["name"] == "Bea");
        }
        l
    });

    // Bea files on B, and A sees her name on it.
    let docs: Value = serde_json::from_str(&ok_as(&b, "Bea", BEA, &["ls", "--json"])).unwrap();
    let id = docs[0]["id"].as_str().unwrap().to_owned();
    ok_as(&b, "Bea", BEA, &["tag", &id, "+transcripts"]);
    ok_as(&b, "Bea", BEA, &["sync"]);
    // The auditor reads on C and is refused a change, with the role named.
    ok_as(&c, "Cal", CAL, &["show", &id]);
    let out = as_person(&c, "Cal", CAL, &["tag", &id, "+mine"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("auditor"), "{}", stderr(&out));
    // Bea may not manage people.
    let out = as_person(&b, "Bea", BEA, &["people", "remove", "Cal"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));

    ok_as(&a.path, "Ann", ANN, &["sync"]);
    assert!(ok_as(&a.path, "Ann", ANN, &["show", &id]).contains("transcripts"));
    let audit: Value =
        serde_json::from_str(&ok_as(&a.path, "Ann", ANN, &["audit", &id, "--json"])).unwrap();
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["user"] == "Bea" && e["detail"].as_str().unwrap().contains("transcripts")),
        "{audit}"
    );
    // Both desktops' trails are the ones signed, each segment's head matching.
    for (dir, who, pass) in [(a.path.as_path(), "Ann", ANN), (b.as_path(), "Bea", BEA)] {
        let check: Value =
            serde_json::from_str(&ok_as(dir, who, pass, &["audit", "verify", "--json"])).unwrap();
        assert_eq!(check["findings"], serde_json::json!([]), "{check}");
        assert!(check["signed"].as_u64().unwrap() > 0, "{check}");
        assert!(check["devices"].as_u64().unwrap() >= 2, "{check}");
    }

    // Ann removes Cal; once C has synced, Cal's passphrase opens nothing there. What was
    // written after is sealed under keys Cal was not given: that sync says so.
    ok_as(&a.path, "Ann", ANN, &["people", "remove", "cal"]);
    ok_as(&a.path, "Ann", ANN, &["sync"]);
    let out = as_person(&c, "Cal", CAL, &["sync"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not given to the person signed in"),
        "{}",
        stderr(&out)
    );
    let out = as_person(&c, "Cal", CAL, &["ls"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let left = people(&b, "Bea", BEA);
    assert_eq!(
        left.as_array().unwrap().len(),
        3,
        "B has not synced: {left}"
    );
    ok_as(&b, "Bea", BEA, &["sync"]);
    assert_eq!(people(&b, "Bea", BEA).as_array().unwrap().len(), 2);
    assert!(ok_as(&a.path, "Ann", ANN, &["people", "held"]).contains("was applied"));

    // Ann removes Bea while B is offline; Bea's later change reaches A and is refused
    // there, reported with who made it and why.
    ok_as(&a.path, "Ann", ANN, &["people", "remove", "Bea"]);
    ok_as(&b, "Bea", BEA, &["tag", &id, "+late"]);
    ok_as(&b, "Bea", BEA, &["sync"]);
    ok_as(&a.path, "Ann", ANN, &["sync"]);
    assert!(!ok_as(&a.path, "Ann", ANN, &["show", &id]).contains("late"));
    let out = as_person(&a.path, "Ann", ANN, &["people", "held", "--json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let held: Value = serde_json::from_slice(&out.stdout).unwrap();
    let held = held.as_array().unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["refused"], true);
    assert_eq!(held[0]["documents"], serde_json::json!([id]));
    assert!(
        held[0]["reason"]
            .as_str()
            .unwrap()
            .contains("was not a member"),
        "{held:?}"
    );
}

/// A department member on her own desktop: she files what is in her collection and
/// what she adds (which lands in it), never a record of "all", and the owner receives
/// her work; she changes her passphrase and the owner gives her new keys when she
/// forgets it.
#[test]
fn a_department_member_files_her_collection_only_on_her_own_desktop() {
    let a = Lib::new();
    let files = a.work().join("in");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("roll.txt"), "The whole school's roll call.\n").unwrap();
    a.ok(&["import", "--no-process", files.to_str().unwrap()]);
    let url = format!("file://{}", a.work().join("remote").display());
    a.ok(&["remote", "add", &url]);
    let out = a
        .cmd(&["people", "init", "Ann"])
        .env("DOSSIER_NEW_PASSPHRASE", ANN)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    add_in(
        &a.path,
        "Dee",
        DEE,
        "department-staff",
        &["--collection", "history"],
    );
    ok_as(&a.path, "Ann", ANN, &["sync"]);

    let d = a.work().join("d");
    clone_as(&url, &d, "Dee", DEE);
    // The roll, filed in "all" before she joined, never reached her desktop: not even
    // its title ("all" has keys of its own from the first department member on).
    let docs: Value = serde_json::from_str(&ok_as(&d, "Dee", DEE, &["ls", "--json"])).unwrap();
    assert_eq!(docs, serde_json::json!([]), "{docs}");
    let anns: Value = serde_json::from_str(&ok_as(&a.path, "Ann", ANN, &["ls", "--json"])).unwrap();
    let roll = anns[0]["id"].as_str().unwrap().to_owned();
    // Her collection's key reached her desktop, sealed to her; none of "all"'s.
    let keys: Value =
        serde_json::from_str(&ok_as(&d, "Dee", DEE, &["people", "collections", "--json"])).unwrap();
    let of = |name: &str| {
        keys.as_array()
            .unwrap()
            .iter()
            .find(|k| k["collection"] == name)
            .cloned()
    };
    assert_eq!(
        of("history").unwrap()["readable"],
        serde_json::json!([0]),
        "{keys}"
    );
    assert!(
        of("all").is_none_or(|k| k["readable"] == serde_json::json!([])),
        "{keys}"
    );
    let out = as_person(&d, "Dee", DEE, &["tag", &roll, "+history"]);
    assert!(!out.status.success(), "{}", stderr(&out));

    let essays = a.work().join("essays");
    std::fs::create_dir_all(&essays).unwrap();
    std::fs::write(
        essays.join("essay.txt"),
        "On the causes of the revolution.\n",
    )
    .unwrap();
    ok_as(
        &d,
        "Dee",
        DEE,
        &["import", "--no-process", essays.to_str().unwrap()],
    );
    let docs: Value = serde_json::from_str(&ok_as(&d, "Dee", DEE, &["ls", "--json"])).unwrap();
    let essay = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"].as_str().unwrap().contains("essay"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok_as(&d, "Dee", DEE, &["tag", &essay, "+graded"]);
    ok_as(&d, "Dee", DEE, &["sync"]);
    ok_as(&a.path, "Ann", ANN, &["sync"]);
    let shown = ok_as(&a.path, "Ann", ANN, &["show", &essay]);
    assert!(
        shown.contains("graded") && shown.contains("history"),
        "{shown}"
    );

    // She changes her passphrase; later she forgets it and Ann gives her new keys.
    let out = with_new_passphrase(
        &d,
        "Dee",
        DEE,
        Some("dee's second passphrase"),
        &["people", "passphrase"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(code(&as_person(&d, "Dee", DEE, &["ls"])), 5);
    ok_as(&d, "Dee", "dee's second passphrase", &["sync"]);
    ok_as(&a.path, "Ann", ANN, &["sync"]);
    let out = with_new_passphrase(
        &a.path,
        "Ann",
        ANN,
        Some("dee's third passphrase"),
        &["people", "reset", "Dee", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let renewed: Value = serde_json::from_slice(&out.stdout).unwrap();
    ok_as(&a.path, "Ann", ANN, &["sync"]);
    // Her old keys take in the new slots, and read nothing written after the reset.
    let out = as_person(&d, "Dee", "dee's second passphrase", &["sync"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(
        code(&as_person(&d, "Dee", "dee's second passphrase", &["ls"])),
        5
    );
    // Her new keys do not open the desktop she made with her old ones (its key is
    // sealed to those): it is left as it was, and she clones again with them, which
    // receives it.
    let out = as_person(&d, "Dee", "dee's third passphrase", &["sync"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("new folder"), "{}", stderr(&out));
    let d2 = a.work().join("d2");
    clone_as(&url, &d2, "Dee", "dee's third passphrase");
    let listed: Value = serde_json::from_str(&ok_as(
        &d2,
        "Dee",
        "dee's third passphrase",
        &["people", "ls", "--json"],
    ))
    .unwrap();
    let dee = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Dee")
        .unwrap();
    assert_eq!(dee["fingerprint"], renewed["fingerprint"], "{listed}");
    assert_eq!(dee["collections"], serde_json::json!(["history"]));
}
