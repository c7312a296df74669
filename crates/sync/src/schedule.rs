//! When a desktop that keeps syncing syncs next: every interval, and early once local
//! changes have rested for a while (so a burst of edits goes out in one sync, soon after
//! it ends). The one rule the app's background sync and `dossier sync --watch` follow;
//! each feeds it the changes it sees and waits until [`NextSync::deadline`].

use std::time::{Duration, Instant};

/// How long local changes rest before they are sent early, unless the user says.
pub const SETTLE: Duration = Duration::from_secs(10);

/// Why a sync is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// The interval has passed since the last sync.
    Interval,
    /// Local changes happened and have rested for the settle time.
    Settled,
}

/// The wait for the next sync, from the end of the last one.
#[derive(Debug, Clone)]
pub struct NextSync {
    interval_ends: Instant,
    settle: Duration,
    last_change: Option<Instant>,
}

impl NextSync {
    /// Start waiting at `now`: due at `now + interval` at the latest.
    pub fn new(now: Instant, interval: Duration, settle: Duration) -> Self {
        Self {
            interval_ends: now + interval,
            settle,
            last_change: None,
        }
    }

    /// A local change happened at `now`: the rest starts again.
    pub fn changed(&mut self, now: Instant) {
        self.last_change = Some(now);
    }

    /// The changes seen so far turned out to need no sync (nothing to send): wait for
    /// the interval or the next change.
    pub fn nothing_to_send(&mut self) {
        self.last_change = None;
    }

    /// When to look again: the end of the interval, or of the changes' rest if sooner.
    pub fn deadline(&self) -> Instant {
        match self.last_change {
            Some(t) => (t + self.settle).min(self.interval_ends),
            None => self.interval_ends,
        }
    }

    /// Whether a sync is due at `now`, and why.
    pub fn due(&self, now: Instant) -> Option<Due> {
        if now >= self.interval_ends {
            Some(Due::Interval)
        } else if self.last_change.is_some_and(|t| now >= t + self.settle) {
            Some(Due::Settled)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn with_no_change_a_sync_is_due_after_the_interval() {
        let t0 = Instant::now();
        let next = NextSync::new(t0, 300 * S, 10 * S);
        assert_eq!(next.deadline(), t0 + 300 * S);
        assert_eq!(next.due(t0 + 299 * S), None);
        assert_eq!(next.due(t0 + 300 * S), Some(Due::Interval));
    }

    #[test]
    fn changes_are_sent_once_they_rest_and_each_change_restarts_the_rest() {
        let t0 = Instant::now();
        let mut next = NextSync::new(t0, 300 * S, 10 * S);
        next.changed(t0 + 5 * S);
        assert_eq!(next.deadline(), t0 + 15 * S);
        next.changed(t0 + 12 * S);
        assert_eq!(
            next.due(t0 + 15 * S),
            None,
            "a later change restarts the rest"
        );
        assert_eq!(next.due(t0 + 22 * S), Some(Due::Settled));
        // Nothing to send after all: back to the interval.
        next.nothing_to_send();
        assert_eq!(next.due(t0 + 22 * S), None);
        assert_eq!(next.deadline(), t0 + 300 * S);
    }

    #[test]
    fn the_interval_bounds_the_wait_even_while_changes_keep_coming() {
        let t0 = Instant::now();
        let mut next = NextSync::new(t0, 30 * S, 10 * S);
        next.changed(t0 + 25 * S);
        assert_eq!(next.deadline(), t0 + 30 * S);
        assert_eq!(next.due(t0 + 30 * S), Some(Due::Interval));
    }
}
