//! Signed history (issue 21): what verifying every batch costs a new desktop's clone,
//! beside the clone of the same kind of journal in a library without people, which no one
//! signs and nothing verifies.
//!
//! `cargo bench -p dossier-sync --bench signed -- [--ops N] [--per-commit K] [--reps R]` (or
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

/// A library made and sent to its remote, ready to be cloned.
struct Made {
    ops: u64,
    commits: usize,
    url: String,
    people: bool,
    dir: std::path::PathBuf,
}

fn engine<R: Replica>(url: &str, local: R) -> Res<Engine<R>> {
    Ok(Engine::new(
        Resilient::new(open(url)?, ResilientOptions::default()),
        local,
    ))
}

/// The library of `ops` operations, kept by its people or not, and how many commits made
/// them.
fn make(dir: &Path, people: bool, ops: usize, per_commit: usize) -> Res<(Library, usize)> {
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
    if people {
        a.become_owner("Ann", ANN, FAST)?;
        a.add_person(
            "Bea",
            "bea's bench passphrase",
            FAST,
            Role::RegistrarStaff,
            &[],
        )?;
    }
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
    Ok((a, n))
}

/// What opens the library on a new desktop: Ann's own passphrase in the one kept by its
/// people, the library's in the other.
fn secret(people: bool) -> Secret {
    if people {
        Secret::Person {
            who: "Ann".into(),
            passphrase: zeroize::Zeroizing::new(ANN.into()),
        }
    } else {
        Secret::Passphrase(zeroize::Zeroizing::new(PASS.into()))
    }
}

/// The library of `ops` operations, kept by its people or not, sent to a folder remote.
async fn prepare(dir: &Path, people: bool, ops: usize, per_commit: usize) -> Res<Made> {
    let _ = std::fs::remove_dir_all(dir);
    let (a, commits) = make(dir, people, ops, per_commit)?;
    let sent = a.catalog().unsent_count()?;
    let remote = dir.join("remote");
    std::fs::create_dir_all(&remote)?;
    let url = format!("file://{}", remote.display());
    let sender = engine(&url, Owned::new(a))?;
    sender.add_remote(&url).await?;
    sender.sync().await?;
    Ok(Made {
        ops: sent,
        commits,
        url,
        people,
        dir: dir.to_path_buf(),
    })
}

/// Time one new desktop's whole clone of `made`: join, then the first sync.
async fn clone_once(made: &Made) -> Res<f64> {
    let target = made.dir.join("b");
    let _ = std::fs::remove_dir_all(&target);
    let start = Instant::now();
    let joined = join(open(&made.url)?.as_ref(), target, secret(made.people)).await?;
    let local = Arc::new(Owned::new(joined));
    engine(&made.url, Arc::clone(&local))?.sync().await?;
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
    Ok(clone_s)
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> Res<()> {
    let ops = arg("--ops", 100_000);
    let per_commit = arg("--per-commit", 20);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-signed");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let reps = arg("--reps", 3).max(1);
    let plain = rt.block_on(prepare(&root.join("plain"), false, ops, per_commit))?;
    let people = rt.block_on(prepare(&root.join("people"), true, ops, per_commit))?;
    // Alternately, so that a machine busier at one moment weighs on both alike.
    let (mut plain_s, mut people_s) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        plain_s.push(rt.block_on(clone_once(&plain))?);
        people_s.push(rt.block_on(clone_once(&people))?);
    }
    // The fastest clone of each as well: on a shared machine, load only ever adds time.
    let fastest = |t: &[f64]| t.iter().copied().fold(f64::INFINITY, f64::min);
    let (plain_min, people_min) = (fastest(&plain_s), fastest(&people_s));
    let (plain_s, people_s) = (median(plain_s), median(people_s));
    println!(
        "signed history: a new desktop's whole clone ({per_commit} tags per commit, median of {reps})"
    );
    for (name, r, t) in [
        ("without people (nothing signed)", &plain, plain_s),
        ("kept by its people (verified)", &people, people_s),
    ] {
        println!(
            "  {name:<34} {:>7} ops {:>6} commits  clone {t:>7.2} s",
            r.ops, r.commits,
        );
    }
    println!(
        "  verification's share of the clone: {:.1}% ((people - without) / people)",
        (people_s - plain_s) / people_s * 100.0
    );
    println!(
        "  fastest of {reps}: {plain_min:.2} s and {people_min:.2} s, a share of {:.1}%",
        (people_min - plain_min) / people_min * 100.0
    );
    Ok(())
}
