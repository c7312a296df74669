//! The few Windows calls Dossier needs that the standard library lacks, behind safe
//! functions: a folder private to its owner (the Windows form of a 0700 folder whose
//! files are 0600) and a memory limit on the PDF worker's own process. Empty elsewhere.
//!
//! **Invariant:** the only unsafe code of the workspace outside the app's entry point;
//! every block calls one documented Win32 function with buffers this crate owns, and frees
//! what the system allocated.

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::{is_private_to_owner, limit_own_memory, make_private_to_owner};
