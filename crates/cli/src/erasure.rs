//! `dossier erasure`: the library's erasure key (issue 22), held only in desktops'
//! keyrings: where it stands here, a recovery code for the records officer to print, and
//! taking the key back with that code when every desktop that held it was lost.

use std::path::Path;

use anyhow::Result;
use clap::Subcommand;
use dossier_core::{Access, ErasureRecoveryCode, ErasureStatus, RecoveryCodeState};
use zeroize::Zeroizing;

use crate::output;
use crate::unlock::{unlock, unlock_local};

#[derive(Debug, Subcommand)]
pub enum ErasureCommand {
    /// Whether this desktop holds the erasure key, and whether a recovery code reaches it.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Make a new erasure recovery code (records officer): shown once, to print and keep
    /// away from the computers. Make one again after each destruction and shred the old.
    Code,
    /// Take the erasure key back with a recovery code, when no other desktop holds it
    /// (the code from DOSSIER_ERASURE_CODE, else asked on the terminal).
    Recover {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(root: &Path, cmd: ErasureCommand) -> Result<u8> {
    match cmd {
        ErasureCommand::Status { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let status = lib.erasure_status()?;
            if json {
                output::json(&status)?;
            } else {
                describe(&status);
            }
            Ok(0)
        }
        ErasureCommand::Code => {
            let mut lib = unlock(root, Access::Write)?;
            let code = lib.new_erasure_recovery_code()?;
            println!(
                "Erasure recovery code (shown once):\n\n    {}\n",
                &*code.display()
            );
            println!(
                "Print it or write it down and keep it locked away from the computers. With \
                 it, `dossier erasure recover` opens the library's records again if every \
                 desktop is lost. Shred the previous code: it would still open copies taken \
                 before the last destruction. Sync so the other desktops have it too."
            );
            Ok(0)
        }
        ErasureCommand::Recover { json } => {
            let typed = match std::env::var("DOSSIER_ERASURE_CODE") {
                Ok(code) => Zeroizing::new(code),
                Err(_) => Zeroizing::new(rpassword::prompt_password("Erasure recovery code: ")?),
            };
            let code = ErasureRecoveryCode::parse(&typed)?;
            let mut lib = unlock(root, Access::Write)?;
            let status = lib.recover_erasure(&code)?;
            if json {
                output::json(&status)?;
            } else {
                describe(&status);
            }
            Ok(0)
        }
    }
}

fn describe(status: &ErasureStatus) {
    let Some((_, number)) = status.current else {
        println!("No erasure epoch began yet: the library holds no records' keys.");
        return;
    };
    if status.settled() {
        println!("This desktop holds the erasure key (epoch {number}).");
    } else if status.waiting {
        println!(
            "This desktop waits for the erasure key (epoch {number}): another desktop gives \
             it when it next syncs, or `dossier erasure recover` takes it with the recovery \
             code."
        );
    } else {
        println!("This desktop does not hold the erasure key (epoch {number}).");
    }
    match status.recovery_code {
        RecoveryCodeState::Current => println!("A recovery code reaches the current key."),
        RecoveryCodeState::Outdated => println!(
            "The recovery code predates the last destruction: make a new one (`dossier \
             erasure code`) and shred the old sheet."
        ),
        RecoveryCodeState::None => println!(
            "No recovery code was made: if every desktop is lost, so are the records' \
             contents. Make one with `dossier erasure code`."
        ),
    }
}
