//! Invitations on the remote (issue 21): an owner's desktop puts the sealed invitation at
//! `invitations/<id>` (the id derived from the one-time code); the invitee's desktop finds
//! it by the code, answers at `invitations/<reply id>.reply` (another id derived from the
//! code, so someone who can only list the bucket cannot take the name first) with the
//! identity it made, and, once an owner has confirmed the digits and synced, joins with
//! the slot it was given. Both objects are written once; an answer found later is shown
//! to its invitee only when their passphrase opens it (`own_answer`), so an answer put
//! there by someone else is never read out as theirs.

use bytes::Bytes;
use dossier_core::{
    Fingerprint, Invitation, InviteCode, KdfParams, Library, MAX_INVITATION_BYTES, NewInvitation,
    answer_invitation, invitation_name, invitation_reply_name, own_answer,
};

use crate::engine::join_objects;
use crate::error::{Error, Result};
use crate::remote::{Key, Put, Remote};

/// Put a new invitation on the remote.
pub async fn publish_invitation(remote: &dyn Remote, invitation: &NewInvitation) -> Result<()> {
    let key = Key::new(invitation.object_name())?;
    match remote
        .put_if_absent(&key, Bytes::from(invitation.sealed.clone()))
        .await?
    {
        Put::Created => Ok(()),
        // A code is 128 random bits: a name taken already was put there by someone else.
        Put::Existed => Err(dossier_core::Error::InvitationNotAuthentic.into()),
    }
}

/// The object `key`, `None` when it is not on the remote.
async fn fetch(remote: &dyn Remote, key: &Key) -> Result<Option<Vec<u8>>> {
    match remote.get(key, MAX_INVITATION_BYTES).await {
        Ok(body) => Ok(Some(body.to_vec())),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The invitation `code` names, opened with it.
pub async fn fetch_invitation(remote: &dyn Remote, code: &InviteCode) -> Result<Invitation> {
    let key = Key::new(invitation_name(&code.id()))?;
    let sealed = fetch(remote, &key)
        .await?
        .ok_or(dossier_core::Error::InvitationUnknown)?;
    Ok(code.open_invitation(&sealed)?)
}

/// The sealed answer to the invitation `code` names, if anyone has answered.
pub async fn fetch_reply(remote: &dyn Remote, code: &InviteCode) -> Result<Option<Vec<u8>>> {
    fetch(remote, &Key::new(invitation_reply_name(&code.reply_id()))?).await
}

/// Whether anyone has answered the invitation `code` names (the invitee's desktop then
/// asks for the passphrase chosen then, [`answered_by_me`]).
pub async fn answered(remote: &dyn Remote, code: &InviteCode) -> Result<bool> {
    Ok(fetch_reply(remote, code).await?.is_some())
}

/// The digits of this person's own answer to `invitation`, when `passphrase` opens it
/// (`None`: no one has answered); an answer it does not open is
/// [`dossier_core::Error::AnswerNotYours`].
pub async fn answered_by_me(
    remote: &dyn Remote,
    code: &InviteCode,
    invitation: &Invitation,
    passphrase: String,
) -> Result<Option<Fingerprint>> {
    let Some(sealed) = fetch_reply(remote, code).await? else {
        return Ok(None);
    };
    let (code, invitation) = (code.clone(), invitation.clone());
    // Unwrapping the identity runs Argon2id: off the runtime's threads.
    let digits = tokio::task::spawn_blocking(move || {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        own_answer(&code, &invitation, &sealed, &passphrase)
    })
    .await
    .map_err(|_| Error::LibraryPanicked)??;
    Ok(Some(digits))
}

/// Take a withdrawn invitation and its answer off the remote, so the invitee's desktop
/// stops waiting (`InvitationUnknown`). Absent objects are fine.
pub async fn unpublish_invitation(remote: &dyn Remote, code: &InviteCode) -> Result<()> {
    remote
        .delete(&Key::new(invitation_name(&code.id()))?)
        .await?;
    remote
        .delete(&Key::new(invitation_reply_name(&code.reply_id()))?)
        .await
}

/// Answer `invitation` on the invitee's desktop: make their identity, wrapped by the
/// `passphrase` they chose, and put it on the remote. Returns the fingerprint to read to
/// the person who invited them. An invitation answered already is
/// [`dossier_core::Error::InvitationAnswered`].
pub async fn answer(
    remote: &dyn Remote,
    code: &InviteCode,
    invitation: &Invitation,
    passphrase: String,
    kdf: KdfParams,
) -> Result<Fingerprint> {
    let key = Key::new(invitation_reply_name(&code.reply_id()))?;
    if fetch(remote, &key).await?.is_some() {
        return Err(dossier_core::Error::InvitationAnswered.into());
    }
    let (owned_code, owned) = (code.clone(), invitation.clone());
    // Wrapping the identity runs Argon2id: off the runtime's threads.
    let (sealed, fingerprint) = tokio::task::spawn_blocking(move || {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        answer_invitation(&owned_code, &owned, &passphrase, kdf)
    })
    .await
    .map_err(|_| Error::LibraryPanicked)??;
    match remote.put_if_absent(&key, Bytes::from(sealed)).await? {
        Put::Created => Ok(fingerprint),
        Put::Existed => Err(dossier_core::Error::InvitationAnswered.into()),
    }
}

/// Join the library `invitation` invites to, in `root`, once an owner has confirmed this
/// desktop's answer and synced: the invitee's slot opens with `passphrase`, and the
/// invitation's owner is pinned. Before that,
/// [`dossier_core::Error::InvitationNotConfirmed`] (or `InvitationClosed` once it
/// expired) and no folder is left behind. Sync it next.
pub async fn join_invited(
    remote: &dyn Remote,
    root: std::path::PathBuf,
    invitation: &Invitation,
    passphrase: String,
) -> Result<Library> {
    let objects = join_objects(remote).await?;
    let invitation = invitation.clone();
    let lib = tokio::task::spawn_blocking(move || {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        Library::join_invited(&root, &objects, &invitation, &passphrase)
    })
    .await
    .map_err(|_| Error::LibraryStopped)??;
    Ok(lib)
}
