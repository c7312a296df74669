//! Someone leaves (issue 21): three desktops through a real remote; after the owner
//! removes Bo, what is written is sealed under the journal's own keys, put on the remote
//! before the segments sealed under them. Bo's desktop cannot read it (its syncs stop
//! with that error, and it learns nothing more, not even that he was removed); Cy, who
//! stays, and Dee, who joins later, read everything.

use dossier_core::{Role, Secret};

use super::*;

const OWNER: (&str, &str) = ("Ann", "ann's own passphrase");
const BO: (&str, &str) = ("Bo", "bo's own passphrase");
const CY: (&str, &str) = ("Cy", "cy's own passphrase");
const DEE: (&str, &str) = ("Dee", "dee's own passphrase");

pub(super) fn as_person((who, passphrase): (&str, &str)) -> Secret {
    Secret::Person {
        who: who.into(),
        passphrase: zeroize::Zeroizing::new(passphrase.into()),
    }
}

pub(super) async fn titles(e: &Engine<Owned>) -> Vec<String> {
    e.local()
        .run(|l| {
            let mut t: Vec<String> = l
                .catalog()
                .list(Listing::All)?
                .into_iter()
                .map(|d| d.title)
                .collect();
            t.sort();
            Ok(t)
        })
        .await
        .unwrap()
}

pub(super) async fn file(e: &Engine<Owned>, dir: &Path, name: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, format!("the record {name}")).unwrap();
    e.local()
        .run(move |l| {
            l.import(&[p], &ImportOptions::default(), &mut |_| {})
                .map(|_| ())
        })
        .await
        .unwrap();
}

pub(super) async fn joined_as(
    remote: Box<dyn Remote>,
    make: &impl Fn() -> Box<dyn Remote>,
    root: PathBuf,
    who: (&str, &str),
) -> Engine<Owned> {
    let lib = dossier_sync::join(remote.as_ref(), root, as_person(who))
        .await
        .unwrap();
    engine(make(), lib)
}

/// The journal segments on the remote (name, body).
async fn segments(remote: &dyn Remote) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for o in remote.list("journal/").await.unwrap() {
        let body = remote.get(&o.key, 1 << 30).await.unwrap();
        out.push((o.key.to_string(), body.to_vec()));
    }
    out
}

/// No key `e`'s desktop holds opens any of `written` (segments: name, body): each is
/// sealed under keys not given to its person.
async fn none_opens(e: &Engine<Owned>, written: Vec<(String, Vec<u8>)>) {
    for (name, body) in written {
        let (device, seq) = dossier_core::parse_segment_name(&name).unwrap();
        let opened = e
            .local()
            .run(move |l| Ok(l.open_segment(device, seq, &body)))
            .await
            .unwrap();
        assert!(
            matches!(
                opened,
                Err(dossier_core::Error::JournalKeyUnavailable { .. })
            ),
            "{name}: {opened:?}"
        );
    }
}

/// Ann's desktop, owner of a library with Bo and Cy (registrar staff), kept on `remote`.
async fn owners_desktop(dir: &Path, remote: Box<dyn Remote>) -> Engine<Owned> {
    let mut lib = create(&dir.join("ann"));
    lib.become_owner(OWNER.0, OWNER.1, quick_kdf()).unwrap();
    for who in [BO, CY] {
        lib.add_person(who.0, who.1, quick_kdf(), Role::RegistrarStaff, &[])
            .unwrap();
    }
    let ann = engine(remote, lib);
    ann.attach().await.unwrap();
    ann
}

/// Ann adds Dee (registrar staff).
async fn add_dee(ann: &Engine<Owned>) {
    ann.local()
        .run(|l| {
            l.add_person(DEE.0, DEE.1, quick_kdf(), Role::RegistrarStaff, &[])
                .map(|_| ())
        })
        .await
        .unwrap();
}

/// Ann removes Bo.
async fn remove_bo(ann: &Engine<Owned>) {
    ann.local()
        .run(|l| {
            let bo = l.resolve_person(BO.0)?;
            l.remove_person(bo)
        })
        .await
        .unwrap();
}

async fn someone_leaves(make: impl Fn() -> Box<dyn Remote>) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let files = dir.join("files");
    let ann = owners_desktop(dir, make()).await;
    file(&ann, &files, "before.txt").await;
    ann.sync().await.unwrap();
    let bo = joined_as(make(), &make, dir.join("bo"), BO).await;
    let cy = joined_as(make(), &make, dir.join("cy"), CY).await;
    for e in [&bo, &cy] {
        e.sync().await.unwrap();
        assert_eq!(titles(e).await, vec!["before".to_string()]);
    }
    let before: std::collections::BTreeSet<String> = segments(make().as_ref())
        .await
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(make().list("epochs/").await.unwrap().is_empty());

    // Ann removes Bo and files a record; meanwhile Cy, who has not heard of it, files one.
    file(&cy, &files, "cy-meanwhile.txt").await;
    remove_bo(&ann).await;
    file(&ann, &files, "quimby-after.txt").await;
    let r = ann.sync().await.unwrap();
    assert!(r.segments_sent >= 1 && !r.sending_waits_for_keys, "{r:?}");
    // The journal's key is on the remote, and everything written after is under it.
    assert!(!make().list("epochs/").await.unwrap().is_empty());
    let after: Vec<(String, Vec<u8>)> = segments(make().as_ref())
        .await
        .into_iter()
        .filter(|(n, _)| !before.contains(n))
        .collect();
    assert!(!after.is_empty());
    for (name, body) in &after {
        assert!(
            matches!(dossier_core::segment_sealed_epoch(body, name), Ok(Some(_))),
            "{name}"
        );
    }

    // Bo's desktop: its sync stops for want of keys, and every key it holds (the keys it
    // read on the remote too) opens none of what was written after.
    match bo.sync().await {
        Err(Error::Library(dossier_core::Error::JournalKeyUnavailable { .. })) => {}
        other => panic!("Bo's desktop read on after his removal: {other:?}"),
    }
    none_opens(&bo, after.clone()).await;
    assert_eq!(titles(&bo).await, vec!["before".to_string()]);
    // What he cannot read is not damage to him: checking reports none of it.
    let check = bo.check_remote(OnDamage::Report).await.unwrap();
    assert!(check.damaged.is_empty(), "{check:?}");

    // Cy reads everything, and hears of the removal before she sends what she filed
    // meanwhile: it goes under the journal's new key too.
    cy.sync().await.unwrap();
    assert_eq!(
        titles(&cy).await,
        ["before", "cy-meanwhile", "quimby-after"].map(String::from)
    );
    let known: std::collections::BTreeSet<&String> = after.iter().map(|(n, _)| n).collect();
    let hers: Vec<(String, Vec<u8>)> = segments(make().as_ref())
        .await
        .into_iter()
        .filter(|(n, _)| !before.contains(n) && !known.contains(n))
        .collect();
    assert!(!hers.is_empty());
    for (name, body) in &hers {
        assert!(
            matches!(dossier_core::segment_sealed_epoch(body, name), Ok(Some(_))),
            "{name}"
        );
    }
    none_opens(&bo, hers).await;
    file(&cy, &files, "cy-after.txt").await;
    cy.sync().await.unwrap();
    ann.sync().await.unwrap();
    assert_eq!(titles(&ann).await, titles(&cy).await);
    let check = cy.check_remote(OnDamage::Report).await.unwrap();
    assert!(check.damaged.is_empty(), "{check:?}");

    // Dee joins later and reads the whole history.
    add_dee(&ann).await;
    ann.sync().await.unwrap();
    let dee = joined_as(make(), &make, dir.join("dee"), DEE).await;
    dee.sync().await.unwrap();
    assert_eq!(titles(&dee).await, titles(&ann).await);
    assert!(matches!(
        bo.sync().await,
        Err(Error::Library(
            dossier_core::Error::JournalKeyUnavailable { .. }
        ))
    ));
}

#[tokio::test]
async fn someone_leaves_through_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    someone_leaves(move || Box::new(Folder::new(&path).unwrap())).await;
}

#[tokio::test]
async fn someone_leaves_through_s3() {
    let Some(server) = dossier_e2e::servers::s3() else {
        return;
    };
    let keys = crate::s3_keys();
    let url = server.s3_url("school-leaving");
    someone_leaves(move || dossier_sync::open_with(&url, &keys).unwrap()).await;
}

/// Epoch objects that are not what their name says (a genuine one copied under another
/// name) or not the library's (junk), even a flood of them, are refused and reported,
/// at most 1024 read per sync and none read twice; the genuine one still opens what is
/// sealed under it.
#[tokio::test]
async fn forged_or_flooded_journal_keys_are_refused_and_passed_over() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let memory = Arc::new(Memory::new());
    let make = || Box::new(Arc::clone(&memory)) as Box<dyn Remote>;
    let ann = owners_desktop(dir, make()).await;
    ann.sync().await.unwrap();
    let cy = joined_as(make(), &make, dir.join("cy"), CY).await;
    cy.sync().await.unwrap();
    remove_bo(&ann).await;
    file(&ann, &dir.join("files"), "after.txt").await;
    ann.sync().await.unwrap();
    // The journal's new keys, and those of "all" (which seal parts of segments).
    let genuine = memory.list("epochs/").await.unwrap();
    assert_eq!(genuine.len(), 2);
    let body = memory.get(&genuine[0].key, 1 << 30).await.unwrap();
    assert!(
        genuine
            .iter()
            .all(|g| !g.key.as_str().starts_with("epochs/fffff"))
    );
    let renamed = format!("epochs/{}", "e".repeat(64));
    memory
        .put_if_absent(&Key::new(&renamed).unwrap(), body)
        .await
        .unwrap();
    for i in 0..1100u32 {
        let name = format!("epochs/fffff{i:059x}");
        memory
            .put_if_absent(&Key::new(&name).unwrap(), b"junk".to_vec().into())
            .await
            .unwrap();
    }
    let refused = |r: &dossier_sync::SyncReport| {
        r.refused
            .iter()
            .filter(|x| x.key.starts_with("epochs/"))
            .count()
    };
    // The genuine ones and the copy first (by name), then junk up to 1024 read.
    let r = cy.sync().await.unwrap();
    assert_eq!(refused(&r), 1024 - 2, "{:?}", &r.refused[..3]);
    assert!(r.refused.iter().any(|x| x.key == renamed));
    assert_eq!(titles(&cy).await, vec!["after".to_string()]);
    let r = cy.sync().await.unwrap();
    assert_eq!(refused(&r), 1100 - (1024 - 3));
    let r = cy.sync().await.unwrap();
    assert_eq!(refused(&r), 0, "none read twice");
}

/// A provider that changes the epoch a segment's header names (to keys no owner made)
/// cannot stop anyone's sync: that segment is refused and reported, as damage, and
/// everything else is read; the author's desktop writes it again from its operations.
#[tokio::test]
async fn a_segment_naming_keys_no_one_made_is_refused_and_the_rest_is_read() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let files = dir.join("files");
    let memory = Arc::new(Memory::new());
    let make = || Box::new(Arc::clone(&memory)) as Box<dyn Remote>;
    let ann = owners_desktop(dir, make()).await;
    ann.sync().await.unwrap();
    let cy = joined_as(make(), &make, dir.join("cy"), CY).await;
    cy.sync().await.unwrap();
    remove_bo(&ann).await;
    ann.sync().await.unwrap();
    // Dee is added: the keys her arrival calls for bring a checkpoint at once.
    add_dee(&ann).await;
    assert!(ann.sync().await.unwrap().checkpoint_written);
    let before: std::collections::BTreeSet<String> = segments(make().as_ref())
        .await
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    file(&ann, &files, "ann-after.txt").await;
    ann.sync().await.unwrap();
    // The provider names epoch 999 in Ann's new segment.
    let (name, mut body) = segments(make().as_ref())
        .await
        .into_iter()
        .find(|(n, _)| !before.contains(n))
        .unwrap();
    assert!(matches!(
        dossier_core::segment_sealed_epoch(&body, &name),
        Ok(Some(_))
    ));
    body[8..16].copy_from_slice(&999u64.to_le_bytes());
    let key = Key::new(&name).unwrap();
    memory.delete(&key).await.unwrap();
    memory.put_if_absent(&key, body.into()).await.unwrap();

    // Cy's desktop and Dee's, which starts from the checkpoint, read everything else,
    // and report that segment.
    let dee = joined_as(make(), &make, dir.join("dee"), DEE).await;
    file(&cy, &files, "cy-after.txt").await;
    let r = cy.sync().await.unwrap();
    assert!(r.refused.iter().any(|x| x.key == name), "{r:?}");
    let r = dee.sync().await.unwrap();
    assert!(r.checkpoint_used, "{r:?}");
    assert!(r.refused.iter().any(|x| x.key == name), "{r:?}");
    assert!(titles(&dee).await.contains(&"cy-after".to_string()));
    assert!(!titles(&dee).await.contains(&"ann-after".to_string()));
    // Checking reports it as damage; Ann's desktop writes it again, and all read it.
    let check = cy.check_remote(OnDamage::Report).await.unwrap();
    assert!(check.damaged.iter().any(|x| x.key == name), "{check:?}");
    let check = ann.check_remote(OnDamage::Repair).await.unwrap();
    assert!(check.repaired.contains(&name), "{check:?}");
    ann.sync().await.unwrap();
    for e in [&cy, &dee] {
        let r = e.sync().await.unwrap();
        assert!(r.refused.is_empty(), "{r:?}");
        assert_eq!(titles(e).await, titles(&ann).await);
    }
}
