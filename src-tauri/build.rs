//! Tauri's build step, reading `tauri.conf.json` beside this crate's manifest.
fn main() {
    tauri_build::build();
}
