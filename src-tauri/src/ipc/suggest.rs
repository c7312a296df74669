//! Filing suggestions as the document view offers them: core's `FilingSuggestion` with
//! the suggested person shown by number and name.

use serde::Serialize;
use specta::Type;

use super::PersonLink;

/// A suggested type or tag, and how sure the suggestion is (0–1).
#[derive(Debug, Clone, Serialize, Type)]
pub struct Suggested {
    pub label: String,
    pub confidence: f64,
}

impl From<dossier_core::Guess> for Suggested {
    fn from(g: dossier_core::Guess) -> Self {
        Self {
            label: g.label,
            confidence: g.confidence,
        }
    }
}

/// The person a document mentions, and what of them it has.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SuggestedPerson {
    pub person: PersonLink,
    /// Found by their number (else by their name).
    pub by_number: bool,
    /// The number or name as the document has it.
    pub clue: String,
}

/// What Dossier would file a document as: a type when it has none, tags it does not
/// have, the person it mentions when it is about no one (all empty: nothing to suggest).
#[derive(Debug, Clone, Serialize, Type)]
pub struct FilingSuggestions {
    pub doc_type: Option<Suggested>,
    pub tags: Vec<Suggested>,
    pub person: Option<SuggestedPerson>,
}
