//! The access log (issue 22): who looked at which document and version, when and from
//! which desktop. The first view of a sitting is a `viewed` audit event, signed and synced
//! like any change; further views in the same sitting only keep it open. A sitting ends
//! when the document is closed ([`Library::end_sitting`]) or [`SITTING_IDLE_MS`] after
//! its last view. Exports are each recorded on their own (`AuditAction::Printed` is
//! kept for prints, which the app does not offer yet).
//!
//! **Invariant:** every front end that shows a document's content (a page, its text, its
//! original bytes) calls [`Library::note_view`] for it, and the rule of sittings lives
//! here only.

use serde::{Deserialize, Serialize};

use super::Library;
use crate::catalog::{AccessEntry, AccessFilter};
use crate::error::Result;
use crate::format::op::AuditAction;
use crate::ids::DocId;
use crate::role::Permission;

/// How long a sitting stays open without a view: 30 minutes.
pub const SITTING_IDLE_MS: i64 = 30 * 60 * 1000;

/// What of a document was looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Viewing {
    /// Its pages, rendered (the app's preview, `dossier render`, `dossier thumbnail`).
    Preview,
    /// Its text, extracted or recognised.
    Text,
    /// Its original bytes (opened in another program, compared).
    Content,
}

impl Viewing {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Preview => "preview",
            Self::Text => "text",
            Self::Content => "content",
        }
    }
}

impl Library {
    /// Note that the person signed in (in a library without people, the OS user) looked
    /// at `what` of `doc`'s version `number` (the current one when `None`). The first
    /// view of a sitting, or of another version, is recorded as a `viewed` audit event
    /// (returns `true`); a view within an open sitting keeps it open. Needs the writer.
    pub fn note_view(&mut self, doc: DocId, number: Option<u32>, what: Viewing) -> Result<bool> {
        self.note_view_at(doc, number, what, chrono::Utc::now().timestamp_millis())
    }

    /// [`Library::note_view`] at `now` (milliseconds since the Unix epoch).
    fn note_view_at(
        &mut self,
        doc: DocId,
        number: Option<u32>,
        what: Viewing,
        now: i64,
    ) -> Result<bool> {
        let version = self.version(doc, number)?.id;
        let viewer = self.viewer();
        let open = self.catalog().sitting(doc, &viewer, version)?;
        if let Some(last) = open
            && (0..SITTING_IDLE_MS).contains(&(now - last))
        {
            self.writer()?.keep_sitting(doc, &viewer, version, now)?;
            return Ok(false);
        }
        let op = self.audit_op(
            AuditAction::Viewed,
            Some(doc),
            Some(version),
            Some(what.as_str().to_owned()),
        )?;
        self.commit(vec![op])?;
        self.writer()?.keep_sitting(doc, &viewer, version, now)?;
        Ok(true)
    }

    /// The document is closed: its sitting ends, and the next view is recorded again.
    pub fn end_sitting(&mut self, doc: DocId) -> Result<()> {
        let viewer = self.viewer();
        self.writer()?.end_sitting(doc, &viewer)
    }

    /// Views, prints and exports that `filter` selects, oldest first: for whoever may read
    /// the audit trail (records officers, auditors, owners).
    pub fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>> {
        self.require(Permission::Audit)?;
        self.catalog().access_log(filter)
    }

    /// The audit trail of `doc` (or of all), oldest first, as the signed-in person may
    /// read it: who viewed which record is for those who may read the access log
    /// (`Permission::Audit`); others see the rest of the trail.
    pub fn audit_trail(&self, doc: Option<DocId>) -> Result<Vec<crate::catalog::AuditEntry>> {
        let mut all = self.catalog().audit(doc)?;
        if self.require(Permission::Audit).is_err() {
            all.retain(|e| !matches!(e.action.as_str(), "viewed" | "printed"));
        }
        Ok(all)
    }

    /// Who views, as the sittings table keys them.
    fn viewer(&self) -> String {
        match self.person() {
            Some(p) => p.member.to_string(),
            None => format!("user:{}", super::user_name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::AccessFilter;
    use crate::keys::KdfParams;
    use crate::library::test_support::{import_text, owned_library};
    use crate::role::Role;

    const MINUTE: i64 = 60 * 1000;

    fn viewed(lib: &Library, doc: DocId) -> usize {
        lib.catalog()
            .audit(Some(doc))
            .unwrap()
            .iter()
            .filter(|e| e.action == "viewed")
            .count()
    }

    /// A library kept by Ann (owner), signed in, with a document of two versions and one
    /// of one.
    fn office(dir: &std::path::Path) -> (Library, DocId, DocId) {
        let mut lib = owned_library(dir);
        let docs = [
            import_text(&mut lib, dir, "report.txt", "term report"),
            import_text(&mut lib, dir, "letter.txt", "a letter"),
        ];
        let second = dir.join("report-2.txt");
        std::fs::write(&second, "term report, corrected").unwrap();
        lib.add_version(docs[0], &second, None, &mut |_| {})
            .unwrap();
        (lib, docs[0], docs[1])
    }

    #[test]
    fn a_sitting_is_one_viewed_event_until_closed_or_idle_for_thirty_minutes() {
        let t = tempfile::tempdir().unwrap();
        let (mut lib, doc, other) = office(t.path());
        let start = chrono::Utc::now().timestamp_millis();
        // Pages, text and content, again and again, for 29 minutes between views.
        for (i, what) in [
            Viewing::Preview,
            Viewing::Text,
            Viewing::Content,
            Viewing::Preview,
        ]
        .into_iter()
        .enumerate()
        {
            let recorded = lib
                .note_view_at(doc, None, what, start + 29 * MINUTE * i as i64)
                .unwrap();
            assert_eq!(recorded, i == 0, "view {i}");
        }
        assert_eq!(viewed(&lib, doc), 1);
        // Another document is a sitting of its own.
        assert!(
            lib.note_view_at(other, None, Viewing::Preview, start)
                .unwrap()
        );
        assert_eq!(viewed(&lib, other), 1);
        // Thirty minutes without a view end it.
        let last = start + 3 * 29 * MINUTE;
        assert!(
            lib.note_view_at(doc, None, Viewing::Preview, last + 30 * MINUTE)
                .unwrap()
        );
        assert_eq!(viewed(&lib, doc), 2);
        // Closing ends it.
        lib.end_sitting(doc).unwrap();
        assert!(
            lib.note_view_at(doc, None, Viewing::Text, last + 31 * MINUTE)
                .unwrap()
        );
        // Another version is a sitting of its own, kept open beside the first: going
        // back and forth (comparing) records each once.
        assert!(
            lib.note_view_at(doc, Some(1), Viewing::Preview, last + 32 * MINUTE)
                .unwrap()
        );
        for i in 0..4 {
            let number = if i % 2 == 0 { None } else { Some(1) };
            assert!(
                !lib.note_view_at(doc, number, Viewing::Preview, last + 33 * MINUTE + i)
                    .unwrap()
            );
        }
        let events = lib.catalog().audit(Some(doc)).unwrap();
        let views: Vec<_> = events.iter().filter(|e| e.action == "viewed").collect();
        assert_eq!(views.len(), 4);
        let versions = lib.catalog().versions(doc).unwrap();
        assert_eq!(views[3].version, Some(versions[0].id.to_string()));
        assert_eq!(views[2].version, Some(versions[1].id.to_string()));
        assert_eq!(views[2].detail.as_deref(), Some("text"));
        assert!(views.iter().all(|v| v.user == "Ann" && v.member.is_some()));
        // The trail is signed and whole.
        assert!(lib.check_audit().unwrap().is_clean());
    }

    #[test]
    fn the_access_log_is_read_per_document_and_per_person_by_those_who_may() {
        let t = tempfile::tempdir().unwrap();
        let (mut lib, doc, other) = office(t.path());
        let bea = lib
            .add_person(
                "Bea",
                "bea's own passphrase",
                KdfParams::FAST,
                Role::RegistrarStaff,
                &[],
            )
            .unwrap();
        lib.add_person(
            "Cal",
            "cal's own passphrase",
            KdfParams::FAST,
            Role::Auditor,
            &[],
        )
        .unwrap();
        let ann = lib.person().unwrap().member;
        lib.note_view(doc, None, Viewing::Preview).unwrap();
        lib.export(doc, None, &t.path().join("out.txt")).unwrap();
        let sign_in = |lib: Library, who: &str, passphrase: &str| {
            drop(lib);
            crate::library::LockedLibrary::open(
                &t.path().join("lib"),
                crate::library::Access::Write,
            )
            .unwrap()
            .sign_in(who, passphrase)
            .unwrap()
        };
        let mut lib = sign_in(lib, "Bea", "bea's own passphrase");
        lib.note_view(doc, None, Viewing::Text).unwrap();
        lib.note_view(other, None, Viewing::Preview).unwrap();
        // Registrar staff may not read the log.
        assert!(matches!(
            lib.access_log(&AccessFilter::default()),
            Err(crate::Error::NotPermitted { .. })
        ));
        let lib = sign_in(lib, "Cal", "cal's own passphrase");
        let all = lib.access_log(&AccessFilter::default()).unwrap();
        let actions: Vec<(&str, Option<&str>)> = all
            .iter()
            .map(|e| (e.event.action.as_str(), e.event.member.as_deref()))
            .collect();
        let (a, b) = (ann.to_string(), bea.member.to_string());
        assert_eq!(
            actions,
            [
                ("viewed", Some(a.as_str())),
                ("exported", Some(a.as_str())),
                ("viewed", Some(b.as_str())),
                ("viewed", Some(b.as_str())),
            ]
        );
        assert_eq!(all[0].title.as_deref(), Some("report"));
        let of_doc = lib
            .access_log(&AccessFilter {
                doc: Some(other),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(of_doc.len(), 1);
        let of_bea = lib
            .access_log(&AccessFilter {
                member: Some(bea.member),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(of_bea.len(), 2);
    }
}
