//! An intake rule as operations carry it: conditions on a new document (its file name,
//! the folder it came from, its type of file, its text) and what to set when they all
//! hold. Matching lives in [`crate::rules`].

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The most a pattern may be (a person writes rules; this keeps a regex cheap to build).
pub const MAX_PATTERN: usize = 500;

/// One rule. Rules run in `position` order (then by id); each sets only what no rule
/// before it set and nobody set by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub name: String,
    #[serde(default)]
    pub position: i64,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Every condition must hold (none: every document).
    #[serde(default)]
    pub when: Vec<Condition>,
    pub then: Vec<Action>,
}

fn yes() -> bool {
    true
}

/// What a rule looks at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Condition {
    /// The file's name.
    FileName { pattern: Pattern },
    /// The folder the file was added from (its whole path), on the desktop that added it.
    Folder { pattern: Pattern },
    /// The file's type: a MIME type, or its start (`image/`).
    Mime { mime: String },
    /// The document's text, once extracted (or read by OCR).
    Text { pattern: Pattern },
}

impl Condition {
    /// Whether it needs the document's text.
    pub fn needs_text(&self) -> bool {
        matches!(self, Self::Text { .. })
    }
}

/// How a condition matches text, without regard to case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "match", content = "value", rename_all = "snake_case")]
pub enum Pattern {
    /// Every word, anywhere, in any order.
    Words(String),
    /// These words in this order.
    Phrase(String),
    /// A regular expression.
    Regex(String),
}

/// Where a rule looks for a person's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberSource {
    FileName,
    Text,
    /// The file name first, then the text.
    Either,
}

/// What a rule sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "set", rename_all = "snake_case")]
pub enum Action {
    Type {
        value: String,
    },
    Tags {
        values: Vec<String>,
    },
    /// The person whose number a regular expression finds (its first group, or the whole
    /// match), when the library has that number.
    Subject {
        pattern: String,
        from: NumberSource,
    },
    /// A custom field.
    Field {
        name: String,
        value: String,
    },
    /// The title, from a template: `{type}`, `{name}` (the person's), `{number}`,
    /// `{file_name}`, `{date}` (today, `YYYY-MM-DD`), `{year}`.
    Title {
        template: String,
    },
    Collection {
        value: String,
    },
}

impl Rule {
    /// Check that the rule can be used: a name, something to do, patterns that compile.
    pub fn check(&self) -> Result<()> {
        let bad = |what: &str, reason: &'static str| Error::BadRule {
            rule: self.name.clone(),
            what: what.to_owned(),
            reason,
        };
        if self.name.trim().is_empty() {
            return Err(bad("its name", "a rule needs a name"));
        }
        if self.then.is_empty() {
            return Err(bad("its actions", "a rule needs something to set"));
        }
        for c in &self.when {
            match c {
                Condition::FileName { pattern }
                | Condition::Folder { pattern }
                | Condition::Text { pattern } => pattern.check(&self.name)?,
                Condition::Mime { mime } => {
                    if mime.trim().is_empty() {
                        return Err(bad(
                            "a file type",
                            "give a type like application/pdf or image/",
                        ));
                    }
                }
            }
        }
        for a in &self.then {
            match a {
                Action::Type { value } | Action::Collection { value }
                    if value.trim().is_empty() =>
                {
                    return Err(bad("a value", "it cannot be empty"));
                }
                Action::Tags { values }
                    if values
                        .iter()
                        .any(|t| t.trim().is_empty() || t.chars().any(char::is_control))
                        || values.is_empty() =>
                {
                    return Err(bad("its tags", "give tags without line breaks"));
                }
                Action::Field { name, .. }
                    if !matches!(
                        super::op::FieldKey::from_name(name),
                        Ok(super::op::FieldKey::Custom(_))
                    ) =>
                {
                    return Err(bad(
                        name,
                        "not a custom field's name (type, title, subject and collection have \
                         their own actions; holds and retention are not set by rules)",
                    ));
                }
                Action::Title { template } if template.trim().is_empty() => {
                    return Err(bad("the title", "the template cannot be empty"));
                }
                Action::Subject { pattern, .. } => {
                    Pattern::Regex(pattern.clone()).check(&self.name)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl Pattern {
    /// The regular expressions that must all match (case-insensitive, bounded): one per
    /// word for [`Pattern::Words`], one otherwise.
    pub fn compile(&self) -> std::result::Result<Vec<regex::Regex>, regex::Error> {
        // A word boundary only at an end that is a word character: `\b` after "C++"
        // would need a letter to follow, so "C++" (or "(2024)") would never match.
        let word = |w: &str| {
            let edge = |c: Option<char>| {
                if c.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    r"\b"
                } else {
                    ""
                }
            };
            format!(
                "{}{}{}",
                edge(w.chars().next()),
                regex::escape(w),
                edge(w.chars().last())
            )
        };
        let sources: Vec<String> = match self {
            Self::Regex(r) => vec![r.clone()],
            Self::Phrase(p) => vec![
                p.split_whitespace()
                    .map(word)
                    .collect::<Vec<_>>()
                    .join(r"\W+"),
            ],
            Self::Words(w) => w.split_whitespace().map(word).collect(),
        };
        sources
            .iter()
            .map(|s| {
                regex::RegexBuilder::new(s)
                    .case_insensitive(true)
                    .size_limit(1 << 20)
                    .dfa_size_limit(1 << 20)
                    .build()
            })
            .collect()
    }

    fn check(&self, rule: &str) -> Result<()> {
        let (Self::Words(s) | Self::Phrase(s) | Self::Regex(s)) = self;
        if s.trim().is_empty() || s.len() > MAX_PATTERN {
            return Err(Error::BadRule {
                rule: rule.to_owned(),
                what: s.chars().take(40).collect(),
                reason: "a pattern needs 1 to 500 characters",
            });
        }
        self.compile()
            .map(|_| ())
            .map_err(|source| Error::BadPattern {
                rule: rule.to_owned(),
                pattern: s.clone(),
                source,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(p: &Pattern, text: &str) -> bool {
        p.compile().unwrap().iter().all(|r| r.is_match(text))
    }

    #[test]
    fn words_and_phrases_match_whole_words_even_with_punctuation_at_their_ends() {
        let words = Pattern::Words("C++ (2024) transcript".into());
        assert!(hits(&words, "Grades in C++ for the (2024) Transcript."));
        assert!(!hits(&words, "Grades in C++ for the (2024) transcripts"));
        let phrase = Pattern::Phrase("Dr. Okafor".into());
        assert!(hits(&phrase, "signed, dr. okafor"));
        assert!(!hits(&phrase, "signed, Dr. Okaforth"));
        assert!(hits(&Pattern::Phrase("#12".into()), "form #12 attached"));
        assert!(!hits(&Pattern::Words("script".into()), "transcript"));
    }
}
