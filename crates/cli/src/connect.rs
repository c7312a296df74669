//! A tokio runtime and a sync engine for a library and its remote: what the commands that
//! talk to the remote (`sync`, `clone`, `cache`, `prune`, invitations) share.

use anyhow::Result;
use dossier_core::Library;
use dossier_sync::{Engine, Owned};

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// An engine for `lib` and its remote at `url`, on the runtime `rt`.
pub(crate) fn engine(
    rt: &tokio::runtime::Runtime,
    url: &str,
    lib: Library,
) -> Result<Engine<Owned>> {
    Ok(rt.block_on(Engine::connect(url, Owned::new(lib)))?)
}
