//! `dossier suggest DOC`: what Dossier would file a document as (a type, tags, the person
//! it mentions), learned from what was filed before; `--accept` files it so. The policy
//! is core's (`Library::suggest_filing`), the same the app shows.

use std::path::Path;

use anyhow::Result;
use clap::Args;
use dossier_core::{Access, FieldKey, FieldValue, FilingSuggestion, Library, PersonClue};

use crate::unlock::{unlock, unlock_local};

#[derive(Debug, Args)]
pub struct SuggestArgs {
    doc: String,
    /// File the document as suggested.
    #[arg(long)]
    accept: bool,
    #[arg(long)]
    json: bool,
}

pub fn run(root: &Path, args: SuggestArgs) -> Result<u8> {
    let access = if args.accept {
        Access::Write
    } else {
        Access::Read
    };
    let mut lib = if args.accept {
        unlock(root, access)?
    } else {
        unlock_local(root, access)?
    };
    let doc = lib.catalog().resolve(&args.doc)?;
    let model = lib.suggester()?;
    let s = lib.suggest_filing(doc, |f| model.suggest(Some(doc), f))?;
    if args.json {
        crate::output::json(&json(&lib, &s)?)?;
    } else {
        print(&lib, &s)?;
    }
    if args.accept && !s.is_empty() {
        if let Some(t) = &s.doc_type {
            lib.set_field(doc, FieldKey::Type, Some(FieldValue::Text(t.label.clone())))?;
        }
        if !s.tags.is_empty() {
            let tags: Vec<String> = s.tags.iter().map(|g| g.label.clone()).collect();
            lib.tag(doc, &tags, &[])?;
        }
        if let Some(p) = &s.person {
            lib.set_document_subject(doc, Some(p.subject))?;
        }
        lib.refresh_index()?;
        if !args.json {
            println!("Filed as suggested.");
        }
    }
    Ok(0)
}

fn clue(c: &PersonClue) -> (&'static str, &str) {
    match c {
        PersonClue::Number(n) => ("number", n),
        PersonClue::Name(n) => ("name", n),
    }
}

fn json(lib: &Library, s: &FilingSuggestion) -> Result<serde_json::Value> {
    let guess = |g: &dossier_core::Guess| serde_json::json!({ "label": g.label, "confidence": g.confidence });
    let person = match &s.person {
        Some(p) => {
            let r = lib.catalog().subject(p.subject)?;
            let (by, clue) = clue(&p.clue);
            serde_json::json!({ "id": r.id.to_string(), "number": r.number, "name": r.name, "by": by, "clue": clue })
        }
        None => serde_json::Value::Null,
    };
    Ok(serde_json::json!({
        "type": s.doc_type.as_ref().map(guess),
        "tags": s.tags.iter().map(guess).collect::<Vec<_>>(),
        "person": person,
    }))
}

fn print(lib: &Library, s: &FilingSuggestion) -> Result<()> {
    if s.is_empty() {
        println!("Nothing to suggest.");
        return Ok(());
    }
    if let Some(t) = &s.doc_type {
        println!("type:   {} ({:.0}% sure)", t.label, t.confidence * 100.0);
    }
    for t in &s.tags {
        println!(
            "tag:    {} ({:.0}% of similar documents)",
            t.label,
            t.confidence * 100.0
        );
    }
    if let Some(p) = &s.person {
        let r = lib.catalog().subject(p.subject)?;
        let (by, clue) = clue(&p.clue);
        println!(
            "person: {} ({}), by the {by} {clue:?} in the document",
            r.name, r.number
        );
    }
    Ok(())
}
