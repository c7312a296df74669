//! Dossier's query language, parsed into clauses and built into a Tantivy query.
//!
//! What a user types: words (`transcript`), phrases (`"final grade"`), prefixes
//! (`transcr*`), fuzzy words (`transcirpt~`, `~2` for two edits), exclusions (`-draft`) and
//! field filters (`type:transcript`, `tag:2024`, `student:1234567`, `year:2023`,
//! `after:2024-01-01`, `before:2024-06-30`, `status:failed`, `title:…`, `file:…`, `text:…`,
//! and any custom field by its name, `grade:A`). All clauses must match. Unknown `key:`
//! prefixes are searched as words. Nothing a user types is a syntax error except an
//! unreadable year or date.

use std::ops::Bound;

use chrono::{NaiveDate, TimeZone};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery,
    Occur, PhrasePrefixQuery, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, Term};

use super::schema::{Fields, keyword, unstemmed_analyzer, words_analyzer};
use crate::error::{Error, Result};
use crate::parse::search_date;

/// What a piece of text is matched as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    Word(String),
    Phrase(String),
    Prefix(String),
    /// A word with up to this many edits (`None`: chosen from its length).
    Fuzzy(String, Option<u8>),
}

/// Which full-text fields a text clause searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    All,
    Title,
    FileName,
    Body,
}

/// A keyword or date filter: matches or not, never scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Type(String),
    Tag(String),
    Subject(String),
    Year(i32),
    /// On or after the start of this local day.
    After(NaiveDate),
    /// Before the start of this local day.
    Before(NaiveDate),
    Status(String),
    /// A custom field, `name=value` (both normalised).
    Field(String, String),
    /// Trashed documents only.
    Trashed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    Text(Target, Atom),
    Filter(Filter),
}

/// A parsed query: every `must` clause matches and no `must_not` clause does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub must: Vec<Clause>,
    pub must_not: Vec<Clause>,
}

impl ParsedQuery {
    /// True when some clause matches text (and so ranks by relevance).
    pub fn has_text(&self) -> bool {
        self.must.iter().any(|c| matches!(c, Clause::Text(..)))
    }

    /// The words and phrases it looks for in a document's text (not those only in its
    /// title or file name, not filters, not what it excludes): what a page shows marked.
    pub fn text_words(&self) -> Vec<String> {
        self.must
            .iter()
            .filter_map(|c| match c {
                Clause::Text(Target::All | Target::Body, atom) => Some(match atom {
                    Atom::Word(w) | Atom::Phrase(w) | Atom::Prefix(w) | Atom::Fuzzy(w, _) => {
                        w.clone()
                    }
                }),
                _ => None,
            })
            .filter(|w| !w.trim().is_empty())
            .collect()
    }

    /// The query with every plain word that `known` says is in no document turned into
    /// a fuzzy word (typo tolerance); `None` when there is no such word to loosen.
    pub fn loosened(&self, known: &mut dyn FnMut(&str) -> bool) -> Option<ParsedQuery> {
        let mut out = self.clone();
        let mut changed = false;
        for c in &mut out.must {
            if let Clause::Text(_, atom) = c
                && let Atom::Word(w) = &*atom
                && fuzzy_distance(w) > 0
                && !known(w)
            {
                *atom = Atom::Fuzzy(w.clone(), None);
                changed = true;
            }
        }
        changed.then_some(out)
    }
}

/// Split the query into raw pieces: (negated, key, value, quoted).
fn lex(input: &str) -> Vec<(bool, Option<String>, String, bool)> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
            negated = true;
            i += 1;
        }
        // An optional `key:` made of letters, digits, `_` and `.`, starting with a letter.
        let mut key = None;
        let mut j = i;
        while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '.')
        {
            j += 1;
        }
        if j > i
            && chars[i].is_alphabetic()
            && chars.get(j) == Some(&':')
            && chars.get(j + 1).is_some_and(|c| !c.is_whitespace())
        {
            key = Some(chars[i..j].iter().collect::<String>());
            i = j + 1;
        }
        if chars[i] == '"' {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && chars[end] != '"' {
                end += 1;
            }
            out.push((negated, key, chars[start..end].iter().collect(), true));
            i = end + 1;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                i += 1;
            }
            out.push((negated, key, chars[start..i].iter().collect(), false));
        }
    }
    out
}

/// A text value as an atom: `word`, `"phrase"`, `prefix*`, `word~`, `word~2`.
fn atom(value: &str, quoted: bool) -> Atom {
    if quoted {
        return Atom::Phrase(value.to_owned());
    }
    if let Some(p) = value.strip_suffix('*')
        && !p.is_empty()
    {
        return Atom::Prefix(p.to_owned());
    }
    if let Some((w, d)) = value.rsplit_once('~')
        && !w.is_empty()
    {
        match d {
            "" => return Atom::Fuzzy(w.to_owned(), None),
            "1" => return Atom::Fuzzy(w.to_owned(), Some(1)),
            "2" => return Atom::Fuzzy(w.to_owned(), Some(2)),
            _ => {}
        }
    }
    Atom::Word(value.to_owned())
}

/// Parse what a user typed. `is_field` says whether a (lowercase) name is one of the
/// library's custom fields, usable as `name:value`; it is asked only for unknown keys.
pub fn parse(input: &str, is_field: &mut dyn FnMut(&str) -> bool) -> Result<ParsedQuery> {
    let mut q = ParsedQuery::default();
    for (negated, key, value, quoted) in lex(input) {
        let clause = match key.as_deref().map(str::to_lowercase).as_deref() {
            None => Clause::Text(Target::All, atom(&value, quoted)),
            Some("type" | "kind") => Clause::Filter(Filter::Type(keyword(&value))),
            Some("tag" | "tags") => Clause::Filter(Filter::Tag(keyword(&value))),
            Some(
                "student" | "staff" | "subject" | "person" | "student_id" | "staff_id"
                | "subject_id",
            ) => Clause::Filter(Filter::Subject(keyword(&value))),
            Some("status") => Clause::Filter(Filter::Status(keyword(&value))),
            Some("year") => Clause::Filter(Filter::Year(value.trim().parse().map_err(|_| {
                Error::Query {
                    query: value.clone(),
                    problem: "is not a year; write it as four digits, e.g. year:2024",
                }
            })?)),
            Some("after" | "since" | "from") => Clause::Filter(Filter::After(search_date(&value)?)),
            Some("before" | "until") => Clause::Filter(Filter::Before(search_date(&value)?)),
            Some("title") => Clause::Text(Target::Title, atom(&value, quoted)),
            Some("file" | "filename" | "name") => {
                Clause::Text(Target::FileName, atom(&value, quoted))
            }
            Some("text" | "body" | "content") => Clause::Text(Target::Body, atom(&value, quoted)),
            Some(k) if is_field(k) => Clause::Filter(Filter::Field(k.to_owned(), keyword(&value))),
            Some(_) => {
                // Not a field we know: the whole piece is text (`re:`, `http://…`).
                let raw = format!("{}:{}", key.unwrap_or_default(), value);
                Clause::Text(Target::All, atom(&raw, quoted))
            }
        };
        if negated {
            q.must_not.push(clause);
        } else {
            q.must.push(clause);
        }
    }
    Ok(q)
}

/// Tokens of `text` through an analyzer.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

/// Edits a fuzzy word allows when the user did not say: none for short words.
pub(crate) fn fuzzy_distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The indexed form a prefix is matched against: its stem when that is still a prefix of
/// what was typed (`students*` → `student`), else what was typed.
pub(crate) fn prefix_term(analyzers: &mut Analyzers, typed: &str) -> Vec<String> {
    let raw = tokens(&mut analyzers.unstemmed, typed);
    let stemmed = tokens(&mut analyzers.words, typed);
    let mut out = stemmed.clone();
    if let (Some(last_raw), Some(last)) = (raw.last(), out.last_mut())
        && !last_raw.starts_with(last.as_str())
    {
        *last = last_raw.clone();
    }
    out
}

/// The two analyzers queries need.
#[derive(Clone)]
pub(crate) struct Analyzers {
    pub words: TextAnalyzer,
    pub unstemmed: TextAnalyzer,
}

impl std::fmt::Debug for Analyzers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzers")
    }
}

impl Default for Analyzers {
    fn default() -> Self {
        Self {
            words: words_analyzer(),
            unstemmed: unstemmed_analyzer(),
        }
    }
}

fn local_midnight_ms(d: NaiveDate) -> i64 {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono::Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(|| naive.and_utc().timestamp_millis())
}

fn date_term(field: Field, d: NaiveDate) -> Term {
    Term::from_field_date_for_search(field, DateTime::from_timestamp_millis(local_midnight_ms(d)))
}

fn filter_query(f: &Fields, filter: &Filter) -> Box<dyn Query> {
    let term = |field: Field, v: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, v),
            IndexRecordOption::Basic,
        ))
    };
    let facet = |path: [&str; 2]| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_facet(f.facets, &Facet::from_path(path)),
            IndexRecordOption::Basic,
        ))
    };
    match filter {
        Filter::Type(t) => term(f.doc_type, t),
        Filter::Tag(t) => term(f.tag, t),
        Filter::Subject(s) => term(f.subject, s),
        Filter::Field(k, v) => term(f.field, &format!("{k}={v}")),
        Filter::Trashed => term(f.state, "trashed"),
        Filter::Status(s) => facet(["status", s]),
        Filter::Year(y) => facet(["year", &y.to_string()]),
        Filter::After(d) => Box::new(tantivy::query::RangeQuery::new(
            Bound::Included(date_term(f.date, *d)),
            Bound::Unbounded,
        )),
        Filter::Before(d) => Box::new(tantivy::query::RangeQuery::new(
            Bound::Unbounded,
            Bound::Excluded(date_term(f.date, *d)),
        )),
    }
}

fn target_fields(f: &Fields, target: Target) -> Vec<(Field, f32)> {
    match target {
        Target::All => f.text_fields().to_vec(),
        Target::Title => vec![(f.title, 1.0)],
        Target::FileName => vec![(f.file_name, 1.0)],
        Target::Body => vec![(f.body, 1.0)],
    }
}

/// The query for one atom on one field; `None` when the atom has no searchable token.
fn atom_on_field(an: &mut Analyzers, field: Field, atom: &Atom) -> Option<Box<dyn Query>> {
    let term = |t: &str| Term::from_field_text(field, t);
    match atom {
        Atom::Word(w) | Atom::Phrase(w) => {
            let toks = tokens(&mut an.words, w);
            match toks.as_slice() {
                [] => None,
                [one] => Some(Box::new(TermQuery::new(
                    term(one),
                    IndexRecordOption::WithFreqs,
                ))),
                many => Some(Box::new(PhraseQuery::new(
                    many.iter().map(|t| term(t)).collect(),
                ))),
            }
        }
        Atom::Prefix(p) => {
            let toks = prefix_term(an, p);
            if toks.is_empty() {
                return None;
            }
            let mut q = PhrasePrefixQuery::new(toks.iter().map(|t| term(t)).collect());
            q.set_max_expansions(256);
            Some(Box::new(q))
        }
        Atom::Fuzzy(w, d) => {
            let toks = tokens(&mut an.words, w);
            let [one] = toks.as_slice() else {
                // Several tokens: fuzzy makes no sense; match them as a phrase.
                return atom_on_field(an, field, &Atom::Phrase(w.clone()));
            };
            let d = d.unwrap_or_else(|| fuzzy_distance(w).max(1));
            Some(Box::new(FuzzyTermQuery::new(term(one), d, true)))
        }
    }
}

fn clause_query(f: &Fields, an: &mut Analyzers, clause: &Clause) -> Option<Box<dyn Query>> {
    match clause {
        Clause::Filter(filter) => {
            Some(Box::new(ConstScoreQuery::new(filter_query(f, filter), 0.0)))
        }
        Clause::Text(target, atom) => {
            let per_field: Vec<Box<dyn Query>> = target_fields(f, *target)
                .into_iter()
                .filter_map(|(field, boost)| {
                    atom_on_field(an, field, atom).map(|q| {
                        if boost == 1.0 {
                            q
                        } else {
                            Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>
                        }
                    })
                })
                .collect();
            match per_field.len() {
                0 => None,
                1 => per_field.into_iter().next(),
                _ => Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                    per_field, 0.1,
                ))),
            }
        }
    }
}

/// The Tantivy query for a parsed query.
pub fn build(f: &Fields, an: &mut Analyzers, q: &ParsedQuery) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for c in &q.must {
        if let Some(query) = clause_query(f, an, c) {
            clauses.push((Occur::Must, query));
        }
    }
    if clauses.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    for c in &q.must_not {
        if let Some(query) = clause_query(f, an, c) {
            clauses.push((Occur::MustNot, query));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ParsedQuery {
        parse(s, &mut |f| f == "grade").expect("parses")
    }

    #[test]
    fn words_phrases_prefixes_fuzzy_and_exclusions() {
        let q = p(r#"report "final grade" transcr* smtih~ -draft"#);
        assert_eq!(
            q.must,
            vec![
                Clause::Text(Target::All, Atom::Word("report".into())),
                Clause::Text(Target::All, Atom::Phrase("final grade".into())),
                Clause::Text(Target::All, Atom::Prefix("transcr".into())),
                Clause::Text(Target::All, Atom::Fuzzy("smtih".into(), None)),
            ]
        );
        assert_eq!(
            q.must_not,
            vec![Clause::Text(Target::All, Atom::Word("draft".into()))]
        );
    }

    #[test]
    fn field_filters_and_custom_fields() {
        let q = p(
            r#"type:Transcript student:1234567 tag:"end of year" grade:A year:2023 after:2024-02 title:smith"#,
        );
        assert_eq!(
            q.must,
            vec![
                Clause::Filter(Filter::Type("transcript".into())),
                Clause::Filter(Filter::Subject("1234567".into())),
                Clause::Filter(Filter::Tag("end of year".into())),
                Clause::Filter(Filter::Field("grade".into(), "a".into())),
                Clause::Filter(Filter::Year(2023)),
                Clause::Filter(Filter::After(
                    NaiveDate::from_ymd_opt(2024, 2, 1).expect("date")
                )),
                Clause::Text(Target::Title, Atom::Word("smith".into())),
            ]
        );
    }

    #[test]
    fn unknown_keys_and_stray_punctuation_are_text() {
        let q = p("re:meeting - http://x.org");
        assert_eq!(
            q.must,
            vec![
                Clause::Text(Target::All, Atom::Word("re:meeting".into())),
                Clause::Text(Target::All, Atom::Word("-".into())),
                Clause::Text(Target::All, Atom::Word("http://x.org".into())),
            ]
        );
    }

    #[test]
    fn bad_years_and_dates_are_clear_errors() {
        assert!(matches!(
            parse("year:soon", &mut |_| false),
            Err(Error::Query { .. })
        ));
        assert!(matches!(
            parse("after:yesterday", &mut |_| false),
            Err(Error::Query { .. })
        ));
    }

    #[test]
    fn prefixes_use_the_stem_only_when_it_is_still_a_prefix() {
        let mut an = Analyzers::default();
        assert_eq!(prefix_term(&mut an, "students"), ["student"]);
        assert_eq!(prefix_term(&mut an, "Transcr"), ["transcr"]);
        assert_eq!(prefix_term(&mut an, "final gra"), ["final", "gra"]);
    }
}
