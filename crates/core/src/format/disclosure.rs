//! A disclosure of a student's records under FERPA (34 CFR 99.32), as operations carry it:
//! who received them, their legitimate interest, the legal basis (the student's or
//! parent's written consent, or the exception of 99.31 used), the day, what was
//! disclosed (each document and version), and the parties it may be disclosed to again.
//! A disclosure is recorded once and never changed: the record is kept as long as the
//! student's records are.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{DocId, SubjectId, VersionId};

/// The longest free text a disclosure keeps (a party, an interest, a note).
pub const MAX_DISCLOSURE_TEXT: usize = 2_000;
/// The most further parties one disclosure names.
pub const MAX_REDISCLOSURE_PARTIES: usize = 50;

/// One disclosure, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Disclosure {
    /// The student whose records were disclosed.
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub subject: SubjectId,
    /// Who received them, in words ("Northside High School, registrar").
    pub party: String,
    /// Their legitimate interest in the records.
    pub interest: String,
    pub basis: Basis,
    /// When they were disclosed (`YYYY-MM-DD`).
    pub date: String,
    /// What was disclosed, document by document (empty: recorded by hand, described in
    /// the note).
    #[serde(default)]
    pub items: Vec<DisclosedItem>,
    /// Parties the receiver may disclose them to again, each with their interest
    /// (99.32(b)).
    #[serde(default)]
    pub redisclosure: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// How the records left, when Dossier wrote them out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<DisclosureExport>,
}

/// One document disclosed, at the version disclosed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DisclosedItem {
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub doc: DocId,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub version: VersionId,
    /// The version's number, as the document's history shows it.
    pub number: u32,
    /// The document's title when it was disclosed.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    /// In the copy disclosed, the places where other people's names or numbers were
    /// blacked out (`None`: not redacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted: Option<u32>,
}

/// The file a disclosure was written to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DisclosureExport {
    /// The file's name (not its folder).
    pub file_name: String,
    /// BLAKE3 of the whole file, hex.
    pub blake3: String,
    /// Encrypted with a password given to the party separately.
    pub encrypted: bool,
}

/// The legal basis of a disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Basis {
    /// The written consent of the parent or eligible student (99.30), signed on `signed`.
    Consent { signed: String },
    /// An exception of 99.31(a) that needs no consent.
    Exception { exception: Exception },
}

/// The exceptions of 34 CFR 99.31(a) under which records may be disclosed without consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Exception {
    /// (a)(1): school officials with a legitimate educational interest.
    SchoolOfficial,
    /// (a)(2): another school where the student seeks or intends to enrol.
    OtherSchool,
    /// (a)(3): authorised representatives, for an audit or evaluation (99.35).
    AuditOrEvaluation,
    /// (a)(4): in connection with financial aid.
    FinancialAid,
    /// (a)(5): state and local officials under a state statute (juvenile justice).
    JuvenileJustice,
    /// (a)(6): organisations conducting studies for the school.
    Studies,
    /// (a)(7): accrediting organisations.
    Accreditation,
    /// (a)(8): parents of a dependent student.
    DependentStudent,
    /// (a)(9): a judicial order or lawfully issued subpoena.
    CourtOrder,
    /// (a)(10): a health or safety emergency (99.36).
    HealthOrSafety,
    /// (a)(11): directory information (99.37), not for a student who opted out.
    DirectoryInformation,
    /// (a)(12): to the parent of a student under 18, or to the student.
    ParentOrStudent,
    /// (a)(13)-(15): results of disciplinary proceedings, and alcohol or drug violations
    /// to parents (postsecondary).
    Disciplinary,
    /// (a)(16): information about registered sex offenders.
    SexOffender,
}

impl Exception {
    pub const ALL: [Self; 14] = [
        Self::SchoolOfficial,
        Self::OtherSchool,
        Self::AuditOrEvaluation,
        Self::FinancialAid,
        Self::JuvenileJustice,
        Self::Studies,
        Self::Accreditation,
        Self::DependentStudent,
        Self::CourtOrder,
        Self::HealthOrSafety,
        Self::DirectoryInformation,
        Self::ParentOrStudent,
        Self::Disciplinary,
        Self::SexOffender,
    ];

    /// The word the CLI takes and JSON holds.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SchoolOfficial => "school_official",
            Self::OtherSchool => "other_school",
            Self::AuditOrEvaluation => "audit_or_evaluation",
            Self::FinancialAid => "financial_aid",
            Self::JuvenileJustice => "juvenile_justice",
            Self::Studies => "studies",
            Self::Accreditation => "accreditation",
            Self::DependentStudent => "dependent_student",
            Self::CourtOrder => "court_order",
            Self::HealthOrSafety => "health_or_safety",
            Self::DirectoryInformation => "directory_information",
            Self::ParentOrStudent => "parent_or_student",
            Self::Disciplinary => "disciplinary",
            Self::SexOffender => "sex_offender",
        }
    }

    /// The exception in words, with its paragraph, as reports print it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SchoolOfficial => "school official with a legitimate interest (99.31(a)(1))",
            Self::OtherSchool => "school where the student seeks to enrol (99.31(a)(2))",
            Self::AuditOrEvaluation => "audit or evaluation (99.31(a)(3))",
            Self::FinancialAid => "financial aid (99.31(a)(4))",
            Self::JuvenileJustice => "juvenile justice system (99.31(a)(5))",
            Self::Studies => "studies for the school (99.31(a)(6))",
            Self::Accreditation => "accrediting organisation (99.31(a)(7))",
            Self::DependentStudent => "parents of a dependent student (99.31(a)(8))",
            Self::CourtOrder => "court order or subpoena (99.31(a)(9))",
            Self::HealthOrSafety => "health or safety emergency (99.31(a)(10))",
            Self::DirectoryInformation => "directory information (99.31(a)(11))",
            Self::ParentOrStudent => "the parent or the student (99.31(a)(12))",
            Self::Disciplinary => "disciplinary results (99.31(a)(13)-(15))",
            Self::SexOffender => "registered sex offender information (99.31(a)(16))",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or(Error::NotUnderstood {
                input: s,
                expected: "an exception of 99.31 (school_official, other_school, \
                    audit_or_evaluation, financial_aid, juvenile_justice, studies, \
                    accreditation, dependent_student, court_order, health_or_safety, \
                    directory_information, parent_or_student, disciplinary, sex_offender)",
            })
    }
}

impl Basis {
    /// The basis in words, as reports print it.
    pub fn describe(&self) -> String {
        match self {
            Self::Consent { signed } => format!("written consent signed {signed}"),
            Self::Exception { exception } => exception.describe().to_owned(),
        }
    }
}

impl Disclosure {
    /// A party, an interest and a day given; free text within bounds.
    pub fn check(&self) -> Result<()> {
        for (text, expected) in [
            (
                &self.party,
                "who received the records (1 to 2,000 characters)",
            ),
            (
                &self.interest,
                "their legitimate interest (1 to 2,000 characters)",
            ),
        ] {
            if text.trim().is_empty() || text.len() > MAX_DISCLOSURE_TEXT {
                return Err(Error::NotUnderstood {
                    input: text.clone(),
                    expected,
                });
            }
        }
        if self.redisclosure.len() > MAX_REDISCLOSURE_PARTIES
            || self
                .redisclosure
                .iter()
                .chain(&self.note)
                .any(|t| t.len() > MAX_DISCLOSURE_TEXT)
        {
            return Err(Error::NotUnderstood {
                input: format!("{} further parties", self.redisclosure.len()),
                expected: "at most 50 further parties and 2,000 characters each",
            });
        }
        let days = std::iter::once(&self.date).chain(match &self.basis {
            Basis::Consent { signed } => Some(signed),
            Basis::Exception { .. } => None,
        });
        for day in days {
            if chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_err() {
                return Err(Error::NotUnderstood {
                    input: day.clone(),
                    expected: "a date, YYYY-MM-DD",
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A disclosure as this build writes it; every later build must read it.
    const FIXTURE: &str = r#"{"subject":"7f3c2a10b4d94e8a9c1b2d3e4f5a6b7c","party":"Northside High School","interest":"the student enrols there","basis":{"basis":"exception","exception":"other_school"},"date":"2026-12-07","items":[{"doc":"0190f3a2000070008000000000000001","version":"0190f3a2000070008000000000000002","number":1,"title":"Transcript","doc_type":"Transcript"}],"redisclosure":["Northside district office, to place the student"],"export":{"file_name":"Disclosure.zip","blake3":"af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262","encrypted":true}}"#;

    #[test]
    fn yesterdays_disclosures_read_and_check() {
        let d: Disclosure = serde_json::from_str(FIXTURE).unwrap();
        assert_eq!(
            d.basis,
            Basis::Exception {
                exception: Exception::OtherSchool
            }
        );
        assert_eq!(d.items[0].number, 1);
        d.check().unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), FIXTURE);
    }

    #[test]
    fn a_disclosure_names_its_party_and_its_days() {
        let mut d: Disclosure = serde_json::from_str(FIXTURE).unwrap();
        d.party = " ".into();
        assert!(d.check().is_err());
        let mut d: Disclosure = serde_json::from_str(FIXTURE).unwrap();
        d.basis = Basis::Consent {
            signed: "last week".into(),
        };
        assert!(d.check().is_err());
        assert_eq!(
            Exception::parse("Court order").unwrap(),
            Exception::CourtOrder
        );
        assert!(Exception::parse("curiosity").is_err());
    }
}
