//! [`Resilient`]: any [`Remote`] with retries (exponential backoff with full jitter), a
//! time limit per request, a bound on requests in flight, and [`Counters`].

use std::future::Future;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use rand::Rng;
use tokio::sync::Semaphore;

use super::{Creation, Key, Object, Put, Remote};
use crate::error::{Error, Result};

/// How hard to try.
#[derive(Debug, Clone)]
pub struct ResilientOptions {
    /// Tries per request, the first included.
    pub attempts: u32,
    /// The first retry waits up to this long; each next one up to twice as long.
    pub backoff: Duration,
    /// No wait is longer than this.
    pub max_backoff: Duration,
    /// One try of a request may take this long.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub parallel: usize,
}

impl Default for ResilientOptions {
    fn default() -> Self {
        Self {
            attempts: 8,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            timeout: Duration::from_secs(120),
            parallel: 8,
        }
    }
}

/// What went over the wire, for `dossier sync --json` and the benchmarks.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests sent, retries included.
    pub requests: AtomicU64,
    /// Requests sent again after a transient failure.
    pub retries: AtomicU64,
    pub bytes_up: AtomicU64,
    pub bytes_down: AtomicU64,
}

impl Counters {
    fn add(n: &AtomicU64, by: u64) {
        n.fetch_add(by, Ordering::Relaxed);
    }

    /// (requests, retries, bytes up, bytes down) now.
    pub fn snapshot(&self) -> (u64, u64, u64, u64) {
        (
            self.requests.load(Ordering::Relaxed),
            self.retries.load(Ordering::Relaxed),
            self.bytes_up.load(Ordering::Relaxed),
            self.bytes_down.load(Ordering::Relaxed),
        )
    }
}

/// A remote that retries what may pass and counts what it does.
#[derive(Debug)]
pub struct Resilient<R> {
    inner: R,
    opts: ResilientOptions,
    slots: Semaphore,
    counters: Arc<Counters>,
}

impl<R: Remote> Resilient<R> {
    pub fn new(inner: R, opts: ResilientOptions) -> Self {
        Self {
            slots: Semaphore::new(opts.parallel.max(1)),
            inner,
            opts,
            counters: Arc::new(Counters::default()),
        }
    }

    pub fn counters(&self) -> Arc<Counters> {
        Arc::clone(&self.counters)
    }

    /// Requests it lets run at once.
    pub fn parallel(&self) -> usize {
        self.opts.parallel.max(1)
    }

    pub fn inner(&self) -> &R {
        &self.inner
    }

    /// The wait before retry number `n` (1-based): random in [0, min(max, backoff·2ⁿ⁻¹)].
    fn backoff(&self, n: u32) -> Duration {
        let ceiling = self
            .opts
            .backoff
            .saturating_mul(1 << n.saturating_sub(1).min(20))
            .min(self.opts.max_backoff);
        let ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=ms))
    }

    /// Run `attempt` until it succeeds, fails for good, or runs out of tries.
    async fn call<T, F, Fut>(&self, op: &'static str, key: &str, attempt: F) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let _slot = self.slots.acquire().await.map_err(|_| Error::Unavailable {
            op,
            key: key.to_owned(),
            reason: "the remote is closing",
        })?;
        let mut tries = 0;
        loop {
            tries += 1;
            Counters::add(&self.counters.requests, 1);
            let result = match tokio::time::timeout(self.opts.timeout, attempt()).await {
                Ok(r) => r,
                Err(_) => Err(Error::Timeout {
                    op,
                    key: key.to_owned(),
                    seconds: self.opts.timeout.as_secs(),
                }),
            };
            match result {
                Err(e) if e.is_transient() && tries < self.opts.attempts => {
                    Counters::add(&self.counters.retries, 1);
                    tokio::time::sleep(self.backoff(tries)).await;
                }
                other => return other,
            }
        }
    }
}

#[async_trait]
impl<R: Remote> Remote for Resilient<R> {
    async fn creation(&self) -> Result<Creation> {
        self.call("probe", "", || self.inner.creation()).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Object>> {
        self.call("list", prefix, || self.inner.list(prefix)).await
    }

    async fn get(&self, key: &Key, limit: u64) -> Result<Bytes> {
        let b = self
            .call("get", key.as_str(), || self.inner.get(key, limit))
            .await?;
        Counters::add(&self.counters.bytes_down, b.len() as u64);
        Ok(b)
    }

    async fn get_range(&self, key: &Key, range: Range<u64>) -> Result<Bytes> {
        let b = self
            .call("get", key.as_str(), || {
                self.inner.get_range(key, range.clone())
            })
            .await?;
        Counters::add(&self.counters.bytes_down, b.len() as u64);
        Ok(b)
    }

    async fn put_if_absent(&self, key: &Key, bytes: Bytes) -> Result<Put> {
        let len = bytes.len() as u64;
        let put = self
            .call("put", key.as_str(), || {
                Counters::add(&self.counters.bytes_up, len);
                self.inner.put_if_absent(key, bytes.clone())
            })
            .await?;
        Ok(put)
    }

    async fn delete(&self, key: &Key) -> Result<()> {
        self.call("delete", key.as_str(), || self.inner.delete(key))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::{Fault, Memory};

    fn quick(attempts: u32) -> ResilientOptions {
        ResilientOptions {
            attempts,
            backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            timeout: Duration::from_millis(200),
            parallel: 4,
        }
    }

    #[tokio::test]
    async fn transient_failures_are_retried_and_counted() {
        let r = Resilient::new(Memory::new(), quick(5));
        let key = Key::new("packs/ab/ab01").unwrap();
        r.inner().inject([Fault::Unavailable, Fault::LostReply]);
        // The lost reply came after the object was stored: the retry finds it there.
        assert_eq!(
            r.put_if_absent(&key, Bytes::from_static(b"pack"))
                .await
                .unwrap(),
            Put::Existed
        );
        r.inner()
            .inject([Fault::Truncated, Fault::Slow(Duration::from_secs(5))]);
        assert_eq!(&r.get(&key, 64).await.unwrap()[..], b"pack");
        assert_eq!(r.inner().pending_faults(), 0);
        let (requests, retries, up, down) = r.counters().snapshot();
        assert_eq!((requests, retries), (6, 4));
        assert_eq!((up, down), (12, 4));
    }

    #[tokio::test]
    async fn permanent_failures_and_exhausted_tries_are_reported() {
        let r = Resilient::new(Memory::new(), quick(3));
        let key = Key::new("journal/d/1").unwrap();
        assert!(matches!(r.get(&key, 64).await, Err(Error::NotFound { .. })));
        assert_eq!(r.counters().snapshot().0, 1, "not found is not retried");
        r.inner().inject([Fault::Unavailable; 3]);
        assert!(matches!(
            r.put_if_absent(&key, Bytes::from_static(b"x")).await,
            Err(Error::Unavailable { .. })
        ));
        assert!(
            r.inner().list("").await.unwrap().is_empty(),
            "nothing half written"
        );
    }

    #[test]
    fn backoff_grows_and_stays_under_the_cap() {
        let r = Resilient::new(
            Memory::new(),
            ResilientOptions {
                backoff: Duration::from_millis(100),
                max_backoff: Duration::from_millis(1000),
                ..ResilientOptions::default()
            },
        );
        for n in 1..30 {
            let cap = Duration::from_millis((100u64 << (n - 1).min(20)).min(1000));
            assert!(r.backoff(n) <= cap, "retry {n}");
        }
    }
}
