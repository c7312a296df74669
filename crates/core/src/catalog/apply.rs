//! Applying operations to the catalog tables. Each rule is order-independent where the
//! merge rules require it, so the same set of operations gives the same tables whatever
//! order they arrive in.

use rusqlite::{OptionalExtension, Transaction, params};

use super::subjects::{self, WrittenBy};
use crate::error::Result;
use crate::format::disclosure::Disclosure;
use crate::format::manifest::Manifest;
use crate::format::op::{FieldKey, FieldValue, Op, OpKind, Stamp};
use crate::format::pack::decode_index;
use crate::ids::{DocId, VersionId};

/// The newest applied re-sealing of a version (`?1`), from the re-sealings alone.
pub(super) const RESEALED_LATER: &str = "SELECT body FROM ops
     WHERE kind = 'version_resealed' AND verdict IS NULL
     AND json_extract(body, '$.version') = ?1 ORDER BY stamp DESC LIMIT 1";

/// Record `op` (`body`: its JSON) in the journal, received in `segment` of its device
/// (`None`: made here) as part of the batch closed by the operation stamped `batch`;
/// `false` when it was already there.
pub(super) fn record(
    tx: &Transaction<'_>,
    op: &Op,
    body: &str,
    segment: Option<u64>,
    batch: Option<&str>,
) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "INSERT OR IGNORE INTO ops (stamp, kind, body, segment, batch)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            op.stamp.key(),
            op.kind.name(),
            body,
            segment.map(|s| i64::try_from(s).unwrap_or(i64::MAX)),
            batch
        ])?
        == 1)
}

/// Apply a recorded `op` to the tables (`catalog::verdicts` decides which are applied).
pub(super) fn project(tx: &Transaction<'_>, op: &Op) -> Result<()> {
    let key = op.stamp.key();
    let s = &op.stamp;
    // A destroyed document stays destroyed: nothing about it made anywhere, before or
    // after, is applied again; content a late version brings is shredded too.
    if let Some(doc) = op.kind.doc()
        && !matches!(op.kind, OpKind::Destroyed { .. })
        && tx
            .prepare_cached("SELECT 1 FROM destroyed WHERE doc = ?1")?
            .exists([doc.to_string()])?
    {
        let late = match &op.kind {
            OpKind::VersionAdded { version, .. } => Some(&version.manifest),
            OpKind::VersionResealed { manifest, .. } => Some(manifest),
            _ => None,
        };
        if let Some(manifest) = late {
            shred_chunks(tx, manifest)?;
            tx.execute(SHRED, [])?;
            tx.execute(SHRED_REMOTE, [])?;
        }
        return Ok(());
    }
    if let Some(doc) = op.kind.doc() {
        tx.prepare_cached(
            "INSERT INTO doc_clock (doc, ms) VALUES (?1, ?2)
             ON CONFLICT (doc) DO UPDATE SET ms = max(ms, excluded.ms)",
        )?
        .execute(params![doc.to_string(), s.wall_ms()])?;
    }
    match &op.kind {
        OpKind::DocumentCreated { doc, title } => {
            // A purged document gets no row (its title is kept hidden, like its other
            // registers, in case a concurrent version brings it back).
            if !is_purged(tx, &doc.to_string())? {
                tx.execute(
                    "INSERT OR IGNORE INTO documents (id, created_stamp, created_ms, updated_ms, title)
                     VALUES (?1, ?2, ?3, ?3, '')",
                    params![doc.to_string(), key, s.wall_ms()],
                )?;
            }
            set_register(
                tx,
                *doc,
                &FieldKey::Title,
                Some(serde_json::to_string(title)?),
                s,
            )?;
            refresh(tx, *doc)?;
        }
        OpKind::VersionAdded { doc, version: v } => {
            if is_purged(tx, &v.id.to_string())? {
                return Ok(());
            }
            revive(tx, *doc)?;
            tx.execute(
                "INSERT OR IGNORE INTO versions (id, doc, stamp, parents, manifest, size, content_hash, mime,
                     file_name, file_mtime_ms, author, device, created_ms, note, restored_from,
                     content_key, record_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                params![
                    v.id.to_string(),
                    doc.to_string(),
                    key,
                    serde_json::to_string(&v.parents)?,
                    v.manifest.to_bytes(),
                    i64::try_from(v.size).unwrap_or(i64::MAX),
                    &v.content_hash.0[..],
                    v.mime,
                    v.file_name,
                    v.file_mtime_ms,
                    v.author,
                    s.device.to_string(),
                    s.wall_ms(),
                    v.note,
                    v.restored_from.map(|r| r.to_string()),
                    v.key.as_ref().map(serde_json::to_string).transpose()?,
                    v.record.as_ref().map(|r| r.0.to_vec()),
                ],
            )?;
            super::jobs::queue_version(tx, v.id, s.wall_ms())?;
            // A re-sealing of it that arrived first (made on a desktop that had it).
            let later: Option<String> = tx
                .prepare_cached(RESEALED_LATER)?
                .query_row([v.id.to_string()], |r| r.get(0))
                .optional()?;
            if let Some(body) = later {
                project(tx, &serde_json::from_str(&body)?)?;
            }
            refresh(tx, *doc)?;
        }
        OpKind::VersionResealed {
            doc,
            version,
            manifest,
            content_hash,
            key: sealed_under,
        } => {
            // The later re-sealing wins, whatever order they arrive in.
            tx.execute(
                "UPDATE versions SET manifest = ?2, content_hash = ?3, content_key = ?4,
                     sealed_stamp = ?5
                 WHERE id = ?1 AND (sealed_stamp IS NULL OR sealed_stamp < ?5)",
                params![
                    version.to_string(),
                    manifest.to_bytes(),
                    &content_hash.0[..],
                    sealed_under
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()?,
                    key,
                ],
            )?;
            // Sealed anew: this desktop may open it now.
            super::jobs::retry_needing_keys(tx, Some(*version))?;
            // Its document's time of last change, alike whatever order things came in.
            refresh(tx, *doc)?;
        }
        OpKind::FieldSet {
            doc,
            key: field,
            value,
        } => {
            let value = value.as_ref().map(serde_json::to_string).transpose()?;
            set_register(tx, *doc, field, value, s)?;
            refresh(tx, *doc)?;
        }
        OpKind::TagAdded { doc, tag } => {
            let dead: bool = tx
                .query_row(
                    "SELECT 1 FROM tag_tombstones WHERE add_stamp = ?1",
                    [&key],
                    |_| Ok(true),
                )
                .optional()?
                .unwrap_or(false);
            if !dead {
                tx.execute(
                    "INSERT OR IGNORE INTO tags (doc, tag, add_stamp) VALUES (?1, ?2, ?3)",
                    params![doc.to_string(), tag, key],
                )?;
            }
            refresh(tx, *doc)?;
        }
        OpKind::TagRemoved { doc, tag, observed } => {
            for add in observed {
                let add = add.key();
                tx.execute(
                    "INSERT OR IGNORE INTO tag_tombstones (add_stamp) VALUES (?1)",
                    [&add],
                )?;
                tx.execute(
                    "DELETE FROM tags WHERE doc = ?1 AND tag = ?2 AND add_stamp = ?3",
                    params![doc.to_string(), tag, add],
                )?;
            }
            refresh(tx, *doc)?;
        }
        OpKind::Trashed { doc, observed_head } => {
            let v =
                serde_json::json!({ "trashed": observed_head.map(|h| h.to_string()) }).to_string();
            set_register_raw(tx, *doc, "status", Some(v), s)?;
            refresh(tx, *doc)?;
        }
        OpKind::Untrashed { doc } => {
            set_register_raw(tx, *doc, "status", Some(r#"{"active":null}"#.into()), s)?;
            refresh(tx, *doc)?;
        }
        OpKind::Purged { doc, versions } => purge(tx, *doc, versions)?,
        OpKind::Destroyed { doc, batch } => destroy(tx, *doc, &batch.to_string(), &key)?,
        OpKind::RecordCarried { doc, history } => {
            // Only what makes this record's state: nothing about another one, no
            // history carried within it.
            for carried in history {
                if carried.kind.doc() == Some(*doc) && carried.kind.is_record_state() {
                    project(tx, carried)?;
                }
            }
        }
        OpKind::PackAdded {
            pack,
            size,
            index,
            key: sealed_under,
        } => {
            let entries = decode_index(index, pack)?;
            tx.execute(
                "INSERT OR IGNORE INTO packs (id, size, chunks, added_stamp, content_key)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    &pack.0[..],
                    i64::try_from(*size).unwrap_or(i64::MAX),
                    entries.len() as i64,
                    key,
                    sealed_under
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()?,
                ],
            )?;
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO chunks (id, pack, offset, sealed_len, plain_len) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for e in entries {
                stmt.execute(params![
                    &e.chunk.0[..],
                    &pack.0[..],
                    e.offset,
                    e.sealed_len,
                    e.plain_len
                ])?;
            }
            // A pack from a desktop that had not heard of a destruction, holding what it
            // destroyed: rewritten without it too.
            let shredded: bool = tx
                .prepare_cached(
                    "SELECT 1 FROM chunks c JOIN shredded s ON s.chunk = c.id WHERE c.pack = ?1",
                )?
                .exists([&pack.0[..]])?;
            if shredded {
                tx.execute(SHRED, [])?;
                tx.execute(SHRED_REMOTE, [])?;
            }
        }
        OpKind::PackDropped { pack } => {
            tx.execute(
                "INSERT OR IGNORE INTO dropped_packs (pack, ms) VALUES (?1, ?2)",
                params![&pack.0[..], op.stamp.wall_ms()],
            )?;
        }
        OpKind::SubjectCreated {
            subject,
            values,
            collection,
            ..
        } => {
            let values = values.iter().map(|(f, v)| (*f, Some(v.clone()))).collect();
            subjects::set_fields(tx, *subject, &values, collection, WrittenBy::Creation, s)?;
        }
        OpKind::SubjectSet {
            subject,
            field,
            value,
            collection,
            ..
        } => {
            let values = [(*field, value.clone())].into_iter().collect();
            subjects::set_fields(tx, *subject, &values, collection, WrittenBy::Edit, s)?;
        }
        OpKind::SubjectMerged {
            subject,
            into,
            collection,
            ..
        } => subjects::set_merge(tx, *subject, *into, collection, s)?,
        OpKind::RequirementsSet {
            programme, types, ..
        } => {
            tx.execute(
                "INSERT INTO requirements (programme, types, stamp) VALUES (?1, ?2, ?3)
                 ON CONFLICT (programme) DO UPDATE SET programme = excluded.programme,
                     types = excluded.types, stamp = excluded.stamp
                 WHERE excluded.stamp > requirements.stamp",
                params![programme, serde_json::to_string(types)?, key],
            )?;
        }
        OpKind::RuleSet { rule, body, .. } => {
            tx.execute(
                "INSERT INTO rules (id, body, position, stamp) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body,
                     position = excluded.position, stamp = excluded.stamp
                 WHERE excluded.stamp > rules.stamp",
                params![
                    rule.to_string(),
                    body.as_ref().map(serde_json::to_string).transpose()?,
                    body.as_ref().map_or(0, |b| b.position),
                    key
                ],
            )?;
        }
        OpKind::ViewSet { view, body, .. } => {
            tx.execute(
                "INSERT INTO views (id, body, stamp) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, stamp = excluded.stamp
                 WHERE excluded.stamp > views.stamp",
                params![
                    view.to_string(),
                    body.as_ref().map(serde_json::to_string).transpose()?,
                    key
                ],
            )?;
        }
        OpKind::TypeFieldsSet {
            doc_type, fields, ..
        } => {
            tx.execute(
                "INSERT INTO type_fields (doc_type, fields, stamp) VALUES (?1, ?2, ?3)
                 ON CONFLICT (doc_type) DO UPDATE SET doc_type = excluded.doc_type,
                     fields = excluded.fields, stamp = excluded.stamp
                 WHERE excluded.stamp > type_fields.stamp",
                params![doc_type, serde_json::to_string(fields)?, key],
            )?;
        }
        OpKind::SeriesSet { doc_type, series } => {
            let body = series.as_ref().map(serde_json::to_string).transpose()?;
            tx.execute(
                "INSERT INTO record_series (doc_type, body, stamp) VALUES (?1, ?2, ?3)
                 ON CONFLICT (doc_type) DO UPDATE SET doc_type = excluded.doc_type,
                     body = excluded.body, stamp = excluded.stamp
                 WHERE excluded.stamp > record_series.stamp",
                params![doc_type, body, key],
            )?;
        }
        OpKind::RequestSet { request, body } => {
            tx.execute(
                "INSERT INTO requests (id, subject, kind, state, due, body, stamp)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (id) DO UPDATE SET subject = excluded.subject,
                     kind = excluded.kind, state = excluded.state, due = excluded.due,
                     body = excluded.body, stamp = excluded.stamp
                 WHERE excluded.stamp > requests.stamp",
                params![
                    request.to_string(),
                    body.subject.to_string(),
                    body.kind.as_str(),
                    body.state.as_str(),
                    body.due,
                    serde_json::to_string(body)?,
                    key
                ],
            )?;
        }
        OpKind::DisclosureRecorded { disclosure, body } => {
            let body = &without_destroyed_titles(tx, body.clone())?;
            // Recorded once; of two operations under one id (never made so), the
            // earlier holds on every desktop.
            tx.execute(
                "INSERT INTO disclosures (id, subject, date, body, stamp)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET subject = excluded.subject,
                     date = excluded.date, body = excluded.body, stamp = excluded.stamp
                 WHERE excluded.stamp < disclosures.stamp",
                params![
                    disclosure.to_string(),
                    body.subject.to_string(),
                    body.date,
                    serde_json::to_string(body)?,
                    key
                ],
            )?;
        }
        OpKind::DestructionRecorded { batch, signed } => {
            // Recorded once; of two under one id (never made so), the earlier holds.
            tx.execute(
                "INSERT INTO destructions (id, body, stamp) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, stamp = excluded.stamp
                 WHERE excluded.stamp < destructions.stamp",
                params![batch.to_string(), serde_json::to_string(signed)?, key],
            )?;
        }
        OpKind::RemoteChecked { batch, signed } => {
            tx.execute(
                "INSERT OR IGNORE INTO remote_checks (stamp, batch, body) VALUES (?1, ?2, ?3)",
                params![key, batch.to_string(), serde_json::to_string(signed)?],
            )?;
        }
        OpKind::DocumentSubjectSet { doc, subject, .. } => {
            let value = subject.as_ref().map(serde_json::to_string).transpose()?;
            set_register_raw(tx, *doc, subjects::LINK_REGISTER, value, s)?;
            refresh(tx, *doc)?;
        }
        // Kept in the journal only: the library's people are replayed from it
        // (`Catalog::people_ops`: the earliest owner, then the statements' chain), never
        // from a table a later operation could overwrite.
        OpKind::LibraryOwned { .. } | OpKind::MemberStatement { .. } => {}
        // Judged when it arrives (`catalog::verdicts`); it changes no table.
        OpKind::Signed { .. } => {}
        // Kept in the journal only, read from it (`Catalog::invitations`).
        OpKind::Invited { .. } | OpKind::InvitationWithdrawn { .. } => {}
        // Kept in the journal only, read from it (`Catalog::collection_keys`).
        // Records of a collection this desktop could not open may open now.
        OpKind::CollectionKeys { .. } => super::jobs::retry_needing_keys(tx, None)?,
        // Kept in the journal only, read from it (`Catalog::erasure_ops`).
        // (And `Catalog::record_key_ops`: opened by `Library::settle_erasure`, which holds
        // the erasure keys.)
        OpKind::ErasureEpoch { .. }
        | OpKind::ErasureKeyWanted { .. }
        | OpKind::ErasureKeyGiven { .. }
        | OpKind::RecordKeys { .. } => {}
        OpKind::Audit { event } => {
            tx.execute(
                "INSERT OR IGNORE INTO audit (stamp, device, user, action, doc, version, detail, prev, hash, subject, member)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    key,
                    s.device.to_string(),
                    event.user,
                    event.action.as_str(),
                    event.doc.map(|d| d.to_string()),
                    event.version.map(|v| v.to_string()),
                    event.detail,
                    event.prev,
                    &event.chain_hash(s)[..],
                    event.subject.map(|x| x.to_string()),
                    event.member.map(|m| m.to_string()),
                ],
            )?;
        }
    }
    if let Some(doc) = op.kind.doc() {
        super::jobs::queue_index(tx, doc)?;
    }
    Ok(())
}

fn is_purged(tx: &Transaction<'_>, id: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM purged WHERE id = ?1")?
        .exists([id])?)
}

/// A version of a purged document that its purge had not seen (added concurrently on
/// another device) brings the document back as it was: its row is made again from the
/// operation that created it; its registers and tags were kept.
fn revive(tx: &Transaction<'_>, doc: DocId) -> Result<()> {
    let id = doc.to_string();
    if tx.execute("DELETE FROM purged WHERE id = ?1", [&id])? == 0 {
        return Ok(());
    }
    let created: Option<String> = tx
        .query_row(
            "SELECT stamp FROM ops WHERE kind = 'document_created'
             AND json_extract(body, '$.doc') = ?1 AND verdict IS NULL",
            [&id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(key) = created {
        let wall = Stamp::parse(&key)?.wall_ms();
        tx.execute(
            "INSERT OR IGNORE INTO documents (id, created_stamp, created_ms, updated_ms, title)
             VALUES (?1, ?2, ?3, ?3, '')",
            params![id, key, wall],
        )?;
    }
    Ok(())
}

/// Destroy `doc` in `batch`: its versions (their chunks noted as shredded, so the packs
/// holding them are rewritten and deleted), everything derived from them, its row,
/// registers, tags and sittings. Its id stays in `destroyed`, so nothing about it is
/// applied again.
fn destroy(tx: &Transaction<'_>, doc: DocId, batch: &str, key: &str) -> Result<()> {
    let id = doc.to_string();
    tx.execute(
        "INSERT OR IGNORE INTO destroyed (doc, batch, stamp) VALUES (?1, ?2, ?3)",
        params![id, batch, key],
    )?;
    tx.execute(SHRED, [])?;
    tx.execute(SHRED_REMOTE, [])?;
    // Its own key goes with it (by the id its versions name too, whatever record an
    // operation listed it under): once the erasure epochs it was sealed under are
    // forgotten too, nothing opens a copy of its content kept anywhere. The epoch it was
    // last given under is tainted: one that still holds it must end.
    for sql in [
        "INSERT OR IGNORE INTO erasure_tainted (epoch)
         SELECT epoch FROM record_keys WHERE epoch IS NOT NULL AND (doc = ?1
            OR id IN (SELECT record_key FROM versions WHERE doc = ?1))",
        "DELETE FROM record_keys WHERE doc = ?1
            OR id IN (SELECT record_key FROM versions WHERE doc = ?1)",
    ] {
        tx.execute(sql, [&id])?;
    }
    let mut versions = Vec::new();
    {
        let mut stmt = tx.prepare_cached("SELECT id, manifest FROM versions WHERE doc = ?1")?;
        let mut rows = stmt.query([&id])?;
        while let Some(row) = rows.next()? {
            let manifest = Manifest::from_bytes(&row.get::<_, Vec<u8>>(1)?)?;
            shred_chunks(tx, &manifest)?;
            versions.push(row.get::<_, String>(0)?);
        }
    }
    for v in &versions {
        tx.execute("INSERT OR IGNORE INTO purged (id) VALUES (?1)", [v])?;
        for sql in PER_VERSION {
            tx.execute(sql, [v])?;
        }
    }
    tx.execute("INSERT OR IGNORE INTO purged (id) VALUES (?1)", [&id])?;
    // The disclosures that named it keep that it was disclosed, not its title.
    let named: Vec<(String, String)> = tx
        .prepare_cached("SELECT id, body FROM disclosures WHERE instr(body, ?1) > 0")?
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (disclosure, body) in named {
        let body = without_destroyed_titles(tx, serde_json::from_str(&body)?)?;
        tx.execute(
            "UPDATE disclosures SET body = ?2 WHERE id = ?1",
            params![disclosure, serde_json::to_string(&body)?],
        )?;
    }
    for sql in [
        "DELETE FROM documents WHERE id = ?1",
        "DELETE FROM registers WHERE doc = ?1",
        "DELETE FROM tags WHERE doc = ?1",
        "DELETE FROM doc_clock WHERE doc = ?1",
        "DELETE FROM sittings WHERE doc = ?1",
    ] {
        tx.execute(sql, [&id])?;
    }
    Ok(())
}

/// What a disclosure record says of a destroyed document in place of its title.
const DESTROYED_TITLE: &str = "(destroyed record)";

/// `body` with the title of each document it names that was destroyed replaced: the
/// record of the disclosure stays (when, to whom, which document and version), the
/// destroyed record's title does not.
fn without_destroyed_titles(tx: &Transaction<'_>, mut body: Disclosure) -> Result<Disclosure> {
    let mut stmt = tx.prepare_cached("SELECT 1 FROM destroyed WHERE doc = ?1")?;
    for item in &mut body.items {
        if stmt.exists([item.doc.to_string()])? {
            item.title = DESTROYED_TITLE.to_owned();
        }
    }
    Ok(body)
}

/// Note that `Library::shred` has work: packs holding content of destroyed records to
/// rewrite, derived files of versions deleted for good, index segments to rewrite.
const SHRED: &str = "INSERT OR REPLACE INTO meta (key, value) VALUES ('shred', '1')";
/// Note that packs holding content of a destroyed record may be on the remote: sync lists
/// it until none is (`Engine::settle_destructions`).
const SHRED_REMOTE: &str = "INSERT OR REPLACE INTO meta (key, value) VALUES ('shred_remote', '1')";

/// Note `manifest`'s chunks as content of a destroyed record.
fn shred_chunks(tx: &Transaction<'_>, manifest: &Manifest) -> Result<()> {
    let mut stmt = tx.prepare_cached("INSERT OR IGNORE INTO shredded (chunk) VALUES (?1)")?;
    for (chunk, _) in &manifest.chunks {
        stmt.execute([&chunk.0[..]])?;
    }
    Ok(())
}

/// What goes with a version deleted for good: the row and what was derived from it.
const PER_VERSION: [&str; 5] = [
    "INSERT OR IGNORE INTO derived_to_remove (version) VALUES (?1)",
    "DELETE FROM versions WHERE id = ?1",
    "DELETE FROM jobs WHERE version = ?1",
    "DELETE FROM texts WHERE version = ?1",
    "DELETE FROM extractions WHERE version = ?1",
];

/// Delete `versions` of `doc` and everything derived from them; the document's row goes
/// too when none of its versions is left. Its registers and tags stay (hidden), so a
/// version added concurrently brings it back the same whatever the order of arrival.
fn purge(tx: &Transaction<'_>, doc: DocId, versions: &[VersionId]) -> Result<()> {
    tx.execute(SHRED, [])?;
    for v in versions {
        let v = v.to_string();
        tx.execute("INSERT OR IGNORE INTO purged (id) VALUES (?1)", [&v])?;
        for sql in PER_VERSION {
            tx.execute(sql, [&v])?;
        }
    }
    let id = doc.to_string();
    let left: bool = tx
        .prepare_cached("SELECT 1 FROM versions WHERE doc = ?1")?
        .exists([&id])?;
    if left {
        return refresh(tx, doc);
    }
    tx.execute("INSERT OR IGNORE INTO purged (id) VALUES (?1)", [&id])?;
    tx.execute("DELETE FROM documents WHERE id = ?1", [&id])?;
    Ok(())
}

fn set_register(
    tx: &Transaction<'_>,
    doc: DocId,
    field: &FieldKey,
    value: Option<String>,
    s: &Stamp,
) -> Result<()> {
    set_register_raw(tx, doc, &field.register(), value, s)
}

/// Last-writer-wins: keep the value with the greatest stamp.
fn set_register_raw(
    tx: &Transaction<'_>,
    doc: DocId,
    key: &str,
    value: Option<String>,
    s: &Stamp,
) -> Result<()> {
    tx.execute(
        "INSERT INTO registers (doc, key, value, stamp) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (doc, key) DO UPDATE SET value = excluded.value, stamp = excluded.stamp
         WHERE excluded.stamp > registers.stamp",
        params![doc.to_string(), key, value, s.key()],
    )?;
    Ok(())
}

fn register(tx: &Transaction<'_>, doc: &str, key: &str) -> Result<Option<String>> {
    Ok(tx
        .query_row(
            "SELECT value FROM registers WHERE doc = ?1 AND key = ?2",
            params![doc, key],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// A register holding a [`FieldValue`] (`None` when unset or not one).
fn value_register(tx: &Transaction<'_>, doc: &str, key: &str) -> Result<Option<FieldValue>> {
    Ok(register(tx, doc, key)?.and_then(|json| serde_json::from_str(&json).ok()))
}

fn text_register(tx: &Transaction<'_>, doc: &str, key: &str) -> Result<Option<String>> {
    Ok(register(tx, doc, key)?.and_then(|json| text_value(&json)))
}

/// A register's value as text: a [`FieldValue`], or a bare string as older builds wrote.
pub(super) fn text_value(json: &str) -> Option<String> {
    match serde_json::from_str::<FieldValue>(json) {
        Ok(v) => Some(v.display()),
        Err(_) => serde_json::from_str::<String>(json).ok(),
    }
}

/// [`refresh`] a document another record's change affects, and queue it for the index.
pub(super) fn refresh_and_index(tx: &Transaction<'_>, doc: DocId) -> Result<()> {
    refresh(tx, doc)?;
    super::jobs::queue_index(tx, doc)
}

/// Recompute a document's projected columns from registers and versions.
fn refresh(tx: &Transaction<'_>, doc: DocId) -> Result<()> {
    let id = doc.to_string();
    let exists: Option<i64> = tx
        .query_row("SELECT 1 FROM documents WHERE id = ?1", [&id], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        // An edit that arrived before its document (possible once devices sync): the
        // registers keep it; the projection is filled in when the document arrives.
        return Ok(());
    }
    // Versions in stamp order: the last is current. The document is flagged while it
    // has more than one head (a version no other version descends from): versions made
    // concurrently on two desktops, until one is chosen (`Library::resolve_concurrent`).
    let mut stmt =
        tx.prepare_cached("SELECT id, parents FROM versions WHERE doc = ?1 ORDER BY stamp")?;
    let rows: Vec<(String, String)> = stmt
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut descended = std::collections::HashSet::new();
    for (_, parents) in &rows {
        let parents: Vec<VersionId> = serde_json::from_str(parents)?;
        descended.extend(parents.into_iter().map(|p| p.to_string()));
    }
    let concurrent = rows.iter().filter(|(v, _)| !descended.contains(v)).count() > 1;
    let current = rows.last().map(|r| r.0.clone());
    let trashed = match register(tx, &id, "status")? {
        Some(json) => {
            let v: serde_json::Value = serde_json::from_str(&json)?;
            match v.get("trashed") {
                Some(head) => head.as_str().map(str::to_owned) == current,
                None => false,
            }
        }
        None => false,
    };
    let title = text_register(tx, &id, "title")?.unwrap_or_default();
    let legal_hold = matches!(
        value_register(tx, &id, "legal_hold")?,
        Some(FieldValue::Bool(true))
    );
    let retention_until_ms = match value_register(tx, &id, "retain_until")? {
        Some(FieldValue::Date(d)) => retention_end_ms(&d),
        _ => None,
    };
    let person = subjects::resolve(tx, &id, text_register(tx, &id, "subject_name")?)?;
    tx.prepare_cached(
        "UPDATE documents SET title = ?2, doc_type = ?3, subject_id = ?4, subject_name = ?5, collection = ?6,
             current_version = ?7, trashed = ?8, concurrent = ?9, legal_hold = ?10, retention_until_ms = ?11,
             subject_ref = ?12, subject = ?13,
             updated_ms = coalesce((SELECT ms FROM doc_clock WHERE doc = ?1), updated_ms)
         WHERE id = ?1",
    )?
    .execute(
        params![
            id,
            title,
            text_register(tx, &id, "type")?,
            person.number,
            person.name,
            text_register(tx, &id, "collection")?,
            current,
            trashed,
            concurrent,
            legal_hold,
            retention_until_ms,
            person.subject_ref,
            person.subject,
        ],
    )?;
    Ok(())
}

/// The end of a retention date (`YYYY-MM-DD`, kept through that whole day, UTC), in ms
/// since the epoch; `None` for a date that does not parse (never written by this code).
fn retention_end_ms(date: &str) -> Option<i64> {
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(
        day.succ_opt()?
            .and_hms_opt(0, 0, 0)?
            .and_utc()
            .timestamp_millis(),
    )
}
