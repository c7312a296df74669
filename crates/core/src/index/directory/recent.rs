//! The postings and positions lists searches read most, kept decrypted within a small
//! byte budget: the sealed index's stand-in for the page cache a memory-mapped index
//! gets from the system. Tantivy reads a word's whole positions list in each segment for
//! every phrase, so the lists of common words are decrypted again and again without it.
//!
//! Least recently used first out; a list larger than a quarter of the budget is never
//! kept, so one huge list cannot push out every other. What counts is the memory a kept
//! list holds (the whole blocks it was decrypted from), not only its length, so many
//! short lists cannot hold more than the budget either.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use tantivy::directory::OwnedBytes;

/// What the cache keeps at most, in decrypted bytes.
pub(super) const BUDGET: usize = 4 << 20;

/// A range of one open file: the file's number in this process, start, end.
pub(super) type Key = (u64, usize, usize);

#[derive(Debug)]
pub(super) struct Recent {
    budget: usize,
    /// Numbers for files as they are opened, so that a file deleted and another of the
    /// same name written never share a key.
    next_file: AtomicU64,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    used: usize,
    clock: u64,
    /// Each kept range: when last used, its bytes, and the memory they hold.
    by_key: HashMap<Key, (u64, OwnedBytes, usize)>,
    by_age: BTreeMap<u64, Key>,
}

impl Recent {
    pub(super) fn new(budget: usize) -> Self {
        Self {
            budget,
            next_file: AtomicU64::new(0),
            state: Mutex::default(),
        }
    }

    /// A number for a file being opened.
    pub(super) fn file_number(&self) -> u64 {
        self.next_file.fetch_add(1, Ordering::Relaxed)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The bytes of `key` if kept, which makes them the most recently used.
    pub(super) fn get(&self, key: Key) -> Option<OwnedBytes> {
        let mut s = self.state();
        s.clock += 1;
        let now = s.clock;
        let (age, bytes, _) = s.by_key.get_mut(&key)?;
        let (old, bytes) = (std::mem::replace(age, now), bytes.clone());
        s.by_age.remove(&old);
        s.by_age.insert(now, key);
        Some(bytes)
    }

    /// Keep `bytes`, which hold `held` bytes of memory, as the most recently used,
    /// dropping the least recently used until they fit.
    pub(super) fn keep(&self, key: Key, bytes: OwnedBytes, held: usize) {
        let held = held.max(bytes.len());
        if held > self.budget / 4 {
            return;
        }
        let mut s = self.state();
        s.clock += 1;
        let now = s.clock;
        if let Some((old, _, was)) = s.by_key.insert(key, (now, bytes, held)) {
            s.by_age.remove(&old);
            s.used -= was;
        }
        s.by_age.insert(now, key);
        s.used += held;
        while s.used > self.budget {
            let Some((_, oldest)) = s.by_age.pop_first() else {
                break;
            };
            if let Some((_, _, gone)) = s.by_key.remove(&oldest) {
                s.used -= gone;
            }
        }
    }

    /// Forget every range of a file (it is being deleted).
    pub(super) fn forget_file(&self, file: u64) {
        let mut s = self.state();
        let gone: Vec<Key> = s.by_key.keys().filter(|k| k.0 == file).copied().collect();
        for key in gone {
            if let Some((age, _, held)) = s.by_key.remove(&key) {
                s.by_age.remove(&age);
                s.used -= held;
            }
        }
    }

    #[cfg(test)]
    pub(super) fn used(&self) -> usize {
        self.state().used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> OwnedBytes {
        OwnedBytes::new(vec![7u8; n])
    }

    #[test]
    fn the_least_recently_used_goes_first_and_the_budget_holds() {
        let r = Recent::new(400);
        r.keep((0, 0, 100), bytes(100), 100);
        r.keep((0, 100, 200), bytes(100), 100);
        r.keep((1, 0, 100), bytes(100), 100);
        // Touch the first: the second is now the oldest.
        assert!(r.get((0, 0, 100)).is_some());
        r.keep((1, 100, 250), bytes(100), 100);
        r.keep((2, 0, 100), bytes(100), 100);
        assert!(r.used() <= 400, "{}", r.used());
        assert!(r.get((0, 100, 200)).is_none(), "the oldest was dropped");
        assert!(r.get((0, 0, 100)).is_some(), "the touched one was kept");
        assert!(r.get((2, 0, 100)).is_some());
        // Keeping the same key again does not count it twice.
        r.keep((2, 0, 100), bytes(100), 100);
        assert_eq!(r.used(), 400);
    }

    #[test]
    fn a_list_over_a_quarter_of_the_budget_is_not_kept_and_deleted_files_are_forgotten() {
        let r = Recent::new(400);
        r.keep((0, 0, 101), bytes(101), 101);
        assert!(r.get((0, 0, 101)).is_none());
        assert_eq!(r.used(), 0);
        r.keep((3, 0, 50), bytes(50), 50);
        r.keep((3, 50, 90), bytes(40), 40);
        r.keep((4, 0, 10), bytes(10), 10);
        r.forget_file(3);
        assert_eq!(r.used(), 10);
        assert!(r.get((3, 0, 50)).is_none());
        assert!(r.get((4, 0, 10)).is_some());
    }

    #[test]
    fn what_counts_is_the_memory_a_list_holds() {
        let r = Recent::new(400);
        // Ten bytes that hold a hundred (the blocks they were decrypted from).
        for i in 0..10 {
            r.keep((0, i, i + 10), bytes(10), 100);
        }
        assert_eq!(r.used(), 400, "four such lists fill the budget, not forty");
        // A short list holding more than a quarter of the budget is not kept.
        r.keep((1, 0, 10), bytes(10), 101);
        assert!(r.get((1, 0, 10)).is_none());
    }
}
