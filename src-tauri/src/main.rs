//! The Dossier desktop app's entry point.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    for (key, value) in dossier_app::environment_switches() {
        // SAFETY: `set_var` is unsound only while another thread reads or writes the
        // environment. This is the first thing the process does: no thread has started
        // yet (GTK, WebKit, tokio and the library's workers all start in `run`).
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var(key, value);
        }
    }
    dossier_app::run();
}
