//! What goes wrong converting and reading untrusted files in the worker process: the
//! conditions the parent acts on, as `Error`'s sources and a preview's reasons.

use std::path::PathBuf;

/// Why an office document was not converted to pages (by LibreOffice, in the worker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConvertProblem {
    /// LibreOffice is not installed (or does not start).
    Unavailable,
    /// This system has no private folder in memory to convert in.
    NoMemoryFolder,
    /// LibreOffice ran and made no PDF (a damaged or unsupported file).
    NoOutput,
    /// The conversion took longer than its limit and was stopped.
    TimedOut,
    /// The PDF is larger than the most a conversion may give.
    TooLarge,
    /// LibreOffice stopped (crashed) before it made this document's PDF.
    Crashed,
}

impl ConvertProblem {
    /// Whether the file is the cause (not the system: LibreOffice missing, no memory
    /// folder), so converting it again would end the same way.
    pub fn of_the_file(self) -> bool {
        !matches!(self, Self::Unavailable | Self::NoMemoryFolder)
    }

    /// In plain words, for the reason a preview is missing.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Unavailable => "LibreOffice is not installed, so office files show as text",
            Self::NoMemoryFolder => {
                "this system has no private memory folder to convert office files in"
            }
            Self::NoOutput => "LibreOffice could not read this file",
            Self::TimedOut => "LibreOffice took too long with this file and was stopped",
            Self::TooLarge => "the file's pages are too large to show",
            Self::Crashed => "LibreOffice stopped working while converting this file",
        }
    }
}

/// Why the worker could not do what it was asked: the conditions the parent acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PdfProblem {
    /// The PDF's structure cannot be read.
    Damaged,
    /// A page of the PDF is damaged.
    PageDamaged,
    /// The PDF engine could not read the file for another reason.
    Unreadable,
    /// The PDF is encrypted.
    PasswordProtected,
}

/// What went wrong with the worker process itself.
#[derive(Debug, thiserror::Error)]
pub enum WorkerFailure {
    #[error("the PDF reader could not be started ({program}): {source}")]
    Start {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The worker ended in the middle of a call: pdfium crashed, ran out of its memory
    /// limit, or was killed.
    #[error("the PDF reader stopped while reading this file ({}); the file is kept as it is", ended(*.signal, *.code))]
    Crashed {
        signal: Option<i32>,
        code: Option<i32>,
    },
    /// The worker answered something this build does not understand.
    #[error("the PDF reader gave an answer this version of Dossier does not understand")]
    Garbled,
}

fn ended(signal: Option<i32>, code: Option<i32>) -> String {
    match (signal, code) {
        (Some(s), _) => format!("it crashed, signal {s}"),
        (None, Some(c)) => format!("it exited with code {c}"),
        (None, None) => "it ended".into(),
    }
}
