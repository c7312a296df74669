//! `index/dossier-index.json`: which schema of ours the search index beside it was built
//! with, `{"schema": N}` ([`crate::INDEX_SCHEMA_VERSION`]). An index of another schema is
//! rebuilt from the catalog rather than read; the file is not sealed, since it says only
//! which version of Dossier wrote the index.

use serde::{Deserialize, Serialize};

/// The file's name inside the index folder.
pub const META_FILE: &str = "dossier-index.json";

/// Contents of `dossier-index.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexMeta {
    pub schema: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_stable() {
        let meta: IndexMeta = serde_json::from_slice(br#"{"schema": 4}"#).unwrap();
        assert_eq!(meta, IndexMeta { schema: 4 });
        assert_eq!(serde_json::to_string(&meta).unwrap(), r#"{"schema":4}"#);
    }
}
