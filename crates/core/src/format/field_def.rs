//! The custom fields a document type has, with their kinds (text, number, date, a choice
//! list), as operations carry them. A value set on a document of that type is checked and
//! typed by its field's kind; a field no type defines is typed as the CLI always has.

use serde::{Deserialize, Serialize};

use super::op::{FieldKey, FieldValue};
use crate::error::{Error, Result};

/// The most fields one type may define.
pub const MAX_FIELDS: usize = 50;
/// The most options one choice list may have.
pub const MAX_OPTIONS: usize = 200;
/// The longest a field's name or an option may be.
pub const MAX_NAME: usize = 100;

/// One custom field of a document type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    pub name: String,
    #[serde(flatten)]
    pub kind: FieldKind,
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Number,
    /// An ISO date, `YYYY-MM-DD`.
    Date,
    /// One of `options`.
    Choice {
        options: Vec<String>,
    },
}

impl FieldDef {
    /// The value `raw` (as typed) for this field, or why it cannot be one. Choices match
    /// without regard to case and take the option's spelling.
    pub fn value(&self, raw: &str) -> Result<FieldValue> {
        let raw = raw.trim();
        let bad = |expected: String| Error::BadFieldValue {
            field: self.name.clone(),
            value: raw.to_owned(),
            expected,
        };
        match &self.kind {
            FieldKind::Text => Ok(FieldValue::Text(raw.to_owned())),
            FieldKind::Number => raw
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(FieldValue::Number)
                .ok_or_else(|| bad("a number, like 12 or 3.5".into())),
            FieldKind::Date => chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(|_| FieldValue::Date(raw.to_owned()))
                .map_err(|_| bad("a date like 2026-12-31".into())),
            FieldKind::Choice { options } => options
                .iter()
                .find(|o| o.eq_ignore_ascii_case(raw))
                .map(|o| FieldValue::Text(o.clone()))
                .ok_or_else(|| bad(format!("one of: {}", options.join(", ")))),
        }
    }
}

/// Check the fields of `doc_type` before they are saved: names a custom field may have,
/// each once, choice lists with options, each once.
pub fn check_fields(doc_type: &str, fields: &[FieldDef]) -> Result<()> {
    let bad = |what: &str, reason: &'static str| Error::BadFieldDefs {
        doc_type: doc_type.to_owned(),
        what: what.to_owned(),
        reason,
    };
    if doc_type.trim().is_empty() || doc_type.chars().any(char::is_control) {
        return Err(bad(doc_type, "the fields belong to a document type"));
    }
    if fields.len() > MAX_FIELDS {
        return Err(bad("its fields", "at most 50 fields a type"));
    }
    for (i, f) in fields.iter().enumerate() {
        let plain = |s: &str| {
            !s.trim().is_empty()
                && s.trim() == s
                && s.chars().count() <= MAX_NAME
                && !s.chars().any(char::is_control)
        };
        if !plain(&f.name) || !matches!(FieldKey::from_name(&f.name), Ok(FieldKey::Custom(_))) {
            return Err(bad(
                &f.name,
                "not a custom field's name (at most 100 characters, not a built-in property like title or type)",
            ));
        }
        if fields[..i]
            .iter()
            .any(|g| g.name.eq_ignore_ascii_case(&f.name))
        {
            return Err(bad(&f.name, "a field is defined twice"));
        }
        if let FieldKind::Choice { options } = &f.kind {
            if options.is_empty() || options.len() > MAX_OPTIONS {
                return Err(bad(&f.name, "a choice list needs 1 to 200 options"));
            }
            for (j, o) in options.iter().enumerate() {
                if !plain(o) {
                    return Err(bad(o, "an option is a line of at most 100 characters"));
                }
                if options[..j].iter().any(|p| p.eq_ignore_ascii_case(o)) {
                    return Err(bad(o, "an option is listed twice"));
                }
            }
        }
    }
    Ok(())
}

/// Custom field `name` with the value `raw`: checked by its definition among `defs` (the
/// fields of the document's type) when it has one, and then named as defined, otherwise
/// named as given and typed by its look (numbers, ISO dates and booleans typed, anything
/// else text).
pub fn typed_value(defs: &[FieldDef], name: &str, raw: &str) -> Result<(String, FieldValue)> {
    match defs
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(name.trim()))
    {
        Some(def) => Ok((def.name.clone(), def.value(raw)?)),
        None => Ok((name.trim().to_owned(), FieldValue::parse_typed(raw.trim()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields of a type as builds since December 2026 write them.
    const FIXTURE: &str = r#"[{"name":"Grade","kind":"number"},{"name":"Term","kind":"choice","options":["Autumn","Spring"]},{"name":"Issued","kind":"date"},{"name":"Issuer","kind":"text"}]"#;

    #[test]
    fn yesterdays_fields_read_and_write_back_the_same() {
        let defs: Vec<FieldDef> = serde_json::from_str(FIXTURE).unwrap();
        assert_eq!(defs.len(), 4);
        assert_eq!(serde_json::to_string(&defs).unwrap(), FIXTURE);
        check_fields("Transcript", &defs).unwrap();
    }

    #[test]
    fn values_are_checked_by_their_kind() {
        let defs: Vec<FieldDef> = serde_json::from_str(FIXTURE).unwrap();
        let v = |n: &str, raw: &str| typed_value(&defs, n, raw).map(|(_, v)| v);
        assert_eq!(v("grade", " 12.5 ").unwrap(), FieldValue::Number(12.5));
        assert!(matches!(
            v("Grade", "twelve"),
            Err(Error::BadFieldValue { .. })
        ));
        assert!(matches!(
            v("Grade", "inf"),
            Err(Error::BadFieldValue { .. })
        ));
        assert_eq!(
            v("Term", "spring").unwrap(),
            FieldValue::Text("Spring".into())
        );
        assert!(matches!(
            v("Term", "Summer"),
            Err(Error::BadFieldValue { .. })
        ));
        assert_eq!(
            v("Issued", "2024-02-29").unwrap(),
            FieldValue::Date("2024-02-29".into())
        );
        assert!(matches!(
            v("Issued", "2023-02-29"),
            Err(Error::BadFieldValue { .. })
        ));
        assert_eq!(v("Issuer", "12").unwrap(), FieldValue::Text("12".into()));
        assert_eq!(typed_value(&defs, "grade", "1").unwrap().0, "Grade");
        // Not defined: typed by its look.
        assert_eq!(v("Credits", "12").unwrap(), FieldValue::Number(12.0));
    }

    #[test]
    fn bad_definitions_are_refused() {
        let def = |name: &str, kind: FieldKind| FieldDef {
            name: name.into(),
            kind,
        };
        let refused = |fields: &[FieldDef]| {
            matches!(
                check_fields("Transcript", fields),
                Err(Error::BadFieldDefs { .. })
            )
        };
        assert!(refused(&[def("title", FieldKind::Text)]));
        assert!(refused(&[def("", FieldKind::Text)]));
        assert!(refused(&[def("a=b", FieldKind::Text)]));
        assert!(refused(&[
            def("Grade", FieldKind::Text),
            def("grade", FieldKind::Number)
        ]));
        assert!(refused(&[def(
            "Term",
            FieldKind::Choice { options: vec![] }
        )]));
        assert!(refused(&[def(
            "Term",
            FieldKind::Choice {
                options: vec!["A".into(), "a".into()]
            }
        )]));
        assert!(matches!(
            check_fields(" ", &[]),
            Err(Error::BadFieldDefs { .. })
        ));
        check_fields("Transcript", &[]).unwrap();
    }
}
