//! `dossier people`: the library's people, their roles and collections (issue 21).

use std::path::Path;

use anyhow::Result;
use clap::Subcommand;
use dossier_core::{Access, KdfParams, Role};

use crate::output;
use crate::unlock::{new_passphrase, unlock_local};

#[derive(Debug, Subcommand)]
pub enum PeopleCommand {
    /// Make the library kept by its people, owned by you (NAME): from now on each person
    /// signs in with their own passphrase (asked for, or DOSSIER_NEW_PASSPHRASE), and the
    /// library's passphrase opens nothing. The recovery key stays and reads only.
    Init { name: String },
    /// List the people, their roles, collections and fingerprints.
    Ls {
        #[arg(long)]
        json: bool,
    },
    /// Add a person who signs in on this desktop; they type their own passphrase (or it
    /// is read from DOSSIER_NEW_PASSPHRASE). Owners only.
    Add {
        name: String,
        /// owner, records-officer, registrar-staff, department-staff or auditor.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A department member's collection (repeat for several).
        #[arg(long = "collection", value_name = "NAME")]
        collections: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Invite a person to join from their own desktop: prints a one-time code to give
    /// them yourself; they answer with `dossier clone URL FOLDER --invite` and read
    /// you their fingerprint. Needs the library's remote. Owners only.
    Invite {
        name: String,
        /// owner, records-officer, registrar-staff, department-staff or auditor.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A department member's collection (repeat for several).
        #[arg(long = "collection", value_name = "NAME")]
        collections: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The invitations made, and which have been answered (confirm an answer with the
    /// digits the person reads you from their screen).
    Invitations {
        #[arg(long)]
        json: bool,
    },
    /// Let an invited person in: type the fingerprint they read you from their screen;
    /// it must be their answer's. Then a sync, so their desktop can join. Owners only.
    Confirm {
        /// Their name, or the start of the invitation's id.
        person: String,
        /// The 24 digits their screen shows (spaces do not matter).
        #[arg(long)]
        fingerprint: String,
    },
    /// Withdraw an open invitation: its answer is never confirmed. Owners only.
    Withdraw {
        /// Their name, or the start of the invitation's id.
        person: String,
    },
    /// Give a person another role (and a department member's collections). Owners only.
    Role {
        /// A name or the start of a member id.
        person: String,
        #[arg(value_parser = parse_role)]
        role: Role,
        #[arg(long = "collection", value_name = "NAME")]
        collections: Vec<String>,
    },
    /// Remove a person: nothing they sign from now on is accepted and their passphrase
    /// opens nothing. Owners only.
    Remove { person: String },
    /// Change your own passphrase (the new one asked for, or DOSSIER_NEW_PASSPHRASE).
    Passphrase,
    /// Give a person who forgot their passphrase new keys, with the same role; they type
    /// the new passphrase (or DOSSIER_NEW_PASSPHRASE). Owners only.
    Reset {
        person: String,
        #[arg(long)]
        json: bool,
    },
    /// Changes this desktop received and did not apply: refused ones (no one signed
    /// them, the signature is not their author's, or their author's role did not allow
    /// them then, or came after their removal), with the reason, and those waiting for
    /// news of their author. They are kept, never deleted. Exit 1 when there are any.
    Held {
        #[arg(long)]
        json: bool,
    },
    /// Each collection's key: its newest epoch (a new one whenever who may read it
    /// changes), who it is sealed to, and whether you can read it.
    Collections {
        #[arg(long)]
        json: bool,
    },
}

/// A role as typed: its name with dashes, underscores or spaces.
fn parse_role(s: &str) -> std::result::Result<Role, String> {
    let key = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    serde_json::from_value(serde_json::Value::String(key)).map_err(|_| {
        "one of owner, records-officer, registrar-staff, department-staff, auditor".to_owned()
    })
}

pub fn run(root: &Path, cmd: PeopleCommand) -> Result<u8> {
    match cmd {
        PeopleCommand::Init { name } => {
            let mut lib = unlock_local(root, Access::Write)?;
            let passphrase = new_passphrase("DOSSIER_NEW_PASSPHRASE")?;
            let me = lib.become_owner(&name, &passphrase, KdfParams::default())?;
            println!(
                "The library is now kept by its people, owned by {}.",
                me.name
            );
            println!(
                "Sign in with `dossier --as \"{}\"` and your own passphrase; the library's \
                 passphrase opens nothing any more.",
                me.name
            );
            println!("Fingerprint: {}", dossier_core::Fingerprint::of(&me));
            Ok(0)
        }
        PeopleCommand::Invite {
            name,
            role,
            collections,
            json,
        } => crate::invite::invite(root, &name, role, &collections, json),
        PeopleCommand::Invitations { json } => crate::invite::invitations(root, json),
        PeopleCommand::Confirm {
            person,
            fingerprint,
        } => crate::invite::confirm(root, &person, &fingerprint),
        PeopleCommand::Withdraw { person } => crate::invite::withdraw(root, &person),
        PeopleCommand::Held { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let held = lib.held_batches()?;
            if json {
                output::json(&held)?;
            } else if held.is_empty() {
                println!("Every change received here was applied.");
            } else {
                let names = lib.names_by_member()?;
                for h in &held {
                    let who = match h.member {
                        Some(m) => names.get(&m).cloned().unwrap_or_else(|| m.to_string()),
                        None => "no one".to_owned(),
                    };
                    println!(
                        "{} {} change(s) signed by {who} on desktop {}, {} document(s): {}",
                        if h.refused { "refused" } else { "waiting" },
                        h.operations,
                        h.device,
                        h.documents.len(),
                        h.reason
                    );
                }
            }
            Ok(if held.is_empty() { 0 } else { 1 })
        }
        PeopleCommand::Collections { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let access = lib.collection_access()?;
            if json {
                output::json(&access)?;
            } else if access.is_empty() {
                println!("No collection has keys of its own yet: every record is in \"all\".");
            } else {
                let names = lib.names_by_member()?;
                for a in &access {
                    let readers: Vec<String> = a
                        .readers
                        .iter()
                        .map(|m| names.get(m).cloned().unwrap_or_else(|| m.to_string()))
                        .collect();
                    println!(
                        "{:<20} key {:<4} {:<14} sealed to {}",
                        a.collection,
                        a.epoch,
                        if a.readable.is_empty() {
                            "not yours"
                        } else {
                            "you can read"
                        },
                        readers.join(", ")
                    );
                }
            }
            Ok(0)
        }
        PeopleCommand::Ls { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let people = lib.people()?;
            if json {
                output::json(&people)?;
            } else if people.is_empty() {
                println!("This library has no people yet (`dossier people init NAME`).");
            } else {
                for p in &people {
                    println!(
                        "{}{:<24} {:<18} {:<20} {}",
                        if p.signed_in { "* " } else { "  " },
                        p.name,
                        p.role.name(),
                        p.collections.join(", "),
                        p.fingerprint
                    );
                }
            }
            Ok(0)
        }
        PeopleCommand::Add {
            name,
            role,
            collections,
            json,
        } => {
            let mut lib = unlock_local(root, Access::Write)?;
            let passphrase = new_passphrase("DOSSIER_NEW_PASSPHRASE")?;
            let person =
                lib.add_person(&name, &passphrase, KdfParams::default(), role, &collections)?;
            let fingerprint = dossier_core::Fingerprint::of(&person);
            if json {
                output::json(&serde_json::json!({
                    "member": person.member,
                    "name": person.name,
                    "role": role,
                    "collections": collections,
                    "fingerprint": fingerprint.as_str(),
                }))?;
            } else {
                println!("Added {} as {}.", person.name, role.name());
                println!("Fingerprint: {fingerprint}");
            }
            Ok(0)
        }
        PeopleCommand::Role {
            person,
            role,
            collections,
        } => {
            let mut lib = unlock_local(root, Access::Write)?;
            let member = lib.resolve_person(&person)?;
            lib.set_role(member, role, &collections)?;
            println!("{person} is now {}.", role.name());
            Ok(0)
        }
        PeopleCommand::Passphrase => {
            let mut lib = unlock_local(root, Access::Write)?;
            let passphrase = new_passphrase("DOSSIER_NEW_PASSPHRASE")?;
            lib.change_passphrase(&passphrase, KdfParams::default())?;
            println!("Your passphrase is changed, on every desktop once they sync.");
            Ok(0)
        }
        PeopleCommand::Reset { person, json } => {
            let mut lib = unlock_local(root, Access::Write)?;
            let member = lib.resolve_person(&person)?;
            let passphrase = new_passphrase("DOSSIER_NEW_PASSPHRASE")?;
            let renewed = lib.reset_person(member, &passphrase, KdfParams::default())?;
            let fingerprint = dossier_core::Fingerprint::of(&renewed);
            if json {
                output::json(&serde_json::json!({
                    "member": renewed.member,
                    "name": renewed.name,
                    "fingerprint": fingerprint.as_str(),
                }))?;
            } else {
                println!(
                    "{} has new keys; their old passphrase opens nothing.",
                    renewed.name
                );
                println!("Fingerprint: {fingerprint}");
            }
            Ok(0)
        }
        PeopleCommand::Remove { person } => {
            let mut lib = unlock_local(root, Access::Write)?;
            let member = lib.resolve_person(&person)?;
            lib.remove_person(member)?;
            println!("{person} was removed: their passphrase opens nothing here any more.");
            Ok(0)
        }
    }
}
