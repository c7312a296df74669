//! Reports a records officer hands over (issue 22): a title, lines saying what the
//! report covers, and a table, written as CSV (every value exact, UTF-8) or as a PDF
//! (landscape A4, wrapped columns, page numbers) by one code path for every report.
//!
//! **API boundary:** a report is built from the catalog by the library
//! (`Library::disclosure_report` and the others); the front ends only choose the form.

mod font;
mod pdf;

pub(crate) use pdf::image_pdf;

use serde::Serialize;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsx::{write_new, write_new_into};

/// One column: its heading and its share of the page's width.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub heading: String,
    /// Relative width (the columns' widths are scaled to fill the page).
    pub width: f32,
}

/// A report, ready to be written in any form.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub title: String,
    /// What it covers: who, which period, when it was made and by whom.
    pub about: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

/// The forms a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ReportForm {
    Csv,
    Pdf,
}

impl ReportForm {
    /// From a file's extension (`csv` or `pdf`, any case).
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Self::Csv),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }
}

impl Report {
    pub fn new(title: impl Into<String>, columns: &[(&str, f32)]) -> Self {
        Self {
            title: title.into(),
            about: Vec::new(),
            columns: columns
                .iter()
                .map(|(heading, width)| Column {
                    heading: (*heading).to_owned(),
                    width: *width,
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Write the report in `form` into the folder `dir`, named after its title (` (2)`…
    /// when that is taken; nothing is replaced); returns the file written.
    pub fn write_into(&self, dir: &Path, form: ReportForm) -> Result<PathBuf> {
        let ext = match form {
            ReportForm::Csv => "csv",
            ReportForm::Pdf => "pdf",
        };
        write_new_into(dir, &format!("{}.{ext}", self.title), &self.write(form)?)
    }

    /// Write the report in `form` to the file `dest`, which must not exist yet: written
    /// beside it and renamed, so a failure leaves nothing half-written.
    pub fn write_to(&self, dest: &Path, form: ReportForm) -> Result<()> {
        write_new(dest, &self.write(form)?)
    }

    /// The report in `form`.
    pub fn write(&self, form: ReportForm) -> Result<Vec<u8>> {
        match form {
            ReportForm::Csv => self.to_csv(),
            ReportForm::Pdf => Ok(pdf::render(self)),
        }
    }

    /// A header row of the column headings, then one row per line of the table. What
    /// the report covers is left to its file's name and the PDF: spreadsheets read the
    /// CSV as one table.
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let failed = |source: std::io::Error| Error::Io {
            action: "write",
            path: "report.csv".into(),
            source,
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(self.columns.iter().map(|c| c.heading.as_str()))
            .map_err(|e| failed(e.into()))?;
        for row in &self.rows {
            // A cell starting like a formula is not run by a spreadsheet (CSV injection).
            w.write_record(row.iter().map(|cell| defused(cell).into_owned()))
                .map_err(|e| failed(e.into()))?;
        }
        w.into_inner().map_err(|e| failed(e.into_error()))
    }
}

/// `cell`, with a leading `'` when a spreadsheet would take it for a formula.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_the_headings_and_defuses_formulas() {
        let mut r = Report::new("Test", &[("Party", 2.0), ("Amount", 1.0)]);
        r.rows.push(vec!["=HYPERLINK(\"x\")".into(), "-3".into()]);
        r.rows.push(vec!["Zoë, \"the\" school".into(), "4".into()]);
        let csv = String::from_utf8(r.to_csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "Party,Amount\n\"'=HYPERLINK(\"\"x\"\")\",-3\n\"Zoë, \"\"the\"\" school\",4\n"
        );
        assert_eq!(
            ReportForm::from_path(std::path::Path::new("a/b.PDF")),
            Some(ReportForm::Pdf)
        );
    }
}
