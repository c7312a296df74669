//! Writes the format-compatibility fixture `tests/fixtures/journal-v1`: the operations of
//! the `library-v1` fixture sealed as that device's first journal segment, under its
//! remote object name (run once when a journal format version is introduced):
//! `cargo run -p dossier-core --example make_journal_fixture`.

use std::path::Path;

use dossier_core::format::journal::object_name;
use dossier_core::{Access, LockedLibrary, Secret};
use zeroize::Zeroizing;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = fixtures.join("journal-v1");
    if out.exists() {
        return Err(format!(
            "{} exists; fixtures are written once per format version",
            out.display()
        )
        .into());
    }
    // Work on a copy: opening for writing migrates the catalog.
    let work = tempfile::tempdir()?;
    let lib_dir = work.path().join("lib");
    copy_dir(&fixtures.join("library-v1/library"), &lib_dir)?;
    let lib = LockedLibrary::open(&lib_dir, Access::Write)?.unlock(&Secret::Passphrase(
        Zeroizing::new("fixture passphrase".into()),
    ))?;
    let segment = lib
        .next_segment()?
        .ok_or("the fixture library has no operations")?;
    let path = out.join(object_name(segment.device, segment.seq));
    std::fs::create_dir_all(path.parent().expect("a folder"))?;
    std::fs::write(&path, lib.seal_segment(&segment)?)?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let p = e?.path();
        let dest = to.join(p.file_name().expect("a name"));
        if p.is_dir() {
            copy_dir(&p, &dest)?;
        } else {
            std::fs::copy(&p, &dest)?;
        }
    }
    Ok(())
}
