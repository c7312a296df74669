//! Invitations (issue 21): on an owner's desktop, invite a person by a one-time code, see
//! the fingerprint of their answer and confirm it; on the invitee's first run, open the
//! invitation, answer it with a passphrase of their own, and join once the owner has
//! confirmed. Every rule is core's (`Library::prepare_invitation`,
//! `Library::confirm_invitation`, `Library::join_invited`); the objects travel through
//! `dossier_sync`. This only adapts.

use dossier_core::{InvitationEntry, InvitationId, InvitationState, InviteCode, KdfParams, Role};
use dossier_sync::Remote;
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use super::access::entry;
use super::change;
use super::sync::credentials_for;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::ipc::{
    InvitationOffer, InvitationView, NewInvitationView, RemoteCredentials, StaffMember,
};
use crate::state::AppState;

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339()
}

fn invitation_id(s: &str) -> AppResult<InvitationId> {
    InvitationId::from_hex(s)
        .map_err(|_| AppError::new(ErrorKind::Invalid, format!("{s:?} is not an invitation id")))
}

/// The remote the open library is kept on, with this desktop's credentials for it.
async fn library_remote(state: &AppState) -> AppResult<Box<dyn Remote>> {
    let url = state.session()?.read(|lib| Ok(lib.remote()?)).await?;
    let Some(url) = url else {
        return Err(AppError::new(
            ErrorKind::Invalid,
            "Invitations travel through the shared storage, and this library is not shared yet.",
        )
        .with_hint("Share the library first (Settings, Sharing), then invite."));
    };
    remote_at(&url, &RemoteCredentials::default()).await
}

/// The remote at `url`, with the credentials typed, else this desktop's for it.
async fn remote_at(url: &str, typed: &RemoteCredentials) -> AppResult<Box<dyn Remote>> {
    let (creds, _) = credentials_for(url, typed).await?;
    Ok(dossier_sync::open_with(url, &creds)?)
}

/// Invite `name` with `role` (and a department member's `collections`): the invitation
/// goes on the shared storage, and the code to hand them comes back.
#[tauri::command]
#[specta::specta]
pub async fn invite_staff(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    role: Role,
    collections: Vec<String>,
) -> AppResult<NewInvitationView> {
    let made = state
        .session()?
        .write(move |lib| Ok(lib.prepare_invitation(&name, role, &collections)?))
        .await?;
    let remote = library_remote(&state).await?;
    dossier_sync::publish_invitation(remote.as_ref(), &made).await?;
    let view = NewInvitationView {
        name: made.invitation.name.clone(),
        code: made.code.display().to_string(),
        expires: rfc3339(made.invitation.expires_ms),
    };
    change(&app, &state, move |lib| lib.record_invitation(&made)).await?;
    // Every owner's desktop learns of it with the next sync.
    state.open()?.sync.wake();
    Ok(view)
}

/// The invitations made, newest first, and which have been answered (when the shared
/// storage can be reached).
#[tauri::command]
#[specta::specta]
pub async fn invitations(state: State<'_, AppState>) -> AppResult<Vec<InvitationView>> {
    let session = state.session()?;
    let list = session.as_person(|lib| Ok(lib.invitations()?)).await?;
    let remote = if list.iter().any(|e| e.state == InvitationState::Open) {
        library_remote(&state).await.ok()
    } else {
        None
    };
    let mut out = Vec::with_capacity(list.len());
    for e in list {
        let mut answered = false;
        let code = e.code.as_deref().and_then(|c| InviteCode::parse(c).ok());
        if let (Some(remote), Some(code), InvitationState::Open) = (&remote, &code, e.state)
            && let Ok(Some(reply)) = dossier_sync::fetch_reply(remote.as_ref(), code).await
        {
            // Only an answer that opens with the code and names the invited member counts.
            let id = e.id;
            answered = session
                .as_person(move |lib| Ok(lib.invitation_reply(id, &reply).is_ok()))
                .await?;
        }
        out.push(InvitationView {
            id: e.id.to_hex(),
            name: e.name,
            role_name: e.role.name().to_owned(),
            role: e.role,
            collections: e.collections,
            code: e.code,
            expires: rfc3339(e.expires_ms),
            state: e.state,
            answered,
        });
    }
    Ok(out)
}

/// Let the invited person in, once `fingerprint` (the digits they read out) is their
/// answer's; their access reaches the shared storage with the sync that follows.
#[tauri::command]
#[specta::specta]
pub async fn confirm_invitation(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    fingerprint: String,
) -> AppResult<StaffMember> {
    let id = invitation_id(&id)?;
    let invited = invitation(&state, id).await?;
    let remote = library_remote(&state).await?;
    let Some(reply) = dossier_sync::fetch_reply(remote.as_ref(), &code_of(&invited)?).await? else {
        return Err(dossier_core::Error::InvitationNotAnswered { name: invited.name }.into());
    };
    let joined = change(&app, &state, move |lib| {
        let person = lib.confirm_invitation(id, &reply, &fingerprint)?;
        entry(lib, person.member)
    })
    .await?;
    state.open()?.sync.wake();
    joined.ok_or_else(|| AppError::internal("the person just confirmed is not among the people"))
}

/// Withdraw an open invitation: its answer is never confirmed.
#[tauri::command]
#[specta::specta]
pub async fn withdraw_invitation(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<()> {
    let id = invitation_id(&id)?;
    let entry = invitation(&state, id).await?;
    change(&app, &state, move |lib| lib.withdraw_invitation(id)).await?;
    // Off the shared storage too, so the invitee's desktop stops waiting; withdrawn here
    // either way.
    if let (Ok(code), Ok(remote)) = (code_of(&entry), library_remote(&state).await) {
        let _ = dossier_sync::unpublish_invitation(remote.as_ref(), &code).await;
    }
    Ok(())
}

/// Invitation `id` as this desktop keeps it.
async fn invitation(state: &AppState, id: InvitationId) -> AppResult<InvitationEntry> {
    state
        .session()?
        .as_person(move |lib| {
            lib.invitations()?
                .into_iter()
                .find(|e| e.id == id)
                .ok_or(dossier_core::Error::InvitationUnknown.into())
        })
        .await
}

/// The code of `entry`, which only an owner it was sealed to sees.
fn code_of(entry: &InvitationEntry) -> AppResult<InviteCode> {
    let code = entry
        .code
        .as_deref()
        .ok_or(dossier_core::Error::InvitationClosed {
            reason: "only an owner it was made by or for can open its answer",
        })?;
    Ok(InviteCode::parse(code)?)
}

/// The invitation `code` names on `remote` (first run).
pub(super) async fn offered(
    remote: &dyn Remote,
    code: &str,
) -> AppResult<(InviteCode, dossier_core::Invitation)> {
    let code = InviteCode::parse(code)?;
    let invitation = dossier_sync::fetch_invitation(remote, &code).await?;
    Ok((code, invitation))
}

/// First run: what the invitation `code` offers, and whether someone has answered it
/// already (then the screen asks for the passphrase chosen then, `own_answer`).
#[tauri::command]
#[specta::specta]
pub async fn open_invitation(
    url: String,
    credentials: RemoteCredentials,
    code: String,
) -> AppResult<InvitationOffer> {
    let remote = remote_at(url.trim(), &credentials).await?;
    let (code, invitation) = offered(remote.as_ref(), &code).await?;
    let answered = dossier_sync::answered(remote.as_ref(), &code).await?;
    Ok(InvitationOffer {
        by: invitation.by.name,
        name: invitation.name,
        role_name: invitation.role.name().to_owned(),
        role: invitation.role,
        collections: invitation.collections,
        answered,
    })
}

/// First run, answered before: the digits of this person's own answer, once `passphrase`
/// (the one they chose then) opens it; someone else's answer is
/// `dossier_core::Error::AnswerNotYours` and its digits are never shown.
#[tauri::command]
#[specta::specta]
pub async fn own_answer(
    url: String,
    credentials: RemoteCredentials,
    code: String,
    passphrase: String,
) -> AppResult<String> {
    let passphrase = Zeroizing::new(passphrase);
    let remote = remote_at(url.trim(), &credentials).await?;
    let (code, invitation) = offered(remote.as_ref(), &code).await?;
    let digits =
        dossier_sync::answered_by_me(remote.as_ref(), &code, &invitation, passphrase.to_string())
            .await?
            .ok_or(dossier_core::Error::InvitationUnknown)?;
    Ok(digits.to_string())
}

/// First run: answer the invitation with a passphrase of this person's own; their keys are
/// made here. Returns the fingerprint they read to the person who invited them.
#[tauri::command]
#[specta::specta]
pub async fn answer_invitation(
    url: String,
    credentials: RemoteCredentials,
    code: String,
    passphrase: String,
) -> AppResult<String> {
    let passphrase = Zeroizing::new(passphrase);
    let remote = remote_at(url.trim(), &credentials).await?;
    let (code, invitation) = offered(remote.as_ref(), &code).await?;
    let fingerprint = dossier_sync::answer_invitation(
        remote.as_ref(),
        &code,
        &invitation,
        passphrase.to_string(),
        KdfParams::default(),
    )
    .await?;
    Ok(fingerprint.to_string())
}
