//! Backups and restores. A backup is a folder holding what DuckDB's `EXPORT DATABASE` writes
//! (`schema.sql`, `load.sql`, one Parquet file per table), taken inside one read transaction so it is
//! a single consistent version, and `manifest.json`, which says what went in. A restore imports such a
//! folder into a new warehouse file.
//!
//! Both write under a temporary name next to their destination and rename into place once complete
//! and checked: a folder named like a backup is a whole backup, and a failed restore leaves no
//! warehouse behind.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use duckdb::{Connection, named_params};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Warehouse, load, migrate, queries};
use crate::error::{Error, Result};

pub const MANIFEST_FILE: &str = "manifest.json";
/// The layout of `manifest.json`; a restore refuses layouts it does not know.
const MANIFEST_FORMAT: u32 = 1;
/// Names of the folders a running service writes: the backup's time, UTC, sortable as text.
const FOLDER_TIME_FORMAT: &str = "%Y%m%dT%H%M%S%.3fZ";

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Manifest {
    /// The layout of this file.
    #[schema(example = 1)]
    pub format: u32,
    /// When the backup's read transaction began, UTC.
    pub created_at: DateTime<Utc>,
    /// The netflix-analytics version that wrote it.
    #[schema(example = "0.1.0")]
    pub app_version: String,
    /// The DuckDB version that wrote the Parquet files.
    #[schema(example = "v1.5.5")]
    pub duckdb_version: String,
    /// The last schema migration applied to the warehouse; a build restores backups up to its own.
    #[schema(example = 6)]
    pub schema_version: i64,
    #[schema(example = "0006_analytics")]
    pub schema_migration: String,
    /// The warehouse's data version: the restored warehouse serves the same one, so caches and ETags
    /// stay valid.
    #[schema(example = 42)]
    pub data_version: u64,
    /// Rows per table (`schema.table`); a restore checks it got exactly these.
    pub tables: BTreeMap<String, u64>,
}

/// Exports everything `conn` sees, as of one transaction, into the new folder `dest`, which must
/// not exist or be empty. Blocking.
pub fn export(conn: &Connection, dest: &Path) -> Result<Manifest> {
    let failed = |reason: String| Error::BackupFailed { path: dest.display().to_string(), reason };
    if !is_absent_or_empty_dir(dest) {
        return Err(Error::TargetNotEmpty {
            path: dest.display().to_string(),
            hint: "a backup goes into a new or empty folder",
        });
    }
    let parent = parent_of(dest);
    fs::create_dir_all(parent).map_err(|e| failed(format!("cannot create {}: {e}", parent.display())))?;
    let staging = tempfile::Builder::new()
        .prefix(".backup-")
        .tempdir_in(parent)
        .map_err(|e| failed(format!("cannot write in {}: {e}", parent.display())))?;
    let folder = staging.path().join("export");

    let created_at = Utc::now();
    // Read-only, so committing and rolling back are the same; dropping it rolls back.
    let tx = conn.unchecked_transaction()?;
    let (schema_version, schema_migration): (i64, String) =
        tx.query_row(queries::BACKUP_SCHEMA_VERSION, [], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        created_at,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        duckdb_version: tx.version()?,
        schema_version,
        schema_migration,
        data_version: load::data_version(&tx)?,
        tables: table_rows(&tx)?,
    };
    tx.execute_batch(&with_folder(queries::BACKUP_EXPORT, &folder)?)?;
    drop(tx);

    let text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Internal(format!("manifest: {e}")))?;
    fs::write(folder.join(MANIFEST_FILE), text).map_err(|e| failed(format!("cannot write the manifest: {e}")))?;
    sync_tree(&folder).map_err(|e| failed(format!("cannot flush the backup to disk: {e}")))?;
    // Replaces `dest` when it is an empty folder.
    fs::rename(&folder, dest).map_err(|e| failed(format!("cannot move the finished backup into place: {e}")))?;
    sync_dir(parent).map_err(|e| failed(format!("cannot flush {}: {e}", parent.display())))?;
    Ok(manifest)
}

/// Restores the backup in `backup` as the warehouse file `target`, which must not exist (or be
/// empty) unless `force`. The import is built in a temporary file next to `target`, checked against
/// the manifest and the migrations, and only then renamed into place. Blocking.
pub fn restore(backup: &Path, target: &Path, force: bool) -> Result<Manifest> {
    let failed = |reason: String| Error::BackupFailed { path: target.display().to_string(), reason };
    let manifest = read_manifest(backup)?;
    if !force && !is_absent_or_empty_file(target) {
        return Err(Error::TargetNotEmpty {
            path: target.display().to_string(),
            hint: "restore writes a new warehouse; to replace this one, stop the service and pass --force",
        });
    }
    if force {
        ensure_not_in_use(target)?;
    }
    let parent = parent_of(target);
    fs::create_dir_all(parent).map_err(|e| failed(format!("cannot create {}: {e}", parent.display())))?;
    let staging = tempfile::Builder::new()
        .prefix(".restore-")
        .tempdir_in(parent)
        .map_err(|e| failed(format!("cannot write in {}: {e}", parent.display())))?;
    let staged = staging.path().join("warehouse.duckdb");
    {
        let mut conn = Connection::open(&staged)?;
        let invalid = |reason: String| Error::InvalidBackup { path: backup.display().to_string(), reason };
        conn.execute_batch(&with_folder(queries::BACKUP_IMPORT, backup)?)
            .map_err(|e| invalid(format!("the import failed: {e}")))?;
        let restored = table_rows(&conn)?;
        if restored != manifest.tables {
            return Err(invalid(format!(
                "the imported rows differ from the manifest's: {}",
                diff(&manifest.tables, &restored)
            )));
        }
        let data_version = load::data_version(&conn)?;
        if data_version != manifest.data_version {
            return Err(invalid(format!(
                "the data version is {data_version}, the manifest says {}",
                manifest.data_version
            )));
        }
        // Verifies the recorded migration checksums as start-up will, and brings a backup of an
        // older schema up to date.
        migrate::apply(&mut conn)?;
        conn.execute_batch(queries::CHECKPOINT)?;
    }
    fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| failed(format!("cannot flush the restored warehouse to disk: {e}")))?;
    if force {
        // A write-ahead log left by the replaced warehouse would be replayed into the restored one.
        match fs::remove_file(wal_of(target)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(failed(format!("cannot remove the old write-ahead log: {e}")));
            }
            _ => {}
        }
    }
    fs::rename(&staged, target).map_err(|e| failed(format!("cannot move the restored warehouse into place: {e}")))?;
    sync_dir(parent).map_err(|e| failed(format!("cannot flush {}: {e}", parent.display())))?;
    Ok(manifest)
}

pub fn read_manifest(backup: &Path) -> Result<Manifest> {
    let invalid = |reason: String| Error::InvalidBackup { path: backup.display().to_string(), reason };
    let text = fs::read_to_string(backup.join(MANIFEST_FILE))
        .map_err(|e| invalid(format!("cannot read its {MANIFEST_FILE} ({e}); is it a netflix-analytics backup?")))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| invalid(format!("{MANIFEST_FILE} does not parse: {e}")))?;
    if manifest.format != MANIFEST_FORMAT {
        return Err(invalid(format!(
            "manifest format {} is not one this build reads ({MANIFEST_FORMAT})",
            manifest.format
        )));
    }
    let known = migrate::MIGRATIONS.last().map_or(0, |m| m.version);
    if manifest.schema_version > known {
        return Err(invalid(format!(
            "it has schema migration {} ({}), this build knows up to {known}: restore it with a newer version",
            manifest.schema_version, manifest.schema_migration
        )));
    }
    Ok(manifest)
}

/// The backups a running service writes on request: new timestamped folders under one directory
/// (`NA_BACKUP_DIR`), the oldest pruned beyond `keep` (`NA_BACKUP_KEEP`; 0 keeps all). One at a time.
#[derive(Clone)]
pub struct Backups {
    root: PathBuf,
    keep: usize,
    writing: Arc<tokio::sync::Mutex<()>>,
}

/// A backup a running service took.
#[derive(Debug)]
pub struct Taken {
    /// The folder's name under the backup directory.
    pub folder: String,
    pub manifest: Manifest,
    /// Older backups removed to keep the configured number.
    pub pruned: Vec<String>,
}

impl Backups {
    pub fn new(root: PathBuf, keep: usize) -> Backups {
        Backups { root, keep, writing: Arc::new(tokio::sync::Mutex::new(())) }
    }

    pub async fn take(&self, warehouse: &Warehouse) -> Result<Taken> {
        let writing = self.writing.clone().try_lock_owned().map_err(|_| Error::BackupRunning)?;
        let (root, keep) = (self.root.clone(), self.keep);
        warehouse
            .with_connection(move |conn| {
                // Held by the blocking work itself: a caller that goes away does not let a second
                // backup start while this one still writes.
                let _writing = writing;
                let folder = Utc::now().format(FOLDER_TIME_FORMAT).to_string();
                let manifest = export(conn, &root.join(&folder))?;
                let pruned = prune(&root, keep)?;
                Ok(Taken { folder, manifest, pruned })
            })
            .await
    }
}

/// Removes the oldest backup folders beyond `keep`; only folders named like this service names
/// them and holding a manifest count, anything else in the directory is left alone.
fn prune(root: &Path, keep: usize) -> Result<Vec<String>> {
    let failed = |reason: String| Error::BackupFailed { path: root.display().to_string(), reason };
    if keep == 0 {
        return Ok(Vec::new());
    }
    let mut backups: Vec<String> = fs::read_dir(root)
        .map_err(|e| failed(format!("cannot list the backups: {e}")))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join(MANIFEST_FILE).is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| NaiveDateTime::parse_from_str(name, FOLDER_TIME_FORMAT).is_ok())
        .collect();
    backups.sort_unstable_by(|a, b| b.cmp(a));
    let pruned = backups.split_off(keep.min(backups.len()));
    for name in &pruned {
        fs::remove_dir_all(root.join(name)).map_err(|e| failed(format!("cannot remove the old backup {name}: {e}")))?;
    }
    Ok(pruned)
}

fn table_rows(conn: &Connection) -> Result<BTreeMap<String, u64>> {
    let tables: Vec<String> =
        conn.prepare(queries::BACKUP_TABLES)?.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    let mut counts = conn.prepare(queries::BACKUP_TABLE_ROWS)?;
    tables
        .into_iter()
        .map(|table| {
            let rows: i64 = counts.query_row(named_params! { "table": table.as_str() }, |row| row.get(0))?;
            Ok((table, rows as u64))
        })
        .collect()
}

fn diff(expected: &BTreeMap<String, u64>, got: &BTreeMap<String, u64>) -> String {
    let mut tables: Vec<&String> = expected.keys().chain(got.keys()).collect();
    tables.sort();
    tables.dedup();
    tables
        .into_iter()
        .filter(|t| expected.get(*t) != got.get(*t))
        .map(|t| {
            let rows = |m: &BTreeMap<String, u64>| m.get(t).map_or("none".to_owned(), u64::to_string);
            format!("{t}: {} expected, {} restored", rows(expected), rows(got))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Replacing a warehouse a running service has open would leave the service writing to a file
/// nobody will read again; DuckDB's lock on the file tells.
fn ensure_not_in_use(target: &Path) -> Result<()> {
    if !target.exists() {
        return Ok(());
    }
    match Connection::open(target) {
        Err(e) if e.to_string().contains("lock") => Err(Error::WarehouseOpen {
            path: target.display().to_string(),
            reason: format!("{e}; stop the service using it before restoring over it"),
        }),
        // Anything else, a damaged file included, is what --force replaces.
        _ => Ok(()),
    }
}

/// `template` with `{folder}` replaced by `folder` as an SQL string literal. DuckDB cannot bind a
/// parameter in EXPORT or IMPORT; doubling single quotes is how its string literals escape them, so
/// no path can end the literal early.
fn with_folder(template: &str, folder: &Path) -> Result<String> {
    let text = folder.to_str().filter(|t| !t.contains('\0')).ok_or_else(|| Error::BackupFailed {
        path: folder.display().to_string(),
        reason: "DuckDB needs a path that is valid UTF-8, without NUL".to_owned(),
    })?;
    Ok(template.replace("{folder}", &format!("'{}'", text.replace('\'', "''"))))
}

fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

fn wal_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".wal");
    PathBuf::from(name)
}

fn is_absent_or_empty_dir(path: &Path) -> bool {
    match fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

fn is_absent_or_empty_file(path: &Path) -> bool {
    let empty = match fs::metadata(path) {
        Ok(meta) => meta.is_file() && meta.len() == 0,
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    };
    empty && !wal_of(path).exists()
}

/// fsyncs every file in `dir` and `dir` itself, so the rename that publishes it cannot land
/// before its contents.
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        fs::File::open(entry?.path())?.sync_all()?;
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_keeps_the_newest_backups_and_nothing_else_is_touched() {
        let root = tempfile::tempdir().unwrap();
        let names = ["20260101T000000.000Z", "20260301T000000.000Z", "20260201T000000.000Z"];
        for name in names {
            fs::create_dir(root.path().join(name)).unwrap();
            fs::write(root.path().join(name).join(MANIFEST_FILE), "{}").unwrap();
        }
        // Not ours: no manifest, or not named by a time.
        fs::create_dir(root.path().join("20250101T000000.000Z")).unwrap();
        fs::create_dir(root.path().join("keep-me")).unwrap();
        fs::write(root.path().join("keep-me").join(MANIFEST_FILE), "{}").unwrap();

        assert_eq!(prune(root.path(), 0).unwrap(), Vec::<String>::new());
        assert_eq!(prune(root.path(), 2).unwrap(), ["20260101T000000.000Z"]);
        let mut left: Vec<String> =
            fs::read_dir(root.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        assert_eq!(left, ["20250101T000000.000Z", "20260201T000000.000Z", "20260301T000000.000Z", "keep-me"]);
    }

    /// Also a folder whose name would end a naively quoted SQL literal.
    #[tokio::test]
    async fn a_restore_brings_back_rows_sequences_migrations_and_the_data_version() {
        use crate::domain::{SourceId, Trigger};
        use crate::warehouse::runs;

        let dir = tempfile::tempdir().unwrap();
        let warehouse = Warehouse::open(&dir.path().join("w.duckdb"), 1).await.unwrap();
        let backup = dir.path().join("it's a backup");
        let (manifest, last_run) = warehouse
            .with_connection({
                let backup = backup.clone();
                move |conn| {
                    let mut last = None;
                    for _ in 0..3 {
                        last = Some(runs::insert(conn, SourceId::Top10, Trigger::Cli, Utc::now())?.id);
                    }
                    conn.execute("UPDATE ops.warehouse_state SET data_version = 7", [])?;
                    Ok((export(conn, &backup)?, last.unwrap()))
                }
            })
            .await
            .unwrap();
        assert_eq!((manifest.data_version, manifest.tables["ops.ingest_runs"]), (7, 3));
        assert_eq!(manifest.schema_version, migrate::MIGRATIONS.len() as i64);

        let target = dir.path().join("restored").join("w.duckdb");
        assert_eq!(restore(&backup, &target, false).unwrap(), manifest);
        let restored = Warehouse::open(&target, 1).await.expect("the migration checksums verify");
        assert_eq!(restored.data_version(), 7);
        let next = restored
            .with_connection(|conn| Ok(runs::insert(conn, SourceId::Top10, Trigger::Cli, Utc::now())?.id))
            .await
            .unwrap();
        assert_eq!(next.0, last_run.0 + 1);
    }

    #[test]
    fn folder_names_sort_in_time_order() {
        let early = DateTime::parse_from_rfc3339("2026-07-20T09:59:59.999Z").unwrap().with_timezone(&Utc);
        let late = DateTime::parse_from_rfc3339("2026-07-20T10:00:00.000Z").unwrap().with_timezone(&Utc);
        let (a, b) = (early.format(FOLDER_TIME_FORMAT).to_string(), late.format(FOLDER_TIME_FORMAT).to_string());
        assert_eq!(a, "20260720T095959.999Z");
        assert!(a < b);
        assert!(NaiveDateTime::parse_from_str(&a, FOLDER_TIME_FORMAT).is_ok());
    }
}
