//! [`Memory`]: a remote in memory, for fast tests, that can be told to fail the way
//! networks and servers do ([`Fault`]).

use std::collections::{BTreeMap, VecDeque};
use std::ops::Range;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use super::{Creation, Key, Object, Put, Remote, check_limit, check_range};
use crate::error::{Error, Result};

/// A failure the next request meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The server answers 500 (or the connection drops) before doing anything.
    Unavailable,
    /// The request is carried out, but the answer is lost on the way back.
    LostReply,
    /// The body comes back cut short (only reads; other requests ignore it).
    Truncated,
    /// The answer takes this long.
    Slow(Duration),
}

/// Objects in a map, and a queue of faults for the next requests.
#[derive(Debug, Default)]
pub struct Memory {
    objects: Mutex<BTreeMap<Key, Bytes>>,
    faults: Mutex<VecDeque<Fault>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next requests meet these faults, one each, in order.
    pub fn inject(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.faults).extend(faults);
    }

    /// Faults not met yet.
    pub fn pending_faults(&self) -> usize {
        lock(&self.faults).len()
    }

    /// Meet the next fault, if any: fail now, or say what to do after the work.
    async fn fault(&self, op: &'static str, key: &str) -> Result<Option<Fault>> {
        let next = lock(&self.faults).pop_front();
        match next {
            Some(Fault::Unavailable) => Err(Error::Unavailable {
                op,
                key: key.to_owned(),
                reason: "injected: the server answered 500",
            }),
            Some(Fault::Slow(d)) => {
                tokio::time::sleep(d).await;
                Ok(None)
            }
            other => Ok(other),
        }
    }

    fn after(fault: Option<Fault>, op: &'static str, key: &str) -> Result<()> {
        match fault {
            Some(Fault::LostReply) => Err(Error::Unavailable {
                op,
                key: key.to_owned(),
                reason: "injected: the connection dropped before the answer",
            }),
            _ => Ok(()),
        }
    }

    fn read(&self, key: &Key, fault: Option<Fault>, op: &'static str) -> Result<Bytes> {
        let found = lock(&self.objects).get(key).cloned();
        // A lost answer is lost whatever it said (a "not found" too).
        Self::after(fault, op, key.as_str())?;
        let bytes = found.ok_or_else(|| Error::NotFound {
            key: key.to_string(),
        })?;
        if fault == Some(Fault::Truncated) {
            return Err(Error::Truncated {
                key: key.to_string(),
                expected: bytes.len() as u64,
                got: bytes.len() as u64 / 2,
            });
        }
        Ok(bytes)
    }
}

#[async_trait]
impl Remote for Memory {
    async fn creation(&self) -> Result<Creation> {
        Ok(Creation::Exclusive)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Object>> {
        let fault = self.fault("list", prefix).await?;
        let out = lock(&self.objects)
            .iter()
            .filter(|(k, _)| k.as_str().starts_with(prefix))
            .map(|(k, v)| Object {
                key: k.clone(),
                size: v.len() as u64,
            })
            .collect();
        Self::after(fault, "list", prefix)?;
        Ok(out)
    }

    async fn get(&self, key: &Key, limit: u64) -> Result<Bytes> {
        let fault = self.fault("get", key.as_str()).await?;
        let bytes = self.read(key, fault, "get")?;
        check_limit(key, bytes.len() as u64, limit)?;
        Ok(bytes)
    }

    async fn get_range(&self, key: &Key, range: Range<u64>) -> Result<Bytes> {
        let fault = self.fault("get", key.as_str()).await?;
        let all = self.read(key, fault, "get")?;
        let len = all.len() as u64;
        check_range(key, len, &range)?;
        let (a, b) = (
            usize::try_from(range.start).unwrap_or(usize::MAX),
            usize::try_from(range.end).unwrap_or(usize::MAX),
        );
        Ok(all.slice(a..b))
    }

    async fn put_if_absent(&self, key: &Key, bytes: Bytes) -> Result<Put> {
        let fault = self.fault("put", key.as_str()).await?;
        let put = {
            let mut objects = lock(&self.objects);
            if objects.contains_key(key) {
                Put::Existed
            } else {
                objects.insert(key.clone(), bytes);
                Put::Created
            }
        };
        Self::after(fault, "put", key.as_str())?;
        Ok(put)
    }

    async fn delete(&self, key: &Key) -> Result<()> {
        let fault = self.fault("delete", key.as_str()).await?;
        lock(&self.objects).remove(key);
        Self::after(fault, "delete", key.as_str())
    }
}
