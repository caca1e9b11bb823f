//! The load phase of a refresh: one writer transaction loads what the feeds fetched, rebuilds the
//! marts and the title identity that depend on what changed, bumps the data version and commits.
//! Readers see everything before it or everything after it; a cancel, a failure or a kill before
//! the commit leaves the warehouse as it was.

use std::ops::BitOrAssign;

use chrono::Utc;
use duckdb::Connection;
use tokio_util::sync::CancellationToken;

use super::{Fetched, Refreshed, catalog, identity, top10, youtube};
use crate::domain::{FileReport, RunId};
use crate::error::{Error, Result};
use crate::warehouse::{Warehouse, load};

/// What a feed's load changed, so that only what depends on it is rebuilt.
#[derive(Debug, Default, Clone, Copy)]
pub struct Changed {
    /// Top 10 rows: the Top 10 marts.
    pub top10: bool,
    /// Anything titles are built from: the identity, and the analytics facts that join on it.
    pub titles: bool,
    /// Facts that join on the identity without changing it, such as video statistics.
    pub facts: bool,
}

impl Changed {
    fn any(self) -> bool {
        self.top10 || self.titles || self.facts
    }
}

impl BitOrAssign for Changed {
    fn bitor_assign(&mut self, other: Changed) {
        self.top10 |= other.top10;
        self.titles |= other.titles;
        self.facts |= other.facts;
    }
}

/// One feed's share of a commit: what its run fetched, and the run's file reports, which the load
/// fills in.
pub struct Batch {
    pub run_id: RunId,
    pub fetched: Fetched,
    pub files: Vec<FileReport>,
}

/// Loads every batch in one transaction, in order, on behalf of run `run_id` (the one the data
/// version records). The batches' reports come back, in order, whether or not it committed.
pub async fn commit(
    warehouse: &Warehouse,
    run_id: RunId,
    batches: Vec<Batch>,
    cancel: CancellationToken,
) -> (Vec<Vec<FileReport>>, Result<Refreshed>) {
    // If the writer task itself dies (a panic), the reports as they were before the load remain.
    let before: Vec<Vec<FileReport>> = batches.iter().map(|b| b.files.clone()).collect();
    let committed = warehouse
        .with_writer(move |conn| {
            let mut batches = batches;
            let outcome = load_all(conn, run_id, &mut batches, &cancel);
            Ok((batches.into_iter().map(|b| b.files).collect(), outcome))
        })
        .await;
    committed.unwrap_or_else(|err| (before, Err(err)))
}

fn load_all(
    conn: &mut Connection,
    run_id: RunId,
    batches: &mut [Batch],
    cancel: &CancellationToken,
) -> Result<Refreshed> {
    let tx = conn.transaction()?;
    let mut changed = Changed::default();
    for batch in batches.iter_mut() {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        changed |= match &batch.fetched {
            Fetched::Top10(fetched) => top10::load(&tx, fetched, batch.run_id, &mut batch.files, cancel)?,
            Fetched::Catalog(fetched) => catalog::load(&tx, fetched, batch.run_id, &mut batch.files)?,
            Fetched::Youtube(fetched) => youtube::load(&tx, fetched, batch.run_id, &mut batch.files)?,
        };
    }
    if changed.top10 {
        load::rebuild_top10_marts(&tx)?;
    }
    if changed.titles {
        identity::rebuild(&tx, Utc::now())?;
    } else if changed.facts {
        load::rebuild_analytics_marts(&tx)?;
    }
    let data_version =
        if changed.any() { load::bump_data_version(&tx, run_id, Utc::now())? } else { load::data_version(&tx)? };
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    tx.commit()?;
    Ok(Refreshed { data_version })
}
