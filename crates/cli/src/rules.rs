//! `dossier rules`: intake rules, written as JSON (see `docs/rules.md`), listed, tested
//! against the library, applied to what is filed already, deleted.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use dossier_core::{Access, Library, Rule, RuleMatch};

use crate::output;
use crate::unlock::{unlock, unlock_local};

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in the order they run.
    Ls {
        #[arg(long)]
        json: bool,
    },
    /// Add a rule from a JSON file, or with --replace change one.
    Add {
        file: PathBuf,
        /// The rule (its name or the start of its id) this one replaces.
        #[arg(long)]
        replace: Option<String>,
    },
    /// Show what a rule (a JSON file, or a rule's name or id) would change in the
    /// documents filed so far; nothing is written.
    Test {
        rule: String,
        #[arg(long)]
        json: bool,
    },
    /// Apply a rule to the documents filed so far: exactly what `test` shows.
    Apply {
        rule: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a rule (what it set stays).
    Rm { rule: String },
}

fn read_rule(file: &Path) -> Result<Rule> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a rule (see docs/rules.md for the form)",
            file.display()
        )
    })
}

/// A rule given as a file (when one exists there) or as a reference to a saved rule.
fn rule_from(lib: &Library, reference: &str) -> Result<Rule> {
    let path = Path::new(reference);
    if path.is_file() {
        return read_rule(path);
    }
    let id = lib.catalog().resolve_rule(reference)?;
    Ok(lib
        .catalog()
        .rules()?
        .into_iter()
        .find(|(r, _)| *r == id)
        .map(|(_, r)| r)
        .expect("resolved above"))
}

fn matches(found: &[RuleMatch], json: bool, verb: &str) -> Result<()> {
    if json {
        return output::json(found);
    }
    for m in found {
        println!(
            "{}  {}: {}",
            &m.doc.to_string()[..12],
            m.title,
            m.changes.join("; ")
        );
    }
    println!("{} document(s) {verb}", found.len());
    Ok(())
}

pub fn run(root: &Path, cmd: RulesCommand) -> Result<u8> {
    match cmd {
        RulesCommand::Ls { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let rules = lib.catalog().rules()?;
            if json {
                let list: Vec<_> = rules
                    .iter()
                    .map(|(id, r)| serde_json::json!({ "id": id, "rule": r }))
                    .collect();
                output::json(&list)?;
            } else if rules.is_empty() {
                println!("No rules.");
            } else {
                for (id, r) in &rules {
                    let off = if r.enabled { "" } else { " (off)" };
                    println!(
                        "{}  {:>3}  {}{off}",
                        &id.to_string()[..12],
                        r.position,
                        r.name
                    );
                }
            }
            Ok(0)
        }
        RulesCommand::Add { file, replace } => {
            let rule = read_rule(&file)?;
            let mut lib = unlock(root, Access::Write)?;
            let id = replace
                .map(|r| lib.catalog().resolve_rule(&r))
                .transpose()?;
            let id = lib.set_rule(id, rule)?;
            println!("{id}");
            Ok(0)
        }
        RulesCommand::Test { rule, json } => {
            let lib = unlock_local(root, Access::Read)?;
            let rule = rule_from(&lib, &rule)?;
            matches(&lib.preview_rule(&rule)?, json, "would change")?;
            Ok(0)
        }
        RulesCommand::Apply { rule, json } => {
            let mut lib = unlock(root, Access::Write)?;
            let id = lib.catalog().resolve_rule(&rule)?;
            matches(&lib.apply_rule(id)?, json, "changed")?;
            Ok(0)
        }
        RulesCommand::Rm { rule } => {
            let mut lib = unlock(root, Access::Write)?;
            let id = lib.catalog().resolve_rule(&rule)?;
            lib.delete_rule(id)?;
            Ok(0)
        }
    }
}
