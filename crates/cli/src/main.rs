//! `dossier`: the command line over `dossier-core`. Parses arguments, unlocks, calls one
//! core function, prints. No reusable logic lives here.

mod audit;
mod commands;
mod connect;
mod destroy;
mod diff;
mod disclose;
mod erasure;
mod fields;
mod invite;
mod keys;
mod output;
mod people;
mod preview;
mod processing;
mod prune;
mod repair;
mod requests;
mod retention;
mod rules;
mod search;
mod subject;
mod suggest;
mod sync;
mod unlock;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Exit codes scripts can rely on.
pub mod exit {
    /// Some inputs were refused (import), damage was found (verify), or tampering (audit
    /// verify).
    pub const PARTIAL: u8 = 1;
    /// A usage error (clap also uses 2).
    pub const USAGE: u8 = 2;
    /// Any other error.
    pub const ERROR: u8 = 3;
    /// Another process holds the library's writer lock.
    pub const IN_USE: u8 = 4;
    /// The passphrase or recovery key was wrong or missing.
    pub const LOCKED: u8 = 5;
    /// The remote lost or hides history (sync): journal segments deleted, rolled back or
    /// missing below later ones.
    pub const HISTORY: u8 = 6;
    /// Waiting for someone else: an invitation answered and not yet confirmed (clone).
    pub const WAITING: u8 = 7;
}

#[derive(Debug, Parser)]
#[command(
    name = "dossier",
    version,
    about = "Dossier: an encrypted, searchable records library for schools"
)]
struct Cli {
    /// The library folder (default: $DOSSIER_LIBRARY, else the platform data folder).
    #[arg(long, global = true, env = "DOSSIER_LIBRARY", value_name = "DIR")]
    library: Option<PathBuf>,
    /// Sign in as this person (a name or member id) in a library kept by its people; the
    /// passphrase asked for (or DOSSIER_PASSPHRASE) is then theirs.
    #[arg(
        long = "as",
        id = "sign_in_as",
        global = true,
        env = "DOSSIER_PERSON",
        value_name = "NAME"
    )]
    person: Option<String>,
    #[command(flatten)]
    tools: processing::ToolArgs,
    #[command(subcommand)]
    command: commands::Command,
}

fn main() -> ExitCode {
    // Started as the PDF worker by another `dossier` (or the app): serve, then exit.
    dossier_core::run_pdf_worker_if_asked();
    let cli = Cli::parse();
    unlock::sign_in_as(cli.person);
    let library = match cli.library.or_else(dossier_core::default_library_path) {
        Some(l) => l,
        None => {
            eprintln!("error: no home folder to put the library in; give --library DIR");
            return ExitCode::from(exit::USAGE);
        }
    };
    match commands::run(&library, &cli.tools, cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            // Core's error, also when it reached us through the sync engine.
            let core = e.downcast_ref::<dossier_core::Error>().or_else(|| match e
                .downcast_ref::<dossier_sync::Error>()
            {
                Some(dossier_sync::Error::Library(inner)) => Some(inner),
                _ => None,
            });
            let code = match core {
                Some(dossier_core::Error::LibraryInUse { .. }) => exit::IN_USE,
                Some(
                    dossier_core::Error::WrongPassphrase
                    | dossier_core::Error::SignInRequired { .. }
                    | dossier_core::Error::NoUsableKeySlot
                    | dossier_core::Error::MalformedRecoveryKey(_)
                    | dossier_core::Error::MalformedErasureCode(_)
                    | dossier_core::Error::ErasureCodeUnknown
                    | dossier_core::Error::FolderReadsMore
                    | dossier_core::Error::FolderOfAnotherPerson
                    | dossier_core::Error::FolderOfOtherKeys,
                ) => exit::LOCKED,
                None if e.downcast_ref::<unlock::NoSecret>().is_some() => exit::LOCKED,
                _ => exit::ERROR,
            };
            ExitCode::from(code)
        }
    }
}
