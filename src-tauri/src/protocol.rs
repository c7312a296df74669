//! The `dossier://` protocol: thumbnails, page renders and content, decrypted in memory
//! and handed to the webview. No plaintext ever touches the disk. The URLs are
//! `dossier_core::AssetUrl`'s (parsed in core); URLs that name a version are immutable
//! and cached by the webview.

use dossier_core::{AssetUrl, Viewing};
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::AppState;

/// The scheme's name.
pub const SCHEME: &str = "dossier";

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
                // A document's own bytes (HTML, SVG) must never run as a page of the app:
                // were one opened directly, it would be an inert, sandboxed one.
                .header(
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; sandbox",
                )
                .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
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
    let asset = AssetUrl::parse(path, query)
        .map_err(|e| AppError::new(ErrorKind::Invalid, e.to_string()))?;
    let immutable = asset.is_immutable();
    let session = state.session()?;
    let tools = state.tools();
    // A page or the content is a view (a thumbnail is browsing): recorded before it is
    // served. The webview keeps what names a version, so opening a document again is
    // recorded by the view itself (`document_opened`).
    match asset {
        AssetUrl::Page { doc, version, .. } => {
            session.note_view(doc, version, Viewing::Preview).await?
        }
        AssetUrl::Content { doc, version } => {
            session.note_view(doc, version, Viewing::Content).await?
        }
        AssetUrl::Thumbnail { .. } => {}
    }
    session
        .read(move |lib| match asset {
            AssetUrl::Thumbnail { doc, version, size } => {
                let mut p = lib.thumbnail(doc, version, &tools)?;
                if let Some(max) = size {
                    p = p.fit(max)?;
                }
                Ok(("image/png".to_owned(), p.png, immutable))
            }
            AssetUrl::Page {
                doc,
                version,
                page,
                width,
            } => {
                let p = lib.render_page(doc, version, page, width, &tools)?;
                Ok(("image/png".to_owned(), p.png, immutable))
            }
            AssetUrl::Content { doc, version } => {
                let v = lib.version(doc, version)?;
                let mut bytes = Vec::with_capacity(usize::try_from(v.size).unwrap_or(0));
                lib.write_version(&v, &mut bytes)?;
                Ok((v.mime, bytes, immutable))
            }
        })
        .await
}
