//! [`Remote`]: the five operations sync needs from a storage place, and its
//! implementations ([`Folder`], the in-memory [`Memory`] for tests) and wrappers
//! ([`Resilient`]).
//!
//! **Invariant:** every object is written once and never changed. A key names its content
//! (a pack's hash) or is unique to the device that writes it (its journal's sequence), so
//! two writers of one key write the same bytes, and `put_if_absent` needs no lock.

mod dav_create;
mod folder;
mod key;
mod memory;
mod object_store;
mod resilient;
mod url;

use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

pub use folder::Folder;
pub use key::Key;
pub use memory::{Fault, Memory};
pub use object_store::ObjectStore;
pub use resilient::{Counters, Resilient, ResilientOptions};
pub use url::{Credentials, check_storable, open, open_with};

use crate::error::{Error, Result};

/// Refuse a range that does not lie within an object of `len` bytes.
fn check_range(key: &Key, len: u64, range: &Range<u64>) -> Result<()> {
    if range.end > len || range.start > range.end {
        return Err(Error::OutOfRange {
            key: key.to_string(),
            len,
            start: range.start,
            end: range.end,
        });
    }
    Ok(())
}

/// Refuse an object of `len` bytes when more than `limit` were allowed.
fn check_limit(key: &Key, len: u64, limit: u64) -> Result<()> {
    if len > limit {
        return Err(Error::TooLarge {
            key: key.to_string(),
            limit,
        });
    }
    Ok(())
}

/// One object on a remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub key: Key,
    pub size: u64,
}

/// What `put_if_absent` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    Created,
    /// An object of that name was there already; it was left as it was.
    Existed,
}

/// How a remote keeps a second writer of a name from replacing the first object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Creation {
    /// The service itself refuses to create an object whose name exists (S3's
    /// `If-None-Match`, a WebDAV server that honours it, a rename that refuses an
    /// existing target): where it checks atomically with the write, of two writers of
    /// one name exactly one creates it.
    Exclusive,
    /// The service cannot refuse: `put_if_absent` looks first, then writes, so two
    /// writers at the same moment may both write. Dossier keeps its invariant by naming
    /// (only one device ever writes a name, or every writer of it writes the same bytes),
    /// except for key objects, where the desktop whose publish was replaced notices it
    /// at its next sync and publishes both sets above it.
    CheckedFirst,
}

/// A place objects are kept: a folder, a bucket, a WebDAV share.
#[async_trait]
pub trait Remote: Send + Sync + std::fmt::Debug {
    /// How `put_if_absent` keeps objects write-once here (a WebDAV server is asked once).
    async fn creation(&self) -> Result<Creation>;
    /// Every object whose key starts with `prefix` (`""`: all), in key order.
    async fn list(&self, prefix: &str) -> Result<Vec<Object>>;
    /// The whole object, refused unread beyond its first `limit` bytes
    /// ([`Error::TooLarge`]): the size Dossier expects of it, or the most it ever writes
    /// of that kind, so a remote cannot fill this desktop's memory.
    async fn get(&self, key: &Key, limit: u64) -> Result<Bytes>;
    /// Bytes `range` of the object (a pack's chunk).
    async fn get_range(&self, key: &Key, range: Range<u64>) -> Result<Bytes>;
    /// Store the object unless one of that name exists. Once this returns, the object
    /// is durable and whole; a failure leaves nothing under `key`.
    async fn put_if_absent(&self, key: &Key, bytes: Bytes) -> Result<Put>;
    /// Remove the object; removing an absent one is not an error.
    async fn delete(&self, key: &Key) -> Result<()>;
}

/// A remote behind a pointer (`Box<dyn Remote>`, a shared `Arc`) is the remote.
macro_rules! forward_remote {
    ($ptr:ident) => {
        #[async_trait]
        impl<R: Remote + ?Sized> Remote for $ptr<R> {
            async fn creation(&self) -> Result<Creation> {
                (**self).creation().await
            }
            async fn list(&self, prefix: &str) -> Result<Vec<Object>> {
                (**self).list(prefix).await
            }
            async fn get(&self, key: &Key, limit: u64) -> Result<Bytes> {
                (**self).get(key, limit).await
            }
            async fn get_range(&self, key: &Key, range: Range<u64>) -> Result<Bytes> {
                (**self).get_range(key, range).await
            }
            async fn put_if_absent(&self, key: &Key, bytes: Bytes) -> Result<Put> {
                (**self).put_if_absent(key, bytes).await
            }
            async fn delete(&self, key: &Key) -> Result<()> {
                (**self).delete(key).await
            }
        }
    };
}

forward_remote!(Box);
forward_remote!(Arc);
