//! Filing suggestions on a library: a [`TypeSuggester`] learned from the documents people
//! (and rules) gave a type, and the features of a document to suggest for or teach with.

use super::Library;
use crate::error::Result;
use crate::ids::DocId;
use crate::suggest::{Features, MAX_TEXT_CHARS, TypeSuggester};

/// The most typed documents a suggester learns from: the newest (what the office files
/// now), and a bound on its memory.
pub const MAX_LEARNED: usize = 2_000;

impl Library {
    /// Learn this library's filing: the newest [`MAX_LEARNED`] documents with a type.
    pub fn type_suggester(&self) -> Result<TypeSuggester> {
        let mut s = TypeSuggester::new();
        for (doc, label) in self.catalog().typed_documents(MAX_LEARNED)? {
            if let Some(f) = self.document_features(doc)? {
                s.teach(doc, &f, Some(&label));
            }
        }
        Ok(s)
    }

    /// What the classifier sees of `doc`: its file name and the start of its text (`None`
    /// while neither says anything, e.g. a scan not read yet).
    pub fn document_features(&self, doc: DocId) -> Result<Option<Features>> {
        let d = self.catalog().document(doc)?;
        let mut text = String::new();
        if let Some(v) = d.current_version {
            for page in self.catalog().texts(v)? {
                if text.len() >= MAX_TEXT_CHARS * 4 {
                    break;
                }
                text.push_str(&page.text);
                text.push('\n');
            }
        }
        let f = Features::of(&d.summary.file_name, &text);
        Ok((!f.is_empty()).then_some(f))
    }
}
