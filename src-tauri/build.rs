//! Tauri's build step, reading the configuration at the workspace root.
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri.conf.json is valid");
}
