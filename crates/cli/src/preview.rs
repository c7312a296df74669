//! `dossier thumbnail` and `dossier render`: PNG images of a version.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use dossier_core::{Access, Preview, Viewing};

use crate::output;
use crate::processing::ToolArgs;
use crate::unlock::unlock;

#[derive(Debug, Args)]
pub struct ThumbnailArgs {
    doc: String,
    /// Version number (default: the current version).
    #[arg(long)]
    version: Option<u32>,
    /// Where to write the PNG (`-` for standard output).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Print the image's size (and why an icon stands in, if it does) as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    doc: String,
    /// Version number (default: the current version).
    #[arg(long)]
    version: Option<u32>,
    /// Page number, from 1.
    #[arg(long, default_value_t = 1)]
    page: u32,
    /// Width in pixels (16 to 4096).
    #[arg(long, default_value_t = 1024)]
    width: u32,
    /// Where to write the PNG (`-` for standard output).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    #[arg(long)]
    json: bool,
}

pub fn thumbnail(root: &Path, tools: &ToolArgs, args: ThumbnailArgs) -> Result<u8> {
    let mut lib = unlock(root, Access::Write)?;
    let doc = lib.catalog().resolve(&args.doc)?;
    lib.note_view(doc, args.version, Viewing::Preview)?;
    let preview = lib.thumbnail(doc, args.version, &tools.tools())?;
    if let Some(why) = &preview.reason {
        eprintln!("No thumbnail could be made ({why}); wrote the generic icon for this type.");
    }
    emit(&preview, &args.output, args.json)
}

pub fn render(root: &Path, tools: &ToolArgs, args: RenderArgs) -> Result<u8> {
    let mut lib = unlock(root, Access::Write)?;
    let doc = lib.catalog().resolve(&args.doc)?;
    lib.note_view(doc, args.version, Viewing::Preview)?;
    let preview = lib.render_page(doc, args.version, args.page, args.width, &tools.tools())?;
    emit(&preview, &args.output, args.json)
}

fn emit(preview: &Preview, to: &Path, json: bool) -> Result<u8> {
    if to == Path::new("-") {
        anyhow::ensure!(
            !json,
            "--json cannot be used with `-o -` (both use standard output)"
        );
        std::io::stdout().lock().write_all(&preview.png)?;
        return Ok(0);
    }
    std::fs::write(to, &preview.png).with_context(|| format!("writing {}", to.display()))?;
    if json {
        output::json(preview)?;
    } else {
        println!(
            "Wrote {} ({} x {} pixels)",
            to.display(),
            preview.width,
            preview.height
        );
    }
    Ok(0)
}
