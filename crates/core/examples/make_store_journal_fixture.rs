//! Writes the format-compatibility fixture `tests/fixtures/store-journal-v1`: the store
//! journal segments (`store/journal/<device>/<seq>`) the `library-v1` fixture gets when it
//! is first opened for writing, from which its catalog can be rebuilt (run once when a
//! store journal format version is introduced):
//! `cargo run -p dossier-core --example make_store_journal_fixture`.

use std::path::Path;

use dossier_core::{Access, LockedLibrary, Secret};
use zeroize::Zeroizing;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = fixtures.join("store-journal-v1");
    if out.exists() {
        return Err(format!(
            "{} exists; fixtures are written once per format version",
            out.display()
        )
        .into());
    }
    // Work on a copy: opening for writing migrates the catalog and writes the journal.
    let work = tempfile::tempdir()?;
    let lib_dir = work.path().join("lib");
    copy_dir(&fixtures.join("library-v1/library"), &lib_dir)?;
    let lib = LockedLibrary::open(&lib_dir, Access::Write)?.unlock(&Secret::Passphrase(
        Zeroizing::new("fixture passphrase".into()),
    ))?;
    let device = lib.device_id().to_string();
    drop(lib);
    copy_dir(
        &lib_dir.join("store/journal").join(&device),
        &out.join(&device),
    )?;
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
