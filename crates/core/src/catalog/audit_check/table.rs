//! The `audit` table the app and the CLI show, compared row by row with the signed
//! events of the journal.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use super::{AuditCheck, AuditFinding, Event, Tampering};
use crate::catalog::AuditEntry;
use crate::catalog::audit::{columns, row};
use crate::catalog::query::rfc3339;
use crate::error::Result;
use crate::format::op::Stamp;

/// The `audit` table against the applied events (`unauthentic`: events changed in the
/// journal or signed by no one, already reported).
pub(super) fn compare<'a>(
    tx: &Connection,
    events: impl Iterator<Item = &'a Event>,
    unauthentic: &HashSet<&str>,
    check: &mut AuditCheck,
) -> Result<()> {
    let mut expected: HashMap<String, &Event> = events
        .filter(|e| e.verdict.is_none() && !unauthentic.contains(e.row.as_str()))
        .map(|e| (e.stamp.key(), e))
        .collect();
    let mut stmt = tx.prepare(&format!(
        "SELECT {} FROM audit ORDER BY stamp",
        columns("audit")
    ))?;
    let mut rows = stmt.query([])?;
    let mut differing = Vec::new();
    while let Some(r) = rows.next()? {
        let shown = row(r)?;
        let stamp = shown.stamp.clone();
        match expected.get(&stamp) {
            Some(e) if differences(&shown, e).is_empty() => {
                expected.remove(&stamp);
            }
            _ if unauthentic.contains(stamp.as_str()) => {}
            _ => differing.push((stamp, shown)),
        }
    }
    // A row showing an event kept under another stamp was moved; else it was changed,
    // or no event backs it.
    let by_hash: HashMap<Vec<u8>, String> = expected
        .iter()
        .map(|(k, e)| (e.hash.to_vec(), k.clone()))
        .collect();
    for (stamp, shown) in differing {
        let kept = Stamp::parse(&stamp).ok();
        let time = kept.map(|k| rfc3339(k.wall_ms()));
        if let Some(e) = by_hash
            .get(&shown.hash)
            .filter(|k| **k != stamp)
            .and_then(|k| expected.remove(k))
        {
            check.findings.push(AuditFinding {
                kind: Tampering::Reordered,
                device: Some(e.stamp.device),
                event: Some(e.row.clone()),
                time: Some(rfc3339(e.stamp.wall_ms())),
                segment: e.segment,
                detail: format!(
                    "the audit table shows the \"{}\" event by {} at {} though it was made at {}",
                    e.event.action.as_str(),
                    e.event.user,
                    time.unwrap_or(stamp),
                    rfc3339(e.stamp.wall_ms())
                ),
            });
            continue;
        }
        if let Some(e) = expected.get(&stamp) {
            let differ = differences(&shown, e);
            check.findings.push(table_finding(
                e,
                format!(
                    "the audit table shows {} other than the signed event says",
                    differ.join(", ")
                ),
            ));
            expected.remove(&stamp);
            continue;
        }
        check.findings.push(AuditFinding {
            kind: Tampering::TableAltered,
            device: kept.map(|k| k.device),
            event: Some(stamp),
            time,
            segment: None,
            detail: format!(
                "the audit table shows a \"{}\" event by {} that no event of the journal backs",
                shown.action, shown.user
            ),
        });
    }
    let mut missing: Vec<&Event> = expected.into_values().collect();
    missing.sort_by_key(|e| e.stamp);
    for e in missing {
        check.findings.push(table_finding(
            e,
            format!(
                "the \"{}\" event by {} is missing from the audit table",
                e.event.action.as_str(),
                e.event.user
            ),
        ));
    }
    Ok(())
}

fn table_finding(e: &Event, detail: String) -> AuditFinding {
    AuditFinding {
        kind: Tampering::TableAltered,
        device: Some(e.stamp.device),
        event: Some(e.row.clone()),
        time: Some(rfc3339(e.stamp.wall_ms())),
        segment: e.segment,
        detail,
    }
}

/// The columns in which a row of the `audit` table says other than `e`.
fn differences(shown: &AuditEntry, e: &Event) -> Vec<&'static str> {
    let ev = &e.event;
    [
        ("device", shown.device == e.stamp.device.to_string()),
        (
            "who",
            shown.user == ev.user && shown.member == ev.member.map(|m| m.to_string()),
        ),
        ("action", shown.action == ev.action.as_str()),
        ("document", shown.doc == ev.doc.map(|d| d.to_string())),
        (
            "version",
            shown.version == ev.version.map(|v| v.to_string()),
        ),
        ("detail", shown.detail == ev.detail),
        ("chain", shown.prev == ev.prev && shown.hash == e.hash),
        ("person", shown.subject == ev.subject.map(|s| s.to_string())),
    ]
    .into_iter()
    .filter(|(_, same)| !same)
    .map(|(name, _)| name)
    .collect()
}
