//! `dossier diff`: what changed between two versions, text (with pages) and properties.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;
use clap::Args;
use dossier_core::{Access, CompareOptions, LineOp, TextState, VersionDiff, VersionInfo, Viewing};

use crate::output;
use crate::unlock::unlock_local;

#[derive(Debug, Args)]
pub struct DiffArgs {
    doc: String,
    /// The older version's number.
    old: u32,
    /// The newer version's number.
    new: u32,
    /// Unchanged lines shown around each change.
    #[arg(long, default_value_t = 3)]
    context: usize,
    /// Print the versions, the property changes and the hunks as JSON.
    #[arg(long)]
    json: bool,
}

pub fn diff(root: &Path, args: DiffArgs) -> Result<u8> {
    let mut lib = unlock_local(root, Access::Write)?;
    let doc = lib.catalog().resolve(&args.doc)?;
    let d = lib.compare(
        doc,
        args.old,
        args.new,
        &CompareOptions {
            context: args.context,
        },
    )?;
    // Both versions' text is about to be shown.
    for number in [args.old, args.new] {
        lib.note_view(doc, Some(number), Viewing::Text)?;
    }
    if args.json {
        output::json(&d)?;
    } else {
        print(&d, std::io::stdout().is_terminal());
    }
    Ok(0)
}

fn describe(v: &VersionInfo) -> String {
    let mut s = format!(
        "version {}: {}, {}, {} by {}",
        v.number,
        v.file_name,
        output::size(v.size),
        v.created,
        v.author
    );
    if let Some(note) = &v.note {
        s.push_str(&format!(" ({note})"));
    }
    s
}

fn print(d: &VersionDiff, terminal: bool) {
    println!("{}", describe(&d.old));
    println!("{}", describe(&d.new));
    for (v, state) in [(&d.old, d.old_text), (&d.new, d.new_text)] {
        match state {
            TextState::Complete => {}
            TextState::Pending => eprintln!(
                "Note: the text of version {} is not fully extracted yet; run `dossier process` for a complete comparison.",
                v.number
            ),
            TextState::Unavailable => eprintln!(
                "Note: the text of version {} could not be read (see `dossier jobs`); only what was read is compared.",
                v.number
            ),
        }
    }
    if d.same_content {
        println!("\nThe two versions have the same content.");
    }
    if !d.metadata.is_empty() {
        println!("\nChanged properties:");
        for m in &d.metadata {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
            println!("  {}: {} -> {}", m.field, show(&m.old), show(&m.new));
        }
    }
    if d.hunks.is_empty() {
        if !d.same_content {
            println!("\nNo differences in the text.");
        }
        return;
    }
    println!(
        "\nText: {} line(s) added, {} removed",
        d.lines_added, d.lines_removed
    );
    let (red, green, reset, bold, unbold) = if terminal {
        (
            "\x1b[31m",
            "\x1b[32m",
            "\x1b[0m",
            "\x1b[1;4m",
            "\x1b[22;24m",
        )
    } else {
        ("", "", "", "", "")
    };
    let pages = |p: Option<[u32; 2]>| match p {
        None => "-".to_owned(),
        Some([a, b]) if a == b => format!("page {a}"),
        Some([a, b]) => format!("pages {a}-{b}"),
    };
    for h in &d.hunks {
        println!("\n@@ {} -> {} @@", pages(h.old_pages), pages(h.new_pages));
        for l in &h.lines {
            let text = output::marked(&l.text, &l.changes, bold, unbold);
            match l.op {
                LineOp::Equal => println!("  {text}"),
                LineOp::Removed => println!("{red}- {text}{reset}"),
                LineOp::Added => println!("{green}+ {text}{reset}"),
            }
        }
    }
}
