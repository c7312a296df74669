//! People as records: add, edit, merge and unmerge a person's record, and say which
//! person a document is about. The one home of these rules for the CLI and the app.

use std::collections::BTreeMap;

use super::Library;
use crate::catalog::SubjectRecord;
use crate::error::{Error, Result};
use crate::format::op::{AuditAction, OpKind};
use crate::format::subject::{ALL_COLLECTION, SubjectField, SubjectKind};
use crate::ids::{DocId, SubjectId};

/// Values typed for a person's record, by field, as people type them; each is checked
/// and normalised ([`SubjectField::normalise`]). An empty value clears an optional field.
pub type SubjectValues = BTreeMap<SubjectField, String>;

impl Library {
    /// Add a person's record. Kind, number and name are required; a live record with the
    /// same kind and number is refused ([`Error::SubjectExists`]).
    pub fn add_subject(&mut self, values: &SubjectValues) -> Result<SubjectId> {
        self.writer()?;
        let values = normalise_all(values)?;
        let (kind, number) = kind_and_number(&values)?;
        self.refuse_taken(kind, &number, None)?;
        let id = self.new_subject_id(kind, &number)?;
        let ops = vec![
            self.subject_created(id, values),
            self.subject_audit_op(
                AuditAction::SubjectAdded,
                id,
                Some(format!("{kind} {number}")),
            ),
        ];
        self.commit(ops)?;
        Ok(id)
    }

    /// Change fields of a person's record; only values that differ are written. Returns
    /// the fields that changed.
    pub fn edit_subject(
        &mut self,
        id: SubjectId,
        values: &SubjectValues,
    ) -> Result<Vec<SubjectField>> {
        self.writer()?;
        let current = self.catalog().subject(id)?;
        let mut ops = self.subject_changes(&current, values)?;
        let changed: Vec<SubjectField> = ops
            .iter()
            .filter_map(|op| match op {
                OpKind::SubjectSet { field, .. } => Some(*field),
                _ => None,
            })
            .collect();
        if changed.is_empty() {
            return Ok(changed);
        }
        let names: Vec<&str> = changed.iter().map(|f| f.as_str()).collect();
        ops.push(self.subject_audit_op(AuditAction::SubjectEdited, id, Some(names.join(", "))));
        self.commit(ops)?;
        Ok(changed)
    }

    /// Record that `duplicate` is the same person as `into`: its documents show under
    /// `into`, and its name joins `into`'s other names. Undone by [`Library::unmerge_subject`].
    pub fn merge_subjects(&mut self, duplicate: SubjectId, into: SubjectId) -> Result<()> {
        self.writer()?;
        let dup = self.catalog().subject(duplicate)?;
        let target = self.catalog().subject(into)?;
        let shown = |r: &SubjectRecord| r.shown_as.unwrap_or(r.id);
        if shown(&dup) == shown(&target) {
            return Err(Error::SameSubject);
        }
        let author = self.who();
        let mut ops = vec![OpKind::SubjectMerged {
            subject: duplicate,
            into: Some(into),
            author: author.clone(),
            collection: ALL_COLLECTION.to_owned(),
        }];
        let mut names = target.other_names.clone();
        for n in std::iter::once(&dup.name).chain(&dup.other_names) {
            if *n != target.name && !names.contains(n) {
                names.push(n.clone());
            }
        }
        if names != target.other_names {
            ops.push(OpKind::SubjectSet {
                subject: into,
                field: SubjectField::OtherNames,
                value: Some(names.join("; ")),
                author,
                collection: ALL_COLLECTION.to_owned(),
            });
        }
        ops.push(self.subject_audit_op(
            AuditAction::SubjectsMerged,
            into,
            Some(format!("{} {} merged into it", dup.kind, dup.number)),
        ));
        self.commit(ops)
    }

    /// Undo the merge of `id` into another record: its documents show under it again.
    pub fn unmerge_subject(&mut self, id: SubjectId) -> Result<()> {
        self.writer()?;
        let r = self.catalog().subject(id)?;
        let Some(into) = r.merged_into else {
            return Err(Error::SubjectNotMerged);
        };
        let ops = vec![
            OpKind::SubjectMerged {
                subject: id,
                into: None,
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            },
            self.subject_audit_op(
                AuditAction::SubjectsMerged,
                id,
                Some(format!("no longer merged into {into}")),
            ),
        ];
        self.commit(ops)
    }

    /// Say which person `doc` is about (`None`: no one).
    pub fn set_document_subject(&mut self, doc: DocId, subject: Option<SubjectId>) -> Result<()> {
        self.set_document_subjects(&[(doc, subject)])
    }

    /// Say whom each of many documents is about, in one commit (bulk filing, rules): each
    /// document and person is checked first, so a bad reference changes nothing.
    pub fn set_document_subjects(&mut self, links: &[(DocId, Option<SubjectId>)]) -> Result<()> {
        self.writer()?;
        let mut numbers = std::collections::HashMap::new();
        let mut ops = Vec::with_capacity(links.len() * 2);
        for (doc, subject) in links {
            self.catalog().document(*doc)?;
            let detail = match subject {
                Some(s) => match numbers.get(s) {
                    Some(d) => format!("subject={d}"),
                    None => {
                        let r = self.catalog().subject(*s)?;
                        let d = format!("{} {}", r.kind, r.number);
                        numbers.insert(*s, d.clone());
                        format!("subject={d}")
                    }
                },
                None => "subject=".to_owned(),
            };
            ops.push(OpKind::DocumentSubjectSet {
                doc: *doc,
                subject: *subject,
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            });
            ops.push(self.audit_op(AuditAction::Edited, Some(*doc), None, Some(detail))?);
        }
        if ops.is_empty() {
            return Ok(());
        }
        self.commit(ops)
    }

    /// Set the document types every person of `programme` must have on file (`*`: any
    /// programme without its own list); an empty list clears it. Types are matched
    /// without regard to case.
    pub fn set_requirements(&mut self, programme: &str, types: &[String]) -> Result<()> {
        self.writer()?;
        let programme =
            SubjectField::Programme
                .normalise(programme)?
                .ok_or(Error::BadSubjectValue {
                    field: "programme",
                    value: String::new(),
                    expected: "a programme's name (or * for every programme)",
                })?;
        let mut list: Vec<String> = Vec::new();
        for t in types {
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if t.is_empty() || t.chars().any(char::is_control) || t.chars().count() > 100 {
                return Err(Error::BadSubjectValue {
                    field: "document type",
                    value: t,
                    expected: "a document type's name (at most 100 characters)",
                });
            }
            if !list.iter().any(|l| l.eq_ignore_ascii_case(&t)) {
                list.push(t);
            }
        }
        let detail = format!("{programme}: {}", list.join(", "));
        let audit = self.audit_op(AuditAction::RequirementsSet, None, None, Some(detail))?;
        self.commit(vec![
            OpKind::RequirementsSet {
                programme,
                types: list,
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            },
            audit,
        ])
    }

    /// The operation that creates record `id` with normalised `values`.
    pub(super) fn subject_created(
        &self,
        id: SubjectId,
        values: BTreeMap<SubjectField, String>,
    ) -> OpKind {
        OpKind::SubjectCreated {
            subject: id,
            values,
            author: self.who(),
            collection: ALL_COLLECTION.to_owned(),
        }
    }

    /// The id for a new record: the one its number gives, unless a record (renumbered
    /// since) has it already.
    pub(super) fn new_subject_id(&self, kind: SubjectKind, number: &str) -> Result<SubjectId> {
        let id = SubjectId::for_number(self.library_id(), kind.as_str(), number);
        Ok(match self.catalog().subject(id) {
            Ok(_) => SubjectId::new(),
            Err(Error::NoSuchSubject { .. }) => id,
            Err(e) => return Err(e),
        })
    }

    /// The [`OpKind::SubjectSet`] operations that bring `current` to `values`.
    pub(super) fn subject_changes(
        &self,
        current: &SubjectRecord,
        values: &SubjectValues,
    ) -> Result<Vec<OpKind>> {
        let mut ops = Vec::new();
        let mut kind = current.kind;
        let mut number = current.number.clone();
        for (field, raw) in values {
            let value = field.normalise(raw)?;
            if value == current.value(*field) {
                continue;
            }
            match (field, &value) {
                (SubjectField::Kind, Some(k)) => kind = SubjectKind::parse(k)?,
                (SubjectField::Number, Some(n)) => number.clone_from(n),
                _ => {}
            }
            ops.push(OpKind::SubjectSet {
                subject: current.id,
                field: *field,
                value,
                author: self.who(),
                collection: ALL_COLLECTION.to_owned(),
            });
        }
        if kind != current.kind || number != current.number {
            self.refuse_taken(kind, &number, Some(current.id))?;
        }
        Ok(ops)
    }

    fn refuse_taken(
        &self,
        kind: SubjectKind,
        number: &str,
        other_than: Option<SubjectId>,
    ) -> Result<()> {
        match self.catalog().subject_numbered(kind, number)? {
            Some(existing) if Some(existing) != other_than => {
                let r = self.catalog().subject(existing)?;
                Err(Error::SubjectExists {
                    kind: kind.as_str(),
                    number: number.to_owned(),
                    name: r.name,
                })
            }
            _ => Ok(()),
        }
    }
}

/// Normalise every value, dropping empty optional ones.
pub(super) fn normalise_all(values: &SubjectValues) -> Result<BTreeMap<SubjectField, String>> {
    let mut out = BTreeMap::new();
    for (field, raw) in values {
        if let Some(v) = field.normalise(raw)? {
            out.insert(*field, v);
        }
    }
    for field in [SubjectField::Kind, SubjectField::Number, SubjectField::Name] {
        if !out.contains_key(&field) {
            return Err(Error::BadSubjectValue {
                field: field.as_str(),
                value: String::new(),
                expected: "a value (every record has a kind, a number and a name)",
            });
        }
    }
    Ok(out)
}

pub(super) fn kind_and_number(
    values: &BTreeMap<SubjectField, String>,
) -> Result<(SubjectKind, String)> {
    let kind = SubjectKind::parse(values.get(&SubjectField::Kind).map_or("", String::as_str))?;
    let number = values
        .get(&SubjectField::Number)
        .cloned()
        .unwrap_or_default();
    Ok((kind, number))
}
