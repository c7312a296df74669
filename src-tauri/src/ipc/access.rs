//! Who is signed in, what their role lets them do, and the library's people as the
//! People and access screen shows them (issue 21).

use serde::Serialize;
use specta::Type;

use dossier_core::{InvitationState, Permission, Role};

/// A person of the library.
#[derive(Debug, Clone, Serialize, Type)]
pub struct StaffMember {
    pub member: String,
    pub name: String,
    pub role: Role,
    /// The role in words.
    pub role_name: String,
    /// A department member's collections.
    pub collections: Vec<String>,
    /// 24 digits in six groups, to compare out of band with the person's own screen.
    pub fingerprint: String,
    pub signed_in: bool,
}

impl From<dossier_core::PersonEntry> for StaffMember {
    fn from(p: dossier_core::PersonEntry) -> Self {
        Self {
            member: p.member.to_string(),
            name: p.name,
            role_name: p.role.name().to_owned(),
            role: p.role,
            collections: p.collections,
            fingerprint: p.fingerprint,
            signed_in: p.signed_in,
        }
    }
}

/// One thing the signed-in person may or may not do, and why not.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Ability {
    pub allowed: bool,
    /// Why not, in words, when not allowed.
    pub reason: Option<String>,
}

/// Who is signed in and what they may do.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AccessState {
    /// Whether the library is kept by its people (else whoever unlocks may do everything).
    pub kept_by_people: bool,
    /// The person signed in (`None` in a library without people).
    pub person: Option<StaffMember>,
    /// Add and file records (for department staff, in their collections).
    pub edit: Ability,
    /// Holds, retention, deleting for good.
    pub dispose: Ability,
    /// Read the audit trail and the access log.
    pub audit: Ability,
    /// Add, change and remove people.
    pub manage_people: Ability,
}

impl Ability {
    /// Whether `role` (`None`: a library without people) allows `permission`.
    pub fn of(kept_by_people: bool, role: Option<Role>, permission: Permission) -> Self {
        let allowed = !kept_by_people || role.is_some_and(|r| r.allows(permission));
        Self {
            allowed,
            reason: (!allowed).then(|| match role {
                Some(r) => format!("As {}, you may not {}.", r.name(), permission.name()),
                None => format!("Sign in to {}.", permission.name()),
            }),
        }
    }
}

/// Changes this desktop received and did not apply (issue 21): refused ones, with the
/// reason, and those waiting for news of their author. They are kept, never deleted.
#[derive(Debug, Clone, Serialize, Type)]
pub struct HeldChange {
    /// When it was signed (or made, when no one signed it), RFC 3339.
    pub when: String,
    /// Who signed it: their name when they are a person of the library, else their id
    /// (`None`: no one signed it).
    pub by: Option<String>,
    /// `false`: waiting for statements about the people not received yet.
    pub refused: bool,
    pub reason: String,
    /// How many documents it changes (or would have).
    pub documents: u32,
}

/// A collection's keys as the People and access screen shows them.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CollectionKeysView {
    pub collection: String,
    /// Its newest key: 0 for the first, one more each time who may read it changed.
    pub epoch: u32,
    /// Who its newest key is sealed to, by name.
    pub readers: Vec<String>,
    /// Whether the person signed in here can open its records.
    pub readable: bool,
}

/// An invitation just made: the one-time code to hand the person yourself.
#[derive(Debug, Clone, Serialize, Type)]
pub struct NewInvitationView {
    pub name: String,
    /// 29 letters and digits in groups, e.g. `ABCDE-FGHIJ-...`.
    pub code: String,
    /// When it stops being open, RFC 3339.
    pub expires: String,
}

/// An invitation as an owner's People and access screen lists it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct InvitationView {
    /// The invitation's id (hex).
    pub id: String,
    pub name: String,
    pub role: Role,
    pub role_name: String,
    pub collections: Vec<String>,
    /// The one-time code, to hand again (only for an owner it was sealed to).
    pub code: Option<String>,
    /// RFC 3339.
    pub expires: String,
    pub state: InvitationState,
    /// Whether the invitee has answered (the screen asks for the fingerprint they read
    /// out, and does not show it: the owner compares, never copies).
    pub answered: bool,
}

/// What an invitation offers, as the invitee's first run shows it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct InvitationOffer {
    /// Who invited.
    pub by: String,
    /// The name the invitee joins under.
    pub name: String,
    pub role: Role,
    pub role_name: String,
    pub collections: Vec<String>,
    /// Whether someone answered already (this person, if their passphrase opens it).
    pub answered: bool,
}
