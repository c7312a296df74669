//! Which collections each operation of a commit is about (issue 21, "a journal per
//! scope"): a commit in a library kept by its people is signed as one batch per scope, so
//! that each batch, signature and all, can travel whole in the journal of each collection
//! it is about and be verified there by a desktop that reads nothing else.
//!
//! **Invariant:** all operations of one document in a commit share a scope: the
//! collection it was in before the commit and every one the commit files it in, so a move
//! is one batch the source's and the target's readers both hold. Pack operations go with
//! the collection whose key seals the pack; everything else (people, keys, rules, views,
//! types, the roster, audit events about no record) is the library's own scope.

use std::collections::{BTreeSet, HashMap};

use super::Collections;
use super::judge::doc_of;
use crate::format::op::{FieldKey, FieldValue, OpKind};
use crate::format::subject::ALL_COLLECTION;
use crate::ids::{DocId, PackId};

/// The collections a batch is about, by name ("all" for records in no collection of their
/// own); none (the default): the library's own scope, which every journal carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BatchScope(BTreeSet<String>);

impl BatchScope {
    /// The collections' names, in order (none: the library's own scope).
    pub fn names(&self) -> Vec<String> {
        self.0.iter().cloned().collect()
    }

    /// The scope of records in these collections.
    pub fn of<I: IntoIterator<Item = S>, S: Into<String>>(collections: I) -> Self {
        Self(collections.into_iter().map(Into::into).collect())
    }
}

/// The collections each document `kinds` changes is in before them (`before`, for the
/// documents this desktop holds) and is filed in by them (a collection set, content
/// sealed under a collection's key). A new document filed nowhere is in "all".
pub(crate) fn touched_collections(
    kinds: &[&OpKind],
    before: &Collections,
) -> HashMap<DocId, BTreeSet<String>> {
    let mut touched: HashMap<DocId, BTreeSet<String>> = HashMap::new();
    for kind in kinds {
        let Some(doc) = doc_of(kind) else { continue };
        let entry = touched.entry(doc).or_default();
        if let Some(now) = before.get(&doc) {
            entry.insert(now.clone().unwrap_or_else(|| ALL_COLLECTION.into()));
        }
        match kind {
            OpKind::FieldSet {
                key: FieldKey::Collection,
                value,
                ..
            } => {
                entry.insert(match value {
                    Some(FieldValue::Text(c)) => c.clone(),
                    _ => ALL_COLLECTION.into(),
                });
            }
            // Content sealed under a collection's key goes to that collection.
            OpKind::VersionResealed { key, .. } => {
                entry.insert(
                    key.as_ref()
                        .map_or_else(|| ALL_COLLECTION.into(), |k| k.collection.clone()),
                );
            }
            _ => {}
        }
    }
    for set in touched.values_mut() {
        if set.is_empty() {
            set.insert(ALL_COLLECTION.into());
        }
    }
    touched
}

/// `kinds` (one commit, in order) in groups of one scope each: a group keeps the order of
/// its operations, and the groups come in the order of their first operation. `before`
/// holds the collection of each document this desktop holds; `pack` names the collection
/// of a pack given up (`None`: sealed under the library's key, that is "all").
pub(crate) fn by_scope(
    kinds: Vec<OpKind>,
    before: &Collections,
    pack: impl Fn(&PackId) -> Option<String>,
) -> Vec<(BatchScope, Vec<OpKind>)> {
    let touched = {
        let refs: Vec<&OpKind> = kinds.iter().collect();
        touched_collections(&refs, before)
    };
    let all = || BatchScope::of([ALL_COLLECTION]);
    let mut groups: Vec<(BatchScope, Vec<OpKind>)> = Vec::new();
    for kind in kinds {
        let scope = match (&kind, doc_of(&kind)) {
            (_, Some(doc)) => BatchScope(touched[&doc].clone()),
            (OpKind::PackAdded { key, .. }, None) => key
                .as_ref()
                .map_or_else(all, |k| BatchScope::of([k.collection.as_str()])),
            (OpKind::PackDropped { pack: id }, None) => {
                pack(id).map_or_else(all, |c| BatchScope::of([c]))
            }
            // A disclosure goes where its documents are: who may not read them does not
            // learn their titles, nor to whom they went.
            (OpKind::DisclosureRecorded { body, .. }, None) if !body.items.is_empty() => {
                BatchScope(
                    body.items
                        .iter()
                        .flat_map(|i| touched.get(&i.doc).into_iter().flatten().cloned())
                        .collect(),
                )
            }
            _ => BatchScope::default(),
        };
        match groups.iter_mut().find(|(s, _)| *s == scope) {
            Some((_, ops)) => ops.push(kind),
            None => groups.push((scope, vec![kind])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::op::AuditAction;
    use crate::format::op::AuditEvent;

    fn tag(doc: DocId) -> OpKind {
        OpKind::TagAdded {
            doc,
            tag: "x".into(),
        }
    }

    fn audit(doc: Option<DocId>) -> OpKind {
        OpKind::Audit {
            event: AuditEvent {
                user: "ann".into(),
                member: None,
                action: AuditAction::Edited,
                doc,
                version: None,
                subject: None,
                detail: None,
                prev: Vec::new(),
            },
        }
    }

    fn file(doc: DocId, collection: &str) -> OpKind {
        OpKind::FieldSet {
            doc,
            key: FieldKey::Collection,
            value: Some(FieldValue::Text(collection.into())),
        }
    }

    #[test]
    fn a_commit_splits_by_the_collections_its_records_are_in_and_moved_to() {
        let (science, admissions, moved, new) =
            (DocId::new(), DocId::new(), DocId::new(), DocId::new());
        let before: Collections = HashMap::from([
            (science, Some("Science".to_string())),
            (admissions, Some("Admissions".to_string())),
            (moved, None),
        ]);
        let kinds = vec![
            tag(science),
            audit(None),
            tag(admissions),
            file(moved, "Science"),
            audit(Some(science)),
            tag(new),
            audit(Some(moved)),
            OpKind::PackDropped {
                pack: PackId([7; 32]),
            },
        ];
        let groups = by_scope(kinds, &before, |p| {
            (p.0 == [7; 32]).then(|| "Admissions".to_string())
        });
        let summary: Vec<(BatchScope, Vec<&str>)> = groups
            .iter()
            .map(|(s, ops)| (s.clone(), ops.iter().map(OpKind::name).collect()))
            .collect();
        assert_eq!(
            summary,
            [
                (BatchScope::of(["Science"]), vec!["tag_added", "audit"]),
                (BatchScope::default(), vec!["audit"]),
                (
                    BatchScope::of(["Admissions"]),
                    vec!["tag_added", "pack_dropped"]
                ),
                (
                    BatchScope::of(["Science", "all"]),
                    vec!["field_set", "audit"]
                ),
                (BatchScope::of(["all"]), vec!["tag_added"]),
            ]
        );
    }
}
