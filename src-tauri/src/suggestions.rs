//! Filing suggestions for the open library: one [`TypeSuggester`], learned on first use
//! from the library's typed documents (on a reader), taught at once each type set in
//! this app, and learned again when changes from elsewhere may have typed documents (a
//! sync brought changes, a rule was applied).
//!
//! **Invariant:** the mutex is held only to look at, teach or swap the model (in memory,
//! microseconds); reading documents and learning run outside it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use dossier_core::{DocId, Guess, Library, TypeSuggester};

use crate::error::AppResult;
use crate::session::Session;

#[derive(Debug, Default)]
pub struct Suggestions {
    /// Bumped when the model may be out of date.
    generation: AtomicU64,
    /// The model and the generation it was learned at.
    model: Mutex<Option<(u64, TypeSuggester)>>,
}

impl Suggestions {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn model(&self) -> MutexGuard<'_, Option<(u64, TypeSuggester)>> {
        self.model.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Documents may have been typed elsewhere: learn again on the next suggestion.
    pub fn stale(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The type to suggest for `doc` (`None`: nothing confident enough).
    pub async fn suggest(
        self: &Arc<Self>,
        session: &Session,
        doc: DocId,
    ) -> AppResult<Option<Guess>> {
        let this = Arc::clone(self);
        session
            .read(move |lib| {
                let Some(features) = lib.document_features(doc)? else {
                    return Ok(None);
                };
                let generation = this.generation.load(Ordering::SeqCst);
                if let Some((at, model)) = &*this.model()
                    && *at == generation
                {
                    return Ok(model.suggest(&features));
                }
                let model = lib.type_suggester()?;
                let guess = model.suggest(&features);
                *this.model() = Some((generation, model));
                Ok(guess)
            })
            .await
    }

    /// A person set `doc`'s type here (`None`: cleared): teach the model, if there is one.
    pub async fn teach(
        self: &Arc<Self>,
        session: &Session,
        doc: DocId,
        label: Option<String>,
    ) -> AppResult<()> {
        if self.model().is_none() {
            return Ok(());
        }
        let this = Arc::clone(self);
        session
            .read(move |lib: &Library| {
                if let Some(features) = lib.document_features(doc)?
                    && let Some((_, model)) = &mut *this.model()
                {
                    model.teach(doc, &features, label.as_deref());
                }
                Ok(())
            })
            .await
    }
}
