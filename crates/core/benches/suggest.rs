//! Filing suggestions (issue 20, point 4): how often the type Dossier suggests is right, on
//! the labelled school documents of `tests/school-docs` (320 made-up records of 10 types,
//! scans among them: `scripts/make-school-docs.py`), beside tf-idf with logistic
//! regression, after 10, 50 and 200 filed documents; and what classifying one costs.
//!
//! `cargo bench -p dossier-core --bench suggest -- [--rounds R]` (or
//! `./scripts/bench-suggest.sh`). The documents' text is what Dossier reads from them: the
//! set is imported into a library under `target/bench-suggest/` and processed (pdfium,
//! Word, Tesseract for the scans) once; the texts are kept there for later runs.
//!
//! Protocol: 10 documents of each type are held out (100); the other 220 are "filed" in a
//! random order, and after the first 10, 50 and 200 both classifiers are trained on those
//! and tested on the held-out 100. R orders (default 10); means with the worst round.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use dossier_core::{
    Access, Classifier, DocId, Features, Filing, ImportOptions, InitOptions, KdfParams, Library,
    Listing, LockedLibrary, ProcessOptions, Secret, Suggester, Tools,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const PASS: &str = "bench passphrase";
const HELD_OUT_PER_TYPE: usize = 10;
const CURVE: [usize; 3] = [10, 50, 200];

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

struct Example {
    file: String,
    label: String,
    format: String,
    text: String,
}

/// The set's texts as Dossier reads them (cached in `work/texts.json`).
fn texts(set: &Path, work: &Path) -> Res<HashMap<String, String>> {
    let cache = work.join("texts.json");
    if let Ok(bytes) = std::fs::read(&cache) {
        return Ok(serde_json::from_slice(&bytes)?);
    }
    let dir = work.join("library");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(work)?;
    let started = Instant::now();
    let (mut lib, _) = Library::create(
        &dir,
        &InitOptions {
            passphrase: zeroize::Zeroizing::new(PASS.into()),
            kdf: KdfParams {
                m_cost_kib: 1024,
                t_cost: 1,
                p_cost: 1,
            },
        },
    )?;
    lib.import(&[set.join("files")], &ImportOptions::default(), &mut |_| {})?;
    let mut tools = Tools::default();
    tools.pdfium.worker = Some(env!("CARGO_BIN_EXE_dossier-test-pdf-worker").into());
    let opts = ProcessOptions {
        tools,
        ..ProcessOptions::default()
    };
    lib.process(&opts, &mut |_| {})?;
    drop(lib);
    let lib = LockedLibrary::open(&dir, Access::Read)?
        .unlock(&Secret::Passphrase(PASS.to_owned().into()))?;
    let mut out = HashMap::new();
    for d in lib.catalog().list(Listing::Active)? {
        let detail = lib.catalog().document(d.id)?;
        let Some(v) = detail.current_version else {
            continue;
        };
        let pages = lib.catalog().texts(v)?;
        let text: Vec<String> = pages.into_iter().map(|p| p.text).collect();
        out.insert(d.file_name, text.join("\n"));
    }
    eprintln!(
        "read {} documents' text in {:.0} s",
        out.len(),
        started.elapsed().as_secs_f64()
    );
    std::fs::write(&cache, serde_json::to_vec(&out)?)?;
    Ok(out)
}

fn examples(set: &Path, work: &Path) -> Res<Vec<Example>> {
    let texts = texts(set, work)?;
    let labels = std::fs::read_to_string(set.join("labels.tsv"))?;
    let mut out = Vec::new();
    for line in labels.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, label, format] = cols[..] else {
            return Err(format!("bad line in labels.tsv: {line:?}").into());
        };
        let text = texts
            .get(file)
            .ok_or_else(|| format!("{file} was not read"))?
            .clone();
        out.push(Example {
            file: file.to_owned(),
            label: label.to_owned(),
            format: format.to_owned(),
            text,
        });
    }
    Ok(out)
}

/// The baseline: tf-idf over words and word pairs (and the name's words), L2-normalised,
/// and multinomial logistic regression trained by stochastic gradient descent.
struct TfIdfLogistic {
    vocabulary: HashMap<String, usize>,
    idf: Vec<f64>,
    labels: Vec<String>,
    weights: Vec<Vec<f64>>,
    bias: Vec<f64>,
}

fn terms(e: &Example) -> Vec<String> {
    let words: Vec<String> = e
        .text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect();
    let mut out: Vec<String> = words
        .windows(2)
        .map(|w| format!("{} {}", w[0], w[1]))
        .collect();
    out.extend(words);
    let stem = Path::new(&e.file)
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    out.extend(
        stem.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 2)
            .map(|w| format!("name:{w}")),
    );
    out
}

impl TfIdfLogistic {
    fn vector(&self, e: &Example) -> Vec<(usize, f64)> {
        let mut tf: HashMap<usize, f64> = HashMap::new();
        for t in terms(e) {
            if let Some(&i) = self.vocabulary.get(&t) {
                *tf.entry(i).or_default() += 1.0;
            }
        }
        let mut v: Vec<(usize, f64)> = tf.into_iter().map(|(i, c)| (i, c * self.idf[i])).collect();
        let norm = v.iter().map(|(_, x)| x * x).sum::<f64>().sqrt();
        if norm > 0.0 {
            for (_, x) in &mut v {
                *x /= norm;
            }
        }
        v
    }

    fn train(train: &[&Example], seed: u64) -> Self {
        let mut df: HashMap<String, usize> = HashMap::new();
        for e in train {
            let mut seen: Vec<String> = terms(e);
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                *df.entry(t).or_default() += 1;
            }
        }
        let mut vocabulary = HashMap::new();
        let mut idf = Vec::new();
        let n = train.len() as f64;
        for (t, d) in df {
            vocabulary.insert(t, idf.len());
            idf.push(((1.0 + n) / (1.0 + d as f64)).ln() + 1.0);
        }
        let mut labels: Vec<String> = train.iter().map(|e| e.label.clone()).collect();
        labels.sort_unstable();
        labels.dedup();
        let mut model = Self {
            weights: vec![vec![0.0; idf.len()]; labels.len()],
            bias: vec![0.0; labels.len()],
            vocabulary,
            idf,
            labels,
        };
        let data: Vec<(Vec<(usize, f64)>, usize)> = train
            .iter()
            .map(|e| {
                let y = model.labels.iter().position(|l| *l == e.label).unwrap_or(0);
                (model.vector(e), y)
            })
            .collect();
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = StdRng::seed_from_u64(seed);
        let lambda = 1e-4;
        for epoch in 0..60 {
            order.shuffle(&mut rng);
            let rate = 1.0 / (1.0 + 0.05 * epoch as f64);
            for &i in &order {
                let (x, y) = &data[i];
                let p = model.probabilities(x);
                for (k, pk) in p.iter().enumerate() {
                    let g = pk - if k == *y { 1.0 } else { 0.0 };
                    let w = &mut model.weights[k];
                    for &(j, xj) in x {
                        w[j] -= rate * (g * xj + lambda * w[j]);
                    }
                    model.bias[k] -= rate * g;
                }
            }
        }
        model
    }

    fn probabilities(&self, x: &[(usize, f64)]) -> Vec<f64> {
        let z: Vec<f64> = self
            .weights
            .iter()
            .zip(&self.bias)
            .map(|(w, b)| b + x.iter().map(|&(j, xj)| w[j] * xj).sum::<f64>())
            .collect();
        let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = z.iter().map(|v| (v - top).exp()).collect();
        let s: f64 = e.iter().sum();
        e.into_iter().map(|v| v / s).collect()
    }

    fn predict(&self, e: &Example) -> &str {
        let p = self.probabilities(&self.vector(e));
        let best = (0..p.len())
            .max_by(|&a, &b| p[a].total_cmp(&p[b]))
            .unwrap_or(0);
        &self.labels[best]
    }
}

fn dossier_model(train: &[&Example]) -> Classifier {
    let mut c = Classifier::new();
    for e in train {
        c.learn(&Features::of(&e.file, &e.text), &e.label);
    }
    c
}

fn dossier_predict(c: &Classifier, e: &Example) -> String {
    c.classify(&Features::of(&e.file, &e.text))
        .first()
        .map(|g| g.label.clone())
        .unwrap_or_default()
}

/// Accuracy overall and per label.
fn score(
    test: &[&Example],
    predict: impl Fn(&Example) -> String,
) -> (f64, BTreeMap<String, (usize, usize)>) {
    let mut per: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut right = 0;
    for e in test {
        let ok = predict(e) == e.label;
        right += usize::from(ok);
        let c = per.entry(e.label.clone()).or_default();
        c.0 += usize::from(ok);
        c.1 += 1;
    }
    (right as f64 / test.len() as f64, per)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() -> Res<()> {
    let set = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/school-docs");
    let work = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-suggest");
    let rounds: u64 = arg("--rounds")
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(10);
    let all = examples(&set, &work)?;
    let mut by_label: BTreeMap<&str, Vec<&Example>> = BTreeMap::new();
    for e in &all {
        by_label.entry(&e.label).or_default().push(e);
    }
    let mut rng = StdRng::seed_from_u64(20261204);
    let mut test: Vec<&Example> = Vec::new();
    let mut pool: Vec<&Example> = Vec::new();
    for docs in by_label.values_mut() {
        docs.shuffle(&mut rng);
        test.extend(&docs[..HELD_OUT_PER_TYPE]);
        pool.extend(&docs[HELD_OUT_PER_TYPE..]);
    }
    let empty_text = all.iter().filter(|e| e.text.trim().is_empty()).count();
    println!(
        "{} documents of {} types ({} with no text read); held out {}, filed from {}; {} orders\n",
        all.len(),
        by_label.len(),
        empty_text,
        test.len(),
        pool.len(),
        rounds
    );
    println!("| filed | Dossier (complement NB) | tf-idf + logistic regression |");
    println!("|---|---|---|");
    let mut last_per: [BTreeMap<String, (usize, usize)>; 2] = Default::default();
    for n in CURVE {
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for round in 0..rounds {
            let mut order = pool.clone();
            order.shuffle(&mut StdRng::seed_from_u64(round));
            let train = &order[..n.min(order.len())];
            let model = dossier_model(train);
            let (a, per_a) = score(&test, |e| dossier_predict(&model, e));
            let baseline = TfIdfLogistic::train(train, round);
            let (b, per_b) = score(&test, |e| baseline.predict(e).to_owned());
            ours.push(a);
            theirs.push(b);
            if n == *CURVE.last().unwrap_or(&0) {
                for (i, per) in [per_a, per_b].into_iter().enumerate() {
                    for (label, (r, t)) in per {
                        let c = last_per[i].entry(label).or_default();
                        c.0 += r;
                        c.1 += t;
                    }
                }
            }
        }
        let show = |v: &[f64]| {
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let worst = v.iter().copied().fold(f64::INFINITY, f64::min);
            format!("{:.1}% (worst {:.1}%)", mean * 100.0, worst * 100.0)
        };
        println!("| {n} | {} | {} |", show(&ours), show(&theirs));
    }
    println!(
        "\nPer type after {} filed (all orders):\n",
        CURVE[CURVE.len() - 1]
    );
    println!("| type | Dossier | tf-idf + LR |");
    println!("|---|---|---|");
    for (label, (r, t)) in &last_per[0] {
        let (r2, t2) = last_per[1].get(label).copied().unwrap_or((0, 1));
        println!(
            "| {label} | {:.1}% | {:.1}% |",
            100.0 * *r as f64 / *t as f64,
            100.0 * r2 as f64 / t2 as f64
        );
    }

    // Tags from the nearest filed documents: each document tagged with its type (a tag
    // that follows the content), so a suggested tag is right when it is the type.
    println!("\nTags (each filed document tagged with its type; what the nearest suggest):\n");
    println!("| filed | right tag suggested | suggested tags that are right | nothing suggested |");
    println!("|---|---|---|---|");
    for n in CURVE {
        let (mut right, mut suggested, mut correct, mut silent, mut total) = (0, 0, 0, 0, 0);
        for round in 0..rounds {
            let mut order = pool.clone();
            order.shuffle(&mut StdRng::seed_from_u64(round));
            let mut s = Suggester::new();
            for e in &order[..n.min(order.len())] {
                let filing = Filing {
                    doc_type: None,
                    tags: vec![e.label.clone()],
                };
                s.teach(DocId::new(), &Features::of(&e.file, &e.text), &filing);
            }
            for e in &test {
                let tags = s.suggest(None, &Features::of(&e.file, &e.text)).tags;
                total += 1;
                suggested += tags.len();
                let hit = tags.iter().filter(|g| g.label == e.label).count();
                correct += hit;
                right += usize::from(hit > 0);
                silent += usize::from(tags.is_empty());
            }
        }
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        println!(
            "| {n} | {:.1}% | {:.1}% | {:.1}% |",
            pct(right, total),
            pct(correct, suggested),
            pct(silent, total)
        );
    }

    // Scans apart: their text is Tesseract's.
    let model = dossier_model(&pool[..]);
    let scans: Vec<&Example> = test
        .iter()
        .copied()
        .filter(|e| e.format == "scan")
        .collect();
    if !scans.is_empty() {
        let (a, _) = score(&scans, |e| dossier_predict(&model, e));
        println!(
            "\nScans among the held-out ({}), trained on all {}: {:.1}%",
            scans.len(),
            pool.len(),
            a * 100.0
        );
    }

    // Cost of one suggestion: features of the document's text and name, the type's
    // scores and the nearest of as many filed documents as a library learns from
    // (MAX_LEARNED: the pool taught again under new ids until there are that many).
    let mut full = Suggester::new();
    for e in pool.iter().cycle().take(dossier_core::MAX_LEARNED) {
        let filing = Filing {
            doc_type: Some(e.label.clone()),
            tags: vec![e.label.clone()],
        };
        full.teach(DocId::new(), &Features::of(&e.file, &e.text), &filing);
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        for e in &test {
            let t = Instant::now();
            let g = full.suggest(None, &Features::of(&e.file, &e.text));
            std::hint::black_box(g);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let t = Instant::now();
    let mut c = Classifier::new();
    for e in &pool {
        c.learn(&Features::of(&e.file, &e.text), &e.label);
    }
    let learn = t.elapsed().as_secs_f64() * 1000.0 / pool.len() as f64;
    println!(
        "\nSuggesting for one document (type and tags, {} filed documents learned): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target < 20 ms); learning one: {:.2} ms",
        full.documents(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times[times.len() - 1],
        learn
    );
    Ok(())
}
