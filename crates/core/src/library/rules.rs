//! Intake rules on a library: make, change and delete them; run them when a file is
//! added and again once its text is read; preview what one would do to the documents
//! already filed, and do exactly that.
//!
//! **Invariant:** a rule only fills what is empty: a type, subject, field or collection
//! nobody set, a title still the file's name, tags not there. So it never undoes a
//! person's filing, running it twice changes nothing more, and [`Library::preview_rule`]
//! and [`Library::apply_rule`] share one plan ([`Library::rule_plan`]).

use serde::Serialize;

use super::Library;
use crate::error::{Error, Result};
use crate::format::field_def;
use crate::format::op::{AuditAction, FieldKey, FieldValue, OpKind};
use crate::format::rule::Rule;
use crate::format::subject::{ALL_COLLECTION, SubjectKind};
use crate::ids::{DocId, RuleId, SubjectId};
use crate::rules::{Candidate, Outcome, Rules, render_title};

/// What a rule did or would do to one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMatch {
    pub doc: DocId,
    pub title: String,
    /// The changes, in words (`type = Transcript`, `+tag intake`, `subject = student 1001`).
    pub changes: Vec<String>,
}

/// The operations a plan makes, and the words for them.
pub(super) struct Plan {
    pub ops: Vec<OpKind>,
    pub changes: Vec<String>,
}

/// What a document has already, as far as rules care.
pub(super) struct Filed {
    pub title: String,
    pub file_name: String,
    pub doc_type: Option<String>,
    pub tags: Vec<String>,
    pub has_subject: bool,
    pub fields: Vec<String>,
    pub collection: Option<String>,
}

impl Filed {
    /// A document just added: only its title, from its file name.
    pub fn new_document(title: &str, file_name: &str) -> Self {
        Self {
            title: title.to_owned(),
            file_name: file_name.to_owned(),
            doc_type: None,
            tags: Vec::new(),
            has_subject: false,
            fields: Vec::new(),
            collection: None,
        }
    }
}

impl Library {
    /// Make a rule (`id` `None`) or change one; returns its id.
    pub fn set_rule(&mut self, id: Option<RuleId>, rule: Rule) -> Result<RuleId> {
        self.writer()?;
        rule.check()?;
        let id = match id {
            Some(id) => {
                self.rule(id)?;
                id
            }
            None => RuleId::new(),
        };
        let audit = self.audit_op(
            AuditAction::RuleChanged,
            None,
            None,
            Some(format!("{}: saved", rule.name)),
        )?;
        self.commit(vec![
            OpKind::RuleSet {
                rule: id,
                body: Some(rule),
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            },
            audit,
        ])?;
        Ok(id)
    }

    /// Delete a rule (what it set stays).
    pub fn delete_rule(&mut self, id: RuleId) -> Result<()> {
        self.writer()?;
        let rule = self.rule(id)?;
        let audit = self.audit_op(
            AuditAction::RuleChanged,
            None,
            None,
            Some(format!("{}: deleted", rule.name)),
        )?;
        self.commit(vec![
            OpKind::RuleSet {
                rule: id,
                body: None,
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            },
            audit,
        ])
    }

    fn rule(&self, id: RuleId) -> Result<Rule> {
        self.catalog()
            .rules()?
            .into_iter()
            .find(|(r, _)| *r == id)
            .map(|(_, r)| r)
            .ok_or_else(|| Error::NoSuchRule {
                reference: id.to_string(),
            })
    }

    /// What `rule` would change in the documents filed so far (not in the trash), with
    /// their text as read; nothing is written.
    pub fn preview_rule(&self, rule: &Rule) -> Result<Vec<RuleMatch>> {
        rule.check()?;
        // Tested as if on, as `apply_rule` runs it.
        let rules = Rules::new(vec![(
            RuleId::new(),
            Rule {
                enabled: true,
                ..rule.clone()
            },
        )]);
        let mut out = Vec::new();
        for d in self.catalog().list(crate::Listing::Active)? {
            if let Some(plan) = self.rule_plan(&rules, d.id)? {
                out.push(RuleMatch {
                    doc: d.id,
                    title: d.title,
                    changes: plan.changes,
                });
            }
        }
        Ok(out)
    }

    /// Run one rule over the documents filed so far: exactly what [`Library::preview_rule`]
    /// shows, in one commit.
    pub fn apply_rule(&mut self, id: RuleId) -> Result<Vec<RuleMatch>> {
        self.writer()?;
        let rule = self.rule(id)?;
        let rules = Rules::new(vec![(
            id,
            Rule {
                enabled: true,
                ..rule
            },
        )]);
        let mut ops = Vec::new();
        let mut out = Vec::new();
        for d in self.catalog().list(crate::Listing::Active)? {
            if let Some(plan) = self.rule_plan(&rules, d.id)? {
                ops.extend(plan.ops);
                out.push(RuleMatch {
                    doc: d.id,
                    title: d.title,
                    changes: plan.changes,
                });
            }
        }
        if !ops.is_empty() {
            self.commit(ops)?;
        }
        Ok(out)
    }

    /// The plan of `rules` for a filed document, with its text as read so far.
    pub(super) fn rule_plan(&self, rules: &Rules, doc: DocId) -> Result<Option<Plan>> {
        let d = self.catalog().document(doc)?;
        let Some(version) = d.current_version else {
            return Ok(None);
        };
        let v = self.version(doc, None)?;
        let folder = self.catalog().rule_source(doc)?.and_then(|(f, _)| f);
        let text = self.catalog().rule_text(version)?;
        let candidate = Candidate {
            file_name: &v.file_name,
            folder: folder.as_deref(),
            mime: &v.mime,
            text: Some(&text),
        };
        let outcome = rules.evaluate(&candidate);
        let filed = Filed {
            title: d.summary.title.clone(),
            file_name: v.file_name.clone(),
            doc_type: d.summary.doc_type.clone(),
            tags: d.summary.tags.clone(),
            has_subject: d.summary.subject_id.is_some()
                || self.catalog().document_subject(doc)?.is_some(),
            fields: d.fields.keys().cloned().collect(),
            collection: d.collection.clone(),
        };
        self.plan(doc, &outcome, &filed)
    }

    /// The operations that fill what `filed` lacks from `outcome` (none: `None`).
    pub(super) fn plan(
        &self,
        doc: DocId,
        outcome: &Outcome,
        filed: &Filed,
    ) -> Result<Option<Plan>> {
        if outcome.rules.is_empty() {
            return Ok(None);
        }
        let mut ops = Vec::new();
        let mut changes = Vec::new();
        let set = |key: FieldKey, value: FieldValue| OpKind::FieldSet {
            doc,
            key,
            value: Some(value),
        };
        let doc_type = filed.doc_type.clone().or_else(|| outcome.doc_type.clone());
        if filed.doc_type.is_none()
            && let Some(t) = &outcome.doc_type
        {
            changes.push(format!("type = {t}"));
            ops.push(set(FieldKey::Type, FieldValue::Text(t.clone())));
        }
        let mut person: Option<(SubjectId, String, String)> = None;
        if !filed.has_subject {
            'numbers: for n in &outcome.numbers {
                // Patterns match without regard to case; numbers are kept as written.
                let mut found = None;
                for spelling in [n.clone(), n.to_uppercase(), n.to_lowercase()] {
                    for kind in [SubjectKind::Student, SubjectKind::Staff] {
                        if let Some(s) = self.catalog().subject_numbered(kind, &spelling)? {
                            found = Some(s);
                            break;
                        }
                    }
                    if found.is_some() {
                        break;
                    }
                }
                if let Some(s) = found {
                    let r = self.catalog().subject(s)?;
                    person = Some((s, r.number, r.name));
                    break 'numbers;
                }
            }
        }
        if let Some((s, number, name)) = &person {
            changes.push(format!("subject = {number} ({name})"));
            ops.push(OpKind::DocumentSubjectSet {
                doc,
                subject: Some(*s),
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            });
        }
        let defs = match &doc_type {
            Some(t) => self.catalog().type_fields(t)?,
            None => Vec::new(),
        };
        for (name, value) in &outcome.fields {
            // A rule synced from elsewhere is not checked here: a name that is not a
            // custom field's is passed over, never an error that would stop imports.
            let Ok(key @ FieldKey::Custom(_)) = FieldKey::from_name(name) else {
                continue;
            };
            let FieldKey::Custom(field) = &key else {
                continue;
            };
            if filed.fields.iter().any(|f| f.eq_ignore_ascii_case(field)) {
                continue;
            }
            // Typed by the field's kind in the document's type; a value the kind does not
            // take is left unset and said so, never an error that would stop imports.
            match field_def::typed_value(&defs, field, value) {
                Ok((name, typed)) => {
                    changes.push(format!("{name} = {}", typed.display()));
                    ops.push(set(FieldKey::Custom(name), typed));
                }
                Err(e) => changes.push(format!("{e}; left unset")),
            }
        }
        if filed.collection.is_none()
            && let Some(c) = &outcome.collection
        {
            changes.push(format!("collection = {c}"));
            ops.push(set(FieldKey::Collection, FieldValue::Text(c.clone())));
        }
        let default_title = std::path::Path::new(&filed.file_name)
            .file_stem()
            .map_or_else(
                || filed.file_name.clone(),
                |s| s.to_string_lossy().into_owned(),
            );
        if filed.title == default_title
            && let Some(template) = &outcome.title
        {
            let title = render_title(
                template,
                doc_type.as_deref(),
                person.as_ref().map(|(_, n, m)| (n.as_str(), m.as_str())),
                &filed.file_name,
                chrono::Local::now().date_naive(),
            );
            if title != filed.title {
                changes.push(format!("title = {title}"));
                ops.push(set(FieldKey::Title, FieldValue::Text(title)));
            }
        }
        for t in &outcome.tags {
            if !filed.tags.contains(t) {
                changes.push(format!("+tag {t}"));
                ops.push(OpKind::TagAdded {
                    doc,
                    tag: t.clone(),
                });
            }
        }
        if ops.is_empty() {
            return Ok(None);
        }
        let names: Vec<&str> = outcome.rules.iter().map(|(_, n)| n.as_str()).collect();
        ops.push(self.audit_op(
            AuditAction::Edited,
            Some(doc),
            None,
            Some(format!(
                "rules {}: {}",
                names.join(", "),
                changes.join("; ")
            )),
        )?);
        Ok(Some(Plan { ops, changes }))
    }

    /// Run the text-stage rules of a document added on this desktop once its text is
    /// read (after extraction, and again after OCR); marked done when no text job is left.
    pub(super) fn rules_after_text(&mut self, doc: DocId) -> Result<()> {
        let Some((_, true)) = self.catalog().rule_source(doc)? else {
            return Ok(());
        };
        let rules = Rules::new(self.catalog().rules()?);
        if !rules.is_empty()
            && let Some(plan) = self.rule_plan(&rules, doc)?
        {
            self.commit(plan.ops)?;
        }
        let pending = match self.catalog().document(doc)?.current_version {
            Some(v) => self.catalog().text_jobs_pending(v)?,
            None => false,
        };
        if !pending {
            self.writer()?.rule_text_done(doc)?;
        }
        Ok(())
    }
}
