//! People and access (issue 21): who is signed in and what they may do, the library's
//! people, taking the library into its people's keeping, adding, changing and removing
//! people, and signing out. Every rule is core's (`Library::check_may`, `Registry`); this
//! only adapts.

use dossier_core::{Access, KdfParams, Library, LockedLibrary, MemberId, Permission, Role};
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use super::{change, parse_id};
use crate::error::{AppError, AppResult};
use crate::ipc::{Ability, AccessState, CollectionKeysView, HeldChange, StaffMember};
use crate::state::{AppState, Phase};

fn member_id(s: &str) -> AppResult<MemberId> {
    parse_id(s, "person")
}

/// `member` as the People and access screen lists them, if they are a member.
pub(super) fn entry(lib: &Library, member: MemberId) -> dossier_core::Result<Option<StaffMember>> {
    Ok(lib
        .people()?
        .into_iter()
        .find(|p| p.member == member)
        .map(StaffMember::from))
}

/// Who is signed in and what their role lets them do, with the reason for each thing it
/// does not.
#[tauri::command]
#[specta::specta]
pub async fn access(state: State<'_, AppState>) -> AppResult<AccessState> {
    let session = state.session()?;
    let me = session.person().map(|p| p.member);
    let (kept, person) = session
        .read(move |lib| {
            let kept = lib.key_file()?.has_people();
            let mut people = lib.people()?;
            let person = people.iter_mut().find(|p| Some(p.member) == me).map(|p| {
                p.signed_in = true;
                StaffMember::from(p.clone())
            });
            Ok((kept, person))
        })
        .await?;
    let role = person.as_ref().map(|p| p.role);
    Ok(AccessState {
        kept_by_people: kept,
        edit: Ability::of(kept, role, Permission::Edit),
        dispose: Ability::of(kept, role, Permission::Dispose),
        audit: Ability::of(kept, role, Permission::Audit),
        manage_people: Ability::of(kept, role, Permission::ManagePeople),
        person,
    })
}

/// The library's people, owner first.
#[tauri::command]
#[specta::specta]
pub async fn staff(state: State<'_, AppState>) -> AppResult<Vec<StaffMember>> {
    let session = state.session()?;
    let me = session.person().map(|p| p.member);
    session
        .read(move |lib| {
            Ok(lib
                .people()?
                .into_iter()
                .map(|mut p| {
                    p.signed_in = Some(p.member) == me;
                    StaffMember::from(p)
                })
                .collect())
        })
        .await
}

/// Changes received and not applied: who made them, when, and why they were refused.
#[tauri::command]
#[specta::specta]
pub async fn held_changes(state: State<'_, AppState>) -> AppResult<Vec<HeldChange>> {
    state
        .session()?
        .read(|lib| {
            let names = lib.names_by_member()?;
            lib.held_batches()?
                .into_iter()
                .map(|h| {
                    let ms = dossier_core::Stamp::parse(&h.stamp)?.wall_ms();
                    Ok(HeldChange {
                        when: chrono::DateTime::from_timestamp_millis(ms)
                            .unwrap_or_default()
                            .to_rfc3339(),
                        by: h
                            .member
                            .map(|m| names.get(&m).cloned().unwrap_or_else(|| m.to_string())),
                        refused: h.refused,
                        reason: h.reason,
                        documents: u32::try_from(h.documents.len()).unwrap_or(u32::MAX),
                    })
                })
                .collect()
        })
        .await
}

/// Each collection with keys of its own: its newest key, who it is sealed to, and whether
/// the person signed in can open it.
#[tauri::command]
#[specta::specta]
pub async fn collection_keys(state: State<'_, AppState>) -> AppResult<Vec<CollectionKeysView>> {
    state
        .session()?
        .read(|lib| {
            let names = lib.names_by_member()?;
            Ok(lib
                .collection_access()?
                .into_iter()
                .map(|a| CollectionKeysView {
                    epoch: u32::try_from(a.epoch).unwrap_or(u32::MAX),
                    readers: a
                        .readers
                        .iter()
                        .map(|m| names.get(m).cloned().unwrap_or_else(|| m.to_string()))
                        .collect(),
                    readable: !a.readable.is_empty(),
                    collection: a.collection,
                })
                .collect())
        })
        .await
}

/// Keep the library by its people, owned by `name` (who is signed in at once): from now
/// on each person signs in with their own passphrase.
#[tauri::command]
#[specta::specta]
pub async fn take_ownership(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    passphrase: String,
) -> AppResult<()> {
    let passphrase = Zeroizing::new(passphrase);
    let me = change(&app, &state, move |lib| {
        lib.become_owner(&name, &passphrase, KdfParams::default())
    })
    .await?;
    state.session()?.set_person(Some(me)).await?;
    Ok(())
}

/// Add a person who signs in on this desktop with the passphrase they type; returns them
/// (with the fingerprint to read to them).
#[tauri::command]
#[specta::specta]
pub async fn add_staff(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    passphrase: String,
    role: Role,
    collections: Vec<String>,
) -> AppResult<StaffMember> {
    let passphrase = Zeroizing::new(passphrase);
    let added = change(&app, &state, move |lib| {
        let added = lib.add_person(&name, &passphrase, KdfParams::default(), role, &collections)?;
        entry(lib, added.member)
    })
    .await?;
    added.ok_or_else(|| AppError::internal("the person just added is not among the people"))
}

/// Give a person another role (and a department member's collections).
#[tauri::command]
#[specta::specta]
pub async fn set_staff_role(
    app: AppHandle,
    state: State<'_, AppState>,
    member: String,
    role: Role,
    collections: Vec<String>,
) -> AppResult<()> {
    let member = member_id(&member)?;
    change(&app, &state, move |lib| {
        lib.set_role(member, role, &collections)
    })
    .await
}

/// Remove a person: nothing they sign from now on is accepted and their passphrase opens
/// nothing.
#[tauri::command]
#[specta::specta]
pub async fn remove_staff(
    app: AppHandle,
    state: State<'_, AppState>,
    member: String,
) -> AppResult<()> {
    let member = member_id(&member)?;
    change(&app, &state, move |lib| lib.remove_person(member)).await
}

/// Change the signed-in person's own passphrase.
#[tauri::command]
#[specta::specta]
pub async fn change_passphrase(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
) -> AppResult<()> {
    let passphrase = Zeroizing::new(passphrase);
    change(&app, &state, move |lib| {
        lib.change_passphrase(&passphrase, KdfParams::default())
    })
    .await
}

/// Give a person who forgot their passphrase new keys (same role), with the passphrase
/// they type; returns them with the new fingerprint.
#[tauri::command]
#[specta::specta]
pub async fn reset_staff(
    app: AppHandle,
    state: State<'_, AppState>,
    member: String,
    passphrase: String,
) -> AppResult<StaffMember> {
    let member = member_id(&member)?;
    let passphrase = Zeroizing::new(passphrase);
    let renewed = change(&app, &state, move |lib| {
        lib.reset_person(member, &passphrase, KdfParams::default())?;
        entry(lib, member)
    })
    .await?;
    renewed.ok_or_else(|| AppError::internal("the person given new keys is not among the people"))
}

/// Sign out (or lock): finish queued changes, close the library and ask for a person (or
/// the passphrase) again. Offices share desktops.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(app: AppHandle, state: State<'_, AppState>) -> AppResult<()> {
    lock_now(&app, &state).await
}

/// Finish queued changes, close the library and wait locked for the next person: signing
/// out, and locking when the OS session locks (`os_lock`).
pub(crate) async fn lock_now(app: &AppHandle, state: &AppState) -> AppResult<()> {
    let root = state.root();
    let locked = tauri::async_runtime::spawn_blocking({
        let app = app.clone();
        move || {
            use tauri::Manager;
            app.state::<AppState>().close();
            LockedLibrary::open(&root, Access::Write)
        }
    })
    .await
    .map_err(AppError::internal)??;
    state.set(Phase::Locked(locked));
    Ok(())
}
