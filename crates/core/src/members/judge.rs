//! Judging what a member did (issue 21): whether the role they held allows each operation
//! of a batch (department staff only in the collections of the documents it changes, as
//! they were and as the batch sets them), and, for a batch that reached this desktop from
//! elsewhere, whether it is theirs (their signature over exactly these operations) and was
//! made before a removal cut them off. The one rule a desktop committing
//! (`Library::check_may`) and a desktop receiving (the catalog's verdicts) both apply.

use std::collections::HashMap;

use super::{Grant, Prechecked, Registry};
use crate::error::{Error, Result};
use crate::format::batch;
use crate::format::op::{FieldKey, Op, OpKind, Stamp};
use crate::ids::{DocId, LibraryId, MemberId};
use crate::keys::{Identity, Purpose, verify_signature};
use crate::role::{BatchRefusal, Permission, Role};

/// The collection each document is in as this desktop holds it (`None`: in none, that is
/// "all"); documents it does not hold are absent.
pub(crate) type Collections = HashMap<DocId, Option<String>>;

/// What a desktop makes of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Its author's, allowed by their role then: applied.
    Accepted,
    /// Made at a place of the people's chain this desktop has not reached: kept, and
    /// judged again when more statements arrive.
    Pending,
    /// Kept in the journal (nothing is lost) but not applied, and reported.
    Refused(BatchRefusal),
}

/// A batch as it lies in the journal: its closing [`OpKind::Signed`], the operations it
/// covers and the JSON of each (what the signature is over), and the segment of its
/// device that holds it (not sent yet: the first it can be sent in).
pub struct Batch<'a> {
    pub closing: &'a Op,
    pub covered: &'a [Op],
    pub bodies: &'a [String],
    pub position: u64,
}

impl Registry {
    /// Whether `member`, as the registry stood after statement `seq`, might make `kinds`;
    /// `collections` holds the collection of each document they change.
    pub(crate) fn allows(
        &self,
        member: MemberId,
        seq: u64,
        kinds: &[&OpKind],
        collections: &Collections,
    ) -> Result<()> {
        let not_member = || Error::NotPermitted {
            member,
            role: None,
            what: "act in this library",
        };
        let grant = self.role_at(member, seq).ok_or_else(not_member)?;
        if grant.role != Role::DepartmentStaff {
            for kind in kinds {
                self.may_at(member, seq, needs(kind), None)?;
            }
            return Ok(());
        }
        // A department member: every document changed must be in one of their
        // collections, before and after.
        let collection = super::scope::touched_collections(kinds, collections);
        for kind in kinds {
            if is_housekeeping(kind) {
                // Packs hold no record of their own: the documents' operations in the
                // same batch are what is judged. Every member's desktop asks for and
                // gives the erasure key, in no collection.
                continue;
            }
            let permission = needs(kind);
            match doc_of(kind) {
                Some(doc) => {
                    for c in collection.get(&doc).into_iter().flatten() {
                        self.may_at(member, seq, permission, Some(c))?;
                    }
                }
                // An audit event about no document goes with the change it records.
                None if matches!(kind, OpKind::Audit { .. }) => {}
                None => self.may_at(member, seq, permission, subject_collection(kind))?,
            }
        }
        Ok(())
    }

    /// What this desktop makes of `batch` from another desktop (or from its own journal);
    /// `collections` gives the collection of each document it changes, asked only when
    /// its signer is department staff; `prechecked` holds signatures checked ahead.
    pub(crate) fn judge_batch(
        &self,
        batch: &Batch<'_>,
        prechecked: &mut Prechecked,
        collections: impl FnOnce() -> Result<Collections>,
    ) -> Result<Verdict> {
        let (member, at, grant) = match self.signer(batch, prechecked) {
            Ok(signer) => signer,
            Err(verdict) => return Ok(verdict),
        };
        let point = self.cut_off_at(member, at, batch);
        let Some(now) = self.role_at(member, point) else {
            return Ok(Verdict::Refused(BatchRefusal::NotAMember { member }));
        };
        if now.identity.binding() != grant.identity.binding() {
            // Keys given anew since `at`: the old ones count only up to the cut.
            return Ok(Verdict::Refused(BatchRefusal::BadSignature { member }));
        }
        let collections = if now.role == Role::DepartmentStaff {
            collections()?
        } else {
            // Only a department member's changes depend on where documents are.
            Collections::new()
        };
        if now.role == Role::DepartmentStaff {
            // A document this desktop does not hold yet (and the batch does not create)
            // cannot be placed in a collection: judged when it arrives.
            let created: Vec<DocId> = batch
                .covered
                .iter()
                .filter_map(|op| match &op.kind {
                    OpKind::DocumentCreated { doc, .. } => Some(*doc),
                    _ => None,
                })
                .collect();
            let unknown = batch
                .covered
                .iter()
                .filter_map(|op| doc_of(&op.kind))
                .any(|d| !collections.contains_key(&d) && !created.contains(&d));
            if unknown {
                return Ok(Verdict::Pending);
            }
        }
        let kinds: Vec<&OpKind> = batch.covered.iter().map(|op| &op.kind).collect();
        match self.allows(member, point, &kinds, &collections) {
            Ok(()) => Ok(Verdict::Accepted),
            Err(Error::NotPermitted {
                role: Some(role),
                what,
                ..
            }) => Ok(Verdict::Refused(BatchRefusal::NotPermitted {
                member,
                role,
                what,
            })),
            Err(Error::NotPermitted { role: None, .. }) => {
                Ok(Verdict::Refused(BatchRefusal::NotAMember { member }))
            }
            Err(e) => Err(e),
        }
    }

    /// Whose `batch` is: its signer and the place of the people's chain they signed at,
    /// when the signature is theirs (with the keys they held there) over exactly its
    /// operations; otherwise what it is instead (pending, or refused). The half of
    /// [`Registry::judge_batch`] that `dossier audit verify` asks again of the batches
    /// the catalog holds.
    pub(crate) fn signer(
        &self,
        batch: &Batch<'_>,
        prechecked: &mut Prechecked,
    ) -> std::result::Result<(MemberId, u64, &Grant), Verdict> {
        let OpKind::Signed {
            member,
            at,
            signature,
            ..
        } = &batch.closing.kind
        else {
            return Err(Verdict::Refused(BatchRefusal::Malformed));
        };
        let (member, at) = (*member, *at);
        if at > self.seq() {
            return Err(Verdict::Pending);
        }
        let Some(grant) = self.role_at(member, at) else {
            return Err(Verdict::Refused(BatchRefusal::NotAMember { member }));
        };
        let message = batch::message(self.library, &batch.closing.stamp, member, at, batch.bodies);
        let checked = prechecked.verified(
            &batch.closing.stamp.key(),
            &grant.identity,
            signature,
            &message,
        );
        if !checked
            && verify_signature(
                &grant.identity,
                Purpose::OpBatch,
                &message,
                signature,
                "a batch of changes",
            )
            .is_err()
        {
            return Err(Verdict::Refused(BatchRefusal::BadSignature { member }));
        }
        Ok((member, at, grant))
    }

    /// The place `batch` is judged at: `at`, unless a later change of its signer's access
    /// (a removal, a new role, new keys) cut off the segments of its device before the one
    /// holding it, in which case that change's place: no one can go behind a change to
    /// their access by signing an earlier `at`.
    fn cut_off_at(&self, member: MemberId, at: u64, batch: &Batch<'_>) -> u64 {
        let device = batch.closing.stamp.device;
        self.history
            .get(&member)
            .into_iter()
            .flatten()
            .filter(|t| t.from_seq > at)
            .find(|t| {
                t.cutoff
                    .get(&device)
                    .is_none_or(|last| batch.position > *last)
            })
            .map_or(at, |t| t.from_seq)
    }
}

/// The operation closing the batch `covered` (stamped `stamp`), signed by `by` as the
/// registry of `library` stood after statement `at`.
pub fn sign_batch(
    by: &Identity,
    library: LibraryId,
    at: u64,
    covered: &[Op],
    stamp: Stamp,
) -> Result<Op> {
    let member = by.public().member;
    let bodies = covered
        .iter()
        .map(serde_json::to_vec)
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let message = batch::message(library, &stamp, member, at, &bodies);
    Ok(Op {
        stamp,
        kind: OpKind::Signed {
            member,
            at,
            covers: u32::try_from(covered.len()).map_err(|_| Error::BatchRefused {
                refusal: BatchRefusal::Malformed,
            })?,
            signature: by.sign(Purpose::OpBatch, &message).to_vec(),
            scope: Vec::new(),
        },
    })
}

/// The document an operation changes or (an audit event) is about.
pub(crate) fn doc_of(kind: &OpKind) -> Option<DocId> {
    match kind {
        OpKind::Audit { event } => event.doc,
        other => other.doc(),
    }
}

/// Storage housekeeping: a pack added or given up holds no record of its own.
fn is_housekeeping(kind: &OpKind) -> bool {
    matches!(
        kind,
        OpKind::PackAdded { .. }
            | OpKind::PackDropped { .. }
            | OpKind::ErasureKeyWanted { .. }
            | OpKind::ErasureKeyGiven { .. }
            | OpKind::RecordKeys { .. }
    )
}

/// The collection an operation about people's records or settings names, if any.
fn subject_collection(kind: &OpKind) -> Option<&str> {
    match kind {
        OpKind::SubjectCreated { collection, .. }
        | OpKind::SubjectSet { collection, .. }
        | OpKind::SubjectMerged { collection, .. }
        | OpKind::DocumentSubjectSet { collection, .. } => Some(collection),
        _ => None,
    }
}

/// The permission an operation needs.
pub(crate) fn needs(kind: &OpKind) -> Permission {
    match kind {
        // An audit event and a signature go with the change they record or close.
        OpKind::Audit { .. } | OpKind::Signed { .. } => Permission::Read,
        // Storage housekeeping (imports, sync, prune): whoever may read may keep it.
        OpKind::PackAdded { .. } | OpKind::PackDropped { .. } => Permission::Read,
        // Every member's desktop holds the erasure key (it opens nothing alone): asks for
        // it and gives it. An epoch begins with a destruction, which is the records
        // officer's; so is the recovery code that must be made again after one.
        OpKind::ErasureKeyWanted { code: true, .. } => Permission::Dispose,
        OpKind::ErasureKeyWanted { .. } | OpKind::ErasureKeyGiven { .. } => Permission::Read,
        // Whoever adds a record gives its key (department staff too). A key given for a
        // record under another id than its versions name is never taken for it, so a
        // made-up one costs nothing but its bytes.
        OpKind::RecordKeys { .. } => Permission::Read,
        OpKind::ErasureEpoch { .. } => Permission::Dispose,
        OpKind::Purged { .. }
        | OpKind::SeriesSet { .. }
        | OpKind::Destroyed { .. }
        | OpKind::DestructionRecorded { .. }
        | OpKind::RemoteChecked { .. } => Permission::Dispose,
        OpKind::FieldSet {
            key: FieldKey::LegalHold | FieldKey::RetainUntil,
            ..
        } => Permission::Dispose,
        OpKind::LibraryOwned { .. }
        | OpKind::MemberStatement { .. }
        | OpKind::Invited { .. }
        | OpKind::InvitationWithdrawn { .. }
        | OpKind::CollectionKeys { .. } => Permission::ManagePeople,
        // Documents, versions, tags, fields, packs, people's records, rules, views,
        // requirements and document types.
        _ => Permission::Edit,
    }
}
