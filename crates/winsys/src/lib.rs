//! The few Windows and macOS calls Dossier needs that the standard library lacks, behind
//! safe functions: a folder private to its owner (the Windows form of a 0700 folder whose
//! files are 0600), a memory limit on the PDF worker's own process, and whether the OS
//! session's screen is locked (`session_is_locked`, on Windows and macOS; Linux's desktops
//! say so on D-Bus). Empty elsewhere.
//!
//! **Invariant:** the only unsafe code of the workspace outside the app's entry point;
//! every block calls one documented Win32 or macOS function with buffers this crate owns,
//! and frees what the system allocated.

#[cfg(target_os = "macos")]
mod macos;
#[cfg(windows)]
mod windows;
#[cfg(target_os = "macos")]
pub use macos::session_is_locked;
#[cfg(windows)]
pub use windows::{
    is_private_to_owner, limit_own_memory, make_private_to_owner, session_is_locked,
};
