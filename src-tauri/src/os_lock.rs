//! Locking when the OS session locks (issue 21): offices share PCs, so when the person at
//! the desk locks the screen (or it locks itself), a library kept by its people signs
//! them out, as after the settings' minutes without use, and the next person signs in
//! as themselves.
//!
//! On Linux two sources are watched, each on a thread of its own: the desktop's screen
//! saver on the session bus (`ActiveChanged(true)` of `org.freedesktop.ScreenSaver` and
//! the GNOME, MATE and Cinnamon names), and logind's `Lock` signal for this session on
//! the system bus (`loginctl lock-session`, and what desktops send when they lock). A
//! machine without one of the buses goes on without it. Windows (WTS session
//! notifications) and macOS (`com.apple.screenIsLocked`) are not watched yet; there the
//! idle lock applies (docs/decisions.md, "Locking with the OS session").

use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::events::SessionLocked;
use crate::state::AppState;

/// Sign out the person of the open library (when it is kept by its people) and tell the
/// UI, which then asks who is signing in.
fn locked(app: &AppHandle) {
    let state = app.state::<AppState>();
    let signed_in = state
        .session()
        .map(|s| s.person().is_some())
        .unwrap_or(false);
    if !signed_in {
        return;
    }
    match tauri::async_runtime::block_on(crate::commands::access::lock_now(app, &state)) {
        Ok(()) => {
            let _ = SessionLocked {
                reason: "the screen was locked".into(),
            }
            .emit(app);
        }
        Err(e) => eprintln!("dossier: could not lock with the screen: {}", e.message),
    }
}

/// Start watching the OS session for this app.
pub fn watch(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    linux::watch(app);
    #[cfg(not(target_os = "linux"))]
    let _ = app;
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
