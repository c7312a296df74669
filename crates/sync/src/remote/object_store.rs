//! [`ObjectStore`]: S3-compatible storage, WebDAV, Azure Blob and Google Cloud Storage,
//! through OpenDAL.

use std::ops::Range;
use std::sync::{Arc, Once};

use async_trait::async_trait;
use bytes::Bytes;
use opendal::{ErrorKind, Operator};

use super::dav_create::DavCreate;
use super::{Creation, Key, Object, Put, Remote, check_limit, check_range};
use crate::error::{Error, Result};

/// One of OpenDAL's services, with every path below the configured root.
#[derive(Debug, Clone)]
pub struct ObjectStore {
    op: Operator,
    /// Whether the service refuses a write when the object exists (S3's `If-None-Match`),
    /// so `put_if_absent` needs no look first.
    conditional: bool,
    /// On WebDAV: the conditional create Dossier sends itself, where the server honours
    /// it.
    dav: Option<Arc<DavCreate>>,
}

/// OpenDAL's HTTP transport (reqwest with rustls, ring as the crypto provider): set up
/// once per process.
fn install_transport() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        opendal::install_default();
        opendal_http_transport_reqwest::install_default();
    });
}

impl ObjectStore {
    /// Wrap an OpenDAL service builder.
    pub fn new<B: opendal::Builder>(builder: B) -> Result<Self> {
        install_transport();
        let op = Operator::new(builder).map_err(|source| Error::Store {
            op: "open",
            key: String::new(),
            source: Box::new(source),
        })?;
        let conditional = op.info().capability().write_with_if_not_exists;
        Ok(Self {
            op,
            conditional,
            dav: None,
        })
    }

    /// A WebDAV share (`builder`) at `endpoint` and `root`: `put_if_absent` sends its own
    /// `PUT` with `If-None-Match: *` when the server shows it honours it.
    pub(super) fn webdav(
        builder: opendal::services::Webdav,
        endpoint: &str,
        root: &str,
        user: Option<&str>,
        password: Option<&str>,
    ) -> Result<Self> {
        // First: it sets up the TLS provider the client below needs.
        let store = Self::new(builder)?;
        let dav = DavCreate::new(endpoint, root, user, password)?;
        Ok(Self {
            dav: Some(Arc::new(dav)),
            ..store
        })
    }

    /// Whether this server itself refuses a second writer of one name.
    async fn exclusive(&self) -> Result<bool> {
        match &self.dav {
            Some(dav) => dav.honoured(&self.op).await,
            None => Ok(self.conditional),
        }
    }
}

fn store(op: &'static str, key: &str) -> impl FnOnce(opendal::Error) -> Error {
    let key = key.to_owned();
    move |source| match source.kind() {
        ErrorKind::NotFound => Error::NotFound { key },
        _ => Error::Store {
            op,
            key,
            source: Box::new(source),
        },
    }
}

#[async_trait]
impl Remote for ObjectStore {
    async fn creation(&self) -> Result<Creation> {
        Ok(if self.exclusive().await? {
            Creation::Exclusive
        } else {
            Creation::CheckedFirst
        })
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Object>> {
        // List the folder part of the prefix, then keep what matches it whole.
        let dir = prefix.rfind('/').map_or("", |i| &prefix[..=i]);
        let entries = match self.op.list_with(dir).recursive(true).await {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(store("list", prefix)(e)),
        };
        let mut out = Vec::new();
        for e in entries {
            if !e.metadata().is_file() || !e.path().starts_with(prefix) {
                continue;
            }
            let Ok(key) = Key::new(e.path()) else {
                continue;
            };
            let size = e.metadata().content_length();
            out.push(Object { key, size });
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn get(&self, key: &Key, limit: u64) -> Result<Bytes> {
        use futures_util::TryStreamExt;
        // Streamed, and dropped (the connection with it) once past the limit: more than
        // that is never held.
        let failed = store("get", key.as_str());
        let mut stream = match self.op.reader(key.as_str()).await {
            Ok(reader) => reader.into_stream(..).await,
            Err(e) => Err(e),
        }
        .map_err(failed)?;
        let mut out: Vec<u8> = Vec::new();
        while let Some(buf) = stream
            .try_next()
            .await
            .map_err(store("get", key.as_str()))?
        {
            check_limit(key, (out.len() + buf.len()) as u64, limit)?;
            for chunk in buf {
                out.extend_from_slice(&chunk);
            }
        }
        Ok(Bytes::from(out))
    }

    async fn get_range(&self, key: &Key, range: Range<u64>) -> Result<Bytes> {
        let want = range.end.saturating_sub(range.start);
        let failed = match self.op.read_with(key.as_str()).range(range.clone()).await {
            Ok(buf) if buf.len() as u64 == want => return Ok(buf.to_bytes()),
            Ok(buf) => Error::Truncated {
                key: key.to_string(),
                expected: want,
                got: buf.len() as u64,
            },
            Err(e) if e.kind() == ErrorKind::NotFound => return Err(store("get", key.as_str())(e)),
            // Services answer a range past the end in different ways (an empty or short
            // body, 416, "too little data"): the object's length says which it was.
            Err(e) => store("get", key.as_str())(e),
        };
        let len = self
            .op
            .stat(key.as_str())
            .await
            .map_err(store("get", key.as_str()))?
            .content_length();
        check_range(key, len, &range)?;
        Err(failed)
    }

    async fn put_if_absent(&self, key: &Key, bytes: Bytes) -> Result<Put> {
        if let Some(dav) = &self.dav
            && dav.honoured(&self.op).await?
        {
            return dav.put_new(&self.op, key, bytes).await;
        }
        if !self.conditional {
            match self.op.stat(key.as_str()).await {
                Ok(_) => return Ok(Put::Existed),
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(store("put", key.as_str())(e)),
            }
        }
        match self
            .op
            .write_with(key.as_str(), bytes)
            .if_not_exists(self.conditional)
            .await
        {
            Ok(_) => Ok(Put::Created),
            Err(e) if e.kind() == ErrorKind::ConditionNotMatch => Ok(Put::Existed),
            Err(e) => Err(store("put", key.as_str())(e)),
        }
    }

    async fn delete(&self, key: &Key) -> Result<()> {
        self.op
            .delete(key.as_str())
            .await
            .map_err(store("delete", key.as_str()))
    }
}
