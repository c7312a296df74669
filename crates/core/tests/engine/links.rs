//! Imports stay inside what the user chose: a link inside an imported folder is followed
//! only to a file inside it, a watched folder's paths must not pass through a link, and a
//! FIFO is refused without waiting for a writer.

use super::*;

fn outcome<'a>(r: &'a dossier_core::ImportReport, name: &str) -> &'a ImportOutcome {
    r.files
        .iter()
        .find(|o| o.path().file_name().unwrap() == name)
        .unwrap_or_else(|| panic!("no outcome for {name}: {:?}", r.files))
}

#[cfg(unix)]
#[test]
fn links_out_of_the_folder_and_fifos_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(dir.path());
    let home = dir.path().join("home");
    write(&home, "diary.txt", b"a clerk's private diary");
    let folder = dir.path().join("scans");
    write(&folder, "report.txt", b"a school report");
    std::os::unix::fs::symlink(home.join("diary.txt"), folder.join("diary-link.txt")).unwrap();
    std::os::unix::fs::symlink(folder.join("report.txt"), folder.join("report-link.txt")).unwrap();
    std::os::unix::fs::symlink(&home, folder.join("home-link")).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(folder.join("pipe.txt"))
            .status()
            .unwrap()
            .success()
    );
    // The user names the folder: what is inside it comes in, nothing outside it does.
    let r = import(
        &mut lib,
        std::slice::from_ref(&folder),
        &ImportOptions::default(),
    );
    // (The link to report.txt inside the folder leads to it: the same content, once.)
    assert!(r.files.iter().any(|o| {
        o.path().file_name().unwrap() == "report.txt" && matches!(o, ImportOutcome::Imported { .. })
    }));
    for refused in ["diary-link.txt", "home-link", "pipe.txt"] {
        assert!(
            matches!(outcome(&r, refused), ImportOutcome::Refused { .. }),
            "{refused}: {:?}",
            outcome(&r, refused)
        );
    }
    let docs = lib.catalog().list(dossier_core::Listing::All).unwrap();
    assert!(docs.iter().all(|d| d.file_name != "diary.txt"), "{docs:?}");

    // A watched folder hands over paths: one through a link is refused.
    write(&home, "letter.txt", b"another private letter");
    write(&folder, "new.txt", b"a new scan");
    let r = import(
        &mut lib,
        &[folder.join("home-link/letter.txt"), folder.join("new.txt")],
        &ImportOptions {
            within: Some(folder.clone()),
            ..ImportOptions::default()
        },
    );
    assert!(matches!(
        outcome(&r, "new.txt"),
        ImportOutcome::Imported { .. }
    ));
    assert!(matches!(
        outcome(&r, "letter.txt"),
        ImportOutcome::Refused { .. }
    ));
    assert!(home.join("letter.txt").is_file());
}
