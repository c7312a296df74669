//! Signed history (issue 21): in a library kept by its people every batch of changes is
//! signed by its author, and every desktop applies a batch only when the signature is the
//! author's over exactly those changes and their role then allowed it. Anything else is
//! kept in the journal (segments stay exact), not applied, and reported.

use dossier_core::{
    DeviceId, DocId, FieldKey, FieldValue, Hlc, Identity, MemberId, Op, OpKind, Role, Segment,
    Stamp, sign_batch,
};

use super::*;

const ANN: &str = "ann's own passphrase";
const BEA: &str = "bea's own passphrase";
const CAL: &str = "cal's own passphrase";

pub(super) fn person(who: &str, passphrase: &str) -> Secret {
    Secret::Person {
        who: who.into(),
        passphrase: Zeroizing::new(passphrase.into()),
    }
}

/// Send every unsent segment of `from` to each of `to`; returns them.
pub(super) fn relay(from: &mut Library, to: &mut [&mut Library]) -> Vec<Segment> {
    let mut sent = Vec::new();
    while let Some(segment) = from.next_segment().unwrap() {
        for lib in to.iter_mut() {
            lib.apply_segment(&segment).unwrap();
        }
        from.mark_sent(&segment).unwrap();
        sent.push(segment);
    }
    sent
}

/// What syncing does for the erasure keys, between desktops that exchange everything:
/// each settles (asks for the current key, gives it, opens the records' keys given under
/// it) and passes on what that committed, until nothing more is committed. Where a
/// keyring holds the keys, records' content then opens on every desktop.
pub(super) fn settle_erasure(libs: &mut [&mut Library]) {
    for _ in 0..4 {
        let mut sent = 0;
        for i in 0..libs.len() {
            let _ = libs[i].settle_erasure();
            let (before, rest) = libs.split_at_mut(i);
            let (from, after) = rest.split_first_mut().expect("i is in range");
            let mut others: Vec<&mut Library> = before
                .iter_mut()
                .chain(after.iter_mut())
                .map(|l| &mut **l)
                .collect();
            sent += relay(from, &mut others).len();
        }
        if sent == 0 {
            return;
        }
    }
}

/// Ann's library with one document, Bea (registrar staff) and Cal (auditor); Bea's own
/// desktop has joined and received everything. Returns Ann's segments too.
fn office(dir: &Path) -> (Library, Library, DocId, Vec<Segment>) {
    let (mut ann, _) = create(dir);
    let doc = imported(&import(
        &mut ann,
        &[write(dir, "report.txt", b"term report of a student")],
        &ImportOptions::default(),
    ))[0];
    ann.become_owner("Ann", ANN, FAST).unwrap();
    ann.add_person("Bea", BEA, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    ann.add_person("Cal", CAL, FAST, Role::Auditor, &[])
        .unwrap();
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut bea = Library::join(&dir.join("bea"), &objects, &person("Bea", BEA)).unwrap();
    let sent = relay(&mut ann, &mut [&mut bea]);
    (ann, bea, doc, sent)
}

fn tags(lib: &Library, doc: DocId) -> Vec<String> {
    lib.catalog().document(doc).unwrap().summary.tags
}

pub(super) fn stamp(device: DeviceId, counter: u32) -> Stamp {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    Stamp {
        hlc: Hlc {
            wall_ms: now,
            counter,
        },
        device,
    }
}

/// The identity in `lib`'s key slots named `name`, opened with `passphrase`.
pub(super) fn identity(lib: &Library, name: &str, passphrase: &str) -> Identity {
    let kf = lib.key_file().unwrap();
    let file = kf
        .slots
        .iter()
        .filter_map(|s| s.identity())
        .find(|f| f.public.name == name)
        .unwrap();
    Identity::unwrap(file, passphrase).unwrap()
}

#[test]
fn a_batch_is_signed_by_its_author_and_applied_on_another_desktop() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bea, doc, _) = office(t.path());
    assert_eq!(tags(&bea, doc), Vec::<String>::new());
    bea.tag(doc, &["term".into()], &[]).unwrap();
    let sent = relay(&mut bea, &mut [&mut ann]);
    let last = sent.last().unwrap().ops.last().unwrap();
    match &last.kind {
        OpKind::Signed { member, covers, .. } => {
            assert_eq!(*member, bea.person().unwrap().member);
            assert_eq!(*covers as usize, sent.last().unwrap().ops.len() - 1);
        }
        other => panic!("the batch ends with {other:?}"),
    }
    assert_eq!(tags(&ann, doc), ["term"]);
    let audit = ann.catalog().audit(Some(doc)).unwrap().pop().unwrap();
    assert_eq!(audit.user, "Bea");
    assert!(ann.held_batches().unwrap().is_empty());
    assert!(bea.held_batches().unwrap().is_empty());
}

/// A segment of many batches has their signatures checked ahead on another core: one
/// forged among them is refused all the same, and only it.
#[test]
fn a_forged_batch_among_many_is_refused_alone() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bea, doc, _) = office(t.path());
    for i in 0..12 {
        bea.tag(doc, &[format!("week-{i}")], &[]).unwrap();
    }
    let mut segment = bea.next_segment().unwrap().unwrap();
    let mut signed = segment.ops.iter_mut().filter_map(|op| match &mut op.kind {
        OpKind::Signed { signature, .. } => Some(signature),
        _ => None,
    });
    let forged = signed.nth(4).unwrap();
    forged[10] ^= 1;
    ann.apply_segment(&segment).unwrap();
    let held = ann.held_batches().unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    assert!(held[0].refused, "{held:?}");
    let mut want: Vec<String> = (0..12)
        .filter(|i| *i != 4)
        .map(|i| format!("week-{i}"))
        .collect();
    want.sort();
    let mut have = tags(&ann, doc);
    have.sort();
    assert_eq!(have, want);
}

#[test]
fn forged_unsigned_and_unallowed_batches_are_kept_but_never_applied() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bea, doc, _) = office(t.path());
    let library = ann.library_id();
    let at = ann.registry().unwrap().unwrap().seq();
    let title = ann.catalog().document(doc).unwrap().summary.title;

    // Bea's genuine batch, to forge from.
    bea.tag(doc, &["term".into()], &[]).unwrap();
    let genuine = relay(&mut bea, &mut [&mut ann]).pop().unwrap();
    let tag_of = |tag: &str| OpKind::TagAdded {
        doc,
        tag: tag.into(),
    };
    let cal = identity(&ann, "Cal", CAL);
    let mallory = Identity::generate(MemberId::new(), "Mallory").unwrap();
    let device = DeviceId::new();
    let op = |n: u32, kind: OpKind| Op {
        stamp: stamp(device, n),
        kind,
    };
    // Bea's signature moved onto other changes.
    let mut ops = vec![
        op(0, tag_of("moved")),
        op(
            1,
            OpKind::FieldSet {
                doc,
                key: FieldKey::Title,
                value: Some(FieldValue::Text("moved title".into())),
            },
        ),
        op(2, genuine.ops.last().unwrap().kind.clone()),
    ];
    // The auditor's own signature over a change his role does not allow.
    ops.push(op(3, tag_of("audited")));
    let covered = [ops[3].clone()];
    ops.push(sign_batch(&cal, library, at, &covered, stamp(device, 4)).unwrap());
    // Someone who is no member of the library.
    ops.push(op(5, tag_of("outsider")));
    let covered = [ops[5].clone()];
    ops.push(sign_batch(&mallory, library, at, &covered, stamp(device, 6)).unwrap());
    // A signature for another library.
    ops.push(op(7, tag_of("elsewhere")));
    let covered = [ops[7].clone()];
    let elsewhere = dossier_core::LibraryId::new();
    ops.push(sign_batch(&cal, elsewhere, at, &covered, stamp(device, 8)).unwrap());
    // A signature claiming more changes than there are.
    let mut claims = sign_batch(&cal, library, at, &[], stamp(device, 9)).unwrap();
    if let OpKind::Signed { covers, .. } = &mut claims.kind {
        *covers = 5;
    }
    ops.push(claims);
    // No one signed it.
    ops.push(op(
        10,
        OpKind::FieldSet {
            doc,
            key: FieldKey::Title,
            value: Some(FieldValue::Text("forged title".into())),
        },
    ));
    let forged = Segment {
        device,
        seq: 1,
        ops: ops.clone(),
        link: None,
        withheld: None,
    };
    assert_eq!(ann.apply_segment(&forged).unwrap(), ops.len());

    // Nothing of it was applied ...
    let detail = ann.catalog().document(doc).unwrap();
    assert_eq!(detail.summary.title, title);
    assert_eq!(detail.summary.tags, ["term"]);
    // ... everything is kept, so the segment is held exactly as it came ...
    assert_eq!(
        ann.catalog().segment(device, 1).unwrap().unwrap().ops,
        forged.ops
    );
    // ... and each refusal is reported with its reason.
    let held = ann.held_batches().unwrap();
    let reasons: Vec<&str> = held.iter().map(|h| h.reason.as_str()).collect();
    assert!(
        held.iter().all(|h| h.refused && h.device == device),
        "{held:?}"
    );
    assert_eq!(held.len(), 6, "{reasons:?}");
    assert!(reasons[0].contains("signature is not"), "{reasons:?}");
    assert!(reasons[1].contains("as auditor, may not"), "{reasons:?}");
    assert!(reasons[2].contains("was not a member"), "{reasons:?}");
    assert!(reasons[3].contains("signature is not"), "{reasons:?}");
    assert!(reasons[4].contains("claims changes"), "{reasons:?}");
    assert!(reasons[5].contains("no one signed"), "{reasons:?}");
    assert_eq!(held[1].member, Some(cal.public().member));
    assert_eq!(held[0].operations, 3);

    // A replay of Bea's genuine segment changes nothing.
    assert_eq!(ann.apply_segment(&genuine).unwrap(), 0);
    assert_eq!(tags(&ann, doc), ["term"]);
}

#[test]
fn a_removed_persons_later_batches_are_refused_whatever_place_they_claim() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bea, doc, ann_segments) = office(t.path());
    // A third desktop that hears of Bea's later change before her removal.
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut third = Library::join(&t.path().join("third"), &objects, &person("Ann", ANN)).unwrap();
    for s in &ann_segments {
        third.apply_segment(s).unwrap();
    }
    bea.tag(doc, &["before".into()], &[]).unwrap();
    relay(&mut bea, &mut [&mut ann, &mut third]);
    let member = bea.person().unwrap().member;
    ann.remove_person(member).unwrap();
    // Bea's desktop has not heard of it: she signs at the place she knows, before her
    // removal.
    bea.tag(doc, &["after".into()], &[]).unwrap();
    relay(&mut bea, &mut [&mut ann, &mut third]);
    assert_eq!(tags(&ann, doc), ["before"]);
    assert_eq!(tags(&third, doc), ["after", "before"]);
    let audited = third.catalog().audit(Some(doc)).unwrap().len();
    let tagged_after = |lib: &mut Library| {
        lib.refresh_index().unwrap();
        lib.search(&dossier_core::SearchRequest {
            tags: vec!["after".into()],
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .total
    };
    assert_eq!(tagged_after(&mut third), 1);

    // The removal reaches the third desktop: what it had applied of Bea's after her
    // cutoff is taken back, and it ends as Ann's desktop is.
    relay(&mut ann, &mut [&mut third]);
    for lib in [&ann, &third] {
        assert_eq!(tags(lib, doc), ["before"]);
        let held = lib.held_batches().unwrap();
        assert_eq!(held.len(), 1, "{held:?}");
        assert!(held[0].refused);
        assert_eq!(held[0].member, Some(member));
        assert!(held[0].reason.contains("was not a member"), "{held:?}");
    }
    assert_eq!(third.catalog().audit(Some(doc)).unwrap().len(), audited - 1);
    let audit = |lib: &Library| serde_json::to_value(lib.catalog().audit(Some(doc)).unwrap());
    assert_eq!(audit(&third).unwrap(), audit(&ann).unwrap());
    // The search index follows.
    assert_eq!(tagged_after(&mut third), 0);
}

#[test]
fn a_batch_from_someone_not_yet_known_waits_and_is_applied_once_they_are() {
    let t = tempfile::tempdir().unwrap();
    let (ann, mut bea, doc, ann_segments) = office(t.path());
    bea.tag(doc, &["term".into()], &[]).unwrap();
    let bea_segments = relay(&mut bea, &mut []);
    // A third desktop receives Bea's batch before the statements that make her a member.
    let objects = [(0, ann.key_object(0).unwrap())];
    let mut third = Library::join(&t.path().join("third"), &objects, &person("Ann", ANN)).unwrap();
    for s in &bea_segments {
        third.apply_segment(s).unwrap();
    }
    let held = third.held_batches().unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    assert!(!held[0].refused, "{held:?}");
    for s in &ann_segments {
        third.apply_segment(s).unwrap();
    }
    assert!(third.held_batches().unwrap().is_empty());
    assert_eq!(tags(&third, doc), ["term"]);
}

#[test]
fn a_demoted_member_cannot_sign_as_the_role_they_had() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bea, doc, _) = office(t.path());
    bea.tag(doc, &["before".into()], &[]).unwrap();
    relay(&mut bea, &mut [&mut ann]);
    let member = bea.person().unwrap().member;
    ann.set_role(member, Role::Auditor, &[]).unwrap();
    // Bea's desktop has not heard of it: she signs as registrar staff, at the place she
    // knows.
    bea.tag(doc, &["after".into()], &[]).unwrap();
    relay(&mut bea, &mut [&mut ann]);
    assert_eq!(tags(&ann, doc), ["before"]);
    let held = ann.held_batches().unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    assert!(held[0].reason.contains("as auditor, may not"), "{held:?}");
    // Her own desktop comes to the same once it hears of it.
    relay(&mut ann, &mut [&mut bea]);
    assert_eq!(tags(&bea, doc), ["before"]);
    assert_eq!(bea.held_batches().unwrap().len(), 1);
}

#[test]
fn a_commit_about_records_of_two_collections_is_signed_as_one_batch_for_each() {
    use dossier_core::{Action, Condition};
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bo, mut cy) = super::collection_keys::school(t.path());
    let filed = super::collection_keys::filed;
    let science = filed(&mut ann, t.path(), "lab.txt", b"lab report", "Science");
    let admissions = filed(
        &mut ann,
        t.path(),
        "form.txt",
        b"an application",
        "Admissions",
    );
    relay(&mut ann, &mut [&mut bo, &mut cy]);
    let tag = dossier_core::Rule {
        name: "reviewed".into(),
        position: 0,
        enabled: true,
        when: vec![Condition::Mime {
            mime: "text/plain".into(),
        }],
        then: vec![Action::Tags {
            values: vec!["reviewed".into()],
        }],
    };
    let id = ann.set_rule(None, tag).unwrap();
    // One commit tags both records.
    assert_eq!(ann.apply_rule(id).unwrap().len(), 2);
    let sent = relay(&mut ann, &mut [&mut bo, &mut cy]);
    // Each batch that tags a record covers that record's operations only: a desktop that
    // reads one collection can verify it without the other's.
    let ops: Vec<&Op> = sent.iter().flat_map(|s| &s.ops).collect();
    let mut tagging = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if let OpKind::Signed { covers, .. } = op.kind {
            let covered = &ops[i - covers as usize..i];
            if covered
                .iter()
                .any(|o| matches!(o.kind, OpKind::TagAdded { .. }))
            {
                let mut docs: Vec<DocId> = covered.iter().filter_map(|o| o.kind.doc()).collect();
                docs.dedup();
                tagging.push(docs);
            }
        }
    }
    tagging.sort();
    let mut expected = vec![vec![science], vec![admissions]];
    expected.sort();
    assert_eq!(tagging, expected);
    // Every desktop verified and applied both.
    for lib in [&ann, &bo, &cy] {
        assert!(tags(lib, science).contains(&"reviewed".to_string()));
        assert!(tags(lib, admissions).contains(&"reviewed".to_string()));
    }
}

/// A segment whose newest changes were cut out on the way (by someone holding the
/// journal's key: its link, and the head it carries, left as they were) reaches another
/// desktop, whose `audit verify` says how many of that device's events are missing and in
/// which segment; one whose event was rewritten is refused there, and reported too.
#[test]
fn events_cut_or_forged_on_the_remote_are_found_on_every_desktop() {
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bea, doc, _) = office(t.path());
    assert!(bea.check_audit().unwrap().is_clean());
    for tag in ["one", "two", "three"] {
        ann.tag(doc, &[tag.into()], &[]).unwrap();
    }
    let mut segment = ann.next_segment().unwrap().unwrap();
    let head = segment.link.as_ref().unwrap().audit.unwrap();
    // The last batch (its tag, its event, its signature) goes.
    let signatures: Vec<usize> = segment
        .ops
        .iter()
        .enumerate()
        .filter(|(_, op)| matches!(op.kind, OpKind::Signed { .. }))
        .map(|(i, _)| i)
        .collect();
    let cut = signatures[signatures.len() - 2] + 1;
    segment.ops.truncate(cut);
    bea.apply_segment(&segment).unwrap();
    let check = bea.check_audit().unwrap();
    assert_eq!(check.findings.len(), 1, "{:#?}", check.findings);
    let f = &check.findings[0];
    assert_eq!(f.kind, dossier_core::Tampering::Removed);
    assert_eq!(f.device, Some(ann.device_id()));
    assert_eq!(f.segment, Some(segment.seq));
    assert!(
        f.detail
            .contains(&format!("its head counts {}", head.events)),
        "{f}"
    );

    // A segment of another office, one event's words changed on the way: the other
    // desktop refuses the batch, and its trail says so.
    let t = tempfile::tempdir().unwrap();
    let (mut ann, mut bea, doc, _) = office(t.path());
    ann.tag(doc, &["four".into()], &[]).unwrap();
    let mut next = ann.next_segment().unwrap().unwrap();
    for op in &mut next.ops {
        if let OpKind::Audit { event } = &mut op.kind {
            event.detail = Some("nothing to see".into());
        }
    }
    bea.apply_segment(&next).unwrap();
    let check = bea.check_audit().unwrap();
    assert!(
        !check.findings.is_empty()
            && check
                .findings
                .iter()
                .all(|f| f.kind == dossier_core::Tampering::Refused && f.segment == Some(next.seq)),
        "{:#?}",
        check.findings
    );
}
