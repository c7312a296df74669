//! `dossier-app`: the Tauri shell of Dossier. It adapts `dossier-core` to the web UI in
//! `ui/` and nothing more: commands (`commands`), events (`events`), the types they carry
//! (`ipc`), the `dossier://` protocol for previews (`protocol`), the open library
//! (`session`, a leaf), the services that work on it and own their state (`processing`,
//! `intake`, `sync`, `watchers`), and `state`, which puts them together when a library
//! opens. Commands only adapt: they parse, call a service or the session, and answer.
//!
//! **API boundary:** this is the only crate that depends on tauri and specta. The UI's
//! types are generated from `specta_builder` into `ui/src/bindings.ts` and
//! `ui/src/bindings/` (by area) by the `bindings_are_up_to_date` test.
#![forbid(unsafe_code)]

mod commands;
mod error;
mod events;
mod intake;
mod ipc;
mod memory;
mod os_lock;
mod processing;
mod protocol;
mod rendering;
mod session;
mod settings;
mod state;
mod suggestions;
mod sync;
mod watchers;

use std::path::PathBuf;

use tauri::Manager;
use tauri_specta::{ErrorHandlingMode, collect_commands, collect_events};

pub use error::{AppError, ErrorKind};
pub use memory::Allocator;
pub use rendering::environment_switches;
use state::AppState;

/// Every command and event the UI can use, for the invoke handler and the bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::library::app_info,
            commands::library::library_state,
            commands::library::create_library,
            commands::library::unlock_library,
            commands::library::check_library,
            commands::access::access,
            commands::access::staff,
            commands::access::held_changes,
            commands::access::collection_keys,
            commands::access::take_ownership,
            commands::access::add_staff,
            commands::access::set_staff_role,
            commands::access::remove_staff,
            commands::access::change_passphrase,
            commands::access::reset_staff,
            commands::access::sign_out,
            commands::invitations::invite_staff,
            commands::invitations::invitations,
            commands::invitations::confirm_invitation,
            commands::invitations::withdraw_invitation,
            commands::invitations::open_invitation,
            commands::invitations::answer_invitation,
            commands::invitations::own_answer,
            commands::browse::search,
            commands::browse::document,
            commands::browse::document_opened,
            commands::browse::document_closed,
            commands::browse::document_text,
            commands::browse::page_marks,
            commands::browse::compare_versions,
            commands::browse::suggest_filing,
            commands::edit::edit_metadata,
            commands::edit::trash,
            commands::edit::untrash,
            commands::edit::restore_version,
            commands::edit::resolve_versions,
            commands::edit::add_version,
            commands::edit::delete_for_good,
            commands::edit::set_legal_hold,
            commands::edit::set_retention,
            commands::edit::empty_trash,
            commands::people::people,
            commands::people::person,
            commands::people::add_person,
            commands::people::edit_person,
            commands::people::merge_people,
            commands::people::unmerge_person,
            commands::people::import_roster,
            commands::people::set_person,
            commands::people::requirements,
            commands::people::set_requirements,
            commands::people::export_person,
            commands::rules::rules,
            commands::rules::save_rule,
            commands::rules::test_rule,
            commands::rules::apply_rule,
            commands::rules::delete_rule,
            commands::records::record_series,
            commands::records::set_series,
            commands::records::disposition_queue,
            commands::records::destroy_records,
            commands::records::destructions,
            commands::records::destruction_certificate,
            commands::records::write_certificate,
            commands::erasure::erasure_state,
            commands::erasure::new_erasure_recovery_code,
            commands::erasure::recover_erasure,
            commands::records::record_requests,
            commands::records::log_request,
            commands::records::fulfil_request,
            commands::records::access_log,
            commands::disclosures::disclosure_exceptions,
            commands::disclosures::disclosures,
            commands::disclosures::disclose,
            commands::disclosures::write_report,
            commands::fields::type_fields,
            commands::fields::set_type_fields,
            commands::views::views,
            commands::views::save_view,
            commands::views::delete_view,
            commands::files::pick,
            commands::files::export_documents,
            commands::intake::import_paths,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::sync::add_remote,
            commands::sync::join_library,
            commands::sync::join_invited,
        ])
        .events(collect_events![
            events::IntakeEvent,
            events::ProcessingEvent,
            events::LibraryChanged,
            events::SyncChanged,
            events::SessionLocked
        ])
        .error_handling(ErrorHandlingMode::Throw)
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
}

/// What the command line chose: `--library DIR` and `--settings FILE` (for admins, and
/// for tests that run two desktops on one machine), else `DOSSIER_LIBRARY` and
/// `DOSSIER_SETTINGS`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Launch {
    library: Option<PathBuf>,
    settings: Option<PathBuf>,
}

impl Launch {
    fn parse(mut args: impl Iterator<Item = std::ffi::OsString>) -> Self {
        let mut out = Self {
            library: std::env::var_os("DOSSIER_LIBRARY").map(PathBuf::from),
            settings: None,
        };
        while let Some(arg) = args.next() {
            let slot = match arg.to_str() {
                Some("--library") => &mut out.library,
                Some("--settings") => &mut out.settings,
                // Anything else (the webview's own switches) is not ours.
                _ => continue,
            };
            if let Some(v) = args.next() {
                *slot = Some(PathBuf::from(v));
            }
        }
        out
    }
}

/// The app's state at start. Unreadable settings are reported and replaced by the
/// defaults for this run (the file is left for the user to fix). The library is the one
/// the command line or environment chose, else the settings', else the platform's data
/// folder.
fn initial_state(launch: Launch) -> AppState {
    let path = launch.settings.or_else(settings::default_path);
    let settings = match path.as_deref().map(settings::Settings::load) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            eprintln!("dossier: {e}; using the default settings");
            settings::Settings::default()
        }
        None => settings::Settings::default(),
    };
    let fixed = launch.library.is_some();
    let root = launch
        .library
        .or_else(|| settings.library.as_ref().map(PathBuf::from))
        .or_else(dossier_core::default_library_path)
        .unwrap_or_else(|| PathBuf::from("dossier-library"));
    AppState::new(root, fixed, path, settings, dossier_core::Tools::default())
}

/// Run the app until its window closes.
pub fn run(allocator: Allocator) {
    memory::install(allocator);
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(initial_state(Launch::parse(std::env::args_os().skip(1))))
        .invoke_handler(builder.invoke_handler())
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, protocol::handler)
        .setup(move |app| {
            builder.mount_events(app);
            os_lock::watch(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the app starts")
        .run(|app, event| {
            // Quitting waits for queued changes (an import being committed) to finish.
            if let tauri::RunEvent::Exit = event {
                app.state::<AppState>().close();
            }
        });
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::Launch;

    #[test]
    fn the_command_line_chooses_library_and_settings() {
        let args = [
            "--library",
            "/srv/lib",
            "--other",
            "--settings",
            "/tmp/s.json",
        ];
        let l = Launch::parse(args.iter().map(Into::into));
        assert_eq!(l.library, Some(PathBuf::from("/srv/lib")));
        assert_eq!(l.settings, Some(PathBuf::from("/tmp/s.json")));
    }

    /// Regenerates `ui/src/bindings.ts` (commands and events) and the types they carry in
    /// `ui/src/bindings/` (one file per area, re-exported by the first); fails when that
    /// changed any of them, so a change to a command or type that was not regenerated and
    /// committed fails CI.
    #[test]
    fn bindings_are_up_to_date() {
        let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src");
        let whole = tempfile::NamedTempFile::new().unwrap();
        super::specta_builder()
            .export(specta_typescript::Typescript::default(), whole.path())
            .expect("bindings export");
        let files = split_bindings(&std::fs::read_to_string(whole.path()).unwrap());
        let mut changed = Vec::new();
        for (path, text) in files {
            let path = ui.join(path);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, text).unwrap();
                changed.push(path);
            }
        }
        assert!(
            changed.is_empty(),
            "{changed:?} were out of date and have been regenerated: review and commit them"
        );
    }

    /// The types of each area but the rest (`bindings/types.ts`), by file under
    /// `ui/src/bindings/`. A new type goes to the rest until it is named here.
    const AREAS: [(&str, &[&str]); 3] = [
        (
            "access",
            &[
                "Ability",
                "AccessState",
                "CollectionKeysView",
                "HeldChange",
                "InvitationOffer",
                "InvitationState",
                "InvitationView",
                "NewInvitationView",
                "Role",
                "SessionLocked",
                "StaffMember",
            ],
        ),
        (
            "people",
            &[
                "ChecklistItem",
                "DossierDocument",
                "DossierGroup",
                "KeptDocument",
                "NumberSource",
                "People",
                "Person",
                "PersonDossier",
                "PersonEdit",
                "PersonLink",
                "Requirements",
                "RosterOutcome",
                "SuggestedPerson",
                "TimelineEntry",
                "TimelineEvent",
            ],
        ),
        (
            "sync",
            &[
                "AfterImport",
                "LastSync",
                "RemoteCredentials",
                "Settings",
                "SettingsView",
                "SyncChanged",
                "SyncProgress",
                "SyncState",
                "SyncStatus",
                "SyncStep",
                "WatchState",
                "WatchStatus",
                "WatchedFolder",
            ],
        ),
    ];

    /// `text` without its `/* */` comments (doc comments name types in words).
    fn code_of(text: &str) -> String {
        let mut code = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("/*") {
            code.push_str(&rest[..start]);
            rest = rest[start..]
                .find("*/")
                .map_or("", |end| &rest[start + end + 2..]);
        }
        code.push_str(rest);
        code
    }

    /// Whether `text` names `name` as a whole word.
    fn mentions(text: &str, name: &str) -> bool {
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        text.match_indices(name).any(|(i, _)| {
            !word(text[..i].chars().next_back()) && !word(text[i + name.len()..].chars().next())
        })
    }

    /// tauri-specta's one file as several, by path under `ui/src`: `bindings.ts`, the
    /// commands, events and runtime (importing the types they name and re-exporting them
    /// all), and the types by area under `bindings/` ([`AREAS`]; the rest in `types.ts`,
    /// which re-exports the others), each importing what it names of the others.
    fn split_bindings(whole: &str) -> Vec<(String, String)> {
        const TYPES: &str = "/* Types */\n";
        const RUNTIME: &str = "/* Tauri Specta runtime */\n";
        let (head, rest) = whole.split_at(whole.find(TYPES).expect("a types section"));
        let (types, runtime) = rest.split_at(rest.find(RUNTIME).expect("a runtime section"));
        let (header, body) = head.split_at(head.find("\n").map_or(0, |i| i + 1));
        // Each type is one block (its doc comment and definition) between blank lines.
        let blocks: Vec<(&str, &str)> = types[TYPES.len()..]
            .split("\n\n")
            .filter(|b| !b.trim().is_empty())
            .map(|b| {
                let name = b
                    .lines()
                    .find_map(|l| l.strip_prefix("export type "))
                    .and_then(|l| l.split([' ', '<', '=']).next())
                    .expect("each block defines a type");
                (name, b)
            })
            .collect();
        let area_of = |name: &str| {
            AREAS
                .iter()
                .find(|(_, names)| names.contains(&name))
                .map_or("types", |(area, _)| area)
        };
        for (area, names) in AREAS {
            for name in names {
                assert!(
                    blocks.iter().any(|(n, _)| n == name),
                    "AREAS puts {name} in {area}, and no such type is generated"
                );
            }
        }
        let areas: Vec<&str> = std::iter::once("types")
            .chain(AREAS.iter().map(|(a, _)| *a))
            .collect();
        let mut files = Vec::new();
        for area in &areas {
            let own: Vec<&str> = blocks
                .iter()
                .filter(|(n, _)| area_of(n) == *area)
                .map(|(_, b)| *b)
                .collect();
            let text = own.join("\n\n");
            let code = code_of(&text);
            let mut imports = String::new();
            for other in areas.iter().filter(|a| *a != area) {
                let named: Vec<&str> = blocks
                    .iter()
                    .filter(|(n, _)| area_of(n) == *other && mentions(&code, n))
                    .map(|(n, _)| *n)
                    .collect();
                if !named.is_empty() {
                    imports += &format!(
                        "import type {{ {} }} from \"./{other}\";\n",
                        named.join(", ")
                    );
                }
            }
            if *area == "types" {
                for other in areas.iter().filter(|a| *a != area) {
                    imports += &format!("export type * from \"./{other}\";\n");
                }
            }
            files.push((
                format!("bindings/{area}.ts"),
                format!("{header}\n{imports}\n{TYPES}{text}\n"),
            ));
        }
        let body_code = code_of(body);
        let used: Vec<&str> = blocks
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| mentions(&body_code, n))
            .collect();
        let commands = format!(
            "{header}// The types are in bindings/ (generated with this file), by area.\n\nimport type {{ {} }} from \"./bindings/types\";\nexport type * from \"./bindings/types\";\n{body}{runtime}",
            used.join(", ")
        );
        files.push(("bindings.ts".to_owned(), commands));
        files
    }
}
