//! Office documents (Word, OpenDocument, spreadsheets, presentations) as PDF, through
//! LibreOffice headless, so they show as pages like PDFs do.
//!
//! Only the parser worker calls [`convert`] (the worker's memory limit and its deadline
//! hold for LibreOffice too). Everything LibreOffice reads and writes (the document, its
//! user profile, its temporary files, the PDF) is in a private folder in memory
//! ([`memory_folder`]), removed when the conversion ends: no plaintext reaches the disk.
//! Where the system has no such folder, documents are not converted and their text view
//! stays. Macros never run and links are never updated: the profile says so before
//! LibreOffice starts.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub use crate::error::ConvertProblem;

/// The program, `soffice` on the `PATH` unless `DOSSIER_SOFFICE` names another.
pub fn program() -> PathBuf {
    std::env::var_os("DOSSIER_SOFFICE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("soffice"))
}

/// Whether `program` runs (`--version` answers), asked once per program.
pub fn runs(program: &Path) -> bool {
    static KNOWN: std::sync::Mutex<Vec<(PathBuf, bool)>> = std::sync::Mutex::new(Vec::new());
    let mut known = KNOWN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, runs)) = known.iter().find(|(p, _)| p == program) {
        return *runs;
    }
    let runs = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    known.push((program.to_path_buf(), runs));
    runs
}

/// The largest PDF a conversion may give.
pub const MAX_PDF: u64 = 512 << 20;

/// A private folder in memory to convert in: on Linux, `/dev/shm` (a tmpfs). Other
/// systems have none that an unprivileged program can make, so they do not convert.
pub fn memory_folder() -> Option<PathBuf> {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        let shm = Path::new("/dev/shm");
        return shm.is_dir().then(|| shm.to_path_buf());
    }
    None
}

/// The profile settings LibreOffice reads at start: macros never run (the highest macro
/// security, and macro execution off), and links to other files or the network are
/// never updated.
const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"#;

/// An office document to convert: its bytes, and its file's extension (e.g. `docx`).
#[derive(Debug, Clone, Copy)]
pub struct OfficeFile<'a> {
    pub bytes: &'a [u8],
    pub extension: &'a str,
}

/// What a conversion gave for each document: its PDF, or why there is none.
pub type Converted = Vec<Result<Vec<u8>, ConvertProblem>>;

/// Each of `files` as a PDF (or why not), made by one start of `program` before
/// `deadline`. Starting LibreOffice is most of the time a small document takes, so many
/// convert for little more than one. A file LibreOffice cannot read, or did not reach
/// before the deadline, has its own problem and the others are converted; `Err` when
/// none could be tried.
pub fn convert(
    program: &Path,
    files: &[OfficeFile<'_>],
    deadline: Instant,
) -> Result<Converted, ConvertProblem> {
    let base = memory_folder().ok_or(ConvertProblem::NoMemoryFolder)?;
    convert_in(&base, program, files, deadline)
}

fn convert_in(
    base: &Path,
    program: &Path,
    files: &[OfficeFile<'_>],
    deadline: Instant,
) -> Result<Converted, ConvertProblem> {
    // Private to this user (0700), removed with everything in it when this returns.
    let dir = tempfile::Builder::new()
        .prefix("dossier-office-")
        .tempdir_in(base)
        .map_err(|_| ConvertProblem::NoMemoryFolder)?;
    let inputs: Vec<PathBuf> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let ext: String = f
                .extension
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(5)
                .collect::<String>()
                .to_ascii_lowercase();
            let ext = if ext.is_empty() { "bin".into() } else { ext };
            dir.path().join("in").join(format!("document-{i}.{ext}"))
        })
        .collect();
    let profile = dir.path().join("profile");
    let out = dir.path().join("out");
    let tmp = dir.path().join("tmp");
    let made = (|| {
        std::fs::create_dir_all(profile.join("user"))?;
        std::fs::create_dir_all(&out)?;
        std::fs::create_dir_all(&tmp)?;
        std::fs::create_dir_all(dir.path().join("in"))?;
        std::fs::write(profile.join("user/registrymodifications.xcu"), PROFILE)?;
        for (input, f) in inputs.iter().zip(files) {
            std::fs::write(input, f.bytes)?;
        }
        Ok::<_, std::io::Error>(())
    })();
    made.map_err(|_| ConvertProblem::NoMemoryFolder)?;
    let profile_url = file_url(&profile).ok_or(ConvertProblem::NoMemoryFolder)?;
    let mut cmd = Command::new(program);
    cmd.arg("--headless")
        .arg("--invisible")
        .arg("--nologo")
        .arg("--nodefault")
        .arg("--nofirststartwizard")
        .arg("--nolockcheck")
        .arg("--norestore")
        .arg(format!("-env:UserInstallation={profile_url}"))
        .arg("--convert-to")
        .arg("pdf")
        .arg("--outdir")
        .arg(&out)
        .args(&inputs)
        // Its home and temporary files in the same private memory folder.
        .env_clear()
        .envs(std::env::var_os("PATH").map(|p| ("PATH", p)))
        .env("HOME", dir.path())
        .env("TMPDIR", &tmp)
        .env("TMP", &tmp)
        .env("TEMP", &tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so that a stop reaches the processes it starts.
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|_| ConvertProblem::Unavailable)?;
    let (done, ended) = crossbeam_channel::bounded(1);
    let pid = child.id();
    let waiter = std::thread::spawn(move || {
        let status = child.wait();
        let _ = done.send(());
        status
    });
    let timed_out = ended.recv_deadline(deadline).is_err();
    // Whatever it left running (it should leave nothing) goes too; past the deadline,
    // all of it.
    stop_group(pid);
    let status = waiter.join();
    // LibreOffice ends well after a file it cannot read, and goes on to the next: a
    // document without a PDF was unreadable only when it did.
    let missing = match status {
        _ if timed_out => ConvertProblem::TimedOut,
        Ok(Ok(status)) if status.success() => ConvertProblem::NoOutput,
        _ => ConvertProblem::Crashed,
    };
    Ok(inputs
        .iter()
        .map(|input| {
            let pdf = input.with_extension("pdf");
            let name = pdf.file_name().expect("every input is named above");
            read_pdf(&out.join(name)).unwrap_or(Err(missing))
        })
        .collect())
}

/// The PDF LibreOffice wrote at `path`: `None` when there is none or it is not whole (cut
/// short when LibreOffice was stopped), a problem when it is too large.
fn read_pdf(path: &Path) -> Option<Result<Vec<u8>, ConvertProblem>> {
    let file = std::fs::File::open(path).ok()?;
    let mut data = Vec::new();
    file.take(MAX_PDF + 1).read_to_end(&mut data).ok()?;
    if data.len() as u64 > MAX_PDF {
        return Some(Err(ConvertProblem::TooLarge));
    }
    let tail = &data[data.len().saturating_sub(1024)..];
    let whole = data.starts_with(b"%PDF") && tail.windows(5).any(|w| w == b"%%EOF");
    whole.then_some(Ok(data))
}

/// A `file://` URL of an absolute path (LibreOffice takes its profile as one), its
/// bytes outside the unreserved ones percent-encoded.
fn file_url(path: &Path) -> Option<String> {
    let s = path.to_str()?;
    if !path.is_absolute() {
        return None;
    }
    let mut url = String::from("file://");
    if !s.starts_with('/') {
        url.push('/');
    }
    for b in s.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    Some(url)
}

/// Kill the process group `pid` leads (on Unix); elsewhere the process has ended or was
/// killed with its handle.
fn stop_group(pid: u32) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(pid) = i32::try_from(pid) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn corpus(path: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/corpus/files")
                .join(path),
        )
        .unwrap()
    }

    /// Whether LibreOffice runs here; in CI it must.
    fn soffice() -> bool {
        let runs = runs(&program());
        assert!(
            runs || std::env::var("CI").as_deref() != Ok("true"),
            "LibreOffice (soffice) is missing: scripts/setup.sh installs it"
        );
        runs
    }

    #[test]
    fn profile_urls_are_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/dev/shm/a b/profile")).as_deref(),
            Some("file:///dev/shm/a%20b/profile")
        );
        assert_eq!(file_url(Path::new("relative")), None);
    }

    #[test]
    fn a_docx_becomes_a_pdf_and_nothing_is_left_behind() {
        if !soffice() {
            return;
        }
        let base = tempfile::tempdir().unwrap();
        let docx = corpus("Unstructured-IO+unstructured/example-docs/page-breaks.docx");
        let deadline = Instant::now() + Duration::from_secs(120);
        let pdf = one(base.path(), &docx, "docx", deadline).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(
            std::fs::read_dir(base.path()).unwrap().count(),
            0,
            "the private folder is gone, with the document, the profile and the PDF"
        );
        // Not a document LibreOffice can read: no PDF, said so.
        let junk = one(base.path(), b"\x00\x01junk", "docx", deadline);
        assert!(matches!(junk, Err(ConvertProblem::NoOutput)), "{junk:?}");
    }

    /// One document converted alone.
    fn one(
        base: &Path,
        bytes: &[u8],
        extension: &str,
        deadline: Instant,
    ) -> Result<Vec<u8>, ConvertProblem> {
        let files = [OfficeFile { bytes, extension }];
        let mut converted = convert_in(base, &program(), &files, deadline)?;
        assert_eq!(converted.len(), 1);
        converted.remove(0)
    }

    #[test]
    fn documents_convert_together_each_to_its_own_pdf_and_one_unreadable_fails_alone() {
        if !soffice() {
            return;
        }
        let base = tempfile::tempdir().unwrap();
        let docx = corpus("Unstructured-IO+unstructured/example-docs/page-breaks.docx");
        // Documents titled so that each PDF names its own (LibreOffice writes the title
        // in the PDF's information, in UTF-16 as hexadecimal digits).
        let fodt = |title: &str| {
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{title}</dc:title></office:meta>
<office:body><office:text><text:p>{title}</text:p></office:text></office:body>
</office:document>
"#
            )
            .into_bytes()
        };
        let titled = |pdf: &[u8], title: &str| {
            let hex: String = title.encode_utf16().map(|u| format!("{u:04X}")).collect();
            let wanted = format!("/Title<FEFF{hex}>");
            pdf.windows(wanted.len()).any(|w| w == wanted.as_bytes())
        };
        let (first, second) = (fodt("Quetzal"), fodt("Zanzibar"));
        let files = [
            OfficeFile {
                bytes: &first,
                extension: "fodt",
            },
            OfficeFile {
                bytes: b"\x00\x01junk",
                extension: "docx",
            },
            OfficeFile {
                bytes: &docx,
                extension: "docx",
            },
            OfficeFile {
                bytes: &second,
                extension: "fodt",
            },
        ];
        let deadline = Instant::now() + Duration::from_secs(120);
        let converted = convert_in(base.path(), &program(), &files, deadline).unwrap();
        assert_eq!(converted.len(), 4);
        assert_eq!(converted[1], Err(ConvertProblem::NoOutput));
        let pdf = |i: usize| converted[i].as_deref().unwrap();
        assert!([0, 2, 3].iter().all(|&i| pdf(i).starts_with(b"%PDF")));
        assert!(titled(pdf(0), "Quetzal") && !titled(pdf(0), "Zanzibar"));
        assert!(titled(pdf(3), "Zanzibar") && !titled(pdf(3), "Quetzal"));
        assert!(!titled(pdf(2), "Quetzal") && !titled(pdf(2), "Zanzibar"));
        assert_eq!(std::fs::read_dir(base.path()).unwrap().count(), 0);
    }

    /// A text document with a Basic macro that runs when it is opened: it writes `marker`
    /// and quits LibreOffice.
    fn armed_document(marker: &Path) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:ooo="http://openoffice.org/2004/office" xmlns:dom="http://www.w3.org/2001/xml-events" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:scripts>
<office:script script:language="ooo:Basic"><ooo:libraries><ooo:library-embedded ooo:name="Standard"><ooo:module ooo:name="Module1"><ooo:source-code>Sub Main
  Dim n As Integer
  n = FreeFile
  Open "{}" For Output As #n
  Print #n, "the macro ran"
  Close #n
  StarDesktop.terminate()
End Sub
</ooo:source-code></ooo:module></ooo:library-embedded></ooo:libraries></office:script>
<office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document" xlink:type="simple"/></office:event-listeners>
</office:scripts>
<office:body><office:text><text:p>A document with a macro</text:p></office:text></office:body>
</office:document>
"#,
            marker.display()
        )
        .into_bytes()
    }

    #[test]
    fn a_document_whose_macro_runs_when_opened_converts_without_running_it() {
        if !soffice() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let doc = armed_document(&marker);
        let deadline = Instant::now() + Duration::from_secs(120);

        // The document is armed: opened by a LibreOffice whose profile allows macros (the
        // lowest security), its macro runs on load, writes the marker and quits.
        let low = dir.path().join("low");
        std::fs::create_dir_all(low.join("user")).unwrap();
        std::fs::write(
            low.join("user/registrymodifications.xcu"),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
        )
        .unwrap();
        let opened = dir.path().join("opened.fodt");
        std::fs::write(&opened, &doc).unwrap();
        let mut open = Command::new(program());
        open.arg("--headless")
            .arg("--norestore")
            .arg(format!("-env:UserInstallation={}", file_url(&low).unwrap()))
            .arg(&opened)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            open.process_group(0);
        }
        let mut child = open.spawn().unwrap();
        let pid = child.id();
        let (done, ended) = crossbeam_channel::bounded(1);
        let waiter = std::thread::spawn(move || {
            let _ = child.wait();
            let _ = done.send(());
        });
        let quit = ended.recv_deadline(deadline).is_ok();
        stop_group(pid);
        waiter.join().unwrap();
        assert!(quit, "the macro quits LibreOffice");
        assert!(marker.exists(), "opened with macros allowed, the macro ran");
        std::fs::remove_file(&marker).unwrap();

        // Converted for a preview, it becomes pages and its macro does not run: LibreOffice
        // loads a document it converts with macros off, and the profile `convert` gives it
        // turns them off too.
        let base = tempfile::tempdir().unwrap();
        let pdf = one(base.path(), &doc, "fodt", deadline).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(!marker.exists(), "the macro ran during a conversion");
    }

    #[test]
    fn a_conversion_past_its_deadline_is_stopped() {
        if !soffice() {
            return;
        }
        let base = tempfile::tempdir().unwrap();
        let docx = corpus("Unstructured-IO+unstructured/example-docs/page-breaks.docx");
        let started = Instant::now();
        let r = one(base.path(), &docx, "docx", started);
        assert_eq!(r, Err(ConvertProblem::TimedOut));
        assert!(started.elapsed() < Duration::from_secs(30));
        assert_eq!(std::fs::read_dir(base.path()).unwrap().count(), 0);
    }
}
