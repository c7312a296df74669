//! Intake rules: which rules hold for a document and what they would set. Pure: the
//! library gives the inputs ([`Candidate`]) and turns an [`Outcome`] into operations.

use crate::format::rule::{Action, Condition, NumberSource, Rule};
use crate::ids::RuleId;

/// The most numbers a rule takes from one document (the first that names a person wins).
const MAX_NUMBERS: usize = 20;

/// What rules look at.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub file_name: &'a str,
    /// The folder it was added from, when this desktop added it.
    pub folder: Option<&'a str>,
    pub mime: &'a str,
    /// `None`: not extracted yet; rules that look at text wait.
    pub text: Option<&'a str>,
}

/// What the rules that hold would set; each property from the first rule that sets it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// The rules that held, in order.
    pub rules: Vec<(RuleId, String)>,
    pub doc_type: Option<String>,
    pub tags: Vec<String>,
    /// Numbers found, in order: the first that names a person is used.
    pub numbers: Vec<String>,
    pub fields: Vec<(String, String)>,
    pub title: Option<String>,
    pub collection: Option<String>,
}

struct Compiled {
    id: RuleId,
    rule: Rule,
    when: Vec<(Condition, Vec<regex::Regex>)>,
    numbers: Vec<(NumberSource, regex::Regex)>,
}

/// Enabled rules, compiled, in order.
pub struct Rules(Vec<Compiled>);

impl Rules {
    /// Compile `rules` (in position order, then id). A rule that does not compile here
    /// (made by a newer Dossier) is left out.
    pub fn new(mut rules: Vec<(RuleId, Rule)>) -> Self {
        rules.sort_by_key(|(id, r)| (r.position, *id));
        Self(
            rules
                .into_iter()
                .filter(|(_, r)| r.enabled)
                .filter_map(|(id, rule)| compile(id, rule))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What the rules that hold for `c` set. Without text, rules that look at text are
    /// left for later, and so is what they could set: a later rule does not take a type,
    /// title, collection, field or person that an earlier rule may set once the text is
    /// read (tags add up, so they are not held back). Rules keep their order whether the
    /// text comes at once or afterwards.
    pub fn evaluate(&self, c: &Candidate<'_>) -> Outcome {
        let mut out = Outcome::default();
        let mut held = Held::default();
        for compiled in &self.0 {
            if c.text.is_none() && held_for_text(compiled, c) {
                held.hold(compiled);
                continue;
            }
            if !holds(compiled, c) {
                continue;
            }
            out.rules.push((compiled.id, compiled.rule.name.clone()));
            for action in &compiled.rule.then {
                match action {
                    Action::Type { .. } | Action::Title { .. } | Action::Collection { .. }
                        if held.holds(action) => {}
                    Action::Field { name, .. } if held.fields.iter().any(|f| f == name.trim()) => {}
                    Action::Type { value } => {
                        out.doc_type.get_or_insert_with(|| value.trim().to_owned());
                    }
                    Action::Tags { values } => {
                        for t in values {
                            let t = t.trim().to_owned();
                            if !out.tags.contains(&t) {
                                out.tags.push(t);
                            }
                        }
                    }
                    Action::Subject { .. } => {}
                    Action::Field { name, value } => {
                        if !out.fields.iter().any(|(n, _)| n == name.trim()) {
                            out.fields.push((name.trim().to_owned(), value.clone()));
                        }
                    }
                    Action::Title { template } => {
                        out.title.get_or_insert_with(|| template.clone());
                    }
                    Action::Collection { value } => {
                        out.collection
                            .get_or_insert_with(|| value.trim().to_owned());
                    }
                }
            }
            for (from, re) in &compiled.numbers {
                if held.subject {
                    break;
                }
                let mut look = |s: &str| {
                    for m in re.captures_iter(s).take(MAX_NUMBERS) {
                        let n = m.get(1).or_else(|| m.get(0)).map(|g| g.as_str().trim());
                        if let Some(n) = n.filter(|n| !n.is_empty())
                            && !out.numbers.iter().any(|x| x == n)
                            && out.numbers.len() < MAX_NUMBERS
                        {
                            out.numbers.push(n.to_owned());
                        }
                    }
                };
                if matches!(from, NumberSource::FileName | NumberSource::Either) {
                    look(c.file_name);
                }
                if matches!(from, NumberSource::Text | NumberSource::Either)
                    && let Some(text) = c.text
                {
                    look(text);
                }
            }
            // Its numbers in the text come later, before any later rule's.
            if c.text.is_none()
                && compiled
                    .numbers
                    .iter()
                    .any(|(from, _)| !matches!(from, NumberSource::FileName))
            {
                held.subject = true;
            }
        }
        out
    }
}

/// What rules waiting for the text may still set, held back from later rules.
#[derive(Default)]
struct Held {
    doc_type: bool,
    title: bool,
    collection: bool,
    subject: bool,
    fields: Vec<String>,
}

impl Held {
    fn hold(&mut self, c: &Compiled) {
        for action in &c.rule.then {
            match action {
                Action::Type { .. } => self.doc_type = true,
                Action::Title { .. } => self.title = true,
                Action::Collection { .. } => self.collection = true,
                Action::Subject { .. } => self.subject = true,
                Action::Field { name, .. } => self.fields.push(name.trim().to_owned()),
                Action::Tags { .. } => {}
            }
        }
    }

    fn holds(&self, action: &Action) -> bool {
        match action {
            Action::Type { .. } => self.doc_type,
            Action::Title { .. } => self.title,
            Action::Collection { .. } => self.collection,
            _ => false,
        }
    }
}

/// Whether `c` looks at text and holds on everything else about `d`: it may hold once the
/// text is read.
fn held_for_text(c: &Compiled, d: &Candidate<'_>) -> bool {
    let is_text =
        |(cond, _): &&(Condition, Vec<regex::Regex>)| matches!(cond, Condition::Text { .. });
    c.when.iter().any(|w| is_text(&w))
        && c.when
            .iter()
            .filter(|w| !is_text(w))
            .all(|w| condition_holds(w, d))
}

fn compile(id: RuleId, rule: Rule) -> Option<Compiled> {
    let mut when = Vec::new();
    for c in &rule.when {
        let res = match c {
            Condition::FileName { pattern }
            | Condition::Folder { pattern }
            | Condition::Text { pattern } => pattern.compile().ok()?,
            Condition::Mime { .. } => Vec::new(),
        };
        when.push((c.clone(), res));
    }
    let mut numbers = Vec::new();
    for a in &rule.then {
        if let Action::Subject { pattern, from } = a {
            let re = regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .dfa_size_limit(1 << 20)
                .build()
                .ok()?;
            numbers.push((*from, re));
        }
    }
    Some(Compiled {
        id,
        rule,
        when,
        numbers,
    })
}

fn holds(c: &Compiled, d: &Candidate<'_>) -> bool {
    c.when.iter().all(|w| condition_holds(w, d))
}

fn condition_holds((cond, res): &(Condition, Vec<regex::Regex>), d: &Candidate<'_>) -> bool {
    let all = |res: &[regex::Regex], s: &str| res.iter().all(|r| r.is_match(s));
    match cond {
        Condition::FileName { .. } => all(res, d.file_name),
        Condition::Folder { .. } => d.folder.is_some_and(|f| all(res, f)),
        Condition::Mime { mime } => {
            let m = mime.trim().to_ascii_lowercase();
            if m.ends_with('/') {
                d.mime.starts_with(&m)
            } else {
                d.mime.eq_ignore_ascii_case(&m)
            }
        }
        Condition::Text { .. } => d.text.is_some_and(|t| all(res, t)),
    }
}

/// A title from `template`: `{type}`, `{name}`, `{number}`, `{file_name}`, `{date}`,
/// `{year}`; a placeholder with nothing to fill goes, with the separators around it.
pub fn render_title(
    template: &str,
    doc_type: Option<&str>,
    person: Option<(&str, &str)>,
    file_name: &str,
    today: chrono::NaiveDate,
) -> String {
    let stem = std::path::Path::new(file_name).file_stem().map_or_else(
        || file_name.to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    let date = today.format("%Y-%m-%d").to_string();
    let year = today.format("%Y").to_string();
    let mut out = template.to_owned();
    for (key, value) in [
        ("{type}", doc_type.unwrap_or("")),
        ("{name}", person.map_or("", |p| p.1)),
        ("{number}", person.map_or("", |p| p.0)),
        ("{file_name}", stem.as_str()),
        ("{date}", date.as_str()),
        ("{year}", year.as_str()),
    ] {
        out = out.replace(key, value);
    }
    // Separators left around empty placeholders: "Transcript –  – 2026" → "Transcript – 2026".
    let parts: Vec<&str> = out
        .split([' '])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>();
    let mut cleaned: Vec<&str> = Vec::new();
    for p in parts {
        let is_sep = p
            .chars()
            .all(|c| matches!(c, '-' | '–' | '—' | '|' | '/' | ','));
        if is_sep
            && cleaned.last().is_none_or(|l| {
                l.chars()
                    .all(|c| matches!(c, '-' | '–' | '—' | '|' | '/' | ','))
            })
        {
            continue;
        }
        cleaned.push(p);
    }
    while cleaned.last().is_some_and(|l| {
        l.chars()
            .all(|c| matches!(c, '-' | '–' | '—' | '|' | '/' | ','))
    }) {
        cleaned.pop();
    }
    let title = cleaned.join(" ");
    if title.trim().is_empty() { stem } else { title }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::rule::Pattern;

    fn rule(name: &str, when: Vec<Condition>, then: Vec<Action>) -> (RuleId, Rule) {
        (
            RuleId::new(),
            Rule {
                name: name.into(),
                position: 0,
                enabled: true,
                when,
                then,
            },
        )
    }

    #[test]
    fn rules_hold_on_names_folders_types_and_text_and_the_first_to_set_a_property_wins() {
        let transcript = rule(
            "transcripts",
            vec![Condition::Text {
                pattern: Pattern::Words("official transcript".into()),
            }],
            vec![
                Action::Type {
                    value: "Transcript".into(),
                },
                Action::Subject {
                    pattern: r"\b(S\d{5})\b".into(),
                    from: NumberSource::Either,
                },
            ],
        );
        let scans = rule(
            "scans from admissions",
            vec![
                Condition::Folder {
                    pattern: Pattern::Phrase("admissions".into()),
                },
                Condition::Mime {
                    mime: "image/".into(),
                },
            ],
            vec![
                Action::Type {
                    value: "Admission form".into(),
                },
                Action::Tags {
                    values: vec!["intake".into()],
                },
            ],
        );
        let mut ordered = vec![transcript.clone(), scans.clone()];
        ordered[1].1.position = 1;
        let rules = Rules::new(ordered);
        let scan = Candidate {
            file_name: "scan S00042.png",
            folder: Some("/home/clerk/Scans/Admissions/2026"),
            mime: "image/png",
            text: None,
        };
        // Without text, only the folder rule holds; the type and person wait for the
        // transcript rule, which comes first and reads the text. Its tags do not wait.
        let o = rules.evaluate(&scan);
        assert_eq!(o.doc_type, None);
        assert_eq!(o.tags, vec!["intake".to_owned()]);
        assert!(o.numbers.is_empty());
        // Text that is no transcript: the folder rule's type after all.
        let o = rules.evaluate(&Candidate {
            text: Some("Admission form, page 1"),
            ..scan
        });
        assert_eq!(o.doc_type.as_deref(), Some("Admission form"));
        // With text, the transcript rule comes first and sets the type; tags still add up.
        let o = rules.evaluate(&Candidate {
            text: Some("OFFICIAL\nTranscript of records for S00077"),
            ..scan
        });
        assert_eq!(o.doc_type.as_deref(), Some("Transcript"));
        assert_eq!(o.numbers, vec!["S00042".to_owned(), "S00077".to_owned()]);
        assert_eq!(o.rules.len(), 2);
        // A phrase needs its words in order.
        let phrase = Rules::new(vec![rule(
            "phrase",
            vec![Condition::Text {
                pattern: Pattern::Phrase("transcript official".into()),
            }],
            vec![Action::Type { value: "x".into() }],
        )]);
        assert_eq!(
            phrase
                .evaluate(&Candidate {
                    text: Some("official transcript"),
                    ..scan
                })
                .rules
                .len(),
            0
        );
    }

    #[test]
    fn titles_fill_their_placeholders_and_drop_the_empty_ones() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(
            render_title(
                "{type} – {name} ({number}) – {year}",
                Some("Transcript"),
                Some(("S1", "Ann Lee")),
                "scan.pdf",
                day
            ),
            "Transcript – Ann Lee (S1) – 2026"
        );
        assert_eq!(
            render_title(
                "{type} – {name} – {date}",
                Some("Transcript"),
                None,
                "scan.pdf",
                day
            ),
            "Transcript – 2026-12-04"
        );
        assert_eq!(
            render_title("{name}", None, None, "scan 7.pdf", day),
            "scan 7"
        );
    }
}
