//! Tags suggested from the filed documents most like this one (k nearest neighbours by
//! cosine similarity): a tag is offered when the nearest documents that carry it hold most
//! of their weight (each weighs its similarity squared, so the nearest count most). Tags are many per document and often unrelated to each other, which a
//! per-label vote handles and a single-label classifier does not.

use std::collections::HashMap;

use super::{Features, Guess};
use crate::ids::DocId;

/// The heaviest features kept of each learned document: a bound on memory (8 bytes
/// each) that keeps what the document is mostly about.
const SKETCH: usize = 256;
/// Neighbours that vote.
const K: usize = 5;
/// The least similarity for a document to count as a neighbour.
const MIN_SIMILARITY: f64 = 0.1;
/// The share of the neighbours' weight (similarity squared) a tag needs.
const MIN_SHARE: f64 = 0.5;
/// The fewest neighbours that must carry a tag.
const MIN_VOTES: usize = 2;

/// One learned document: its heaviest features (hash folded to 32 bits, sorted) and
/// its tags.
#[derive(Debug, Clone)]
struct Filed {
    sketch: Vec<(u32, f32)>,
    tags: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Neighbours {
    docs: HashMap<DocId, Filed>,
}

fn fold(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

impl Neighbours {
    pub(super) fn len(&self) -> usize {
        self.docs.len()
    }

    /// Learn (or learn again) `doc`'s tags; a document without tags counts too, as a
    /// vote against every tag.
    pub(super) fn teach(&mut self, doc: DocId, features: &Features, tags: &[String]) {
        let mut sketch: Vec<(u32, f32)> =
            features.iter().map(|(h, w)| (fold(h), w as f32)).collect();
        if sketch.len() > SKETCH {
            sketch.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            sketch.truncate(SKETCH);
        }
        sketch.sort_unstable_by_key(|(h, _)| *h);
        let mut tags: Vec<String> = tags
            .iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        tags.sort_unstable_by_key(|t| t.to_lowercase());
        tags.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        self.docs.insert(doc, Filed { sketch, tags });
    }

    pub(super) fn forget(&mut self, doc: DocId) {
        self.docs.remove(&doc);
    }

    /// Tags most of the nearest documents carry, surest first; `except` (the document
    /// suggested for) does not vote on itself.
    pub(super) fn suggest(&self, features: &Features, except: Option<DocId>) -> Vec<Guess> {
        let query: HashMap<u32, f64> = features.iter().map(|(h, w)| (fold(h), w)).collect();
        let mut near: Vec<(f64, &Filed)> = self
            .docs
            .iter()
            .filter(|(id, _)| Some(**id) != except)
            .map(|(_, f)| f)
            .map(|f| {
                let s = f
                    .sketch
                    .iter()
                    .map(|(h, w)| f64::from(*w) * query.get(h).copied().unwrap_or(0.0))
                    .sum::<f64>();
                (s, f)
            })
            .filter(|(s, _)| *s >= MIN_SIMILARITY)
            .collect();
        let k = K.min(near.len());
        if k == 0 {
            return Vec::new();
        }
        near.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
        near.truncate(k);
        // Nearest first: a tag is spelled as the nearest document has it.
        near.sort_by(|a, b| b.0.total_cmp(&a.0));
        let total: f64 = near.iter().map(|(s, _)| s * s).sum();
        // tag (lower case) → (spelling, weight, votes)
        let mut votes: HashMap<String, (&str, f64, usize)> = HashMap::new();
        for (s, f) in &near {
            for t in &f.tags {
                let e = votes.entry(t.to_lowercase()).or_insert((t, 0.0, 0));
                e.1 += s * s;
                e.2 += 1;
            }
        }
        super::surest_first(
            votes
                .into_values()
                .filter(|(_, w, n)| *n >= MIN_VOTES && w / total >= MIN_SHARE)
                .map(|(t, w, _)| Guess {
                    label: t.to_owned(),
                    confidence: w / total,
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(text: &str) -> Features {
        Features::of("scan.pdf", text)
    }

    fn tags(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_tag_most_near_documents_carry_is_suggested_and_others_are_not() {
        let mut n = Neighbours::default();
        let iep = "individualised education plan accommodations extra time reading support";
        n.teach(DocId::new(), &f(iep), &tags(&["SEN", "confidential"]));
        n.teach(
            DocId::new(),
            &f(&format!("{iep} review meeting")),
            &tags(&["sen", "Review"]),
        );
        n.teach(
            DocId::new(),
            &f(&format!("{iep} speech therapy")),
            &tags(&["SEN"]),
        );
        n.teach(
            DocId::new(),
            &f("field trip permission slip signature"),
            &tags(&["trips"]),
        );
        n.teach(
            DocId::new(),
            &f("field trip consent form signature parent"),
            &[],
        );
        let g = n.suggest(
            &f("education plan with accommodations and reading support"),
            None,
        );
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(g[0].label, "SEN", "spelled as the nearest has it");
        assert!(g[0].confidence > 0.9 && g[0].confidence <= 1.0 + 1e-9);
        // One trip document of two carries a tag: a single vote is not enough.
        assert!(
            n.suggest(&f("permission slip for the field trip"), None)
                .is_empty()
        );
        // Nothing alike: no neighbours, no tags.
        assert!(n.suggest(&f("cafeteria menu lunch"), None).is_empty());
    }

    #[test]
    fn relearning_and_forgetting_replace_what_a_document_said() {
        let mut n = Neighbours::default();
        let (a, b) = (DocId::new(), DocId::new());
        n.teach(a, &f("bus pass route morning"), &tags(&["transport"]));
        n.teach(b, &f("bus pass route afternoon"), &tags(&["transport"]));
        assert_eq!(n.suggest(&f("bus route pass"), None)[0].label, "transport");
        n.teach(b, &f("bus pass route afternoon"), &[]);
        assert_eq!(n.len(), 2);
        assert!(
            n.suggest(&f("bus route pass"), None).is_empty(),
            "one vote left"
        );
        n.forget(a);
        n.forget(b);
        assert_eq!(n.len(), 0);
    }

    #[test]
    fn a_long_document_is_kept_as_its_heaviest_features() {
        let mut n = Neighbours::default();
        let long: String = (0..2000)
            .map(|i| format!("w{} ", char::from_u32(0x4e00 + i).unwrap()))
            .collect();
        n.teach(DocId::new(), &f(&long), &tags(&["x"]));
        assert!(n.docs.values().all(|d| d.sketch.len() == SKETCH));
    }
}
