//! The library's erasure key (issue 22) for the records officer: whether this desktop
//! holds it, the recovery code to print (made again after each destruction), and taking
//! the key back with that code when every desktop that held it was lost.

use dossier_core::{ErasureRecoveryCode, ErasureStatus, RecoveryCodeState};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, State};

use super::change;
use crate::error::AppResult;
use crate::state::AppState;

/// Where the erasure key stands on this desktop.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ErasureState {
    /// An epoch began (the library holds records with keys of their own).
    pub begun: bool,
    /// This desktop holds the current erasure key.
    pub held: bool,
    /// This desktop asked for it and waits for another to give it.
    pub waiting: bool,
    /// Whether a printed recovery code reaches the current key.
    pub recovery_code: CodeState,
}

/// [`RecoveryCodeState`], for the UI.
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    None,
    Outdated,
    Current,
}

impl From<ErasureStatus> for ErasureState {
    fn from(s: ErasureStatus) -> Self {
        Self {
            begun: s.current.is_some(),
            held: s.settled(),
            waiting: s.waiting,
            recovery_code: match s.recovery_code {
                RecoveryCodeState::None => CodeState::None,
                RecoveryCodeState::Outdated => CodeState::Outdated,
                RecoveryCodeState::Current => CodeState::Current,
            },
        }
    }
}

/// Where the erasure key stands on this desktop.
#[tauri::command]
#[specta::specta]
pub async fn erasure_state(state: State<'_, AppState>) -> AppResult<ErasureState> {
    state
        .session()?
        .read(|lib| Ok(lib.erasure_status()?.into()))
        .await
}

/// Make a new erasure recovery code (someone who may dispose of records): returned once,
/// to print; kept nowhere.
#[tauri::command]
#[specta::specta]
pub async fn new_erasure_recovery_code(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<String> {
    change(&app, &state, |lib| {
        Ok(lib.new_erasure_recovery_code()?.display().to_string())
    })
    .await
}

/// Take the erasure key back with a recovery code as typed.
#[tauri::command]
#[specta::specta]
pub async fn recover_erasure(
    app: AppHandle,
    state: State<'_, AppState>,
    code: String,
) -> AppResult<ErasureState> {
    let code = ErasureRecoveryCode::parse(&zeroize::Zeroizing::new(code))?;
    change(&app, &state, move |lib| {
        Ok(lib.recover_erasure(&code)?.into())
    })
    .await
}
