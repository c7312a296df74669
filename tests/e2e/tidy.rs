//! The tidy checks, in the manner of rust-analyzer's: rules about the code itself that a
//! review would otherwise have to remember. They fail when core depends on an async
//! runtime, Tauri or a network crate; core makes a module public (its API is one `pub use`
//! block); a non-test source file passes 800 lines; a library
//! error variant wraps a bare `String`; a symbol `ARCHITECTURE.md` names no longer exists;
//! a module lacks its `//!` line; or the app's modules import each other in a cycle.
//! `scripts/module-graph.sh` prints each crate's module graph (this file's
//! `module_graphs_have_no_cycles` with `--nocapture`).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_owned()
}

/// The crates whose sources the rules cover, by source folder.
const SOURCES: &[(&str, &str)] = &[
    ("dossier-core", "crates/core/src"),
    ("dossier-sync", "crates/sync/src"),
    ("dossier-cli", "crates/cli/src"),
    ("dossier-winsys", "crates/winsys/src"),
    ("dossier-app", "src-tauri/src"),
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Test code: `tests.rs` files, test folders, and what follows a file's first
/// `#[cfg(test)]` line (its test module comes last by house style).
fn is_test_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "tests.rs")
        || path.components().any(|c| c.as_os_str() == "tests")
}

fn code_lines(text: &str) -> usize {
    text.lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .count()
}

/// Crates that would bring an async runtime, Tauri or the network into core.
const NOT_IN_CORE: &[&str] = &[
    "tokio",
    "tauri",
    "reqwest",
    "hyper",
    "h2",
    "opendal",
    "ureq",
    "rustls",
    "native-tls",
    "async-std",
    "surf",
    "isahc",
    "curl",
];

/// The platforms Dossier is built for: core's dependencies on each are checked.
const PLATFORMS: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "x86_64-pc-windows-msvc",
    "aarch64-apple-darwin",
];

/// The paths from `krate` to a crate of `NOT_IN_CORE` among what its library needs to
/// build on `platform` (normal dependencies, followed through).
fn forbidden_below(krate: &str, platform: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .args(["--filter-platform", platform])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let names: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: BTreeMap<&str, &serde_json::Value> = meta["resolve"]["nodes"]
        .as_array()
        .expect("a resolved graph")
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let start = names
        .iter()
        .find(|(_, name)| **name == krate)
        .map(|(id, _)| *id)
        .expect("a workspace crate");
    let mut seen = HashSet::new();
    let mut todo = vec![(start, vec![krate])];
    let mut found = Vec::new();
    while let Some((id, path)) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            if !normal {
                continue;
            }
            let dep_id = dep["pkg"].as_str().unwrap();
            let name = names[dep_id];
            let mut via = path.clone();
            via.push(name);
            if NOT_IN_CORE
                .iter()
                .any(|f| name == *f || name.starts_with(&format!("{f}-")))
            {
                found.push(format!("{platform}: {}", via.join(" → ")));
            }
            todo.push((dep_id, via));
        }
    }
    found
}

#[test]
fn core_depends_on_no_runtime_tauri_or_network_crate() {
    let found: Vec<String> = PLATFORMS
        .iter()
        .flat_map(|p| forbidden_below("dossier-core", p))
        .collect();
    assert!(
        found.is_empty(),
        "core must stay synchronous and offline: {found:#?}"
    );
}

#[test]
fn the_dependency_rule_sees_that_sync_uses_tokio() {
    let found = forbidden_below("dossier-sync", "x86_64-unknown-linux-gnu");
    assert!(found.iter().any(|p| p.ends_with("→ tokio")), "{found:#?}");
}

/// Core's API is its crate root's `pub use` block: no module is public except the fuzz
/// entry points (behind their feature).
#[test]
fn core_exposes_no_module_but_the_fuzz_entry_points() {
    let lib = std::fs::read_to_string(root().join("crates/core/src/lib.rs")).unwrap();
    let public: Vec<&str> = lib
        .lines()
        .filter(|l| l.trim_start().starts_with("pub mod "))
        .collect();
    assert_eq!(
        public,
        ["pub mod fuzz;"],
        "make these private and re-export what is API"
    );
}

#[test]
fn no_source_file_passes_800_lines() {
    let mut long = Vec::new();
    for (_, dir) in SOURCES {
        for file in rust_files(&root().join(dir)) {
            if is_test_file(&file) {
                continue;
            }
            let n = code_lines(&std::fs::read_to_string(&file).unwrap());
            if n > 800 {
                long.push(format!("{} ({n} lines)", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "split these: {long:#?}");
}

#[test]
fn every_module_says_what_it_is() {
    let mut bare = Vec::new();
    for (_, dir) in SOURCES {
        for file in rust_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            if !text.trim_start().starts_with("//!") {
                bare.push(file.display().to_string());
            }
        }
    }
    assert!(bare.is_empty(), "start these with a `//!` line: {bare:#?}");
}

/// The variants of each `thiserror` enum in `text` that wrap one bare `String`
/// (`Variant(String)`): a message made up by the thrower, which callers cannot act on.
fn string_variants(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_error = false;
    let mut pending_derive = false;
    let mut name = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("#[derive(") && t.contains("Error") {
            pending_derive = true;
        }
        if pending_derive
            && let Some(rest) = t.strip_prefix("pub enum ").or(t.strip_prefix("enum "))
        {
            in_error = true;
            pending_derive = false;
            name = rest.split([' ', '{', '<']).next().unwrap_or("").to_owned();
            continue;
        }
        if t.starts_with("pub struct") || t.starts_with("struct") {
            pending_derive = false;
        }
        if in_error {
            if line.starts_with('}') {
                in_error = false;
            } else if let Some(variant) = t.strip_suffix("(String),") {
                out.push(format!("{name}::{variant}"));
            }
        }
    }
    out
}

#[test]
fn library_errors_wrap_no_bare_strings() {
    let mut found = Vec::new();
    for (krate, dir) in SOURCES {
        // The binaries' errors end at a person; libraries' errors are matched on.
        if *krate == "dossier-cli" {
            continue;
        }
        for file in rust_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for v in string_variants(&text) {
                found.push(format!("{v} in {}", file.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "give each condition a variant with typed fields: {found:#?}"
    );
}

#[test]
fn the_string_variant_rule_finds_what_it_should() {
    let text = "#[derive(Debug, thiserror::Error)]\npub enum Error {\n    #[error(\"{0}\")]\n    Invalid(String),\n    Named { why: String },\n}\n#[derive(Debug)]\npub enum Atom {\n    Word(String),\n}\n";
    assert_eq!(string_variants(text), ["Error::Invalid"]);
}

/// Words that name code in `ARCHITECTURE.md`: code spans that are a type (`Catalog`), a
/// path (`Catalog::commit`, `AfterImport::{Leave, Move}`) or a snake_case function
/// (`move_done`, `open_heads()`); each of their words.
fn named_symbols(doc: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in doc.lines() {
        for (i, span) in line.split('`').enumerate() {
            if i % 2 == 0 {
                continue;
            }
            let span = span.trim_end_matches("()");
            let ident = |s: &str| {
                let s = s.trim();
                !s.is_empty()
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            };
            let words: Vec<&str> = span
                .split("::")
                .flat_map(|part| part.trim_matches(['{', '}']).split(','))
                .map(str::trim)
                .collect();
            if !words.iter().all(|w| ident(w)) {
                continue;
            }
            let is_path = span.contains("::");
            let camel = |w: &str| {
                w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && w.chars().any(|c| c.is_ascii_lowercase())
            };
            let snake = |w: &str| w.contains('_') && w.chars().all(|c| !c.is_ascii_uppercase());
            if is_path || words.iter().all(|w| camel(w) || snake(w)) {
                out.extend(words.iter().map(|w| (*w).to_owned()));
            }
        }
    }
    out
}

fn source_words() -> HashSet<String> {
    let mut files = Vec::new();
    for (_, dir) in SOURCES {
        files.extend(rust_files(&root().join(dir)));
    }
    files.extend(rust_files(&root().join("tests")));
    for extra in [
        "crates/core/examples",
        "crates/core/benches",
        "tests/benches",
    ] {
        files.extend(rust_files(&root().join(extra)));
    }
    let mut ui = Vec::new();
    let mut stack = vec![root().join("ui/src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "ts" || e == "tsx") {
                ui.push(p);
            }
        }
    }
    files.extend(ui);
    let mut words = HashSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        words.extend(
            text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .map(str::to_owned),
        );
    }
    words
}

#[test]
fn every_symbol_architecture_names_exists() {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let named = named_symbols(&doc);
    assert!(named.len() > 100, "{} symbols found", named.len());
    let words = source_words();
    let missing: Vec<&String> = named.iter().filter(|w| !words.contains(*w)).collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names what is gone: {missing:#?}"
    );
}

#[test]
fn symbols_are_told_from_prose() {
    let named = named_symbols(
        "`Catalog::commit` and `AfterImport::{Leave, Move}`, `move_done()`, `Library`, \
         `--json`, `crates/core`, `library.json`, `fsync`, `CI=true`",
    );
    let expected: BTreeSet<String> = [
        "Catalog",
        "commit",
        "AfterImport",
        "Leave",
        "Move",
        "move_done",
        "Library",
    ]
    .map(String::from)
    .into();
    assert_eq!(named, expected);
}

/// Each top-level module of a crate and the top-level modules it uses
/// (`crate::module::…`, `use crate::{module, …}`, or a name the crate root re-exports
/// from a module).
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = rust_files(src);
    let top = |f: &Path| -> Option<String> {
        let rel = f.strip_prefix(src).ok()?;
        let first = rel
            .components()
            .next()?
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        let name = first.trim_end_matches(".rs").to_owned();
        (!matches!(name.as_str(), "lib" | "main" | "bin")).then_some(name)
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|f| top(f)).collect();
    // Names the crate root re-exports, and the module each comes from.
    let mut reexported = BTreeMap::new();
    for root_file in ["lib.rs", "main.rs"] {
        let Ok(text) = std::fs::read_to_string(src.join(root_file)) else {
            continue;
        };
        let flat = text.replace('\n', " ");
        for stmt in flat.split(';') {
            let stmt = stmt.trim();
            let Some(rest) = stmt.strip_prefix("pub use ") else {
                continue;
            };
            let module = rest.split("::").next().unwrap_or("").trim().to_owned();
            if !modules.contains(&module) {
                continue;
            }
            for name in rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
            {
                reexported.insert(name.to_owned(), module.clone());
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    // Tests may use any module to build their inputs: only the code itself counts.
    for file in files.iter().filter(|f| !is_test_file(f)) {
        let Some(from) = top(file) else { continue };
        let text = std::fs::read_to_string(file).unwrap();
        let code: String = text
            .lines()
            .take_while(|l| l.trim() != "#[cfg(test)]")
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut used = BTreeSet::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                // The first word of each item of the group.
                let end = group.find('}').unwrap_or(group.len());
                group[..end]
                    .split(',')
                    .filter_map(|item| item.trim().split("::").next())
                    .collect()
            } else {
                rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .take(1)
                    .collect()
            };
            for n in names {
                let n = n.trim();
                if modules.contains(n) {
                    used.insert(n.to_owned());
                } else if let Some(m) = reexported.get(n) {
                    used.insert(m.clone());
                }
            }
        }
        used.remove(&from);
        graph.entry(from).or_default().extend(used);
    }
    graph
}

/// The cycles of `graph`: its strongly connected components of more than one module.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    // Tarjan's algorithm, recursive: module graphs are small.
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: HashSet<&'a str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: HashSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn cycles_are_found() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(String::from).collect()))
    .collect();
    let found = cycles(&graph);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0], ["a", "b", "c"].map(String::from).into());
}

/// Crates whose module graph must have no cycle at all.
const ACYCLIC: &[&str] = &["dossier-core", "dossier-app", "dossier-sync", "dossier-cli"];

#[test]
fn module_graphs_have_no_cycles() {
    let mut failures = Vec::new();
    for (krate, dir) in SOURCES {
        let graph = module_graph(&root().join(dir));
        println!("{krate} ({dir}):");
        for (module, uses) in &graph {
            let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
            println!("  {module} → {}", uses.join(", "));
        }
        let found = cycles(&graph);
        for c in &found {
            let c: Vec<&str> = c.iter().map(String::as_str).collect();
            println!("  cycle: {}", c.join(" ⇄ "));
        }
        if ACYCLIC.contains(krate) && !found.is_empty() {
            failures.push(format!("{krate}: {found:?}"));
        }
    }
    assert!(failures.is_empty(), "module cycles: {failures:#?}");
}
