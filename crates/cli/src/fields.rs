//! `dossier fields`: the custom fields of each document type, with their kinds (text,
//! number, date or a choice list), which every value set on such a document must fit.

use std::path::Path;

use anyhow::{Result, bail};
use clap::Subcommand;
use dossier_core::{Access, FieldDef, FieldKind};

use crate::output;
use crate::unlock::{unlock, unlock_local};

#[derive(Debug, Subcommand)]
pub enum FieldsCommand {
    /// List the types that define fields, with their fields.
    Ls {
        #[arg(long)]
        json: bool,
    },
    /// Define the fields of a document type, replacing its list: each NAME:KIND, KIND
    /// one of text, number, date or choice=OPTION|OPTION|…; NAME alone is text. With no
    /// field, the type has none any more (values already set stay).
    Set {
        #[arg(value_name = "TYPE")]
        doc_type: String,
        #[arg(value_name = "NAME:KIND")]
        fields: Vec<String>,
    },
}

/// A field as written on the command line.
fn parse_def(spec: &str) -> Result<FieldDef> {
    let (name, kind) = spec.rsplit_once(':').unwrap_or((spec, "text"));
    let kind = match kind.split_once('=') {
        None if kind.eq_ignore_ascii_case("text") => FieldKind::Text,
        None if kind.eq_ignore_ascii_case("number") => FieldKind::Number,
        None if kind.eq_ignore_ascii_case("date") => FieldKind::Date,
        Some((c, options)) if c.eq_ignore_ascii_case("choice") => FieldKind::Choice {
            options: options.split('|').map(|o| o.trim().to_owned()).collect(),
        },
        _ => bail!(
            "{spec:?}: the kind is text, number, date or choice=OPTION|OPTION (like Term:choice=Autumn|Spring)"
        ),
    };
    Ok(FieldDef {
        name: name.trim().to_owned(),
        kind,
    })
}

fn describe(kind: &FieldKind) -> String {
    match kind {
        FieldKind::Text => "text".into(),
        FieldKind::Number => "number".into(),
        FieldKind::Date => "date".into(),
        FieldKind::Choice { options } => format!("one of {}", options.join(" | ")),
    }
}

pub fn run(root: &Path, cmd: FieldsCommand) -> Result<u8> {
    match cmd {
        FieldsCommand::Ls { json } => {
            let lib = unlock_local(root, Access::Read)?;
            let all = lib.catalog().all_type_fields()?;
            if json {
                let list: Vec<_> = all
                    .iter()
                    .map(|(t, f)| serde_json::json!({ "type": t, "fields": f }))
                    .collect();
                output::json(&list)?;
            } else if all.is_empty() {
                println!("No type defines fields.");
            } else {
                for (t, fields) in &all {
                    println!("{t}");
                    for f in fields {
                        println!("  {}: {}", f.name, describe(&f.kind));
                    }
                }
            }
            Ok(0)
        }
        FieldsCommand::Set { doc_type, fields } => {
            let defs = fields
                .iter()
                .map(|f| parse_def(f))
                .collect::<Result<Vec<_>>>()?;
            let mut lib = unlock(root, Access::Write)?;
            lib.set_type_fields(&doc_type, defs)?;
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_written_name_colon_kind() {
        assert_eq!(parse_def("Issuer").unwrap().kind, FieldKind::Text);
        assert_eq!(parse_def("Grade:number").unwrap().kind, FieldKind::Number);
        assert_eq!(parse_def("Issued:Date").unwrap().kind, FieldKind::Date);
        assert_eq!(
            parse_def("Term:choice=Autumn| Spring").unwrap(),
            FieldDef {
                name: "Term".into(),
                kind: FieldKind::Choice {
                    options: vec!["Autumn".into(), "Spring".into()]
                }
            }
        );
        assert!(parse_def("Grade:integer").is_err());
    }
}
