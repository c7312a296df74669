//! Saved views in the catalog: a projection of `ViewSet` operations.

use super::Catalog;
use crate::error::{Error, Result};
use crate::format::view::View;
use crate::ids::ViewId;

impl Catalog {
    /// The saved views (deleted ones left out), pinned first, then by name.
    pub fn views(&self) -> Result<Vec<(ViewId, View)>> {
        let rows: Vec<(String, String)> = self
            .conn
            .prepare_cached("SELECT id, body FROM views WHERE body IS NOT NULL ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut views = rows
            .into_iter()
            .map(|(id, body)| Ok((id.parse()?, serde_json::from_str::<View>(&body)?)))
            .collect::<Result<Vec<(ViewId, View)>>>()?;
        views.sort_by(|(_, a), (_, b)| {
            b.pinned
                .cmp(&a.pinned)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        Ok(views)
    }

    /// One saved view.
    pub fn view(&self, id: ViewId) -> Result<View> {
        self.views()?
            .into_iter()
            .find(|(v, _)| *v == id)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::NoSuchView {
                reference: id.to_string(),
            })
    }
}
