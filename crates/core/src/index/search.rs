//! Running a search: the query, counts, facet counts, and snippets with page numbers.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{FuzzyTermQuery, Query};
use tantivy::schema::{Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime, DocAddress, Order, Searcher, TantivyDocument, Term};

use super::SearchIndex;
use super::query::{
    self, Analyzers, Atom, BuildOptions, Clause, Filter, ParsedQuery, Target, fuzzy_distance,
    prefix_term, tokens,
};
use super::schema::keyword;
use crate::catalog::jobs::PageText;
use crate::error::Result;
use crate::ids::DocId;

/// Characters of text around the best match shown for a hit.
const SNIPPET_CHARS: usize = 180;
/// Text of one hit scanned for its best snippet.
const SNIPPET_SCAN_BYTES: usize = 2 * 1024 * 1024;
/// Index terms a prefix or fuzzy word is expanded to for highlighting.
const MAX_EXPANSIONS: usize = 64;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best match first (newest first when the query has no words).
    #[default]
    Relevance,
    /// Newest document date first.
    Date,
}

/// A search, as the CLI and the app ask for it.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// What the user typed (see [`query::parse`]).
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub doc_type: Option<String>,
    /// Every one of these tags.
    pub tags: Vec<String>,
    /// Document date on or after this day.
    pub after: Option<NaiveDate>,
    /// Document date before this day.
    pub before: Option<NaiveDate>,
    pub sort: SortOrder,
    /// Search the trash instead of the active documents.
    pub trashed: bool,
    /// Count type, tag, year, status and collection facets over all matches.
    pub facets: bool,
    /// Find a snippet (with its page) for each hit.
    pub snippets: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            query: String::new(),
            limit: 20,
            offset: 0,
            doc_type: None,
            tags: Vec::new(),
            after: None,
            before: None,
            sort: SortOrder::Relevance,
            trashed: false,
            facets: true,
            snippets: true,
        }
    }
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub id: DocId,
    pub title: String,
    /// The current version's original file name.
    pub file_name: String,
    pub score: f32,
    /// Text around the best match, whitespace collapsed.
    pub snippet: String,
    /// Highlighted ranges of `snippet`, in characters: `[start, end)`.
    pub highlights: Vec<[usize; 2]>,
    /// The 1-based page (sheet, slide) the snippet is from.
    pub page: Option<u32>,
}

/// Facet counts over every match: value → number of documents.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Facets {
    #[serde(rename = "type")]
    pub doc_type: BTreeMap<String, u64>,
    pub tag: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
    pub collection: BTreeMap<String, u64>,
}

/// What a search found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchResults {
    /// Matches in all (not only the hits returned).
    pub total: u64,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    /// Nothing matched as typed, so these are close spellings.
    pub fuzzy: bool,
}

const FACET_GROUPS: [&str; 5] = ["type", "tag", "year", "status", "collection"];

fn facets_of(counts: &tantivy::collector::FacetCounts) -> Facets {
    let mut out = Facets::default();
    for group in FACET_GROUPS {
        let map = match group {
            "type" => &mut out.doc_type,
            "tag" => &mut out.tag,
            "year" => &mut out.year,
            "status" => &mut out.status,
            _ => &mut out.collection,
        };
        for (facet, n) in counts.get(format!("/{group}").as_str()) {
            if let Some(last) = facet.to_path().last() {
                map.insert((*last).to_owned(), n);
            }
        }
    }
    out
}

/// The request's own options as clauses of the query.
fn with_request_filters(mut q: ParsedQuery, req: &SearchRequest) -> ParsedQuery {
    if let Some(t) = &req.doc_type {
        q.must.push(Clause::Filter(Filter::Type(keyword(t))));
    }
    for t in &req.tags {
        q.must.push(Clause::Filter(Filter::Tag(keyword(t))));
    }
    if let Some(d) = req.after {
        q.must.push(Clause::Filter(Filter::After(d)));
    }
    if let Some(d) = req.before {
        q.must.push(Clause::Filter(Filter::Before(d)));
    }
    q.must.push(Clause::Filter(Filter::State(if req.trashed {
        "trashed"
    } else {
        "active"
    })));
    q
}

/// Index terms of `field` accepted by an automaton-like predicate, over all segments.
fn expand_fuzzy(searcher: &Searcher, field: Field, term: &str, d: u8, out: &mut BTreeSet<String>) {
    let q = FuzzyTermQuery::new(Term::from_field_text(field, term), d, true);
    for seg in searcher.segment_readers() {
        let (Ok(inv), Ok(automaton)) = (seg.inverted_index(field), q.automaton()) else {
            continue;
        };
        let Ok(mut stream) = inv.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() && out.len() < MAX_EXPANSIONS {
            if let Ok(s) = std::str::from_utf8(stream.key()) {
                out.insert(s.to_owned());
            }
        }
    }
}

fn expand_prefix(searcher: &Searcher, field: Field, prefix: &str, out: &mut BTreeSet<String>) {
    for seg in searcher.segment_readers() {
        let Ok(inv) = seg.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inv.terms().range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        let mut n = 0;
        while stream.advance() && n < MAX_EXPANSIONS {
            if !stream.key().starts_with(prefix.as_bytes()) {
                break;
            }
            if let Ok(s) = std::str::from_utf8(stream.key()) {
                out.insert(s.to_owned());
            }
            n += 1;
        }
    }
}

/// The body terms a hit's text is highlighted with.
fn highlight_terms(
    searcher: &Searcher,
    body: Field,
    an: &mut Analyzers,
    q: &ParsedQuery,
    fuzzy_words: bool,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in &q.must {
        let Clause::Text(Target::All | Target::Body, atom) = c else {
            continue;
        };
        match atom {
            Atom::Word(w) => {
                let toks = tokens(&mut an.words, w);
                let d = fuzzy_distance(w);
                if let ([one], true) = (toks.as_slice(), fuzzy_words && d > 0) {
                    expand_fuzzy(searcher, body, one, d, &mut out);
                }
                out.extend(toks);
            }
            Atom::Phrase(p) => out.extend(tokens(&mut an.words, p)),
            Atom::Prefix(p) => {
                let mut toks = prefix_term(an, p);
                if let Some(last) = toks.pop() {
                    expand_prefix(searcher, body, &last, &mut out);
                }
                out.extend(toks);
            }
            Atom::Fuzzy(w, d) => {
                if let [one] = tokens(&mut an.words, w).as_slice() {
                    let d = d.unwrap_or_else(|| fuzzy_distance(w).max(1));
                    expand_fuzzy(searcher, body, one, d, &mut out);
                }
            }
        }
    }
    out
}

/// Collapse whitespace runs to one space and turn byte ranges into character ranges.
fn tidy(fragment: &str, ranges: &[std::ops::Range<usize>]) -> (String, Vec<[usize; 2]>) {
    let mut out = String::with_capacity(fragment.len());
    let mut char_at = Vec::with_capacity(fragment.len() + 1);
    let mut chars = 0usize;
    let mut last_space = true;
    for (i, c) in fragment.char_indices() {
        for _ in char_at.len()..=i {
            char_at.push(chars);
        }
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
    for _ in char_at.len()..=fragment.len() {
        char_at.push(chars);
    }
    let trimmed_end = out.trim_end().chars().count();
    let out = out.trim_end().to_owned();
    let highlights = ranges
        .iter()
        .map(|r| {
            [
                char_at[r.start.min(fragment.len())].min(trimmed_end),
                char_at[r.end.min(fragment.len())].min(trimmed_end),
            ]
        })
        .filter(|[a, b]| a < b)
        .collect();
    (out, highlights)
}

/// The best snippet of a hit's pages: the page with the most distinct matched words.
fn best_snippet(
    generator: Option<&SnippetGenerator>,
    wanted: usize,
    pages: &[PageText],
) -> (String, Vec<[usize; 2]>, Option<u32>) {
    let mut best: Option<((usize, usize), String, Vec<[usize; 2]>, u32)> = None;
    if let Some(generator) = generator {
        let mut scanned = 0usize;
        for p in pages {
            if scanned > SNIPPET_SCAN_BYTES {
                break;
            }
            scanned += p.text.len();
            let s = generator.snippet(&p.text);
            if s.highlighted().is_empty() {
                continue;
            }
            let distinct: BTreeSet<String> = s
                .highlighted()
                .iter()
                .map(|r| s.fragment()[r.clone()].to_lowercase())
                .collect();
            let rank = (distinct.len(), s.highlighted().len());
            if best.as_ref().is_none_or(|b| rank > b.0) {
                let (text, hl) = tidy(s.fragment(), s.highlighted());
                best = Some((rank, text, hl, p.page));
                if distinct.len() >= wanted {
                    break;
                }
            }
        }
    }
    if let Some((_, text, hl, page)) = best {
        return (text, hl, Some(page));
    }
    // No words matched in the text (a title or metadata match): show how it begins.
    match pages.iter().find(|p| !p.text.trim().is_empty()) {
        Some(p) => {
            let head: String = p.text.chars().take(SNIPPET_CHARS * 2).collect();
            let (text, _) = tidy(&head, &[]);
            let text: String = text.chars().take(SNIPPET_CHARS).collect();
            (text, Vec::new(), Some(p.page))
        }
        None => (String::new(), Vec::new(), None),
    }
}

fn stored_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl SearchIndex {
    /// Run a search. `custom_fields` are the library's custom field names (usable as
    /// `name:value`); `pages` gives a document's page texts, for snippets.
    pub fn search(
        &self,
        req: &SearchRequest,
        custom_fields: &[String],
        pages: &mut dyn FnMut(DocId) -> Result<Vec<PageText>>,
    ) -> Result<SearchResults> {
        let parsed = with_request_filters(query::parse(&req.query, custom_fields)?, req);
        let searcher = self.reader.searcher();
        let mut an = Analyzers::default();
        let by_date = req.sort == SortOrder::Date || !parsed.has_text();
        let limit = req.limit.max(1);
        let run = |an: &mut Analyzers,
                   opts: BuildOptions|
         -> Result<(u64, Vec<(f32, DocAddress)>, Option<Facets>)> {
            let q: Box<dyn Query> = query::build(&self.fields, an, &parsed, opts);
            let facet_collector = req.facets.then(|| {
                let mut c = FacetCollector::for_field("facets");
                for g in FACET_GROUPS {
                    c.add_facet(format!("/{g}").as_str());
                }
                c
            });
            let top = TopDocs::with_limit(limit).and_offset(req.offset);
            let (total, hits, facets) = if by_date {
                let (total, hits, facets) = searcher.search(
                    &q,
                    &(
                        Count,
                        top.order_by_fast_field::<DateTime>("date", Order::Desc),
                        facet_collector,
                    ),
                )?;
                (total, hits.into_iter().map(|(_, a)| (0.0, a)).collect(), facets)
            } else {
                searcher.search(&q, &(Count, top.order_by_score(), facet_collector))?
            };
            Ok((total as u64, hits, facets.as_ref().map(facets_of)))
        };
        let mut fuzzy = false;
        let mut found = run(&mut an, BuildOptions::default())?;
        if found.0 == 0 && parsed.has_words() {
            found = run(&mut an, BuildOptions { fuzzy_words: true })?;
            fuzzy = true;
        }
        let (total, top, facets) = found;
        let generator = if req.snippets {
            let terms = highlight_terms(&searcher, self.fields.body, &mut an, &parsed, fuzzy);
            let wanted = terms.len();
            (!terms.is_empty()).then(|| {
                let map = terms.into_iter().map(|t| (t, 1.0)).collect();
                let mut g =
                    SnippetGenerator::new(map, an.words.clone(), self.fields.body, SNIPPET_CHARS);
                g.set_max_num_chars(SNIPPET_CHARS);
                (g, wanted)
            })
        } else {
            None
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let id: DocId = stored_str(&doc, self.fields.id).parse()?;
            let (snippet, highlights, page) = if req.snippets {
                let texts = pages(id)?;
                best_snippet(
                    generator.as_ref().map(|(g, _)| g),
                    generator.as_ref().map_or(1, |(_, w)| *w),
                    &texts,
                )
            } else {
                (String::new(), Vec::new(), None)
            };
            hits.push(SearchHit {
                id,
                title: stored_str(&doc, self.fields.title),
                file_name: stored_str(&doc, self.fields.file_name),
                score,
                snippet,
                highlights,
                page,
            });
        }
        Ok(SearchResults {
            total,
            hits,
            facets: facets.unwrap_or_default(),
            fuzzy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_collapses_whitespace_and_counts_characters() {
        let frag = "Élève  \n report  card ";
        let start = frag.find("report").expect("found");
        let (text, hl) = tidy(frag, &[start..start + 6]);
        assert_eq!(text, "Élève report card");
        assert_eq!(hl, vec![[6, 12]]);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[6..12].iter().collect::<String>(), "report");
    }

    #[test]
    fn the_page_with_most_distinct_words_wins() {
        let mut terms = BTreeMap::new();
        terms.insert("grade".to_owned(), 1.0);
        terms.insert("final".to_owned(), 1.0);
        let (_, f) = super::super::schema::build();
        let g = SnippetGenerator::new(terms, super::super::schema::words_analyzer(), f.body, 100);
        let pages = vec![
            PageText {
                page: 1,
                source: crate::catalog::jobs::TextSource::Layer,
                text: "grade grade grade".into(),
            },
            PageText {
                page: 2,
                source: crate::catalog::jobs::TextSource::Ocr,
                text: "the final grade".into(),
            },
        ];
        let (text, hl, page) = best_snippet(Some(&g), 2, &pages);
        assert_eq!(page, Some(2));
        assert_eq!(text, "the final grade");
        assert_eq!(hl, vec![[4, 9], [10, 15]]);
        let (text, hl, page) = best_snippet(None, 1, &pages);
        assert_eq!((text.as_str(), hl.len(), page), ("grade grade grade", 0, Some(1)));
    }
}
