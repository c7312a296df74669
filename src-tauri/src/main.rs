//! The Dossier desktop app's entry point: the process's settings that must be made before
//! any thread starts, then the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Started as the PDF worker by another Dossier process: serve, then exit, before
    // anything of the app (GTK, WebKit, the environment switches) starts.
    dossier_core::run_pdf_worker_if_asked();
    for (key, value) in dossier_app::environment_switches() {
        // SAFETY: `set_var` is unsound only while another thread reads or writes the
        // environment. This is the first thing the process does: no thread has started
        // yet (GTK, WebKit, tokio and the library's workers all start in `run`).
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var(key, value);
        }
    }
    tune_allocator();
    dossier_app::run(dossier_app::Allocator { give_back_freed });
}

/// Fewer arenas, and large blocks mapped on their own at a fixed threshold.
///
/// glibc gives threads their own arenas, up to eight per core, and memory freed in an
/// arena stays with it; the app's threads (the async runtime's, its blocking pool's,
/// WebKit's and GTK's) then hold several partly used arenas. Two arenas keep an idle app
/// about 4 MiB smaller (`scripts/bench-app.sh`); the app's threads are seldom busy at
/// once, so sharing costs nothing noticeable. Blocks of 256 KiB and more are mapped on
/// their own and unmapped when freed: by default glibc raises that threshold to the
/// largest block freed so far and from then on keeps such blocks in its arenas.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    const ARENAS: libc::c_int = 2;
    const MAPPED_FROM: libc::c_int = 256 * 1024;
    // SAFETY: `mallopt` takes two integers and only changes the allocator's settings;
    // glibc allows these to be set at any time, and no other thread runs yet.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MAPPED_FROM);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

/// glibc keeps freed memory in its arenas; `malloc_trim` gives their free pages back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn give_back_freed() {
    // SAFETY: `malloc_trim` takes only the allocator's own locks, one arena at a time, and
    // releases free pages; no memory in use is touched.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn give_back_freed() {}
