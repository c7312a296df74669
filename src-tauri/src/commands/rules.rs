//! Intake rules: list, save, test (what a rule would change), apply and delete.

use dossier_core::{Rule, RuleId};
use tauri::{AppHandle, State};

use super::{change, parse_id};
use crate::error::AppResult;
use crate::ipc::{RuleForm, RuleHit, SavedRule};
use crate::state::AppState;

fn rule_id(s: &str) -> AppResult<RuleId> {
    parse_id(s, "rule")
}

/// The rules, in the order they run.
#[tauri::command]
#[specta::specta]
pub async fn rules(state: State<'_, AppState>) -> AppResult<Vec<SavedRule>> {
    state
        .session()?
        .read(|lib| {
            Ok(lib
                .catalog()
                .rules()?
                .into_iter()
                .map(|(id, rule)| SavedRule {
                    id: id.to_string(),
                    rule: rule.into(),
                })
                .collect())
        })
        .await
}

/// Save a rule: a new one (`id` `None`) or a change to one; returns its id.
#[tauri::command]
#[specta::specta]
pub async fn save_rule(
    app: AppHandle,
    state: State<'_, AppState>,
    id: Option<String>,
    rule: RuleForm,
) -> AppResult<String> {
    let id = id.as_deref().map(rule_id).transpose()?;
    let rule = Rule::from(rule);
    let saved = change(&app, &state, move |lib| lib.set_rule(id, rule)).await?;
    Ok(saved.to_string())
}

/// What a rule (saved or not) would change in the documents filed so far; nothing is
/// written.
#[tauri::command]
#[specta::specta]
pub async fn test_rule(state: State<'_, AppState>, rule: RuleForm) -> AppResult<Vec<RuleHit>> {
    let rule = Rule::from(rule);
    state
        .session()?
        .read(move |lib| {
            Ok(lib
                .preview_rule(&rule)?
                .into_iter()
                .map(RuleHit::from)
                .collect())
        })
        .await
}

/// Run a saved rule over the documents filed so far: exactly what testing it showed.
#[tauri::command]
#[specta::specta]
pub async fn apply_rule(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<Vec<RuleHit>> {
    let id = rule_id(&id)?;
    let hits = change(&app, &state, move |lib| {
        let hits = lib.apply_rule(id)?;
        lib.refresh_index()?;
        Ok(hits)
    })
    .await?;
    // It may have typed documents.
    state.open()?.suggestions.stale();
    Ok(hits.into_iter().map(RuleHit::from).collect())
}

/// Delete a rule (what it filed stays filed).
#[tauri::command]
#[specta::specta]
pub async fn delete_rule(app: AppHandle, state: State<'_, AppState>, id: String) -> AppResult<()> {
    let id = rule_id(&id)?;
    change(&app, &state, move |lib| lib.delete_rule(id)).await
}
