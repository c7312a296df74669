//! Write the fuzz targets' seed inputs (`dossier_core::fuzz::seeds`) under a folder, one
//! subfolder per target: `cargo run -p dossier-core --features fuzzing --example
//! fuzz_seeds -- fuzz/seeds`.

fn main() -> std::io::Result<()> {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or("fuzz/seeds".into()));
    for (target, name, bytes) in dossier_core::fuzz::seeds() {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}
