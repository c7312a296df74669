//! The journal's own keys (issue 21): once someone leaves, the journal written after
//! (segments and checkpoints: titles, fields, who did what) is sealed under keys they
//! were not given, checked on the bytes with every key their desktop holds; the members
//! who stay read all of it, and so does someone who joins later.

use dossier_core::{JOURNAL_SCOPE, Listing, OpKind, Role, Segment, open_sealed_to};

use super::collection_keys::{ANN, BO, EVE, school};
use super::signed::{identity, person};
use super::*;

/// `lib`'s unsent changes, sealed as a sync sends them.
pub(super) fn sealed(lib: &mut Library) -> Vec<(Segment, Vec<u8>)> {
    let mut out = Vec::new();
    while let Some(s) = lib.next_segment().unwrap() {
        let body = lib.seal_segment(&s).unwrap();
        lib.mark_sent(&s).unwrap();
        out.push((s, body));
    }
    out
}

/// [`super::signed::settle_erasure`] through sealed segments, as a sync passes them.
pub(super) fn settle_erasure(libs: &mut [&mut Library]) {
    for _ in 0..4 {
        let mut sent_any = false;
        for i in 0..libs.len() {
            let _ = libs[i].settle_erasure();
            let sent = sealed(libs[i]);
            sent_any |= !sent.is_empty();
            let (before, rest) = libs.split_at_mut(i);
            let (from, after) = rest.split_first_mut().expect("i is in range");
            for to in before.iter_mut().chain(after.iter_mut()) {
                deliver(from, &sent, to).unwrap();
            }
        }
        if !sent_any {
            return;
        }
    }
}

/// What a sync gives `to`: the journal's keys `from` holds (the remote's `epochs/`),
/// then each segment opened from its body and applied.
pub(super) fn deliver(
    from: &Library,
    sent: &[(Segment, Vec<u8>)],
    to: &mut Library,
) -> dossier_core::Result<()> {
    for (name, body) in from.journal_key_objects()? {
        to.take_journal_key_object(&name, &body)?;
    }
    for (s, body) in sent {
        let opened = to.open_segment(s.device, s.seq, body)?;
        // Parts under a collection's key `to`'s person is not given stay withheld.
        match &opened.withheld {
            None => assert_eq!(&opened, s),
            Some(w) => {
                assert_eq!(w.digest, s.digest()?);
                assert!(opened.ops.iter().all(|op| s.ops.contains(op)));
                // Fewer, unless all the withheld part holds is also in one opened (a
                // move's batch, in the parts of both collections).
                assert!(opened.ops.len() <= s.ops.len());
            }
        }
        to.apply_segment(&opened)?;
    }
    Ok(())
}

pub(super) fn titles(lib: &Library) -> Vec<String> {
    let mut t: Vec<String> = lib
        .catalog()
        .list(Listing::All)
        .unwrap()
        .into_iter()
        .map(|d| d.title)
        .collect();
    t.sort();
    t
}

#[test]
fn once_someone_leaves_the_journal_written_after_is_sealed_under_keys_they_were_not_given() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mut ann, mut bo, mut cy) = school(dir);
    let library = ann.library_id();

    // Before anyone left: the journal's header is under keys of its own already (from
    // the first department member on), sealed to every member; a record filed in "all"
    // is in the part under "all"'s key, which department staff are not given.
    import(
        &mut ann,
        &[write(dir, "before-bo-left.txt", b"a record of all")],
        &ImportOptions::default(),
    );
    let before = sealed(&mut ann);
    assert!(before.iter().all(|(_, b)| under_a_journal_epoch(b)));
    let epochs_before = journal_epochs(&ann, "Ann", ANN);
    assert!(!epochs_before.is_empty());
    deliver(&ann, &before, &mut bo).unwrap();
    deliver(&ann, &before, &mut cy).unwrap();
    for lib in [&bo, &cy] {
        assert!(!titles(lib).contains(&"before-bo-left".to_string()));
    }

    // Bo leaves; Ann files a record after.
    let bo_id = bo.person().unwrap().member;
    let bo_keys = identity(&ann, "Bo", BO);
    ann.remove_person(bo_id).unwrap();
    import(
        &mut ann,
        &[write(
            dir,
            "quimby-after-bo-left.txt",
            b"written after Bo left",
        )],
        &ImportOptions::default(),
    );
    let after = sealed(&mut ann);
    assert!(!after.is_empty());
    for (_, body) in &after {
        assert!(
            under_a_journal_epoch(body),
            "sealed under the journal's own key"
        );
        assert!(!body.windows(6).any(|w| w == b"quimby"));
    }

    // Bo's desktop, with every key it holds (the library's, and whatever is sealed to
    // his identity), opens none of it, and learns nothing: not even that he was removed.
    let objects = ann.catalog().collection_keys().unwrap();
    let his: Vec<u64> = open_sealed_to(library, &bo_keys, JOURNAL_SCOPE, &objects)
        .into_keys()
        .collect();
    assert_eq!(his, epochs_before, "no key made after his removal is his");
    let bo_titles = titles(&bo);
    match deliver(&ann, &after, &mut bo) {
        Err(Error::JournalKeyUnavailable { object }) => assert!(object.starts_with("journal/")),
        other => panic!("Bo's desktop read the journal written after he left: {other:?}"),
    }
    assert_eq!(titles(&bo), bo_titles);
    assert!(bo.registry().unwrap().unwrap().current(bo_id).is_some());

    // Cy, who stays, reads what she may: the removal, not the record Ann filed in "all"
    // after it (Admissions staff; "all" has keys of its own now, not given to her).
    // What she writes is sealed under the same keys, and Ann reads it.
    deliver(&ann, &after, &mut cy).unwrap();
    assert!(!titles(&cy).contains(&"quimby-after-bo-left".to_string()));
    assert!(cy.registry().unwrap().unwrap().current(bo_id).is_none());
    import(
        &mut cy,
        &[write(dir, "admissions-note.txt", b"an admissions note")],
        &ImportOptions::default(),
    );
    let hers = sealed(&mut cy);
    assert!(hers.iter().all(|(_, b)| under_a_journal_epoch(b)));
    assert!(
        hers.iter()
            .all(|(s, b)| bo.open_segment(s.device, s.seq, b).is_err())
    );
    deliver(&cy, &hers, &mut ann).unwrap();
    let theirs = titles(&ann);
    assert!(titles(&cy).iter().all(|t| theirs.contains(t)));
    assert!(theirs.contains(&"admissions-note".to_string()));

    // A checkpoint written now is sealed the same way: Cy opens it, Bo does not.
    let (name, body) = ann.seal_checkpoint().unwrap().unwrap();
    assert!(body.starts_with(b"DOSCKPT3"));
    let (covered, device) = dossier_core::parse_checkpoint_name(&name).unwrap();
    assert!(cy.open_checkpoint(covered, device, &body).is_ok());
    // Bo's desktop holds every epoch (as its sync reads them from the remote): none of
    // them is sealed to him.
    epoch_objects(&ann, &bo);
    assert!(matches!(
        bo.open_checkpoint(covered, device, &body),
        Err(Error::JournalKeyUnavailable { .. })
    ));

    // Eve joins later: a new key of the journal, sealed to her too, which opens the
    // history through the one before; she reads everything from the checkpoint.
    ann.add_person("Eve", EVE, FAST, Role::RegistrarStaff, &[])
        .unwrap();
    let newest = *epochs_before.last().unwrap();
    assert_eq!(
        journal_epochs(&ann, "Ann", ANN),
        (0..=newest + 2).collect::<Vec<u64>>(),
        "one key more when Bo left, one more when Eve joined"
    );
    let welcome = sealed(&mut ann);
    let (name, body) = ann.seal_checkpoint().unwrap().unwrap();
    let (covered, device) = dossier_core::parse_checkpoint_name(&name).unwrap();
    let mut eve = Library::join(
        &dir.join("eve"),
        &[(0, ann.key_object(0).unwrap())],
        &person("Eve", EVE),
    )
    .unwrap();
    epoch_objects(&ann, &eve);
    for s in eve.open_checkpoint(covered, device, &body).unwrap() {
        eve.apply_segment(&s).unwrap();
    }
    assert_eq!(titles(&eve), titles(&ann));
    assert!(
        welcome
            .iter()
            .all(|(s, b)| eve.open_segment(s.device, s.seq, b).is_ok())
    );
    // Bo, still without a key, reads none of it.
    epoch_objects(&ann, &bo);
    assert!(matches!(
        bo.open_checkpoint(covered, device, &body),
        Err(Error::JournalKeyUnavailable { .. })
    ));
}

/// The epochs of the journal's keys sealed to `who`, as `lib` holds them.
fn journal_epochs(lib: &Library, who: &str, passphrase: &str) -> Vec<u64> {
    let objects = lib.catalog().collection_keys().unwrap();
    open_sealed_to(
        lib.library_id(),
        &identity(lib, who, passphrase),
        JOURNAL_SCOPE,
        &objects,
    )
    .into_keys()
    .collect()
}

/// `to` reads the epoch objects of the journal's keys `from` holds, as a sync does from
/// the remote before the segments.
pub(super) fn epoch_objects(from: &Library, to: &Library) {
    for (name, key) in from.journal_key_objects().unwrap() {
        to.take_journal_key_object(&name, &key).unwrap();
    }
}

#[test]
fn a_desktop_that_learns_of_a_removal_before_the_new_keys_sends_nothing_until_they_come() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mut ann, bo, mut cy) = school(dir);
    ann.remove_person(bo.person().unwrap().member).unwrap();
    // Ann's desktop synced between the removal and its keys (or stopped between them):
    // Cy receives the removal alone first.
    let whole = ann.next_segment().unwrap().unwrap();
    let cut = whole
        .ops
        .iter()
        .position(|op| matches!(op.kind, OpKind::Signed { .. }))
        .unwrap()
        + 1;
    assert!(
        whole.ops[cut..]
            .iter()
            .any(|op| matches!(op.kind, OpKind::CollectionKeys { .. }))
    );
    let removal = Segment {
        ops: whole.ops[..cut].to_vec(),
        ..whole.clone()
    };
    let keys = Segment {
        seq: whole.seq + 1,
        ops: whole.ops[cut..].to_vec(),
        link: None,
        ..whole.clone()
    };
    cy.apply_segment(&removal).unwrap();

    // Cy files a record: kept here, not sent under a key Bo holds.
    import(
        &mut cy,
        &[write(
            dir,
            "waiting.txt",
            b"filed while the keys were on their way",
        )],
        &ImportOptions::default(),
    );
    let waiting = cy.next_segment().unwrap().unwrap();
    assert!(matches!(
        cy.seal_segment(&waiting),
        Err(Error::JournalKeyOutdated)
    ));
    assert!(cy.seal_checkpoint().unwrap().is_none());
    let unsent = cy.catalog().unsent_count().unwrap();
    assert!(unsent > 0);

    // The keys arrive: the same changes go, under the journal's new key.
    cy.apply_segment(&keys).unwrap();
    assert_eq!(cy.catalog().unsent_count().unwrap(), unsent);
    let body = cy.seal_segment(&waiting).unwrap();
    assert!(under_a_journal_epoch(&body));
    assert!(ann.open_segment(waiting.device, waiting.seq, &body).is_ok());
    epoch_objects(&ann, &bo);
    assert!(matches!(
        bo.open_segment(waiting.device, waiting.seq, &body),
        Err(Error::JournalKeyUnavailable { .. })
    ));
}

/// `tests/fixtures/journal-keys-v1` (written once: Bo Park removed, a segment from before
/// under the library's key, one from after, the journal's epoch object and a checkpoint
/// under its key) keeps opening for Ann Lee: each object under the key it names.
#[test]
fn the_journal_keys_fixture_still_opens_for_its_members() {
    let t = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/journal-keys-v1");
    copy_dir(&fixture.join("library"), &t.path().join("lib"));
    let ann = LockedLibrary::open(&t.path().join("lib"), Access::Write)
        .unwrap()
        .sign_in("Ann Lee", "ann fixture passphrase")
        .unwrap();
    let remote = fixture.join("remote");
    let files = |dir: &str| -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = walk(&remote.join(dir))
            .into_iter()
            .map(|p| {
                let name = p
                    .strip_prefix(&remote)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
        out.sort();
        out
    };
    let epochs = files("epochs");
    assert_eq!(epochs.len(), 1);
    for (name, body) in &epochs {
        assert!(
            body.starts_with(b"DOSEPOC1"),
            "under the library's journal key"
        );
        ann.take_journal_key_object(name, body).unwrap();
    }
    // Written again today, an epoch object is under the key of epoch objects (one every
    // member holds), and opens.
    for (name, body) in ann.journal_key_objects().unwrap() {
        assert!(body.starts_with(b"DOSEPOC2"));
        ann.take_journal_key_object(&name, &body).unwrap();
    }
    let segments = files("journal");
    let formats: Vec<&[u8]> = segments.iter().map(|(_, b)| &b[..8]).collect();
    assert_eq!(formats, [b"DOSJRNL1".as_slice(), b"DOSJRNL2".as_slice()]);
    let mut titles = Vec::new();
    for (name, body) in &segments {
        let (device, seq) = dossier_core::parse_segment_name(name).unwrap();
        let segment = ann.open_segment(device, seq, body).unwrap();
        titles.extend(segment.ops.iter().filter_map(|op| match &op.kind {
            OpKind::DocumentCreated { title, .. } => Some(title.clone()),
            _ => None,
        }));
    }
    assert_eq!(titles, ["roll", "minutes"]);
    let [(name, body)] = files("checkpoints").try_into().unwrap();
    assert!(body.starts_with(b"DOSCKPT3"));
    let (covered, device) = dossier_core::parse_checkpoint_name(&name).unwrap();
    let held = ann.open_checkpoint(covered, device, &body).unwrap();
    assert_eq!(held.len(), 2);
    // The epoch object opens only under its own name.
    let (name, body) = &epochs[0];
    let renamed = name.replace(&name[7..9], if &name[7..9] == "00" { "11" } else { "00" });
    assert!(matches!(
        ann.take_journal_key_object(&renamed, body),
        Err(Error::Integrity { .. })
    ));
}

/// Whether a segment's body (of format 2, or 3's header) is sealed under an epoch of the
/// journal's own key.
pub(super) fn under_a_journal_epoch(body: &[u8]) -> bool {
    matches!(
        dossier_core::segment_sealed_epoch(body, "segment"),
        Ok(Some(_))
    )
}
