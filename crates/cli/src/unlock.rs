//! Opening and unlocking for the CLI: `DOSSIER_PASSPHRASE`, then the OS keyring, then a
//! prompt on the terminal.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;
use dossier_core::{Access, FromKeyring, Library, LibraryId, LockedLibrary, Secret};
use dossier_core::{MasterKey, OsKeyring};
use zeroize::Zeroizing;

/// No passphrase could be obtained (no variable, no keyring entry, no terminal).
#[derive(Debug)]
pub struct NoSecret;

impl std::fmt::Display for NoSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "the library is locked: set DOSSIER_PASSPHRASE, keep the key in the OS keyring \
             (`dossier keys keyring-store`), or run in a terminal to be asked",
        )
    }
}

impl std::error::Error for NoSecret {}

/// The person to sign in as (`--as`), set once by `main`.
static PERSON: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Sign in as `person` whenever a library is unlocked (`None`: unlock as before).
pub fn sign_in_as(person: Option<String>) {
    let _ = PERSON.set(person.filter(|p| !p.trim().is_empty()));
}

fn person() -> Option<&'static str> {
    PERSON.get().and_then(|p| p.as_deref())
}

/// A new passphrase from the environment variable `var`, or asked for twice on the
/// terminal.
pub fn new_passphrase(var: &str) -> Result<Zeroizing<String>> {
    if let Ok(p) = std::env::var(var) {
        return Ok(Zeroizing::new(p));
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("no passphrase: set {var} or run in a terminal to be asked");
    }
    let first = Zeroizing::new(rpassword::prompt_password(
        "New passphrase (at least 8 characters): ",
    )?);
    let again = Zeroizing::new(rpassword::prompt_password("Repeat the passphrase: ")?);
    if *first != *again {
        anyhow::bail!("the two passphrases differ; nothing was changed");
    }
    Ok(first)
}

/// Open and unlock, trying each source of the key in order. A library with a remote
/// fetches content kept only there when it is read.
pub fn unlock(root: &Path, access: Access) -> Result<Library> {
    let mut lib = unlock_local(root, access)?;
    dossier_sync::attach_remote_content(&mut lib)?;
    Ok(lib)
}

/// Open and unlock, without reaching the remote (lists and queries).
pub fn unlock_local(root: &Path, access: Access) -> Result<Library> {
    unlock_folder(LockedLibrary::open(root, access)?)
}

/// Unlock a library folder already opened: the OS keyring first (unless
/// `DOSSIER_PASSPHRASE` is set), then the passphrase.
pub fn unlock_folder(locked: LockedLibrary) -> Result<Library> {
    if person().is_some() || std::env::var_os("DOSSIER_PASSPHRASE").is_some() {
        return Ok(locked.unlock(&typed_secret()?)?);
    }
    match locked.unlock_from_keyring()? {
        FromKeyring::Unlocked(lib) => Ok(*lib),
        FromKeyring::Locked(locked, why) => {
            // No keyring here (no Secret Service, or it is locked): ask instead.
            if let Some(e) = why
                && std::io::stdin().is_terminal()
            {
                eprintln!("note: {e}; asking for the passphrase instead");
            }
            Ok(locked.unlock(&typed_secret()?)?)
        }
    }
}

/// The library's key from the OS keyring for `dossier repair` (which unlocks before the
/// catalog exists), unless `DOSSIER_PASSPHRASE` is set or the keyring does not hold it.
pub fn keyring_key(library: LibraryId) -> Option<MasterKey> {
    if std::env::var_os("DOSSIER_PASSPHRASE").is_some() || person().is_some() {
        return None;
    }
    OsKeyring.load(library).ok().flatten()
}

/// A person's passphrase from `DOSSIER_PASSPHRASE`, else asked on the terminal.
pub fn typed_passphrase(prompt: &str) -> Result<Zeroizing<String>> {
    if let Ok(p) = std::env::var("DOSSIER_PASSPHRASE") {
        return Ok(Zeroizing::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(NoSecret.into());
    }
    Ok(Zeroizing::new(rpassword::prompt_password(prompt)?))
}

/// The passphrase or recovery key from `DOSSIER_PASSPHRASE`, else asked on the terminal;
/// with `--as`, that person's passphrase.
pub fn typed_secret() -> Result<Secret> {
    if let Some(who) = person() {
        return Ok(Secret::Person {
            who: who.to_owned(),
            passphrase: typed_passphrase(&format!("{who}'s passphrase: "))?,
        });
    }
    if let Ok(p) = std::env::var("DOSSIER_PASSPHRASE") {
        // Read as typed at the prompt: a recovery key there is a recovery key.
        return Ok(Secret::from_input(&Zeroizing::new(p))?);
    }
    if !std::io::stdin().is_terminal() {
        return Err(NoSecret.into());
    }
    let input = Zeroizing::new(rpassword::prompt_password("Passphrase or recovery key: ")?);
    Ok(Secret::from_input(&input)?)
}
