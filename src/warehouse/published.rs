//! A read-only copy of the marts as Parquet files (`NA_PUBLISH_DIR`), for tools that read the
//! warehouse with full SQL (Superset's `duckdb-engine`, Trino) while the service holds the live
//! file, which DuckDB lets one process open. Written after every run that moved the data version,
//! into `v<version>/`, then `current` is switched to it in one rename, so a reader sees one whole
//! refresh; the version before stays for readers still on it, older ones are removed.

use std::fs;
use std::path::{Path, PathBuf};

use duckdb::Connection;

use super::{load, queries};
use crate::error::{Error, Result};

const CURRENT: &str = "current";

/// Publishes the connection's committed marts under `dir` unless this data version is there
/// already; returns the folder written.
pub fn write(conn: &Connection, dir: &Path) -> Result<Option<PathBuf>> {
    let failed = |reason: String| Error::PublishFailed { path: dir.display().to_string(), reason };
    // One read transaction: every table of the copy comes from the same committed refresh.
    let tx = conn.unchecked_transaction()?;
    let version = load::data_version(&tx)?;
    let target = dir.join(format!("v{version:010}"));
    if target.is_dir() {
        return Ok(None);
    }
    fs::create_dir_all(dir).map_err(|e| failed(format!("cannot create the folder: {e}")))?;
    let staging = tempfile::Builder::new()
        .prefix(".publishing-")
        .tempdir_in(dir)
        .map_err(|e| failed(format!("cannot write in the folder: {e}")))?;
    let tables: Vec<String> =
        tx.prepare(queries::PUBLISHED_TABLES)?.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    for table in &tables {
        let file = staging.path().join(format!("{table}.parquet"));
        let file = file.to_str().ok_or_else(|| failed("DuckDB needs a UTF-8 path".to_owned()))?;
        let sql = queries::PUBLISHED_COPY
            .replace("{table}", table)
            .replace("{file}", &format!("'{}'", file.replace('\'', "''")));
        tx.execute_batch(&sql)?;
    }
    drop(tx);
    let written = staging.keep();
    fs::rename(&written, &target).map_err(|e| failed(format!("cannot move the copy into place: {e}")))?;
    switch_current(dir, &target).map_err(|e| failed(format!("cannot point {CURRENT} at the new copy: {e}")))?;
    prune(dir, &target);
    Ok(Some(target))
}

/// A symlink replaced by rename: readers resolve either the old copy or the new one, never neither.
fn switch_current(dir: &Path, target: &Path) -> std::io::Result<()> {
    let name = target.file_name().expect("a versioned folder has a name");
    let next = dir.join(".current-next");
    let _ = fs::remove_file(&next);
    std::os::unix::fs::symlink(name, &next)?;
    fs::rename(&next, dir.join(CURRENT))
}

/// Keeps the new copy and the one before it.
fn prune(dir: &Path, keep: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut versions: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('v')))
        .collect();
    versions.sort();
    let Some(position) = versions.iter().position(|p| p == keep) else { return };
    for old in &versions[..position.saturating_sub(1)] {
        if let Err(err) = fs::remove_dir_all(old) {
            tracing::warn!(folder = %old.display(), error = %err, "could not remove an old published copy");
        }
    }
}
