//! [`RemotePacks`]: core's [`PackSource`] over a remote, so content kept only on the
//! remote (not downloaded yet, or evicted under the cache budget) is fetched when read.

use std::sync::Arc;

use dossier_core::PackSource;
use dossier_core::{Library, PackId};

use super::push::pack_key;
use crate::error::{Error, Result};
use crate::remote::{Remote, Resilient};

/// Fetches packs from a remote for a synchronous library. It has a small runtime of its
/// own, so any thread that is not running async code (the library's thread, a
/// `spawn_blocking` reader) can wait on a fetch.
#[derive(Debug)]
pub struct RemotePacks {
    remote: std::result::Result<Arc<dyn Remote>, Arc<Error>>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// Why a remote could not be opened, shared by every fetch that then fails.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
struct Unopened(Arc<Error>);

/// Let `lib` fetch content kept only on its remote when it is read (nothing to do for a
/// library without a remote): what both front ends do after unlocking a library.
pub fn attach_remote_content(lib: &mut Library) -> Result<()> {
    if let Some(url) = lib.remote()? {
        let source = RemotePacks::for_url(&url, crate::remote::ResilientOptions::default())?;
        lib.set_pack_source(Some(Arc::new(source)));
    }
    Ok(())
}

impl RemotePacks {
    /// Fetch from the remote at `url`. When it cannot be opened (no credentials, a bad
    /// URL), local work goes on and only a read of content kept on the remote fails,
    /// saying why.
    pub fn for_url(url: &str, opts: crate::remote::ResilientOptions) -> Result<Self> {
        let mut this = Self::new_with(Err(Arc::new(Error::NoLibrary)))?;
        this.remote = crate::remote::open(url)
            .map(|r| Arc::new(Resilient::new(r, opts)) as Arc<dyn Remote>)
            .map_err(Arc::new);
        Ok(this)
    }

    pub fn new(remote: Resilient<Box<dyn Remote>>) -> Result<Self> {
        Self::new_with(Ok(Arc::new(remote)))
    }

    fn new_with(remote: std::result::Result<Arc<dyn Remote>, Arc<Error>>) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("dossier-fetch")
            .enable_all()
            .build()
            .map_err(|source| Error::Io {
                action: "start the fetching runtime",
                key: String::new(),
                source,
            })?;
        Ok(Self {
            remote,
            runtime: Some(runtime),
        })
    }
}

impl PackSource for RemotePacks {
    fn fetch(&self, id: &PackId) -> dossier_core::Result<Vec<u8>> {
        let failed = |e: Error| dossier_core::Error::Fetch {
            pack: *id,
            source: Box::new(e),
        };
        let remote = match &self.remote {
            Ok(r) => r,
            Err(why) => {
                return Err(dossier_core::Error::Fetch {
                    pack: *id,
                    source: Box::new(Unopened(Arc::clone(why))),
                });
            }
        };
        let key = pack_key(id).map_err(failed)?;
        let runtime = self.runtime.as_ref().expect("present until dropped");
        let body = runtime
            .block_on(remote.get(&key, super::limit::PACK))
            .map_err(failed)?;
        Ok(body.to_vec())
    }
}

impl Drop for RemotePacks {
    fn drop(&mut self) {
        // Dropping a runtime may not block inside async code; this never does.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
