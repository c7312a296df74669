//! One suite over every [`Replica`]: answers come back in the order asked, a closure that
//! panics is answered with an error and the library goes on, and closing finishes the
//! queued work, releases the library's writer lock and refuses what comes after.

use std::sync::Arc;

use dossier_core::{Access, LockedLibrary};
use dossier_sync::{Error, Owned, Replica, Unanswered};

use crate::engine::create;

/// Each implementation, made from a library, with its way to close it.
trait Subject: Replica + Sized {
    fn make(lib: dossier_core::Library) -> Self;
    fn close(&self) -> bool;
}

impl Subject for Owned {
    fn make(lib: dossier_core::Library) -> Self {
        Owned::new(lib)
    }
    fn close(&self) -> bool {
        Owned::close(self).is_some()
    }
}

impl Subject for Arc<Owned> {
    fn make(lib: dossier_core::Library) -> Self {
        Arc::new(Owned::named(lib, "dossier-writer"))
    }
    fn close(&self) -> bool {
        Owned::close(self).is_some()
    }
}

async fn suite<R: Subject>() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let r = R::make(create(&root));

    // In the order asked, each with its own answer, even when nobody waits for some.
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut answers = Vec::new();
    for i in 0..20u32 {
        let order = Arc::clone(&order);
        let answer = r.run(move |lib| {
            order.lock().unwrap().push(i);
            Ok((i, lib.is_writer()))
        });
        if i % 3 == 0 {
            drop(answer);
        } else {
            answers.push((i, answer));
        }
    }
    for (i, answer) in answers {
        assert_eq!(answer.await.unwrap(), (i, true));
    }
    assert_eq!(*order.lock().unwrap(), (0..20).collect::<Vec<_>>());

    // A library error is the library's.
    let failed = r
        .run(|lib| lib.catalog().document(dossier_core::DocId::new()))
        .await;
    assert!(matches!(failed, Err(Error::Library(_))), "{failed:?}");

    // Panics are answered, again and again, and the library goes on.
    for _ in 0..3 {
        let panicked = r
            .run(|_| -> dossier_core::Result<()> { panic!("a bug") })
            .await;
        assert!(
            matches!(panicked, Err(Error::LibraryPanicked)),
            "{panicked:?}"
        );
    }
    assert!(r.run(|lib| Ok(lib.is_writer())).await.unwrap());

    // Closing finishes what was queued, then releases the writer lock.
    let queued = r.run(|lib| lib.catalog().unsent_count());
    assert!(r.close(), "the library comes back once");
    assert!(queued.await.is_ok(), "queued before closing: answered");
    LockedLibrary::open(&root, Access::Write).expect("the writer lock is released");
    let refused = r.run(|_| Ok(())).await;
    assert!(matches!(refused, Err(Error::LibraryStopped)), "{refused:?}");
    assert!(!r.close(), "closed once");
}

#[tokio::test]
async fn owned() {
    suite::<Owned>().await;
}

#[tokio::test]
async fn owned_behind_an_arc() {
    suite::<Arc<Owned>>().await;
}

/// A caller that does not need a library error of its own type gets its own error type
/// back through [`Owned::call`], and `Unanswered` says why there was no answer.
#[tokio::test]
async fn call_keeps_the_callers_error_type() {
    let dir = tempfile::tempdir().unwrap();
    let owned = Owned::new(create(&dir.path().join("lib")));
    let mine: Result<Result<(), &str>, Unanswered> = owned.call(|_| Err("mine")).await;
    assert_eq!(mine, Ok(Err("mine")));
    let panicked: Result<Result<(), ()>, Unanswered> = owned.call(|_| panic!("a bug")).await;
    assert_eq!(panicked, Err(Unanswered::Panicked));
    owned.close();
    let closed: Result<Result<(), ()>, Unanswered> = owned.call(|_| Ok(())).await;
    assert_eq!(closed, Err(Unanswered::Closed));
}
