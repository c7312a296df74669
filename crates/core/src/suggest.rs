//! Suggestions learned from filing: a small classifier over a document's words and file
//! name, trained on this desktop from what people filed, one document at a time (a
//! correction takes the old filing back out). Pure: the library feeds it text and labels.
//!
//! The model is Complement Naive Bayes (Rennie et al., 2003) over hashed words and word
//! pairs, each weighted `ln(1 + count)` and the document's vector scaled to length 1: as
//! accurate as logistic regression on short texts with few examples per class, learned by
//! adding counts (no retraining pass), and a prediction costs one lookup per feature and
//! class. docs/decisions.md says why; `benches/suggest.rs` measures it beside tf-idf with
//! logistic regression. Tags come from the nearest filed documents (`neighbours`), and
//! the numbers and names a document mentions (`clues`) are looked up among the library's
//! people.

use std::collections::HashMap;

use crate::ids::DocId;

pub(crate) mod clues;
mod neighbours;

pub(crate) use clues::Clues;
use neighbours::Neighbours;

/// The most characters of a document's text looked at (the start says what it is).
pub const MAX_TEXT_CHARS: usize = 32 * 1024;
/// Smoothing: how much an unseen word counts.
const ALPHA: f64 = 0.1;

/// A document as the classifier sees it: hashed features, each with its weight.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features(Vec<(u64, f64)>);

impl Features {
    /// Words and word pairs of `text` (lower case, letters only, 2–30 characters; numbers
    /// and dates say who and when, not what), and the words of the file's name, which
    /// count as their own features.
    pub fn of(file_name: &str, text: &str) -> Self {
        let mut counts: HashMap<u64, f64> = HashMap::new();
        let mut previous: Option<u64> = None;
        let text = match text.char_indices().nth(MAX_TEXT_CHARS) {
            Some((i, _)) => &text[..i],
            None => text,
        };
        for word in words(text) {
            let h = hash(b"w", &word);
            *counts.entry(h).or_default() += 1.0;
            if let Some(p) = previous {
                *counts.entry(p.rotate_left(17) ^ h).or_default() += 1.0;
            }
            previous = Some(h);
        }
        let stem = std::path::Path::new(file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for word in words(&stem) {
            *counts.entry(hash(b"n", &word)).or_default() += 1.0;
        }
        let mut features: Vec<(u64, f64)> = counts
            .into_iter()
            .map(|(h, c)| (h, (1.0 + c).ln()))
            .collect();
        let norm = features.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut features {
                *w /= norm;
            }
        }
        features.sort_unstable_by_key(|(h, _)| *h);
        Self(features)
    }

    /// Whether there is nothing to learn from or classify by.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The hashed features and their weights.
    pub fn iter(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
        self.0.iter().copied()
    }
}

/// Lower-case runs of letters, 2 to 30 long.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| (2..=30).contains(&w.chars().count()))
        .map(str::to_lowercase)
}

/// FNV-1a, 64 bits: the same on every platform and run (a model's features must not
/// change meaning between runs).
fn hash(kind: &[u8], word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind.iter().chain([0u8].iter()).chain(word.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// What one label has seen.
#[derive(Debug, Clone, Default)]
struct Class {
    label: String,
    documents: u32,
    weights: HashMap<u64, f64>,
    total: f64,
}

/// One suggested label and how sure the classifier is (0–1, summing to 1 over labels).
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub label: String,
    pub confidence: f64,
}

/// A classifier of documents into labels (document types), learned incrementally.
#[derive(Debug, Clone, Default)]
pub struct Classifier {
    classes: Vec<Class>,
    all: HashMap<u64, f64>,
    total: f64,
}

impl Classifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Documents learned from.
    pub fn documents(&self) -> u32 {
        self.classes.iter().map(|c| c.documents).sum()
    }

    /// Labels seen (with at least one document).
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.classes
            .iter()
            .filter(|c| c.documents > 0)
            .map(|c| c.label.as_str())
    }

    /// Learn that a document with `features` is a `label` (compared without regard to
    /// case; the first spelling seen is kept).
    pub fn learn(&mut self, features: &Features, label: &str) {
        self.add(features, label, 1.0);
    }

    /// Take back what [`Classifier::learn`] learned of a document (its label was
    /// corrected, or it was deleted).
    pub fn forget(&mut self, features: &Features, label: &str) {
        if self
            .class(label)
            .is_some_and(|i| self.classes[i].documents > 0)
        {
            self.add(features, label, -1.0);
        }
    }

    fn class(&self, label: &str) -> Option<usize> {
        self.classes
            .iter()
            .position(|c| c.label.eq_ignore_ascii_case(label.trim()))
    }

    fn add(&mut self, features: &Features, label: &str, sign: f64) {
        let i = self.class(label).unwrap_or_else(|| {
            self.classes.push(Class {
                label: label.trim().to_owned(),
                ..Class::default()
            });
            self.classes.len() - 1
        });
        let class = &mut self.classes[i];
        class.documents = class.documents.saturating_add_signed(sign as i32);
        for (h, w) in features.iter() {
            let w = w * sign;
            *class.weights.entry(h).or_default() += w;
            *self.all.entry(h).or_default() += w;
            class.total += w;
            self.total += w;
        }
        // Counts taken back to nothing leave no entries behind.
        if sign < 0.0 {
            for (h, _) in features.iter() {
                for map in [&mut self.classes[i].weights, &mut self.all] {
                    if map.get(&h).is_some_and(|w| w.abs() < 1e-9) {
                        map.remove(&h);
                    }
                }
            }
        }
    }

    /// The labels for a document, most likely first (empty: nothing learned yet).
    pub fn classify(&self, features: &Features) -> Vec<Guess> {
        let live: Vec<&Class> = self.classes.iter().filter(|c| c.documents > 0).collect();
        if live.is_empty() {
            return Vec::new();
        }
        let vocabulary = self.all.len().max(1) as f64;
        // Complement NB: a label scores high when the document is unlike every other label.
        let scores: Vec<f64> = live
            .iter()
            .map(|c| {
                let rest_total = (self.total - c.total).max(0.0) + ALPHA * vocabulary;
                features
                    .iter()
                    .map(|(h, x)| {
                        let rest = self.all.get(&h).copied().unwrap_or(0.0)
                            - c.weights.get(&h).copied().unwrap_or(0.0);
                        x * -((rest.max(0.0) + ALPHA) / rest_total).ln()
                    })
                    .sum()
            })
            .collect();
        let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exp: Vec<f64> = scores.iter().map(|s| (s - top).exp()).collect();
        let sum: f64 = exp.iter().sum();
        surest_first(
            live.iter()
                .zip(exp)
                .map(|(c, e)| Guess {
                    label: c.label.clone(),
                    confidence: e / sum,
                })
                .collect(),
        )
    }
}

/// Guesses surest first, then by label (the same order on every run).
fn surest_first(mut guesses: Vec<Guess>) -> Vec<Guess> {
    guesses.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.label.cmp(&b.label))
    });
    guesses
}

/// The least confidence a type is suggested with.
pub const SUGGEST_CONFIDENCE: f64 = 0.5;

/// How a document was filed, as the suggester learns it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filing {
    pub doc_type: Option<String>,
    pub tags: Vec<String>,
}

impl Filing {
    /// Neither a type nor a tag: nothing to learn.
    pub fn is_empty(&self) -> bool {
        self.doc_type.is_none() && self.tags.is_empty()
    }
}

/// What to suggest for a document: a type (when one is sure enough) and tags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Suggestion {
    pub doc_type: Option<Guess>,
    pub tags: Vec<Guess>,
}

/// Suggests a type and tags for documents from a library's filing: a [`Classifier`] of
/// types and the nearest filed documents' tags, remembering what it learned of each
/// document, so that a correction takes the old filing back.
#[derive(Debug, Clone, Default)]
pub struct Suggester {
    types: Classifier,
    typed: HashMap<DocId, String>,
    tags: Neighbours,
}

impl Suggester {
    pub fn new() -> Self {
        Self::default()
    }

    /// Documents learned from.
    pub fn documents(&self) -> usize {
        self.tags.len()
    }

    /// Learn that `doc` (with these features) is filed so; an empty filing forgets it.
    /// What was learned of it before is taken back first.
    pub fn teach(&mut self, doc: DocId, features: &Features, filing: &Filing) {
        if let Some(old) = self.typed.remove(&doc) {
            self.types.forget(features, &old);
        }
        if let Some(label) = filing
            .doc_type
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            self.types.learn(features, label);
            self.typed.insert(doc, label.to_owned());
        }
        if filing.is_empty() {
            self.tags.forget(doc);
        } else {
            self.tags.teach(doc, features, &filing.tags);
        }
    }

    /// The type (when the model knows more than one and is at least
    /// [`SUGGEST_CONFIDENCE`] sure) and the tags to suggest for `doc` (when it is in the
    /// library: it does not vote on its own tags) with these features.
    pub fn suggest(&self, doc: Option<DocId>, features: &Features) -> Suggestion {
        if features.is_empty() {
            return Suggestion::default();
        }
        let doc_type = if self.types.labels().nth(1).is_some() {
            self.types
                .classify(features)
                .into_iter()
                .next()
                .filter(|g| g.confidence >= SUGGEST_CONFIDENCE)
        } else {
            None
        };
        Suggestion {
            doc_type,
            tags: self.tags.suggest(features, doc),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Features {
        Features::of("scan_0001.pdf", text)
    }

    #[test]
    fn features_are_words_and_pairs_of_the_text_and_the_name_apart() {
        let a = Features::of("transcript.pdf", "Official transcript 2024-0173");
        let b = Features::of("0042.pdf", "Official transcript 2024-0173");
        assert_ne!(a, b, "the name's words are features of their own");
        // official, transcript, the pair, and (for a) the name's word; numbers are left out
        // (b's name has none).
        assert_eq!(b.iter().count(), 3);
        assert_eq!(a.iter().count(), 4);
        let norm: f64 = a.iter().map(|(_, w)| w * w).sum();
        assert!((norm - 1.0).abs() < 1e-9, "scaled to length 1");
        assert!(Features::of("123.pdf", "2024 / 17").is_empty());
    }

    #[test]
    fn it_learns_labels_and_a_correction_takes_the_old_one_back() {
        let mut c = Classifier::new();
        assert!(
            c.classify(&doc("anything")).is_empty(),
            "nothing learned: no guess"
        );
        c.learn(&doc("official transcript grades credits gpa"), "Transcript");
        c.learn(&doc("transcript of academic record credits"), "Transcript");
        c.learn(
            &doc("immunization record vaccine doses measles"),
            "Immunisation",
        );
        c.learn(&doc("vaccination history doses polio"), "immunisation");
        let wrong = doc("permission slip field trip consent signature");
        c.learn(&wrong, "Transcript");
        assert_eq!(c.documents(), 5);
        let g = c.classify(&doc("academic transcript credits earned"));
        assert_eq!(g[0].label, "Transcript");
        assert!(
            g[0].confidence > 0.5
                && (g.iter().map(|g| g.confidence).sum::<f64>() - 1.0).abs() < 1e-9
        );
        assert_eq!(
            c.classify(&doc("doses of vaccine given"))[0].label,
            "Immunisation"
        );
        // Corrected: the slip was a consent form.
        c.forget(&wrong, "transcript");
        c.learn(&wrong, "Consent form");
        assert_eq!(c.documents(), 5);
        assert_eq!(
            c.classify(&doc("consent for the field trip"))[0].label,
            "Consent form"
        );
        let mut labels: Vec<&str> = c.labels().collect();
        labels.sort_unstable();
        assert_eq!(labels, ["Consent form", "Immunisation", "Transcript"]);
    }

    #[test]
    fn forgetting_everything_leaves_nothing_learned() {
        let mut c = Classifier::new();
        let d = doc("report card term comments");
        c.learn(&d, "Report card");
        c.forget(&d, "Report card");
        c.forget(&d, "Report card");
        assert_eq!(c.documents(), 0);
        assert!(c.classify(&d).is_empty());
        assert!(c.all.is_empty(), "no counts left behind");
    }

    #[test]
    fn a_suggester_needs_two_types_and_takes_corrections_back() {
        let mut s = Suggester::new();
        let (a, b, c) = (DocId::new(), DocId::new(), DocId::new());
        let typed = |t: &str| Filing {
            doc_type: Some(t.into()),
            tags: Vec::new(),
        };
        let transcript = doc("official transcript credits grades");
        s.teach(a, &transcript, &typed("Transcript"));
        assert_eq!(
            s.suggest(None, &doc("transcript credits")).doc_type,
            None,
            "one type known: no guess"
        );
        s.teach(
            b,
            &doc("immunization record vaccine doses"),
            &typed("Immunisation"),
        );
        assert_eq!(
            s.suggest(None, &doc("transcript credits"))
                .doc_type
                .unwrap()
                .label,
            "Transcript"
        );
        // Re-typed: the old label is taken back; cleared: forgotten.
        s.teach(a, &transcript, &typed("Report card"));
        s.teach(
            c,
            &doc("term report comments effort"),
            &typed("Report card"),
        );
        assert_eq!(s.documents(), 3);
        assert_eq!(s.types.labels().count(), 2, "no transcript left");
        s.teach(c, &doc("term report comments effort"), &Filing::default());
        assert_eq!(s.documents(), 2);
        assert_eq!(s.suggest(None, &Features::default()), Suggestion::default());
    }

    #[test]
    fn tags_come_from_documents_filed_with_or_without_a_type() {
        let mut s = Suggester::new();
        let tagged = |t: &[&str]| Filing {
            doc_type: None,
            tags: t.iter().map(|t| (*t).to_owned()).collect(),
        };
        for text in ["bus pass route morning", "bus pass route afternoon stop"] {
            s.teach(DocId::new(), &doc(text), &tagged(&["Transport"]));
        }
        let g = s.suggest(None, &doc("bus route pass"));
        assert_eq!(g.doc_type, None, "no types learned");
        assert_eq!(
            g.tags.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
            ["Transport"]
        );
    }
}
