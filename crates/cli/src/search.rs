//! `dossier search` and `dossier reindex`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;
use clap::Args;
use dossier_core::{
    Access, Error, Library, LockedLibrary, SearchRequest, SearchResults, SortOrder,
};

use crate::output;
use crate::unlock::{unlock_folder, unlock_local};

/// `dossier search` arguments.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words, "phrases", prefix*, fuzzy~ and filters such as type:transcript
    /// student:1234567 tag:2024 year:2023 after:2024-01-01; -word excludes (quote the
    /// whole query, "grade -draft", or put it after --).
    #[arg(value_name = "QUERY")]
    query: Vec<String>,
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Skip this many hits (for paging).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Only documents of this type.
    #[arg(long = "type", value_name = "TYPE")]
    doc_type: Option<String>,
    /// Only documents with this tag (repeat for several).
    #[arg(long)]
    tag: Vec<String>,
    /// Documents dated on or after this day (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE")]
    after: Option<String>,
    /// Documents dated before this day.
    #[arg(long, value_name = "DATE")]
    before: Option<String>,
    /// relevance, date (newest first), name (A to Z), size (largest first) or type.
    #[arg(long, default_value = "relevance")]
    sort: SortOrder,
    /// The other way round (oldest, Z to A, smallest first).
    #[arg(long)]
    reverse: bool,
    /// Search the trash.
    #[arg(long)]
    trash: bool,
    #[arg(long)]
    json: bool,
}

/// Open for writing when no one else does (to index what changed), else read-only.
fn open_for_search(root: &Path) -> Result<Library> {
    match LockedLibrary::open(root, Access::Write) {
        Ok(locked) => {
            let mut lib = unlock_folder(locked)?;
            lib.refresh_index()?;
            Ok(lib)
        }
        Err(Error::LibraryInUse { .. }) => unlock_local(root, Access::Read),
        Err(e) => Err(e.into()),
    }
}

pub fn search(root: &Path, args: SearchArgs) -> Result<u8> {
    let lib = open_for_search(root)?;
    let req = SearchRequest {
        query: args.query.join(" "),
        limit: args.limit,
        offset: args.offset,
        doc_type: args.doc_type,
        tags: args.tag,
        after: args
            .after
            .as_deref()
            .map(dossier_core::parse_search_date)
            .transpose()?,
        before: args
            .before
            .as_deref()
            .map(dossier_core::parse_search_date)
            .transpose()?,
        year: None,
        status: None,
        subject: None,
        sort: args.sort,
        reverse: args.reverse,
        trashed: args.trash,
        facets: true,
        snippets: true,
    };
    let results = lib.search(&req)?;
    if args.json {
        output::json(&results)?;
    } else {
        print(&req, &results);
    }
    Ok(0)
}

/// Mark highlighted ranges: bold on a terminal, `[…]` otherwise.
fn highlighted(snippet: &str, ranges: &[[usize; 2]], terminal: bool) -> String {
    if terminal {
        output::marked(snippet, ranges, "\x1b[1m", "\x1b[0m")
    } else {
        output::marked(snippet, ranges, "[", "]")
    }
}

fn print(req: &SearchRequest, r: &SearchResults) {
    let terminal = std::io::stdout().is_terminal();
    if r.total == 0 {
        println!("No documents match {:?}.", req.query);
        return;
    }
    let shown = r.hits.len();
    println!(
        "{} document{} match{}{}{}",
        r.total,
        if r.total == 1 { "" } else { "s" },
        if r.total == 1 { "es" } else { "" },
        if req.query.is_empty() {
            String::new()
        } else {
            format!(" {:?}", req.query)
        },
        if (shown as u64) < r.total {
            format!(" (showing {}–{})", req.offset + 1, req.offset + shown)
        } else {
            String::new()
        }
    );
    if r.fuzzy {
        println!("Nothing matched as typed; showing close spellings.");
    }
    for (i, h) in r.hits.iter().enumerate() {
        let id = h.id.to_string();
        println!();
        println!(
            "{:>3}. {}  ({})  {}",
            req.offset + i + 1,
            h.title,
            h.file_name,
            &id[..id.len().min(13)]
        );
        if !h.snippet.is_empty() {
            let page = h.page.map(|p| format!("p. {p}: ")).unwrap_or_default();
            println!(
                "     {page}{}",
                highlighted(&h.snippet, &h.highlights, terminal)
            );
        }
    }
    let f = &r.facets;
    let groups = [
        ("Type", &f.doc_type),
        ("Tag", &f.tag),
        ("Year", &f.year),
        ("Status", &f.status),
        ("Collection", &f.collection),
    ];
    println!();
    for (name, counts) in groups {
        if counts.is_empty() {
            continue;
        }
        let items: Vec<String> = counts.iter().map(|(k, n)| format!("{k} ({n})")).collect();
        println!("{name}: {}", items.join(", "));
    }
}

/// `dossier reindex`: rebuild the search index from the catalog.
pub fn reindex(root: &Path, json: bool) -> Result<u8> {
    let mut lib = unlock_local(root, Access::Write)?;
    let started = std::time::Instant::now();
    let n = lib.reindex()?;
    let seconds = started.elapsed().as_secs_f64();
    if json {
        output::json(&serde_json::json!({ "indexed": n, "seconds": seconds }))?;
    } else {
        println!("Rebuilt the search index: {n} documents in {seconds:.1} s");
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::highlighted;

    #[test]
    fn highlights_wrap_character_ranges() {
        assert_eq!(
            highlighted("élève report", &[[0, 5], [6, 12]], false),
            "[élève] [report]"
        );
    }
}
