//! Invitations on the remote (issue 21): an owner's desktop puts the sealed invitation at
//! `invitations/<id>` (the id derived from the one-time code); the invitee's desktop finds
//! it by the code, answers at `invitations/<id>.reply` with the identity it made, and,
//! once an owner has confirmed the fingerprint and synced, joins with the slot it was
//! given. Both objects are write-once: a second answer is never taken, so someone who
//! learns the code after the invitee answered cannot answer in their place.

use bytes::Bytes;
use dossier_core::{
    Fingerprint, Invitation, InvitationId, InviteCode, KdfParams, Library, MAX_INVITATION_BYTES,
    NewInvitation, answer_invitation, invitation_name, invitation_reply_name,
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

/// The sealed reply to invitation `id`, if the invitee has answered.
pub async fn fetch_reply(remote: &dyn Remote, id: &InvitationId) -> Result<Option<Vec<u8>>> {
    fetch(remote, &Key::new(invitation_reply_name(id))?).await
}

/// The fingerprint of the identity that answered the invitation `code` names, if anyone
/// has: what the invitee's desktop shows again while it waits.
pub async fn answered(remote: &dyn Remote, code: &InviteCode) -> Result<Option<Fingerprint>> {
    match fetch_reply(remote, &code.id()).await? {
        Some(sealed) => {
            let reply = code.open_reply(&sealed)?;
            Ok(Some(Fingerprint::of(&reply.identity.public)))
        }
        None => Ok(None),
    }
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
    let key = Key::new(invitation_reply_name(&invitation.id))?;
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
/// invitation's owner is pinned. Before that, [`dossier_core::Error::WrongPassphrase`]
/// and no folder is left behind. Sync it next.
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
