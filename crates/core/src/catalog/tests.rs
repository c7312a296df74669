//! Operation merge rules: the same operations in any order give the same catalog.

use proptest::prelude::*;

use super::*;
use crate::format::manifest::Manifest;
use crate::format::op::{FieldKey, FieldValue, VersionRecord};
use crate::format::subject::SubjectField;
use crate::ids::{ContentHash, DocId, SubjectId, VersionId};

fn catalog(dir: &tempfile::TempDir, name: &str, device: DeviceId) -> Catalog {
    let key = crate::keys::MasterKey::generate()
        .folder_key()
        .catalog_key();
    Catalog::open(
        &dir.path().join(name),
        LibraryId::new(),
        device,
        CatalogMode::Create,
        &key,
    )
    .unwrap()
}

fn version(doc: DocId, parents: Vec<VersionId>, n: u8) -> OpKind {
    OpKind::VersionAdded {
        doc,
        version: Box::new(VersionRecord {
            id: VersionId::new(),
            parents,
            manifest: Manifest::default(),
            size: 0,
            content_hash: ContentHash([n; 32]),
            mime: "text/plain".into(),
            file_name: format!("v{n}.txt"),
            file_mtime_ms: None,
            author: "test".into(),
            note: None,
            restored_from: None,
            key: None,
            record: None,
        }),
    }
}

/// Everything a user can see of a catalog, for comparing two of them.
fn state(c: &Catalog) -> String {
    let docs = c.list(Listing::All).unwrap();
    let mut out = String::new();
    for d in docs {
        let detail = c.document(d.id).unwrap();
        let versions: Vec<_> = c
            .versions(d.id)
            .unwrap()
            .into_iter()
            .map(|v| (v.id, v.current))
            .collect();
        out += &format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {} {:?} {:?} {:?}\n",
            d.title,
            d.tags,
            d.trashed,
            d.doc_type,
            detail.fields,
            versions,
            d.updated,
            d.subject_id,
            detail.subject_name,
            c.document_subject(d.id).unwrap(),
        );
    }
    let people = c
        .subjects(&SubjectFilter {
            include_merged: true,
            ..SubjectFilter::default()
        })
        .unwrap();
    for p in people {
        out += &format!("{p:?}\n");
    }
    out += &format!("{:?}\n", c.rules().unwrap());
    out += &format!("{:?}\n", c.all_requirements().unwrap());
    out
}

/// The catalog [`state`] after applying `ops` in stamp order, and one at a time in an
/// order shuffled by `seed`.
fn in_order_and_shuffled(ops: &[Op], seed: u64) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut sorted = catalog(&dir, "sorted.sqlite", DeviceId::new());
    let mut in_order = ops.to_vec();
    in_order.sort_by_key(|o| o.stamp);
    sorted.apply_ops(&in_order).unwrap();
    let mut shuffled = ops.to_vec();
    // Deterministic shuffle from the seed.
    let mut s = seed | 1;
    for i in (1..shuffled.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        shuffled.swap(i, (s % (i as u64 + 1)) as usize);
    }
    let mut other = catalog(&dir, "shuffled.sqlite", DeviceId::new());
    for op in &shuffled {
        other.apply_ops(std::slice::from_ref(op)).unwrap();
    }
    (state(&sorted), state(&other))
}

/// A version record, and its id.
fn version_with_id(doc: DocId, parents: Vec<VersionId>, n: u8) -> (OpKind, VersionId) {
    let v = version(doc, parents, n);
    let OpKind::VersionAdded { version: r, .. } = &v else {
        unreachable!()
    };
    let id = r.id;
    (v, id)
}

/// Two devices' catalogs that both have one document "Report" with version 1 (and
/// whatever `more` adds in the same commit), made on device A. Returns the folder, A, B,
/// the document, version 1 and A's operations.
fn shared_document(
    more: impl FnOnce(DocId) -> Vec<OpKind>,
) -> (
    tempfile::TempDir,
    Catalog,
    Catalog,
    DocId,
    VersionId,
    Vec<Op>,
) {
    let dir = tempfile::tempdir().unwrap();
    let mut ca = catalog(&dir, "a.sqlite", DeviceId::new());
    let doc = DocId::new();
    let (v1, v1_id) = version_with_id(doc, vec![], 1);
    let mut first = vec![
        OpKind::DocumentCreated {
            doc,
            title: "Report".into(),
        },
        v1,
    ];
    first.extend(more(doc));
    let ops = ca.commit(first).unwrap();
    let mut cb = catalog(&dir, "b.sqlite", DeviceId::new());
    cb.apply_ops(&ops).unwrap();
    (dir, ca, cb, doc, v1_id, ops)
}

/// Two devices' offline operations on one document.
fn scenario() -> (Vec<Op>, DocId) {
    let (_dir, mut ca, mut cb, doc, v1_id, mut ops) = shared_document(|doc| {
        vec![OpKind::TagAdded {
            doc,
            tag: "x".into(),
        }]
    });
    // Concurrently: A removes tag x and sets the type; B adds tag x again, sets the type,
    // adds a version and trashes.
    let observed = ca.tag_adds(doc, "x").unwrap();
    ops.extend(
        ca.commit(vec![
            OpKind::TagRemoved {
                doc,
                tag: "x".into(),
                observed,
            },
            OpKind::FieldSet {
                doc,
                key: FieldKey::Type,
                value: Some(FieldValue::Text("Letter".into())),
            },
        ])
        .unwrap(),
    );
    ops.extend(
        cb.commit(vec![
            OpKind::TagAdded {
                doc,
                tag: "x".into(),
            },
            OpKind::FieldSet {
                doc,
                key: FieldKey::Type,
                value: Some(FieldValue::Text("Transcript".into())),
            },
        ])
        .unwrap(),
    );
    ops.extend(ca.commit(vec![version(doc, vec![v1_id], 2)]).unwrap());
    ops.extend(
        cb.commit(vec![OpKind::Trashed {
            doc,
            observed_head: Some(v1_id),
        }])
        .unwrap(),
    );
    (ops, doc)
}

#[test]
fn concurrent_edits_merge_by_the_rules() {
    let (ops, doc) = scenario();
    let dir = tempfile::tempdir().unwrap();
    let mut c = catalog(&dir, "c.sqlite", DeviceId::new());
    c.apply_ops(&ops).unwrap();
    let d = c.document(doc).unwrap();
    // B's re-add of x was concurrent with A's removal: add wins.
    assert_eq!(d.summary.tags, vec!["x".to_owned()]);
    // B trashed without seeing A's version 2: the edit wins, the document stays.
    assert!(!d.summary.trashed);
    assert_eq!(c.versions(doc).unwrap().len(), 2);
    // Applying the same operations again changes nothing.
    assert_eq!(c.apply_ops(&ops).unwrap(), 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_delivery_order_gives_the_same_catalog(seed in any::<u64>()) {
        let (ops, _) = scenario();
        let (sorted, shuffled) = in_order_and_shuffled(&ops, seed);
        prop_assert_eq!(sorted, shuffled);
    }
}

/// A purge of a document and, concurrently on another device, a new version of it.
fn purge_scenario() -> (Vec<Op>, DocId, VersionId) {
    let (_dir, mut ca, mut cb, doc, v1_id, mut ops) = shared_document(|_| Vec::new());
    ops.extend(
        ca.commit(vec![
            OpKind::Trashed {
                doc,
                observed_head: Some(v1_id),
            },
            OpKind::Purged {
                doc,
                versions: vec![v1_id],
            },
        ])
        .unwrap(),
    );
    let (v2, v2_id) = version_with_id(doc, vec![v1_id], 2);
    ops.extend(cb.commit(vec![v2]).unwrap());
    (ops, doc, v2_id)
}

#[test]
fn a_purge_deletes_what_it_saw_and_a_concurrent_version_survives() {
    let (ops, doc, v2) = purge_scenario();
    let dir = tempfile::tempdir().unwrap();
    // Without B's version: the document is gone.
    let mut alone = catalog(&dir, "alone.sqlite", DeviceId::new());
    alone.apply_ops(&ops[..ops.len() - 1]).unwrap();
    assert!(alone.list(Listing::All).unwrap().is_empty());
    assert!(matches!(
        alone.document(doc),
        Err(crate::Error::NoSuchDocument { .. })
    ));
    // With it, in either order: the document is back with version 2 only, not trashed.
    for order in [false, true] {
        let mut ops = ops.clone();
        if order {
            let last = ops.pop().unwrap();
            ops.insert(2, last);
        }
        let mut c = catalog(&dir, &format!("c{order}.sqlite"), DeviceId::new());
        c.apply_ops(&ops).unwrap();
        let d = c.document(doc).unwrap();
        assert_eq!(d.summary.title, "Report");
        assert!(!d.summary.trashed);
        let versions: Vec<_> = c.versions(doc).unwrap().into_iter().map(|v| v.id).collect();
        assert_eq!(versions, vec![v2]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn a_purge_merges_the_same_in_any_order(seed in any::<u64>()) {
        let (ops, _, _) = purge_scenario();
        let (sorted, shuffled) = in_order_and_shuffled(&ops, seed);
        prop_assert_eq!(sorted, shuffled);
    }
}

fn person(subject: SubjectId, number: &str, name: &str) -> OpKind {
    OpKind::SubjectCreated {
        subject,
        values: [
            (SubjectField::Kind, "student".to_owned()),
            (SubjectField::Number, number.to_owned()),
            (SubjectField::Name, name.to_owned()),
        ]
        .into_iter()
        .collect(),
        author: "test".into(),
        collection: "all".into(),
    }
}

fn merged(subject: SubjectId, into: Option<SubjectId>) -> OpKind {
    OpKind::SubjectMerged {
        subject,
        into,
        author: "test".into(),
        collection: "all".into(),
    }
}

/// Two devices' offline work on people: a document typed with a number before anyone
/// has that number, the same person created on both devices, two people merged each into
/// the other concurrently, a rename, and a document linked by one device while the other
/// typed a number into it.
fn subject_scenario() -> (Vec<Op>, DocId, SubjectId, SubjectId) {
    let (_dir, mut ca, mut cb, doc, _, mut ops) = shared_document(|doc| {
        vec![OpKind::FieldSet {
            doc,
            key: FieldKey::SubjectId,
            value: Some(FieldValue::Text("1001".into())),
        }]
    });
    let (x, y) = (SubjectId::new(), SubjectId::new());
    ops.extend(
        ca.commit(vec![
            person(x, "1001", "Ann Lee"),
            person(y, "2002", "Ann Lea"),
        ])
        .unwrap(),
    );
    // B creates the same person x too (the same roster imported on both).
    ops.extend(cb.commit(vec![person(x, "1001", "Ann Lee")]).unwrap());
    let rule = crate::ids::RuleId::new();
    let ruled = |name: &str| OpKind::RuleSet {
        rule,
        body: Some(crate::format::rule::Rule {
            name: name.into(),
            position: 0,
            enabled: true,
            when: Vec::new(),
            then: vec![crate::format::rule::Action::Type { value: name.into() }],
        }),
        author: "test".into(),
        collection: "all".into(),
    };
    let required = |types: &[&str]| OpKind::RequirementsSet {
        programme: "Grade 9".into(),
        types: types.iter().map(|t| (*t).to_owned()).collect(),
        author: "test".into(),
        collection: "all".into(),
    };
    ops.extend(
        ca.commit(vec![
            merged(x, Some(y)),
            ruled("from a"),
            required(&["Transcript"]),
        ])
        .unwrap(),
    );
    ops.extend(
        cb.commit(vec![ruled("from b"), required(&["ID photo"])])
            .unwrap(),
    );
    ops.extend(
        cb.commit(vec![
            merged(y, Some(x)),
            OpKind::SubjectSet {
                subject: y,
                field: SubjectField::Name,
                value: Some("Ann Lea-Smith".into()),
                author: "test".into(),
                collection: "all".into(),
            },
            OpKind::DocumentSubjectSet {
                doc,
                subject: Some(y),
                author: "test".into(),
                collection: "all".into(),
            },
        ])
        .unwrap(),
    );
    (ops, doc, x, y)
}

#[test]
fn people_and_their_merges_resolve_the_same_on_every_device() {
    let (ops, doc, x, y) = subject_scenario();
    let dir = tempfile::tempdir().unwrap();
    let mut c = catalog(&dir, "c.sqlite", DeviceId::new());
    // Only the document and its typed number: no one has that number yet.
    c.apply_ops(&ops[..3]).unwrap();
    assert_eq!(c.document_subject(doc).unwrap(), None);
    assert_eq!(
        c.document(doc).unwrap().summary.subject_id.as_deref(),
        Some("1001")
    );
    c.apply_ops(&ops).unwrap();
    // x and y were merged each into the other: both lead to the smaller id.
    let lead = x.min(y);
    let other = x.max(y);
    assert_eq!(c.subject(other).unwrap().shown_as, Some(lead));
    assert_eq!(
        c.subject(lead).unwrap().shown_as,
        None,
        "the loop's lead is shown"
    );
    // The lead stays findable, by number and in lists; the other is not.
    let lead_number = c.subject(lead).unwrap().number;
    assert_eq!(c.resolve_subject(&lead_number).unwrap(), lead);
    let listed: Vec<SubjectId> = c
        .subjects(&SubjectFilter::default())
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert!(
        listed.contains(&lead) && !listed.contains(&other),
        "{listed:?}"
    );
    assert_eq!(c.document_subject(doc).unwrap(), Some(lead));
    assert_eq!(c.subject_documents(lead).unwrap()[0].id, doc);
    let shown = c.document(doc).unwrap();
    let lead_record = c.subject(lead).unwrap();
    assert_eq!(
        shown.summary.subject_id.as_deref(),
        Some(lead_record.number.as_str())
    );
    assert_eq!(
        shown.subject_name.as_deref(),
        Some(lead_record.name.as_str())
    );
    // Undoing y's merge leaves x's: y leads to itself and the document (linked to y) with it.
    c.commit(vec![merged(y, None)]).unwrap();
    assert_eq!(c.subject(y).unwrap().shown_as, None);
    assert_eq!(c.subject(x).unwrap().shown_as, Some(y));
    assert_eq!(c.document_subject(doc).unwrap(), Some(y));
    assert_eq!(
        c.document(doc).unwrap().subject_name.as_deref(),
        Some("Ann Lea-Smith")
    );
    // A number typed later than the link decides again.
    c.commit(vec![OpKind::FieldSet {
        doc,
        key: FieldKey::SubjectId,
        value: Some(FieldValue::Text("1001".into())),
    }])
    .unwrap();
    assert_eq!(
        c.document_subject(doc).unwrap(),
        Some(y),
        "1001 is x, merged into y"
    );
    assert_eq!(c.apply_ops(&ops).unwrap(), 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn people_merge_the_same_in_any_order(seed in any::<u64>()) {
        let (ops, ..) = subject_scenario();
        let (sorted, shuffled) = in_order_and_shuffled(&ops, seed);
        prop_assert_eq!(sorted, shuffled);
    }
}

/// A person renamed on one desktop, and the same roster imported later on another that had
/// not seen the person yet (it creates them again, with the roster's name).
fn roster_scenario() -> (Vec<Op>, SubjectId) {
    let dir = tempfile::tempdir().unwrap();
    let mut a = catalog(&dir, "a.sqlite", DeviceId::new());
    let mut b = catalog(&dir, "b.sqlite", DeviceId::new());
    let mut c = catalog(&dir, "c.sqlite", DeviceId::new());
    let x = SubjectId::new();
    let mut ops = a.commit(vec![person(x, "1001", "Ann Lee")]).unwrap();
    b.apply_ops(&ops).unwrap();
    let renamed = b
        .commit(vec![OpKind::SubjectSet {
            subject: x,
            field: SubjectField::Name,
            value: Some("Ann Lee-Smith".into()),
            author: "test".into(),
            collection: "all".into(),
        }])
        .unwrap();
    // C's clock is past the rename (it saw something later of B's), not the person.
    let later = b
        .commit(vec![OpKind::RequirementsSet {
            programme: "Grade 9".into(),
            types: vec!["Transcript".into()],
            author: "test".into(),
            collection: "all".into(),
        }])
        .unwrap();
    c.apply_ops(&later).unwrap();
    let again = c.commit(vec![person(x, "1001", "Ann Lee")]).unwrap();
    assert!(again[0].stamp > renamed[0].stamp);
    ops.extend(renamed);
    ops.extend(later);
    ops.extend(again);
    (ops, x)
}

#[test]
fn a_roster_imported_later_elsewhere_never_puts_back_an_edit() {
    let (ops, x) = roster_scenario();
    let dir = tempfile::tempdir().unwrap();
    let mut c = catalog(&dir, "c.sqlite", DeviceId::new());
    c.apply_ops(&ops).unwrap();
    assert_eq!(c.subject(x).unwrap().name, "Ann Lee-Smith");
    // An edit after it still wins, and a creation never does.
    c.commit(vec![OpKind::SubjectSet {
        subject: x,
        field: SubjectField::Name,
        value: Some("Ann Smith".into()),
        author: "test".into(),
        collection: "all".into(),
    }])
    .unwrap();
    c.commit(vec![person(x, "1001", "Ann Lee")]).unwrap();
    assert_eq!(c.subject(x).unwrap().name, "Ann Smith");
    assert_eq!(c.subject(x).unwrap().number, "1001");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn roster_imports_and_edits_merge_the_same_in_any_order(seed in any::<u64>()) {
        let (ops, _) = roster_scenario();
        let (sorted, shuffled) = in_order_and_shuffled(&ops, seed);
        prop_assert_eq!(sorted, shuffled);
    }
}

#[test]
fn the_clock_never_goes_backwards() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = catalog(&dir, "c.sqlite", DeviceId::new());
    let mut last = c.next_stamp();
    for _ in 0..1000 {
        let s = c.next_stamp();
        assert!(s > last);
        last = s;
    }
}

// ----- sync bookkeeping (`replica`) -----

fn segment_of(device: DeviceId, seq: u64, ops: Vec<Op>) -> crate::format::journal::Segment {
    crate::format::journal::Segment {
        device,
        seq,
        ops,
        link: None,
        withheld: None,
    }
}

#[test]
fn own_operations_leave_once_in_numbered_segments() {
    let dir = tempfile::tempdir().unwrap();
    let me = DeviceId::new();
    let mut c = catalog(&dir, "c.sqlite", me);
    let doc = DocId::new();
    let first = c
        .commit(vec![OpKind::DocumentCreated {
            doc,
            title: "Transcript".into(),
        }])
        .unwrap();
    // Another device's operations are never among this device's unsent ones.
    let mut other = catalog(&dir, "o.sqlite", DeviceId::new());
    let theirs = other
        .commit(vec![OpKind::TagAdded {
            doc,
            tag: "grade-9".into(),
        }])
        .unwrap();
    c.apply_segment(&segment_of(other.device(), 1, theirs.clone()))
        .unwrap();
    assert_eq!(c.unsent_ops(10).unwrap(), first);
    assert_eq!(c.last_segment(me).unwrap(), 0);

    c.mark_sent(&segment_of(me, 1, first)).unwrap();
    assert!(c.unsent_ops(10).unwrap().is_empty());
    assert_eq!(c.last_segment(me).unwrap(), 1);

    let later = c.commit(vec![version(doc, vec![], 1)]).unwrap();
    assert_eq!(c.unsent_ops(10).unwrap(), later);
    assert_eq!(c.unsent_ops(0).unwrap(), vec![]);
    let held = c.segments().unwrap();
    assert_eq!(held.get(&me), Some(&1));
    assert_eq!(held.get(&other.device()), Some(&1));
    // Marking another device's segment as this one's is refused.
    assert!(c.mark_sent(&segment_of(other.device(), 2, theirs)).is_err());
}

#[test]
fn a_segment_already_on_the_remote_is_adopted_with_what_this_catalog_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let me = DeviceId::new();
    // An older copy of this device's catalog sent ops the current copy never had.
    let mut old = catalog(&dir, "old.sqlite", me);
    let doc = DocId::new();
    let sent = old
        .commit(vec![
            OpKind::DocumentCreated {
                doc,
                title: "Enrolment form".into(),
            },
            version(doc, vec![], 2),
        ])
        .unwrap();
    let mut c = catalog(&dir, "c.sqlite", me);
    c.apply_ops(&sent[..1]).unwrap();
    c.mark_sent(&segment_of(me, 1, sent)).unwrap();
    assert!(c.unsent_ops(10).unwrap().is_empty());
    assert_eq!(c.versions(doc).unwrap().len(), 1);
    assert_eq!(c.last_segment(me).unwrap(), 1);
}

#[test]
fn other_devices_segments_apply_in_order_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = catalog(&dir, "c.sqlite", DeviceId::new());
    let mut other = catalog(&dir, "o.sqlite", DeviceId::new());
    let doc = DocId::new();
    let s1 = segment_of(
        other.device(),
        1,
        other
            .commit(vec![OpKind::DocumentCreated {
                doc,
                title: "Report".into(),
            }])
            .unwrap(),
    );
    let s2 = segment_of(
        other.device(),
        2,
        other.commit(vec![version(doc, vec![], 3)]).unwrap(),
    );
    let gap = c.apply_segment(&s2).unwrap_err();
    assert!(
        gap.to_string().contains("arrived before segment 1"),
        "{gap}"
    );
    assert_eq!(c.apply_segment(&s1).unwrap(), 1);
    assert_eq!(c.apply_segment(&s2).unwrap(), 1);
    assert_eq!(
        c.apply_segment(&s1).unwrap(),
        0,
        "an old segment is ignored"
    );
    assert_eq!(state(&c), state(&other));
    // A segment holding an operation of a third device is damage, not data.
    let mut third = catalog(&dir, "t.sqlite", DeviceId::new());
    let forged = segment_of(
        other.device(),
        3,
        third
            .commit(vec![OpKind::TagAdded {
                doc,
                tag: "x".into(),
            }])
            .unwrap(),
    );
    assert!(matches!(
        c.apply_segment(&forged),
        Err(crate::Error::Integrity { .. })
    ));
    assert_eq!(c.last_segment(other.device()).unwrap(), 2);
    assert!(c.list(Listing::All).unwrap()[0].tags.is_empty());
}

/// Segments link into a chain per device: the next one names the digest of the last,
/// and one whose link names another history (two copies of one device's library) is
/// refused, nothing of it applied; the heads a segment saw are kept.
#[test]
fn a_segment_off_its_devices_chain_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = catalog(&dir, "c.sqlite", DeviceId::new());
    let mut other = catalog(&dir, "o.sqlite", DeviceId::new());
    let doc = DocId::new();
    let first = other
        .commit(vec![OpKind::DocumentCreated {
            doc,
            title: "Report".into(),
        }])
        .unwrap();
    other
        .mark_sent(&segment_of(other.device(), 1, first.clone()))
        .unwrap();
    let link = other.next_link().unwrap();
    assert_eq!(
        link.prev,
        Some(
            segment_of(other.device(), 1, first.clone())
                .digest()
                .unwrap()
        )
    );
    c.apply_segment(&segment_of(other.device(), 1, first))
        .unwrap();
    let ops = other.commit(vec![version(doc, vec![], 3)]).unwrap();
    let mut forked = segment_of(other.device(), 2, ops.clone());
    let third = DeviceId::new();
    forked.link = Some(crate::format::journal::Link {
        prev: Some(crate::format::journal::SegmentDigest([1; 32])),
        seen: [(third, 7)].into(),
        audit: None,
    });
    assert!(matches!(
        c.apply_segment(&forked),
        Err(crate::Error::HistoryFork { .. })
    ));
    assert_eq!(c.last_segment(other.device()).unwrap(), 1);
    assert!(c.seen_heads().unwrap().is_empty());
    let mut linked = forked.clone();
    linked.link.as_mut().unwrap().prev = link.prev;
    assert_eq!(c.apply_segment(&linked).unwrap(), 1);
    assert_eq!(
        c.seen_heads().unwrap().get(&third),
        Some(&(7, crate::format::journal::object_name(other.device(), 2)))
    );
    // Rebuilt, the segment is the same segment: same link, same digest.
    let again = c.segment(other.device(), 2).unwrap().unwrap();
    assert_eq!(again.digest().unwrap(), linked.digest().unwrap());
    assert_eq!(
        c.segment_digest(other.device(), 2).unwrap(),
        Some(linked.digest().unwrap())
    );
}

/// Two re-sealings of one version (a record moved twice, on two desktops) and the version
/// itself, in any order: the later re-sealing is the version's content everywhere.
#[test]
fn the_later_resealing_counts_whatever_order_it_arrives_in() {
    use crate::format::collection_keys::ContentKey;
    let (dir, _ca, mut cb, doc, v1, mut ops) = shared_document(|_| Vec::new());
    let reseal = |n: u8, collection: &str| OpKind::VersionResealed {
        doc,
        version: v1,
        manifest: Manifest::default(),
        content_hash: ContentHash([n; 32]),
        key: Some(ContentKey {
            collection: collection.into(),
            epoch: 0,
            object: None,
        }),
    };
    ops.extend(cb.commit(vec![reseal(7, "Science")]).unwrap());
    // The second desktop had the first re-sealing: its own is later.
    let mut cc = catalog(&dir, "c.sqlite", DeviceId::new());
    cc.apply_ops(&ops).unwrap();
    ops.extend(cc.commit(vec![reseal(8, "History")]).unwrap());
    for seed in 1..12u64 {
        let mut shuffled = ops.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut c = catalog(&dir, &format!("s{seed}.sqlite"), DeviceId::new());
        for op in &shuffled {
            c.apply_ops(std::slice::from_ref(op)).unwrap();
        }
        let v = c.versions(doc).unwrap().pop().unwrap();
        assert_eq!(v.content_hash, ContentHash([8; 32]), "seed {seed}");
        assert_eq!(v.content_key.unwrap().collection, "History", "seed {seed}");
    }
}
