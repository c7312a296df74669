//! Running a search: the query, counts, facet counts, and snippets with page numbers.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{FuzzyTermQuery, Query};
use tantivy::schema::{Field, Value};
use tantivy::{DateTime, DocAddress, Order, Searcher, TantivyDocument, Term};

use super::SearchIndex;
use super::query::{
    self, Analyzers, Atom, Clause, Filter, ParsedQuery, Target, fuzzy_distance, prefix_term, tokens,
};
use super::record::Card;
use super::schema::keyword;
use super::snippet::{Highlighter, Snippet};
use super::top_people::TopPeople;
use crate::error::{Error, Result};
use crate::format::extracted::{PageText, TextSource};
use crate::ids::DocId;

/// One run of a query: the count, the top hits with their scores, the facet counts.
type Found = (u64, Vec<(f32, DocAddress)>, Option<Facets>);

/// Index terms a prefix or fuzzy word is expanded to for highlighting.
const MAX_EXPANSIONS: usize = 64;

/// How hits are ordered: the one list both front ends offer (`--sort` parses it with
/// `FromStr`; the app's UI receives it as it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best match first (newest first when the query has no words).
    #[default]
    Relevance,
    /// Newest document date first.
    Date,
    /// Title, A to Z.
    Name,
    /// Largest first.
    Size,
    /// Document type, A to Z (documents without a type last).
    Type,
}

impl SortOrder {
    /// Every order, by its name.
    pub const ALL: [(&'static str, SortOrder); 5] = [
        ("relevance", Self::Relevance),
        ("date", Self::Date),
        ("name", Self::Name),
        ("size", Self::Size),
        ("type", Self::Type),
    ];
}

impl std::str::FromStr for SortOrder {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s.trim()))
            .map(|(_, order)| *order)
            .ok_or_else(|| Error::NotUnderstood {
                input: s.to_owned(),
                expected: "an order: relevance, date, name, size or type",
            })
    }
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
    /// Only documents of this year (the `year` facet).
    pub year: Option<i32>,
    /// Only documents whose processing ended so (the `status` facet: done, failed,
    /// protected, waiting, pending).
    pub status: Option<String>,
    /// Only documents about the person with this student or staff number.
    pub subject: Option<String>,
    pub sort: SortOrder,
    /// The other way round from `sort`'s own direction.
    pub reverse: bool,
    /// Search the trash instead of the active documents.
    pub trashed: bool,
    /// Count type, tag, year, status, collection and subject facets over all matches.
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
            year: None,
            status: None,
            subject: None,
            sort: SortOrder::Relevance,
            reverse: false,
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
    #[serde(flatten)]
    pub card: Card,
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
    /// Student or staff numbers, the [`SUBJECT_FACET_TOP`] with the most matches.
    pub subject: BTreeMap<String, u64>,
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

/// The most people the subject facet counts: those with the most matches (a library has
/// thousands of people; a list of them all would help no one).
pub const SUBJECT_FACET_TOP: usize = 20;

fn facets_of((counts, people): &(tantivy::collector::FacetCounts, Vec<(String, u64)>)) -> Facets {
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
    out.subject = people.iter().cloned().collect();
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
    if let Some(y) = req.year {
        q.must.push(Clause::Filter(Filter::Year(y)));
    }
    if let Some(s) = &req.status {
        q.must.push(Clause::Filter(Filter::Status(keyword(s))));
    }
    if let Some(s) = &req.subject {
        q.must.push(Clause::Filter(Filter::Subject(keyword(s))));
    }
    // Few documents are trashed: excluding them costs less than requiring "active".
    if req.trashed {
        q.must.push(Clause::Filter(Filter::Trashed));
    } else {
        q.must_not.push(Clause::Filter(Filter::Trashed));
    }
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
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in &q.must {
        let Clause::Text(Target::All | Target::Body, atom) = c else {
            continue;
        };
        match atom {
            Atom::Word(w) | Atom::Phrase(w) => out.extend(tokens(&mut an.words, w)),
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

impl SearchIndex {
    /// The page texts a document was indexed with.
    fn stored_pages(&self, doc: &TantivyDocument) -> Vec<PageText> {
        doc.get_all(self.fields.page_text)
            .zip(doc.get_all(self.fields.page_number))
            .filter_map(|(text, page)| {
                Some(PageText {
                    page: u32::try_from(page.as_u64()?).ok()?,
                    source: TextSource::Layer,
                    text: text.as_str()?.to_owned(),
                })
            })
            .collect()
    }
}

/// Hits sorted by a field, without scores.
fn addresses<K>(hits: Vec<(K, DocAddress)>) -> Vec<(f32, DocAddress)> {
    hits.into_iter().map(|(_, a)| (0.0, a)).collect()
}

/// A hit's card; an unreadable one (never written by this schema) shows as empty.
fn stored_card(doc: &TantivyDocument, field: Field) -> Card {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

fn stored_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl SearchIndex {
    /// Run a search. `is_field` says whether a name is a custom field (usable as
    /// `name:value`).
    pub fn search(
        &self,
        req: &SearchRequest,
        is_field: &mut dyn FnMut(&str) -> bool,
    ) -> Result<SearchResults> {
        let parsed = with_request_filters(query::parse(&req.query, is_field)?, req);
        let searcher = self.reader.searcher();
        let mut an = Analyzers::default();
        let limit = req.limit.max(1);
        let run = |an: &mut Analyzers, parsed: &ParsedQuery| -> Result<Found> {
            let q: Box<dyn Query> = query::build(&self.fields, an, parsed);
            let facet_collector = req.facets.then(|| {
                let mut c = FacetCollector::for_field("facets");
                for g in FACET_GROUPS {
                    c.add_facet(format!("/{g}").as_str());
                }
                (
                    c,
                    TopPeople {
                        k: SUBJECT_FACET_TOP,
                    },
                )
            });
            let top = TopDocs::with_limit(limit).and_offset(req.offset);
            let order = |natural: Order| match (natural, req.reverse) {
                (o, false) => o,
                (Order::Asc, true) => Order::Desc,
                (Order::Desc, true) => Order::Asc,
            };
            let (total, hits, facets) = match req.sort {
                SortOrder::Relevance if parsed.has_text() => {
                    searcher.search(&q, &(Count, top.order_by_score(), facet_collector))?
                }
                SortOrder::Relevance | SortOrder::Date => {
                    let by = top.order_by_fast_field::<DateTime>("date", order(Order::Desc));
                    let (n, h, f) = searcher.search(&q, &(Count, by, facet_collector))?;
                    (n, addresses(h), f)
                }
                SortOrder::Size => {
                    let by = top.order_by_fast_field::<u64>("size", order(Order::Desc));
                    let (n, h, f) = searcher.search(&q, &(Count, by, facet_collector))?;
                    (n, addresses(h), f)
                }
                SortOrder::Name | SortOrder::Type => {
                    let field = if req.sort == SortOrder::Name {
                        "sort_name"
                    } else {
                        "type"
                    };
                    let by = top.order_by_string_fast_field(field, order(Order::Asc));
                    let (n, h, f) = searcher.search(&q, &(Count, by, facet_collector))?;
                    (n, addresses(h), f)
                }
            };
            Ok((total as u64, hits, facets.as_ref().map(facets_of)))
        };
        let mut fuzzy = false;
        let mut parsed = parsed;
        let mut found = run(&mut an, &parsed)?;
        if found.0 == 0 {
            // Nothing matched as typed: words no document contains may be typos.
            let fields = self.fields.text_fields();
            let mut known = |w: &str| {
                tokens(&mut an.words, w).iter().any(|t| {
                    fields.iter().any(|(f, _)| {
                        searcher
                            .doc_freq(&Term::from_field_text(*f, t))
                            .is_ok_and(|n| n > 0)
                    })
                })
            };
            if let Some(loose) = parsed.loosened(&mut known) {
                parsed = loose;
                found = run(&mut an, &parsed)?;
                fuzzy = true;
            }
        }
        let (total, top, facets) = found;
        // Rare words weigh more, so a snippet shows the rare word of a query rather than
        // a common one repeated.
        let mut weights = BTreeMap::new();
        let mut highlighter = if req.snippets {
            let terms = highlight_terms(&searcher, self.fields.body, &mut an, &parsed);
            for t in terms {
                let df = searcher.doc_freq(&Term::from_field_text(self.fields.body, &t))?;
                weights.insert(t, 1.0 / (1.0 + (df as f32).ln_1p()));
            }
            Some(Highlighter::new(&weights))
        } else {
            None
        };
        let mut stored = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let id = doc
                .get_first(self.fields.id)
                .and_then(|v| v.as_bytes())
                .and_then(|b| uuid::Uuid::from_slice(b).ok())
                .map(DocId)
                .ok_or(Error::IndexUnavailable {
                    reason: "the search index holds a document without its id",
                })?;
            stored.push((score, id, doc));
        }
        let mut hits = Vec::with_capacity(stored.len());
        for (score, id, doc) in stored {
            let Snippet {
                text: snippet,
                highlights,
                page,
            } = match &mut highlighter {
                Some(h) => h.best(&self.stored_pages(&doc)),
                None => Snippet {
                    text: String::new(),
                    highlights: Vec::new(),
                    page: None,
                },
            };
            hits.push(SearchHit {
                id,
                title: stored_str(&doc, self.fields.title),
                file_name: stored_str(&doc, self.fields.file_name),
                score,
                snippet,
                highlights,
                page,
                card: stored_card(&doc, self.fields.card),
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
