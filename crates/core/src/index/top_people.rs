//! The people with the most matches (the Person facet): each document's person number is
//! a fast column, counted by term ordinal in each segment; the people with matches are
//! then named by reading the segments' dictionaries in order side by side (or looked up,
//! when few), keeping only the busiest. Tantivy's `FacetCollector` made a facet path of every person on every search,
//! tens of milliseconds with 20,000 people.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The fast field of a document's person number, as written.
pub(crate) const PERSON_FIELD: &str = "person";

/// Counts matches per person; the fruit is the `k` busiest, most first (then by number).
pub(crate) struct TopPeople {
    pub k: usize,
}

pub(crate) struct SegmentPeople {
    column: Option<StrColumn>,
    counts: Vec<u32>,
}

impl Collector for TopPeople {
    type Fruit = Vec<(String, u64)>;
    type Child = SegmentPeople;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentPeople> {
        let column = reader.fast_fields().str(PERSON_FIELD)?;
        let terms = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentPeople {
            column,
            counts: vec![0; terms],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<(Option<StrColumn>, Vec<u32>)>,
    ) -> tantivy::Result<Self::Fruit> {
        let live: Vec<(&StrColumn, &[u32])> = segments
            .iter()
            .filter_map(|(c, n)| c.as_ref().map(|c| (c, n.as_slice())))
            .collect();
        Ok(busiest(&live, self.k)?)
    }
}

impl SegmentCollector for SegmentPeople {
    type Fruit = (Option<StrColumn>, Vec<u32>);

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(c) = &self.column {
            for ord in c.term_ords(doc) {
                if let Some(n) = usize::try_from(ord)
                    .ok()
                    .and_then(|o| self.counts.get_mut(o))
                {
                    *n += 1;
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.column, self.counts)
    }
}

/// When every segment has at most this many people with matches, each is looked up by its
/// ordinal; otherwise the segments' dictionaries are read in order once, side by side.
const LOOKUPS: usize = 256;

/// The `k` people with the most matches over all segments, exactly (ties by number).
fn busiest(segments: &[(&StrColumn, &[u32])], k: usize) -> std::io::Result<Vec<(String, u64)>> {
    let matched = |counts: &[u32]| counts.iter().filter(|n| **n > 0).count();
    let mut top = Top::new(k);
    if segments
        .iter()
        .all(|(_, counts)| matched(counts) <= LOOKUPS)
    {
        let mut totals: HashMap<Vec<u8>, u64> = HashMap::new();
        for (column, counts) in segments {
            for (ord, n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                let mut name = Vec::new();
                if column.ord_to_bytes(ord as u64, &mut name)? {
                    *totals.entry(name).or_default() += u64::from(*n);
                }
            }
        }
        for (name, n) in totals {
            top.offer(&name, n);
        }
    } else {
        // A merge of the sorted dictionaries: one pass, no allocation per person (only
        // those that enter the top are copied).
        let mut heads = Vec::with_capacity(segments.len());
        for (column, counts) in segments {
            let mut terms = column.dictionary().stream()?;
            let live = terms.advance();
            heads.push((terms, *counts, live));
        }
        let mut current: Vec<u8> = Vec::new();
        while let Some(least) = heads.iter().filter(|h| h.2).map(|h| h.0.key()).min() {
            current.clear();
            current.extend_from_slice(least);
            let mut total = 0u64;
            for (terms, counts, live) in heads.iter_mut() {
                if *live && terms.key() == current.as_slice() {
                    total += usize::try_from(terms.term_ord())
                        .ok()
                        .and_then(|o| counts.get(o))
                        .map_or(0, |n| u64::from(*n));
                    *live = terms.advance();
                }
            }
            if total > 0 {
                top.offer(&current, total);
            }
        }
    }
    Ok(top.into_sorted())
}

/// The `k` best of what is offered: most matches first, then by number.
struct Top {
    k: usize,
    /// Worst first: the least count, then the greatest name.
    heap: std::collections::BinaryHeap<(std::cmp::Reverse<u64>, Vec<u8>)>,
}

impl Top {
    fn new(k: usize) -> Self {
        Self {
            k,
            heap: std::collections::BinaryHeap::with_capacity(k + 1),
        }
    }

    fn offer(&mut self, name: &[u8], n: u64) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() == self.k {
            let Some((std::cmp::Reverse(worst), worst_name)) = self.heap.peek() else {
                return;
            };
            if n < *worst || (n == *worst && name >= worst_name.as_slice()) {
                return;
            }
            self.heap.pop();
        }
        self.heap.push((std::cmp::Reverse(n), name.to_vec()));
    }

    fn into_sorted(self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = self
            .heap
            .into_iter()
            .map(|(std::cmp::Reverse(n), name)| (String::from_utf8_lossy(&name).into_owned(), n))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}
