//! `dossier keys`: the library's key slots, and its key in this desktop's OS keyring.

use std::path::Path;

use anyhow::Result;
use clap::Subcommand;
use dossier_core::{Access, KdfParams};

use crate::output;
use crate::unlock::{new_passphrase, unlock, unlock_local};

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List key slots.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a passphrase slot (the new passphrase is asked for, or read from
    /// DOSSIER_NEW_PASSPHRASE).
    AddPassphrase {
        #[arg(long, default_value = "passphrase")]
        label: String,
    },
    /// Remove a key slot by id.
    Remove { slot: String },
    /// Keep the key in the OS keyring of this desktop.
    KeyringStore,
    /// Remove the key from the OS keyring of this desktop.
    KeyringForget,
}

pub fn run(root: &Path, cmd: KeysCommand) -> Result<u8> {
    match cmd {
        KeysCommand::List { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let kf = lib.key_file()?;
            let slots: Vec<_> = kf
                .slots
                .iter()
                .map(|s| serde_json::json!({ "id": s.id, "kind": s.kind_name(), "label": s.label, "created": output::time(s.created_ms), "usable": s.usable() }))
                .collect();
            if json {
                output::json(&slots)?;
            } else {
                for s in &kf.slots {
                    println!(
                        "{}  {:<10}  {:<20}  {}{}",
                        s.id,
                        s.kind_name(),
                        s.label,
                        output::time(s.created_ms),
                        if s.usable() {
                            ""
                        } else {
                            "  (unusable: damaged, or asks for more than Dossier allows)"
                        }
                    );
                }
            }
            Ok(0)
        }
        KeysCommand::AddPassphrase { label } => {
            let mut lib = unlock(root, Access::Write)?;
            let new = new_passphrase("DOSSIER_NEW_PASSPHRASE")?;
            let id = lib.add_passphrase(&new, &label, KdfParams::default())?;
            println!("Added passphrase slot {id}");
            Ok(0)
        }
        KeysCommand::Remove { slot } => {
            let mut lib = unlock(root, Access::Write)?;
            lib.remove_slot(&slot)?;
            println!("Removed key slot {slot}");
            Ok(0)
        }
        KeysCommand::KeyringStore => {
            let lib = unlock(root, Access::Read)?;
            lib.store_in_keyring()?;
            println!("The key is now kept in this desktop's keyring");
            Ok(0)
        }
        KeysCommand::KeyringForget => {
            let lib = unlock_local(root, Access::Read)?;
            let removed = dossier_core::OsKeyring.forget(lib.library_id())?;
            println!(
                "{}",
                if removed {
                    "The key was removed from this desktop's keyring"
                } else {
                    "The keyring held no key for this library"
                }
            );
            Ok(0)
        }
    }
}
