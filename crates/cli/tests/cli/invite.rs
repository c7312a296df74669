//! `dossier people invite` and `dossier clone --invite` (issue 21): the owner invites a
//! person; the person's own desktop makes their keys and shows a fingerprint; the owner
//! lets them in only with that fingerprint; then the same command joins.

use std::io::{BufRead, BufReader};

use super::people::{ANN, as_person, ok_as};
use super::*;

const DAN: &str = "dan's own passphrase";

/// `dossier clone URL DIR --invite` on Dan's desktop, with the code and his passphrase
/// (new, the first time) in the environment.
fn clone_invited(url: &str, dir: &Path, code: &str, extra: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dossier"));
    c.args([
        "clone",
        url,
        dir.to_str().unwrap(),
        "--no-process",
        "--invite",
    ])
    .args(extra)
    .env("DOSSIER_INVITE_CODE", code)
    .env("DOSSIER_NEW_PASSPHRASE", DAN)
    .env("DOSSIER_PASSPHRASE", DAN)
    .stdin(Stdio::null());
    c
}

/// The fingerprint in what `clone --invite` printed.
fn fingerprint_in(out: &str) -> String {
    let line = out
        .lines()
        .find(|l| l.starts_with("Your fingerprint: "))
        .unwrap_or_else(|| panic!("no fingerprint in {out}"));
    line["Your fingerprint: ".len()..]
        .split('.')
        .next()
        .unwrap()
        .to_owned()
}

/// Ann's library kept by its people, with one document, on a folder remote.
fn owned_on_remote() -> (Lib, String) {
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
    let out = a
        .cmd(&["people", "init", "Ann"])
        .env("DOSSIER_NEW_PASSPHRASE", ANN)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    ok_as(&a.path, "Ann", ANN, &["sync"]);
    (a, url)
}

fn invite(a: &Lib, name: &str, role: &str) -> Value {
    serde_json::from_str(&ok_as(
        &a.path,
        "Ann",
        ANN,
        &["people", "invite", name, "--role", role, "--json"],
    ))
    .unwrap()
}

#[test]
fn an_invited_person_joins_from_their_own_desktop_once_the_fingerprint_is_confirmed() {
    let (a, url) = owned_on_remote();
    let made = invite(&a, "Dan", "auditor");
    let invite_code = made["code"].as_str().unwrap().to_owned();
    let d = a.work().join("d");

    // A mistyped code is reported as one.
    let mut typo = invite_code.clone();
    typo.replace_range(0..1, if typo.starts_with('A') { "B" } else { "A" });
    let out = clone_invited(&url, &d, &typo, &[]).output().unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("mistyped"), "{}", stderr(&out));

    // Dan answers on his desktop: his keys are made there and he is shown a fingerprint;
    // until Ann confirms, he waits (exit 7) and nothing is made.
    let out = clone_invited(&url, &d, &invite_code, &[]).output().unwrap();
    assert_eq!(code(&out), 7, "{}{}", stdout(&out), stderr(&out));
    let fingerprint = fingerprint_in(&stdout(&out));
    assert!(stdout(&out).contains("Ann invites you"), "{}", stdout(&out));
    assert!(!d.join("library.json").exists());
    let out = clone_invited(&url, &d, &invite_code, &[]).output().unwrap();
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert_eq!(fingerprint_in(&stdout(&out)), fingerprint);
    // The answer found there is shown only to the passphrase that made it.
    let out = clone_invited(&url, &d, &invite_code, &[])
        .env("DOSSIER_PASSPHRASE", "not dan's passphrase")
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("does not open"), "{}", stderr(&out));
    assert!(!stdout(&out).contains(&fingerprint), "{}", stdout(&out));

    // Ann sees the answer's fingerprint, and a wrong one lets no one in.
    let listed: Value = serde_json::from_str(&ok_as(
        &a.path,
        "Ann",
        ANN,
        &["people", "invitations", "--json"],
    ))
    .unwrap();
    assert_eq!(listed[0]["state"], "open", "{listed}");
    assert_eq!(listed[0]["answered"], true, "{listed}");
    assert!(!listed.to_string().contains(&fingerprint), "{listed}");
    let out = as_person(
        &a.path,
        "Ann",
        ANN,
        &[
            "people",
            "confirm",
            "Dan",
            "--fingerprint",
            "1234 5678 9012 3456 7890 1234",
        ],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("does not match"), "{}", stderr(&out));
    ok_as(
        &a.path,
        "Ann",
        ANN,
        &["people", "confirm", "dan", "--fingerprint", &fingerprint],
    );

    // The same command now joins, signed in as Dan, an auditor.
    let out = clone_invited(&url, &d, &invite_code, &[]).output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let people: Value =
        serde_json::from_str(&ok_as(&d, "Dan", DAN, &["people", "ls", "--json"])).unwrap();
    assert!(
        people
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Dan" && p["role"] == "auditor" && p["signed_in"] == true),
        "{people}"
    );
    let docs: Value = serde_json::from_str(&ok_as(&d, "Dan", DAN, &["ls", "--json"])).unwrap();
    assert_eq!(docs.as_array().unwrap().len(), 1, "{docs}");
    let listed: Value = serde_json::from_str(&ok_as(
        &a.path,
        "Ann",
        ANN,
        &["people", "invitations", "--json"],
    ))
    .unwrap();
    assert_eq!(listed[0]["state"], "joined", "{listed}");
}

#[test]
fn with_wait_the_invitee_joins_as_soon_as_the_owner_confirms() {
    let (a, url) = owned_on_remote();
    let made = invite(&a, "Dan", "registrar-staff");
    let invite_code = made["code"].as_str().unwrap().to_owned();
    let d = a.work().join("d");
    let mut waiting = clone_invited(&url, &d, &invite_code, &["--wait"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read what it prints until it shows the fingerprint; it goes on waiting.
    let mut lines = BufReader::new(waiting.stdout.take().unwrap()).lines();
    let fingerprint = loop {
        let line = lines.next().expect("the fingerprint is shown").unwrap();
        if line.starts_with("Your fingerprint: ") {
            break fingerprint_in(&line);
        }
    };
    ok_as(
        &a.path,
        "Ann",
        ANN,
        &["people", "confirm", "Dan", "--fingerprint", &fingerprint],
    );
    let status = waiting.wait().unwrap();
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    assert!(status.success(), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.starts_with("Joined the library")),
        "{rest:?}"
    );
    let people: Value =
        serde_json::from_str(&ok_as(&d, "Dan", DAN, &["people", "ls", "--json"])).unwrap();
    assert!(
        people
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Dan" && p["role"] == "registrar_staff"),
        "{people}"
    );
}

#[test]
fn a_withdrawn_invitation_is_never_confirmed() {
    let (a, url) = owned_on_remote();
    let made = invite(&a, "Dan", "auditor");
    let invite_code = made["code"].as_str().unwrap().to_owned();
    let d = a.work().join("d");
    let out = clone_invited(&url, &d, &invite_code, &[]).output().unwrap();
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    let fingerprint = fingerprint_in(&stdout(&out));
    ok_as(&a.path, "Ann", ANN, &["people", "withdraw", "Dan"]);
    let out = as_person(
        &a.path,
        "Ann",
        ANN,
        &["people", "confirm", "Dan", "--fingerprint", &fingerprint],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no open invitation"),
        "{}",
        stderr(&out)
    );
    let listed: Value = serde_json::from_str(&ok_as(
        &a.path,
        "Ann",
        ANN,
        &["people", "invitations", "--json"],
    ))
    .unwrap();
    assert_eq!(listed[0]["state"], "withdrawn", "{listed}");
}
