//! Erasure epochs (issue 22): each desktop holds the current erasure key in its OS
//! keyring and nowhere else; a destruction begins a new epoch, and every desktop, once it
//! holds the new key, forgets the one before.
//!
//! The epochs travel as operations kept in the journal only (`Catalog::erasure_ops`): an
//! epoch begun (`OpKind::ErasureEpoch`, its key sealed under the one before), a desktop
//! asking for the current key (`OpKind::ErasureKeyWanted`, with a one-time public key)
//! and a desktop giving it (`OpKind::ErasureKeyGiven`). Of two epochs begun at once the
//! one with the higher number counts, then the smaller id; a desktop that cannot reach it
//! from a key it holds asks for it.

use serde::Serialize;

use super::Library;
use crate::catalog::{KeepKey, KeyOps};
use crate::error::{Error, Result};
use crate::format::keyring_entry::HeldErasure;
use crate::format::op::{Op, OpKind};
use crate::ids::ErasureEpochId;
use crate::keys::{ErasureKey, ErasureRecoveryCode, HandoverKey, OsKeyring};

/// The most records' keys one operation gives (48 bytes each, sealed: about 0.5 MiB).
const RECORD_KEYS_PER_OP: usize = 10_000;

/// What this desktop knows of the library's erasure keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErasureStatus {
    /// The library's current epoch and its number (`None`: none began yet).
    pub current: Option<(ErasureEpochId, u64)>,
    /// The epochs whose keys this desktop's keyring holds.
    pub held: Vec<ErasureEpochId>,
    /// This desktop asked for the current key and waits for another desktop to give it.
    pub waiting: bool,
    /// How many desktops' requests for the key this one answered just now.
    pub given: usize,
    /// Whether a printed erasure recovery code reaches the current key.
    pub recovery_code: RecoveryCodeState,
}

/// Where the library's erasure recovery codes stand (`Library::new_erasure_recovery_code`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryCodeState {
    /// No code was made (or none was given a key yet): if every desktop is lost, the
    /// records' content is lost with them.
    #[default]
    None,
    /// The newest code was given a key before the last destruction: it still recovers the
    /// library, and still opens copies taken before that destruction. Make a new one and
    /// shred the old sheet.
    Outdated,
    /// A code was given the current epoch's key.
    Current,
}

impl ErasureStatus {
    /// Whether this desktop holds the current epoch's key and no other.
    pub fn settled(&self) -> bool {
        matches!(self.current, Some((c, _)) if self.held == [c])
    }
}

/// Whether records are about to be added (the first epoch begins with the first).
#[derive(Clone, Copy, PartialEq, Eq)]
enum RecordsComing {
    Yes,
    No,
}

/// An epoch as its operation told it.
struct Epoch {
    /// Its operation's stamp, as its key.
    stamp: String,
    id: ErasureEpochId,
    number: u64,
    previous: Option<ErasureEpochId>,
    sealed: Vec<u8>,
}

/// The erasure operations the catalog holds.
#[derive(Default)]
struct Epochs {
    epochs: Vec<Epoch>,
    /// One-time public keys desktops asked with.
    wanted: Vec<Vec<u8>>,
    /// Those of them that are erasure recovery codes'.
    codes: Vec<Vec<u8>>,
    /// Keys given: to which one-time key, of which epoch, sealed.
    given: Vec<(Vec<u8>, ErasureEpochId, Vec<u8>)>,
}

impl Epochs {
    fn read(ops: Vec<Op>) -> Self {
        let mut out = Self::default();
        for op in ops {
            match op.kind {
                OpKind::ErasureEpoch {
                    epoch,
                    number,
                    previous,
                    sealed,
                } => out.epochs.push(Epoch {
                    stamp: op.stamp.key(),
                    id: epoch,
                    number,
                    previous,
                    sealed,
                }),
                OpKind::ErasureKeyWanted { public, code } => {
                    if code {
                        out.codes.push(public.clone());
                    }
                    out.wanted.push(public)
                }
                OpKind::ErasureKeyGiven { to, epoch, sealed } => {
                    out.given.push((to, epoch, sealed))
                }
                _ => {}
            }
        }
        out
    }

    /// The epoch that counts: of those on a chain from a first epoch (an epoch that names
    /// no epoch before it counts only as number 0, any other only after the one it
    /// names, numbered one more), the highest number, then the smallest id.
    fn current(&self) -> Option<&Epoch> {
        self.chained()
            .into_iter()
            .max_by(|a, b| a.number.cmp(&b.number).then(b.id.cmp(&a.id)))
    }

    /// `epoch` and every epoch before it on its chain: those whose key reaches its key.
    fn up_to(&self, epoch: &Epoch) -> Vec<ErasureEpochId> {
        let mut out = vec![epoch.id];
        let mut at = epoch;
        while let Some(previous) = at.previous
            && let Some(e) = self.epochs.iter().find(|e| e.id == previous)
            && !out.contains(&e.id)
        {
            out.push(e.id);
            at = e;
        }
        out
    }

    /// Whether a recovery code was given the key of `current`, or only older ones.
    fn code_state(&self, current: ErasureEpochId) -> RecoveryCodeState {
        let mut state = RecoveryCodeState::None;
        for (to, epoch, _) in &self.given {
            if self.codes.contains(to) {
                if *epoch == current {
                    return RecoveryCodeState::Current;
                }
                state = RecoveryCodeState::Outdated;
            }
        }
        state
    }

    fn chained(&self) -> Vec<&Epoch> {
        let mut on: Vec<&Epoch> = self
            .epochs
            .iter()
            .filter(|e| e.previous.is_none() && e.number == 0)
            .collect();
        loop {
            let before = on.len();
            for e in &self.epochs {
                let follows = e.previous.is_some_and(|p| {
                    on.iter()
                        .any(|o| o.id == p && o.number.checked_add(1) == Some(e.number))
                });
                if follows && !on.iter().any(|o| o.id == e.id) {
                    on.push(e);
                }
            }
            if on.len() == before {
                return on;
            }
        }
    }
}

/// The keys a keyring entry held, as keys.
fn keys_of(held: &HeldErasure) -> Result<Vec<ErasureKey>> {
    held.keys
        .iter()
        .map(|k| ErasureKey::from_bytes(k.as_ref()))
        .collect()
}

fn entry_of(keys: &[ErasureKey], handover: Option<&HandoverKey>) -> HeldErasure {
    HeldErasure {
        keys: keys
            .iter()
            .map(|k| zeroize::Zeroizing::new(*k.expose()))
            .collect(),
        handover: handover.map(HandoverKey::expose),
    }
}

/// Add to `keys` every epoch's key reachable from one already there.
fn walk(epochs: &Epochs, keys: &mut Vec<ErasureKey>) {
    loop {
        let before = keys.len();
        for e in &epochs.epochs {
            if keys.iter().any(|k| k.epoch() == e.id) {
                continue;
            }
            let opened = e
                .previous
                .and_then(|p| keys.iter().find(|k| k.epoch() == p))
                .and_then(|p| p.open_next(e.id, &e.sealed).ok());
            if let Some(key) = opened {
                keys.push(key);
            }
        }
        if keys.len() == before {
            return;
        }
    }
}

impl Library {
    fn erasure_epochs(&self) -> Result<Epochs> {
        Ok(Epochs::read(self.catalog.erasure_ops()?))
    }

    fn keep_erasure(&self, keys: &[ErasureKey], handover: Option<&HandoverKey>) -> Result<()> {
        OsKeyring.store_erasure(
            self.library_id(),
            self.device_id(),
            &entry_of(keys, handover),
        )
    }

    /// What this desktop knows of the library's erasure keys (its keyring is asked only
    /// once an epoch began).
    pub fn erasure_status(&self) -> Result<ErasureStatus> {
        let epochs = self.erasure_epochs()?;
        let Some(current) = epochs.current() else {
            return Ok(ErasureStatus::default());
        };
        let held = OsKeyring.load_erasure(self.library_id(), self.device_id())?;
        Ok(ErasureStatus {
            current: Some((current.id, current.number)),
            held: keys_of(&held)?.iter().map(ErasureKey::epoch).collect(),
            waiting: held.handover.is_some(),
            given: 0,
            recovery_code: epochs.code_state(current.id),
        })
    }

    /// Hold the current erasure epoch's key and forget every other (from a key held, by
    /// the epochs' chain, or from the key another desktop gave), answer other desktops
    /// that asked for it, or ask for it; and begin a new epoch after a destruction (the
    /// first with the first destruction). What every sync and every destruction does.
    /// Nothing happens, and the keyring is not asked, while there is no epoch to hold or
    /// begin. [`Error::KeyringUnavailable`] when there is no keyring to ask. What the
    /// person signed in may not do (begin an epoch after a destruction takes one who may
    /// dispose of records) is left to a desktop where someone may.
    pub fn settle_erasure(&mut self) -> Result<ErasureStatus> {
        self.settle(RecordsComing::No)
    }

    /// [`Library::settle_erasure`]; with records about to be added, the first epoch
    /// begins even though the library holds none yet.
    fn settle(&mut self, coming: RecordsComing) -> Result<ErasureStatus> {
        let epochs = self.erasure_epochs()?;
        let newest_destruction = self.catalog.newest_destruction()?;
        let Some(current) = epochs.current() else {
            // The first epoch begins with the library's first records, so that every
            // record's own key is under one.
            let records = coming == RecordsComing::Yes || self.catalog.holds_versions()?;
            if records && let Some(first) = self.begin_epoch(None)? {
                return Ok(ErasureStatus {
                    current: Some((first.epoch(), 0)),
                    held: vec![first.epoch()],
                    ..Default::default()
                });
            }
            return Ok(ErasureStatus::default());
        };
        let entry = OsKeyring.load_erasure(self.library_id(), self.device_id())?;
        let mut keys = keys_of(&entry)?;
        let handover = entry
            .handover
            .as_ref()
            .map(|h| HandoverKey::from_bytes(h.as_ref()))
            .transpose()?;
        walk(&epochs, &mut keys);
        if let Some(h) = &handover
            && !keys.iter().any(|k| k.epoch() == current.id)
        {
            let public = h.public();
            for (to, epoch, sealed) in &epochs.given {
                if to[..] == public[..]
                    && !keys.iter().any(|k| k.epoch() == *epoch)
                    && let Ok(key) = h.open(*epoch, sealed)
                {
                    keys.push(key);
                }
            }
            walk(&epochs, &mut keys);
        }
        let mut status = ErasureStatus {
            current: Some((current.id, current.number)),
            ..Default::default()
        };
        let Some(key) = keys.iter().find(|k| k.epoch() == current.id).cloned() else {
            // Ask, with a one-time key kept in the keyring until it is answered; again,
            // with a fresh one, when what was given does not reach the current epoch (an
            // epoch another desktop began at the same time won, or a key did not open).
            let public = handover.as_ref().map(HandoverKey::public);
            let mine = |to: &Vec<u8>| public.is_some_and(|p| to[..] == p[..]);
            let asked = epochs.wanted.iter().any(mine);
            let answered = epochs.given.iter().any(|(to, _, _)| mine(to));
            status.held = keys.iter().map(ErasureKey::epoch).collect();
            if asked && !answered {
                status.waiting = true;
                return Ok(status);
            }
            let h = match handover {
                Some(h) if !asked => h,
                _ => HandoverKey::generate(),
            };
            let ask = OpKind::ErasureKeyWanted {
                public: h.public().to_vec(),
                code: false,
            };
            if self.may_commit(&ask)? {
                self.keep_erasure(&keys, Some(&h))?;
                self.commit(vec![ask])?;
                status.waiting = true;
            }
            return Ok(status);
        };
        let own = handover.as_ref().map(HandoverKey::public);
        // Records' keys first, with every epoch's key in hand, before the old ones are
        // forgotten: one given under an epoch this desktop just moved on from opens still.
        self.open_record_keys(&keys, current.id)?;
        if keys.len() != 1 || handover.is_some() {
            self.keep_erasure(std::slice::from_ref(&key), None)?;
        }
        status.held = vec![key.epoch()];
        // Answer every desktop that asked and was given no key from which the current
        // epoch's is reached (none, or one of an epoch begun at the same time as one on
        // the chain, which lost).
        let reaching = epochs.up_to(current);
        let answers: Vec<OpKind> = epochs
            .wanted
            .iter()
            .filter(|w| own.is_none_or(|o| w[..] != o[..]))
            .filter(|w| {
                !epochs
                    .given
                    .iter()
                    .any(|(to, epoch, _)| to == *w && reaching.contains(epoch))
            })
            .filter_map(|w| {
                Some(OpKind::ErasureKeyGiven {
                    to: w.clone(),
                    epoch: key.epoch(),
                    sealed: HandoverKey::seal_to(w, &key)?,
                })
            })
            .collect();
        if let Some(first) = answers.first()
            && self.may_commit(first)?
        {
            status.given = answers.len();
            self.commit(answers)?;
        }
        // A destruction since the current epoch began ends it; so does one older, when a
        // key of what it destroyed was given under the epoch anyway (the destruction
        // crossed the desktop that gave every key again under it).
        let mut key = key;
        let ended = newest_destruction.is_some_and(|d| d > current.stamp)
            || self.catalog.erasure_tainted(current.id)?;
        if ended && let Some(next) = self.begin_epoch(Some((&key, current.number)))? {
            status.current = Some((next.epoch(), current.number.saturating_add(1)));
            status.held = vec![next.epoch()];
            key = next;
        }
        self.give_record_keys_again(&key)?;
        if let Some((current, _)) = status.current {
            status.recovery_code = self.erasure_epochs()?.code_state(current);
        }
        Ok(status)
    }

    /// Make an erasure recovery code for the records officer to print: it asks for the
    /// erasure key as a desktop does, and this desktop, which holds it, gives it at once
    /// (it reaches the other desktops at the next sync). Someone who may dispose of
    /// records makes it, again after each destruction. The code is shown once and kept
    /// nowhere: [`Error::ErasureKeyNotHeld`] when this desktop does not hold the key.
    pub fn new_erasure_recovery_code(&mut self) -> Result<ErasureRecoveryCode> {
        self.writer()?;
        let status = self.settle_erasure()?;
        let key = match status.current {
            Some((current, _)) if status.settled() => self.held_key(current)?,
            _ => None,
        }
        .ok_or(Error::ErasureKeyNotHeld)?;
        let code = ErasureRecoveryCode::generate();
        let public = code.handover().public();
        // Asked and answered in one commit: a code is never counted that was not shown.
        let ops = vec![
            OpKind::ErasureKeyWanted {
                public: public.to_vec(),
                code: true,
            },
            OpKind::ErasureKeyGiven {
                to: public.to_vec(),
                epoch: key.epoch(),
                sealed: HandoverKey::seal_to(&public, &key).ok_or(Error::ErasureKeyNotHeld)?,
            },
        ];
        self.check_may(&ops)?;
        self.commit(ops)?;
        Ok(code)
    }

    /// The key of epoch `epoch`, if this desktop's keyring holds it.
    fn held_key(&self, epoch: ErasureEpochId) -> Result<Option<ErasureKey>> {
        let entry = OsKeyring.load_erasure(self.library_id(), self.device_id())?;
        Ok(keys_of(&entry)?.into_iter().find(|k| k.epoch() == epoch))
    }

    /// Take the erasure key back with a recovery code (every desktop that held it was
    /// lost): the key given to the code opens, the epochs' chain leads from it to the
    /// current one, and the records' keys given under that open. Nothing changes when
    /// the code is not this library's ([`Error::ErasureCodeUnknown`]).
    pub fn recover_erasure(&mut self, code: &ErasureRecoveryCode) -> Result<ErasureStatus> {
        self.writer()?;
        let epochs = self.erasure_epochs()?;
        let one_time = code.handover();
        let public = one_time.public();
        let mut keys: Vec<ErasureKey> = epochs
            .given
            .iter()
            .filter(|(to, _, _)| to[..] == public[..])
            .filter_map(|(_, epoch, sealed)| one_time.open(*epoch, sealed).ok())
            .collect();
        if keys.is_empty() {
            return Err(Error::ErasureCodeUnknown);
        }
        let held = OsKeyring.load_erasure(self.library_id(), self.device_id())?;
        keys.extend(keys_of(&held)?);
        walk(&epochs, &mut keys);
        // A request of this desktop's own still open is dropped with its one-time key; if
        // the code does not reach the current epoch, the settle asks again.
        self.keep_erasure(&keys, None)?;
        self.settle_erasure()
    }

    /// Keep the records' keys given since this was last done, under any epoch whose key
    /// is in hand (`keys`; the `current` one's take its epoch, an older one's are kept
    /// only when new here, and given again under the current). When a version names a
    /// key not kept here, every such operation is read again: its own may have been read
    /// before it could open (under an epoch not known yet, or accepted after a later one).
    fn open_record_keys(&mut self, keys: &[ErasureKey], current: ErasureEpochId) -> Result<()> {
        let which = if self.catalog.record_keys_missing()? {
            KeyOps::All
        } else {
            KeyOps::Unread
        };
        let (ops, mark) = self.catalog.record_key_ops(which)?;
        for op in ops {
            let OpKind::RecordKeys { epoch, sealed } = op.kind else {
                continue;
            };
            let Some(key) = keys.iter().find(|k| k.epoch() == epoch) else {
                continue;
            };
            // One that does not open was made up or damaged: the keys the versions name
            // come in another.
            let Ok(opened) = key.open_record_keys(&sealed) else {
                continue;
            };
            let how = if epoch == current {
                KeepKey::Update
            } else {
                KeepKey::IfNew
            };
            self.writer()?.keep_record_keys(&opened, epoch, how)?;
        }
        self.writer()?.record_key_ops_read(mark)
    }

    /// Give again, under the current epoch (`key`), every record's key this desktop keeps
    /// that was last given under another (an epoch began: every kept record's key goes
    /// under it, and the destroyed ones' under none; or this desktop gave it under an
    /// epoch that lost).
    fn give_record_keys_again(&mut self, key: &ErasureKey) -> Result<()> {
        let stale = self.catalog.record_keys_not_under(key.epoch())?;
        if stale.is_empty() {
            return Ok(());
        }
        let ops: Vec<OpKind> = stale
            .chunks(RECORD_KEYS_PER_OP)
            .map(|part| OpKind::RecordKeys {
                epoch: key.epoch(),
                sealed: key.seal_record_keys(part),
            })
            .collect();
        if !self.may_commit(&ops[0])? {
            return Ok(());
        }
        self.commit(ops)?;
        self.writer()?
            .keep_record_keys(&stale, key.epoch(), KeepKey::Update)
    }

    /// The current erasure epoch's key, to seal new records' keys under: beginning the
    /// first epoch when there is none. `None` when this desktop does not hold it (it
    /// waits to be given it, or has no keyring): records added then are under their
    /// content key alone.
    pub(super) fn record_sealing(&mut self) -> Option<ErasureKey> {
        let status = self.settle(RecordsComing::Yes).ok()?;
        let (current, _) = status.current?;
        if !status.held.contains(&current) {
            return None;
        }
        self.held_key(current).ok().flatten()
    }

    /// Begin the epoch after `current` (its key and number; `None`: the first). The new
    /// key is in the keyring before the operation is committed, and the old one is
    /// forgotten only after. `None` when the person signed in may not.
    fn begin_epoch(&mut self, current: Option<(&ErasureKey, u64)>) -> Result<Option<ErasureKey>> {
        let next = ErasureKey::generate();
        let (kind, kept) = match current {
            None => (
                OpKind::ErasureEpoch {
                    epoch: next.epoch(),
                    number: 0,
                    previous: None,
                    sealed: Vec::new(),
                },
                vec![next.clone()],
            ),
            Some((key, number)) => (
                OpKind::ErasureEpoch {
                    epoch: next.epoch(),
                    number: number.saturating_add(1),
                    previous: Some(key.epoch()),
                    sealed: key.seal_next(&next),
                },
                vec![key.clone(), next.clone()],
            ),
        };
        if !self.may_commit(&kind)? {
            return Ok(None);
        }
        self.keep_erasure(&kept, None)?;
        self.commit(vec![kind])?;
        self.keep_erasure(std::slice::from_ref(&next), None)?;
        Ok(Some(next))
    }

    /// Whether the person signed in may commit `kind` (an error only when that cannot be
    /// told).
    fn may_commit(&self, kind: &OpKind) -> Result<bool> {
        match self.check_may(std::slice::from_ref(kind)) {
            Ok(()) => Ok(true),
            Err(
                Error::NotPermitted { .. }
                | Error::SignInRequired { .. }
                | Error::PeopleNotReceived,
            ) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epoch(id: u8, number: u64, previous: Option<u8>) -> Epoch {
        Epoch {
            stamp: String::new(),
            id: ErasureEpochId([id; 32]),
            number,
            previous: previous.map(|p| ErasureEpochId([p; 32])),
            sealed: Vec::new(),
        }
    }

    #[test]
    fn only_an_epoch_on_the_chain_counts() {
        let mut epochs = Epochs::default();
        assert!(epochs.current().is_none());
        epochs.epochs = vec![
            epoch(5, 0, None),
            epoch(6, 1, Some(5)),
            // Not on the chain: a first epoch numbered past 0, one after an epoch no one
            // began, one numbered other than one more than the epoch it follows.
            epoch(1, u64::MAX, None),
            epoch(2, 7, Some(9)),
            epoch(3, 9, Some(6)),
        ];
        assert_eq!(epochs.current().unwrap().id, ErasureEpochId([6; 32]));
        // Of two begun at once after the same epoch, the smaller id.
        epochs.epochs.push(epoch(4, 1, Some(5)));
        assert_eq!(epochs.current().unwrap().id, ErasureEpochId([4; 32]));
        // A chain goes on from either.
        epochs.epochs.push(epoch(8, 2, Some(6)));
        assert_eq!(epochs.current().unwrap().id, ErasureEpochId([8; 32]));
    }

    #[test]
    fn only_someone_who_disposes_of_records_begins_an_epoch() {
        use crate::members::needs;
        use crate::role::Permission;
        let first = OpKind::ErasureEpoch {
            epoch: ErasureEpochId([1; 32]),
            number: 0,
            previous: None,
            sealed: Vec::new(),
        };
        assert_eq!(needs(&first), Permission::Dispose);
        let ask = OpKind::ErasureKeyWanted {
            public: vec![7; 32],
            code: false,
        };
        assert_eq!(needs(&ask), Permission::Read);
        let code = OpKind::ErasureKeyWanted {
            public: vec![7; 32],
            code: true,
        };
        assert_eq!(needs(&code), Permission::Dispose);
    }
}
