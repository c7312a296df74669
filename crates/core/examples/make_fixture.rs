//! Writes the format-compatibility fixture `tests/fixtures/library-v1` (run once when a
//! format version is introduced, then never again for that version):
//! `cargo run -p dossier-core --example make_fixture`.

mod fixtures;

use dossier_core::ImportOptions;

fn main() -> fixtures::Res<()> {
    let root = fixtures::new_fixture("library-v1")?;
    let content = root.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        content.join("letter.txt"),
        "To the registrar: please find the transcript attached.\n",
    )?;
    let mut table = String::from("student_id,name,grade\n");
    for i in 0..4000 {
        table += &format!("{},Student {i},{}\n", 1_000_000 + i, i % 12 + 1);
    }
    std::fs::write(content.join("roster.csv"), table)?;
    let mut noise = Vec::with_capacity(300_000);
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..300_000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        noise.push(s as u8);
    }
    std::fs::write(content.join("scan.bin"), noise)?;
    let mut lib = fixtures::create_library(&root.join("library"))?;
    lib.import(&[content], &ImportOptions::default(), &mut |_| {})?;
    drop(lib);
    // Fold the WAL into the database so the fixture is one file.
    let conn = rusqlite::Connection::open(root.join("library/catalog.sqlite"))?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}
