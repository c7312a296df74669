//! A WebDAV server's own write-once create: `PUT` with `If-None-Match: *`, which a server
//! that honours it (Apache's mod_dav) refuses with 412 when the name exists. OpenDAL's
//! WebDAV service sends no such header, so [`super::ObjectStore`] sends this `PUT`
//! itself, once a probe showed the server honours it; a server that ignores the header
//! (rclone's) would replace the object, so there `put_if_absent` looks first instead.
//! mod_dav_fs checks the header before it writes, not atomically with the write (as
//! s3s-fs does): a second writer after the first is refused, two at the same instant may
//! both write; the names Dossier writes keep that harmless (`Remote::creation`).

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue, IF_NONE_MATCH};
use tokio::sync::OnceCell;

use super::{Key, Put};
use crate::error::{Error, Result};

/// Where the WebDAV share is and how to sign in, and whether it honours the header.
#[derive(Debug)]
pub(super) struct DavCreate {
    client: reqwest::Client,
    /// The share's root as a URL ending in `/`.
    base: url::Url,
    auth: Option<HeaderValue>,
    honoured: OnceCell<bool>,
}

impl DavCreate {
    /// For the share at `endpoint` (scheme, host, port) and `root` (its path).
    pub(super) fn new(
        endpoint: &str,
        root: &str,
        user: Option<&str>,
        password: Option<&str>,
    ) -> Result<Self> {
        let bad = |reason: &'static str| Error::BadUrl {
            url: endpoint.to_owned(),
            reason,
        };
        let mut base = url::Url::parse(endpoint).map_err(|_| bad("is not a URL"))?;
        {
            let mut path = base
                .path_segments_mut()
                .map_err(|_| bad("cannot hold a path"))?;
            path.clear();
            path.extend(root.split('/').filter(|s| !s.is_empty()));
            path.push("");
        }
        let auth = user.map(|u| {
            let pair = zeroize::Zeroizing::new(format!("{u}:{}", password.unwrap_or("")));
            let mut v = HeaderValue::from_str(&format!(
                "Basic {}",
                data_encoding::BASE64.encode(pair.as_bytes())
            ))
            .expect("base64 is a header value");
            v.set_sensitive(true);
            v
        });
        Ok(Self {
            client: reqwest::Client::new(),
            base,
            auth,
            honoured: OnceCell::new(),
        })
    }

    fn url(&self, key: &str) -> Result<url::Url> {
        self.base.join(key).map_err(|_| Error::BadKey {
            key: key.to_owned(),
        })
    }

    /// `PUT` with `If-None-Match: *`: the status the server answered.
    async fn put(&self, key: &str, body: Bytes) -> Result<StatusCode> {
        let mut req = self
            .client
            .put(self.url(key)?)
            .header(IF_NONE_MATCH, "*")
            .body(body);
        if let Some(auth) = &self.auth {
            req = req.header(AUTHORIZATION, auth.clone());
        }
        let failed = |source| Error::Http {
            op: "put",
            key: key.to_owned(),
            source,
        };
        Ok(req.send().await.map_err(failed)?.status())
    }

    async fn delete(&self, key: &str) -> Result<()> {
        let mut req = self.client.delete(self.url(key)?);
        if let Some(auth) = &self.auth {
            req = req.header(AUTHORIZATION, auth.clone());
        }
        let status = req
            .send()
            .await
            .map_err(|source| Error::Http {
                op: "delete",
                key: key.to_owned(),
                source,
            })?
            .status();
        if status.is_success() || status == StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(Error::Status {
                op: "delete",
                key: key.to_owned(),
                status: status.as_u16(),
            })
        }
    }

    /// Whether the server refuses a second `PUT` of one name: a probe object of a name
    /// no one else uses, written twice, then removed. Asked once per remote.
    pub(super) async fn honoured(&self, op: &opendal::Operator) -> Result<bool> {
        self.honoured
            .get_or_try_init(|| async {
                let mut id = [0u8; 12];
                rand::fill(&mut id);
                let name = format!(".dossier-probe-{}", data_encoding::HEXLOWER.encode(&id));
                let first = match self.put(&name, Bytes::from_static(b"probe")).await? {
                    // The share's folder is not there yet (409; 404 on rclone).
                    StatusCode::CONFLICT | StatusCode::NOT_FOUND => {
                        create_dir(op, "", &name).await?;
                        self.put(&name, Bytes::from_static(b"probe")).await?
                    }
                    s => s,
                };
                if !first.is_success() {
                    return Err(Error::Status {
                        op: "put",
                        key: name,
                        status: first.as_u16(),
                    });
                }
                let second = self.put(&name, Bytes::from_static(b"again")).await;
                self.delete(&name).await?;
                Ok(second? == StatusCode::PRECONDITION_FAILED)
            })
            .await
            .copied()
    }

    /// Create `key` unless it exists (only on a server that [`DavCreate::honoured`]).
    pub(super) async fn put_new(
        &self,
        op: &opendal::Operator,
        key: &Key,
        bytes: Bytes,
    ) -> Result<Put> {
        let mut status = self.put(key.as_str(), bytes.clone()).await?;
        if status == StatusCode::CONFLICT || status == StatusCode::NOT_FOUND {
            // Its folder is missing: made (MKCOL), then the put again.
            let dir = key.as_str().rsplit_once('/').map_or("", |(d, _)| d);
            create_dir(op, dir, key.as_str()).await?;
            status = self.put(key.as_str(), bytes).await?;
        }
        match status {
            s if s.is_success() => Ok(Put::Created),
            StatusCode::PRECONDITION_FAILED => Ok(Put::Existed),
            s => Err(Error::Status {
                op: "put",
                key: key.to_string(),
                status: s.as_u16(),
            }),
        }
    }
}

async fn create_dir(op: &opendal::Operator, dir: &str, key: &str) -> Result<()> {
    let dir = if dir.is_empty() {
        "/".to_owned()
    } else {
        format!("{dir}/")
    };
    op.create_dir(&dir).await.map_err(|source| Error::Store {
        op: "put",
        key: key.to_owned(),
        source: Box::new(source),
    })
}
