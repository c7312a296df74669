//! The real PDF worker (this `dossier`, started as `--dossier-pdf-worker`) killed with
//! SIGSEGV or SIGKILL in the middle of a job fails only that document: the run goes on,
//! the next PDF is processed and found, and the reason is plain.

use std::io::{BufRead, BufReader};

use super::diff::{PageSpec, pdf, simple_pdf};
use super::*;

/// The PDF worker processes `dossier` (`pid`) has started.
#[cfg(target_os = "linux")]
fn workers_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    for t in tasks {
        let children = std::fs::read_to_string(t.unwrap().path().join("children")).unwrap();
        for child in children.split_whitespace() {
            let cmdline = std::fs::read(format!("/proc/{child}/cmdline")).unwrap_or_default();
            if cmdline
                .split(|b| *b == 0)
                .any(|a| a == b"--dossier-pdf-worker")
            {
                out.push(child.parse().unwrap());
            }
        }
    }
    out
}

/// Bytes a process has read so far (`rchar` of `/proc/PID/io`).
#[cfg(target_os = "linux")]
fn read_so_far(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("rchar: ")?.parse().ok())
        .unwrap_or(0)
}

/// Whether signal `number` was sent to a process and not yet taken by it (`ShdPnd` of
/// `/proc/PID/status`); a process that is gone has none pending.
#[cfg(target_os = "linux")]
fn pending(pid: u32, number: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| u64::from_str_radix(l.strip_prefix("ShdPnd:")?.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (number - 1)) != 0)
}

#[cfg(target_os = "linux")]
#[test]
fn the_real_worker_killed_mid_job_fails_only_that_document() {
    let lib = Lib::new();
    require_tools(&lib);
    // Thousands of pages: extracting them takes long enough to be caught in the middle.
    for signal in ["SEGV", "KILL"] {
        let line = [format!(
            "pages and pages of the {signal} attendance register"
        )];
        let line = [line[0].as_str()];
        let pages: Vec<PageSpec<'_>> = (0..10_000)
            .map(|_| PageSpec {
                lines: &line,
                media_box: [0.0, 0.0, 612.0, 792.0],
                rotate: 0,
            })
            .collect();
        let big = pdf(&pages);
        let input = lib.work().join(format!("in-{signal}"));
        std::fs::create_dir_all(&input).unwrap();
        std::fs::write(input.join(format!("a-big-{signal}.pdf")), &big).unwrap();
        let word = format!("Marlborough{signal}");
        std::fs::write(
            input.join(format!("b-next-{signal}.pdf")),
            simple_pdf(&[&[&format!("{word} enrolment form")]]),
        )
        .unwrap();
        lib.ok(&["import", "--no-process", input.to_str().unwrap()]);

        let mut run = lib
            .cmd(&["process", "--progress-json"])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let pid = run.id();
        let mut killed = None;
        for l in BufReader::new(run.stderr.take().unwrap()).lines() {
            let l = l.unwrap();
            let Ok(event) = serde_json::from_str::<Value>(&l) else {
                continue;
            };
            let big_extract = event["file_name"]
                .as_str()
                .is_some_and(|n| n.starts_with("a-big"))
                && event["kind"] == "extract";
            if event["event"] != "job_started" || !big_extract || killed.is_some() {
                continue;
            }
            // The job has started: wait until its worker has read the whole PDF (it is then
            // inside pdfium), and kill it there.
            let looking = std::time::Instant::now();
            let worker = loop {
                if let Some(w) = workers_of(pid)
                    .into_iter()
                    .find(|w| read_so_far(*w) >= big.len() as u64)
                {
                    break w;
                }
                assert!(
                    looking.elapsed() < std::time::Duration::from_secs(60),
                    "no worker read the PDF"
                );
                // Another process's reads give no event to wait on: look again at once.
                std::thread::yield_now();
            };
            // Rust's runtime catches a first SIGSEGV (to tell a stack overflow apart), puts
            // the default action back and carries on; a real fault then faults again and
            // kills. A signal sent from outside does not repeat itself, so send two, the
            // second once the first was taken (two pending at once are one signal).
            let (sig, times) = match signal {
                "SEGV" => (nix::sys::signal::Signal::SIGSEGV, 2),
                _ => (nix::sys::signal::Signal::SIGKILL, 1),
            };
            for _ in 0..times {
                while pending(worker, sig as u32) {
                    // Delivery gives no event to wait on: look again at once.
                    std::thread::yield_now();
                }
                // Sent directly: starting a `kill` process could take longer than the
                // rest of the extraction on a busy machine.
                nix::sys::signal::kill(nix::unistd::Pid::from_raw(worker as i32), sig).unwrap();
            }
            killed = Some(worker);
        }
        run.wait().unwrap();
        assert!(killed.is_some(), "the big PDF's job was seen starting");

        let jobs = lib.json(&["jobs", "--all", "--json"]);
        let job = |prefix: &str, kind: &str| {
            jobs["jobs"]
                .as_array()
                .unwrap()
                .iter()
                .find(|j| j["file_name"].as_str().unwrap().starts_with(prefix) && j["kind"] == kind)
                .unwrap_or_else(|| panic!("no {kind} job of {prefix}: {jobs}"))
                .clone()
        };
        let crashed = job(&format!("a-big-{signal}"), "extract");
        assert_eq!(crashed["state"], "failed", "{crashed}");
        let number = if signal == "SEGV" { 11 } else { 9 };
        let reason = crashed["reason"].as_str().unwrap();
        assert!(
            reason.contains(&format!(
                "the PDF reader stopped while reading this file (it crashed, signal {number})"
            )),
            "{reason}"
        );
        for (prefix, kind) in [
            (format!("b-next-{signal}"), "extract"),
            (format!("b-next-{signal}"), "thumbnail"),
            (format!("a-big-{signal}"), "thumbnail"),
        ] {
            let j = job(&prefix, kind);
            assert_eq!(j["state"], "done", "{j}");
        }
        let found = lib.json(&["search", &word, "--json"]);
        assert_eq!(found["total"], 1, "{found}");
    }
}
