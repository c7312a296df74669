//! What this crate's unit tests make libraries with.

use zeroize::Zeroizing;

use super::{ImportOptions, ImportOutcome, InitOptions, Library};
use crate::ids::DocId;
use crate::keys::KdfParams;

/// A new library under `dir/lib`, kept by Ann (its owner, signed in).
pub(crate) fn owned_library(dir: &std::path::Path) -> Library {
    let (mut lib, _) = Library::create(
        &dir.join("lib"),
        &InitOptions {
            passphrase: Zeroizing::new("the library's passphrase".into()),
            kdf: KdfParams::FAST,
        },
    )
    .unwrap();
    lib.become_owner("Ann", "ann's own passphrase", KdfParams::FAST)
        .unwrap();
    lib
}

/// A document made of `text`, imported from `dir/name`.
pub(crate) fn import_text(
    lib: &mut Library,
    dir: &std::path::Path,
    name: &str,
    text: &str,
) -> DocId {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let report = lib
        .import(&[file], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    match &report.files[0] {
        ImportOutcome::Imported { doc, .. } => *doc,
        other => panic!("{other:?}"),
    }
}
