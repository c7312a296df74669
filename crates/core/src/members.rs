//! Who may do what in a library (issue 21): the [`Registry`] of members, replayed from
//! signed statements ([`SignedStatement`]) that chain to the library's owner.
//!
//! The statements form one chain: each names the one before it and its place (`seq`), and
//! is signed by a member who is an owner in the registry just before it. Replaying a set
//! of statements walks the chain from the owner; where two statements claim the same place
//! (two owners changing people at once, offline), the one with the smaller id stands and
//! the other is refused, on every desktop alike. A member's role at any point of the chain
//! is kept ([`Registry::role_at`]), so an operation is judged by its author's role when it
//! was made, and a removal is a point in the chain no later signature can go behind.
//!
//! **Invariant:** the registry is a function of the set of statements and the owner's
//! identity: any order of arrival, any duplicates, give the same registry and the same
//! refusals. A statement is accepted only on the chain, signed by an owner of that point.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::format::collection_keys::JOURNAL_SCOPE;
use crate::format::identity::PublicIdentity;
use crate::format::member::{Change, MEMBER_FORMAT, SignedStatement, Statement};
use crate::ids::{DeviceId, LibraryId, MemberId, StatementId};
use crate::keys::{Identity, Purpose, usable_keys, verify_signature};
use crate::role::{Permission, Role};

mod epochs;
mod judge;
mod precheck;
mod scope;
pub use epochs::{newest_epoch, open_epochs, open_sealed_to};
pub(crate) use epochs::{newest_epoch_object, open_sealed_to_me, sealing_collection};
pub(crate) use judge::{Batch, Collections, doc_of, needs};
pub use judge::{Verdict, sign_batch};
pub(crate) use precheck::Prechecked;
pub(crate) use scope::{BatchScope, by_scope};

/// A member's access from one point of the chain on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenure {
    /// The place in the chain from which it holds (0: from the start, the owner).
    pub from_seq: u64,
    /// `None`: removed.
    pub grant: Option<Grant>,
    /// A removal's cutoff: the last segment of each of the member's desktops whose batches
    /// still count (empty for a grant).
    pub cutoff: BTreeMap<DeviceId, u64>,
}

/// A member's identity and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub identity: PublicIdentity,
    pub role: Role,
    pub collections: Vec<String>,
}

/// Why a statement was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a statement Dossier can read (or too large).
    Unreadable,
    /// Made for another library.
    OtherLibrary,
    /// Written by a newer Dossier.
    TooNew,
    /// Its signature is not its signer's.
    BadSignature,
    /// Its signer was not an owner at that point of the chain.
    NotAnOwner { by: MemberId },
    /// It cannot be done: removing or demoting the library's owner, removing someone who
    /// is not a member, a department member without a department, a malformed identity.
    NotAllowed(&'static str),
    /// Another statement took its place in the chain (made at the same time elsewhere), or
    /// it follows none of the chain: a replay or a forgery of the chain's order.
    NotOnTheChain,
}

/// A statement that was not accepted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub id: StatementId,
    pub reason: Refusal,
}

/// The members of a library and their roles, replayed from its statements.
#[derive(Debug, Clone)]
pub struct Registry {
    library: LibraryId,
    owner: PublicIdentity,
    /// Each member's access, oldest first.
    history: BTreeMap<MemberId, Vec<Tenure>>,
    chain: Vec<StatementId>,
    refused: Vec<Refused>,
}

impl Registry {
    /// A library whose only member is its owner.
    pub fn new(library: LibraryId, owner: PublicIdentity) -> Self {
        let mut history = BTreeMap::new();
        history.insert(
            owner.member,
            vec![Tenure {
                from_seq: 0,
                grant: Some(Grant {
                    identity: owner.clone(),
                    role: Role::Owner,
                    collections: Vec::new(),
                }),
                cutoff: BTreeMap::new(),
            }],
        );
        Self {
            library,
            owner,
            history,
            chain: Vec::new(),
            refused: Vec::new(),
        }
    }

    /// The registry `statements` make, from the library's owner on. Statements not on the
    /// chain, or not signed by an owner of their point, are in [`Registry::refused`].
    pub fn replay<'a>(
        library: LibraryId,
        owner: PublicIdentity,
        statements: impl IntoIterator<Item = &'a SignedStatement>,
    ) -> Self {
        let mut reg = Self::new(library, owner);
        let mut by_prev: BTreeMap<
            Option<StatementId>,
            Vec<(StatementId, &SignedStatement, Statement)>,
        > = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for s in statements {
            let id = s.id();
            if !seen.insert(id) {
                continue;
            }
            match s.statement() {
                Some(st) => by_prev.entry(st.prev).or_default().push((id, s, st)),
                None => reg.refuse(id, Refusal::Unreadable),
            }
        }
        let mut head = None;
        while let Some(candidates) = by_prev.remove(&head) {
            let mut valid = Vec::new();
            for (id, s, st) in candidates {
                match reg.judge(s, st) {
                    Ok(st) => valid.push((id, st)),
                    Err(reason) => reg.refuse(id, reason),
                }
            }
            let Some(pick) = reg.pick(&valid) else {
                break;
            };
            let (id, st) = valid.swap_remove(pick);
            for (other, _) in valid {
                reg.refuse(other, Refusal::NotOnTheChain);
            }
            reg.accept(id, st);
            head = Some(id);
        }
        // Whatever the walk did not reach follows nothing on the chain.
        for (id, _, _) in by_prev.into_values().flatten() {
            reg.refuse(id, Refusal::NotOnTheChain);
        }
        reg.refused.sort_by_key(|r| r.id);
        reg
    }

    fn refuse(&mut self, id: StatementId, reason: Refusal) {
        self.refused.push(Refused { id, reason });
    }

    /// Which of the valid statements claiming one place stands. A statement whose signer
    /// another candidate removes or demotes loses (a removed owner cannot take back the
    /// place of their own removal); of the rest (or of all, when they remove each other),
    /// the most senior signer's (the library's owner, then whoever has been an owner the
    /// longest), then the smaller id.
    fn pick(&self, valid: &[(StatementId, Statement)]) -> Option<usize> {
        let ousts = |other: &Statement, signer: MemberId| {
            other.by != signer
                && match &other.change {
                    Change::Remove { member, .. } => *member == signer,
                    Change::Grant { member, role, .. } => {
                        member.member == signer && *role != Role::Owner
                    }
                }
        };
        let standing: Vec<usize> = (0..valid.len())
            .filter(|i| !valid.iter().any(|(_, o)| ousts(o, valid[*i].1.by)))
            .collect();
        let pool = if standing.is_empty() {
            (0..valid.len()).collect()
        } else {
            standing
        };
        pool.into_iter()
            .min_by_key(|i| (self.seniority(valid[*i].1.by), valid[*i].0))
    }

    /// How senior an owner is: the library's owner first, then by the place from which
    /// they have been an owner without a break.
    fn seniority(&self, member: MemberId) -> (bool, u64) {
        let since = self
            .history
            .get(&member)
            .map(|tenures| {
                let mut since = self.seq();
                for t in tenures.iter().rev() {
                    match &t.grant {
                        Some(g) if g.role == Role::Owner => since = t.from_seq,
                        _ => break,
                    }
                }
                since
            })
            .unwrap_or(u64::MAX);
        (member != self.owner.member, since)
    }

    /// Whether `st`, the statement `s` holds, may be the next statement of the chain.
    fn judge(&self, s: &SignedStatement, st: Statement) -> std::result::Result<Statement, Refusal> {
        if st.format > MEMBER_FORMAT {
            return Err(Refusal::TooNew);
        }
        if st.library != self.library {
            return Err(Refusal::OtherLibrary);
        }
        if st.seq != self.seq() + 1 {
            return Err(Refusal::NotOnTheChain);
        }
        let signer = self
            .current(st.by)
            .filter(|g| g.role == Role::Owner)
            .ok_or(Refusal::NotAnOwner { by: st.by })?;
        verify_signature(
            &signer.identity,
            Purpose::MemberStatement,
            s.body.as_bytes(),
            &s.signature,
            "a statement about members",
        )
        .map_err(|_| Refusal::BadSignature)?;
        self.allowed(st.by, &st.change)
            .map_err(Refusal::NotAllowed)?;
        Ok(st)
    }

    /// Whether `by` can make `change` to the registry as it is.
    fn allowed(&self, by: MemberId, change: &Change) -> std::result::Result<(), &'static str> {
        match change {
            Change::Grant {
                member,
                role,
                collections,
                ..
            } => {
                if !member.well_formed() || !usable_keys(member) {
                    return Err("the member's identity is malformed or its keys are weak");
                }
                if member.member == self.owner.member {
                    if *role != Role::Owner {
                        return Err("the library's owner stays its owner");
                    }
                    let same_keys = self
                        .current(member.member)
                        .is_some_and(|g| g.identity.binding() == member.binding());
                    if by != self.owner.member && !same_keys {
                        return Err("only the library's owner can give themselves new keys");
                    }
                }
                if (*role == Role::DepartmentStaff) == collections.is_empty() {
                    return Err("department staff, and only they, have collections");
                }
                if collections
                    .iter()
                    .any(|c| c.trim().is_empty() || c.len() > 200)
                {
                    return Err("a collection needs a name of at most 200 bytes");
                }
                if collections.iter().any(|c| c == JOURNAL_SCOPE) {
                    return Err("that name is kept for the journal's own keys");
                }
                Ok(())
            }
            Change::Remove { member, .. } => {
                if *member == self.owner.member {
                    return Err("the library's owner cannot be removed");
                }
                if self.current(*member).is_none() {
                    return Err("only a member can be removed");
                }
                Ok(())
            }
        }
    }

    fn accept(&mut self, id: StatementId, st: Statement) {
        let (member, grant, cutoff) = match st.change {
            Change::Grant {
                member,
                role,
                collections,
                segments,
            } => (
                member.member,
                Some(Grant {
                    identity: member,
                    role,
                    collections,
                }),
                segments,
            ),
            Change::Remove { member, segments } => (member, None, segments),
        };
        self.history.entry(member).or_default().push(Tenure {
            from_seq: st.seq,
            grant,
            cutoff,
        });
        self.chain.push(id);
    }

    /// The place of the newest accepted statement (0: none yet).
    pub fn seq(&self) -> u64 {
        self.chain.len() as u64
    }

    /// The newest accepted statement, which the next one names.
    pub fn head(&self) -> Option<StatementId> {
        self.chain.last().copied()
    }

    pub fn library(&self) -> LibraryId {
        self.library
    }

    pub fn owner(&self) -> &PublicIdentity {
        &self.owner
    }

    /// Statements not accepted, by id.
    pub fn refused(&self) -> &[Refused] {
        &self.refused
    }

    /// Whether `identity`'s keys can no longer act in this library: its member was removed,
    /// or was given other keys after these. Keys this registry has never seen are not
    /// superseded: they may be newer ones an owner gave in history not received here yet
    /// (the journal after them is sealed to them), and act only once that history arrives.
    pub fn superseded(&self, identity: &PublicIdentity) -> bool {
        let Some(tenures) = self.history.get(&identity.member) else {
            return false;
        };
        let binding = identity.binding();
        match self.current(identity.member) {
            None => true,
            Some(g) if g.identity.binding() == binding => false,
            Some(_) => tenures
                .iter()
                .filter_map(|t| t.grant.as_ref())
                .any(|g| g.identity.binding() == binding),
        }
    }

    /// The identity as the library granted it, if `identity`'s keys were ever given to
    /// its member (the owner's included) with a role that allows `permission`: what they
    /// signed was signed by someone the library admitted to do it. Its name is the
    /// registry's, not the one a signed object carries.
    pub fn granted(
        &self,
        identity: &PublicIdentity,
        permission: crate::role::Permission,
    ) -> Option<&PublicIdentity> {
        let binding = identity.binding();
        if self.owner().binding() == binding {
            return Some(self.owner());
        }
        self.history
            .get(&identity.member)?
            .iter()
            .filter_map(|t| t.grant.as_ref())
            .find(|g| g.identity.binding() == binding && g.role.allows(permission))
            .map(|g| &g.identity)
    }

    /// `member`'s role and identity now (`None`: not a member, or removed).
    pub fn current(&self, member: MemberId) -> Option<&Grant> {
        self.role_at(member, self.seq())
    }

    /// `member`'s role and identity just after statement `seq` (0: the start).
    pub fn role_at(&self, member: MemberId, seq: u64) -> Option<&Grant> {
        self.history
            .get(&member)?
            .iter()
            .rev()
            .find(|a| a.from_seq <= seq)?
            .grant
            .as_ref()
    }

    /// The members whose access differs between `self` and `other` at any point (a grant,
    /// a removal, a statement that lost its place to another).
    pub fn changed_members(&self, other: &Registry) -> BTreeSet<MemberId> {
        self.history
            .keys()
            .chain(other.history.keys())
            .filter(|m| self.history.get(m) != other.history.get(m))
            .copied()
            .collect()
    }

    /// The members now, by id (removed ones left out).
    pub fn members(&self) -> impl Iterator<Item = &Grant> {
        self.history.keys().filter_map(|m| self.current(*m))
    }

    /// Whether `member` may now do what `permission` allows, in `collection` (`None`: in
    /// every collection, or none in particular). [`Error::NotPermitted`] says why not.
    pub fn may(
        &self,
        member: MemberId,
        permission: Permission,
        collection: Option<&str>,
    ) -> Result<()> {
        self.may_at(member, self.seq(), permission, collection)
    }

    /// Whether `member` might do what `permission` allows, in `collection`, just after
    /// statement `seq`.
    pub fn may_at(
        &self,
        member: MemberId,
        seq: u64,
        permission: Permission,
        collection: Option<&str>,
    ) -> Result<()> {
        let denied = |role| Error::NotPermitted {
            member,
            role,
            what: permission.name(),
        };
        let grant = self.role_at(member, seq).ok_or_else(|| denied(None))?;
        let in_scope = grant.role != Role::DepartmentStaff
            || collection.is_some_and(|c| grant.collections.iter().any(|g| g == c));
        if grant.role.allows(permission) && in_scope {
            Ok(())
        } else {
            Err(denied(Some(grant.role)))
        }
    }

    /// Whether `by` is an owner now, with the keys the registry knows for them (not an
    /// identity reissued since).
    fn check_owner(&self, by: &Identity) -> Result<MemberId> {
        let member = by.public().member;
        match self.current(member) {
            Some(g) if g.role == Role::Owner && g.identity.binding() == by.public().binding() => {
                Ok(member)
            }
            other => Err(Error::NotPermitted {
                member,
                role: other.map(|g| g.role),
                what: Permission::ManagePeople.name(),
            }),
        }
    }

    /// The next statement: `change`, made and signed by `by`, who must be an owner now.
    pub fn make(&self, by: &Identity, change: Change, made_ms: i64) -> Result<SignedStatement> {
        let member = self.check_owner(by)?;
        self.allowed(member, &change)
            .map_err(|reason| Error::MemberChangeRefused { reason })?;
        let statement = Statement {
            format: MEMBER_FORMAT,
            library: self.library,
            seq: self.seq() + 1,
            prev: self.head(),
            by: member,
            made_ms,
            change,
        };
        let body = serde_json::to_string(&statement)?;
        let signature = by.sign(Purpose::MemberStatement, body.as_bytes()).to_vec();
        Ok(SignedStatement { body, signature })
    }
}

#[cfg(test)]
mod tests;
