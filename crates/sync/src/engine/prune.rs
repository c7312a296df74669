//! `Engine::prune`: garbage collection across desktops. A sync first, so the decision
//! sees every desktop's versions; then core's `Library::prune` drops and compacts (its
//! new packs and `PackDropped`s are sent by a second sync); then the packs past their
//! grace period that the re-check cleared are deleted from the remote too.

use std::collections::HashSet;

use dossier_core::{PruneOptions, PruneReport};

use super::push::pack_key;
use super::{Engine, Replica, SyncOptions, SyncReport};
use crate::error::{Error, Result};

/// What [`Engine::prune`] did: core's report, the two syncs around it, and the packs
/// deleted from the remote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PruneSummary {
    #[serde(flatten)]
    pub local: PruneReport,
    pub remote_deleted_packs: u64,
    /// Packs were not deleted from the remote because changes of this desktop (the
    /// drops among them) were not all sent: the next prune deletes them.
    pub remote_deletion_deferred: bool,
    pub before: SyncReport,
    pub after: SyncReport,
}

impl<L: Replica> Engine<L> {
    /// Collect unused packs here and on the remote (see [`PruneOptions`]).
    pub async fn prune(&self, opts: PruneOptions) -> Result<PruneSummary> {
        let sync = SyncOptions {
            fetch_content: false,
            ..SyncOptions::default()
        };
        let before = self.sync_with(sync).await?;
        let local = self.local.run(move |l| l.prune(&opts)).await?;
        let after = self.sync_with(sync).await?;
        let mut summary = PruneSummary {
            local,
            before,
            after,
            ..PruneSummary::default()
        };
        if summary.local.deletable.is_empty() {
            return Ok(summary);
        }
        // A pack leaves the remote only once every change of this desktop is there: the
        // drops, and the packs now holding the chunks it held. Until then (sending waits
        // for keys, or was cut short) other desktops would still read it.
        let unsent = self.local.run(|l| l.catalog().unsent_count()).await?;
        if unsent > 0 || summary.after.sending_waits_for_keys {
            summary.remote_deletion_deferred = true;
            return Ok(summary);
        }
        // Only what is still there: packs deleted by an earlier run are not asked again.
        let listed: HashSet<String> = self
            .remote
            .list("packs/")
            .await?
            .into_iter()
            .map(|o| o.key.as_str().to_owned())
            .collect();
        for pack in &summary.local.deletable {
            let key = pack_key(pack)?;
            if !listed.contains(key.as_str()) {
                continue;
            }
            match self.remote.delete(&key).await {
                Ok(()) | Err(Error::NotFound { .. }) => summary.remote_deleted_packs += 1,
                Err(e) => return Err(e),
            }
        }
        Ok(summary)
    }
}
