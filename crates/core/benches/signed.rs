//! Signed history (issue 21): what verifying every batch costs a desktop that receives a
//! library's whole journal (a clone's catalog), beside the same journal of a library without
//! people, which no one signs and nothing verifies.
//!
//! `cargo bench -p dossier-core --bench signed -- [--ops N] [--per-commit K]` (or
//! `./scripts/bench-signed.sh`). For each kind of library it makes N operations (commits of
//! K tags on a few hundred documents, each with its audit event, and in the library kept by
//! its people its signature), collects them as journal segments, then times a new desktop
//! applying them all, as sync does after a clone's download.

use std::path::Path;
use std::time::Instant;

use dossier_core::{ImportOptions, InitOptions, KdfParams, Library, Role, Secret, Segment};

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
    ops: usize,
    batches: usize,
    apply_s: f64,
}

fn run(dir: &Path, people: bool, ops: usize, per_commit: usize) -> Res<Run> {
    let _ = std::fs::remove_dir_all(dir);
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
        .list(dossier_core::Listing::All)?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let mut made = 0;
    let mut n = 0;
    while made < ops {
        let tags: Vec<String> = (0..per_commit).map(|j| format!("t{n}-{j}")).collect();
        a.tag(docs[n % docs.len()], &tags, &[])?;
        made += per_commit + 1;
        n += 1;
    }
    let mut segments: Vec<Segment> = Vec::new();
    while let Some(s) = a.next_segment()? {
        a.mark_sent(&s)?;
        segments.push(s);
    }
    let total: usize = segments.iter().map(|s| s.ops.len()).sum();
    let batches = segments
        .iter()
        .flat_map(|s| &s.ops)
        .filter(|op| matches!(op.kind, dossier_core::OpKind::Signed { .. }))
        .count();
    let objects = [(0, a.key_object(0)?)];
    drop(a);
    let mut b = Library::join(&dir.join("b"), &objects, &secret)?;
    let start = Instant::now();
    for s in &segments {
        b.apply_segment(s)?;
    }
    let apply_s = start.elapsed().as_secs_f64();
    if people && !b.held_batches()?.is_empty() {
        return Err("the benchmark's own batches were not all applied".into());
    }
    Ok(Run {
        ops: total,
        batches,
        apply_s,
    })
}

fn main() -> Res<()> {
    let ops = arg("--ops", 100_000);
    let per_commit = arg("--per-commit", 20);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-signed");
    let plain = run(&root.join("plain"), false, ops, per_commit)?;
    let people = run(&root.join("people"), true, ops, per_commit)?;
    println!(
        "signed history: a new desktop applying the whole journal ({per_commit} tags per commit)"
    );
    for (name, r) in [
        ("without people (nothing signed)", &plain),
        ("kept by its people (verified)", &people),
    ] {
        println!(
            "  {name:<34} {:>7} ops {:>6} signed batches  {:>7.2} s  {:>8.0} ops/s",
            r.ops,
            r.batches,
            r.apply_s,
            r.ops as f64 / r.apply_s
        );
    }
    let per_op = |r: &Run| r.apply_s / r.ops as f64;
    println!(
        "  verification's cost per operation: {:+.1}% (time per operation, people / without)",
        (per_op(&people) / per_op(&plain) - 1.0) * 100.0
    );
    Ok(())
}
