//! An invitation to join a library (issue 21) and the invitee's reply, as they travel
//! through the remote: each sealed under a key only the one-time code gives
//! (`keys::InviteCode`), so whoever can write to the bucket can neither read nor forge
//! them. The invitation names the library's owner, which the invitee's desktop pins; the
//! reply carries the invitee's identity, made on their own desktop, whose digits
//! (`Fingerprint::of_answer`, over that identity, the owner and the invitation) the
//! invitee reads to the owner, who types them before granting it.

use serde::{Deserialize, Serialize};

use super::identity::{IdentityFile, PublicIdentity};
use crate::ids::{InvitationId, LibraryId, MemberId, StatementId};
use crate::role::Role;

/// The invitation format this build writes.
pub const INVITATION_FORMAT: u32 = 1;

/// The largest invitation or reply Dossier reads (an identity file and a few names).
pub const MAX_INVITATION_BYTES: u64 = 64 * 1024;

/// How long an invitation may be answered and confirmed.
pub const INVITATION_DAYS: i64 = 7;

/// What an owner offers a person: to join `library` as `member` named `name`, with `role`
/// (and a department member's `collections`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub format: u32,
    pub id: InvitationId,
    pub library: LibraryId,
    /// The member id the invitee's identity is made with.
    pub member: MemberId,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub collections: Vec<String>,
    /// The library's owner, whom the invitee's desktop pins: a `LibraryOwned` naming
    /// anyone else is never taken as the library's.
    pub owner: PublicIdentity,
    /// The owner who invited (the owner, or a co-owner).
    pub by: PublicIdentity,
    /// The newest statement about the library's people when the invitation was made (not
    /// used yet: for the new desktop to pin the chain's head too).
    pub head: Option<StatementId>,
    /// Milliseconds since the Unix epoch after which it is refused.
    pub expires_ms: i64,
}

/// The invitee's answer: their identity (the private halves wrapped by the passphrase
/// they chose on their own desktop), for the owner to grant once the fingerprints match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationReply {
    pub format: u32,
    pub invitation: InvitationId,
    pub identity: IdentityFile,
}

/// Where invitation `id` is kept on the remote.
pub fn object_name(id: &InvitationId) -> String {
    format!("invitations/{id}")
}

/// Where a reply is kept on the remote: under its own id, derived from the code like the
/// invitation's but apart from it (`InviteCode::reply_id`), so someone who can only list
/// the bucket cannot put something in its place first.
pub fn reply_name(reply: &InvitationId) -> String {
    format!("invitations/{reply}.reply")
}
