//! Writes the format-compatibility fixture `tests/fixtures/repo-v1`: the key objects a
//! remote of the `library-v1` fixture holds, `dossier.repo` and `keys/<n>`, in repo file
//! format 1 (run once when a repo file format version is introduced):
//! `cargo run -p dossier-core --example make_repo_fixture`.

mod fixtures;

use dossier_core::format::keyfile::KeyFile;
use dossier_core::format::repo::{REPO_OBJECT, RepoFile};

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture("repo-v1")?;
    let keys: KeyFile = serde_json::from_slice(&std::fs::read(
        fixtures::root().join("library-v1/library/keys.json"),
    )?)?;
    std::fs::create_dir_all(out.join("keys"))?;
    std::fs::write(
        out.join(REPO_OBJECT),
        RepoFile::new(keys.clone()).to_bytes(),
    )?;
    // The first change of slots after the remote was added, as the sync engine names it.
    std::fs::write(
        out.join("keys").join(format!("{:020}", 1)),
        RepoFile::new(keys).to_bytes(),
    )?;
    Ok(())
}
