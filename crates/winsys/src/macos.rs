//! The login session's lock state, from the window server.
#![allow(unsafe_code)]

use std::io;

use objc2_core_foundation::{CFBoolean, CFDictionary, CFString, CFType};
use objc2_core_graphics::CGSessionCopyCurrentDictionary;

/// The session dictionary's key that is present, and true, while the screen is locked.
const SCREEN_IS_LOCKED: &str = "CGSSessionScreenIsLocked";

/// Whether this process's login session has its screen locked: the window server's
/// session dictionary (`CGSessionCopyCurrentDictionary`) holds `CGSSessionScreenIsLocked`
/// (an undocumented key, true while locked, absent otherwise, which screen-lock tools
/// have long relied on).
pub fn session_is_locked() -> io::Result<bool> {
    let session = CGSessionCopyCurrentDictionary().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            "this process has no window server session",
        )
    })?;
    // SAFETY: the session dictionary's keys are strings and its values Core Foundation
    // objects (CGSession.h); the reference does not outlive `session`, which is not
    // mutated.
    let session: &CFDictionary<CFString, CFType> = unsafe { session.cast_unchecked() };
    // Present means locked, unless it says false: a value of another type than the
    // boolean it has always been errs on the side of locking.
    Ok(session
        .get(&CFString::from_static_str(SCREEN_IS_LOCKED))
        .is_some_and(|value| {
            value
                .downcast_ref::<CFBoolean>()
                .is_none_or(CFBoolean::as_bool)
        }))
}
