//! Search latency over a synthetic library, beside a bare Tantivy index of the same texts.
//!
//! `cargo bench -p dossier-core --bench search -- [--docs N] [--queries Q] [--dir DIR]
//! [--class CLASS] [--generate-only]`
//! (or `./scripts/bench-search.sh`). The library is generated once (see `synth`) under
//! `target/bench-search/` and reused. For each query class (one word, two words, a phrase,
//! a word within a date range, a word with facet counts) it runs every query on Dossier
//! (`Library::search`: our query language, four fields, snippets with page numbers
//! from the catalog) and on a bare Tantivy index of the same documents (Tantivy's
//! `QueryParser` over title and body, the same collectors, Tantivy's snippets from the
//! stored body), alternating which goes first, and prints p50/p99 and their ratio.

mod synth;

use std::path::{Path, PathBuf};
use std::time::Instant;

use dossier_core::{
    Access, ImportOptions, InitOptions, KdfParams, Library, Listing, LockedLibrary, ProcessOptions,
    SearchRequest, Secret,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{
    FAST, Facet, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{DateTime, Index, TantivyDocument};

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const PASS: &str = "bench passphrase";
const BATCH: u64 = 10_000;
const LIMIT: usize = 10;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Create (or reuse) a library of `n` synthetic documents, processed and indexed.
fn library(dir: &Path, n: u64, vocab: &synth::Vocabulary) -> Res<Library> {
    if !dir.join("library.json").exists() {
        println!("generating a library of {n} documents in {}", dir.display());
        let (mut lib, _) = Library::create(
            dir,
            &InitOptions {
                passphrase: PASS.to_owned().into(),
                kdf: KdfParams {
                    m_cost_kib: 8 * 1024,
                    t_cost: 1,
                    p_cost: 1,
                },
            },
        )?;
        let started = Instant::now();
        let mut start = 0;
        while start < n {
            let end = (start + BATCH).min(n);
            let tmp = tempfile::tempdir()?;
            synth::write_files(vocab, start..end, tmp.path())?;
            lib.import(
                &[tmp.path().to_owned()],
                &ImportOptions {
                    allow_duplicates: true,
                    workers: 0,
                    within: None,
                },
                &mut |_| {},
            )?;
            let mut opts = ProcessOptions::default();
            // This crate's PDF worker: the benchmark itself is not one.
            opts.tools.pdfium.worker = Some(env!("CARGO_BIN_EXE_dossier-test-pdf-worker").into());
            lib.process(&opts, &mut |_| {})?;
            start = end;
            println!(
                "  {end} documents imported, extracted and indexed ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let mut lib = LockedLibrary::open(dir, Access::Write)?
        .unlock(&Secret::Passphrase(PASS.to_owned().into()))?;
    lib.refresh_index()?;
    Ok(lib)
}

/// The bare index: title and body (stored), date, and the same facets.
struct Bare {
    index: Index,
    reader: tantivy::IndexReader,
    title: tantivy::schema::Field,
    body: tantivy::schema::Field,
}

fn bare(lib: &Library, dir: &Path) -> Res<Bare> {
    // The same analysis as Dossier's (English stems, accents folded), so both sides match
    // the same documents; everything else is Tantivy's defaults.
    let words = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("words")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let mut b = Schema::builder();
    let title = b.add_text_field("title", words.clone());
    let body = b.add_text_field("body", words);
    let date = b.add_date_field("date", INDEXED | FAST);
    let facets = b.add_facet_field("facets", tantivy::schema::FacetOptions::default());
    let index = Index::create_in_dir(dir, b.build())?;
    index.tokenizers().register(
        "words",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(64))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build(),
    );
    let mut w = index.writer_with_num_threads(1, 48 * 1024 * 1024)?;
    for d in lib.catalog().list(Listing::Active)? {
        let r = lib
            .catalog()
            .index_record(d.id)?
            .ok_or("document vanished")?;
        let mut doc = TantivyDocument::default();
        doc.add_text(title, &r.title);
        let text: Vec<&str> = r.pages.iter().map(|p| p.text.as_str()).collect();
        doc.add_text(body, text.join("\n"));
        doc.add_date(date, DateTime::from_timestamp_millis(r.date_ms));
        let year = chrono::DateTime::from_timestamp_millis(r.date_ms)
            .map(|t| chrono::Datelike::year(&t))
            .unwrap_or(1970);
        doc.add_facet(
            facets,
            Facet::from_path(["year".to_owned(), year.to_string()]),
        );
        doc.add_facet(facets, Facet::from_path(["status", r.status]));
        w.add_document(doc)?;
    }
    w.commit()?;
    let reader = index.reader()?;
    Ok(Bare {
        index,
        reader,
        title,
        body,
    })
}

impl Bare {
    fn search(&self, q: &str, facets: bool) -> Res<u64> {
        let searcher = self.reader.searcher();
        let mut parser = QueryParser::for_index(&self.index, vec![self.title, self.body]);
        parser.set_conjunction_by_default();
        let query = parser.parse_query(q)?;
        let fc = facets.then(|| {
            let mut c = FacetCollector::for_field("facets");
            c.add_facet("/year");
            c.add_facet("/status");
            c
        });
        let (total, top, _) = searcher.search(
            &query,
            &(Count, TopDocs::with_limit(LIMIT).order_by_score(), fc),
        )?;
        let snippets = SnippetGenerator::create(&searcher, &*query, self.body)?;
        let mut chars = 0;
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let t = doc
                .get_first(self.title)
                .and_then(|v| v.as_str())
                .unwrap_or("");
            chars += t.len() + snippets.snippet_from_doc(&doc).fragment().len();
        }
        std::hint::black_box(chars);
        Ok(total as u64)
    }
}

/// One query, in both syntaxes.
struct Query {
    ours: SearchRequest,
    bare: String,
    facets: bool,
}

fn word(v: &synth::Vocabulary, rng: &mut StdRng) -> String {
    v.word(rng.random_range(30..2000)).to_owned()
}

fn queries(v: &synth::Vocabulary, class: &str, n: usize, docs: u64) -> Vec<Query> {
    let mut rng = StdRng::seed_from_u64(class.len() as u64 * 31 + 1);
    (0..n)
        .map(|_| {
            let req = |q: String, facets: bool| SearchRequest {
                query: q,
                limit: LIMIT,
                facets,
                ..SearchRequest::default()
            };
            match class {
                "word" => {
                    let w = word(v, &mut rng);
                    Query {
                        ours: req(w.clone(), false),
                        bare: w,
                        facets: false,
                    }
                }
                "two words" => {
                    let q = format!("{} {}", word(v, &mut rng), word(v, &mut rng));
                    Query {
                        ours: req(q.clone(), false),
                        bare: q,
                        facets: false,
                    }
                }
                "phrase" => {
                    // Two adjacent words of a random document.
                    let d = synth::document(v, rng.random_range(0..docs));
                    let words: Vec<&str> = d
                        .text
                        .split_whitespace()
                        .filter(|w| w.chars().all(char::is_alphabetic))
                        .collect();
                    let i = rng.random_range(0..words.len().saturating_sub(1).max(1));
                    let q = format!("\"{} {}\"", words[i], words.get(i + 1).unwrap_or(&"the"));
                    Query {
                        ours: req(q.clone(), false),
                        bare: q,
                        facets: false,
                    }
                }
                "date range" => {
                    let w = word(v, &mut rng);
                    let y = rng.random_range(2015..2025);
                    Query {
                        ours: req(format!("{w} after:{y}-01-01 before:{}-01-01", y + 1), false),
                        bare: format!(
                            "{w} AND date:[{y}-01-01T00:00:00Z TO {}-01-01T00:00:00Z}}",
                            y + 1
                        ),
                        facets: false,
                    }
                }
                _ => {
                    let w = word(v, &mut rng);
                    Query {
                        ours: req(w.clone(), true),
                        bare: w,
                        facets: true,
                    }
                }
            }
        })
        .collect()
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> Res<()> {
    let docs: u64 = arg("--docs").map_or(Ok(100_000), |s| s.parse())?;
    let n: usize = arg("--queries").map_or(Ok(300), |s| s.parse())?;
    let dir = arg("--dir").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/bench-search")
            .join(format!("library-{docs}"))
    });
    let vocab = synth::Vocabulary::new(40_000);
    let lib = library(&dir, docs, &vocab)?;
    if std::env::args().any(|a| a == "--generate-only") {
        // For the app's benchmark, which opens the same library.
        println!("library ready: {}", dir.display());
        return Ok(());
    }
    let in_lib = lib.catalog().list(Listing::Active)?.len();
    let bare_dir = tempfile::tempdir()?;
    let started = Instant::now();
    let bare = bare(&lib, bare_dir.path())?;
    println!(
        "{in_lib} documents; bare index built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!();
    println!(
        "| query | hits (mean, dossier / bare) | dossier p50 | dossier p99 | bare p50 | bare p99 | p50 ratio | p99 ratio | dossier p50 without snippets |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let only = arg("--class");
    for class in ["word", "two words", "phrase", "date range", "faceted"] {
        if only.as_ref().is_some_and(|c| c != class) {
            continue;
        }
        let qs = queries(&vocab, class, n, docs);
        // Warm up both (page cache, lazily opened structures).
        for q in &qs {
            lib.search(&q.ours)?;
            bare.search(&q.bare, q.facets)?;
        }
        let (mut ours, mut theirs, mut hits, mut bare_hits) = (Vec::new(), Vec::new(), 0u64, 0u64);
        // Where Dossier's time goes: the same searches without snippets.
        let mut bare_ours = Vec::new();
        for q in &qs {
            let req = SearchRequest {
                snippets: false,
                ..q.ours.clone()
            };
            let t = Instant::now();
            lib.search(&req)?;
            bare_ours.push(t.elapsed().as_secs_f64() * 1e3);
        }
        bare_ours.sort_by(f64::total_cmp);
        for (i, q) in qs.iter().enumerate() {
            let mut run_ours = || -> Res<f64> {
                let t = Instant::now();
                let r = lib.search(&q.ours)?;
                hits += r.total;
                Ok(t.elapsed().as_secs_f64() * 1e3)
            };
            let mut run_bare = || -> Res<f64> {
                let t = Instant::now();
                bare_hits += bare.search(&q.bare, q.facets)?;
                Ok(t.elapsed().as_secs_f64() * 1e3)
            };
            if i % 2 == 0 {
                ours.push(run_ours()?);
                theirs.push(run_bare()?);
            } else {
                theirs.push(run_bare()?);
                ours.push(run_ours()?);
            }
        }
        ours.sort_by(f64::total_cmp);
        theirs.sort_by(f64::total_cmp);
        let (o50, o99, b50, b99) = (
            pct(&ours, 0.5),
            pct(&ours, 0.99),
            pct(&theirs, 0.5),
            pct(&theirs, 0.99),
        );
        println!(
            "| {class} | {} / {} | {o50:.2} ms | {o99:.2} ms | {b50:.2} ms | {b99:.2} ms | {:.2}x | {:.2}x | {:.2} ms |",
            hits / qs.len() as u64,
            bare_hits / qs.len() as u64,
            o50 / b50,
            o99 / b99,
            pct(&bare_ours, 0.5)
        );
    }
    Ok(())
}
