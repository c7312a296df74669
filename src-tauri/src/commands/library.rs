//! First run, opening and unlocking the library, and the about box.

use std::path::Path;

use dossier_core::{Access, FromKeyring, InitOptions, KdfParams, Library, LockedLibrary, Secret};
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use crate::error::{AppError, AppResult};
use crate::ipc::{AppInfo, Checked, LibraryState};
use crate::state::{AppState, Phase};

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> AppResult<AppInfo> {
    let tools = state.tools();
    let status = tauri::async_runtime::spawn_blocking(move || tools.status())
        .await
        .map_err(AppError::internal)?;
    let mut unavailable = Vec::new();
    if let Err(why) = status.pdf {
        unavailable.push(format!("PDF text and previews unavailable: {why}"));
    }
    if let Err(why) = status.ocr {
        unavailable.push(format!("OCR unavailable: {why}"));
    }
    if let Err(why) = status.office {
        unavailable.push(format!("Office files as pages unavailable: {why}"));
    }
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        default_library: dossier_core::default_library_path().map(|p| p.display().to_string()),
        unavailable,
    })
}

/// Where the app stands; on the first call, open the library (taking the writer lock)
/// and unlock it from the keyring when the key is there.
#[tauri::command]
#[specta::specta]
pub async fn library_state(app: AppHandle, state: State<'_, AppState>) -> AppResult<LibraryState> {
    let root = state.root();
    let path = root.display().to_string();
    if let Ok(session) = state.session() {
        let documents = session.read(|lib| Ok(lib.stats()?.documents)).await?;
        return Ok(LibraryState::Open { path, documents });
    }
    if state.is_locked() {
        let people = people_here(root).await?;
        return Ok(LibraryState::Locked { path, people });
    }
    if !root.join("library.json").is_file() {
        return Ok(LibraryState::None { path });
    }
    let keyring = state.settings().use_keyring;
    let opened = tauri::async_runtime::spawn_blocking(move || open_with_keyring(&root, keyring))
        .await
        .map_err(AppError::internal)?;
    match opened {
        Ok(FromKeyring::Unlocked(lib)) => {
            state.start(&app, *lib)?;
            let documents = state
                .session()?
                .read(|lib| Ok(lib.stats()?.documents))
                .await?;
            Ok(LibraryState::Open { path, documents })
        }
        // No entry, or no keyring on this desktop: ask for the passphrase.
        Ok(FromKeyring::Locked(locked, _)) => {
            state.set(Phase::Locked(*locked));
            let people = people_here(state.root()).await?;
            Ok(LibraryState::Locked { path, people })
        }
        Err(dossier_core::Error::LibraryInUse { .. }) => Ok(LibraryState::InUse {
            message: "Another Dossier window or command is using this library. Close it, \
                      then try again."
                .into(),
            path,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The names of the people who can sign in to the library at `root` (none: its
/// passphrase opens it).
async fn people_here(root: std::path::PathBuf) -> AppResult<Vec<String>> {
    tauri::async_runtime::spawn_blocking(move || -> dossier_core::Result<Vec<String>> {
        Ok(LockedLibrary::open(&root, Access::Read)?
            .people_here()?
            .into_iter()
            .map(|p| p.name)
            .collect())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::from)
}

/// The library opened for writing, unlocked from the keyring when it keeps the key (and
/// the settings allow it), else still locked.
fn open_with_keyring(root: &Path, keyring: bool) -> dossier_core::Result<FromKeyring> {
    let locked = LockedLibrary::open(root, Access::Write)?;
    if !keyring {
        return Ok(FromKeyring::Locked(Box::new(locked), None));
    }
    locked.unlock_from_keyring()
}

/// Create the library (first run) and open it. Returns the recovery key to show once.
#[tauri::command]
#[specta::specta]
pub async fn create_library(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
) -> AppResult<String> {
    let root = state.root();
    if state.is_open() || state.is_locked() || root.join("library.json").exists() {
        return Err(AppError::new(
            crate::error::ErrorKind::Invalid,
            "There is already a library here.",
        ));
    }
    let keyring = state.settings().use_keyring;
    let passphrase = Zeroizing::new(passphrase);
    let (lib, recovery) = tauri::async_runtime::spawn_blocking(move || {
        let created = Library::create(
            &root,
            &InitOptions {
                passphrase,
                kdf: KdfParams::default(),
            },
        )?;
        // Keep the key for this desktop when there is a keyring (and the settings allow
        // it); without one the passphrase is asked at each start.
        if keyring {
            let _ = created.0.store_in_keyring();
        }
        Ok::<_, dossier_core::Error>(created)
    })
    .await
    .map_err(AppError::internal)??;
    let shown = recovery.display().to_string();
    state.start(&app, lib)?;
    Ok(shown)
}

/// Unlock with the passphrase or recovery key typed on the lock screen; in a library kept
/// by its people, sign in as `person` with their own passphrase.
#[tauri::command]
#[specta::specta]
pub async fn unlock_library(
    app: AppHandle,
    state: State<'_, AppState>,
    secret: String,
    person: Option<String>,
) -> AppResult<LibraryState> {
    let Some(locked) = state.take_locked() else {
        return Err(AppError::not_open());
    };
    let root = state.root();
    let keyring = state.settings().use_keyring;
    let secret = Zeroizing::new(secret);
    let unlocked = tauri::async_runtime::spawn_blocking(move || -> dossier_core::Result<_> {
        let secret = match person {
            Some(who) => Secret::Person {
                who,
                passphrase: secret,
            },
            None => match Secret::from_input(&secret) {
                Ok(s) => s,
                Err(e) => return Ok(Err((e, locked))),
            },
        };
        match locked.unlock(&secret) {
            Ok(lib) => {
                if keyring {
                    let _ = lib.store_in_keyring();
                }
                let documents = lib.stats()?.documents;
                Ok(Ok((lib, documents)))
            }
            // `unlock` consumed the handle: open it again (the lock was released).
            Err(e) => Ok(Err((e, LockedLibrary::open(&root, Access::Write)?))),
        }
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::from)?;
    match unlocked {
        Ok((lib, documents)) => {
            state.start(&app, lib)?;
            Ok(LibraryState::Open {
                path: state.root().display().to_string(),
                documents,
            })
        }
        Err((e, locked)) => {
            state.set(Phase::Locked(locked));
            Err(e.into())
        }
    }
}

/// Check the whole library: every chunk is decrypted and its hash checked, every version
/// reassembled, the audit chain followed. Runs on a reader, so work goes on meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn check_library(state: State<'_, AppState>) -> AppResult<Checked> {
    let session = state.session()?;
    let report = session.read(|lib| Ok(lib.verify(&mut |_| {})?)).await?;
    Ok(Checked {
        clean: report.is_clean(),
        versions: u32::try_from(report.versions).unwrap_or(u32::MAX),
        bytes: report.bytes,
        affected: report
            .affected_documents
            .iter()
            .map(|d| format!("{}: {}", d.title, d.problem))
            .collect(),
        audit_problems: report.audit_problems,
    })
}
