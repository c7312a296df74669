//! The `dossier://` URLs the app's webview asks for previews and content by, parsed
//! here (where a fuzz target reaches them); the app only serves what they name.
//!
//! - `/thumbnail/<doc>?v=<n>&size=<px>`: the thumbnail, fit within `size` pixels;
//! - `/page/<doc>/<page>?width=<px>&v=<n>`: one page rendered `width` pixels wide;
//! - `/content/<doc>?v=<n>`: the version's bytes.
//!
//! `v` (the version number) is optional and means the current version.

use std::collections::HashMap;

use crate::ids::DocId;

/// Width of a page render when the URL names none.
const DEFAULT_PAGE_WIDTH: u32 = 1000;

/// What a `dossier://` URL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetUrl {
    Thumbnail {
        doc: DocId,
        version: Option<u32>,
        /// Fit within this many pixels (a list row's thumbnail).
        size: Option<u32>,
    },
    Page {
        doc: DocId,
        version: Option<u32>,
        page: u32,
        width: u32,
    },
    Content {
        doc: DocId,
        version: Option<u32>,
    },
}

/// A URL that names nothing Dossier serves.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no such preview: {path}")]
pub struct BadAssetUrl {
    /// The path asked for, cut to 200 characters.
    pub path: String,
}

impl AssetUrl {
    /// Parse a request's path and query (`/thumbnail/<doc>`, `v=2&size=96`).
    pub fn parse(path: &str, query: Option<&str>) -> Result<Self, BadAssetUrl> {
        let bad = || BadAssetUrl {
            path: path.chars().take(200).collect(),
        };
        let params: HashMap<&str, &str> = query
            .unwrap_or("")
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let number = |name: &str| -> Result<Option<u32>, BadAssetUrl> {
            params
                .get(name)
                .map(|v| v.parse::<u32>().map_err(|_| bad()))
                .transpose()
        };
        let version = number("v")?;
        let doc = |s: &str| s.parse::<DocId>().map_err(|_| bad());
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["thumbnail", d] => Ok(Self::Thumbnail {
                doc: doc(d)?,
                version,
                size: number("size")?,
            }),
            ["page", d, p] => Ok(Self::Page {
                doc: doc(d)?,
                version,
                page: p.parse().map_err(|_| bad())?,
                width: number("width")?.unwrap_or(DEFAULT_PAGE_WIDTH),
            }),
            ["content", d] => Ok(Self::Content {
                doc: doc(d)?,
                version,
            }),
            _ => Err(bad()),
        }
    }

    /// Whether the URL names a version, so that what it serves never changes.
    pub fn is_immutable(&self) -> bool {
        match self {
            Self::Thumbnail { version, .. }
            | Self::Page { version, .. }
            | Self::Content { version, .. } => version.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_to_assets_and_bad_ones_are_refused() {
        let doc = DocId::new();
        let d = doc.to_string();
        assert_eq!(
            AssetUrl::parse(&format!("/thumbnail/{d}"), None).unwrap(),
            AssetUrl::Thumbnail {
                doc,
                version: None,
                size: None
            }
        );
        assert_eq!(
            AssetUrl::parse(&format!("/thumbnail/{d}"), Some("v=3&size=80")).unwrap(),
            AssetUrl::Thumbnail {
                doc,
                version: Some(3),
                size: Some(80)
            }
        );
        let page = AssetUrl::parse(&format!("/page/{d}/3"), Some("width=800&v=2")).unwrap();
        assert_eq!(
            page,
            AssetUrl::Page {
                doc,
                version: Some(2),
                page: 3,
                width: 800
            }
        );
        assert!(page.is_immutable());
        let content = AssetUrl::parse(&format!("/content/{d}"), None).unwrap();
        assert_eq!(content, AssetUrl::Content { doc, version: None });
        assert!(!content.is_immutable());
        let long = format!("/{}", "x".repeat(10_000));
        for bad in [
            "/thumbnail/not-an-id".to_owned(),
            format!("/page/{d}/x"),
            format!("/page/{d}/-1"),
            format!("/other/{d}"),
            format!("/thumbnail/{d}/extra"),
            "/".to_owned(),
            long.clone(),
        ] {
            let e = AssetUrl::parse(&bad, None).unwrap_err();
            assert!(e.path.len() <= 200, "{bad}");
            assert!(e.to_string().starts_with("no such preview: "));
        }
        for query in ["v=two", "v=-1", "size=99999999999"] {
            assert!(
                AssetUrl::parse(&format!("/thumbnail/{d}"), Some(query)).is_err(),
                "{query}"
            );
        }
    }
}
