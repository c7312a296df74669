//! The library's people (issue 21): who owns it, who is signed in, and what each may do.
//! Every change any front end makes reaches [`Library::commit`], which asks
//! [`Library::check_may`] first: one place judges roles for the app and the CLI alike.
//!
//! A library without people works as before (whoever unlocks may do everything). Once it
//! has an owner ([`Library::become_owner`]), it is unlocked by a person's own passphrase
//! (their slot in `keys.json`, which opens their identity, which opens the master key),
//! its passphrase slots are retired, and every change is made by a signed-in person whose
//! role allows it.

use serde::Serialize;

use super::{Library, LockedLibrary};
use crate::error::{Error, Result};
use crate::format::identity::{IdentityFile, PublicIdentity};
use crate::format::keyfile::KeyFile;
use crate::format::member::Change;
use crate::format::op::{AuditAction, OpKind};
use crate::ids::{DocId, MemberId};
use crate::keys::{self, Fingerprint, Identity, KdfParams, LibraryKey};
use crate::members::{Grant, Registry, doc_of, needs};
use crate::role::{Permission, Role};

/// A person of the library, as `dossier people ls` and the app's People screen show them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonEntry {
    pub member: MemberId,
    pub name: String,
    pub role: Role,
    /// A department member's collections (empty for every other role).
    pub collections: Vec<String>,
    /// 24 digits to compare out of band with what the person's own screen shows.
    pub fingerprint: String,
    /// Whether this is the person signed in here.
    pub signed_in: bool,
}

impl LockedLibrary {
    /// The people who can sign in (their slots in `keys.json`), for a sign-in screen:
    /// names and public keys only.
    pub fn people_here(&self) -> Result<Vec<PublicIdentity>> {
        Ok(self
            .key_file()?
            .slots
            .iter()
            .filter_map(|s| s.identity().map(|i| i.public.clone()))
            .collect())
    }

    /// Whether the library is kept by its people (a person's slot is in `keys.json`), so
    /// that [`LockedLibrary::sign_in`] is the way in.
    pub fn has_people(&self) -> Result<bool> {
        Ok(self.key_file()?.has_people())
    }

    /// Unlock as the person `who` names (their name or member id) with their own
    /// passphrase. Refused ([`Error::NotPermitted`]) when the library's people no longer
    /// count them (removed, or their identity reissued since).
    pub fn sign_in(self, who: &str, passphrase: &str) -> Result<Library> {
        let (key, person) = keys::unwrap_person(&self.key_file()?, who, passphrase)?;
        self.unlock_with(key, Some(person))
    }
}

impl Library {
    /// The library's people, replayed from the journal: `None` for a library without
    /// people (or a desktop that has not received them yet).
    pub fn registry(&self) -> Result<Option<Registry>> {
        self.catalog.registry()
    }

    /// Changes this desktop holds without applying them: refused ones (not signed, not
    /// their signer's, or beyond what the signer's role allowed then) with the reason, and
    /// those made at a point of the people's history that has not reached it yet.
    pub fn held_batches(&self) -> Result<Vec<crate::catalog::HeldBatch>> {
        self.catalog.held_batches()
    }

    /// The person signed in, if anyone is.
    pub fn person(&self) -> Option<&PublicIdentity> {
        self.person.as_ref().map(|p| p.public())
    }

    /// Sign `person` in on this handle, unless the registry knows these keys were removed
    /// or replaced. Keys it has not seen yet (given anew in history this desktop has not
    /// received, which is sealed to them) sign in to receive it, and act once they count.
    pub(super) fn signed_in(&mut self, person: Identity) -> Result<()> {
        let known = self.registry()?;
        if let Some(registry) = &known
            && registry.superseded(person.public())
        {
            let member = person.public().member;
            return Err(Error::NotPermitted {
                member,
                role: registry.current(member).map(|g| g.role),
                what: "sign in with these keys (they were removed or reissued)",
            });
        }
        self.person = Some(person);
        self.forget_content_keys();
        self.forget_journal_keys();
        if self.is_writer() {
            // The records another person could not open may open for this one.
            self.writer()?.retry_needing_keys()?;
        }
        if known.is_some() {
            self.retire_passphrases()?;
        }
        Ok(())
    }

    /// Each current member's name by id, for showing who made or may read something.
    pub fn names_by_member(&self) -> Result<std::collections::HashMap<MemberId, String>> {
        Ok(self
            .people()?
            .into_iter()
            .map(|p| (p.member, p.name))
            .collect())
    }

    /// The people of the library, owner first, then by name.
    pub fn people(&self) -> Result<Vec<PersonEntry>> {
        let Some(registry) = self.registry()? else {
            return Ok(Vec::new());
        };
        let me = self.person().map(|p| p.member);
        let mut out: Vec<PersonEntry> = registry
            .members()
            .map(|g| PersonEntry {
                member: g.identity.member,
                name: g.identity.name.clone(),
                role: g.role,
                collections: g.collections.clone(),
                fingerprint: Fingerprint::of(&g.identity).as_str().to_owned(),
                signed_in: Some(g.identity.member) == me,
            })
            .collect();
        let owner = registry.owner().member;
        out.sort_by(|a, b| {
            (a.member != owner, a.name.to_lowercase())
                .cmp(&(b.member != owner, b.name.to_lowercase()))
        });
        Ok(out)
    }

    /// Make the library kept by its people, owned by a new person `name` with their own
    /// `passphrase`: their slot is added to `keys.json`, the ownership committed, and the
    /// passphrase slots retired (the recovery key stays: it reads, and signs nothing).
    /// Crash-safe: `keys.json` keeps its passphrase slots until the ownership is
    /// committed, and a writer that finds both retires them ([`Library::signed_in`]).
    pub fn become_owner(
        &mut self,
        name: &str,
        passphrase: &str,
        kdf: KdfParams,
    ) -> Result<PublicIdentity> {
        self.writer()?;
        if self.registry()?.is_some() {
            return Err(Error::MemberChangeRefused {
                reason: "the library already has an owner",
            });
        }
        let kf = self.key_file()?;
        // A start interrupted after its slot was written and before the ownership was
        // committed: the same name and passphrase take it up again.
        let resumed = keys::unwrap_person(&kf, name, passphrase).ok();
        if resumed.is_none() && kf.has_people() && self.root().join("remote.json").exists() {
            // A desktop that joined has not received its people yet: a second owner
            // here would split the library.
            return Err(Error::PeopleNotReceived);
        }
        let person = match resumed {
            Some((_, person)) => person,
            None => {
                let mut kf = kf;
                let person = Identity::generate(MemberId::new(), name)?;
                let file = person.wrap(passphrase, kdf)?;
                // Slots of a start that was interrupted and is not taken up again.
                kf.slots.retain(|s| s.member().is_none());
                self.write_person_slot(kf, &file)?;
                person
            }
        };
        let public = person.public().clone();
        self.person = Some(person);
        let audit = self.people_audit(format!("{} owns the library", public.name))?;
        self.commit(vec![
            OpKind::LibraryOwned {
                owner: public.clone(),
            },
            audit,
        ])?;
        self.retire_passphrases()?;
        Ok(public)
    }

    /// Add a person who signs in on this desktop with their own `passphrase` (typed by
    /// them), with `role` (and a department member's `collections`). Only an owner.
    pub fn add_person(
        &mut self,
        name: &str,
        passphrase: &str,
        kdf: KdfParams,
        role: Role,
        collections: &[String],
    ) -> Result<PublicIdentity> {
        self.writer()?;
        let person = Identity::generate(MemberId::new(), name)?;
        let file = person.wrap(passphrase, kdf)?;
        let public = person.public().clone();
        let collections = collections.to_vec();
        self.people_change(
            Change::Grant {
                member: public.clone(),
                role,
                collections: collections.clone(),
                segments: Default::default(),
            },
            format!(
                "{} added as {}{}",
                public.name,
                role.name(),
                in_collections(&collections)
            ),
        )?;
        self.write_person_slot(self.key_file()?, &file)?;
        Ok(public)
    }

    /// Give `member` another role (and a department member's `collections`). Only an
    /// owner.
    pub fn set_role(&mut self, member: MemberId, role: Role, collections: &[String]) -> Result<()> {
        self.writer()?;
        let registry = self.registry()?.ok_or(Error::PeopleNotReceived)?;
        let grant = registry.current(member).ok_or(Error::MemberChangeRefused {
            reason: "only a member can be given a role",
        })?;
        let name = grant.identity.name.clone();
        self.people_change(
            Change::Grant {
                member: grant.identity.clone(),
                role,
                collections: collections.to_vec(),
                segments: self.catalog.cutoff_for(member)?,
            },
            format!(
                "{name} is now {}{}",
                role.name(),
                in_collections(collections)
            ),
        )?;
        // Their slot wraps what the new role is given: the members' key for department
        // staff, the library's for everyone else.
        let kf = self.key_file()?;
        let theirs = kf
            .slots
            .iter()
            .find(|s| s.member() == Some(member))
            .and_then(|s| s.identity())
            .cloned();
        match theirs {
            Some(identity) => self.write_person_slot(kf, &identity),
            None => Ok(()),
        }
    }

    /// Remove `member`: nothing they sign from now on is accepted, and their slot is
    /// taken out of `keys.json`, so their passphrase opens nothing here. Only an owner.
    pub fn remove_person(&mut self, member: MemberId) -> Result<()> {
        self.writer()?;
        let registry = self.registry()?.ok_or(Error::PeopleNotReceived)?;
        let name = registry
            .current(member)
            .map(|g| g.identity.name.clone())
            .unwrap_or_else(|| member.to_string());
        self.people_change(
            Change::Remove {
                member,
                segments: self.catalog.cutoff_for(member)?,
            },
            format!("{name} removed"),
        )?;
        let mut kf = self.key_file()?;
        kf.slots.retain(|s| s.member() != Some(member));
        self.write_key_file(&kf)
    }

    /// Change the signed-in person's own passphrase: their identity (the same keys)
    /// wrapped by the new one replaces their slot, on every desktop once synced.
    pub fn change_passphrase(&mut self, passphrase: &str, kdf: KdfParams) -> Result<()> {
        self.writer()?;
        let person = self.person.as_ref().ok_or(Error::SignInRequired {
            what: "change your passphrase",
        })?;
        let file = person.wrap(passphrase, kdf)?;
        let name = file.public.name.clone();
        let mut kf = self.key_file()?;
        keys::rewrap_person_slot(&mut kf, &file)?;
        self.write_key_file(&kf)?;
        let audit = self.people_audit(format!("{name} changed their passphrase"))?;
        self.commit(vec![audit])
    }

    /// A person who forgot their passphrase gets new keys from an owner: a new identity
    /// under the same member id, with the same role, and a slot for `passphrase` (typed
    /// by them). Their old keys are no longer theirs from this statement on; no recovery
    /// path ever held their signing key. Returns the new identity, whose fingerprint the
    /// person compares on their own screen.
    pub fn reset_person(
        &mut self,
        member: MemberId,
        passphrase: &str,
        kdf: KdfParams,
    ) -> Result<PublicIdentity> {
        self.writer()?;
        if self.person.as_ref().map(|p| p.public().member) == Some(member) {
            // Signed with the keys the statement retires, the change would be refused.
            return Err(Error::MemberChangeRefused {
                reason: "you cannot give yourself new keys: change your passphrase instead, \
                         or ask another owner",
            });
        }
        let registry = self.registry()?.ok_or(Error::PeopleNotReceived)?;
        let grant = registry
            .current(member)
            .ok_or(Error::MemberChangeRefused {
                reason: "only a member can be given new keys",
            })?
            .clone();
        let person = Identity::generate(member, &grant.identity.name)?;
        let file = person.wrap(passphrase, kdf)?;
        let public = person.public().clone();
        self.people_change(
            Change::Grant {
                member: public.clone(),
                role: grant.role,
                collections: grant.collections.clone(),
                segments: self.catalog.cutoff_for(member)?,
            },
            format!(
                "{} was given new keys (a forgotten passphrase)",
                public.name
            ),
        )?;
        self.write_person_slot(self.key_file()?, &file)?;
        Ok(public)
    }

    /// Resolve what a person typed (a name, without regard to case, or a member id or its
    /// prefix) to one member of the library.
    pub fn resolve_person(&self, who: &str) -> Result<MemberId> {
        let who = who.trim();
        let people = self.people()?;
        let by_name: Vec<_> = people
            .iter()
            .filter(|p| p.name.eq_ignore_ascii_case(who))
            .collect();
        let found: Vec<_> = if by_name.is_empty() {
            people
                .iter()
                .filter(|p| !who.is_empty() && p.member.to_string().starts_with(who))
                .collect()
        } else {
            by_name
        };
        match found.as_slice() {
            [one] => Ok(one.member),
            _ => Err(Error::NotUnderstood {
                input: who.to_owned(),
                expected: "the name or id of exactly one person of the library",
            }),
        }
    }

    /// A statement `change` made and signed by the signed-in owner, committed with its
    /// audit entry.
    pub(super) fn people_change(&mut self, change: Change, detail: String) -> Result<()> {
        let registry = self.registry()?.ok_or(Error::PeopleNotReceived)?;
        let by = self.person.as_ref().ok_or(Error::SignInRequired {
            what: Permission::ManagePeople.name(),
        })?;
        let statement = registry.make(by, change, chrono::Utc::now().timestamp_millis())?;
        let audit = self.people_audit(detail)?;
        self.commit(vec![OpKind::MemberStatement { statement }, audit])?;
        self.rekey_collections()
    }

    pub(super) fn people_audit(&self, detail: String) -> Result<OpKind> {
        self.audit_op(AuditAction::PeopleChanged, None, None, Some(detail))
    }

    /// Who acts, in words: the signed-in person's name, else the OS user name.
    pub(super) fn who(&self) -> String {
        match self.person() {
            Some(p) => p.name.clone(),
            None => super::user_name(),
        }
    }

    /// Once the library has an owner, no passphrase slot unlocks it: each is removed
    /// (the recovery key's slot stays). Finishes a [`Library::become_owner`] a crash
    /// interrupted, and takes in what another desktop did.
    fn retire_passphrases(&mut self) -> Result<()> {
        if !self.is_writer() {
            return Ok(());
        }
        let mut kf = self.key_file()?;
        if !kf.has_people() {
            return Ok(());
        }
        if kf.drop_passphrase_slots() {
            self.write_key_file(&kf)?;
        }
        // Nor does the OS keyring keep its key: whoever sits at a shared desktop's session
        // could take it from there. No keyring on this desktop: nothing kept to forget.
        let _ = crate::keys::OsKeyring.forget(self.library_id());
        Ok(())
    }

    /// `kf` with `file`'s slot (replacing the person's earlier one), written as
    /// `keys.json`: wrapping the members' key for a member of department staff, the
    /// library's key for anyone else (and for a person not a member yet: an owner
    /// taking the library into their keeping).
    pub(super) fn write_person_slot(&self, mut kf: KeyFile, file: &IdentityFile) -> Result<()> {
        let label = format!("person: {}", file.public.name);
        let department = self.registry()?.is_some_and(|r| {
            r.current(file.public.member)
                .is_some_and(|g| g.role == Role::DepartmentStaff)
        });
        let library = self.library_key()?;
        let key = if department {
            LibraryKey::Members(library.members_key())
        } else {
            LibraryKey::Library(library.clone())
        };
        keys::add_person_slot(&mut kf, &key, file, &label)?;
        self.write_key_file(&kf)
    }

    pub(super) fn write_key_file(&self, kf: &KeyFile) -> Result<()> {
        let mut kf = kf.clone();
        kf.format = kf.format_needed();
        super::write_private(&self.keys_path(), &serde_json::to_vec_pretty(&kf)?)
    }

    /// The collection new documents of the signed-in person are in: a department
    /// member's first; `None` ("all") for everyone else.
    pub(super) fn home_collection(&self) -> Result<Option<String>> {
        let (Some(registry), Some(person)) = (self.registry()?, self.person.as_ref()) else {
            return Ok(None);
        };
        Ok(registry
            .current(person.public().member)
            .filter(|g| g.role == Role::DepartmentStaff)
            .and_then(|g| g.collections.first().cloned()))
    }

    /// In a library kept by its people, that the signed-in person may add and change
    /// records in `collection` (`None`: "all"); nothing is checked in one without people.
    pub(super) fn may_edit_in(&self, collection: Option<&str>) -> Result<()> {
        let Some(registry) = self.registry()? else {
            return Ok(());
        };
        let person = self.person.as_ref().ok_or(Error::SignInRequired {
            what: Permission::Edit.name(),
        })?;
        registry.may(
            person.public().member,
            Permission::Edit,
            Some(collection.unwrap_or(crate::format::subject::ALL_COLLECTION)),
        )
    }

    /// Whether the signed-in person may export `docs` (an export is audited after it is
    /// written; this asks first, so a refused export writes nothing).
    pub(super) fn may_export(&self, docs: &[DocId]) -> Result<()> {
        let probe: Vec<OpKind> = docs
            .iter()
            .map(|d| self.audit_op(AuditAction::Exported, Some(*d), None, None))
            .collect::<Result<_>>()?;
        self.check_may(&probe)
    }

    /// In a library kept by its people, that the signed-in person may do what
    /// `permission` allows (outside any one collection); nothing is checked in one
    /// without people.
    pub(super) fn require(&self, permission: Permission) -> Result<()> {
        let Some(registry) = self.registry()? else {
            return Ok(());
        };
        let person = self.person.as_ref().ok_or(Error::SignInRequired {
            what: permission.name(),
        })?;
        counted(&registry, person, KEYS_NOT_COUNTED)?;
        registry.may(person.public().member, permission, None)
    }

    /// Whether the signed-in person may commit `kinds`: nothing is checked in a library
    /// without people; in one with people, someone must be signed in and their role must
    /// allow each operation (a department member's, in the collections of the documents
    /// it changes, as they are and as the operations set them).
    pub(super) fn check_may(&self, kinds: &[OpKind]) -> Result<()> {
        let registry = match self.registry()? {
            Some(r) => r,
            None if self.key_file()?.has_people() && !kinds.iter().any(is_ownership) => {
                return Err(Error::PeopleNotReceived);
            }
            None => return Ok(()),
        };
        let Some(person) = self.person.as_ref() else {
            let what = kinds
                .iter()
                .find(|k| !matches!(k, OpKind::Audit { .. }))
                .map_or(Permission::Read, needs);
            return Err(Error::SignInRequired { what: what.name() });
        };
        counted(&registry, person, KEYS_NOT_COUNTED)?;
        let docs: Vec<DocId> = kinds.iter().filter_map(doc_of).collect();
        let collections = self.catalog.collections_of(&docs)?.into_iter().collect();
        let kinds: Vec<&OpKind> = kinds.iter().collect();
        registry.allows(person.public().member, registry.seq(), &kinds, &collections)
    }

    /// `kinds` in groups of one scope each, in the order `members::by_scope` gives.
    pub(super) fn by_scope(
        &self,
        kinds: Vec<OpKind>,
    ) -> Result<Vec<(crate::members::BatchScope, Vec<OpKind>)>> {
        let docs: Vec<DocId> = kinds.iter().filter_map(crate::members::doc_of).collect();
        let before = self.catalog.collections_of(&docs)?.into_iter().collect();
        let packs = if kinds
            .iter()
            .any(|k| matches!(k, OpKind::PackDropped { .. }))
        {
            self.catalog.pack_keys()?
        } else {
            std::collections::HashMap::new()
        };
        let groups = crate::members::by_scope(kinds, &before, |p| {
            packs.get(p).map(|k| k.collection.clone())
        });
        Ok(groups)
    }
}

/// What a person whose keys the registry no longer counts may not do.
const KEYS_NOT_COUNTED: &str = "act with keys the library no longer counts as theirs";

/// `person`'s grant, when the registry counts them now with these keys (not removed, not
/// given new keys since): else [`Error::NotPermitted`] saying they may not `what`.
fn counted<'r>(registry: &'r Registry, person: &Identity, what: &'static str) -> Result<&'r Grant> {
    let member = person.public().member;
    match registry.current(member) {
        Some(g) if g.identity.binding() == person.public().binding() => Ok(g),
        other => Err(Error::NotPermitted {
            member,
            role: other.map(|g| g.role),
            what,
        }),
    }
}

fn is_ownership(kind: &OpKind) -> bool {
    matches!(kind, OpKind::LibraryOwned { .. })
}

pub(super) fn in_collections(collections: &[String]) -> String {
    if collections.is_empty() {
        String::new()
    } else {
        format!(" in {}", collections.join(", "))
    }
}
