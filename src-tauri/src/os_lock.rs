//! Locking when the OS session locks (issue 21): offices share PCs, so when the person at
//! the desk locks the screen (or it locks itself), a library kept by its people signs
//! them out, as after the settings' minutes without use, and the next person signs in
//! as themselves.
//!
//! On Linux two sources are watched, each on a thread of its own: the desktop's screen
//! saver on the session bus (`ActiveChanged(true)` of `org.freedesktop.ScreenSaver` and
//! the GNOME, MATE and Cinnamon names), and logind's `Lock` signal for this session on
//! the system bus (`loginctl lock-session`, and what desktops send when they lock). A
//! machine without one of the buses goes on without it. On Windows and macOS a thread
//! asks the system every two seconds whether the session's screen is locked
//! (`dossier_winsys::session_is_locked`: the session's flags, the window server's session
//! dictionary) and locks on each change to locked ([`on_each_lock`]); the idle lock
//! applies everywhere (docs/decisions.md, "Locking with the OS session").

use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::events::SessionLocked;
use crate::state::AppState;

/// Sign out the person of the open library (when it is kept by its people) and tell the
/// UI, which then asks who is signing in. False when signing out failed.
fn locked(app: &AppHandle) -> bool {
    let state = app.state::<AppState>();
    let signed_in = state
        .session()
        .map(|s| s.person().is_some())
        .unwrap_or(false);
    if !signed_in {
        return true;
    }
    match tauri::async_runtime::block_on(crate::commands::access::lock_now(app, &state)) {
        Ok(()) => {
            let _ = SessionLocked {
                reason: "the screen was locked".into(),
            }
            .emit(app);
            true
        }
        Err(e) => {
            eprintln!("dossier: could not lock with the screen: {}", e.message);
            false
        }
    }
}

/// Start watching the OS session for this app.
pub fn watch(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    linux::watch(app);
    #[cfg(any(windows, target_os = "macos"))]
    asked::watch(app);
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    let _ = app;
}

/// Call `on_lock` each time `is_locked` turns from unlocked to locked (once per locking,
/// however long it stays locked, unless it fails: then again at the next question),
/// calling `wait` between two questions until it returns false. An answer that fails
/// (`on_error`, with it) leaves the last known state as it was: a lock is never missed
/// for a question that failed before it.
#[cfg(any(windows, target_os = "macos", test))]
fn on_each_lock(
    mut is_locked: impl FnMut() -> std::io::Result<bool>,
    mut on_lock: impl FnMut() -> bool,
    mut on_error: impl FnMut(std::io::Error),
    mut wait: impl FnMut() -> bool,
) {
    let mut was_locked = false;
    loop {
        match is_locked() {
            Ok(locked) => was_locked = locked && (was_locked || on_lock()),
            Err(e) => on_error(e),
        }
        if !wait() {
            return;
        }
    }
}

#[cfg(any(windows, target_os = "macos"))]
mod asked {
    use std::time::Duration;

    use tauri::AppHandle;

    /// How often the system is asked: a PC left locked is signed out within this.
    const EVERY: Duration = Duration::from_secs(2);

    pub fn watch(app: &AppHandle) {
        let app = app.clone();
        let _ = std::thread::Builder::new()
            .name("dossier-session-lock".into())
            .spawn(move || {
                let mut told = false;
                super::on_each_lock(
                    dossier_winsys::session_is_locked,
                    || super::locked(&app),
                    |e| {
                        // Said once: a system that cannot tell keeps failing the same way.
                        if !std::mem::replace(&mut told, true) {
                            eprintln!("dossier: cannot tell whether the screen is locked: {e}");
                        }
                    },
                    || {
                        std::thread::sleep(EVERY);
                        true
                    },
                );
            });
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::io;

    use super::on_each_lock;

    /// How many times the answers `script` give lock the app (and how many questions
    /// failed), each signing out succeeding or not as `signs_out` says in turn.
    fn locks_with(script: Vec<io::Result<bool>>, signs_out: Vec<bool>) -> (usize, usize) {
        let mut answers: VecDeque<_> = script.into();
        let mut outcomes: VecDeque<_> = signs_out.into();
        let (mut locked, mut errors) = (0, 0);
        let mut left = answers.len();
        on_each_lock(
            || answers.pop_front().expect("asked once per answer"),
            || {
                locked += 1;
                outcomes.pop_front().unwrap_or(true)
            },
            |_| errors += 1,
            || {
                left -= 1;
                left > 0
            },
        );
        (locked, errors)
    }

    fn locks(script: Vec<io::Result<bool>>) -> (usize, usize) {
        locks_with(script, Vec::new())
    }

    fn failed() -> io::Result<bool> {
        Err(io::Error::other("no session"))
    }

    #[test]
    fn each_locking_locks_once_however_long_it_lasts() {
        assert_eq!(locks(vec![Ok(false), Ok(false)]), (0, 0));
        assert_eq!(locks(vec![Ok(true), Ok(true), Ok(true)]), (1, 0));
        assert_eq!(
            locks(vec![Ok(false), Ok(true), Ok(true), Ok(false), Ok(true)]),
            (2, 0)
        );
    }

    #[test]
    fn a_failed_question_neither_locks_nor_hides_a_locking() {
        // Locked across a failed question: still the same locking.
        assert_eq!(locks(vec![Ok(true), failed(), Ok(true)]), (1, 1));
        // Unlocked, then a failure, then locked: locks.
        assert_eq!(locks(vec![Ok(false), failed(), Ok(true)]), (1, 1));
        assert_eq!(locks(vec![failed(), failed()]), (0, 2));
    }

    #[test]
    fn a_signing_out_that_failed_is_tried_again_while_locked() {
        // Failed at the first answer, done at the second; then once per locking again.
        assert_eq!(
            locks_with(vec![Ok(true), Ok(true), Ok(true)], vec![false, true]),
            (2, 0)
        );
        // Failed, then unlocked before the next question: nothing left to sign out for.
        assert_eq!(
            locks_with(vec![Ok(true), Ok(false), Ok(false)], vec![false]),
            (1, 0)
        );
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use tauri::AppHandle;
    use zbus::MatchRule;
    use zbus::blocking::{Connection, MessageIterator};
    use zbus::message::Type;
    use zbus::zvariant::OwnedObjectPath;

    /// The screen savers' D-Bus interfaces whose `ActiveChanged(true)` means "locked".
    const SCREEN_SAVERS: [&str; 4] = [
        "org.freedesktop.ScreenSaver",
        "org.gnome.ScreenSaver",
        "org.mate.ScreenSaver",
        "org.cinnamon.ScreenSaver",
    ];

    pub fn watch(app: &AppHandle) {
        for (name, watcher) in [
            (
                "dossier-screen-saver",
                screen_saver as fn(&AppHandle) -> zbus::Result<()>,
            ),
            ("dossier-logind", logind),
        ] {
            let app = app.clone();
            let _ = std::thread::Builder::new()
                .name(name.into())
                .spawn(move || {
                    // No bus (a container, a minimal session): that source is not watched.
                    if let Err(e) = watcher(&app) {
                        eprintln!("dossier: not watching the OS session through {name}: {e}");
                    }
                });
        }
    }

    /// `ActiveChanged(true)` from the desktop's screen saver, on the session bus.
    fn screen_saver(app: &AppHandle) -> zbus::Result<()> {
        let conn = Connection::session()?;
        let rule = MatchRule::builder()
            .msg_type(Type::Signal)
            .member("ActiveChanged")?
            .build();
        for msg in MessageIterator::for_match_rule(rule, &conn, None)? {
            let msg = msg?;
            let header = msg.header();
            let from_saver = header
                .interface()
                .is_some_and(|i| SCREEN_SAVERS.contains(&i.as_str()));
            if from_saver && msg.body().deserialize::<bool>().unwrap_or(false) {
                super::locked(app);
            }
        }
        Ok(())
    }

    const LOGIND: &str = "org.freedesktop.login1";
    const LOGIND_PATH: &str = "/org/freedesktop/login1";
    const LOGIND_MANAGER: &str = "org.freedesktop.login1.Manager";

    /// The session object path a logind manager call answered with.
    fn session_path(reply: zbus::Result<zbus::Message>) -> zbus::Result<OwnedObjectPath> {
        reply?.body().deserialize()
    }

    /// logind's `Lock` signal for this process's session, on the system bus.
    fn logind(app: &AppHandle) -> zbus::Result<()> {
        let conn = Connection::system()?;
        // This process's session; an app started in a scope of the user's service manager
        // (as GNOME and KDE start apps) has none, and then the one the desktop exported.
        let session = session_path(conn.call_method(
            Some(LOGIND),
            LOGIND_PATH,
            Some(LOGIND_MANAGER),
            "GetSessionByPID",
            &(std::process::id(),),
        ))
        .or_else(|e| match std::env::var("XDG_SESSION_ID") {
            Ok(id) => session_path(conn.call_method(
                Some(LOGIND),
                LOGIND_PATH,
                Some(LOGIND_MANAGER),
                "GetSession",
                &(id,),
            )),
            Err(_) => Err(e),
        })?;
        let rule = MatchRule::builder()
            .msg_type(Type::Signal)
            .interface("org.freedesktop.login1.Session")?
            .member("Lock")?
            .path(session)?
            .build();
        for msg in MessageIterator::for_match_rule(rule, &conn, None)? {
            msg?;
            super::locked(app);
        }
        Ok(())
    }
}
