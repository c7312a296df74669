//! Checking the remote: every object read back and checked (the repo file parses and
//! names this library, packs match their ids, segments open with the key under their
//! name). A damaged object is repaired from a good copy where this desktop has one: a
//! pack from its store, a segment rebuilt from the operations it holds.

use dossier_core::PackId;
use dossier_core::format::journal::parse_object_name;
use dossier_core::format::repo::{REPO_OBJECT, RepoFile};
use serde::Serialize;

use super::{Engine, Refused, Replica};
use crate::error::Result;
use crate::remote::Key;

/// What [`Engine::check_remote`] found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub objects: u64,
    pub bytes: u64,
    /// Objects that failed their check (repaired or not).
    pub damaged: Vec<Refused>,
    /// Keys written again from a good copy here.
    pub repaired: Vec<String>,
}

impl<L: Replica> Engine<L> {
    /// Read and check every object on the remote; with `repair`, write damaged ones again
    /// from a good copy on this desktop.
    pub async fn check_remote(&self, repair: bool) -> Result<CheckReport> {
        let mut report = CheckReport::default();
        let ours = self.local.run(|l| l.repo_file()).await?;
        for object in self.remote.list("").await? {
            let key = object.key.clone();
            let body = self.remote.get(&key).await?;
            report.objects += 1;
            report.bytes += body.len() as u64;
            let name = key.to_string();
            let (problem, good): (Option<String>, Option<Vec<u8>>) = if name == REPO_OBJECT {
                match RepoFile::parse(&body) {
                    Ok(r) if r.library_id == ours.library_id => (None, None),
                    Ok(_) => (Some("names another library".into()), None),
                    Err(e) => (Some(e.to_string()), Some(ours.to_bytes())),
                }
            } else if let Some((covered, device)) =
                dossier_core::format::checkpoint::parse_object_name(&name)
            {
                // A damaged checkpoint is only slower bootstrap: the segments are there.
                let opened = self
                    .local
                    .run(move |l| match l.open_checkpoint(covered, device, &body) {
                        Ok(_) => Ok(None),
                        Err(e @ dossier_core::Error::Integrity { .. }) => Ok(Some(e.to_string())),
                        Err(e) => Err(e),
                    })
                    .await?;
                (opened, None)
            } else if name.starts_with("keys/") {
                // A later slot set: it must read and name this library.
                match RepoFile::parse(&body) {
                    Ok(r) if r.library_id == ours.library_id => (None, None),
                    Ok(_) => (Some("names another library".into()), None),
                    Err(e) => (Some(e.to_string()), None),
                }
            } else if let Some(id) = name
                .strip_prefix("packs/")
                .and_then(|rest| rest.rsplit('/').next())
                .and_then(|hex| PackId::from_hex(hex).ok())
            {
                if blake3::hash(&body).as_bytes() == &id.0 {
                    (None, None)
                } else {
                    let here = self.local.run(move |l| l.read_pack(&id)).await.ok();
                    let here = here.filter(|b| blake3::hash(b).as_bytes() == &id.0);
                    (Some("its content does not match its id".into()), here)
                }
            } else if let Some((device, seq)) = parse_object_name(&name) {
                let checked = self
                    .local
                    .run(move |l| match l.open_segment(device, seq, &body) {
                        Ok(_) => Ok(None),
                        Err(e @ dossier_core::Error::Integrity { .. }) => {
                            Ok(Some((e.to_string(), l.rebuild_segment(device, seq)?)))
                        }
                        Err(e) => Err(e),
                    })
                    .await?;
                match checked {
                    None => (None, None),
                    Some((why, good)) => (Some(why), good),
                }
            } else {
                (Some("not an object Dossier writes".into()), None)
            };
            let Some(reason) = problem else { continue };
            report.damaged.push(Refused {
                key: name.clone(),
                reason,
            });
            if let (true, Some(good)) = (repair, good) {
                self.rewrite(&key, good).await?;
                report.repaired.push(name);
            }
        }
        Ok(report)
    }

    /// Replace a damaged object with a good copy (the one overwrite sync ever does:
    /// the same content the name always stood for).
    async fn rewrite(&self, key: &Key, good: Vec<u8>) -> Result<()> {
        self.remote.delete(key).await?;
        // `Existed`: another desktop repaired it at the same moment, with the same bytes.
        self.remote.put_if_absent(key, good.into()).await?;
        Ok(())
    }
}
