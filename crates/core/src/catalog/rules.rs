//! Intake rules in the catalog: the rules (a projection of `RuleSet` operations) and, per
//! document added on this desktop, where it came from and whether its text-stage rules
//! are still to run (derived, local).

use rusqlite::{OptionalExtension, params};

use super::Catalog;
use crate::error::{Error, Result};
use crate::extract::ocr::lookalike_lines;
use crate::format::extracted::TextSource;
use crate::format::rule::Rule;
use crate::ids::{DocId, RuleId, VersionId};

/// The most text rules look at in one document.
pub const MAX_RULE_TEXT: usize = 1024 * 1024;

impl Catalog {
    /// The rules, in position order (deleted ones left out).
    pub fn rules(&self) -> Result<Vec<(RuleId, Rule)>> {
        let rows: Vec<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT id, body FROM rules WHERE body IS NOT NULL ORDER BY position, id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(id, body)| Ok((id.parse()?, serde_json::from_str(&body)?)))
            .collect()
    }

    /// The rule a reference names: the start of its id, or its name.
    pub fn resolve_rule(&self, reference: &str) -> Result<RuleId> {
        let r = reference.trim();
        let rules = self.rules()?;
        let hex = r.to_ascii_lowercase().replace('-', "");
        let found: Vec<RuleId> = rules
            .iter()
            .filter(|(id, rule)| {
                rule.name.eq_ignore_ascii_case(r)
                    || (hex.len() >= 6 && id.to_string().starts_with(&hex))
            })
            .map(|(id, _)| *id)
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            _ => Err(Error::NoSuchRule {
                reference: r.to_owned(),
            }),
        }
    }

    /// Note where documents added here came from; their text-stage rules are to run.
    pub(crate) fn record_rule_sources(&mut self, docs: &[(DocId, Option<String>)]) -> Result<()> {
        self.derived(|tx| {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO rule_sources (doc, folder, text_pending) VALUES (?1, ?2, 1)",
            )?;
            for (doc, folder) in docs {
                stmt.execute(params![doc.to_string(), folder])?;
            }
            Ok(())
        })
    }

    /// The folder a document was added from here, and whether its text-stage rules are
    /// still to run; `None` for a document another desktop added.
    pub(crate) fn rule_source(&self, doc: DocId) -> Result<Option<(Option<String>, bool)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT folder, text_pending FROM rule_sources WHERE doc = ?1")?
            .query_row([doc.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The text-stage rules of `doc` have run.
    pub(crate) fn rule_text_done(&mut self, doc: DocId) -> Result<()> {
        self.derived(|tx| {
            tx.execute(
                "UPDATE rule_sources SET text_pending = 0 WHERE doc = ?1",
                [doc.to_string()],
            )?;
            Ok(())
        })
    }

    /// A version's extracted text, pages joined, at most [`MAX_RULE_TEXT`] bytes. A page
    /// read by OCR is followed by its lines with look-alike characters read as in a
    /// person's number ([`lookalike_lines`]), so that a rule finds "S26051" in a scan
    /// Tesseract read as "$26051".
    pub(crate) fn rule_text(&self, version: VersionId) -> Result<String> {
        let mut out = String::new();
        for mut p in self.texts(version)? {
            if p.source == TextSource::Ocr {
                let mended: Vec<String> = lookalike_lines(&p.text).collect();
                for line in mended {
                    p.text.push('\n');
                    p.text.push_str(&line);
                }
            }
            if out.len() + p.text.len() > MAX_RULE_TEXT {
                let room = MAX_RULE_TEXT.saturating_sub(out.len());
                let cut = (0..=room.min(p.text.len()))
                    .rev()
                    .find(|i| p.text.is_char_boundary(*i))
                    .unwrap_or(0);
                out.push_str(&p.text[..cut]);
                break;
            }
            out.push_str(&p.text);
            out.push('\n');
        }
        Ok(out)
    }

    /// Whether text extraction or OCR of `version` is still to come.
    pub(crate) fn text_jobs_pending(&self, version: VersionId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM jobs WHERE version = ?1 AND kind IN ('extract', 'ocr')
                 AND state IN ('pending', 'waiting')",
            )?
            .exists([version.to_string()])?)
    }
}
