//! Sharing the library through a remote: its status, "Sync now", adding the remote, and
//! joining a library a remote keeps (first run on another desktop).

use std::sync::Arc;

use dossier_core::Secret;
use dossier_sync::{Credentials, Engine};
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use crate::error::{AppError, AppResult, ErrorKind};
use crate::ipc::{LibraryState, RemoteCredentials, SyncStatus};
use crate::state::AppState;

/// Where syncing stands.
#[tauri::command]
#[specta::specta]
pub async fn sync_status(state: State<'_, AppState>) -> AppResult<SyncStatus> {
    Ok(state.open()?.sync.status())
}

/// Sync now (after the running sync, if one is running). Progress arrives as
/// `SyncChanged` events.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> AppResult<()> {
    state.open()?.sync.wake();
    Ok(())
}

/// Where a joined library goes: this desktop's library folder, when nothing is there.
fn empty_root(state: &AppState) -> AppResult<std::path::PathBuf> {
    let root = state.root();
    if state.is_open() || state.is_locked() || root.join("library.json").exists() {
        return Err(AppError::new(
            ErrorKind::Invalid,
            "There is already a library here.",
        ));
    }
    Ok(root)
}

/// The credentials to use for `url`: those typed (kept in the keyring once they work),
/// else those of the environment or the keyring.
pub(super) async fn credentials_for(
    url: &str,
    typed: &RemoteCredentials,
) -> AppResult<(Credentials, bool)> {
    let typed = typed.to_credentials();
    if !typed.is_empty() {
        return Ok((typed, true));
    }
    let owned = url.to_owned();
    let found = tauri::async_runtime::spawn_blocking(move || Credentials::for_remote(&owned))
        .await
        .map_err(AppError::internal)??;
    Ok((found, false))
}

async fn keep_credentials(url: &str, creds: Credentials) -> AppResult<()> {
    let owned = url.to_owned();
    tauri::async_runtime::spawn_blocking(move || creds.keep_for(&owned))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| {
            AppError::from(e).with_hint(
                "This desktop has no keyring to keep the password in. Ask your IT admin to \
                 set the credentials in the environment instead.",
            )
        })
}

/// Keep the open library on the remote at `url` (an empty place, or one that keeps this
/// library already), then sync.
#[tauri::command]
#[specta::specta]
pub async fn add_remote(
    state: State<'_, AppState>,
    url: String,
    credentials: RemoteCredentials,
) -> AppResult<SyncStatus> {
    let open = state.open()?;
    let url = url.trim().to_owned();
    let (creds, typed) = credentials_for(&url, &credentials).await?;
    let engine = Engine::connect_with(&url, &creds, Arc::clone(&open.session))?;
    engine.add_remote(&url).await?;
    if typed {
        keep_credentials(&url, creds).await?;
    }
    open.sync.wake();
    let mut status = open.sync.status();
    status.remote = Some(url);
    Ok(status)
}

/// First run on another desktop: make this desktop's library a copy of the one kept at
/// `url`, unlocked with its passphrase or recovery key. The catalog comes first (shown
/// as sync progress); document content follows as it is read.
#[tauri::command]
#[specta::specta]
pub async fn join_library(
    app: AppHandle,
    state: State<'_, AppState>,
    url: String,
    credentials: RemoteCredentials,
    secret: String,
) -> AppResult<LibraryState> {
    let root = empty_root(&state)?;
    let url = url.trim().to_owned();
    dossier_sync::check_storable(&url)?;
    let secret = Zeroizing::new(secret);
    let secret = Secret::from_input(&secret)?;
    let (creds, typed) = credentials_for(&url, &credentials).await?;
    let remote = dossier_sync::open_with(&url, &creds)?;
    let lib = dossier_sync::join(remote.as_ref(), root.clone(), secret).await?;
    joined(&app, &state, url, creds, typed, lib).await
}

/// First run by invitation: join the library the invitation `code` names, once the owner
/// has confirmed this person's answer (before that,
/// `dossier_core::Error::InvitationNotConfirmed`, and nothing is made: the screen asks
/// again a little later).
#[tauri::command]
#[specta::specta]
pub async fn join_invited(
    app: AppHandle,
    state: State<'_, AppState>,
    url: String,
    credentials: RemoteCredentials,
    code: String,
    passphrase: String,
) -> AppResult<LibraryState> {
    let root = empty_root(&state)?;
    let url = url.trim().to_owned();
    dossier_sync::check_storable(&url)?;
    let passphrase = Zeroizing::new(passphrase);
    let (creds, typed) = credentials_for(&url, &credentials).await?;
    let remote = dossier_sync::open_with(&url, &creds)?;
    let (_, invitation) = super::invitations::offered(remote.as_ref(), &code).await?;
    let lib =
        dossier_sync::join_invited(remote.as_ref(), root, &invitation, passphrase.to_string())
            .await?;
    joined(&app, &state, url, creds, typed, lib).await
}

/// A library just joined: keep the credentials typed for `url` (or undo the join when
/// they cannot be kept), note the remote, and start its session and sync.
async fn joined(
    app: &AppHandle,
    state: &AppState,
    url: String,
    creds: Credentials,
    typed: bool,
    mut lib: dossier_core::Library,
) -> AppResult<LibraryState> {
    let root = state.root();
    if typed && let Err(e) = keep_credentials(&url, creds).await {
        // This desktop could not sync later: leave it as it was before joining.
        drop(lib);
        let _ = std::fs::remove_dir_all(&root);
        return Err(e);
    }
    let keyring = state.settings().use_keyring;
    let kept = url.clone();
    let lib = tauri::async_runtime::spawn_blocking(move || {
        lib.set_remote(&kept)?;
        if keyring {
            let _ = lib.store_in_keyring();
        }
        Ok::<_, dossier_core::Error>(lib)
    })
    .await
    .map_err(AppError::internal)??;
    // The session attaches the remote as its pack source and its sync loop starts with
    // the first download.
    state.start(app, lib)?;
    Ok(LibraryState::Open {
        path: root.display().to_string(),
        documents: 0,
    })
}
