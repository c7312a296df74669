//! Saved views through the public API: saved, changed, deleted, in the audit trail, and
//! kept through a reopen and a catalog rebuilt from the store.

use dossier_core::{Error, View, ViewFilters};

use super::*;

fn view(name: &str, query: &str, pinned: bool) -> View {
    View {
        name: name.into(),
        pinned,
        query: query.into(),
        filters: ViewFilters {
            doc_type: Some("Transcript".into()),
            from: Some("2026-01-01".into()),
            ..ViewFilters::default()
        },
        sort: Some("date".into()),
        reverse: true,
        columns: vec!["title".into(), "date".into()],
    }
}

#[test]
fn views_are_saved_changed_and_deleted_and_survive_a_rebuild() {
    let t = tempfile::tempdir().unwrap();
    let (mut lib, _) = create(t.path());
    let a = lib
        .save_view(None, view("  Transcripts ", "transcript", true))
        .unwrap();
    let b = lib.save_view(None, view("all mail", "", false)).unwrap();
    let c = lib.save_view(None, view("Archive", "", false)).unwrap();
    let names = |lib: &Library| -> Vec<String> {
        lib.catalog()
            .views()
            .unwrap()
            .into_iter()
            .map(|(_, v)| v.name)
            .collect()
    };
    assert_eq!(
        names(&lib),
        ["Transcripts", "all mail", "Archive"],
        "pinned first, then by name without regard to case"
    );
    lib.save_view(Some(b), view("All mail", "letter", true))
        .unwrap();
    assert_eq!(lib.catalog().view(b).unwrap().query, "letter");
    lib.delete_view(c).unwrap();
    assert!(matches!(
        lib.catalog().view(c),
        Err(Error::NoSuchView { .. })
    ));
    assert!(matches!(lib.delete_view(c), Err(Error::NoSuchView { .. })));
    assert!(matches!(
        lib.save_view(None, view("", "x", false)),
        Err(Error::BadView { .. })
    ));
    let audit = lib.catalog().audit(None).unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.action == "view_changed").count(),
        5
    );

    let before = lib.catalog().views().unwrap();
    assert_eq!(before.len(), 2);
    assert_eq!(
        before[0].0, b,
        "All mail sorts before Transcripts, both pinned"
    );
    assert_eq!(before[1].0, a);
    drop(lib);
    let lib = rebuilt_catalog(t.path());
    assert_eq!(lib.catalog().views().unwrap(), before);
}
