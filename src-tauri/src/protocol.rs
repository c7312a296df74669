//! The `dossier://` protocol: thumbnails, page renders and content, decrypted in memory
//! and handed to the webview. No plaintext ever touches the disk.
//!
//! - `dossier://localhost/thumbnail/<doc>?v=<n>&size=<px>`: PNG, at most 256 px (or
//!   `size`, for list rows);
//! - `dossier://localhost/page/<doc>/<page>?width=<px>&v=<n>`: one page as PNG;
//! - `dossier://localhost/content/<doc>?v=<n>`: the version's bytes with its type.
//!
//! `v` (the version number) is optional and defaults to the current version; URLs that
//! name a version are immutable and cached by the webview.

use std::collections::HashMap;

use dossier_core::DocId;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::AppState;

/// The scheme's name.
pub const SCHEME: &str = "dossier";

/// What a URL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asset {
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

/// Parse a request path and query (`/thumbnail/<doc>`, `v=2&width=800`).
pub fn parse(path: &str, query: Option<&str>) -> AppResult<Asset> {
    let bad = || AppError::new(ErrorKind::Invalid, format!("no such preview: {path}"));
    let params: HashMap<&str, &str> = query
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let number = |name: &str| -> AppResult<Option<u32>> {
        params
            .get(name)
            .map(|v| v.parse::<u32>().map_err(|_| bad()))
            .transpose()
    };
    let version = number("v")?;
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let doc = |s: &str| s.parse::<DocId>().map_err(|_| bad());
    match parts.as_slice() {
        ["thumbnail", d] => Ok(Asset::Thumbnail {
            doc: doc(d)?,
            version,
            size: number("size")?,
        }),
        ["page", d, p] => Ok(Asset::Page {
            doc: doc(d)?,
            version,
            page: p.parse().map_err(|_| bad())?,
            width: number("width")?.unwrap_or(1000),
        }),
        ["content", d] => Ok(Asset::Content {
            doc: doc(d)?,
            version,
        }),
        _ => Err(bad()),
    }
}

/// Register the protocol's handler: each request is answered from a reader, off the
/// webview's thread.
pub fn handler<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let uri = request.uri().clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let response = match serve(&state, uri.path(), uri.query()).await {
            Ok((mime, bytes, immutable)) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, mime)
                .header(
                    header::CACHE_CONTROL,
                    if immutable {
                        "max-age=31536000, immutable"
                    } else {
                        "no-cache"
                    },
                )
                .body(bytes),
            Err(e) => Response::builder()
                .status(match e.kind {
                    ErrorKind::NotFound => StatusCode::NOT_FOUND,
                    ErrorKind::Invalid => StatusCode::BAD_REQUEST,
                    ErrorKind::NotOpen => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                })
                .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(e.message.into_bytes()),
        };
        match response {
            Ok(r) => responder.respond(r),
            Err(_) => responder.respond(Response::new(Vec::new())),
        }
    });
}

async fn serve(
    state: &AppState,
    path: &str,
    query: Option<&str>,
) -> AppResult<(String, Vec<u8>, bool)> {
    let asset = parse(path, query)?;
    let session = state.session()?;
    let tools = state.tools();
    session
        .read(move |lib| match asset {
            Asset::Thumbnail { doc, version, size } => {
                let mut p = lib.thumbnail(doc, version, &tools)?;
                if let Some(max) = size {
                    p = p.fit(max)?;
                }
                Ok(("image/png".to_owned(), p.png, version.is_some()))
            }
            Asset::Page {
                doc,
                version,
                page,
                width,
            } => {
                let p = lib.render_page(doc, version, page, width, &tools)?;
                Ok(("image/png".to_owned(), p.png, version.is_some()))
            }
            Asset::Content { doc, version } => {
                let v = lib.version(doc, version)?;
                let mut bytes = Vec::with_capacity(usize::try_from(v.size).unwrap_or(0));
                lib.write_version(&v, &mut bytes)?;
                Ok((v.mime, bytes, version.is_some()))
            }
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_to_assets_and_bad_ones_are_refused() {
        let doc = DocId::new();
        let d = doc.to_string();
        assert_eq!(
            parse(&format!("/thumbnail/{d}"), None).unwrap(),
            Asset::Thumbnail {
                doc,
                version: None,
                size: None
            }
        );
        assert_eq!(
            parse(&format!("/thumbnail/{d}"), Some("v=3&size=80")).unwrap(),
            Asset::Thumbnail {
                doc,
                version: Some(3),
                size: Some(80)
            }
        );
        assert_eq!(
            parse(&format!("/page/{d}/3"), Some("width=800&v=2")).unwrap(),
            Asset::Page {
                doc,
                version: Some(2),
                page: 3,
                width: 800
            }
        );
        assert_eq!(
            parse(&format!("/content/{d}"), Some("v=1")).unwrap(),
            Asset::Content {
                doc,
                version: Some(1)
            }
        );
        for bad in [
            "/thumbnail/not-an-id".to_owned(),
            format!("/page/{d}/x"),
            format!("/other/{d}"),
            "/".to_owned(),
        ] {
            let e = parse(&bad, None).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Invalid, "{bad}");
        }
        assert_eq!(
            parse(&format!("/content/{d}"), Some("v=two"))
                .unwrap_err()
                .kind,
            ErrorKind::Invalid
        );
    }
}
