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
    fewer_allocator_arenas();
    dossier_app::run();
}

/// glibc's allocator gives threads their own arenas, up to eight per core, and memory
/// freed in an arena stays with it. The app's threads (the async runtime's, its blocking
/// pool's, WebKit's and GTK's) then hold several partly used arenas. Two arenas keep an
/// idle app about 4 MiB smaller (`scripts/bench-app.sh`); the app's threads are seldom
/// busy at once, so sharing costs nothing noticeable.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fewer_allocator_arenas() {
    const ARENAS: libc::c_int = 2;
    // SAFETY: `mallopt` takes two integers and only changes the allocator's settings;
    // glibc allows `M_ARENA_MAX` to be set at any time, and no other thread runs yet.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fewer_allocator_arenas() {}
