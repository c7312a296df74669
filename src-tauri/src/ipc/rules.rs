//! Intake rules as the rules screen edits them: the same shape as core's `Rule` (and the
//! JSON of `dossier rules add`), with types for the UI.

use serde::{Deserialize, Serialize};
use specta::Type;

use dossier_core as core;

/// One rule: when every condition holds, set what its actions name.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct RuleForm {
    pub name: String,
    /// Rules run in this order (then by id).
    pub position: i64,
    pub enabled: bool,
    /// None: every new document.
    pub when: Vec<RuleCondition>,
    pub then: Vec<RuleAction>,
}

/// What a rule looks at.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum RuleCondition {
    FileName {
        pattern: RulePattern,
    },
    /// The folder the file was added from, on the desktop that added it.
    Folder {
        pattern: RulePattern,
    },
    /// A MIME type, or its start (`image/`).
    Mime {
        mime: String,
    },
    /// The document's text, once read (or recognised by OCR).
    Text {
        pattern: RulePattern,
    },
}

/// How a condition matches, without regard to case.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(tag = "match", content = "value", rename_all = "snake_case")]
pub enum RulePattern {
    /// Every word, anywhere.
    Words(String),
    /// These words in this order.
    Phrase(String),
    /// A regular expression.
    Regex(String),
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NumberSource {
    FileName,
    Text,
    Either,
}

/// What a rule sets (only where nothing is set yet).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(tag = "set", rename_all = "snake_case")]
pub enum RuleAction {
    Type {
        value: String,
    },
    Tags {
        values: Vec<String>,
    },
    /// The person whose number the regular expression finds (its first group, or the
    /// whole match).
    Subject {
        pattern: String,
        from: NumberSource,
    },
    Field {
        name: String,
        value: String,
    },
    /// `{type}`, `{name}`, `{number}`, `{file_name}`, `{date}`, `{year}`.
    Title {
        template: String,
    },
    Collection {
        value: String,
    },
}

/// A saved rule.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SavedRule {
    pub id: String,
    pub rule: RuleForm,
}

/// What a rule did or would do to one document.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RuleHit {
    pub doc: String,
    pub title: String,
    /// In words: `type = Transcript`, `+tag intake`, `subject = student 1001`.
    pub changes: Vec<String>,
}

impl From<core::RuleMatch> for RuleHit {
    fn from(m: core::RuleMatch) -> Self {
        Self {
            doc: m.doc.to_string(),
            title: m.title,
            changes: m.changes,
        }
    }
}

impl From<RulePattern> for core::Pattern {
    fn from(p: RulePattern) -> Self {
        match p {
            RulePattern::Words(w) => Self::Words(w),
            RulePattern::Phrase(p) => Self::Phrase(p),
            RulePattern::Regex(r) => Self::Regex(r),
        }
    }
}

impl From<core::Pattern> for RulePattern {
    fn from(p: core::Pattern) -> Self {
        match p {
            core::Pattern::Words(w) => Self::Words(w),
            core::Pattern::Phrase(p) => Self::Phrase(p),
            core::Pattern::Regex(r) => Self::Regex(r),
        }
    }
}

impl From<NumberSource> for core::NumberSource {
    fn from(s: NumberSource) -> Self {
        match s {
            NumberSource::FileName => Self::FileName,
            NumberSource::Text => Self::Text,
            NumberSource::Either => Self::Either,
        }
    }
}

impl From<core::NumberSource> for NumberSource {
    fn from(s: core::NumberSource) -> Self {
        match s {
            core::NumberSource::FileName => Self::FileName,
            core::NumberSource::Text => Self::Text,
            core::NumberSource::Either => Self::Either,
        }
    }
}

impl From<RuleForm> for core::Rule {
    fn from(r: RuleForm) -> Self {
        Self {
            name: r.name,
            position: r.position,
            enabled: r.enabled,
            when: r
                .when
                .into_iter()
                .map(|c| match c {
                    RuleCondition::FileName { pattern } => core::Condition::FileName {
                        pattern: pattern.into(),
                    },
                    RuleCondition::Folder { pattern } => core::Condition::Folder {
                        pattern: pattern.into(),
                    },
                    RuleCondition::Mime { mime } => core::Condition::Mime { mime },
                    RuleCondition::Text { pattern } => core::Condition::Text {
                        pattern: pattern.into(),
                    },
                })
                .collect(),
            then: r
                .then
                .into_iter()
                .map(|a| match a {
                    RuleAction::Type { value } => core::Action::Type { value },
                    RuleAction::Tags { values } => core::Action::Tags { values },
                    RuleAction::Subject { pattern, from } => core::Action::Subject {
                        pattern,
                        from: from.into(),
                    },
                    RuleAction::Field { name, value } => core::Action::Field { name, value },
                    RuleAction::Title { template } => core::Action::Title { template },
                    RuleAction::Collection { value } => core::Action::Collection { value },
                })
                .collect(),
        }
    }
}

impl From<core::Rule> for RuleForm {
    fn from(r: core::Rule) -> Self {
        Self {
            name: r.name,
            position: r.position,
            enabled: r.enabled,
            when: r
                .when
                .into_iter()
                .map(|c| match c {
                    core::Condition::FileName { pattern } => RuleCondition::FileName {
                        pattern: pattern.into(),
                    },
                    core::Condition::Folder { pattern } => RuleCondition::Folder {
                        pattern: pattern.into(),
                    },
                    core::Condition::Mime { mime } => RuleCondition::Mime { mime },
                    core::Condition::Text { pattern } => RuleCondition::Text {
                        pattern: pattern.into(),
                    },
                })
                .collect(),
            then: r
                .then
                .into_iter()
                .map(|a| match a {
                    core::Action::Type { value } => RuleAction::Type { value },
                    core::Action::Tags { values } => RuleAction::Tags { values },
                    core::Action::Subject { pattern, from } => RuleAction::Subject {
                        pattern,
                        from: from.into(),
                    },
                    core::Action::Field { name, value } => RuleAction::Field { name, value },
                    core::Action::Title { template } => RuleAction::Title { template },
                    core::Action::Collection { value } => RuleAction::Collection { value },
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The form and core's rule are one shape: a rule in `dossier rules add`'s JSON reads
    /// as a form and comes back unchanged.
    #[test]
    fn form_and_rule_are_one_shape() {
        let json = r#"{
            "name": "Transcripts", "position": 10, "enabled": true,
            "when": [
                {"on": "text", "pattern": {"match": "phrase", "value": "official transcript"}},
                {"on": "file_name", "pattern": {"match": "words", "value": "scan"}},
                {"on": "folder", "pattern": {"match": "regex", "value": "in(box)?"}},
                {"on": "mime", "mime": "image/"}
            ],
            "then": [
                {"set": "type", "value": "Transcript"},
                {"set": "subject", "pattern": "(\\d{4}-\\d{4})", "from": "either"},
                {"set": "tags", "values": ["records"]},
                {"set": "field", "name": "year", "value": "2026"},
                {"set": "title", "template": "{type} {name}"},
                {"set": "collection", "value": "Registrar"}
            ]
        }"#;
        let rule: core::Rule = serde_json::from_str(json).unwrap();
        let form: RuleForm = serde_json::from_str(json).unwrap();
        assert_eq!(core::Rule::from(form.clone()), rule);
        assert_eq!(
            serde_json::to_value(RuleForm::from(rule.clone())).unwrap(),
            serde_json::to_value(&rule).unwrap()
        );
    }
}
