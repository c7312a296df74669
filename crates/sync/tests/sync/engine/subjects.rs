//! People across desktops: one roster imported on two desktops makes one set of records,
//! and two desktops merging two records each into the other converge on one person.

use dossier_core::{RosterOptions, SubjectId, SubjectKind, SubjectValues};

use super::*;

const ROSTER: RosterOptions = RosterOptions {
    kind: SubjectKind::Student,
    dry_run: false,
};

async fn person(e: &Engine<Owned>, number: &'static str) -> SubjectId {
    e.local()
        .run(move |l| l.catalog().resolve_subject(number))
        .await
        .unwrap()
}

async fn shown_under(e: &Engine<Owned>, doc: dossier_core::DocId) -> Option<SubjectId> {
    e.local()
        .run(move |l| l.catalog().document_subject(doc))
        .await
        .unwrap()
}

#[tokio::test]
async fn people_imported_and_merged_on_two_desktops_converge() {
    let t = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let (a, b, doc) = synced_pair(t.path(), &memory).await;
    let roster = t.path().join("roster.csv");
    std::fs::write(
        &roster,
        "Student ID,Name,Status\n1001,Ann Lee,enrolled\n1002,Anne Lee,enrolled\n1003,Bo Chen,enrolled\n",
    )
    .unwrap();
    // Both desktops import the same roster while apart.
    for e in [&a, &b] {
        let file = roster.clone();
        let r = e
            .local()
            .run(move |l| l.import_roster(&file, ROSTER))
            .await
            .unwrap();
        assert_eq!(r.added, 3);
    }
    let (ann, anne) = (person(&a, "1001").await, person(&a, "1002").await);
    assert_eq!(
        person(&b, "1001").await,
        ann,
        "the same person on both desktops"
    );

    // Apart again: A files the document under Anne and merges Anne into Ann; B merges
    // Ann into Anne and corrects Anne's name.
    a.local()
        .run(move |l| {
            l.set_document_subject(doc, Some(anne))?;
            l.merge_subjects(anne, ann)
        })
        .await
        .unwrap();
    b.local()
        .run(move |l| {
            l.merge_subjects(ann, anne)?;
            let name: SubjectValues = [(
                dossier_core::SubjectField::Name,
                "Anne Lee-Smith".to_owned(),
            )]
            .into();
            l.edit_subject(anne, &name).map(|_| ())
        })
        .await
        .unwrap();
    for e in [&a, &b, &a] {
        e.sync().await.unwrap();
    }
    assert_eq!(state(&a).await, state(&b).await);
    let on_a = a
        .local()
        .run(|l| {
            l.catalog().subjects(&dossier_core::SubjectFilter {
                include_merged: true,
                ..Default::default()
            })
        })
        .await
        .unwrap();
    assert_eq!(on_a.len(), 3, "one roster, imported twice, is three people");
    // The merges loop; both records lead to the smaller id, on both desktops.
    let lead = ann.min(anne);
    for e in [&a, &b] {
        assert_eq!(shown_under(e, doc).await, Some(lead));
    }

    // B undoes its merge: Ann is merged into Anne no more, Anne still into Ann.
    b.local()
        .run(move |l| l.unmerge_subject(ann))
        .await
        .unwrap();
    for e in [&b, &a] {
        e.sync().await.unwrap();
    }
    assert_eq!(state(&a).await, state(&b).await);
    for e in [&a, &b] {
        assert_eq!(shown_under(e, doc).await, Some(ann));
        let record = e
            .local()
            .run(move |l| l.catalog().subject(anne))
            .await
            .unwrap();
        assert_eq!(record.shown_as, Some(ann));
        assert_eq!(record.name, "Anne Lee-Smith");
    }
}
