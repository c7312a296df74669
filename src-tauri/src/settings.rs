//! This desktop's settings: which library to open, the watched folders, the OCR
//! languages and whether the key is kept in the keyring. They belong to the desktop, not
//! to the library (two desktops sharing a library watch different folders), so they live
//! in the platform's configuration folder as `settings.json`.
//!
//! **Invariant:** the file is replaced whole (written beside it, then renamed), so a crash
//! leaves the old settings or the new ones, never half of either.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, AppResult, ErrorKind};

/// What happens to a file of a watched folder once it is in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AfterImport {
    /// Left where it is (it is not imported again unless it changes).
    #[default]
    Leave,
    /// Moved into the folder's "Imported" subfolder.
    Move,
}

/// A folder whose new files are imported once they stop changing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct WatchedFolder {
    pub path: String,
    pub after_import: AfterImport,
    /// Scan the folder every so many seconds instead of waiting for the operating
    /// system's notifications, which network shares do not send.
    pub poll_seconds: Option<u32>,
}

/// The settings of this desktop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct Settings {
    /// The library to open; `None`: the default folder.
    pub library: Option<String>,
    pub watched: Vec<WatchedFolder>,
    /// Tesseract language codes, e.g. `["eng", "fra"]`.
    pub ocr_languages: Vec<String>,
    /// Keep the library's key in the operating system's keyring, so the app opens
    /// without the passphrase.
    pub use_keyring: bool,
    /// Minutes between syncs with the remote (changes made here are also sent soon
    /// after they settle).
    pub sync_minutes: u32,
    /// In a library kept by its people, sign out after so many minutes without a key
    /// pressed or the mouse moved (offices share desktops); 0: never.
    pub lock_after_minutes: u32,
}

/// Sign out after a quarter of an hour without use, unless the settings say otherwise.
pub const DEFAULT_LOCK_MINUTES: u32 = 15;

impl Default for Settings {
    fn default() -> Self {
        Self {
            library: None,
            watched: Vec::new(),
            ocr_languages: vec!["eng".into()],
            use_keyring: true,
            sync_minutes: 5,
            lock_after_minutes: DEFAULT_LOCK_MINUTES,
        }
    }
}

/// The settings file of this desktop: `DOSSIER_SETTINGS`, else `settings.json` in the
/// platform's configuration folder.
pub fn default_path() -> Option<PathBuf> {
    std::env::var_os("DOSSIER_SETTINGS")
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "dossier")
                .map(|d| d.config_dir().join("settings.json"))
        })
}

impl Settings {
    /// Read the settings; no file yet gives the defaults.
    pub fn load(path: &Path) -> AppResult<Self> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                AppError::new(
                    ErrorKind::Invalid,
                    format!("The settings file {} is not readable: {e}", path.display()),
                )
                .with_hint("Fix or delete that file; deleting it restores the defaults.")
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(io_error("read", path, &e)),
        }
    }

    /// Check and write the settings (atomically: beside the file, then renamed).
    pub fn save(&self, path: &Path) -> AppResult<()> {
        self.check()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, &e))?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(AppError::internal)?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(|e| io_error("write", &tmp, &e))?;
        std::fs::rename(&tmp, path).map_err(|e| io_error("write", path, &e))
    }

    /// Refuse settings that cannot work, with what is wrong in plain words.
    pub fn check(&self) -> AppResult<()> {
        let invalid = |m: String| AppError::new(ErrorKind::Invalid, m);
        for (i, w) in self.watched.iter().enumerate() {
            if w.path.trim().is_empty() {
                return Err(invalid("A watched folder needs a path.".into()));
            }
            if self.watched[..i].iter().any(|o| o.path == w.path) {
                return Err(invalid(format!("{} is watched twice.", w.path)));
            }
            if w.poll_seconds == Some(0) {
                return Err(invalid(
                    "Checking a folder needs an interval of at least one second.".into(),
                ));
            }
        }
        if !(1..=24 * 60).contains(&self.sync_minutes) {
            return Err(invalid(
                "Sync between every minute and once a day (1 to 1440 minutes).".into(),
            ));
        }
        if self.lock_after_minutes > 24 * 60 {
            return Err(invalid(
                "Sign out after at most a day without use (0 to 1440 minutes; 0: never).".into(),
            ));
        }
        if self.ocr_languages.is_empty() {
            return Err(invalid("Choose at least one OCR language.".into()));
        }
        if let Some(bad) = self.ocr_languages.iter().find(|l| {
            l.is_empty()
                || !l
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }) {
            return Err(invalid(format!(
                "\"{bad}\" is not a Tesseract language code (e.g. eng, fra, deu)."
            ))
            .with_hint("Use the codes `tesseract --list-langs` shows."));
        }
        Ok(())
    }

    /// The languages as Tesseract takes them (`eng+fra`).
    pub fn tesseract_languages(&self) -> String {
        self.ocr_languages.join("+")
    }
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> AppError {
    AppError::new(
        ErrorKind::System,
        format!("Could not {what} {}: {e}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_and_saved_settings_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf/settings.json");
        assert_eq!(Settings::load(&path).unwrap(), Settings::default());
        let s = Settings {
            library: Some("/srv/records".into()),
            watched: vec![WatchedFolder {
                path: "/scans".into(),
                after_import: AfterImport::Move,
                poll_seconds: Some(30),
            }],
            ocr_languages: vec!["eng".into(), "fra".into()],
            use_keyring: false,
            sync_minutes: 30,
            lock_after_minutes: 5,
        };
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path).unwrap(), s);
        assert_eq!(s.tesseract_languages(), "eng+fra");
        assert!(!path.with_extension("json.tmp").exists());
    }

    #[test]
    fn older_files_missing_fields_take_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, br#"{"use_keyring": false}"#).unwrap();
        let s = Settings::load(&path).unwrap();
        assert!(!s.use_keyring);
        assert_eq!(s.ocr_languages, vec!["eng".to_string()]);
        assert_eq!(s.sync_minutes, 5);
        assert_eq!(s.lock_after_minutes, DEFAULT_LOCK_MINUTES);
    }

    #[test]
    fn bad_settings_are_refused_and_the_file_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        Settings::default().save(&path).unwrap();
        let before = std::fs::read(&path).unwrap();
        let folder = |p: &str, poll| WatchedFolder {
            path: p.into(),
            after_import: AfterImport::Leave,
            poll_seconds: poll,
        };
        let cases = [
            Settings {
                watched: vec![folder("/a", None), folder("/a", None)],
                ..Settings::default()
            },
            Settings {
                watched: vec![folder(" ", None)],
                ..Settings::default()
            },
            Settings {
                watched: vec![folder("/a", Some(0))],
                ..Settings::default()
            },
            Settings {
                ocr_languages: vec![],
                ..Settings::default()
            },
            Settings {
                sync_minutes: 0,
                ..Settings::default()
            },
            Settings {
                lock_after_minutes: 24 * 60 + 1,
                ..Settings::default()
            },
            Settings {
                ocr_languages: vec!["eng; rm -rf".into()],
                ..Settings::default()
            },
        ];
        for bad in cases {
            let e = bad.save(&path).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Invalid, "{bad:?}");
            assert_eq!(std::fs::read(&path).unwrap(), before);
        }
    }

    #[test]
    fn a_damaged_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{not json").unwrap();
        let e = Settings::load(&path).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert!(e.message.contains("settings.json"), "{}", e.message);
    }
}
