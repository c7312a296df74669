//! `Engine::prune`: garbage collection across desktops. A sync first, so the decision
//! sees every desktop's versions; then core's `Library::prune` drops and compacts (its
//! new packs and `PackDropped`s are sent by a second sync); then the packs past their
//! grace period that the re-check cleared are deleted from the remote too.

use std::collections::HashSet;

use dossier_core::{PackId, PruneOptions, PruneReport};

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
        if !self.may_delete_packs(&summary.after).await? {
            summary.remote_deletion_deferred = true;
            return Ok(summary);
        }
        // Only what is still there: packs deleted by an earlier run are not asked again.
        let listed = self.listed_packs().await?;
        let deletable: Vec<PackId> = summary
            .local
            .deletable
            .iter()
            .filter(|p| listed.contains(p))
            .copied()
            .collect();
        summary.remote_deleted_packs = self.delete_packs(&deletable).await?;
        Ok(summary)
    }

    /// A pack leaves the remote only once every change of this desktop is there: the
    /// drops, and the packs now holding the chunks it held. Until then (sending waits
    /// for keys, or was cut short) other desktops would still read it.
    async fn may_delete_packs(&self, last: &SyncReport) -> Result<bool> {
        let unsent = self.local.run(|l| l.catalog().unsent_count()).await?;
        Ok(unsent == 0 && !last.sending_waits_for_keys)
    }

    /// The packs listed on the remote.
    async fn listed_packs(&self) -> Result<HashSet<PackId>> {
        Ok(self
            .remote
            .list("packs/")
            .await?
            .into_iter()
            .filter_map(|o| {
                let name = o.key.as_str().rsplit('/').next()?.to_owned();
                PackId::from_hex(&name).ok()
            })
            .collect())
    }

    /// Delete `packs` from the remote; how many are gone.
    async fn delete_packs(&self, packs: &[PackId]) -> Result<u64> {
        let mut deleted = 0;
        for pack in packs {
            match self.remote.delete(&pack_key(pack)?).await {
                Ok(()) | Err(Error::NotFound { .. }) => deleted += 1,
                Err(e) => return Err(e),
            }
        }
        Ok(deleted)
    }

    /// After a sync sent what it had: the packs holding content of destroyed records
    /// (here or on any desktop) that are given up are deleted from the remote at once,
    /// and, on the desktop of someone who may dispose, the remote is checked for any
    /// left and the check recorded (the certificate's confirmation) and sent.
    pub(super) async fn settle_destructions(&self, report: &mut SyncReport) -> Result<()> {
        let (check_due, pending) = self
            .local
            .run(|l| Ok((l.remote_check_due()?, l.remote_shred_pending()?)))
            .await?;
        if !check_due && !pending && !report.shredding {
            return Ok(());
        }
        let mut listed = self.listed_packs().await?;
        // What the listing holds of destroyed records, read once for every step below.
        let seen = {
            let listed = listed.clone();
            self.local.run(move |l| l.remote_shredding(&listed)).await?
        };
        if self.may_delete_packs(report).await? {
            report.packs_shredded += self.delete_packs(seen.deletable()).await?;
            for p in seen.deletable() {
                listed.remove(p);
            }
        }
        {
            let (listed, seen) = (listed.clone(), seen.clone());
            self.local
                .run(move |l| l.remote_shred_checked(&listed, &seen))
                .await?;
        }
        if check_due {
            let checks = self
                .local
                .run(move |l| l.check_remote_after_destruction(&listed, &seen))
                .await?;
            if !checks.is_empty() {
                super::push::push(self, report).await?;
            }
        }
        Ok(())
    }
}
