//! Comparing two versions of a document: a line diff of their extracted text (text layer
//! and OCR) with page numbers and word-level changes, and the changes to what is known
//! about each version (file name, type, size, pages, document info, EXIF).
//!
//! Only the catalog is read, so a locked library can compare too.

use std::ops::Range;
use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, DiffOp, DiffTag};

use super::Library;
use crate::catalog::VersionInfo;
use crate::catalog::jobs::{ExtractInfo, JobKind, JobState, PageText};
use crate::error::{Error, Result};
use crate::ids::DocId;

/// Options for [`Library::compare`].
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// Unchanged lines shown around each change.
    pub context: usize,
}

impl Default for CompareOptions {
    fn default() -> Self {
        Self { context: 3 }
    }
}

/// The differences between two versions of one document.
#[derive(Debug, Clone, Serialize)]
pub struct VersionDiff {
    pub old: VersionInfo,
    pub new: VersionInfo,
    /// The two versions have the same content (the text then has no hunks).
    pub same_content: bool,
    /// Whether each side's text is fully extracted; when not, the diff is provisional.
    pub old_text: TextState,
    pub new_text: TextState,
    pub metadata: Vec<MetadataChange>,
    pub hunks: Vec<Hunk>,
    pub lines_added: usize,
    pub lines_removed: usize,
}

/// How far the text of a version is extracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextState {
    /// Extraction (and OCR, where needed) finished.
    Complete,
    /// Jobs are still pending or waiting for a tool.
    Pending,
    /// The file is password protected or its text could not be read.
    Unavailable,
}

/// One property that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetadataChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A run of changed lines with context.
#[derive(Debug, Clone, Serialize)]
pub struct Hunk {
    /// The first and last page of the old and the new version where lines changed (for a
    /// side with no changed lines, the pages of the context around the change).
    pub old_pages: Option<[u32; 2]>,
    pub new_pages: Option<[u32; 2]>,
    pub lines: Vec<DiffLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineOp {
    Equal,
    Removed,
    Added,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffLine {
    pub op: LineOp,
    pub text: String,
    /// The page of the old version (equal and removed lines) and of the new one (equal
    /// and added lines).
    pub old_page: Option<u32>,
    pub new_page: Option<u32>,
    /// Changed words of a removed or added line that replaces another, in characters:
    /// `[start, end)`.
    pub changes: Vec<[usize; 2]>,
}

/// Changed words as `[start, end)` byte ranges, on one side of a line pair.
type Ranges = Vec<[usize; 2]>;

/// A diff of very long texts stops refining after this long and reports coarser hunks.
const DIFF_DEADLINE: Duration = Duration::from_secs(5);

impl Library {
    /// Compare versions `old` and `new` (1-based numbers) of a document.
    pub fn compare(
        &self,
        doc: DocId,
        old: u32,
        new: u32,
        opts: &CompareOptions,
    ) -> Result<VersionDiff> {
        let old = self.version(doc, Some(old))?;
        let new = self.version(doc, Some(new))?;
        let catalog = self.catalog();
        let (old_info, new_info) = (catalog.extraction(old.id)?, catalog.extraction(new.id)?);
        let metadata = metadata_changes(&old, &new, old_info.as_ref(), new_info.as_ref());
        let (old_pages, new_pages) = (catalog.texts(old.id)?, catalog.texts(new.id)?);
        let hunks = diff_pages(&old_pages, &new_pages, opts.context);
        let count = |op| {
            hunks
                .iter()
                .flat_map(|h| &h.lines)
                .filter(|l| l.op == op)
                .count()
        };
        Ok(VersionDiff {
            same_content: old.content_hash == new.content_hash,
            old_text: self.text_state(&old)?,
            new_text: self.text_state(&new)?,
            metadata,
            lines_added: count(LineOp::Added),
            lines_removed: count(LineOp::Removed),
            hunks,
            old,
            new,
        })
    }

    fn text_state(&self, v: &VersionInfo) -> Result<TextState> {
        let mut state = TextState::Complete;
        for kind in [JobKind::Extract, JobKind::Ocr] {
            match self.catalog().job_state(v.id, kind)? {
                None | Some(JobState::Done) => {}
                Some(JobState::Pending | JobState::Waiting) => state = TextState::Pending,
                Some(JobState::Failed | JobState::Protected) => {
                    return Ok(TextState::Unavailable);
                }
            }
        }
        Ok(state)
    }

    /// The version numbered `number` (1-based), or the current one.
    pub fn version(&self, doc: DocId, number: Option<u32>) -> Result<VersionInfo> {
        let versions = self.catalog().versions(doc)?;
        match number {
            Some(n) => versions
                .into_iter()
                .find(|v| v.number == n)
                .ok_or(Error::NoSuchVersion(n)),
            None => versions
                .into_iter()
                .find(|v| v.current)
                .ok_or(Error::NoSuchVersion(0)),
        }
    }
}

fn metadata_changes(
    old: &VersionInfo,
    new: &VersionInfo,
    old_info: Option<&ExtractInfo>,
    new_info: Option<&ExtractInfo>,
) -> Vec<MetadataChange> {
    let info = |i: Option<&ExtractInfo>, f: fn(&ExtractInfo) -> Option<String>| i.and_then(f);
    let fields: [(&'static str, Option<String>, Option<String>); 10] = [
        (
            "file name",
            Some(old.file_name.clone()),
            Some(new.file_name.clone()),
        ),
        ("type", Some(old.mime.clone()), Some(new.mime.clone())),
        (
            "size",
            Some(old.size.to_string()),
            Some(new.size.to_string()),
        ),
        (
            "pages",
            info(old_info, |i| i.page_count.map(|n| n.to_string())),
            info(new_info, |i| i.page_count.map(|n| n.to_string())),
        ),
        (
            "document title",
            info(old_info, |i| i.title.clone()),
            info(new_info, |i| i.title.clone()),
        ),
        (
            "document author",
            info(old_info, |i| i.author.clone()),
            info(new_info, |i| i.author.clone()),
        ),
        (
            "document created",
            info(old_info, |i| i.created.clone()),
            info(new_info, |i| i.created.clone()),
        ),
        (
            "date taken",
            info(old_info, |i| i.exif.as_ref()?.date_taken.clone()),
            info(new_info, |i| i.exif.as_ref()?.date_taken.clone()),
        ),
        (
            "camera",
            info(old_info, |i| i.exif.as_ref()?.camera.clone()),
            info(new_info, |i| i.exif.as_ref()?.camera.clone()),
        ),
        (
            "password protected",
            info(old_info, |i| Some(i.protected.to_string())),
            info(new_info, |i| Some(i.protected.to_string())),
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, o, n)| o != n)
        .map(|(field, old, new)| MetadataChange { field, old, new })
        .collect()
}

/// The non-blank lines of a version's pages, each with its page number.
fn lines(pages: &[PageText]) -> Vec<(u32, &str)> {
    pages
        .iter()
        .flat_map(|p| p.text.lines().map(move |l| (p.page, l.trim_end())))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect()
}

/// Hunks of changed lines with `context` unchanged lines around each.
pub(crate) fn diff_pages(old: &[PageText], new: &[PageText], context: usize) -> Vec<Hunk> {
    let (a, b) = (lines(old), lines(new));
    let (ta, tb): (Vec<&str>, Vec<&str>) = (
        a.iter().map(|(_, l)| *l).collect(),
        b.iter().map(|(_, l)| *l).collect(),
    );
    let ops = similar::capture_diff_slices_deadline(
        Algorithm::Patience,
        &ta,
        &tb,
        Some(Instant::now() + DIFF_DEADLINE),
    );
    similar::group_diff_ops(ops, context)
        .into_iter()
        .map(|group| hunk(&group, &a, &b))
        .collect()
}

fn hunk(group: &[DiffOp], a: &[(u32, &str)], b: &[(u32, &str)]) -> Hunk {
    let mut lines = Vec::new();
    let line = |op, text: &str, old_page, new_page, changes| DiffLine {
        op,
        text: text.to_owned(),
        old_page,
        new_page,
        changes,
    };
    for op in group {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {
                for (i, j) in old.zip(new) {
                    lines.push(line(
                        LineOp::Equal,
                        a[i].1,
                        Some(a[i].0),
                        Some(b[j].0),
                        vec![],
                    ));
                }
            }
            DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                // Lines replaced one for one get their changed words marked.
                let paired = old.len().min(new.len());
                let words: Vec<(Ranges, Ranges)> = (0..paired)
                    .map(|k| word_changes(a[old.start + k].1, b[new.start + k].1))
                    .collect();
                for (k, i) in old.clone().enumerate() {
                    let marks = words.get(k).map(|w| w.0.clone()).unwrap_or_default();
                    lines.push(line(LineOp::Removed, a[i].1, Some(a[i].0), None, marks));
                }
                for (k, j) in new.clone().enumerate() {
                    let marks = words.get(k).map(|w| w.1.clone()).unwrap_or_default();
                    lines.push(line(LineOp::Added, b[j].1, None, Some(b[j].0), marks));
                }
            }
        }
    }
    // The pages where lines changed; for a side without changed lines (a pure insertion
    // or removal), the pages of the context around the change.
    let span = |side: fn(&DiffLine) -> Option<u32>, changed: LineOp| {
        let pages = |op: LineOp| -> Vec<u32> {
            lines
                .iter()
                .filter(|l| l.op == op)
                .filter_map(side)
                .collect()
        };
        let mut p = pages(changed);
        if p.is_empty() {
            p = pages(LineOp::Equal);
        }
        Some([*p.iter().min()?, *p.iter().max()?])
    };
    Hunk {
        old_pages: span(|l| l.old_page, LineOp::Removed),
        new_pages: span(|l| l.new_page, LineOp::Added),
        lines,
    }
}

/// Words and the spaces between them, as character ranges.
fn tokens(s: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = (0, 0); // (char index, byte index)
    let mut chars = 0;
    let mut prev_space = None;
    for (byte, c) in s.char_indices() {
        let space = c.is_whitespace();
        if prev_space.is_some_and(|p| p != space) {
            out.push((start.0..chars, &s[start.1..byte]));
            start = (chars, byte);
        }
        prev_space = Some(space);
        chars += 1;
    }
    if chars > start.0 {
        out.push((start.0..chars, &s[start.1..]));
    }
    out
}

/// Changed words of a pair of lines: character ranges in the old and in the new line.
fn word_changes(old: &str, new: &str) -> (Vec<[usize; 2]>, Vec<[usize; 2]>) {
    let (a, b) = (tokens(old), tokens(new));
    let (ta, tb): (Vec<&str>, Vec<&str>) = (
        a.iter().map(|t| t.1).collect(),
        b.iter().map(|t| t.1).collect(),
    );
    let mut marks = (Vec::new(), Vec::new());
    let ranges = |toks: &[(Range<usize>, &str)], r: Range<usize>| -> Option<[usize; 2]> {
        let first = toks.get(r.start)?;
        let last = toks.get(r.end.checked_sub(1)?)?;
        Some([first.0.start, last.0.end])
    };
    for op in similar::capture_diff_slices(Algorithm::Myers, &ta, &tb) {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        marks.0.extend(ranges(&a, o));
        marks.1.extend(ranges(&b, n));
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::jobs::TextSource;

    fn pages(texts: &[&str]) -> Vec<PageText> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| PageText {
                page: i as u32 + 1,
                source: TextSource::Layer,
                text: (*t).to_owned(),
            })
            .collect()
    }

    fn render(h: &Hunk) -> Vec<String> {
        h.lines
            .iter()
            .map(|l| {
                let sign = match l.op {
                    LineOp::Equal => ' ',
                    LineOp::Removed => '-',
                    LineOp::Added => '+',
                };
                format!("{sign}{}:{}", l.old_page.or(l.new_page).unwrap(), l.text)
            })
            .collect()
    }

    #[test]
    fn changed_lines_carry_their_pages_and_context() {
        let old = pages(&["a\nb\nc\nd\ne\nf", "g\nh\ni\nj"]);
        let new = pages(&["a\nb\nc\nd\ne\nf", "g\nH changed\ni\nj\nk"]);
        let hunks = diff_pages(&old, &new, 1);
        // Two unchanged lines between the changes: one hunk with context 1.
        assert_eq!(hunks.len(), 1, "{hunks:#?}");
        assert_eq!(
            render(&hunks[0]),
            [" 2:g", "-2:h", "+2:H changed", " 2:i", " 2:j", "+2:k"]
        );
        assert_eq!(hunks[0].old_pages, Some([2, 2]));
        let hunks = diff_pages(&old, &new, 0);
        assert_eq!(hunks.len(), 2, "{hunks:#?}");
        assert_eq!(render(&hunks[0]), ["-2:h", "+2:H changed"]);
        assert_eq!(render(&hunks[1]), ["+2:k"]);
        // Identical texts give no hunks; blank lines do not count.
        assert!(diff_pages(&old, &pages(&["a\n\nb\nc\nd\ne\nf  ", "g\nh\ni\nj"]), 3).is_empty());
    }

    #[test]
    fn text_moving_to_another_page_is_shown_with_both_pages() {
        let old = pages(&["one\ntwo", "three"]);
        let new = pages(&["one", "two\nthree"]);
        let hunks = diff_pages(&old, &new, 3);
        assert!(hunks.is_empty(), "same lines in the same order: {hunks:#?}");
        let new = pages(&["one", "inserted", "two\nthree"]);
        let hunks = diff_pages(&old, &new, 3);
        assert_eq!(
            render(&hunks[0]),
            [" 1:one", "+2:inserted", " 1:two", " 2:three"]
        );
        assert_eq!(hunks[0].old_pages, Some([1, 2]));
        assert_eq!(hunks[0].new_pages, Some([2, 2]));
    }

    #[test]
    fn replaced_lines_mark_the_changed_words_in_characters() {
        let (old, new) = word_changes("Grade: B für Müller", "Grade: A für Müller now");
        assert_eq!(old, vec![[7, 8]]);
        assert_eq!(new, vec![[7, 8], [19, 23]]);
        let hunks = diff_pages(&pages(&["élève B"]), &pages(&["élève A"]), 0);
        assert_eq!(hunks[0].lines[0].changes, vec![[6, 7]]);
        assert_eq!(hunks[0].lines[1].changes, vec![[6, 7]]);
    }
}
