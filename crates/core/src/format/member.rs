//! The library's members and their roles as signed statements (issue 21): each
//! [`Statement`] changes one member's access, names the statement before it, and is signed
//! by an owner ([`SignedStatement`]); `members::Registry` replays them into who may do
//! what.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::identity::PublicIdentity;
use crate::ids::{DeviceId, LibraryId, MemberId, StatementId};
use crate::role::Role;

/// The statement format this build writes.
pub const MEMBER_FORMAT: u32 = 1;

/// The largest statement body Dossier reads: a statement names one identity, a few
/// collections and the segments of a member's desktops.
pub const MAX_STATEMENT_BYTES: usize = 64 * 1024;

/// One change to one member's access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// `member` has `role`: a new member, a new role, or a new identity for a member who
    /// forgot their passphrase (the old keys are no longer theirs from this statement on,
    /// beyond `segments`).
    /// `collections` are a department member's; empty for every other role.
    Grant {
        member: PublicIdentity,
        role: Role,
        collections: Vec<String>,
        /// For a member who had access already: the last segment of each of their
        /// desktops whose batches are judged by their access before this statement (as
        /// `Remove::segments`); absent for a new member and in statements older builds
        /// wrote.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        segments: BTreeMap<DeviceId, u64>,
    },
    /// `member` leaves: nothing they sign after this statement is accepted, and of their
    /// desktops' change batches only those up to `segments` (the last of each device
    /// accepted when they were removed).
    Remove {
        member: MemberId,
        segments: BTreeMap<DeviceId, u64>,
    },
}

/// A statement as its signer wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub format: u32,
    pub library: LibraryId,
    /// 1 for the first statement after the library's owner, then one more each time.
    pub seq: u64,
    /// The statement this one follows (`None` for the first).
    pub prev: Option<StatementId>,
    /// The owner who made it.
    pub by: MemberId,
    pub made_ms: i64,
    #[serde(flatten)]
    pub change: Change,
}

/// A statement and its signature, as stored and sent: the body is the exact JSON that
/// was signed, so nothing is signed that was not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedStatement {
    pub body: String,
    #[serde(with = "super::b64")]
    pub signature: Vec<u8>,
}

impl SignedStatement {
    /// The statement's id: BLAKE3 of its body and signature.
    pub fn id(&self) -> StatementId {
        let mut h = blake3::Hasher::new_derive_key("dossier 2026-12 member statement id");
        h.update(&(self.body.len() as u64).to_le_bytes());
        h.update(self.body.as_bytes());
        h.update(&self.signature);
        StatementId(*h.finalize().as_bytes())
    }

    /// The statement the body holds, if it is one (bounded in size).
    pub fn statement(&self) -> Option<Statement> {
        if self.body.len() > MAX_STATEMENT_BYTES {
            return None;
        }
        serde_json::from_str(&self.body).ok()
    }
}
