//! Writes the format-compatibility fixture `tests/fixtures/repo-v<REPO_FORMAT>`: the key
//! objects a remote of the `library-v1` fixture holds, `dossier.repo` and `keys/<n>`, in
//! this build's repo file format (run once when a repo file format version is
//! introduced): `cargo run -p dossier-core --example make_repo_fixture`. `repo-v1` (no
//! authentication tag) was written by this example before format 2.

mod fixtures;

use dossier_core::{REPO_FORMAT, key_object_name};

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture(&format!("repo-v{REPO_FORMAT}"))?;
    let work = tempfile::tempdir()?;
    let lib = fixtures::library_v1_copy(work.path())?;
    std::fs::create_dir_all(out.join("keys"))?;
    // The first slot set, and the first change after the remote was added.
    for seq in [0, 1] {
        std::fs::write(out.join(key_object_name(seq)), lib.key_object(seq)?)?;
    }
    Ok(())
}
