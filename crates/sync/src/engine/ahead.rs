//! [`Ahead`]: run up to `depth` transfers at once and hand their results back in the
//! order they were asked for (segments must be applied in order; packs do not care).

use std::collections::VecDeque;
use std::future::Future;

use tokio::task::JoinHandle;

/// Transfers started ahead of the one being consumed.
pub(super) struct Ahead<I: Iterator>
where
    I::Item: Future,
{
    items: I,
    depth: usize,
    queue: VecDeque<JoinHandle<<I::Item as Future>::Output>>,
}

impl<I> Ahead<I>
where
    I: Iterator,
    I::Item: Future + Send + 'static,
    <I::Item as Future>::Output: Send + 'static,
{
    pub(super) fn new(items: I, depth: usize) -> Self {
        Self {
            items,
            depth: depth.max(1),
            queue: VecDeque::new(),
        }
    }

    /// The next result in order, or `None` when all were handed back.
    pub(super) async fn next(&mut self) -> Option<<I::Item as Future>::Output> {
        while self.queue.len() < self.depth {
            match self.items.next() {
                Some(f) => self.queue.push_back(tokio::spawn(f)),
                None => break,
            }
        }
        let handle = self.queue.pop_front()?;
        match handle.await {
            Ok(out) => Some(out),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
}

impl<I: Iterator> Drop for Ahead<I>
where
    I::Item: Future,
{
    fn drop(&mut self) {
        // Transfers nobody will consume (the caller stopped early) are cancelled.
        for handle in &self.queue {
            handle.abort();
        }
    }
}
