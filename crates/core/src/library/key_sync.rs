//! Key slots across desktops. A passphrase added or removed on one desktop reaches the
//! others through the remote: each change is published as a new write-once key object
//! (`keys/<n>`, a [`RepoFile`] authenticated with a key derived from the master key), the
//! newest authentic one of which is the library's slot set; a desktop takes in the newest
//! one, keeping what was added or removed here since the last one it saw. Sync
//! (`dossier-sync`) moves the objects; this is the bookkeeping.
//!
//! **Invariant:** slots are taken in only from a key object that verifies under this
//! library's master key as the number it was fetched under: a forged, altered, replayed
//! or format-1 object is refused ([`Error::Integrity`]), never merged. The slot set never
//! becomes empty nor loses its last usable slot.

use std::collections::HashSet;

use super::{Library, Secret};
use crate::catalog::KeysSeen;
use crate::error::{Error, Result};
use crate::format::keyfile::{KeyFile, KeySlot};
use crate::format::repo::{Authenticity, ObjectSignature, RepoFile, key_object_name};
use crate::ids::{LibraryId, MemberId};
use crate::keys::{self, Identity, LibraryKey, Purpose};
use crate::members::Registry;
use crate::role::Role;

/// What a merge takes as the slots last seen on the remote.
#[derive(Clone, Copy)]
enum Seen {
    /// Those the catalog recorded (`key_sync`).
    AsRecorded,
    /// Unknown: only the slots on both sides count as seen.
    Unknown,
}

/// Whose slot changes a key object brings ([`vouched_for`]).
enum Vouched {
    /// Every slot's: an owner signed it, or the library has no people.
    Every,
    /// Only the slots of this person (`None`: nobody's).
    Own(Option<MemberId>),
}

fn refused(seq: u64, detail: &'static str) -> Error {
    Error::Integrity {
        object: key_object_name(seq),
        detail,
    }
}

impl Library {
    /// The newest key object taken in or published; `None` before the first (just after
    /// adding a remote).
    pub fn keys_seen(&self) -> Result<Option<KeysSeen>> {
        self.catalog.key_sync()
    }

    /// This desktop's key slots as key object `seq`, authenticated, and signed by the
    /// person signed in: the bytes to publish.
    pub fn key_object(&self, seq: u64) -> Result<Vec<u8>> {
        let mut repo = RepoFile::seal(self.key_file()?, seq, self.crypto.key_object_key());
        if let Some(person) = &self.person {
            repo.signature = Some(ObjectSignature {
                by: person.public().member,
                signature: person
                    .sign(Purpose::KeyObject, &repo.signed_bytes(seq))
                    .to_vec(),
            });
        }
        Ok(repo.to_bytes())
    }

    /// Read key object `seq` and check it: it must parse, name this library, wrap this
    /// library's master key and carry a tag that verifies as `seq`. Returns the object
    /// with [`Authenticity::Authentic`] or [`Authenticity::Legacy`] (format 1, which
    /// cannot be checked); a forged one is [`Error::Integrity`].
    pub fn open_key_object(&self, seq: u64, body: &[u8]) -> Result<(RepoFile, Authenticity)> {
        let repo = RepoFile::parse(body).map_err(|e| match e {
            Error::Integrity { detail, .. } => refused(seq, detail),
            e => e,
        })?;
        let local = self.key_file()?;
        if repo.library_id != local.library_id {
            return Err(refused(seq, "it belongs to another library"));
        }
        if repo.keys.key_check != local.key_check {
            return Err(refused(seq, "it wraps another key"));
        }
        match repo.authenticity(seq, self.crypto.key_object_key()) {
            Authenticity::Forged => Err(refused(
                seq,
                "its authentication tag does not verify: it was forged, altered or copied \
                 from another key object",
            )),
            authenticity => Ok((repo, authenticity)),
        }
    }

    /// Take in key object `seq`: its slots, with the slots added here since the last
    /// object seen kept and those removed here left out. Returns whether this desktop's
    /// slots changed. Refused ([`Error::Integrity`]) unless the object is authentic
    /// ([`Library::open_key_object`]; format 1 is refused too), or when taking it in would
    /// leave no usable slot.
    pub fn merge_remote_keys(&mut self, seq: u64, body: &[u8]) -> Result<bool> {
        self.merge_keys(seq, body, Seen::AsRecorded)
    }

    /// Whether key object `seq`, the newest this desktop took in or published, still
    /// holds the slots it saw there, authenticated. Not so when a desktop publishing the
    /// same number at the same moment replaced it (a store that cannot refuse a second
    /// writer: this desktop's change is not on the remote) or when it was replaced since.
    pub fn keys_still_seen(&self, seq: u64, body: &[u8]) -> Result<bool> {
        let Some(seen) = self.catalog.key_sync()?.filter(|s| s.seq == seq) else {
            return Ok(false);
        };
        let there = match self.open_key_object(seq, body) {
            Ok((repo, Authenticity::Authentic)) => repo,
            Ok(_) | Err(Error::Integrity { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        let theirs: HashSet<&str> = there.keys.slots.iter().map(|s| s.id.as_str()).collect();
        let ids: HashSet<&str> = seen.ids.iter().map(String::as_str).collect();
        Ok(theirs == ids)
    }

    /// Take in key object `seq` after finding it is not what this desktop saw there
    /// ([`Library::keys_still_seen`]): what this desktop believed it saw is unknown, so
    /// nothing is taken as removed on either side (the slots of both are kept); then
    /// this desktop publishes the result above it.
    pub fn retake_remote_keys(&mut self, seq: u64, body: &[u8]) -> Result<bool> {
        self.merge_keys(seq, body, Seen::Unknown)
    }

    fn merge_keys(&mut self, seq: u64, body: &[u8], seen: Seen) -> Result<bool> {
        self.writer()?;
        let (remote, authenticity) = self.open_key_object(seq, body)?;
        if authenticity != Authenticity::Authentic {
            return Err(refused(
                seq,
                "it is not authenticated (written by a Dossier older than 2026-12, or by \
                 someone without the library's key); update Dossier on every desktop",
            ));
        }
        let local = self.key_file()?;
        let state = self.catalog.key_sync()?;
        let here: HashSet<&str> = local.slots.iter().map(|s| s.id.as_str()).collect();
        let theirs: HashSet<&str> = remote.keys.slots.iter().map(|s| s.id.as_str()).collect();
        let seen: HashSet<&str> = match (&state, seen) {
            (Some(s), Seen::AsRecorded) => s.ids.iter().map(String::as_str).collect(),
            // First contact, or what was seen is unknown: nothing is known to be removed
            // on either side.
            _ => here.intersection(&theirs).copied().collect(),
        };
        let mut merged = local.clone();
        merged.slots = remote
            .keys
            .slots
            .iter()
            .filter(|s| here.contains(s.id.as_str()) || !seen.contains(s.id.as_str()))
            .chain(
                local
                    .slots
                    .iter()
                    .filter(|s| !seen.contains(s.id.as_str()) && !theirs.contains(s.id.as_str())),
            )
            .cloned()
            .collect();
        let registry = self.registry()?;
        let vouched = vouched_for(seq, &remote, registry.as_ref(), &local)?;
        if let Vouched::Own(signer) = vouched {
            // Someone who is not an owner changes their own slot only: every other slot
            // stays as this desktop holds it (a member with the bucket's credentials
            // and the members' key cannot lock colleagues out by leaving their slots
            // out, nor replace them).
            let theirs = |slot: &&KeySlot| signer.is_some() && slot.member() == signer;
            let before: Vec<&KeySlot> = local.slots.iter().filter(theirs).collect();
            let after: Vec<KeySlot> = merged.slots.iter().filter(theirs).cloned().collect();
            merged.slots = if before.iter().copied().eq(after.iter()) {
                local.slots.clone()
            } else {
                let others = local.slots.iter().filter(|slot| !theirs(slot)).cloned();
                others.chain(after).collect()
            };
        }
        one_slot_per_person(&mut merged.slots, registry.as_ref());
        // Derived from the library's key: the same wherever an owner wrote it.
        if merged.members_check.is_none() && matches!(vouched, Vouched::Every) {
            merged.members_check.clone_from(&remote.keys.members_check);
        }
        if merged.has_people() && registry.is_some() {
            // A library kept by its people opens for a person alone: a passphrase slot
            // from the remote (an older object, or a desktop that has not heard) is not
            // taken in. Only once its owner is known here: a person's slot alone (a start
            // interrupted before its ownership was committed) retires nothing.
            merged.drop_passphrase_slots();
        }
        if !merged.slots.iter().any(KeySlot::usable) {
            return Err(refused(seq, "taking it in would leave no usable key slot"));
        }
        let changed = merged != local;
        if changed {
            self.write_key_file(&merged)?;
        }
        let theirs: Vec<String> = theirs.iter().map(|s| (*s).to_owned()).collect();
        self.catalog.set_key_sync(seq, &theirs)?;
        Ok(changed)
    }

    /// This desktop's slots as key object `next`, when they differ from the newest object
    /// seen or that one was not authenticated (so the remote gets an authentic one). In
    /// a library with people, only in the slots the person signed in vouches for (every
    /// slot for an owner, their own for anyone else): others would pass over the rest,
    /// and two desktops that differ there would publish in turn for ever.
    pub fn keys_to_publish(&self, next: u64) -> Result<Option<Vec<u8>>> {
        let Some(seen) = self.catalog.key_sync()? else {
            return Ok(None);
        };
        let mine = match (self.registry()?, &self.person) {
            (Some(registry), Some(me)) => registry
                .current(me.public().member)
                .filter(|g| g.role != Role::Owner)
                .map(|_| me.public().member),
            _ => None,
        };
        let here: HashSet<String> = self
            .key_file()?
            .slots
            .into_iter()
            .filter(|s| mine.is_none() || s.member() == mine)
            .map(|s| s.id)
            .collect();
        let ids: HashSet<String> = seen.ids.into_iter().collect();
        let differs = match mine {
            None => here != ids,
            // Their new slot not there yet (the one it replaced goes with it).
            Some(_) => !here.is_subset(&ids),
        };
        if !differs && seen.authentic {
            return Ok(None);
        }
        self.key_object(next).map(Some)
    }

    /// Note that this desktop's slots are now key object `seq` on the remote.
    pub fn keys_published(&mut self, seq: u64) -> Result<()> {
        self.writer()?;
        let ids: Vec<String> = self.key_file()?.slots.into_iter().map(|s| s.id).collect();
        self.catalog.set_key_sync(seq, &ids)
    }
}

/// Whose changes key object `seq` (`repo`) may bring to a desktop whose people are
/// `registry` and whose slots are `local`: anyone's in a library without people (only a
/// holder of its key can tag it); otherwise those of the current member who signed it,
/// every slot's when an owner did, and nobody's when it is unsigned, or signed by
/// someone removed or by a key that is not theirs. A desktop of people that holds no
/// people's history yet (joined, before its first sync receives it) cannot judge a
/// signer: nobody's, until it can.
fn vouched_for(
    seq: u64,
    repo: &RepoFile,
    registry: Option<&Registry>,
    local: &KeyFile,
) -> Result<Vouched> {
    let Some(registry) = registry else {
        return Ok(if local.has_people() {
            Vouched::Own(None)
        } else {
            Vouched::Every
        });
    };
    let Some(signed) = &repo.signature else {
        return Ok(Vouched::Own(None));
    };
    let Some(grant) = registry.current(signed.by) else {
        return Ok(Vouched::Own(None));
    };
    match keys::verify_signature(
        &grant.identity,
        Purpose::KeyObject,
        &repo.signed_bytes(seq),
        &signed.signature,
        &key_object_name(seq),
    ) {
        Ok(()) if grant.role == Role::Owner => Ok(Vouched::Every),
        Ok(()) => Ok(Vouched::Own(Some(signed.by))),
        Err(Error::BadSignature { .. }) => Ok(Vouched::Own(None)),
        Err(e) => Err(e),
    }
}

/// The most distinct slots a join tries with one secret (one Argon2id run each): a
/// library has a few passphrases and one slot per person; a remote offering more that
/// fit is someone making desktops work for nothing.
const MAX_JOIN_TRIES: usize = 16;

/// Which of a remote's key objects a new desktop joins with, and the key `secret`
/// unwraps (the library's, or the members' for department staff). `objects` are the remote's key objects by number, any order; those that do
/// not parse are passed over. The newest object that verifies under the master key is
/// the library's slot set, and the secret must open one of *its* slots: a passphrase
/// removed since cannot join through an older object. Only when no object verifies (a
/// remote written before key objects were authenticated) is the newest format-1 object
/// the secret opens trusted, on first use.
pub(super) fn choose_for_join(
    objects: &[(u64, Vec<u8>)],
    secret: &Secret,
) -> Result<(LibraryKey, KeyFile, Option<Identity>)> {
    let mut parsed: Vec<(u64, RepoFile)> = objects
        .iter()
        .filter_map(|(seq, body)| Some((*seq, RepoFile::parse(body).ok()?)))
        .collect();
    if parsed.is_empty() {
        return Err(Error::Integrity {
            object: "the remote's key objects".into(),
            detail: "none of them can be read",
        });
    }
    parsed.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
    // Each distinct slot of each library id (the id is bound into the wrapping) is tried
    // once (one Argon2 run), newest objects first.
    let mut failed: Vec<(LibraryId, &KeySlot)> = Vec::new();
    let mut only_unusable = true;
    let mut found = None;
    'objects: for (_, repo) in &parsed {
        for slot in &repo.keys.slots {
            if !keys::fits(slot, secret) || failed.contains(&(repo.library_id, slot)) {
                continue;
            }
            if failed.len() >= MAX_JOIN_TRIES {
                // Objects written to make a join run Argon2id without end.
                break 'objects;
            }
            match keys::unwrap_with_person(&with_slots(&repo.keys, [slot]), secret) {
                Ok((key, person)) if key.fits(&repo.keys) => {
                    found = Some((key, slot, repo.library_id, person));
                    break 'objects;
                }
                // The slot opens, but this object's key check is not its key's: an
                // altered copy. The slot is good; the object is passed over.
                Ok(_) => {
                    only_unusable = false;
                    continue 'objects;
                }
                Err(Error::WrongPassphrase) => only_unusable = false,
                Err(Error::NoUsableKeySlot) => {}
                Err(e) => return Err(e),
            }
            failed.push((repo.library_id, slot));
        }
    }
    let Some((key, opener, library_id, person)) = found else {
        return Err(if only_unusable {
            Error::NoUsableKeySlot
        } else {
            Error::WrongPassphrase
        });
    };
    let tags = key.key_object_key();
    // Whether the secret opens one of this object's slots: the one that opened the key,
    // or one not tried yet.
    let opens = |file: &KeyFile| {
        file.slots.contains(opener)
            || keys::unwrap_any(
                &with_slots(
                    file,
                    file.slots
                        .iter()
                        .filter(|s| !failed.contains(&(file.library_id, *s))),
                ),
                secret,
            )
            .is_ok()
    };
    let ours = parsed
        .iter()
        .filter(|(_, repo)| repo.library_id == library_id && key.fits(&repo.keys));
    let authentic = ours
        .clone()
        .find(|(seq, repo)| repo.authenticity(*seq, &tags) == Authenticity::Authentic);
    let chosen = match authentic {
        Some((_, repo)) => Some(repo).filter(|repo| opens(&repo.keys)),
        None => ours
            .filter(|(seq, repo)| repo.authenticity(*seq, &tags) == Authenticity::Legacy)
            .map(|(_, repo)| repo)
            .find(|repo| opens(&repo.keys)),
    };
    let chosen = chosen.ok_or(Error::WrongPassphrase)?;
    // The person's identity as the chosen object's slot holds it: the one already
    // unwrapped when that slot is the one that opened (one Argon2id run in all).
    let person = if chosen.keys.slots.contains(opener) {
        person
    } else {
        keys::unwrap_with_person(&chosen.keys, secret)?.1
    };
    Ok((key, chosen.keys.clone(), person))
}

/// One slot per person, as a key object must hold: where two desktops each wrote a new
/// slot for one person (a role changed, keys reset) before either saw the other's, the
/// slot for the keys the library counts now stays, then one wrapping the key their role
/// is given, then the newer (an owner's desktop writes a slot of the wrong kind again,
/// `Library::keep_keys`).
fn one_slot_per_person(slots: &mut Vec<KeySlot>, registry: Option<&Registry>) {
    let rank = |slot: &KeySlot| {
        let grant = slot.identity().and_then(|i| {
            registry
                .and_then(|r| r.current(i.public.member))
                .filter(|g| g.identity.binding() == i.public.binding())
        });
        let fits_role = grant.is_some_and(|g| {
            slot.wraps_members_key() == (g.role == crate::role::Role::DepartmentStaff)
        });
        (grant.is_some(), fits_role, slot.created_ms, slot.id.clone())
    };
    let mut chosen: std::collections::HashMap<crate::ids::MemberId, usize> =
        std::collections::HashMap::new();
    for (i, slot) in slots.iter().enumerate() {
        let Some(member) = slot.member() else {
            continue;
        };
        match chosen.get(&member) {
            Some(&j) if rank(&slots[j]) >= rank(slot) => {}
            _ => {
                chosen.insert(member, i);
            }
        }
    }
    let mut i = 0;
    slots.retain(|slot| {
        let keep = slot.member().is_none_or(|m| chosen.get(&m) == Some(&i));
        i += 1;
        keep
    });
}

/// `file` with only `slots`.
fn with_slots<'a>(file: &KeyFile, slots: impl IntoIterator<Item = &'a KeySlot>) -> KeyFile {
    KeyFile {
        format: file.format,
        library_id: file.library_id,
        key_check: file.key_check.clone(),
        members_check: file.members_check.clone(),
        slots: slots.into_iter().cloned().collect(),
    }
}
