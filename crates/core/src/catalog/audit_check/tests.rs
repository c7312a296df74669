//! Each kind of tampering with the audit trail, done to a catalog behind its back (as an
//! insider with the folder's key could), is found by `dossier audit verify` and reported
//! as what it is, at the event and segment it is at.

use rusqlite::params;

use super::*;
use crate::keys::KdfParams;
use crate::library::Library;
use crate::library::test_support::{import_text, owned_library};
use crate::role::Role;

/// An owned library: one document tagged in three segments' worth of batches (two sent,
/// the third not), each tag an audit event signed by Ann.
fn office(dir: &std::path::Path) -> Library {
    let mut lib = owned_library(dir);
    lib.add_person(
        "Bea",
        "bea's own passphrase",
        KdfParams::FAST,
        Role::RegistrarStaff,
        &[],
    )
    .unwrap();
    let doc = import_text(&mut lib, dir, "report.txt", "term report of a student");
    for round in ["a", "b", "c"] {
        for i in 0..3 {
            lib.tag(doc, &[format!("{round}{i}")], &[]).unwrap();
        }
        if round != "c" {
            while let Some(segment) = lib.next_segment().unwrap() {
                lib.mark_sent(&segment).unwrap();
            }
        }
    }
    lib
}

/// One audit event of the journal: its stamp, segment, batch and body.
#[derive(Debug, Clone)]
struct Row {
    stamp: String,
    segment: Option<i64>,
    batch: String,
}

fn events(lib: &Library) -> Vec<Row> {
    let conn = lib.catalog().conn();
    let mut stmt = conn
        .prepare("SELECT stamp, segment, batch FROM ops WHERE kind = 'audit' ORDER BY stamp")
        .unwrap();
    stmt.query_map([], |r| {
        Ok(Row {
            stamp: r.get(0)?,
            segment: r.get(1)?,
            batch: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// What `check_audit` finds with `change` made to the catalog (then undone).
fn tampered(lib: &Library, change: impl FnOnce(&Connection)) -> AuditCheck {
    let conn = lib.catalog().conn();
    conn.execute_batch("SAVEPOINT tamper").unwrap();
    change(conn);
    let check = lib.check_audit().unwrap();
    conn.execute_batch("ROLLBACK TO tamper; RELEASE tamper")
        .unwrap();
    check
}

fn kinds(check: &AuditCheck) -> Vec<Tampering> {
    check.findings.iter().map(|f| f.kind).collect()
}

#[test]
fn a_trail_as_made_is_clean_and_signed() {
    let t = tempfile::tempdir().unwrap();
    let lib = office(t.path());
    let check = lib.check_audit().unwrap();
    assert!(check.is_clean(), "{:#?}", check.findings);
    let all = events(&lib);
    assert_eq!(check.events, all.len());
    assert!(check.signed >= 9, "{check:?}");
    assert_eq!(check.signed + check.unsigned, all.len());
    // Both sent segments carry the chain's head.
    let heads = lib.catalog().segment_links().unwrap();
    let device = lib.device_id();
    for seq in [1, 2] {
        let head = heads[&(device, seq)].audit.expect("a head");
        let through: Vec<&Row> = all
            .iter()
            .filter(|r| r.segment.is_some_and(|s| s <= seq as i64))
            .collect();
        assert_eq!(head.events, through.len() as u64);
    }
}

#[test]
fn an_event_changed_after_it_was_signed_is_found_where_it_is() {
    let t = tempfile::tempdir().unwrap();
    let lib = office(t.path());
    let all = events(&lib);
    // A tag of the first sent segment, not its newest event.
    let victim = all
        .iter()
        .filter(|r| r.segment == Some(1))
        .nth_back(1)
        .unwrap()
        .clone();
    let check = tampered(&lib, |c| {
        for table in [
            "UPDATE ops SET body = json_set(body, '$.event.user', 'Eve') WHERE stamp = ?1",
            "UPDATE audit SET user = 'Eve' WHERE stamp = ?1",
        ] {
            assert_eq!(c.execute(table, [&victim.stamp]).unwrap(), 1);
        }
    });
    assert_eq!(kinds(&check), [Tampering::Edited], "{:#?}", check.findings);
    let f = &check.findings[0];
    assert_eq!(f.event.as_deref(), Some(victim.stamp.as_str()));
    assert_eq!(f.segment, Some(1));
    assert!(f.detail.contains("was changed after it was signed"), "{f}");

    // The newest event of a segment: its segment's head names it.
    let newest = all.iter().rfind(|r| r.segment == Some(2)).unwrap();
    let check = tampered(&lib, |c| {
        c.execute(
            "UPDATE ops SET body = json_set(body, '$.event.detail', 'nothing') WHERE stamp = ?1",
            [&newest.stamp],
        )
        .unwrap();
    });
    assert!(
        check
            .findings
            .iter()
            .any(|f| f.kind == Tampering::Edited
                && f.event.as_deref() == Some(newest.stamp.as_str())),
        "{:#?}",
        check.findings
    );
}

#[test]
fn the_table_the_app_shows_is_checked_against_the_journal() {
    let t = tempfile::tempdir().unwrap();
    let lib = office(t.path());
    let all = events(&lib);
    let victim = &all[all.len() - 4];
    // A row changed.
    let check = tampered(&lib, |c| {
        c.execute(
            "UPDATE audit SET action = 'viewed' WHERE stamp = ?1",
            [&victim.stamp],
        )
        .unwrap();
    });
    assert_eq!(kinds(&check), [Tampering::TableAltered]);
    assert_eq!(
        check.findings[0].event.as_deref(),
        Some(victim.stamp.as_str())
    );
    assert!(
        check.findings[0].detail.contains("action"),
        "{}",
        check.findings[0]
    );
    // A row removed.
    let check = tampered(&lib, |c| {
        c.execute("DELETE FROM audit WHERE stamp = ?1", [&victim.stamp])
            .unwrap();
    });
    assert_eq!(kinds(&check), [Tampering::TableAltered]);
    assert!(
        check.findings[0]
            .detail
            .contains("missing from the audit table")
    );
    // A row added that no event backs.
    let check = tampered(&lib, |c| {
        c.execute(
            "INSERT INTO audit (stamp, device, user, action, doc, version, detail, prev, hash)
             SELECT '1' || substr(stamp, 2), device, 'Eve', 'exported', doc, version, detail, prev, zeroblob(32)
             FROM audit WHERE stamp = ?1",
            [&victim.stamp],
        )
        .unwrap();
    });
    assert_eq!(kinds(&check), [Tampering::TableAltered]);
    assert!(
        check.findings[0]
            .detail
            .contains("no event of the journal backs")
    );
    // A row moved to another time.
    let check = tampered(&lib, |c| {
        c.execute(
            "UPDATE audit SET stamp = '1' || substr(stamp, 2) WHERE stamp = ?1",
            [&victim.stamp],
        )
        .unwrap();
    });
    assert_eq!(
        kinds(&check),
        [Tampering::Reordered],
        "{:#?}",
        check.findings
    );
}

#[test]
fn events_removed_between_others_or_at_the_end_are_found() {
    let t = tempfile::tempdir().unwrap();
    let lib = office(t.path());
    let all = events(&lib);
    // A whole batch (its tag, its event, its signature) from the middle of segment 2.
    let middle = all.iter().filter(|r| r.segment == Some(2)).nth(1).unwrap();
    let check = tampered(&lib, |c| {
        c.execute("DELETE FROM ops WHERE batch = ?1", [&middle.batch])
            .unwrap();
        c.execute("DELETE FROM audit WHERE stamp = ?1", [&middle.stamp])
            .unwrap();
    });
    assert_eq!(kinds(&check), [Tampering::Removed], "{:#?}", check.findings);
    assert_eq!(check.findings[0].segment, Some(2));
    assert!(check.findings[0].detail.contains("missing between"));

    // Only the event, its batch left short of it.
    let check = tampered(&lib, |c| {
        c.execute("DELETE FROM ops WHERE stamp = ?1", [&middle.stamp])
            .unwrap();
        c.execute("DELETE FROM audit WHERE stamp = ?1", [&middle.stamp])
            .unwrap();
    });
    assert!(!check.is_clean());
    assert!(
        check.findings.iter().all(|f| f.kind == Tampering::Removed),
        "{:#?}",
        check.findings
    );

    // The newest batches of the newest sent segment: no later event names them, the
    // segment's head does.
    let last: Vec<&Row> = all.iter().filter(|r| r.segment == Some(2)).collect();
    let tail = &last[last.len() - 2..];
    let check = tampered(&lib, |c| {
        for r in tail {
            c.execute("DELETE FROM ops WHERE batch = ?1", [&r.batch])
                .unwrap();
            c.execute("DELETE FROM audit WHERE stamp = ?1", [&r.stamp])
                .unwrap();
        }
    });
    // The first unsent event names the removed one: missing between. The head says how
    // many.
    assert!(
        check.findings.iter().any(|f| f.kind == Tampering::Removed),
        "{:#?}",
        check.findings
    );
    assert!(check.findings.iter().all(|f| f.kind == Tampering::Removed));

    // The unsent events too: only the head tells.
    let unsent: Vec<&Row> = all.iter().filter(|r| r.segment.is_none()).collect();
    let check = tampered(&lib, |c| {
        for r in tail.iter().copied().chain(unsent.iter().copied()) {
            c.execute("DELETE FROM ops WHERE batch = ?1", [&r.batch])
                .unwrap();
            c.execute("DELETE FROM audit WHERE stamp = ?1", [&r.stamp])
                .unwrap();
        }
    });
    assert_eq!(kinds(&check), [Tampering::Removed], "{:#?}", check.findings);
    let f = &check.findings[0];
    assert_eq!(f.segment, Some(2));
    assert!(
        f.detail
            .contains("the newest events of this device were removed")
            && f.detail.contains("2 event(s)"),
        "{f}"
    );
}

#[test]
fn events_kept_out_of_their_order_or_added_unsigned_are_found() {
    let t = tempfile::tempdir().unwrap();
    let lib = office(t.path());
    let all = events(&lib);
    let unsent: Vec<&Row> = all.iter().filter(|r| r.segment.is_none()).collect();
    let (a, b) = (unsent[0], unsent[1]);
    // Two events' places swapped in the journal (and the table).
    let check = tampered(&lib, |c| {
        for table in ["ops", "audit"] {
            let swap = format!(
                "UPDATE {table} SET stamp = CASE stamp WHEN ?1 THEN 'x' || ?2 ELSE 'x' || ?1 END
                 WHERE stamp IN (?1, ?2)"
            );
            c.execute(&swap, params![a.stamp, b.stamp]).unwrap();
            c.execute(
                &format!("UPDATE {table} SET stamp = substr(stamp, 2) WHERE stamp LIKE 'x%'"),
                [],
            )
            .unwrap();
        }
    });
    assert!(!check.is_clean());
    assert!(
        check
            .findings
            .iter()
            .all(|f| f.kind == Tampering::Reordered),
        "{:#?}",
        check.findings
    );
    assert!(
        check
            .findings
            .iter()
            .any(|f| f.event.as_deref() == Some(a.stamp.as_str())
                || f.event.as_deref() == Some(b.stamp.as_str()))
    );

    // An event no one signed, put after the others as if made here.
    let check = tampered(&lib, |c| {
        let (body, stamp): (String, String) = c
            .query_row(
                "SELECT body, stamp FROM ops WHERE stamp = ?1",
                [&unsent[unsent.len() - 1].stamp],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let mut op: Op = serde_json::from_str(&body).unwrap();
        let prev = match &op.kind {
            OpKind::Audit { event } => event.chain_hash(&op.stamp).to_vec(),
            _ => unreachable!(),
        };
        op.stamp.hlc.counter += 1000;
        if let OpKind::Audit { event } = &mut op.kind {
            event.prev = prev;
            event.user = "Ann".into();
            event.detail = Some("nothing happened here".into());
        }
        assert_ne!(op.stamp.key(), stamp);
        c.execute(
            "INSERT INTO ops (stamp, kind, body) VALUES (?1, 'audit', ?2)",
            params![op.stamp.key(), serde_json::to_string(&op).unwrap()],
        )
        .unwrap();
    });
    assert_eq!(kinds(&check), [Tampering::Added], "{:#?}", check.findings);
    assert!(check.findings[0].detail.contains("signed by no one"));
}
