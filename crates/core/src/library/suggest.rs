//! Filing suggestions on a library: a [`Suggester`] learned from how people (and rules)
//! filed documents, and the one policy both front ends show: a type for a document with
//! none, tags it does not have, and the person it mentions when it is about no one.

use super::Library;
use crate::catalog::DocumentDetail;
use crate::error::Result;
use crate::ids::{DocId, SubjectId};
use crate::suggest::{Clues, Features, Guess, MAX_TEXT_CHARS, Suggester, Suggestion};

/// The most filed documents a suggester learns from: the newest (what the office files
/// now), and a bound on its memory.
pub const MAX_LEARNED: usize = 2_000;

/// Why a person is suggested: the document has their number, else their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonClue {
    Number(String),
    Name(String),
}

/// The person a document mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSuggestion {
    pub subject: SubjectId,
    pub clue: PersonClue,
}

/// What to suggest for one document (empty: nothing to suggest).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilingSuggestion {
    pub doc_type: Option<Guess>,
    pub tags: Vec<Guess>,
    pub person: Option<PersonSuggestion>,
}

impl FilingSuggestion {
    pub fn is_empty(&self) -> bool {
        self.doc_type.is_none() && self.tags.is_empty() && self.person.is_none()
    }
}

impl Library {
    /// Learn this library's filing: the newest [`MAX_LEARNED`] documents with a type or
    /// tags.
    pub fn suggester(&self) -> Result<Suggester> {
        let mut s = Suggester::new();
        for (doc, filing) in self.catalog().filed_documents(MAX_LEARNED)? {
            if let Some(f) = self.document_features(doc)? {
                s.teach(doc, &f, &filing);
            }
        }
        Ok(s)
    }

    /// What the classifier sees of `doc`: its file name and the start of its text (`None`
    /// while neither says anything, e.g. a scan not read yet).
    pub fn document_features(&self, doc: DocId) -> Result<Option<Features>> {
        let d = self.catalog().document(doc)?;
        let f = Features::of(&d.summary.file_name, &self.start_of_text(&d)?);
        Ok((!f.is_empty()).then_some(f))
    }

    /// What to suggest for `doc`: `model` (a [`Suggester`], perhaps behind a lock the
    /// caller takes only for this call) says the type and tags from its features; the
    /// people it mentions are looked up here. Nothing is suggested for a document in the
    /// trash, a type only when it has none, tags it does not have, a person when it is
    /// about no one and exactly one person is the likeliest (a number counts twice a
    /// name; between equals, a student before staff).
    pub fn suggest_filing(
        &self,
        doc: DocId,
        model: impl FnOnce(&Features) -> Suggestion,
    ) -> Result<FilingSuggestion> {
        let d = self.catalog().document(doc)?;
        if d.summary.trashed {
            return Ok(FilingSuggestion::default());
        }
        let text = self.start_of_text(&d)?;
        let features = Features::of(&d.summary.file_name, &text);
        let Suggestion { doc_type, tags } = model(&features);
        let has = |t: &str| d.summary.tags.iter().any(|x| x.eq_ignore_ascii_case(t));
        let person =
            if d.summary.subject_id.is_some() || self.catalog().document_subject(doc)?.is_some() {
                None
            } else {
                self.person_mentioned(&Clues::of(&d.summary.file_name, &text))?
            };
        Ok(FilingSuggestion {
            doc_type: doc_type.filter(|_| d.summary.doc_type.is_none()),
            tags: tags.into_iter().filter(|g| !has(&g.label)).collect(),
            person,
        })
    }

    fn person_mentioned(&self, clues: &Clues) -> Result<Option<PersonSuggestion>> {
        // subject → (score, student, best clue)
        let mut scores: Vec<(SubjectId, u32, bool, PersonClue)> = Vec::new();
        for m in self.catalog().subjects_mentioned(clues)? {
            let (points, clue) = if m.by_number {
                (2, PersonClue::Number(m.clue))
            } else {
                (1, PersonClue::Name(m.clue))
            };
            match scores.iter_mut().find(|s| s.0 == m.subject) {
                Some(s) => {
                    s.1 += points;
                    if matches!(clue, PersonClue::Number(_)) {
                        s.3 = clue;
                    }
                }
                None => scores.push((m.subject, points, m.student, clue)),
            }
        }
        scores.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)));
        Ok(match scores.as_slice() {
            [] => None,
            [first, second, ..] if (first.1, first.2) == (second.1, second.2) => None,
            [first, ..] => Some(PersonSuggestion {
                subject: first.0,
                clue: first.3.clone(),
            }),
        })
    }

    /// The start of a document's current text (about [`MAX_TEXT_CHARS`]).
    fn start_of_text(&self, d: &DocumentDetail) -> Result<String> {
        match d.current_version {
            Some(v) => self.catalog().text_start(v, MAX_TEXT_CHARS * 4),
            None => Ok(String::new()),
        }
    }
}
