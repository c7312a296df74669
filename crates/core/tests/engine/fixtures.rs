//! Yesterday's formats still open: the checked-in fixtures of a format-1 library, the
//! store journal, journal segments and checkpoints, read by today's code.

use super::*;

/// The format-1 library checked in under `tests/fixtures/library-v1` must keep opening and
/// reading back byte-identical content in every later version of Dossier.
#[test]
fn format_1_fixture_still_reads() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library-v1");
    let t = tempfile::tempdir().unwrap();
    copy_dir(&fixture.join("library"), &t.path().join("lib"));
    let lib = LockedLibrary::open(&t.path().join("lib"), Access::Write)
        .unwrap()
        .unlock(&secret("fixture passphrase"))
        .unwrap();
    let docs = lib.catalog().list(Default::default()).unwrap();
    assert_eq!(docs.len(), 3);
    for d in docs {
        let expected = std::fs::read(fixture.join("content").join(&d.file_name)).unwrap();
        assert_eq!(content(&lib, d.id, None), expected, "{}", d.file_name);
    }
    assert!(lib.verify(&mut |_| {}).unwrap().is_clean());
}

/// The store journal checked in under `tests/fixtures/store-journal-v1` (what the fixture
/// library's first writer wrote to `store/journal/`) must keep rebuilding that library's
/// catalog: every document back, byte-identical.
#[test]
fn store_journal_1_fixture_still_rebuilds_the_catalog() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("lib");
    copy_dir(&fixtures.join("library-v1/library"), &root);
    copy_dir(
        &fixtures.join("store-journal-v1"),
        &root.join("store/journal"),
    );
    std::fs::remove_file(root.join("catalog.sqlite")).unwrap();
    let repair = dossier_core::CatalogRepair::open(&root).unwrap();
    let key = repair.unlock(&secret("fixture passphrase")).unwrap();
    let (lib, report) = repair.rebuild_catalog(key, &mut |_| {}).unwrap();
    assert!(
        report.missing_segments.is_empty() && report.damaged_segments.is_empty(),
        "{report:?}"
    );
    let docs = lib.catalog().list(Default::default()).unwrap();
    assert_eq!(docs.len(), 3);
    for d in docs {
        let expected =
            std::fs::read(fixtures.join("library-v1/content").join(&d.file_name)).unwrap();
        assert_eq!(content(&lib, d.id, None), expected, "{}", d.file_name);
    }
    assert!(lib.verify(&mut |_| {}).unwrap().is_clean());
}

/// The format-1 journal segment checked in under `tests/fixtures/journal-v1` (the
/// fixture library's operations, sealed as its device's first segment) must keep opening
/// with that library's key and give back exactly those operations.
#[test]
fn journal_1_fixture_still_opens() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let t = tempfile::tempdir().unwrap();
    let lib = fixture_library(t.path());
    let device = lib.device_id();
    let name = dossier_core::segment_name(device, 1);
    let body = std::fs::read(fixtures.join("journal-v1").join(&name)).unwrap();
    let segment = lib.open_segment(device, 1, &body).unwrap();
    assert_eq!(
        Some(segment.ops.clone()),
        lib.next_segment().unwrap().map(|s| s.ops)
    );
    assert!(segment.ops.len() > 5 && !segment.packs().is_empty());
    assert_eq!(segment.link, None, "written before links");
    // Under another number it does not open.
    assert!(matches!(
        lib.open_segment(device, 2, &body),
        Err(dossier_core::Error::Integrity { .. })
    ));
}

/// The linked segments checked in under `tests/fixtures/journal-v2` (the fixture
/// library's operations in two segments, the second naming the first's digest and
/// another device's segment as seen) keep opening, and the chain keeps holding: the
/// digest a build computes for the first is the one the second names.
#[test]
fn journal_2_fixture_still_opens_and_links() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let t = tempfile::tempdir().unwrap();
    let lib = fixture_library(t.path());
    let device = lib.device_id();
    let open = |seq| {
        let name = dossier_core::segment_name(device, seq);
        let body = std::fs::read(fixtures.join("journal-v2").join(&name)).unwrap();
        lib.open_segment(device, seq, &body).unwrap()
    };
    let (first, second) = (open(1), open(2));
    let link = second.link.clone().unwrap();
    assert_eq!(link.prev, Some(first.digest().unwrap()));
    let other: dossier_core::DeviceId = "0190f3a2-0000-7000-8000-00000000000b".parse().unwrap();
    assert_eq!(link.seen.get(&other), Some(&5));
    let mut ops = first.ops.clone();
    ops.extend(second.ops.clone());
    assert_eq!(Some(ops), lib.next_segment().unwrap().map(|s| s.ops));
}

/// The segments checked in under `tests/fixtures/journal-v3` carry their audit chain's
/// head (issue 22): it keeps reading back, and a build computes the same head from the
/// same operations.
#[test]
fn journal_3_fixture_carries_the_audit_head_a_build_computes() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let t = tempfile::tempdir().unwrap();
    let lib = fixture_library(t.path());
    let device = lib.device_id();
    let open = |seq| {
        let name = dossier_core::segment_name(device, seq);
        let body = std::fs::read(fixtures.join("journal-v3").join(&name)).unwrap();
        lib.open_segment(device, seq, &body).unwrap()
    };
    let (first, second) = (open(1), open(2));
    let (one, two) = (
        first.link.unwrap().audit.unwrap(),
        second.link.unwrap().audit.unwrap(),
    );
    assert!(0 < one.events && one.events < two.events, "{one:?} {two:?}");
    let made = lib.next_segment().unwrap().unwrap();
    assert_eq!(made.link.unwrap().audit, Some(two));
    assert_eq!(made.ops.len(), first.ops.len() + second.ops.len());
}

/// The checkpoints checked in under `tests/fixtures/checkpoint-v1` (no header) and
/// `checkpoint-v2` (a header naming its heads): the fixture library's operations as two
/// linked segments of its device. Both keep opening; a format-2 one's heads read from its
/// start alone, a format-1 one's from its segments.
#[test]
fn checkpoint_fixtures_still_open() {
    use dossier_core::{
        CHECKPOINT_PREFIX_LEN, checkpoint_header_end, checkpoint_heads, parse_checkpoint_name,
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (fixture, has_header) in [("checkpoint-v1", false), ("checkpoint-v2", true)] {
        let t = tempfile::tempdir().unwrap();
        let mut lib = fixture_library(t.path());
        let dir = fixtures.join(fixture).join("checkpoints");
        let entry = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap();
        let name = format!("checkpoints/{}", entry.file_name().to_str().unwrap());
        let (covered, device) = parse_checkpoint_name(&name).unwrap();
        let body = std::fs::read(entry.path()).unwrap();
        let segments = lib.open_checkpoint(covered, device, &body).unwrap();
        assert_eq!((covered, segments.len()), (2, 2), "{fixture}");
        assert_eq!(
            segments[1].link.as_ref().unwrap().prev,
            Some(segments[0].digest().unwrap())
        );
        let ops: Vec<_> = segments.iter().flat_map(|s| s.ops.clone()).collect();
        assert_eq!(
            Some(ops),
            lib.next_segment().unwrap().map(|s| s.ops),
            "{fixture}"
        );
        assert_eq!(
            checkpoint_header_end(covered, device, &body[..CHECKPOINT_PREFIX_LEN])
                .unwrap()
                .is_some(),
            has_header
        );
        let heads = lib.checkpoint_heads(covered, device, &body).unwrap();
        assert_eq!(heads, checkpoint_heads(&segments).unwrap(), "{fixture}");
    }
}

/// A copy of the `library-v1` fixture in `dir`, unlocked for writing.
fn fixture_library(dir: &Path) -> dossier_core::Library {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    copy_dir(&fixtures.join("library-v1/library"), &dir.join("lib"));
    LockedLibrary::open(&dir.join("lib"), Access::Write)
        .unwrap()
        .unlock(&secret("fixture passphrase"))
        .unwrap()
}
