//! Derived files: thumbnails, page renders and the PDF an office document was converted
//! to, cached under `derived/` and encrypted like the store. They are regenerable from the version's content, so a missing or damaged one
//! is made again rather than reported.
//!
//! Layout (format 1):
//!
//! ```text
//! derived/<version id>/<name>                  name: "thumb-256.png", "page-<P>-w<W>.png"
//!                                              or "rendition.pdf"
//! "DOSDRV01"                                   8-byte magic
//! nonce(12) | AES-256-GCM(PNG or PDF bytes) | tag(16)
//! ```
//!
//! The associated data is `"dossier derived v1 " + version id + " " + name`, so a file
//! moved to another version's folder or renamed does not open.

use super::sealed::{Codec, SealKind};
use crate::ids::VersionId;

pub const DERIVED_MAGIC: &[u8; 8] = b"DOSDRV01";

/// Which derived image of a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivedName {
    /// The square-bounded thumbnail of the first page or image.
    Thumbnail { size: u32 },
    /// One page (1-based) rendered `width` pixels wide.
    Page { page: u32, width: u32 },
    /// An office document as a PDF (made by LibreOffice), whose pages are drawn.
    Rendition,
}

impl DerivedName {
    /// The file name inside the version's folder.
    pub fn file_name(self) -> String {
        match self {
            Self::Thumbnail { size } => format!("thumb-{size}.png"),
            Self::Page { page, width } => format!("page-{page}-w{width}.png"),
            Self::Rendition => "rendition.pdf".into(),
        }
    }

    /// The associated data binding the sealed bytes to this version and name.
    pub fn aad(self, version: VersionId) -> Vec<u8> {
        format!("dossier derived v1 {version} {}", self.file_name()).into_bytes()
    }
}

/// Derived files' sealed-object codec.
pub(crate) const DERIVED_CODEC: Codec = Codec {
    magic: DERIVED_MAGIC,
    kind: SealKind::Derived,
    wrong_magic: "not a derived file (wrong magic)",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_associated_data_are_stable() {
        let v: VersionId = "0190f3a2-0000-7000-8000-000000000001".parse().unwrap();
        assert_eq!(
            DerivedName::Thumbnail { size: 256 }.file_name(),
            "thumb-256.png"
        );
        assert_eq!(
            DerivedName::Page {
                page: 3,
                width: 800
            }
            .aad(v),
            b"dossier derived v1 0190f3a2000070008000000000000001 page-3-w800.png"
        );
    }
}
