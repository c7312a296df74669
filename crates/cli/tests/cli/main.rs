//! The `dossier` command as scripts use it: real processes, real library folders, exit
//! codes and JSON shapes.

// A test binary: unwrap() failing is the test failing, with its location.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod diff;
mod disclosures;
mod fields;
mod invite;
mod pdf_worker;
mod people;
mod preview;
mod records;
mod repair;
mod rotated;
mod rules;
mod search;
mod subject;
mod suggest;
mod sync;
mod watch;

const PASS: &str = "correct horse battery";

/// The repository's test corpus (`tests/corpus`).
fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/files")
}

struct Lib {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Lib {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library");
        let lib = Self { _dir: dir, path };
        let out = lib.run(&["init"]);
        assert!(out.status.success(), "{}", stderr(&out));
        lib
    }

    fn work(&self) -> PathBuf {
        self._dir.path().to_owned()
    }

    fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_of(Path::new(env!("CARGO_BIN_EXE_dossier")), args)
    }

    /// `cmd` with another copy of the program.
    fn cmd_of(&self, program: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(program);
        c.arg("--library")
            .arg(&self.path)
            .args(args)
            .env("DOSSIER_PASSPHRASE", PASS)
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "dossier {args:?} failed: {}{}",
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

#[test]
fn init_shows_a_recovery_key_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("--library")
            .arg(dir.path().join("l"))
            .arg("init")
            .env("DOSSIER_PASSPHRASE", PASS)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success());
    let text = stdout(&first);
    let key = text
        .lines()
        .find(|l| l.trim().matches('-').count() == 10)
        .expect("a recovery key line");
    assert_eq!(key.trim().len(), 65);
    let second = run();
    assert_eq!(code(&second), 3);
    assert!(
        stderr(&second).contains("already exists"),
        "{}",
        stderr(&second)
    );
}

#[test]
fn every_command_on_a_small_library() {
    let lib = Lib::new();
    let input = lib.work().join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::write(
        input.join("transcript.txt"),
        "Transcript of records for student 1234567\n",
    )
    .unwrap();
    std::fs::write(input.join("sub/letter.txt"), "Dear parent\n").unwrap();
    std::fs::write(input.join("sub/z-copy.txt"), "Dear parent\n").unwrap();

    let report = lib.json(&["import", "--json", input.to_str().unwrap()]);
    assert_eq!(report["imported"], 2);
    assert_eq!(report["duplicates"], 1);
    let dup = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["status"] == "duplicate")
        .unwrap();
    assert_eq!(dup["existing_title"], "letter");

    let docs = lib.json(&["ls", "--json"]);
    let docs = docs.as_array().unwrap();
    assert_eq!(docs.len(), 2);
    for key in [
        "id", "title", "size", "mime", "versions", "created", "updated",
    ] {
        assert!(docs[0].get(key).is_some(), "ls --json lacks {key}");
    }
    let t = docs.iter().find(|d| d["title"] == "transcript").unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    let prefix = &id[..8];
    assert_eq!(
        t["size"],
        std::fs::metadata(input.join("transcript.txt"))
            .unwrap()
            .len()
    );
    assert_eq!(t["mime"], "text/plain");

    let shown = lib.json(&["show", prefix, "--json"]);
    assert_eq!(shown["document"]["id"], id.as_str());
    assert!(lib.ok(&["show", prefix]).contains("transcript.txt"));

    lib.ok(&["tag", prefix, "+transcript", "+urgent", "grade9"]);
    lib.ok(&["tag", prefix, "-urgent"]);
    lib.ok(&[
        "set",
        prefix,
        "type=Transcript",
        "student=1234567",
        "term=2024-09-01",
    ]);
    let shown = lib.json(&["show", &id, "--json"]);
    assert_eq!(
        shown["document"]["tags"],
        serde_json::json!(["grade9", "transcript"])
    );
    assert_eq!(shown["document"]["type"], "Transcript");
    assert_eq!(shown["document"]["subject_id"], "1234567");
    assert_eq!(
        shown["document"]["fields"]["term"],
        serde_json::json!({ "date": "2024-09-01" })
    );

    let v2 = lib.work().join("transcript-v2.txt");
    std::fs::write(
        &v2,
        "Transcript of records for student 1234567\nAmended: grade 9 results\n",
    )
    .unwrap();
    lib.ok(&[
        "add-version",
        prefix,
        v2.to_str().unwrap(),
        "--note",
        "amended",
    ]);
    let versions = lib.json(&["versions", prefix, "--json"]);
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[1]["note"], "amended");
    assert_eq!(versions[1]["current"], true);
    lib.ok(&["restore", prefix, "1"]);
    let versions = lib.json(&["versions", prefix, "--json"]);
    assert_eq!(versions.as_array().unwrap().len(), 3);
    assert_eq!(versions[2]["restored_from"], 1);

    let out = lib.work().join("out.txt");
    lib.ok(&[
        "export",
        prefix,
        "--version",
        "2",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&v2).unwrap());
    lib.ok(&["export", prefix, "-o", out.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "Transcript of records for student 1234567\n"
    );

    lib.ok(&["trash", prefix]);
    assert_eq!(lib.json(&["ls", "--json"]).as_array().unwrap().len(), 1);
    assert_eq!(
        lib.json(&["ls", "--trash", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    lib.ok(&["untrash", prefix]);

    let all = lib.work().join("all");
    lib.ok(&["export", "--all", all.to_str().unwrap()]);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(all.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest.as_array().unwrap().len(), 2);
    assert_eq!(
        std::fs::read_to_string(all.join("letter.txt")).unwrap(),
        "Dear parent\n"
    );

    let audit = lib.json(&["audit", prefix, "--json"]);
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"created"));
    for a in [
        "edited",
        "version_added",
        "restored",
        "exported",
        "trashed",
        "untrashed",
    ] {
        assert!(actions.contains(&a), "audit lacks {a}: {actions:?}");
    }

    let stats = lib.json(&["stats", "--json"]);
    assert_eq!(stats["documents"], 2);
    assert_eq!(stats["versions"], 4);
    for key in ["logical_bytes", "stored_bytes", "chunks"] {
        assert!(stats[key].as_u64().unwrap() > 0, "{key}");
    }
    let verify = lib.json(&["verify", "--json"]);
    assert_eq!(verify["versions"], 4);
    assert!(verify["affected_documents"].as_array().unwrap().is_empty());

    // Unknown and ambiguous references are clear errors.
    let out = lib.run(&["show", "zzzz"]);
    assert_eq!(code(&out), 3);
    assert!(
        stderr(&out).contains("no document matches"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_inputs_get_clear_errors_and_change_nothing() {
    let lib = Lib::new();
    let f = lib.work().join("a.txt");
    std::fs::write(&f, "hello").unwrap();
    lib.ok(&["import", f.to_str().unwrap()]);
    let catalog = || std::fs::read(lib.path.join("catalog.sqlite")).unwrap();
    let stats = lib.json(&["stats", "--json"]);

    // A missing path is refused with a reason: exit 1.
    let out = lib.run(&["import", lib.work().join("nope.pdf").to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("no such file"), "{}", stdout(&out));

    // A wrong passphrase: exit 5, library untouched.
    let before = catalog();
    let out = lib
        .cmd(&["import", f.to_str().unwrap()])
        .env("DOSSIER_PASSPHRASE", "wrong passphrase")
        .output()
        .unwrap();
    assert_eq!(code(&out), 5);
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert_eq!(catalog(), before);

    // A second writer: exit 4, naming the holder.
    let holder = dossier_core::LockedLibrary::open(&lib.path, dossier_core::Access::Write).unwrap();
    let out = lib.run(&["tag", "0", "+x"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(stderr(&out).contains("library in use"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("process {}", std::process::id())),
        "{}",
        stderr(&out)
    );
    // Reading still works meanwhile.
    lib.ok(&["ls"]);
    drop(holder);
    assert_eq!(lib.json(&["stats", "--json"]), stats);

    // Not a library.
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("--library")
        .arg(lib.work())
        .arg("ls")
        .output()
        .unwrap();
    assert_eq!(code(&out), 3);
    assert!(
        stderr(&out).contains("not a Dossier library"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn legal_holds_and_retention_keep_documents_through_emptying_the_trash() {
    let lib = Lib::new();
    let f = lib.work().join("appeal.txt");
    std::fs::write(&f, "grade appeal, counsel involved").unwrap();
    lib.ok(&["import", f.to_str().unwrap()]);
    let id = doc_by_name(&lib, "appeal.txt");
    let doc = &id[..12];

    lib.ok(&["hold", doc, "--reason", "appeal 7"]);
    assert!(lib.ok(&["show", doc]).contains("legal hold"));
    lib.ok(&["trash", doc]);
    let out = lib.ok(&["trash", "--empty"]);
    assert!(out.contains("Deleted 0 document(s)"), "{out}");
    assert!(out.contains("legal hold"), "{out}");

    // A bad date is refused and changes nothing.
    let out = lib.run(&["retain", doc, "--until", "next year"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("not a date"), "{}", stderr(&out));
    assert!(!lib.ok(&["show", doc]).contains("keep until"));

    lib.ok(&["hold", doc, "--release"]);
    lib.ok(&["retain", doc, "--until", "2999-12-31"]);
    assert!(lib.ok(&["show", doc]).contains("keep until   2999-12-31"));
    let out = lib.ok(&["trash", "--empty"]);
    assert!(out.contains("kept through 2999-12-31"), "{out}");
    lib.ok(&["retain", doc, "--clear"]);
    let out = lib.ok(&["trash", "--empty"]);
    assert!(out.contains("Deleted 1 document(s)"), "{out}");

    let audit = lib.ok(&["audit"]);
    for action in ["hold_placed", "hold_released", "retention_set"] {
        assert!(audit.contains(action), "{action} in {audit}");
    }
}

#[test]
fn the_corpus_imports_exports_identically_and_dedups() {
    let lib = Lib::new();
    let corpus = corpus();
    let out = lib.run(&["import", "--no-process", "--json", corpus.to_str().unwrap()]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Every refusal is an empty file with its reason; all else is imported or a duplicate.
    for f in report["files"].as_array().unwrap() {
        if f["status"] == "refused" {
            assert_eq!(f["reason"], "empty file (0 bytes)", "{f}");
        }
    }
    assert_eq!(code(&out), if report["refused"] == 0 { 0 } else { 1 });
    let stored = lib.json(&["stats", "--json"])["stored_bytes"]
        .as_u64()
        .unwrap();

    let exported = lib.work().join("export");
    lib.ok(&["export", "--all", exported.to_str().unwrap()]);
    let hashes: HashSet<[u8; 32]> = std::fs::read_dir(&exported)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "manifest.json")
        .map(|p| *blake3::hash(&std::fs::read(p).unwrap()).as_bytes())
        .collect();
    let mut files = 0;
    for f in walk(&corpus) {
        let bytes = std::fs::read(&f).unwrap();
        if !bytes.is_empty() {
            files += 1;
            assert!(
                hashes.contains(blake3::hash(&bytes).as_bytes()),
                "{} was not exported identically",
                f.display()
            );
        }
    }
    assert!(files >= 100, "{files} files");
    assert!(
        lib.json(&["verify", "--json"])["affected_documents"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A second import of the same corpus stores (almost) nothing.
    let again = lib.run(&["import", "--no-process", "--json", corpus.to_str().unwrap()]);
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["imported"], 0);
    let grown = lib.json(&["stats", "--json"])["stored_bytes"]
        .as_u64()
        .unwrap()
        - stored;
    assert!(
        grown * 100 < stored,
        "second import grew the store by {grown} bytes"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else if p.is_file() {
            out.push(p)
        }
    }
    out
}

#[test]
fn damage_is_reported_naming_the_document() {
    let lib = Lib::new();
    let f = lib.work().join("record.bin");
    let data: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&f, data).unwrap();
    lib.ok(&["import", f.to_str().unwrap()]);
    let pack = walk(&lib.path.join("store/packs")).remove(0);
    let mut bytes = std::fs::read(&pack).unwrap();
    bytes[5000] ^= 1;
    std::fs::write(&pack, bytes).unwrap();
    let out = lib.run(&["verify"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("\"record\""), "{}", stdout(&out));
    let out = lib.run(&["export", "--all", lib.work().join("x").to_str().unwrap()]);
    assert_eq!(code(&out), 3);
    assert!(
        stderr(&out).contains("integrity failure"),
        "{}",
        stderr(&out)
    );
}

/// The OS keyring path against a real Secret Service. `.ci/run` starts a D-Bus session
/// with gnome-keyring; outside CI, without a session bus, this test says so and passes.
#[test]
fn keyring_keeps_the_key_for_this_desktop() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must run this test inside a D-Bus session with a Secret Service"
        );
        eprintln!("no D-Bus session bus: run through .ci/run to test the keyring");
        return;
    }
    let lib = Lib::new();
    lib.ok(&["keys", "keyring-store"]);
    // No passphrase and no terminal: the keyring opens it.
    let out = lib
        .cmd(&["verify", "--json"])
        .env_remove("DOSSIER_PASSPHRASE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = lib
        .cmd(&["keys", "keyring-forget"])
        .env_remove("DOSSIER_PASSPHRASE")
        .output()
        .unwrap();
    assert!(stdout(&out).contains("removed"), "{}", stdout(&out));
    let out = lib
        .cmd(&["verify"])
        .env_remove("DOSSIER_PASSPHRASE")
        .output()
        .unwrap();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
}

#[test]
fn without_a_keyring_the_passphrase_is_asked_for() {
    let lib = Lib::new();
    let no_bus = |c: &mut Command| {
        c.env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/dossier-test-bus",
        );
    };
    let mut c = lib.cmd(&["keys", "keyring-store"]);
    no_bus(&mut c);
    let out = c.output().unwrap();
    assert_eq!(code(&out), 3);
    assert!(
        stderr(&out).contains("keyring is unavailable"),
        "{}",
        stderr(&out)
    );
    let mut c = lib.cmd(&["verify"]);
    no_bus(&mut c);
    c.env_remove("DOSSIER_PASSPHRASE");
    let out = c.output().unwrap();
    assert_eq!(code(&out), 5);
    assert!(
        stderr(&out).contains("DOSSIER_PASSPHRASE"),
        "{}",
        stderr(&out)
    );
    let mut c = lib.cmd(&["verify"]);
    no_bus(&mut c);
    assert!(c.output().unwrap().status.success());
}

#[test]
fn key_slots_can_be_added_and_removed() {
    let lib = Lib::new();
    let slots = lib.json(&["keys", "list", "--json"]);
    assert_eq!(slots.as_array().unwrap().len(), 2);
    lib.cmd(&["keys", "add-passphrase", "--label", "clerk"])
        .env("DOSSIER_NEW_PASSPHRASE", "clerk passphrase")
        .output()
        .unwrap();
    let slots = lib.json(&["keys", "list", "--json"]);
    assert_eq!(slots.as_array().unwrap().len(), 3);
    let first = slots[0]["id"].as_str().unwrap().to_owned();
    lib.ok(&["keys", "remove", &first]);
    let out = lib.run(&["verify"]);
    assert_eq!(code(&out), 5);
    let out = lib
        .cmd(&["verify"])
        .env("DOSSIER_PASSPHRASE", "clerk passphrase")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_key_slot_asking_for_too_much_is_listed_as_unusable_and_never_run() {
    let lib = Lib::new();
    // A slot someone wrote into keys.json, first in line, asking Argon2 for 4 TiB of
    // memory: run, it would stop every unlock.
    let path = lib.path.join("keys.json");
    let mut keys: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut junk = keys["slots"][0].clone();
    junk["id"] = "0badc0de".into();
    junk["kdf"]["m_cost_kib"] = u32::MAX.into();
    keys["slots"].as_array_mut().unwrap().insert(0, junk);
    std::fs::write(&path, serde_json::to_vec(&keys).unwrap()).unwrap();
    let slots = lib.json(&["keys", "list", "--json"]);
    assert_eq!(slots[0]["id"], "0badc0de");
    assert_eq!(slots[0]["usable"], false, "{slots}");
    assert_eq!(slots[1]["usable"], true, "{slots}");
    let out = lib.run(&["keys", "list"]);
    assert!(stdout(&out).contains("unusable"), "{}", stdout(&out));
    // The passphrase still opens the library, through the good slot.
    let out = lib.run(&["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Copy corpus files (by path under the corpus) into one folder to import.
fn corpus_subset(lib: &Lib, files: &[&str]) -> PathBuf {
    let dir = lib.work().join("subset");
    std::fs::create_dir_all(&dir).unwrap();
    for f in files {
        let src = corpus().join(f);
        std::fs::copy(&src, dir.join(src.file_name().unwrap())).unwrap();
    }
    dir
}

fn doc_by_name(lib: &Lib, file_name: &str) -> String {
    let docs = lib.json(&["ls", "--json"]);
    docs.as_array()
        .unwrap()
        .iter()
        .find(|d| d["file_name"] == file_name)
        .unwrap_or_else(|| panic!("{file_name} not in {docs}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn text_of(lib: &Lib, file_name: &str) -> String {
    lib.ok(&["text", &doc_by_name(lib, file_name)])
}

/// pdfium, Tesseract and LibreOffice must be present where tests run (`./scripts/test.sh` installs
/// them and sets PDFIUM_DYNAMIC_LIB_PATH); a missing one fails the test rather than
/// skipping it.
fn require_tools(lib: &Lib) {
    let about = lib.json(&["about", "--json"]);
    assert_eq!(
        about["pdf"]["available"], true,
        "run ./scripts/test.sh: {about}"
    );
    assert_eq!(
        about["ocr"]["available"], true,
        "run ./scripts/test.sh: {about}"
    );
    assert_eq!(
        about["office"]["available"], true,
        "run ./scripts/test.sh (it installs LibreOffice): {about}"
    );
}

#[test]
fn processing_extracts_pdf_text_office_text_and_ocr() {
    let lib = Lib::new();
    require_tools(&lib);
    let input = corpus_subset(
        &lib,
        &[
            "tesseract-ocr+test/testing/phototest.tif",
            "py-pdf+sample-files/006-pdflatex-outline/pdflatex-outline.pdf",
            "py-pdf+sample-files/005-libreoffice-writer-password/libreoffice-writer-password.pdf",
            "Unstructured-IO+unstructured/example-docs/page-breaks.docx",
            "openpreserve+format-corpus/office/wordprocessing/odt/demoLibreOfficeImagePasteBug.odt",
            "Unstructured-IO+unstructured/example-docs/2023-half-year-analyses-by-segment.xlsx",
            "Unstructured-IO+unstructured/example-docs/sample-presentation.pptx",
            "tafia+calamine/tests/pass_protected.xlsx",
        ],
    );
    std::fs::write(
        input.join("legacy.txt"),
        b"caf\xe9 cr\xe8me for the staff room\n",
    )
    .unwrap();
    let report = lib.json(&["import", "--json", input.to_str().unwrap()]);
    assert_eq!(report["imported"], 9, "{report}");
    let process = &report["process"];
    assert_eq!(process["failed"], 0, "{report}");
    assert_eq!(process["waiting"], 0, "{report}");
    // Both jobs (text, thumbnail) of the protected PDF and of the protected XLSX (whose
    // pages LibreOffice is never asked to draw).
    assert_eq!(process["protected"], 4, "{report}");

    // Office files from the PDF LibreOffice makes of them (the pages the app shows);
    // slides are pages. Words as laid out on the page: compared with spaces collapsed.
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let docx = flat(&text_of(&lib, "page-breaks.docx"));
    assert!(
        docx.contains("<<but break falls inside --- page 4 --- link so text stays together"),
        "{docx}"
    );
    assert!(
        flat(&text_of(&lib, "demoLibreOfficeImagePasteBug.odt"))
            .contains("Test document that demonstrates LibreOffice image paste bug")
    );
    let xlsx = lib.json(&[
        "text",
        &doc_by_name(&lib, "2023-half-year-analyses-by-segment.xlsx"),
        "--json",
    ]);
    assert!(
        xlsx["pages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| flat(p["text"].as_str().unwrap())
                .contains("Reconciliation from Underlying Trading operating profit")),
        "{xlsx}"
    );
    let pptx = lib.json(&[
        "text",
        &doc_by_name(&lib, "sample-presentation.pptx"),
        "--json",
    ]);
    let slide3 = pptx["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["page"] == 3)
        .unwrap();
    assert!(flat(slide3["text"].as_str().unwrap()).contains("This is the second content slide"));

    // OCR of an image, the text layer of a PDF with its page numbers, legacy encodings.
    let ocr = text_of(&lib, "phototest.tif");
    assert!(ocr.contains("quick brown dog"), "{ocr}");
    let pdf = lib.json(&["text", &doc_by_name(&lib, "pdflatex-outline.pdf"), "--json"]);
    let pages = pdf["pages"].as_array().unwrap();
    assert!(pages.len() >= 2, "{pdf}");
    let with_blind_text = pages
        .iter()
        .find(|p| p["text"].as_str().unwrap().contains("Huardest gefburn"))
        .unwrap_or_else(|| panic!("{pdf}"));
    assert!(with_blind_text["page"].as_u64().unwrap() >= 2);
    assert_eq!(with_blind_text["source"], "layer");
    assert!(text_of(&lib, "legacy.txt").contains("café crème"));

    // A password-protected PDF is kept, marked, and not an error.
    let protected = doc_by_name(&lib, "libreoffice-writer-password.pdf");
    let jobs = lib.json(&["jobs", &protected, "--json"]);
    assert_eq!(jobs["jobs"][0]["state"], "protected", "{jobs}");
    assert_eq!(jobs["jobs"][0]["reason"], "password protected", "{jobs}");
    let counts = lib.json(&["jobs", "--json"])["counts"].clone();
    assert!(
        counts.get("pending").is_none() && counts.get("waiting").is_none(),
        "{counts}"
    );

    // Phrases from each kind of file are found by search in the top 3, on their page.
    for (phrase, file, page) in [
        ("\"quick brown dog jumped\"", "phototest.tif", Some(1)),
        ("\"Huardest gefburn\"", "pdflatex-outline.pdf", None),
        ("\"break falls inside\"", "page-breaks.docx", Some(3)),
        (
            "\"demonstrates LibreOffice image paste bug\"",
            "demoLibreOfficeImagePasteBug.odt",
            Some(1),
        ),
        (
            "\"Reconciliation from Underlying Trading operating profit\"",
            "2023-half-year-analyses-by-segment.xlsx",
            Some(5),
        ),
        (
            "\"second content slide\"",
            "sample-presentation.pptx",
            Some(3),
        ),
        ("creme staff room", "legacy.txt", Some(1)),
    ] {
        let found = lib.json(&["search", "--json", "--limit", "3", phrase]);
        let hit = found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["file_name"] == file)
            .unwrap_or_else(|| panic!("{phrase} did not find {file}: {found}"));
        match page {
            Some(p) => assert_eq!(hit["page"], p, "{phrase}: {hit}"),
            None => assert!(hit["page"].as_u64().unwrap() >= 2, "{phrase}: {hit}"),
        }
        assert!(!hit["highlights"].as_array().unwrap().is_empty(), "{hit}");
    }
    // Password-protected documents stay findable by name, with their status as a facet.
    let found = lib.json(&["search", "--json", "status:protected"]);
    assert_eq!(found["total"], 2, "{found}");
    let found = lib.json(&["search", "--json", "libreoffice-writer-password"]);
    assert_eq!(
        found["hits"][0]["file_name"], "libreoffice-writer-password.pdf",
        "{found}"
    );
}

#[test]
fn missing_tools_make_work_wait_and_it_runs_once_they_are_there() {
    let lib = Lib::new();
    require_tools(&lib);
    let input = corpus_subset(
        &lib,
        &[
            "tesseract-ocr+test/testing/phototest.tif",
            "py-pdf+sample-files/006-pdflatex-outline/pdflatex-outline.pdf",
        ],
    );
    // No pdfium anywhere and no Tesseract: the import still succeeds and says why. A lone
    // copy of the program, since the build tree keeps libpdfium beside it (`setup.sh`).
    let lone = lib.work().join("lone");
    std::fs::create_dir_all(lone.join("bin")).unwrap();
    let program = lone.join("bin").join("dossier");
    std::fs::copy(env!("CARGO_BIN_EXE_dossier"), &program).unwrap();
    let out = lib
        .cmd_of(&program, &["import", input.to_str().unwrap()])
        .env_remove("PDFIUM_DYNAMIC_LIB_PATH")
        .env("DOSSIER_TESSERACT", lib.work().join("no-tesseract-here"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let about = lib
        .cmd_of(&program, &["about"])
        .env_remove("PDFIUM_DYNAMIC_LIB_PATH")
        .env("DOSSIER_TESSERACT", lib.work().join("no-tesseract-here"))
        .output()
        .unwrap();
    let about = stdout(&about);
    assert!(
        about.contains("PDF text and previews: unavailable"),
        "{about}"
    );
    assert!(about.contains("OCR: unavailable"), "{about}");
    let jobs = lib.json(&["jobs", "--json"]);
    // PDF text and thumbnail wait for pdfium, the scan's OCR for Tesseract.
    assert_eq!(jobs["counts"]["waiting"], 3, "{jobs}");
    for job in jobs["jobs"].as_array().unwrap() {
        let reason = job["reason"].as_str().unwrap();
        assert!(!reason.contains('\n'), "one line: {reason}");
    }
    // Still findable by name while waiting, and searchable by it.
    doc_by_name(&lib, "phototest.tif");
    let found = lib.json(&["search", "--json", "phototest"]);
    assert_eq!(found["hits"][0]["file_name"], "phototest.tif", "{found}");
    assert_eq!(found["facets"]["status"]["waiting"], 1, "{found}");
    assert_eq!(lib.json(&["search", "--json", "lazy fox"])["total"], 0);

    // With the tools back, `process` runs what waited: libpdfium where a package installs
    // it beside the program, and nothing in the environment.
    let program_dir = Path::new(env!("CARGO_BIN_EXE_dossier")).parent().unwrap();
    let pdfium = std::env::var_os("PDFIUM_DYNAMIC_LIB_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| program_dir.join("..").join("lib").join("dossier"));
    std::fs::create_dir_all(lone.join("lib").join("dossier")).unwrap();
    for name in ["libpdfium.so", "libpdfium.dylib", "pdfium.dll"] {
        let found = Path::new(&pdfium).join(name);
        if found.is_file() {
            std::fs::copy(&found, lone.join("lib").join("dossier").join(name)).unwrap();
        }
    }
    let out = lib
        .cmd_of(&program, &["process", "--json"])
        .env_remove("PDFIUM_DYNAMIC_LIB_PATH")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["done"].as_u64().unwrap() >= 2, "{report}");
    assert_eq!(report["waiting"], 0, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert!(text_of(&lib, "phototest.tif").contains("lazy fox"));
    assert!(text_of(&lib, "pdflatex-outline.pdf").contains("Huardest gefburn"));
    let found = lib.json(&["search", "--json", "lazy fox"]);
    assert_eq!(found["hits"][0]["file_name"], "phototest.tif", "{found}");
    assert_eq!(found["facets"]["status"]["done"], 1, "{found}");
}
