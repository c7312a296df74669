//! Versioned schema migrations of `catalog.sqlite` (`PRAGMA user_version`).

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Migrations in order; migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: documents, versions, registers, tags, packs, chunks, journal, audit.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    CREATE TABLE ops (
        seq INTEGER PRIMARY KEY,
        stamp TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        body TEXT NOT NULL
    ) STRICT;
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        created_stamp TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        doc_type TEXT,
        subject_id TEXT,
        subject_name TEXT,
        collection TEXT,
        current_version TEXT,
        trashed INTEGER NOT NULL DEFAULT 0,
        concurrent INTEGER NOT NULL DEFAULT 0,
        legal_hold INTEGER NOT NULL DEFAULT 0,
        retention_until_ms INTEGER
    ) STRICT;
    CREATE TABLE registers (
        doc TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT,
        stamp TEXT NOT NULL,
        PRIMARY KEY (doc, key)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE tags (
        doc TEXT NOT NULL,
        tag TEXT NOT NULL,
        add_stamp TEXT NOT NULL,
        PRIMARY KEY (doc, tag, add_stamp)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE tag_tombstones (add_stamp TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    CREATE TABLE versions (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL,
        stamp TEXT NOT NULL,
        parents TEXT NOT NULL,
        manifest BLOB NOT NULL,
        size INTEGER NOT NULL,
        content_hash BLOB NOT NULL,
        mime TEXT NOT NULL,
        file_name TEXT NOT NULL,
        file_mtime_ms INTEGER,
        author TEXT NOT NULL,
        device TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        note TEXT,
        restored_from TEXT
    ) STRICT;
    CREATE INDEX versions_by_doc ON versions(doc, stamp);
    CREATE INDEX versions_by_hash ON versions(content_hash);
    CREATE TABLE packs (id BLOB PRIMARY KEY, size INTEGER NOT NULL, chunks INTEGER NOT NULL) STRICT;
    CREATE TABLE chunks (
        id BLOB PRIMARY KEY,
        pack BLOB NOT NULL,
        offset INTEGER NOT NULL,
        sealed_len INTEGER NOT NULL,
        plain_len INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX chunks_by_pack ON chunks(pack);
    CREATE TABLE audit (
        stamp TEXT PRIMARY KEY,
        device TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,
        doc TEXT,
        version TEXT,
        detail TEXT,
        prev BLOB NOT NULL,
        hash BLOB NOT NULL
    ) STRICT;
    CREATE INDEX audit_by_doc ON audit(doc, stamp);
    "#,
    // 2: processing jobs, extracted text and the search index's work queue. Derived state:
    // every device computes it from the versions it has, so none of it is an operation.
    r#"
    CREATE TABLE jobs (
        version TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (version, kind)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX jobs_by_state ON jobs(state, version);
    CREATE TABLE extractions (
        version TEXT PRIMARY KEY,
        page_count INTEGER,
        info TEXT NOT NULL
    ) STRICT;
    CREATE TABLE texts (
        version TEXT NOT NULL,
        page INTEGER NOT NULL,
        source TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (version, page)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE index_queue (doc TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    INSERT INTO jobs (version, kind, state, updated_ms)
        SELECT id, 'extract', 'pending', created_ms FROM versions;
    INSERT INTO index_queue (doc) SELECT id FROM documents;
    "#,
    // 3: thumbnails under `derived/`, one job per version.
    r#"
    INSERT OR IGNORE INTO jobs (version, kind, state, updated_ms)
        SELECT id, 'thumbnail', 'pending', created_ms FROM versions;
    "#,
    // 4: ids of purged versions and documents, so an operation about them that arrives
    // late (from another device) does not bring them back.
    r#"
    CREATE TABLE purged (id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    "#,
    // 5: sync bookkeeping. `ops.segment` is the journal segment an operation travelled in
    // (NULL: one of this device's operations not yet sent); `segments` is, per device,
    // the last of its segments this catalog holds. `doc_clock` is the latest time of any
    // operation on a document, kept even before the document itself arrives, so its
    // "updated" time is the same whatever order operations came in. `packs.added_stamp`
    // names the operation that announced a pack: once it is in a segment, the pack is
    // on the remote.
    r#"
    ALTER TABLE ops ADD COLUMN segment INTEGER;
    CREATE INDEX ops_unsent ON ops(seq) WHERE segment IS NULL;
    CREATE TABLE segments (device TEXT PRIMARY KEY, seq INTEGER NOT NULL) STRICT;
    CREATE TABLE doc_clock (doc TEXT PRIMARY KEY, ms INTEGER NOT NULL) STRICT, WITHOUT ROWID;
    INSERT INTO doc_clock (doc, ms) SELECT id, updated_ms FROM documents;
    ALTER TABLE packs ADD COLUMN added_stamp TEXT;
    UPDATE packs SET added_stamp = p.stamp
        FROM (SELECT stamp, json_extract(body, '$.pack') AS pid FROM ops WHERE kind = 'pack_added') AS p
        WHERE lower(hex(packs.id)) = p.pid;
    "#,
    // 6: garbage collection. A chunk may be stored in several packs (compaction and
    // re-homing copy it into a new one), so `chunks` is keyed by (chunk, pack);
    // `dropped_packs` lists the packs a `PackDropped` operation gave up, with when.
    // `key_sync`: the newest key object of the remote this desktop took in or published,
    // and the slot ids it had (see `Library::merge_remote_keys`).
    r#"
    CREATE TABLE chunk_locations (
        id BLOB NOT NULL,
        pack BLOB NOT NULL,
        offset INTEGER NOT NULL,
        sealed_len INTEGER NOT NULL,
        plain_len INTEGER NOT NULL,
        PRIMARY KEY (id, pack)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO chunk_locations (id, pack, offset, sealed_len, plain_len)
        SELECT id, pack, offset, sealed_len, plain_len FROM chunks;
    DROP TABLE chunks;
    ALTER TABLE chunk_locations RENAME TO chunks;
    CREATE INDEX chunks_by_pack ON chunks(pack);
    CREATE TABLE dropped_packs (pack BLOB PRIMARY KEY, ms INTEGER NOT NULL) STRICT;
    CREATE TABLE key_sync (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        seen TEXT NOT NULL
    ) STRICT;
    "#,
    // 7: the store journal. Each row is one segment of `store/journal/<device>/`: the
    // operations with `ops.seq` from `first_op` to `last_op` (none when `last_op` is
    // smaller), applied in one transaction, and the remote segment they arrived in.
    // Operations from before this migration go in segments of 20,000, written at the
    // next unlock. `meta.journal_incomplete`: the store journal may not hold everything
    // this folder ever held (it began with an existing catalog, or was rebuilt around a
    // missing segment), so packs the catalog does not know are kept in quarantine.
    r#"
    CREATE TABLE store_journal (
        seq INTEGER PRIMARY KEY,
        first_op INTEGER NOT NULL,
        last_op INTEGER NOT NULL,
        received INTEGER
    ) STRICT;
    INSERT INTO store_journal (seq, first_op, last_op)
        SELECT (seq - 1) / 20000 + 1, min(seq), max(seq) FROM ops GROUP BY (seq - 1) / 20000;
    INSERT INTO meta (key, value) SELECT 'journal_incomplete', 'upgraded'
        WHERE EXISTS (SELECT 1 FROM ops);
    "#,
    // 8: packs seen whole on the remote. A pack's local copy may be evicted only once a
    // listing showed it there at its full size (a cut upload leaves a shorter object).
    r#"
    CREATE TABLE packs_on_remote (pack BLOB PRIMARY KEY, size INTEGER NOT NULL) STRICT;
    "#,
    // 9: history links (see `format::journal::Link`). `segments.digest` is the digest of
    // the last segment held of the device (NULL: not yet known, computed when needed);
    // `segment_links` keeps each held segment's link, so a segment sent again is the
    // same segment; `seen_heads` is, per device, the newest of its segments any segment
    // applied here named as seen, and the segment that named it.
    r#"
    ALTER TABLE segments ADD COLUMN digest BLOB;
    CREATE TABLE segment_links (
        device TEXT NOT NULL,
        seq INTEGER NOT NULL,
        link TEXT NOT NULL,
        PRIMARY KEY (device, seq)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE seen_heads (
        device TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        named_by TEXT NOT NULL
    ) STRICT;
    "#,
    // 10: people as records. `subject_registers` holds every field of a person's record
    // (last writer wins, like `registers`), before the record itself arrives too;
    // `subjects` projects them. `subject_merges` mirrors the `merged_into` registers that
    // are set, and `subject_canonical` says which record each merged one leads to.
    // `documents.subject_ref` is the record a document names (by link or by number),
    // `documents.subject` the record that leads to. `registers_by_subject_number` finds
    // the documents whose typed subject number a new record matches. `audit.subject`: the
    // record an audit event is about. `requirements`: the document types each programme
    // requires (JSON list; last writer wins).
    r#"
    CREATE TABLE subjects (
        id TEXT PRIMARY KEY,
        created_stamp TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        kind TEXT NOT NULL DEFAULT 'student',
        number TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',
        other_names TEXT,
        birth_date TEXT,
        programme TEXT,
        enrolled TEXT,
        left_on TEXT,
        status TEXT,
        merged_into TEXT,
        collection TEXT NOT NULL DEFAULT 'all'
    ) STRICT;
    CREATE INDEX subjects_by_number ON subjects(number);
    CREATE INDEX subjects_by_name ON subjects(name COLLATE NOCASE);
    CREATE TABLE subject_registers (
        subject TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT,
        stamp TEXT NOT NULL,
        PRIMARY KEY (subject, key)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE subject_merges (subject TEXT PRIMARY KEY, into_subject TEXT NOT NULL) STRICT;
    CREATE TABLE subject_canonical (subject TEXT PRIMARY KEY, canonical TEXT NOT NULL) STRICT;
    ALTER TABLE documents ADD COLUMN subject_ref TEXT;
    ALTER TABLE documents ADD COLUMN subject TEXT;
    CREATE INDEX documents_by_subject ON documents(subject);
    CREATE INDEX documents_by_subject_ref ON documents(subject_ref);
    CREATE INDEX registers_by_subject_number ON registers(value) WHERE key = 'subject_id';
    ALTER TABLE audit ADD COLUMN subject TEXT;
    CREATE INDEX audit_by_subject ON audit(subject) WHERE subject IS NOT NULL;
    CREATE TABLE requirements (
        programme TEXT PRIMARY KEY COLLATE NOCASE,
        types TEXT NOT NULL,
        stamp TEXT NOT NULL
    ) STRICT;
    "#,
    // 11: intake rules. `rules` projects the `RuleSet` operations (last writer wins per
    // rule; a deleted rule keeps its row with no body). `rule_sources` is derived and
    // local: the folder a document was added from on this desktop, and whether its
    // text-stage rules are still to run (only the desktop that added it runs them).
    r#"
    CREATE TABLE rules (
        id TEXT PRIMARY KEY,
        body TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        stamp TEXT NOT NULL
    ) STRICT;
    CREATE TABLE rule_sources (
        doc TEXT PRIMARY KEY,
        folder TEXT,
        text_pending INTEGER NOT NULL DEFAULT 1
    ) STRICT;
    "#,
    // 12: saved views, projecting the `ViewSet` operations (last writer wins per view; a
    // deleted view keeps its row with no body).
    r#"
    CREATE TABLE views (
        id TEXT PRIMARY KEY,
        body TEXT,
        stamp TEXT NOT NULL
    ) STRICT;
    "#,
    // 13: the custom fields of each document type, projecting the `TypeFieldsSet`
    // operations (last writer wins per type).
    r#"
    CREATE TABLE type_fields (
        doc_type TEXT PRIMARY KEY COLLATE NOCASE,
        fields TEXT NOT NULL,
        stamp TEXT NOT NULL
    ) STRICT;
    "#,
    // 14: a person's registers remember whether a creation wrote them (1) or an edit (0):
    // an edit outranks any creation. Existing registers are ranked from the operations the
    // catalog keeps (a register's stamp is the stamp of the operation that wrote it), so a
    // migrated desktop ranks them as one that applies the whole history does.
    r#"
    ALTER TABLE subject_registers ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
    UPDATE subject_registers SET created = 1
        WHERE stamp IN (SELECT stamp FROM ops WHERE kind = 'subject_created');
    "#,
    // 15: the operations about the library's people (issue 21), found without reading the
    // whole journal: every change asks who may make it.
    r#"
    CREATE INDEX ops_people ON ops(seq) WHERE kind IN ('library_owned', 'member_statement');
    "#,
    // 16: verdicts on operations (issue 21): NULL applied, 1 pending (made at a place of
    // the people's chain, or about documents, not received yet), 2 refused (`reason` says
    // why). Every operation older builds recorded was applied. `batch` is the stamp of the
    // signature closing the batch an operation arrived in, so a batch is judged again as it
    // came; the signed batches of a member are found through their closing operations.
    r#"
    ALTER TABLE ops ADD COLUMN verdict INTEGER;
    ALTER TABLE ops ADD COLUMN reason TEXT;
    ALTER TABLE ops ADD COLUMN batch TEXT;
    CREATE INDEX ops_held ON ops(seq) WHERE verdict IS NOT NULL;
    CREATE INDEX ops_signed ON ops(seq) WHERE kind = 'signed';
    CREATE INDEX ops_batch ON ops(batch) WHERE batch IS NOT NULL;
    "#,
    // 17: invitations (issue 21) are read from the journal, like the people they become.
    r#"
    CREATE INDEX ops_invitations ON ops(seq) WHERE kind IN ('invited', 'invitation_withdrawn');
    "#,
    // 18: collections' keys by epoch (issue 21) are read from the journal too.
    r#"
    CREATE INDEX ops_collection_keys ON ops(seq) WHERE kind = 'collection_keys';
    "#,
    // 19: the collection key a version's content and a pack are sealed under (JSON of
    // `ContentKey`; NULL: the library's own).
    r#"
    ALTER TABLE versions ADD COLUMN content_key TEXT;
    ALTER TABLE packs ADD COLUMN content_key TEXT;
    "#,
    // 20: the stamp of the re-sealing a version's content is (NULL: as it was added);
    // re-sealings are found again when their version arrives after them.
    r#"
    ALTER TABLE versions ADD COLUMN sealed_stamp TEXT;
    CREATE INDEX ops_resealed ON ops(seq) WHERE kind = 'version_resealed';
    "#,
    // 21: every commit reads this device's newest audit event (`Catalog::audit_head`):
    // found from the newest audit events down, not by sorting every operation.
    r#"
    CREATE INDEX ops_audit ON ops(stamp) WHERE kind = 'audit';
    "#,
    // 22: collections' keys (read at every import and sync), invitations and re-sealings
    // (one looked for at each version received) are read in stamp order: indexed by
    // stamp, so that SQLite does not walk the whole journal for them.
    r#"
    DROP INDEX ops_collection_keys;
    CREATE INDEX ops_collection_keys ON ops(stamp) WHERE kind = 'collection_keys';
    DROP INDEX ops_invitations;
    CREATE INDEX ops_invitations ON ops(stamp)
        WHERE kind IN ('invited', 'invitation_withdrawn');
    DROP INDEX ops_resealed;
    CREATE INDEX ops_resealed ON ops(stamp) WHERE kind = 'version_resealed';
    "#,
    // 23: a job waiting for a collection's key (a record this desktop's person may not
    // open) names that collection, and is tried again only when keys or its content's
    // sealing change, not at every run.
    r#"
    ALTER TABLE jobs ADD COLUMN needs_key TEXT;
    "#,
    // 24: the parts of format-3 journal segments this desktop cannot open (issue 21,
    // `format::sections`): per segment, the digest its header gives and each part's key
    // and sealed bytes (JSON of `SealedPart`s), kept until a key given here opens them
    // and so that the segment can be sent again, or carried by a checkpoint, as it came
    // (a row whose parts all opened keeps the digest, with none). The store journal names
    // the device of the remote segment a row took in, which may bring no operation here.
    r#"
    ALTER TABLE store_journal ADD COLUMN received_from TEXT;
    CREATE TABLE withheld_parts (
        device TEXT NOT NULL,
        seq INTEGER NOT NULL,
        digest BLOB NOT NULL,
        parts TEXT NOT NULL,
        PRIMARY KEY (device, seq)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 25: the access log (issue 22). `audit.member` is the signed-in person an event
    // names, so that a person's views are found; `audit_access` finds views, prints and
    // exports by time. `sittings` is local, never synced: per document and viewer (a
    // member id, or `user:` and the OS user's name), the version viewed and when it was
    // last looked at, so that one "viewed" event stands for a sitting.
    r#"
    ALTER TABLE audit ADD COLUMN member TEXT;
    UPDATE audit SET member = (SELECT json_extract(body, '$.event.member') FROM ops
                               WHERE ops.stamp = audit.stamp);
    CREATE INDEX audit_by_member ON audit(member, stamp) WHERE member IS NOT NULL;
    CREATE INDEX audit_access ON audit(stamp) WHERE action IN ('viewed', 'printed', 'exported');
    CREATE TABLE sittings (
        doc TEXT NOT NULL,
        viewer TEXT NOT NULL,
        version TEXT NOT NULL,
        last_ms INTEGER NOT NULL,
        PRIMARY KEY (doc, viewer)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 26: record series (issue 22), projecting the `SeriesSet` operations (last writer
    // wins per document type; a type taken out of every series keeps its row with no
    // body); documents found by type for the disposition queue.
    r#"
    CREATE TABLE record_series (
        doc_type TEXT PRIMARY KEY COLLATE NOCASE,
        body TEXT,
        stamp TEXT NOT NULL
    ) STRICT;
    CREATE INDEX documents_by_type ON documents(doc_type COLLATE NOCASE);
    "#,
    // 27: requests about students' records (issue 22), projecting the `RequestSet`
    // operations (last writer wins per request); an open inspection request holds its
    // student's documents.
    r#"
    CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        subject TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        due TEXT NOT NULL,
        body TEXT NOT NULL,
        stamp TEXT NOT NULL
    ) STRICT;
    CREATE INDEX requests_open ON requests(subject, due) WHERE state = 'open';
    "#,
    // 28: a sitting per version (comparing two versions side by side is one sitting on
    // each, not a new one at every switch). Local, so dropped and made again.
    r#"
    DROP TABLE sittings;
    CREATE TABLE sittings (
        doc TEXT NOT NULL,
        viewer TEXT NOT NULL,
        version TEXT NOT NULL,
        last_ms INTEGER NOT NULL,
        PRIMARY KEY (doc, viewer, version)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 29: disclosures of students' records (issue 22), projecting the
    // `DisclosureRecorded` operations (each recorded once); directory-information
    // opt-outs on people's records.
    r#"
    CREATE TABLE disclosures (
        id TEXT PRIMARY KEY,
        subject TEXT NOT NULL,
        date TEXT NOT NULL,
        body TEXT NOT NULL,
        stamp TEXT NOT NULL
    ) STRICT;
    CREATE INDEX disclosures_by_subject ON disclosures(subject, date);
    ALTER TABLE subjects ADD COLUMN directory_opt_out TEXT;
    "#,
    // 30: destructions (issue 22). `destroyed` holds each destroyed document (no later
    // operation about it is applied); `shredded` the chunks its versions used, so that
    // the packs holding them are rewritten and deleted everywhere; `destructions` and
    // `remote_checks` the signed bodies of each approved batch and each check of the
    // remote since; `derived_to_remove` the versions, destroyed or purged on any desktop,
    // whose thumbnails and page renders this desktop still has to delete.
    r#"
    CREATE TABLE destroyed (
        doc TEXT PRIMARY KEY,
        batch TEXT NOT NULL,
        stamp TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE shredded (chunk BLOB PRIMARY KEY) STRICT, WITHOUT ROWID;
    CREATE TABLE destructions (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        stamp TEXT NOT NULL
    ) STRICT;
    CREATE TABLE remote_checks (
        stamp TEXT PRIMARY KEY,
        batch TEXT NOT NULL,
        body TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX remote_checks_by_batch ON remote_checks(batch);
    CREATE TABLE derived_to_remove (version TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    "#,
    // 31: erasure keys (issue 22). Their operations stay in the journal only; every sync
    // reads them (`Catalog::erasure_ops`), through this index rather than every operation.
    r#"
    CREATE INDEX ops_erasure ON ops(stamp)
        WHERE kind IN ('erasure_epoch', 'erasure_key_wanted', 'erasure_key_given');
    "#,
    // 32: records' own keys (issue 22). A version names the key its content is also under;
    // the keys this desktop opened (from `RecordKeys` operations, kept in the journal only
    // and read through the index) are kept by id, with the newest epoch each was seen
    // sealed under, so that one under an older epoch is given again under the current;
    // and the epochs a destroyed record's key was given under (`erasure_tainted`), which
    // must end even when the destruction is older than the epoch (it crossed a desktop
    // that gave every key again under it).
    r#"
    ALTER TABLE versions ADD COLUMN record_key BLOB;
    CREATE TABLE record_keys (
        id BLOB PRIMARY KEY,
        doc TEXT NOT NULL,
        key BLOB NOT NULL,
        epoch BLOB NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX record_keys_by_doc ON record_keys(doc);
    CREATE INDEX ops_record_keys ON ops(seq) WHERE kind = 'record_keys';
    CREATE TABLE erasure_tainted (epoch BLOB PRIMARY KEY) STRICT, WITHOUT ROWID;
    "#,
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The schema version stored in the database.
pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// The catalog's schema version, refused when a later build wrote it.
fn known_version(conn: &Connection) -> Result<u32> {
    let found = version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(Error::TooNew {
            what: "catalog.sqlite",
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// Bring the schema up to [`SCHEMA_VERSION`], one transaction per step.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found = known_version(conn)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Refuse a catalog this build cannot read (read-only opens do not migrate).
pub fn check_readable(conn: &Connection) -> Result<()> {
    if known_version(conn)? < SCHEMA_VERSION {
        return Err(Error::CatalogNeedsUpgrade);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_an_empty_database_and_is_idempotent() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap();
        assert_eq!(version(&c).unwrap(), SCHEMA_VERSION);
        migrate(&mut c).unwrap();
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 44);
    }

    #[test]
    fn person_registers_are_ranked_by_the_operations_that_wrote_them() {
        let mut c = Connection::open_in_memory().unwrap();
        let tx = c.transaction().unwrap();
        for sql in &MIGRATIONS[..13] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 13).unwrap();
        tx.execute_batch(
            "INSERT INTO ops (stamp, kind, body) VALUES ('s1', 'subject_created', '{}'), ('s2', 'subject_set', '{}');
             INSERT INTO subject_registers (subject, key, value, stamp) VALUES
                 ('x', 'number', '1001', 's1'), ('x', 'name', 'Ann Lee-Smith', 's2');",
        )
        .unwrap();
        tx.commit().unwrap();
        migrate(&mut c).unwrap();
        let ranks: Vec<(String, i64)> = c
            .prepare("SELECT key, created FROM subject_registers ORDER BY key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(ranks, [("name".to_owned(), 0), ("number".to_owned(), 1)]);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert!(matches!(migrate(&mut c), Err(Error::TooNew { .. })));
    }
}
