//! Key objects: sealing, opening, authenticity and the bounds on what a slot may ask.

use super::*;
use crate::keys::MasterKey;

fn keys() -> KeyFile {
    let slot = |id: &str, kdf| KeySlot {
        id: id.into(),
        label: "office".into(),
        created_ms: 1,
        kdf,
        wrapped: vec![7; WRAPPED_LEN],
    };
    KeyFile {
        format: 1,
        library_id: LibraryId::new(),
        key_check: vec![1; 32],
        members_check: None,
        slots: vec![
            slot(
                "0a0b0c0d",
                SlotKdf::Passphrase {
                    m_cost_kib: 256,
                    t_cost: 1,
                    p_cost: 1,
                    salt: vec![2; 16],
                },
            ),
            slot("01020304", SlotKdf::Recovery { salt: vec![3; 16] }),
        ],
    }
}

fn reparsed(repo: &RepoFile) -> RepoFile {
    RepoFile::parse(&repo.to_bytes()).unwrap()
}

#[test]
fn a_sealed_key_object_verifies_only_as_itself() {
    let key = MasterKey::generate().key_object_key();
    let repo = RepoFile::seal(keys(), 3, &key);
    let read = reparsed(&repo);
    assert_eq!(read, repo);
    assert_eq!(read.authenticity(3, &key), Authenticity::Authentic);
    // Replayed under another number (another name), or checked with another library's key.
    assert_eq!(read.authenticity(4, &key), Authenticity::Forged);
    assert_eq!(read.authenticity(0, &key), Authenticity::Forged);
    let other = MasterKey::generate().key_object_key();
    assert_eq!(read.authenticity(3, &other), Authenticity::Forged);
    // Any field changed.
    let changes: Vec<fn(&mut RepoFile)> = vec![
        |r| r.created_ms += 1,
        |r| r.keys.key_check[0] ^= 1,
        |r| r.keys.slots[0].label.push('!'),
        |r| r.keys.slots[0].wrapped[59] ^= 1,
        |r| r.keys.slots[1].id = "05060708".into(),
        |r| {
            if let SlotKdf::Passphrase { m_cost_kib, .. } = &mut r.keys.slots[0].kdf {
                *m_cost_kib *= 2;
            }
        },
        |r| {
            let slot = r.keys.slots.pop().unwrap();
            r.keys.slots.insert(0, slot);
        },
        |r| {
            r.keys.slots.pop();
        },
        |r| r.auth.as_mut().unwrap()[0] ^= 1,
    ];
    for (i, change) in changes.into_iter().enumerate() {
        let mut altered = repo.clone();
        change(&mut altered);
        assert_eq!(
            reparsed(&altered).authenticity(3, &key),
            Authenticity::Forged,
            "change {i}"
        );
    }
}

#[test]
fn a_format_1_object_reads_as_legacy() {
    let key = MasterKey::generate().key_object_key();
    let mut legacy = RepoFile::seal(keys(), 1, &key);
    legacy.format = 1;
    legacy.auth = None;
    let bytes = legacy.to_bytes();
    assert!(!String::from_utf8_lossy(&bytes).contains("auth"));
    assert_eq!(
        RepoFile::parse(&bytes).unwrap().authenticity(1, &key),
        Authenticity::Legacy
    );
}

#[test]
fn malformed_and_oversized_objects_are_refused_before_use() {
    let key = MasterKey::generate().key_object_key();
    let repo = RepoFile::seal(keys(), 1, &key);
    let damaged =
        |r: &RepoFile| matches!(RepoFile::parse(&r.to_bytes()), Err(Error::Integrity { .. }));
    assert!(matches!(
        RepoFile::parse(b"<html>not found</html>"),
        Err(Error::Integrity { .. })
    ));
    let mut newer = repo.clone();
    newer.format = REPO_FORMAT + 1;
    assert!(matches!(
        RepoFile::parse(&newer.to_bytes()),
        Err(Error::TooNew { .. })
    ));
    let mut mixed = repo.clone();
    mixed.keys.library_id = LibraryId::new();
    assert!(damaged(&mixed));
    let mut untagged = repo.clone();
    untagged.auth = None;
    assert!(damaged(&untagged), "format 2 must carry its tag");
    let mut short_tag = repo.clone();
    short_tag.auth = Some(vec![1; 16]);
    assert!(damaged(&short_tag));
    let mut tagged_v1 = repo.clone();
    tagged_v1.format = 1;
    assert!(damaged(&tagged_v1));
    let mut many = repo.clone();
    many.keys.slots = (0..=MAX_SLOTS)
        .map(|i| KeySlot {
            id: format!("{i:08x}"),
            ..repo.keys.slots[1].clone()
        })
        .collect();
    assert!(damaged(&many));
    let mut long_label = repo.clone();
    long_label.keys.slots[0].label = "x".repeat(MAX_LABEL + 1);
    assert!(damaged(&long_label));
    let mut bad_wrap = repo.clone();
    bad_wrap.keys.slots[0].wrapped.push(0);
    assert!(damaged(&bad_wrap));
    let mut big = repo.to_bytes();
    big.truncate(big.len() - 2);
    big.extend(std::iter::repeat_n(b' ', MAX_KEY_OBJECT));
    big.extend_from_slice(b"}\n");
    assert!(matches!(
        RepoFile::parse(&big),
        Err(Error::Integrity { .. })
    ));
}

#[test]
fn key_object_names_round_trip() {
    for seq in [0, 1, 42, u64::MAX] {
        assert_eq!(parse_key_object_name(&key_object_name(seq)), Some(seq));
    }
    assert_eq!(key_object_name(1), "keys/00000000000000000001");
    for name in [
        "keys/1",
        "keys/00000000000000000000",
        "keys/0000000000000000000x",
        "other",
    ] {
        assert_eq!(parse_key_object_name(name), None, "{name}");
    }
}

/// A person's slot travels with its identity and verifies like any other; two slots for
/// one person (each a full Argon2id run at sign-in) are refused.
#[test]
fn persons_slots_verify_and_one_person_has_one() {
    let people: KeyFile = serde_json::from_slice(include_bytes!(
        "../../../tests/fixtures/people-v1/library/keys.json"
    ))
    .unwrap();
    assert!(people.has_people());
    let key = MasterKey::generate().key_object_key();
    let repo = RepoFile::seal(people.clone(), 2, &key);
    assert_eq!(
        reparsed(&repo).authenticity(2, &key),
        Authenticity::Authentic
    );
    // Changing a person's name in the slot breaks the tag.
    let mut renamed = reparsed(&repo);
    if let SlotKdf::Member { identity } = &mut renamed
        .keys
        .slots
        .iter_mut()
        .find(|s| s.member().is_some())
        .unwrap()
        .kdf
    {
        identity.public.name = "Mallory".into();
    }
    assert_eq!(renamed.authenticity(2, &key), Authenticity::Forged);

    let mut twice = people;
    let mut copy = twice
        .slots
        .iter()
        .find(|s| s.member().is_some())
        .unwrap()
        .clone();
    copy.id = "feedface".into();
    twice.slots.push(copy);
    let doubled = RepoFile::seal(twice, 3, &key);
    assert!(matches!(
        RepoFile::parse(&doubled.to_bytes()),
        Err(Error::Integrity { .. })
    ));
}
