//! People as records: applying the subject operations, resolving which record a document
//! is about, and the queries the front ends show.
//!
//! **Invariant:** a document's `subject` is a function of the registers alone (its link,
//! its typed number, the records' numbers and the merges), so every desktop computes the
//! same one whatever order the operations arrived in. Each operation that changes an input
//! refreshes the documents it can change.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::Catalog;
use super::query::rfc3339;
use crate::error::{Error, Result};
use crate::format::op::{FieldValue, Stamp};
use crate::format::subject::{SubjectField, SubjectKind};
use crate::ids::{DocId, SubjectId};
use crate::suggest::Clues;

/// A person a document mentions ([`Catalog::subjects_mentioned`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mentioned {
    pub subject: SubjectId,
    pub student: bool,
    /// Found by their number, else by their name.
    pub by_number: bool,
    /// The number or name as the document has it.
    pub clue: String,
}

/// The register of a document that links it to a record.
pub(super) const LINK_REGISTER: &str = "subject_link";
const MERGE_REGISTER: &str = "merged_into";
const COLLECTION_REGISTER: &str = "collection";

/// What wrote a record's value: its creation (a roster's line, a new record) or an edit.
/// An edit always outranks a creation, whatever their times: the same roster imported
/// later on a desktop that had not seen the record yet creates it again, and must not put
/// back values edited elsewhere. Between two of a kind the later stamp wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WrittenBy {
    Creation,
    Edit,
}

/// Record `subject`'s field values and refresh what they change.
pub(super) fn set_fields(
    tx: &Transaction<'_>,
    subject: SubjectId,
    values: &BTreeMap<SubjectField, Option<String>>,
    collection: &str,
    by: WrittenBy,
    s: &Stamp,
) -> Result<()> {
    let id = subject.to_string();
    if by == WrittenBy::Creation {
        // Created on two desktops (the same roster imported on both): the first counts.
        tx.execute(
            "INSERT INTO subjects (id, created_stamp, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (id) DO UPDATE SET created_stamp = excluded.created_stamp,
                 created_ms = excluded.created_ms
             WHERE excluded.created_stamp < subjects.created_stamp",
            params![id, s.key(), s.wall_ms()],
        )?;
    }
    for (field, value) in values {
        set_register(tx, &id, field.as_str(), value.clone(), by, s)?;
    }
    set_register(
        tx,
        &id,
        COLLECTION_REGISTER,
        Some(collection.to_owned()),
        by,
        s,
    )?;
    refresh_subject(tx, subject)
}

/// Record a merge (or its undoing) and refresh every document whose record it changes.
pub(super) fn set_merge(
    tx: &Transaction<'_>,
    subject: SubjectId,
    into: Option<SubjectId>,
    collection: &str,
    s: &Stamp,
) -> Result<()> {
    let id = subject.to_string();
    set_register(
        tx,
        &id,
        MERGE_REGISTER,
        into.map(|i| i.to_string()),
        WrittenBy::Edit,
        s,
    )?;
    set_register(
        tx,
        &id,
        COLLECTION_REGISTER,
        Some(collection.to_owned()),
        WrittenBy::Edit,
        s,
    )?;
    let merged: Option<String> = tx
        .query_row(
            "SELECT value FROM subject_registers WHERE subject = ?1 AND key = ?2",
            params![id, MERGE_REGISTER],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    match &merged {
        Some(into) => tx.execute(
            "INSERT INTO subject_merges (subject, into_subject) VALUES (?1, ?2)
             ON CONFLICT (subject) DO UPDATE SET into_subject = excluded.into_subject",
            params![id, into],
        )?,
        None => tx.execute("DELETE FROM subject_merges WHERE subject = ?1", [&id])?,
    };
    // Which record each merged one leads to, from the merges alone.
    let merges: HashMap<String, String> = tx
        .prepare("SELECT subject, into_subject FROM subject_merges")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let before: HashMap<String, String> = tx
        .prepare("SELECT subject, canonical FROM subject_canonical")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let after: HashMap<String, String> = merges
        .keys()
        .map(|k| (k.clone(), canonical_of(&merges, k)))
        .collect();
    let mut changed = BTreeSet::new();
    for (k, v) in &before {
        if after.get(k) != Some(v) {
            changed.insert(k.clone());
        }
    }
    for (k, v) in &after {
        if before.get(k) != Some(v) {
            changed.insert(k.clone());
        }
    }
    tx.execute("DELETE FROM subject_canonical", [])?;
    let mut insert =
        tx.prepare_cached("INSERT INTO subject_canonical (subject, canonical) VALUES (?1, ?2)")?;
    for (k, v) in &after {
        insert.execute(params![k, v])?;
    }
    refresh_subject(tx, subject)?;
    changed.insert(id);
    for subject in changed {
        refresh_documents_naming(tx, &subject)?;
    }
    Ok(())
}

/// Follow `start`'s merges to the record they lead to; a loop leads to its smallest id.
fn canonical_of(merges: &HashMap<String, String>, start: &str) -> String {
    let mut path: Vec<&str> = vec![start];
    let mut at = start;
    while let Some(next) = merges.get(at) {
        if let Some(pos) = path.iter().position(|p| *p == next.as_str()) {
            return path[pos..]
                .iter()
                .min()
                .map(|s| (*s).to_owned())
                .unwrap_or_default();
        }
        path.push(next);
        at = next;
    }
    at.to_owned()
}

/// One register of a record: the highest (edit over creation, then the later stamp)
/// write wins, so every desktop keeps the same whatever order writes arrive in.
fn set_register(
    tx: &Transaction<'_>,
    subject: &str,
    key: &str,
    value: Option<String>,
    by: WrittenBy,
    s: &Stamp,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO subject_registers (subject, key, value, stamp, created) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (subject, key) DO UPDATE
             SET value = excluded.value, stamp = excluded.stamp, created = excluded.created
         WHERE excluded.created < subject_registers.created
            OR (excluded.created = subject_registers.created AND excluded.stamp > subject_registers.stamp)",
    )?
    .execute(params![subject, key, value, s.key(), by == WrittenBy::Creation])?;
    Ok(())
}

/// Project a record's registers into its row; refresh the documents that name it, or
/// may now match its number.
fn refresh_subject(tx: &Transaction<'_>, subject: SubjectId) -> Result<()> {
    let id = subject.to_string();
    let old_number: Option<String> = tx
        .query_row("SELECT number FROM subjects WHERE id = ?1", [&id], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(old_number) = old_number else {
        // Edits that arrived before the record: the registers keep them.
        return Ok(());
    };
    let mut regs: HashMap<String, Option<String>> = tx
        .prepare_cached("SELECT key, value FROM subject_registers WHERE subject = ?1")?
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut take = |f: SubjectField| regs.remove(f.as_str()).flatten();
    let number = take(SubjectField::Number).unwrap_or_default();
    let opt_out = take(SubjectField::DirectoryOptOut);
    tx.prepare_cached(
        "UPDATE subjects SET kind = ?2, number = ?3, name = ?4, other_names = ?5, birth_date = ?6,
             programme = ?7, enrolled = ?8, left_on = ?9, status = ?10,
             collection = coalesce(?11, collection), merged_into = ?12, directory_opt_out = ?13
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        take(SubjectField::Kind).unwrap_or_else(|| SubjectKind::Student.as_str().to_owned()),
        number,
        take(SubjectField::Name).unwrap_or_default(),
        take(SubjectField::OtherNames),
        take(SubjectField::BirthDate),
        take(SubjectField::Programme),
        take(SubjectField::Enrolled),
        take(SubjectField::Left),
        take(SubjectField::Status),
        regs.remove(COLLECTION_REGISTER).flatten(),
        regs.remove(MERGE_REGISTER).flatten(),
        opt_out,
    ])?;
    touch(tx, &id)?;
    refresh_documents_naming(tx, &id)?;
    // Documents whose typed number is this record's (or was): they may match it now.
    for n in [number, old_number] {
        if n.is_empty() {
            continue;
        }
        for doc in documents_typed_with(tx, &n)? {
            super::apply::refresh_and_index(tx, doc)?;
        }
    }
    Ok(())
}

/// A record's "updated" time: its latest change that holds (the newest register), the
/// same whatever order its operations arrived in.
fn touch(tx: &Transaction<'_>, subject: &str) -> Result<()> {
    let newest: Option<String> = tx
        .prepare_cached("SELECT max(stamp) FROM subject_registers WHERE subject = ?1")?
        .query_row([subject], |r| r.get(0))?;
    if let Some(stamp) = newest {
        tx.prepare_cached("UPDATE subjects SET updated_ms = max(created_ms, ?2) WHERE id = ?1")?
            .execute(params![subject, Stamp::parse(&stamp)?.wall_ms()])?;
    }
    Ok(())
}

/// Refresh the documents that name `subject` or show it (as where its merges lead).
fn refresh_documents_naming(tx: &Transaction<'_>, subject: &str) -> Result<()> {
    let docs: Vec<String> = tx
        .prepare_cached("SELECT id FROM documents WHERE subject_ref = ?1 OR subject = ?1")?
        .query_map([subject], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for doc in docs {
        super::apply::refresh_and_index(tx, doc.parse()?)?;
    }
    Ok(())
}

/// Documents whose `subject_id` register holds `number` as typed.
fn documents_typed_with(tx: &Transaction<'_>, number: &str) -> Result<Vec<DocId>> {
    let typed = serde_json::to_string(&FieldValue::Text(number.to_owned()))?;
    let legacy = serde_json::to_string(number)?;
    let docs: Vec<String> = tx
        .prepare_cached("SELECT doc FROM registers WHERE key = 'subject_id' AND value IN (?1, ?2)")?
        .query_map(params![typed, legacy], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    docs.into_iter()
        .map(|d| d.parse().map_err(Error::from))
        .collect()
}

/// Who a document is about, as its projection shows it.
pub(super) struct Resolved {
    /// The record the document names (by link, or by its typed number).
    pub subject_ref: Option<String>,
    /// The record that leads to.
    pub subject: Option<String>,
    /// Number and name to show (the record's, or what was typed).
    pub number: Option<String>,
    pub name: Option<String>,
}

/// Resolve a document's person from its registers: the later of its link and its typed
/// number decides; a typed number names the record with that number (students first,
/// then the smallest id).
pub(super) fn resolve(
    tx: &Transaction<'_>,
    doc: &str,
    typed_name: Option<String>,
) -> Result<Resolved> {
    let stamp_of = |key: &str| -> Result<Option<(Option<String>, String)>> {
        Ok(tx
            .prepare_cached("SELECT value, stamp FROM registers WHERE doc = ?1 AND key = ?2")?
            .query_row(params![doc, key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    };
    let link = stamp_of(LINK_REGISTER)?;
    let typed = stamp_of("subject_id")?;
    // The number typed into the document's subject field, read once with its stamp.
    let typed_number = typed
        .as_ref()
        .and_then(|(v, _)| v.as_deref())
        .and_then(super::apply::text_value);
    let link_wins = match (&link, &typed) {
        (Some((_, l)), Some((_, t))) => l > t,
        (Some(_), None) => true,
        _ => false,
    };
    let subject_ref = if link_wins {
        match link.and_then(|(v, _)| v) {
            Some(json) => Some(serde_json::from_str::<SubjectId>(&json)?.to_string()),
            None => {
                return Ok(Resolved {
                    subject_ref: None,
                    subject: None,
                    number: None,
                    name: None,
                });
            }
        }
    } else {
        match &typed_number {
            Some(n) => tx
                .prepare_cached(
                    "SELECT id FROM subjects WHERE number = ?1
                     ORDER BY kind <> 'student', id LIMIT 1",
                )?
                .query_row([n], |r| r.get(0))
                .optional()?,
            None => None,
        }
    };
    let Some(subject_ref) = subject_ref else {
        return Ok(Resolved {
            subject_ref: None,
            subject: None,
            number: typed_number,
            name: typed_name,
        });
    };
    let subject: String = tx
        .prepare_cached("SELECT canonical FROM subject_canonical WHERE subject = ?1")?
        .query_row([&subject_ref], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| subject_ref.clone());
    let shown: Option<(String, String)> = tx
        .prepare_cached("SELECT number, name FROM subjects WHERE id = ?1")?
        .query_row([&subject], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (number, name) = match shown {
        Some((n, m)) => (Some(n), Some(m)),
        // The record has not arrived yet: show what was typed meanwhile.
        None => (typed_number, typed_name),
    };
    Ok(Resolved {
        subject_ref: Some(subject_ref),
        subject: Some(subject),
        number,
        name,
    })
}

/// One person's record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubjectRecord {
    pub id: SubjectId,
    pub kind: SubjectKind,
    pub number: String,
    pub name: String,
    pub other_names: Vec<String>,
    pub birth_date: Option<String>,
    pub programme: Option<String>,
    pub enrolled: Option<String>,
    pub left: Option<String>,
    pub status: Option<String>,
    /// When they opted out of directory information (34 CFR 99.37), if they have.
    pub directory_opt_out: Option<String>,
    /// The record this one is a duplicate of (directly).
    pub merged_into: Option<SubjectId>,
    /// The record its merges lead to, when that is another (`None`: this record is the
    /// one shown, also when it leads a loop of merges).
    pub shown_as: Option<SubjectId>,
    pub collection: String,
    /// RFC 3339 times.
    pub created: String,
    pub updated: String,
    /// Documents shown under this person (none for a merged record).
    pub documents: u64,
}

impl SubjectRecord {
    /// The value of `field` as it would be typed (other names `; `-separated).
    pub fn value(&self, field: SubjectField) -> Option<String> {
        match field {
            SubjectField::Kind => Some(self.kind.as_str().to_owned()),
            SubjectField::Number => Some(self.number.clone()),
            SubjectField::Name => Some(self.name.clone()),
            SubjectField::OtherNames => {
                (!self.other_names.is_empty()).then(|| self.other_names.join("; "))
            }
            SubjectField::BirthDate => self.birth_date.clone(),
            SubjectField::Programme => self.programme.clone(),
            SubjectField::Enrolled => self.enrolled.clone(),
            SubjectField::Left => self.left.clone(),
            SubjectField::Status => self.status.clone(),
            SubjectField::DirectoryOptOut => self.directory_opt_out.clone(),
        }
    }
}

/// Which records [`Catalog::subjects`] lists.
#[derive(Debug, Clone, Default)]
pub struct SubjectFilter {
    /// Words that must each appear in the name, other names or number.
    pub text: Option<String>,
    pub kind: Option<SubjectKind>,
    pub programme: Option<String>,
    /// List merged records (those shown as another) too.
    pub include_merged: bool,
    pub limit: Option<u32>,
}

const RECORD_SELECT: &str = "
    SELECT s.id, s.kind, s.number, s.name, s.other_names, s.birth_date, s.programme, s.enrolled,
           s.left_on, s.status, s.merged_into, nullif(c.canonical, s.id), s.collection, s.created_ms, s.updated_ms,
           (SELECT count(*) FROM documents d WHERE d.subject = s.id AND d.trashed = 0),
           s.directory_opt_out
    FROM subjects s LEFT JOIN subject_canonical c ON c.subject = s.id";

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<SubjectRecord> {
    let id = |i: usize| -> rusqlite::Result<Option<SubjectId>> {
        r.get::<_, Option<String>>(i)?
            .map(|s| {
                s.parse().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })
            })
            .transpose()
    };
    let kind: String = r.get(1)?;
    let other: Option<String> = r.get(4)?;
    Ok(SubjectRecord {
        id: id(0)?.ok_or(rusqlite::Error::InvalidColumnType(
            0,
            "id".into(),
            rusqlite::types::Type::Null,
        ))?,
        kind: SubjectKind::parse(&kind).unwrap_or(SubjectKind::Student),
        number: r.get(2)?,
        name: r.get(3)?,
        other_names: other
            .map(|o| o.split("; ").map(str::to_owned).collect())
            .unwrap_or_default(),
        birth_date: r.get(5)?,
        programme: r.get(6)?,
        enrolled: r.get(7)?,
        left: r.get(8)?,
        status: r.get(9)?,
        directory_opt_out: r.get(16)?,
        merged_into: id(10)?,
        shown_as: id(11)?,
        collection: r.get(12)?,
        created: rfc3339(r.get(13)?),
        updated: rfc3339(r.get(14)?),
        documents: r.get::<_, i64>(15)? as u64,
    })
}

impl Catalog {
    /// One record.
    pub fn subject(&self, id: SubjectId) -> Result<SubjectRecord> {
        self.conn
            .query_row(
                &format!("{RECORD_SELECT} WHERE s.id = ?1"),
                [id.to_string()],
                record,
            )
            .optional()?
            .ok_or_else(|| Error::NoSuchSubject {
                reference: id.to_string(),
            })
    }

    /// Records by number, then name.
    pub fn subjects(&self, filter: &SubjectFilter) -> Result<Vec<SubjectRecord>> {
        let mut sql = format!("{RECORD_SELECT} WHERE 1");
        let mut args: Vec<String> = Vec::new();
        if !filter.include_merged {
            sql.push_str(" AND nullif(c.canonical, s.id) IS NULL");
        }
        if let Some(k) = filter.kind {
            args.push(k.as_str().to_owned());
            sql.push_str(&format!(" AND s.kind = ?{}", args.len()));
        }
        if let Some(p) = &filter.programme {
            args.push(p.clone());
            sql.push_str(&format!(
                " AND s.programme = ?{} COLLATE NOCASE",
                args.len()
            ));
        }
        for word in filter.text.iter().flat_map(|t| t.split_whitespace()) {
            args.push(format!("%{}%", word.replace(['%', '_'], "")));
            let n = args.len();
            sql.push_str(&format!(
                " AND (s.name LIKE ?{n} OR s.number LIKE ?{n} OR coalesce(s.other_names, '') LIKE ?{n})"
            ));
        }
        sql.push_str(" ORDER BY s.number, s.name, s.id");
        if let Some(l) = filter.limit {
            sql.push_str(&format!(" LIMIT {l}"));
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), record)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The record a reference names: a full or prefix id, an exact number, or a name
    /// that matches exactly one record.
    pub fn resolve_subject(&self, reference: &str) -> Result<SubjectId> {
        let r = reference.trim();
        let none = || Error::NoSuchSubject {
            reference: r.to_owned(),
        };
        if r.is_empty() {
            return Err(none());
        }
        let many = |ids: Vec<String>| -> Result<SubjectId> {
            match ids.len() {
                0 => Err(none()),
                1 => Ok(ids[0].parse()?),
                count => Err(Error::AmbiguousSubject {
                    reference: r.to_owned(),
                    count,
                }),
            }
        };
        let query = |sql: &str, arg: &str| -> Result<Vec<String>> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_map([arg], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        };
        let by_number = query(
            "SELECT id FROM subjects WHERE number = ?1 AND NOT EXISTS (SELECT 1 FROM subject_canonical c WHERE c.subject = subjects.id AND c.canonical <> subjects.id)",
            r,
        )?;
        if !by_number.is_empty() {
            return many(by_number);
        }
        let hex = r.to_ascii_lowercase().replace('-', "");
        if hex.len() >= 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let ids = query(
                "SELECT id FROM subjects WHERE id >= ?1 AND id < ?1 || 'g' LIMIT 2",
                &hex,
            )?;
            if !ids.is_empty() {
                return many(ids);
            }
        }
        many(query(
            "SELECT id FROM subjects WHERE name = ?1 COLLATE NOCASE AND NOT EXISTS (SELECT 1 FROM subject_canonical c WHERE c.subject = subjects.id AND c.canonical <> subjects.id) LIMIT 2",
            r,
        )?)
    }

    /// The live record numbered `number` of `kind`, if any.
    pub fn subject_numbered(&self, kind: SubjectKind, number: &str) -> Result<Option<SubjectId>> {
        let id: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM subjects WHERE number = ?1 AND kind = ?2 AND NOT EXISTS (SELECT 1 FROM subject_canonical c WHERE c.subject = subjects.id AND c.canonical <> subjects.id)
                 ORDER BY id LIMIT 1",
            )?
            .query_row(params![number, kind.as_str()], |r| r.get(0))
            .optional()?;
        id.map(|i| i.parse().map_err(Error::from)).transpose()
    }

    /// The live people a document mentions: each with its kind and whether it was found
    /// by number (else by name, without regard to case), one entry per clue found.
    pub(crate) fn subjects_mentioned(&self, clues: &Clues) -> Result<Vec<Mentioned>> {
        const LIVE: &str = "NOT EXISTS (SELECT 1 FROM subject_canonical c WHERE c.subject = s.id AND c.canonical <> s.id)";
        let mut found = Vec::new();
        let mut by_number = self.conn.prepare_cached(&format!(
            "SELECT s.id, s.kind FROM subjects s WHERE s.number = ?1 AND {LIVE}"
        ))?;
        let mut by_name = self.conn.prepare_cached(&format!(
            "SELECT s.id, s.kind FROM subjects s WHERE s.name = ?1 COLLATE NOCASE AND {LIVE}"
        ))?;
        for (stmt, clues, by_number) in [
            (&mut by_number, &clues.numbers, true),
            (&mut by_name, &clues.names, false),
        ] {
            for clue in clues {
                let rows: Vec<(String, String)> = stmt
                    .query_map([clue], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for (id, kind) in rows {
                    found.push(Mentioned {
                        subject: id.parse()?,
                        student: kind == SubjectKind::Student.as_str(),
                        by_number,
                        clue: clue.clone(),
                    });
                }
            }
        }
        Ok(found)
    }

    /// The record a document is shown under, if any.
    pub fn document_subject(&self, doc: DocId) -> Result<Option<SubjectId>> {
        let s: Option<String> = self
            .conn
            .query_row(
                "SELECT subject FROM documents WHERE id = ?1",
                [doc.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        s.map(|i| i.parse().map_err(Error::from)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_lead_to_the_end_of_their_chain_and_loops_to_their_smallest_id() {
        let m: HashMap<String, String> = [("a", "b"), ("b", "c"), ("x", "y"), ("y", "x")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(canonical_of(&m, "a"), "c");
        assert_eq!(canonical_of(&m, "c"), "c");
        assert_eq!(canonical_of(&m, "y"), "x");
        assert_eq!(canonical_of(&m, "x"), "x");
    }
}
