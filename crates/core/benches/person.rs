//! The person view at scale (issue 20): how long `Catalog::dossier` (a person's record,
//! documents by type, timeline and checklist) and a name search among the people take on
//! a library of 100,000 documents and 20,000 people.
//!
//! `cargo bench -p dossier-core --bench person -- [--docs N] [--people P] [--opens K]`
//! (or `./scripts/bench-person.sh`). It copies the search benchmark's library of N
//! documents (`target/bench-search/library-N`, made by `--bench search -- --generate-only`)
//! to `target/bench-person/library-N-P` once, imports a roster of P students there (timed),
//! sets each grade's required documents and files every document under a student, then
//! opens it read-only, as the app's readers do, and times K person views and K searches.

use std::path::{Path, PathBuf};
use std::time::Instant;

use dossier_core::{
    Access, DocId, Library, Listing, LockedLibrary, RosterOptions, Secret, SubjectFilter,
    SubjectId, SubjectKind,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const PASS: &str = "bench passphrase";
const GRADES: usize = 12;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn open(dir: &Path, access: Access) -> Res<Library> {
    Ok(LockedLibrary::open(dir, access)?.unlock(&Secret::Passphrase(PASS.to_owned().into()))?)
}

fn copy_dir(from: &Path, to: &Path) -> Res<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The library with `people` students, each with a share of the documents.
fn prepare(source: &Path, dir: &Path, people: usize) -> Res<()> {
    if dir.join("library.json").exists() {
        return Ok(());
    }
    if !source.join("library.json").exists() {
        return Err(format!(
            "{} is missing: run `cargo bench -p dossier-core --bench search -- --docs N --generate-only` first",
            source.display()
        )
        .into());
    }
    let partial = dir.with_extension("partial");
    let _ = std::fs::remove_dir_all(&partial);
    copy_dir(source, &partial)?;
    let _ = std::fs::remove_file(partial.join("library.lock"));
    let mut lib = open(&partial, Access::Write)?;
    let roster = partial.with_extension("csv");
    let mut csv =
        String::from("Student ID,First Name,Last Name,Date of Birth,Grade,Enrolled,Status\n");
    for i in 0..people {
        csv += &format!(
            "{:07},Given{i},Family{},20{:02}-{:02}-{:02},Grade {},2020-09-01,enrolled\n",
            1_000_000 + i,
            i % 997,
            5 + i % 12,
            1 + i % 12,
            1 + i % 28,
            1 + i % GRADES
        );
    }
    std::fs::write(&roster, csv)?;
    let t = Instant::now();
    let report = lib.import_roster(
        &roster,
        RosterOptions {
            kind: SubjectKind::Student,
            dry_run: false,
        },
    )?;
    println!(
        "roster of {} students imported in {:.2} s",
        report.added,
        t.elapsed().as_secs_f64()
    );
    std::fs::remove_file(&roster)?;
    for g in 1..=GRADES {
        lib.set_requirements(
            &format!("Grade {g}"),
            &[
                "Transcript".into(),
                "Birth certificate".into(),
                "ID photo".into(),
            ],
        )?;
    }
    let people_ids: Vec<SubjectId> = lib
        .catalog()
        .subjects(&SubjectFilter::default())?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let docs: Vec<DocId> = lib
        .catalog()
        .list(Listing::Active)?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let t = Instant::now();
    for chunk in docs.chunks(10_000).enumerate() {
        let (n, chunk) = chunk;
        let links: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, Some(people_ids[(n * 10_000 + i) % people_ids.len()])))
            .collect();
        lib.set_document_subjects(&links)?;
    }
    println!(
        "{} documents filed under {} people in {:.1} s",
        docs.len(),
        people_ids.len(),
        t.elapsed().as_secs_f64()
    );
    // Filing changed every document's person: index them now, as the app would have
    // before it is idle.
    let t = Instant::now();
    lib.refresh_index()?;
    println!("reindexed in {:.1} s", t.elapsed().as_secs_f64());
    drop(lib);
    std::fs::rename(&partial, dir)?;
    Ok(())
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() -> Res<()> {
    let docs: u64 = arg("--docs").map_or(Ok(100_000), |s| s.parse())?;
    let people: usize = arg("--people").map_or(Ok(20_000), |s| s.parse())?;
    let opens: usize = arg("--opens").map_or(Ok(300), |s| s.parse())?;
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    let source: PathBuf = target.join("bench-search").join(format!("library-{docs}"));
    let dir = target
        .join("bench-person")
        .join(format!("library-{docs}-{people}"));
    prepare(&source, &dir, people)?;

    let t = Instant::now();
    let lib = open(&dir, Access::Read)?;
    println!(
        "opened read-only in {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let all: Vec<SubjectId> = lib
        .catalog()
        .subjects(&SubjectFilter::default())?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut rng = StdRng::seed_from_u64(20);
    let mut views = Vec::with_capacity(opens);
    let mut documents = 0;
    for _ in 0..opens {
        let who = all[rng.random_range(0..all.len())];
        let t = Instant::now();
        let d = lib.catalog().dossier(who)?;
        views.push(t.elapsed().as_secs_f64() * 1e3);
        documents += d.by_type.iter().map(|g| g.documents.len()).sum::<usize>();
        assert_eq!(d.checklist.len(), 3);
    }
    let mut searches = Vec::with_capacity(opens);
    for _ in 0..opens {
        let i = rng.random_range(0..people);
        let query = format!("given{i} family{}", i % 997);
        let t = Instant::now();
        let found = lib.catalog().subjects(&SubjectFilter {
            text: Some(query),
            limit: Some(50),
            ..SubjectFilter::default()
        })?;
        searches.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(!found.is_empty());
    }
    views.sort_by(f64::total_cmp);
    searches.sort_by(f64::total_cmp);
    println!(
        "{} people, {docs} documents ({:.1} per person view)",
        all.len(),
        documents as f64 / opens as f64
    );
    println!("| measure | p50 | p95 | max | target |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, v, target) in [
        ("person view (Catalog::dossier)", &views, "< 300 ms"),
        ("people search by name (50 shown)", &searches, "< 100 ms"),
    ] {
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {:.1} ms | {target} |",
            pct(v, 0.5),
            pct(v, 0.95),
            pct(v, 1.0)
        );
    }
    Ok(())
}
