//! Signed history (issue 21): what verifying every batch costs a new desktop's clone,
//! beside the clone of the same kind of journal in a library without people, which no one
//! signs and nothing verifies.
//!
//! `cargo bench -p dossier-sync --bench signed -- [--ops N] [--per-commit K]` (or
//! `./scripts/bench-signed.sh`). For each kind of library it makes N operations (commits of
//! K tags on a few hundred documents, each with its audit event, and in the library kept
//! by its people its signature), syncs them to a folder remote, then times a new desktop's
//! whole clone (join with the key objects, then the first sync: the journal downloaded,
//! opened, judged and applied, the search index built), and within it the time spent
//! applying the journal alone, as the local replica reports it.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use dossier_core::{ImportOptions, InitOptions, KdfParams, Library, Listing, Role, Secret};
use dossier_sync::{Engine, Owned, Replica, Resilient, ResilientOptions, join, open};

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const PASS: &str = "bench passphrase";
const ANN: &str = "ann's bench passphrase";
const FAST: KdfParams = KdfParams {
    m_cost_kib: 1024,
    t_cost: 1,
    p_cost: 1,
};
const DOCS: usize = 200;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Run {
    ops: u64,
    commits: usize,
    clone_s: f64,
}

fn engine<R: Replica>(url: &str, local: R) -> Res<Engine<R>> {
    Ok(Engine::new(
        Resilient::new(open(url)?, ResilientOptions::default()),
        local,
    ))
}

/// The library of `ops` operations, kept by its people or not; returns the secret that
/// opens it on a new desktop.
fn make(dir: &Path, people: bool, ops: usize, per_commit: usize) -> Res<(Library, Secret, usize)> {
    std::fs::create_dir_all(dir.join("files"))?;
    let (mut a, _) = Library::create(
        &dir.join("a"),
        &InitOptions {
            passphrase: zeroize::Zeroizing::new(PASS.into()),
            kdf: FAST,
        },
    )?;
    let files: Vec<_> = (0..DOCS)
        .map(|i| {
            let p = dir.join("files").join(format!("record-{i}.txt"));
            std::fs::write(&p, format!("Record {i} of the signed-history benchmark.\n"))?;
            Ok(p)
        })
        .collect::<Res<_>>()?;
    a.import(&files, &ImportOptions::default(), &mut |_| {})?;
    let secret = if people {
        a.become_owner("Ann", ANN, FAST)?;
        a.add_person(
            "Bea",
            "bea's bench passphrase",
            FAST,
            Role::RegistrarStaff,
            &[],
        )?;
        Secret::Person {
            who: "Ann".into(),
            passphrase: zeroize::Zeroizing::new(ANN.into()),
        }
    } else {
        Secret::Passphrase(zeroize::Zeroizing::new(PASS.into()))
    };
    let docs: Vec<_> = a
        .catalog()
        .list(Listing::All)?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let (mut made, mut n) = (0, 0);
    while made < ops {
        let tags: Vec<String> = (0..per_commit).map(|j| format!("t{n}-{j}")).collect();
        a.tag(docs[n % docs.len()], &tags, &[])?;
        made += per_commit + 1;
        n += 1;
    }
    Ok((a, secret, n))
}

async fn run(dir: &Path, people: bool, ops: usize, per_commit: usize) -> Res<Run> {
    let _ = std::fs::remove_dir_all(dir);
    let (a, secret, commits) = make(dir, people, ops, per_commit)?;
    let sent = a.catalog().unsent_count()?;
    let remote = dir.join("remote");
    std::fs::create_dir_all(&remote)?;
    let url = format!("file://{}", remote.display());
    let sender = engine(&url, Owned::new(a))?;
    sender.add_remote(&url).await?;
    sender.sync().await?;
    drop(sender);

    let start = Instant::now();
    let joined = join(open(&url)?.as_ref(), dir.join("b"), secret).await?;
    let local = Arc::new(Owned::new(joined));
    engine(&url, Arc::clone(&local))?.sync().await?;
    let clone_s = start.elapsed().as_secs_f64();

    let (held, docs) = local
        .run(|l| {
            Ok((
                l.held_batches()?.len(),
                l.catalog().list(Listing::All)?.len(),
            ))
        })
        .await?;
    if held > 0 || docs != DOCS {
        return Err(format!("the clone holds {docs} records and {held} held batches").into());
    }
    Ok(Run {
        ops: sent,
        commits,
        clone_s,
    })
}

fn main() -> Res<()> {
    let ops = arg("--ops", 100_000);
    let per_commit = arg("--per-commit", 20);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-signed");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let plain = rt.block_on(run(&root.join("plain"), false, ops, per_commit))?;
    let people = rt.block_on(run(&root.join("people"), true, ops, per_commit))?;
    println!("signed history: a new desktop's whole clone ({per_commit} tags per commit)");
    for (name, r) in [
        ("without people (nothing signed)", &plain),
        ("kept by its people (verified)", &people),
    ] {
        println!(
            "  {name:<34} {:>7} ops {:>6} commits  clone {:>7.2} s",
            r.ops, r.commits, r.clone_s,
        );
    }
    println!(
        "  verification's share of the clone: {:.1}% ((people - without) / people)",
        (people.clone_s - plain.clone_s) / people.clone_s * 100.0
    );
    Ok(())
}
