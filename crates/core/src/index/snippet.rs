//! Snippets: the window of a page's text that best shows why a document matched.
//!
//! A window scores by the distinct query words it holds (rare words weigh more), then by
//! matched words standing next to each other (phrases), then by how many matches it has.

use std::collections::{BTreeMap, HashMap};

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::schema::{unstemmed_analyzer, words_analyzer};
use crate::format::extracted::PageText;

/// Characters of text shown for a hit.
pub const SNIPPET_CHARS: usize = 180;
/// Context kept before the first match of a window.
const LEAD_CHARS: usize = 40;
/// Text of one hit scanned for its best snippet.
const SCAN_BYTES: usize = 2 * 1024 * 1024;

/// A snippet: text with whitespace collapsed and highlighted ranges in characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
    pub page: Option<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Match {
    start: usize,
    end: usize,
    position: usize,
    weight: f32,
    term: usize,
}

/// Finds snippets for a set of weighted (analyzed) terms.
pub struct Highlighter {
    terms: BTreeMap<String, (usize, f32)>,
    /// A word can only stem to a term if it starts with the term less its last letter
    /// (English stems only rewrite endings): most words are never stemmed.
    prefixes: Vec<String>,
    unstemmed: TextAnalyzer,
    words: TextAnalyzer,
    /// Words already stemmed for this search → the term they match, if any.
    seen: HashMap<String, Option<(usize, f32)>>,
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Highlighter")
            .field("terms", &self.terms)
            .finish_non_exhaustive()
    }
}

/// The byte index `n` characters after `from` (or the end).
fn chars_after(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// The byte index `n` characters before `to` (or 0).
fn chars_before(text: &str, to: usize, n: usize) -> usize {
    text[..to]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

impl Highlighter {
    /// `weights`: analyzed term → weight (rarer terms weigh more).
    pub fn new(weights: &BTreeMap<String, f32>) -> Self {
        let prefixes = weights
            .keys()
            .map(|t| {
                let n = t.chars().count();
                if n <= 2 {
                    t.clone()
                } else {
                    t.chars().take(n - 1).collect()
                }
            })
            .collect();
        Self {
            terms: weights
                .iter()
                .enumerate()
                .map(|(i, (t, w))| (t.clone(), (i, *w)))
                .collect(),
            prefixes,
            unstemmed: unstemmed_analyzer(),
            words: words_analyzer(),
            seen: HashMap::new(),
        }
    }

    fn matches(&mut self, text: &str) -> Vec<Match> {
        let mut out = Vec::new();
        let mut stream = self.unstemmed.token_stream(text);
        while let Some(t) = stream.next() {
            if !self.prefixes.iter().any(|p| t.text.starts_with(p.as_str())) {
                continue;
            }
            let found = match self.seen.get(t.text.as_str()) {
                Some(found) => *found,
                None => {
                    let mut stemmed = self.words.token_stream(&t.text);
                    let found = stemmed
                        .next()
                        .and_then(|stem| self.terms.get(&stem.text).copied());
                    self.seen.insert(t.text.clone(), found);
                    found
                }
            };
            if let Some((term, weight)) = found {
                out.push(Match {
                    start: t.offset_from,
                    end: t.offset_to,
                    position: t.position,
                    weight,
                    term,
                });
            }
        }
        out
    }

    /// The best window of one text and its score.
    fn best_in(&mut self, text: &str) -> Option<((f32, usize, usize), Snippet)> {
        let matches = self.matches(text);
        let mut best: Option<((f32, usize, usize), usize, usize)> = None;
        let mut j = 0;
        for i in 0..matches.len() {
            let limit = chars_after(text, matches[i].start, SNIPPET_CHARS - LEAD_CHARS);
            j = j.max(i + 1);
            while j < matches.len() && matches[j].end <= limit {
                j += 1;
            }
            let window = &matches[i..j];
            let mut seen: Vec<usize> = Vec::new();
            let mut weight = 0.0;
            for m in window {
                if !seen.contains(&m.term) {
                    seen.push(m.term);
                    weight += m.weight;
                }
            }
            let adjacent = window
                .windows(2)
                .filter(|w| w[1].position == w[0].position + 1 && w[1].term != w[0].term)
                .count();
            let score = (weight, adjacent, window.len());
            if best.as_ref().is_none_or(|b| {
                score.0 > b.0.0 || (score.0 == b.0.0 && (score.1, score.2) > (b.0.1, b.0.2))
            }) {
                best = Some((score, i, j));
            }
        }
        let (score, i, j) = best?;
        // The window: some context before the first match, cut at whitespace.
        let mut start = chars_before(text, matches[i].start, LEAD_CHARS);
        if start > 0 {
            if let Some(ws) = text[start..matches[i].start].find(char::is_whitespace) {
                start += ws;
            } else {
                start = matches[i].start;
            }
        }
        let mut end = chars_after(text, start, SNIPPET_CHARS);
        if end < text.len() {
            let last = matches[j - 1].end;
            if let Some(ws) = text[last..end].rfind(char::is_whitespace) {
                end = last + ws;
            }
        }
        let ranges: Vec<std::ops::Range<usize>> = matches[i..j]
            .iter()
            .filter(|m| m.end <= end)
            .map(|m| m.start - start..m.end - start)
            .collect();
        let (body, mut highlights) = tidy(&text[start..end], &ranges);
        let lead = !text[..start].trim().is_empty();
        let tail = !text[end..].trim().is_empty();
        let mut out = String::with_capacity(body.len() + 8);
        if lead {
            out.push_str("… ");
            for h in &mut highlights {
                h[0] += 2;
                h[1] += 2;
            }
        }
        out.push_str(body.trim_start());
        if tail {
            out.push_str(" …");
        }
        Some((
            score,
            Snippet {
                text: out,
                highlights,
                page: None,
            },
        ))
    }

    /// The best snippet among a document's pages; without a match, how it begins.
    pub fn best(&mut self, pages: &[PageText]) -> Snippet {
        let mut best: Option<((f32, usize, usize), Snippet)> = None;
        let mut scanned = 0usize;
        for p in pages {
            if scanned > SCAN_BYTES {
                break;
            }
            scanned += p.text.len();
            if let Some((score, mut s)) = self.best_in(&p.text)
                && best.as_ref().is_none_or(|b| {
                    score.0 > b.0.0 || (score.0 == b.0.0 && (score.1, score.2) > (b.0.1, b.0.2))
                })
            {
                s.page = Some(p.page);
                best = Some((score, s));
            }
        }
        best.map(|(_, s)| s).unwrap_or_else(|| beginning(pages))
    }
}

/// How a document begins, for hits that matched on title or metadata only.
pub fn beginning(pages: &[PageText]) -> Snippet {
    match pages.iter().find(|p| !p.text.trim().is_empty()) {
        Some(p) => {
            let end = chars_after(&p.text, 0, SNIPPET_CHARS);
            let (mut text, _) = tidy(&p.text[..end], &[]);
            if !p.text[end..].trim().is_empty() {
                text.push_str(" …");
            }
            Snippet {
                text: text.trim_start().to_owned(),
                highlights: Vec::new(),
                page: Some(p.page),
            }
        }
        None => Snippet {
            text: String::new(),
            highlights: Vec::new(),
            page: None,
        },
    }
}

/// Collapse whitespace runs to one space and turn byte ranges into character ranges.
fn tidy(fragment: &str, ranges: &[std::ops::Range<usize>]) -> (String, Vec<[usize; 2]>) {
    let mut out = String::with_capacity(fragment.len());
    let mut char_at = vec![0usize; fragment.len() + 1];
    let mut chars = 0usize;
    let mut last_space = true;
    for (i, c) in fragment.char_indices() {
        char_at[i] = chars;
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                chars += 1;
            }
            last_space = true;
        } else {
            out.push(c);
            chars += 1;
            last_space = false;
        }
    }
    char_at[fragment.len()] = chars;
    let trimmed = out.trim_end().to_owned();
    let n = trimmed.chars().count();
    let highlights = ranges
        .iter()
        .map(|r| [char_at[r.start].min(n), char_at[r.end].min(n)])
        .filter(|[a, b]| a < b)
        .collect();
    (trimmed, highlights)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::extracted::TextSource;

    fn page(page: u32, text: &str) -> PageText {
        PageText {
            page,
            source: TextSource::Layer,
            text: text.into(),
        }
    }

    fn marked(s: &Snippet) -> Vec<String> {
        let chars: Vec<char> = s.text.chars().collect();
        s.highlights
            .iter()
            .map(|[a, b]| chars[*a..*b].iter().collect())
            .collect()
    }

    fn highlighter(terms: &[(&str, f32)]) -> Highlighter {
        let w: BTreeMap<String, f32> = terms.iter().map(|(t, w)| (t.to_string(), *w)).collect();
        Highlighter::new(&w)
    }

    #[test]
    fn tidy_collapses_whitespace_and_counts_characters() {
        let frag = "Élève  \n report  card ";
        let start = frag.find("report").expect("found");
        let (text, hl) = tidy(frag, std::slice::from_ref(&(start..start + 6)));
        assert_eq!(text, "Élève report card");
        assert_eq!(hl, vec![[6, 12]]);
    }

    #[test]
    fn the_page_with_the_most_query_words_wins_and_phrases_beat_repeats() {
        let mut h = highlighter(&[("final", 0.5), ("grade", 0.5)]);
        let pages = [
            page(1, "grade grade grade"),
            page(2, "the final grade"),
            page(3, "final results and then a grade"),
        ];
        let s = h.best(&pages);
        assert_eq!(s.page, Some(2));
        assert_eq!(s.text, "the final grade");
        assert_eq!(marked(&s), ["final", "grade"]);
    }

    #[test]
    fn long_pages_are_cut_around_the_match_with_ellipses() {
        let filler = "lorem ipsum dolor sit amet ".repeat(40);
        let text = format!("{filler}the Reconciliation of accounts {filler}");
        let mut h = highlighter(&[("reconcili", 1.0)]);
        let s = h.best(&[page(7, &text)]);
        assert_eq!(s.page, Some(7));
        assert!(
            s.text.starts_with("… ") && s.text.ends_with(" …"),
            "{}",
            s.text
        );
        assert_eq!(marked(&s), ["Reconciliation"]);
        assert!(s.text.chars().count() <= SNIPPET_CHARS + 4);
    }

    #[test]
    fn without_a_match_the_beginning_is_shown() {
        let mut h = highlighter(&[("absent", 1.0)]);
        let s = h.best(&[page(1, "  "), page(2, "Second page  text")]);
        assert_eq!(s.page, Some(2));
        assert_eq!(s.text, "Second page text");
        assert!(s.highlights.is_empty());
    }
}
