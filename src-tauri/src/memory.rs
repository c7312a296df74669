//! Freed memory given back to the system when the library goes quiet: when no read is
//! running any more (a search answered, a scroll's thumbnails made) and when processing
//! has finished.
//!
//! Allocators keep what a program frees for its next allocations. A search, a scroll or a
//! slice of processing allocates and frees megabytes (decrypted index ranges, results,
//! previews), so an app that has worked and then sits idle would go on holding them. How
//! to give them back is the platform's ([`Allocator`]); the entry point, the only place
//! with unsafe code, hands it over once at start.

use std::sync::OnceLock;

/// What the app's entry point does with the process's allocator.
#[derive(Debug, Clone, Copy)]
pub struct Allocator {
    /// Give the pages of freed memory back to the system (glibc's `malloc_trim`), in a
    /// millisecond or so; nothing where the allocator does this by itself.
    pub give_back_freed: fn(),
}

static ALLOCATOR: OnceLock<Allocator> = OnceLock::new();

/// Remember the platform's allocator for the life of the process (the first one given).
pub(crate) fn install(allocator: Allocator) {
    let _ = ALLOCATOR.set(allocator);
}

/// Give freed memory back, if the entry point said how. Blocks: call it off the async
/// runtime.
pub(crate) fn give_back_freed() {
    if let Some(a) = ALLOCATOR.get() {
        (a.give_back_freed)();
    }
}
