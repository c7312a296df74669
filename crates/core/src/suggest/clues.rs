//! What in a document could name a person: numbers (student and staff numbers have
//! digits) and runs of capitalised words (a name as written, or "Last, First"). The
//! library looks each up among its people; most are nobody.

use std::collections::BTreeSet;

use crate::extract::ocr::lookalike_lines;

/// The most numbers and names looked up for one document (a bound on the lookups).
pub(crate) const MAX_CLUES: usize = 400;

/// Numbers and names a document mentions, each once, in the order first seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clues {
    pub numbers: Vec<String>,
    /// Spellings a person's name could have in the catalog: "First Last" as written,
    /// and "First Last" from "Last, First".
    pub names: Vec<String>,
}

impl Clues {
    /// The clues in a file's name and the start of its text.
    pub fn of(file_name: &str, text: &str) -> Self {
        let mut seen = BTreeSet::new();
        let mut clues = Clues::default();
        let text = match text.char_indices().nth(super::MAX_TEXT_CHARS) {
            Some((i, _)) => &text[..i],
            None => text,
        };
        // A scan's "S26051" read by Tesseract as "$26051" is looked up as both.
        let lookalikes = lookalike_lines(text).collect::<Vec<_>>().join("\n");
        for source in [file_name, text, &lookalikes] {
            for token in source.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
                let token = token.trim_matches('-');
                let digits = token.chars().filter(char::is_ascii_digit).count();
                if digits >= 4
                    && token.len() <= 20
                    && clues.numbers.len() < MAX_CLUES
                    && seen.insert(token.to_owned())
                {
                    clues.numbers.push(token.to_owned());
                }
            }
        }
        clues.names = names(text);
        clues
    }
}

/// A capitalised word of letters (an initial's full stop and inner hyphens or
/// apostrophes allowed): "Maya", "O'Neil", "Anne-Marie", "OKAFOR".
fn is_name_word(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    let mut chars = w.chars();
    chars.next().is_some_and(char::is_uppercase)
        && w.chars().count() >= 2
        && chars.all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
}

fn names(text: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |name: String| {
        if out.len() < MAX_CLUES && seen.insert(name.to_lowercase()) {
            out.push(name);
        }
    };
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for i in 0..words.len() {
            // "Okafor, Maya": the surname first, ended by a comma.
            if let Some(last) = words[i].strip_suffix(',')
                && is_name_word(last)
                && let Some(first) = words
                    .get(i + 1)
                    .map(|w| w.trim_end_matches([',', '.', ';', ':']))
                && is_name_word(first)
            {
                push(format!("{first} {last}"));
            }
            // "Maya Okafor", "Maya Grace Okafor": two or three words as written.
            let mut run = Vec::new();
            for w in words.iter().skip(i).take(3) {
                let bare = w.trim_end_matches([',', '.', ';', ':', ')']);
                if !is_name_word(bare) {
                    break;
                }
                run.push(bare);
                if run.len() >= 2 {
                    push(run.join(" "));
                }
                if bare.len() != w.len() {
                    break; // punctuation ends the name
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_are_found_once_each() {
        let c = Clues::of(
            "transcript_2024-0173.pdf",
            "Student: Okafor, Maya (ID 2024-0173)\nDear Maya Grace Okafor,\nS1234567 in 2024 at room 12. MAYA OKAFOR\nthe Head Teacher",
        );
        assert_eq!(
            c.numbers,
            ["2024-0173", "S1234567", "2024"],
            "12 has too few digits"
        );
        for n in [
            "Maya Okafor",
            "Maya Grace",
            "Maya Grace Okafor",
            "Grace Okafor",
            "Head Teacher",
        ] {
            assert!(c.names.iter().any(|x| x == n), "{n} in {:?}", c.names);
        }
        assert!(
            c.names
                .iter()
                .filter(|x| x.eq_ignore_ascii_case("maya okafor"))
                .count()
                == 1,
            "{:?}",
            c.names
        );
        assert!(
            c.names.iter().all(|x| x.split(' ').count() <= 3),
            "at most three words"
        );
    }

    #[test]
    fn a_number_tesseract_read_with_a_dollar_is_also_an_s_number() {
        let c = Clues::of("scan.jpg", "Student number: $26051");
        assert_eq!(c.numbers, vec!["26051", "S26051"]);
    }

    #[test]
    fn lowercase_text_and_punctuation_end_a_name() {
        let c = Clues::of("a.pdf", "the student. Maya. Okafor went home");
        assert!(c.names.is_empty(), "{:?}", c.names);
    }

    #[test]
    fn a_hostile_text_yields_at_most_the_bound() {
        let text: String = (0..10_000)
            .map(|i| format!("A{i:05} Bx{i} Cy{i}\n"))
            .collect();
        let c = Clues::of("x", &text);
        assert!(c.numbers.len() <= MAX_CLUES && c.names.len() <= MAX_CLUES);
    }
}
