//! The settings screen: read and save this desktop's settings, and put each change into
//! effect (watched folders restart, OCR languages apply to the next job, the keyring
//! entry is stored or removed, another library is opened).

use std::path::PathBuf;

use tauri::{AppHandle, State};

use crate::error::{AppError, AppResult, ErrorKind};
use crate::ipc::SettingsView;
use crate::settings::Settings;
use crate::state::AppState;

/// This desktop's settings and how its watched folders are doing.
#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> AppResult<SettingsView> {
    Ok(view(&state))
}

fn view(state: &AppState) -> SettingsView {
    SettingsView {
        settings: state.settings(),
        library: state.root().display().to_string(),
        library_from_environment: state.library_fixed,
        watched: state.watchers.status(),
        file: state
            .settings_path
            .as_ref()
            .map(|p| p.display().to_string()),
    }
}

/// Save the settings and put them into effect. Invalid settings are refused and nothing
/// changes. A different library folder closes the open library (its queued changes
/// finish first); the UI then opens the new one.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> AppResult<SettingsView> {
    let Some(path) = state.settings_path.clone() else {
        return Err(AppError::new(
            ErrorKind::System,
            "This computer has no folder for settings, so they cannot be saved.",
        ));
    };
    let before = state.settings();
    let saved = settings.clone();
    tauri::async_runtime::spawn_blocking(move || saved.save(&path))
        .await
        .map_err(AppError::internal)??;
    state.set_settings(settings.clone());

    if settings.library != before.library
        && let Some(next) = settings.library.as_ref().map(PathBuf::from)
        && next != state.root()
    {
        let closing = tauri::async_runtime::spawn_blocking({
            let app = app.clone();
            move || {
                use tauri::Manager;
                app.state::<AppState>().close();
            }
        });
        closing.await.map_err(AppError::internal)?;
        state.set_root(next);
        return Ok(view(&state));
    }
    if let Ok(session) = state.session()
        && settings.use_keyring != before.use_keyring
    {
        let keep = settings.use_keyring;
        session
            .write(move |lib| {
                if keep {
                    lib.store_in_keyring()?;
                } else {
                    lib.forget_keyring()?;
                }
                Ok(())
            })
            .await?;
    }
    Ok(view(&state))
}
