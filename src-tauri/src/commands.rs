//! The commands the UI calls. Each one adapts: it parses the UI's values, runs core on
//! the writer thread or a reader (never on the async runtime's threads), and converts
//! the answer to an `ipc` type.

// Tauri's command macro generates helper items beside each command, so commands are
// named by their module (`commands::browse::search`), not re-exported.
pub mod access;
pub mod browse;
pub mod disclosures;
pub mod edit;
pub mod erasure;
pub mod fields;
pub mod files;
pub mod intake;
pub mod invitations;
pub mod library;
pub mod people;
pub mod records;
pub mod rules;
pub mod settings;
pub mod sync;
pub mod views;

use dossier_core::{DocId, Library};
use tauri::AppHandle;
use tauri_specta::Event;

use crate::error::{AppError, AppResult, ErrorKind};
use crate::events::LibraryChanged;
use crate::state::AppState;

/// An id of some kind (`what`: "document", "rule", ...) from the UI.
fn parse_id<T: std::str::FromStr>(s: &str, what: &str) -> AppResult<T> {
    s.parse()
        .map_err(|_| AppError::new(ErrorKind::Invalid, format!("{s:?} is not a {what} id")))
}

/// A document id from the UI.
fn doc_id(s: &str) -> AppResult<DocId> {
    parse_id(s, "document")
}

/// Run a change on the writer thread that may touch any view (people, rules, the
/// documents they file), and say so.
async fn change<T: Send + 'static>(
    app: &AppHandle,
    state: &AppState,
    f: impl FnOnce(&mut Library) -> dossier_core::Result<T> + Send + 'static,
) -> AppResult<T> {
    let out = state.session()?.write(move |lib| Ok(f(lib)?)).await?;
    let _ = LibraryChanged::any().emit(app);
    Ok(out)
}
