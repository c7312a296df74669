//! Invitations (issue 21): an owner invites a person by a one-time code; the person's own
//! desktop makes their identity and answers; the owner grants it once both screens show
//! the same fingerprint. The invitation names the library's owner, which the new desktop
//! pins (`LibraryJson::owner_key`), so whoever can write to the bucket can neither put
//! their key in the invitee's place nor name another owner to them.
//!
//! The objects travel through the remote (the sync crate puts and gets them); here they
//! are made, opened and judged.

use std::collections::BTreeMap;

use serde::Serialize;

use super::people::in_collections;
use super::{Library, key_sync, sync};
use crate::error::{Error, Result};
use crate::format::identity::{MAX_NAME_BYTES, PublicIdentity};
use crate::format::invitation::{
    INVITATION_DAYS, INVITATION_FORMAT, Invitation, InvitationReply, object_name,
};
use crate::format::member::Change;
use crate::format::op::OpKind;
use crate::format::repo::RepoFile;
use crate::ids::{InvitationId, MemberId};
use crate::keys::{
    Fingerprint, Identity, InviteCode, KdfParams, Purpose, Secret, seal_to, usable_keys,
};
use crate::role::{Permission, Role};

/// An invitation just made: the code to hand the invitee out of band, and the sealed
/// invitation to put on the remote as [`NewInvitation::object_name`].
#[derive(Debug)]
pub struct NewInvitation {
    pub code: InviteCode,
    pub invitation: Invitation,
    pub sealed: Vec<u8>,
    /// The code sealed to each owner of the moment.
    codes: BTreeMap<MemberId, Vec<u8>>,
}

impl NewInvitation {
    /// Where the sealed invitation goes on the remote.
    pub fn object_name(&self) -> String {
        object_name(&self.invitation.id)
    }

    /// The operation that records it.
    fn op(&self) -> OpKind {
        let i = &self.invitation;
        OpKind::Invited {
            invitation: i.id,
            member: i.member,
            name: i.name.clone(),
            role: i.role,
            collections: i.collections.clone(),
            codes: self.codes.clone(),
            expires_ms: i.expires_ms,
        }
    }
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    /// Waiting for the invitee's answer, or for an owner to confirm it.
    Open,
    /// The invitee is a member of the library.
    Joined,
    Withdrawn,
    Expired,
}

/// An invitation as the owners' desktops keep it. Its `Debug` never shows the code.
#[derive(Clone, Serialize)]
pub struct InvitationEntry {
    pub id: InvitationId,
    pub member: MemberId,
    pub name: String,
    pub role: Role,
    pub collections: Vec<String>,
    /// The one-time code, to hand the invitee again: only for an owner it was sealed to
    /// (an owner when it was made), who alone can open its answer.
    pub code: Option<String>,
    pub expires_ms: i64,
    pub state: InvitationState,
}

impl std::fmt::Debug for InvitationEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitationEntry")
            .field("id", &self.id)
            .field("member", &self.member)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("collections", &self.collections)
            .field("code", &self.code.as_ref().map(|_| "<one-time code>"))
            .field("expires_ms", &self.expires_ms)
            .field("state", &self.state)
            .finish()
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Only the digits of a fingerprint as typed.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl Library {
    /// An invitation for `name` to join with `role` (and a department member's
    /// `collections`), not yet recorded: put [`NewInvitation::sealed`] on the remote, then
    /// [`Library::record_invitation`] it and hand the code to the invitee (so an
    /// invitation recorded is always on the remote). Only an owner, in a library kept by
    /// its people; open for [`INVITATION_DAYS`] days.
    pub fn prepare_invitation(
        &self,
        name: &str,
        role: Role,
        collections: &[String],
    ) -> Result<NewInvitation> {
        if !self.is_writer() {
            return Err(Error::ReadOnly);
        }
        let name = name.trim();
        if name.is_empty() || name.len() > MAX_NAME_BYTES {
            return Err(Error::MemberChangeRefused {
                reason: "a person's name must have between 1 and 200 bytes",
            });
        }
        if role == Role::DepartmentStaff && collections.is_empty() {
            return Err(Error::MemberChangeRefused {
                reason: "department staff are given at least one collection",
            });
        }
        let registry = self.registry()?.ok_or(Error::MemberChangeRefused {
            reason: "only a library kept by its people invites anyone: take it into your \
                     keeping first (`dossier people init`)",
        })?;
        let by = self
            .person
            .as_ref()
            .ok_or(Error::SignInRequired {
                what: Permission::ManagePeople.name(),
            })?
            .public()
            .clone();
        let code = InviteCode::generate();
        let invitation = Invitation {
            format: INVITATION_FORMAT,
            id: code.id(),
            library: self.library_id(),
            member: MemberId::new(),
            name: name.to_owned(),
            role,
            collections: collections.to_vec(),
            owner: registry.owner().clone(),
            by,
            head: registry.head(),
            expires_ms: now_ms() + INVITATION_DAYS * 24 * 3600 * 1000,
        };
        let mut codes = BTreeMap::new();
        for owner in registry.members().filter(|g| g.role == Role::Owner) {
            codes.insert(
                owner.identity.member,
                seal_to(
                    &owner.identity,
                    Purpose::InvitationCode,
                    code.display().as_bytes(),
                )?,
            );
        }
        let made = NewInvitation {
            sealed: code.seal_invitation(&invitation)?,
            code,
            invitation,
            codes,
        };
        self.check_may(&[made.op()])?;
        Ok(made)
    }

    /// Record `made` (once it is on the remote): every owner's desktop lists it and can
    /// confirm its answer.
    pub fn record_invitation(&mut self, made: &NewInvitation) -> Result<()> {
        self.writer()?;
        let i = &made.invitation;
        let audit = self.people_audit(format!(
            "{} invited as {}{}",
            i.name,
            i.role.name(),
            in_collections(&i.collections)
        ))?;
        self.commit(vec![made.op(), audit])
    }

    /// Every invitation made in this library, the newest first, with where it stands.
    pub fn invitations(&self) -> Result<Vec<InvitationEntry>> {
        let registry = self.registry()?;
        let mut out: Vec<InvitationEntry> = Vec::new();
        for op in self.catalog.invitation_ops()? {
            match op.kind {
                OpKind::Invited {
                    invitation,
                    member,
                    name,
                    role,
                    collections,
                    codes,
                    expires_ms,
                } => out.push(InvitationEntry {
                    id: invitation,
                    member,
                    name,
                    role,
                    collections,
                    code: self.code_for_me(&codes),
                    expires_ms,
                    state: InvitationState::Open,
                }),
                OpKind::InvitationWithdrawn { invitation } => {
                    for e in out.iter_mut().filter(|e| e.id == invitation) {
                        e.state = InvitationState::Withdrawn;
                    }
                }
                _ => {}
            }
        }
        let now = now_ms();
        for e in &mut out {
            // Joined once, joined for good: a person removed later does not reopen it.
            if registry
                .as_ref()
                .is_some_and(|r| (0..=r.seq()).any(|at| r.role_at(e.member, at).is_some()))
            {
                e.state = InvitationState::Joined;
            } else if e.state == InvitationState::Open && now > e.expires_ms {
                e.state = InvitationState::Expired;
            }
        }
        out.reverse();
        Ok(out)
    }

    /// The code sealed to the signed-in person among `codes`, if any.
    fn code_for_me(&self, codes: &BTreeMap<MemberId, Vec<u8>>) -> Option<String> {
        let me = self.person.as_ref()?;
        let sealed = codes.get(&me.public().member)?;
        let code = me
            .open_sealed(Purpose::InvitationCode, sealed, "an invitation's code")
            .ok()?;
        String::from_utf8(code.to_vec()).ok()
    }

    /// Invitation `id` if it may be confirmed: open (`false`), or (`true`) granted to a
    /// member who still has it but no slot in this desktop's key file, as when the
    /// desktop stopped between the grant and the slot: confirming again writes the slot.
    fn confirmable(&self, id: InvitationId) -> Result<(InvitationEntry, bool)> {
        let entry = self
            .invitations()?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(Error::InvitationUnknown)?;
        let slotless = || -> Result<bool> {
            let member = self
                .registry()?
                .is_some_and(|r| r.current(entry.member).is_some());
            let slot = self
                .key_file()?
                .slots
                .iter()
                .any(|s| s.member() == Some(entry.member));
            Ok(member && !slot)
        };
        if entry.state == InvitationState::Joined && slotless()? {
            return Ok((entry, true));
        }
        self.open_invitation(id).map(|e| (e, false))
    }

    /// The open invitation `id`, or why it is not open.
    fn open_invitation(&self, id: InvitationId) -> Result<InvitationEntry> {
        let entry = self
            .invitations()?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(Error::InvitationUnknown)?;
        match entry.state {
            InvitationState::Open => Ok(entry),
            InvitationState::Joined => Err(Error::InvitationClosed {
                reason: "the person has joined already",
            }),
            InvitationState::Withdrawn => Err(Error::InvitationClosed {
                reason: "it was withdrawn",
            }),
            InvitationState::Expired => Err(Error::InvitationClosed {
                reason: "it expired",
            }),
        }
    }

    /// The identity that answered invitation `id` (its sealed `reply` from the remote),
    /// with its fingerprint, for an owner to compare with the invitee's screen.
    pub fn invitation_reply(
        &self,
        id: InvitationId,
        reply: &[u8],
    ) -> Result<(PublicIdentity, Fingerprint)> {
        let entry = self.open_invitation(id)?;
        let reply = opened_reply(&entry, reply)?;
        let fingerprint = self.answer_digits(&reply.identity.public, id)?;
        Ok((reply.identity.public, fingerprint))
    }

    /// Grant the identity that answered invitation `id` (its sealed `reply` from the
    /// remote) the invitation's role, once `fingerprint` (typed by the owner from the
    /// invitee's screen) is its fingerprint; and give it a slot, so that it opens the
    /// library on the invitee's desktop after the next sync. A fingerprint that differs
    /// is [`Error::FingerprintMismatch`] and grants nothing. Only an owner.
    pub fn confirm_invitation(
        &mut self,
        id: InvitationId,
        reply: &[u8],
        fingerprint: &str,
    ) -> Result<PublicIdentity> {
        self.writer()?;
        let (entry, granted) = self.confirmable(id)?;
        let reply = opened_reply(&entry, reply)?;
        let public = reply.identity.public.clone();
        if digits(self.answer_digits(&public, id)?.as_str()) != digits(fingerprint) {
            return Err(Error::FingerprintMismatch { name: entry.name });
        }
        if granted {
            // Only the slot is missing, and only for the identity the grant names.
            let registry = self.registry()?.ok_or(Error::PeopleNotReceived)?;
            if registry
                .current(entry.member)
                .is_none_or(|g| g.identity.binding() != public.binding())
            {
                return Err(Error::InvitationClosed {
                    reason: "the person has joined already",
                });
            }
            self.write_person_slot(self.key_file()?, &reply.identity)?;
            return Ok(public);
        }
        self.people_change(
            Change::Grant {
                member: public.clone(),
                role: entry.role,
                collections: entry.collections.clone(),
                segments: Default::default(),
            },
            format!(
                "{} joined as {}{} (invited; fingerprint {} confirmed)",
                entry.name,
                entry.role.name(),
                in_collections(&entry.collections),
                Fingerprint::of(&public)
            ),
        )?;
        self.write_person_slot(self.key_file()?, &reply.identity)?;
        Ok(public)
    }

    /// The digits the invitee of `id` reads out for `identity`, with this library's owner.
    fn answer_digits(&self, identity: &PublicIdentity, id: InvitationId) -> Result<Fingerprint> {
        let registry = self.registry()?.ok_or(Error::PeopleNotReceived)?;
        Ok(Fingerprint::of_answer(
            identity,
            &registry.owner().signing,
            &id.0,
        ))
    }

    /// Withdraw the open invitation `id`: its answer is never confirmed. Only an owner.
    pub fn withdraw_invitation(&mut self, id: InvitationId) -> Result<()> {
        self.writer()?;
        let entry = self.open_invitation(id)?;
        let audit = self.people_audit(format!("the invitation of {} withdrawn", entry.name))?;
        self.commit(vec![OpKind::InvitationWithdrawn { invitation: id }, audit])
    }

    /// Join, as the invitee, the library `invitation` (opened with its code) invites to: a
    /// new library in `root` from the remote's `key_objects`, opened by the slot an owner
    /// gave the identity this desktop made ([`answer_invitation`]) and `passphrase`, with
    /// the invitation's owner pinned. Before an owner confirmed and synced, there is no
    /// slot: [`Error::InvitationNotConfirmed`], and nothing is left behind.
    pub fn join_invited(
        root: &std::path::Path,
        key_objects: &[(u64, Vec<u8>)],
        invitation: &Invitation,
        passphrase: &str,
    ) -> Result<Library> {
        sync::check_empty(root)?;
        let given = key_objects.iter().any(|(_, body)| {
            RepoFile::parse(body).is_ok_and(|repo| {
                repo.keys
                    .slots
                    .iter()
                    .any(|s| s.member() == Some(invitation.member))
            })
        });
        if !given {
            return Err(if now_ms() > invitation.expires_ms {
                Error::InvitationClosed {
                    reason: "it expired",
                }
            } else {
                Error::InvitationNotConfirmed {
                    name: invitation.by.name.clone(),
                }
            });
        }
        let who = invitation.member.to_string();
        let secret = Secret::Person {
            who: who.clone(),
            passphrase: zeroize::Zeroizing::new(passphrase.to_owned()),
        };
        let (key, kf, person) = key_sync::choose_for_join(key_objects, &secret)?;
        if kf.library_id != invitation.library {
            return Err(Error::InvitationNotAuthentic);
        }
        Self::make(
            root,
            &kf,
            key,
            person,
            Some(invitation.owner.signing.clone()),
        )
    }
}

/// The reply to the invitation `entry`, opened with its code and checked to be the
/// identity the invitation was for.
fn opened_reply(entry: &InvitationEntry, sealed: &[u8]) -> Result<InvitationReply> {
    let code = entry.code.as_deref().ok_or(Error::InvitationClosed {
        reason: "only an owner it was made by or for can open its answer",
    })?;
    let reply = InviteCode::parse(code)?.open_reply(sealed)?;
    let public = &reply.identity.public;
    if public.member != entry.member || public.name != entry.name || !usable_keys(public) {
        return Err(Error::InvitationNotAuthentic);
    }
    Ok(reply)
}

/// Answer `invitation` (opened with `code`) on the invitee's own desktop: make their
/// identity, under the invitation's member id and name, wrapped by `passphrase` (which
/// they chose). Returns the sealed reply to put on the remote and the fingerprint to read
/// to the person who invited them. The private keys never leave this desktop unwrapped.
pub fn answer_invitation(
    code: &InviteCode,
    invitation: &Invitation,
    passphrase: &str,
    kdf: KdfParams,
) -> Result<(Vec<u8>, Fingerprint)> {
    if now_ms() > invitation.expires_ms {
        return Err(Error::InvitationClosed {
            reason: "it expired",
        });
    }
    let identity = Identity::generate(invitation.member, &invitation.name)?;
    let reply = InvitationReply {
        format: INVITATION_FORMAT,
        invitation: invitation.id,
        identity: identity.wrap(passphrase, kdf)?,
    };
    Ok((
        code.seal_reply(&reply)?,
        Fingerprint::of_answer(
            identity.public(),
            &invitation.owner.signing,
            &invitation.id.0,
        ),
    ))
}

/// The digits of this person's own answer to `invitation` (the sealed `reply` found on the
/// remote), once `passphrase` opens the identity in it: what their desktop shows again
/// while it waits. An answer their passphrase does not open is
/// [`Error::AnswerNotYours`]: mistyped, or someone else answered in their place, and
/// then its digits must never be read to anyone.
pub fn own_answer(
    code: &InviteCode,
    invitation: &Invitation,
    reply: &[u8],
    passphrase: &str,
) -> Result<Fingerprint> {
    let reply = code.open_reply(reply)?;
    let public = &reply.identity.public;
    if public.member != invitation.member {
        return Err(Error::AnswerNotYours);
    }
    match Identity::unwrap(&reply.identity, passphrase) {
        Ok(_) => Ok(Fingerprint::of_answer(
            public,
            &invitation.owner.signing,
            &invitation.id.0,
        )),
        Err(Error::WrongPassphrase) => Err(Error::AnswerNotYours),
        Err(e) => Err(e),
    }
}
