//! Writes the format-compatibility fixture `tests/fixtures/epochs-v<EPOCH_KEYS_FORMAT>`:
//! epochs 0 and 1 of collection Science's key in the `members-v1` library, made by the
//! `identity-v1` owner, and each key's check value (run once when an epoch keys format
//! version is introduced): `cargo run -p dossier-core --example make_epochs_fixture`.

mod fixtures;

use std::collections::BTreeMap;

use dossier_core::{
    EPOCH_KEYS_FORMAT, Identity, IdentityFile, LibraryId, MasterKey, Registry, SignedStatement,
};

fn main() -> fixtures::Res<()> {
    let out = fixtures::new_fixture(&format!("epochs-v{EPOCH_KEYS_FORMAT}"))?;
    let root = fixtures::root();
    let file: IdentityFile =
        serde_json::from_slice(&std::fs::read(root.join("identity-v1/identity.json"))?)?;
    let owner = Identity::unwrap(&file, "fixture passphrase")?;
    let library: LibraryId =
        std::fs::read_to_string(root.join("members-v1/library.txt"))?.parse()?;
    let statements: Vec<SignedStatement> =
        serde_json::from_slice(&std::fs::read(root.join("members-v1/statements.json"))?)?;
    let registry = Registry::replay(library, owner.public().clone(), &statements);
    let (k0, k1) = (MasterKey::generate(), MasterKey::generate());
    let epochs = [
        registry.seal_epoch(&owner, "Science", 0, &k0, None)?,
        registry.seal_epoch(&owner, "Science", 1, &k1, Some(&k0))?,
    ];
    let checks: BTreeMap<u64, String> = [(0, &k0), (1, &k1)]
        .into_iter()
        .map(|(e, k)| (e, data_encoding::HEXLOWER.encode(&k.check_value())))
        .collect();
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("epochs.json"), serde_json::to_vec_pretty(&epochs)?)?;
    std::fs::write(out.join("checks.json"), serde_json::to_vec_pretty(&checks)?)?;
    Ok(())
}
