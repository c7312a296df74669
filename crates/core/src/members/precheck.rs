//! Batch signatures checked ahead, on a thread of their own (issue 21, the cost of
//! verifying a clone): once a segment's operations are recorded, while a desktop applies
//! its batches one by one (mostly SQLite's work on one core), another core checks the
//! signatures of the batches after them, so judging a batch rarely waits for its
//! signature.
//!
//! **Invariant:** this is a memo, never a judge. [`Registry::judge_batch`] takes an
//! answer only for the very signing key, signature and message it would check itself,
//! and checks itself any batch the thread did not (its signer not known yet, keys given
//! anew since the thread looked, or no thread at all).

use std::collections::HashMap;
use std::sync::mpsc;
use std::thread::JoinHandle;

use super::Registry;
use crate::format::batch;
use crate::format::identity::PublicIdentity;
use crate::format::op::{Op, OpKind};
use crate::keys::{Purpose, verify_signature};

/// What the thread is asked to check: the batch closed by the operation stamped
/// `closing`, signed by `identity` over `message`.
struct Job {
    closing: String,
    identity: PublicIdentity,
    message: Vec<u8>,
    signature: Vec<u8>,
}

/// The thread's answer for a batch: the digest of what verified, or `None`.
type Answer = (String, Option<[u8; 32]>);

/// Fewer batches than this are checked on the spot: a thread would cost more than it saves.
const WORTH_A_THREAD: usize = 8;

/// Signatures checked ahead for the batches a desktop is about to judge, in order.
#[derive(Default)]
pub(crate) struct Prechecked {
    answers: Option<mpsc::Receiver<Answer>>,
    worker: Option<JoinHandle<()>>,
    known: HashMap<String, Option<[u8; 32]>>,
}

impl Prechecked {
    /// Nothing checked ahead: every batch is checked when judged.
    pub(crate) fn none() -> Self {
        Self::default()
    }

    /// Check ahead the signatures of `batches` (each its closing operation and the JSON of
    /// the operations it covers, in the order they will be judged) whose signer
    /// `registry` knows at the place they name.
    pub(crate) fn start<'a>(
        registry: &Registry,
        batches: impl Iterator<Item = (&'a Op, &'a [String])>,
    ) -> Self {
        let jobs: Vec<Job> = batches
            .filter_map(|(closing, bodies)| {
                let OpKind::Signed {
                    member,
                    at,
                    signature,
                    ..
                } = &closing.kind
                else {
                    return None;
                };
                let grant = registry.role_at(*member, *at)?;
                Some(Job {
                    closing: closing.stamp.key(),
                    identity: grant.identity.clone(),
                    message: batch::message(
                        registry.library(),
                        &closing.stamp,
                        *member,
                        *at,
                        bodies,
                    ),
                    signature: signature.clone(),
                })
            })
            .collect();
        if jobs.len() < WORTH_A_THREAD {
            return Self::none();
        }
        let (to_worker, from_judge) = mpsc::channel::<Job>();
        let (to_judge, answers) = mpsc::channel::<Answer>();
        for job in jobs {
            // The receiver is alive: it moves into the thread below.
            let _ = to_worker.send(job);
        }
        drop(to_worker);
        let spawned = std::thread::Builder::new()
            .name("dossier-precheck".into())
            .spawn(move || {
                for job in from_judge {
                    let verified = verify_signature(
                        &job.identity,
                        Purpose::OpBatch,
                        &job.message,
                        &job.signature,
                        "a batch of changes",
                    )
                    .is_ok()
                    .then(|| digest(&job.identity, &job.signature, &job.message));
                    if to_judge.send((job.closing, verified)).is_err() {
                        // The judge is done: the rest is not needed.
                        break;
                    }
                }
            });
        match spawned {
            Ok(worker) => Self {
                answers: Some(answers),
                worker: Some(worker),
                known: HashMap::new(),
            },
            // No thread to be had: every batch is checked when judged.
            Err(_) => Self::none(),
        }
    }

    /// Whether the batch closed by `closing` was checked ahead and verified for exactly
    /// `identity`, `signature` and `message`; waits for the thread's answer when it has
    /// not come yet. `false` tells the judge to check it itself.
    pub(crate) fn verified(
        &mut self,
        closing: &str,
        identity: &PublicIdentity,
        signature: &[u8],
        message: &[u8],
    ) -> bool {
        while !self.known.contains_key(closing) {
            let Some(answers) = &self.answers else {
                return false;
            };
            match answers.recv() {
                Ok((key, answer)) => {
                    self.known.insert(key, answer);
                }
                // Every answer is in: this batch was not asked.
                Err(_) => {
                    self.answers = None;
                    return false;
                }
            }
        }
        self.known
            .remove(closing)
            .flatten()
            .is_some_and(|d| d == digest(identity, signature, message))
    }
}

impl Drop for Prechecked {
    fn drop(&mut self) {
        // The thread stops at its next answer, which no one receives now.
        self.answers = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// What identifies one check: the signing key, the signature and the message.
fn digest(identity: &PublicIdentity, signature: &[u8], message: &[u8]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(&(identity.signing.len() as u64).to_le_bytes());
    h.update(&identity.signing);
    h.update(&(signature.len() as u64).to_le_bytes());
    h.update(signature);
    h.update(message);
    *h.finalize().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::op::{Hlc, Stamp};
    use crate::ids::{DeviceId, InvitationId, LibraryId, MemberId};
    use crate::keys::Identity;
    use crate::members::sign_batch;

    /// Batches of one operation each, signed by `by`, the last with a broken signature;
    /// each closing operation with the JSON of what it covers.
    fn batches(library: LibraryId, by: &Identity, n: u32) -> Vec<(Op, Vec<String>)> {
        let device = DeviceId::new();
        let stamp = |counter| Stamp {
            hlc: Hlc {
                wall_ms: 1_000,
                counter,
            },
            device,
        };
        (0..n)
            .map(|i| {
                let covered = [Op {
                    stamp: stamp(2 * i),
                    kind: OpKind::InvitationWithdrawn {
                        invitation: InvitationId::from_hex(&format!("{i:064x}")).unwrap(),
                    },
                }];
                let mut closing = sign_batch(by, library, 0, &covered, stamp(2 * i + 1)).unwrap();
                if i == n - 1
                    && let OpKind::Signed { signature, .. } = &mut closing.kind
                {
                    signature[0] ^= 1;
                }
                (closing, vec![serde_json::to_string(&covered[0]).unwrap()])
            })
            .collect()
    }

    fn message(library: LibraryId, closing: &Op, bodies: &[String]) -> Vec<u8> {
        let OpKind::Signed { member, at, .. } = &closing.kind else {
            panic!("not a signature")
        };
        batch::message(library, &closing.stamp, *member, *at, bodies)
    }

    fn signature(closing: &Op) -> &[u8] {
        match &closing.kind {
            OpKind::Signed { signature, .. } => signature,
            _ => panic!("not a signature"),
        }
    }

    #[test]
    fn an_answer_counts_only_for_the_key_signature_and_message_checked() {
        let library = LibraryId::new();
        let ann = Identity::generate(MemberId::new(), "Ann").unwrap();
        let registry = Registry::new(library, ann.public().clone());
        let list = batches(library, &ann, 12);
        let mut pre = Prechecked::start(&registry, list.iter().map(|(c, b)| (c, b.as_slice())));
        assert!(pre.answers.is_some(), "enough batches for a thread");
        let other = Identity::generate(ann.public().member, "Ann").unwrap();
        for (i, (closing, bodies)) in list.iter().enumerate() {
            let key = closing.stamp.key();
            let msg = message(library, closing, bodies);
            let sig = signature(closing);
            // Another key, or another message, is not what was checked.
            if i == 0 {
                assert!(!pre.verified(&key, other.public(), sig, &msg));
                continue;
            }
            if i == 1 {
                let mut changed = msg.clone();
                changed[0] ^= 1;
                assert!(!pre.verified(&key, ann.public(), sig, &changed));
                continue;
            }
            let broken = i == list.len() - 1;
            assert_eq!(pre.verified(&key, ann.public(), sig, &msg), !broken, "{i}");
        }
        // A batch it was not asked about: the judge checks it itself.
        assert!(!pre.verified("elsewhere", ann.public(), &[0; 64], b"m"));
        // Too few batches: no thread, every batch checked when judged.
        let few = Prechecked::start(&registry, list[..2].iter().map(|(c, b)| (c, b.as_slice())));
        assert!(few.answers.is_none());
    }
}
