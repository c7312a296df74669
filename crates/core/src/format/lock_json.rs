//! `library.lock` and `lock.json` in the library folder: the writer lock and who holds it.
//!
//! `library.lock` is empty; the OS file lock on it is the lock. `lock.json`, rewritten by
//! each writer that takes the lock, describes the holder so a second writer can say who
//! it is: `{"pid", "program", "host", "since"}` (`since` in RFC 3339, UTC, seconds). It is
//! informative only: a stale or damaged `lock.json` is ignored.

use serde::{Deserialize, Serialize};

/// The file holding the OS lock.
pub const LOCK_FILE: &str = "library.lock";
/// The file describing its holder.
pub const HOLDER_FILE: &str = "lock.json";

/// Contents of `lock.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    pub pid: u32,
    /// The program's file name (`dossier`, `dossier-app`).
    pub program: String,
    pub host: String,
    pub since: String,
}

impl LockHolder {
    /// The holder from the file's bytes; `None` for anything else.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok()
    }

    /// In a sentence's middle: "dossier (process 12) on office-3 since …".
    pub fn describe(&self) -> String {
        format!(
            "{} (process {}) on {} since {}",
            self.program, self.pid, self.host, self.since
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_holder_reads_back_and_junk_is_no_holder() {
        let bytes = br#"{"pid": 12, "program": "dossier", "host": "office-3", "since": "2026-12-04T10:00:00Z"}"#;
        let h = LockHolder::parse(bytes).unwrap();
        assert_eq!(
            h.describe(),
            "dossier (process 12) on office-3 since 2026-12-04T10:00:00Z"
        );
        assert_eq!(LockHolder::parse(&serde_json::to_vec(&h).unwrap()), Some(h));
        assert_eq!(LockHolder::parse(b"{\"pid\": \"x\"}"), None);
    }
}
