//! `dossier watch`: files put into a folder are imported once they stop changing, then
//! moved into its "Imported" subfolder; hidden files are left alone.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use super::*;

#[test]
fn a_watched_folder_imports_new_files_and_moves_them_away() {
    let lib = Lib::new();
    let inbox = lib.work().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let mut child = lib
        .cmd(&[
            "watch",
            inbox.to_str().unwrap(),
            "--move",
            "--settle",
            "0.3",
            "--max-files",
            "3",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A stuck watcher must fail the test, not hang it: killed unless the test is done
    // (the sender dropped) within two minutes.
    let (done, watchdog) = std::sync::mpsc::channel::<()>();
    #[cfg(unix)]
    {
        let pid = child.id();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                watchdog.recv_timeout(Duration::from_secs(120))
            {
                let _ = Command::new("kill").arg(pid.to_string()).status();
            }
        });
    }
    #[cfg(not(unix))]
    drop(watchdog);
    // Start writing once it says it is watching.
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    assert!(first.starts_with("watching "), "{first}");
    std::fs::write(inbox.join("alpha.txt"), "alpha enrolment form").unwrap();
    std::fs::write(inbox.join("beta.txt"), "beta attendance list").unwrap();
    std::fs::write(inbox.join("alpha copy.txt"), "alpha enrolment form").unwrap();
    std::fs::write(inbox.join(".hidden"), "not for the library").unwrap();
    let out = child.wait_with_output().unwrap();
    drop(done);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{said}");
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("imported ")).count(),
        2,
        "{said}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("already in the library: "))
            .count(),
        1,
        "{said}"
    );
    let docs = lib.json(&["ls", "--json"]);
    assert_eq!(docs.as_array().unwrap().len(), 2, "{docs}");
    let mut moved: Vec<String> = std::fs::read_dir(inbox.join("Imported"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    moved.sort();
    assert_eq!(moved, ["alpha copy.txt", "alpha.txt", "beta.txt"]);
    assert!(inbox.join(".hidden").is_file());
    assert!(!inbox.join("alpha.txt").exists());
}
