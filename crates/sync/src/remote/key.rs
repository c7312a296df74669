//! [`Key`]: an object's name on a remote, checked to be safe on every kind of remote.

use crate::error::{Error, Result};

/// An object's name: `/`-separated parts of ASCII letters, digits, `-`, `_` and `.`,
/// none empty, `.` or `..` (so a folder remote cannot be led outside its root, and the
/// name means the same on S3, WebDAV and Windows shares).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(String);

impl Key {
    pub fn new(key: impl Into<String>) -> Result<Self> {
        let key = key.into();
        let ok = !key.is_empty()
            && key.len() <= 512
            && key.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            });
        if ok {
            Ok(Self(key))
        } else {
            Err(Error::BadKey { key })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_only() {
        for good in ["dossier.repo", "packs/ab/ab12cd", "journal/dev-1/000042"] {
            assert_eq!(Key::new(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "/abs",
            "a//b",
            "a/../b",
            "..",
            "a/./b",
            "trailing/",
            "sp ace",
            "ü",
        ] {
            assert!(
                matches!(Key::new(bad), Err(Error::BadKey { .. })),
                "{bad:?}"
            );
        }
    }
}
