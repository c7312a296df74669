//! Filing suggestions for the open library: one [`Suggester`], learned on first use from
//! the library's filed documents (on a reader), taught at once each filing made in this
//! app, and learned again when changes from elsewhere may have filed documents (a sync
//! brought changes, a rule was applied). What is suggested is core's policy
//! ([`Library::suggest_filing`]).
//!
//! **Invariant:** the mutex is held only to look at, teach or swap the model (in memory,
//! at most a millisecond); reading documents and learning run outside it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use dossier_core::{DocId, Filing, FilingSuggestion, Library, Suggester};

use crate::error::AppResult;
use crate::session::Session;

#[derive(Debug, Default)]
pub struct Suggestions {
    /// Bumped when the model may be out of date.
    generation: AtomicU64,
    /// The model and the generation it was learned at.
    model: Mutex<Option<(u64, Suggester)>>,
}

impl Suggestions {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn model(&self) -> MutexGuard<'_, Option<(u64, Suggester)>> {
        self.model.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Documents may have been filed elsewhere: learn again on the next suggestion.
    pub fn stale(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// What to suggest for `doc`.
    pub async fn suggest(
        self: &Arc<Self>,
        session: &Session,
        doc: DocId,
    ) -> AppResult<FilingSuggestion> {
        let this = Arc::clone(self);
        session
            .read(move |lib| {
                let generation = this.generation.load(Ordering::SeqCst);
                let fresh = matches!(&*this.model(), Some((at, _)) if *at == generation);
                if !fresh {
                    let model = lib.suggester()?;
                    *this.model() = Some((generation, model));
                }
                Ok(lib.suggest_filing(doc, |features| match &*this.model() {
                    Some((_, model)) => model.suggest(Some(doc), features),
                    None => Default::default(),
                })?)
            })
            .await
    }

    /// A person filed `doc` here (its type or tags changed): teach the model its filing
    /// now, if there is a model.
    pub async fn teach(self: &Arc<Self>, session: &Session, doc: DocId) -> AppResult<()> {
        if self.model().is_none() {
            return Ok(());
        }
        let this = Arc::clone(self);
        session
            .read(move |lib: &Library| {
                let d = lib.catalog().document(doc)?.summary;
                let filing = Filing {
                    doc_type: d.doc_type,
                    tags: d.tags,
                };
                if let Some(features) = lib.document_features(doc)?
                    && let Some((_, model)) = &mut *this.model()
                {
                    model.teach(doc, &features, &filing);
                }
                Ok(())
            })
            .await
    }
}
