//! The DuckDB warehouse: opening and migrating it, running work on it off the async runtime, and the
//! named SQL that reads and writes it. Nothing outside this module writes SQL.
//!
//! DuckDB connections are `Send` but not `Sync`; each piece of work gets a connection of its own,
//! cloned from the database and reused afterwards, on tokio's blocking pool. Reads run concurrently
//! up to a limit, each inside one transaction so that every statement of an answer sees the same
//! committed refresh. Refreshes go through one writer connection, one transaction each.

pub mod backup;
pub mod catalog;
pub mod identity;
pub mod lake;
pub mod llm_calls;
pub mod load;
pub mod migrate;
pub mod published;
pub mod queries;
pub mod runs;
pub mod youtube;

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use duckdb::{Connection, InterruptHandle};
use tokio::sync::Semaphore;
use tracing::Span;

use crate::error::{Error, Result};
use lake::{Access, LakeSettings};

#[derive(Clone)]
pub struct Warehouse {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// Only used to clone new connections; the lock is held for the clone alone.
    root: Mutex<Connection>,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    writer: Arc<tokio::sync::Mutex<Connection>>,
    data_version: AtomicU64,
    memos: Mutex<Memos>,
    /// `None` for the embedded file alone.
    lake: Option<Access>,
}

/// Values derived from one data version, computed by the first read that needs them.
#[derive(Default)]
struct Memos {
    data_version: u64,
    values: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl Warehouse {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(path: &Path, max_concurrent_queries: usize) -> Result<Warehouse> {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || Warehouse::open_blocking(path, max_concurrent_queries)).await?
    }

    fn open_blocking(path: PathBuf, max_concurrent_queries: usize) -> Result<Warehouse> {
        let open_error = |reason: String| Error::WarehouseOpen { path: path.display().to_string(), reason };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_error(e.to_string()))?;
        }
        let mut root = Connection::open(&path).map_err(|e| {
            let reason = e.to_string();
            if reason.contains("lock") {
                // DuckDB lets one process open a file for writing; the usual culprit is our own `serve`.
                open_error(format!(
                    "{reason}; another netflix-analytics process (serve or ingest) has it open: stop it, \
                     or trigger the run over HTTP with POST /v1/ingest/{{source}}"
                ))
            } else {
                open_error(reason)
            }
        })?;
        migrate::apply(&mut root)?;
        Warehouse::from_root(path, root, max_concurrent_queries, None)
    }

    /// The writer of a lake: its own file, as `open` has it. The service and the CLI publish it to
    /// the lake at start and after every run, so the lake catches up with whatever a killed
    /// predecessor committed.
    pub async fn open_lake_writer(path: &Path, lake: LakeSettings, max_concurrent_queries: usize) -> Result<Warehouse> {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || {
            let open_error = |reason: String| Error::WarehouseOpen { path: path.display().to_string(), reason };
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| open_error(e.to_string()))?;
            }
            let mut root =
                Connection::open_with_flags(&path, lake.duckdb_config()?).map_err(|e| open_error(e.to_string()))?;
            migrate::apply(&mut root)?;
            lake.attach(&root, Access::Writer)?;
            lake::open_writer(&root)?;
            Warehouse::from_root(path, root, max_concurrent_queries, Some(Access::Writer))
        })
        .await?
    }

    /// A read replica of a lake: no file of its own, the lake's latest snapshot followed every
    /// `poll`. Its data version, and so its cache keys and ETags, move only when a refresh committed.
    pub async fn open_lake_reader(
        lake: LakeSettings,
        poll: Duration,
        max_concurrent_queries: usize,
    ) -> Result<Warehouse> {
        let warehouse = tokio::task::spawn_blocking(move || {
            let mut root = Connection::open_in_memory_with_flags(lake.duckdb_config()?)?;
            migrate::apply(&mut root)?;
            lake.attach(&root, Access::Reader)?;
            lake::open_reader(&root)?;
            Warehouse::from_root(PathBuf::from(":memory:"), root, max_concurrent_queries, Some(Access::Reader))
        })
        .await??;
        tokio::spawn(follow(Arc::downgrade(&warehouse.inner), poll));
        Ok(warehouse)
    }

    fn from_root(
        path: PathBuf,
        root: Connection,
        max_concurrent_queries: usize,
        lake: Option<Access>,
    ) -> Result<Warehouse> {
        let data_version = load::data_version(&root)?;
        let writer = root.try_clone()?;
        Ok(Warehouse {
            inner: Arc::new(Inner {
                path,
                root: Mutex::new(root),
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(max_concurrent_queries)),
                writer: Arc::new(tokio::sync::Mutex::new(writer)),
                data_version: AtomicU64::new(data_version),
                memos: Mutex::new(Memos::default()),
                lake,
            }),
        })
    }

    /// A read replica serves queries only: nothing may write through it.
    pub fn is_read_replica(&self) -> bool {
        self.inner.lake == Some(Access::Reader)
    }

    /// Whether the schema answers are read from is the one this build expects: the file's
    /// migrations, or for a read replica the lake's, which a newer writer may have moved.
    pub async fn is_current(&self) -> Result<bool> {
        let replica = self.is_read_replica();
        self.with_connection(move |conn| {
            if replica { Ok(lake::check_reader_schema(conn).is_ok()) } else { migrate::is_current(conn) }
        })
        .await
    }

    /// A lake writer copies what it committed into the lake as one snapshot; elsewhere a no-op.
    pub async fn publish(&self) -> Result<()> {
        if self.inner.lake != Some(Access::Writer) {
            return Ok(());
        }
        self.with_writer(lake::publish).await
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Bumped by every committed refresh that changed data; part of every cache key and ETag.
    pub fn data_version(&self) -> u64 {
        self.inner.data_version.load(Ordering::Acquire)
    }

    /// Runs `work` on a pooled connection inside one read transaction: every statement sees the same
    /// committed state, whatever refresh commits meanwhile. If the caller goes away (client
    /// disconnect, request timeout) the running statement is interrupted, so abandoned questions
    /// stop costing warehouse time.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Snapshot<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = self.inner.permits.clone().acquire_owned().await.expect("the semaphore is never closed");
        let inner = self.inner.clone();
        let span = Span::current();
        let abandon = Abandon::default();
        let watch = abandon.clone();
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let conn = inner.checkout()?;
            let result = watch.run(&conn, || {
                conn.execute_batch("BEGIN TRANSACTION")?;
                let snapshot = Snapshot { conn: &conn, data_version: load::data_version(&conn)?, memos: &inner.memos };
                let result = span.in_scope(|| work(&snapshot));
                conn.execute_batch(if result.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
                result
            });
            match result {
                Ok(value) => {
                    inner.idle.lock().expect("idle pool lock").push(conn);
                    Ok(value)
                }
                // An interrupted or failed transaction may be left open; the connection is dropped.
                Err(err) => Err(err),
            }
        });
        let armed = abandon.arm();
        let result = task.await;
        armed.disarm();
        result?
    }

    /// Runs `work` on a pooled connection in autocommit mode: small bookkeeping reads and writes.
    pub async fn with_connection<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        // The permit moves into the blocking task, so a caller that goes away (client disconnect,
        // request timeout) does not free a slot while its query still runs.
        let permit = self.inner.permits.clone().acquire_owned().await.expect("the semaphore is never closed");
        let inner = self.inner.clone();
        let span = Span::current();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let conn = inner.checkout()?;
            let result = span.in_scope(|| work(&conn));
            inner.idle.lock().expect("idle pool lock").push(conn);
            result
        })
        .await?
    }

    /// Runs `work` with the single writer connection, one caller at a time. `work` opens its own
    /// transaction; afterwards the published data version is re-read so callers see what committed.
    pub async fn with_writer<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        if self.is_read_replica() {
            return Err(Error::ReadReplica);
        }
        let mut writer = self.inner.writer.clone().lock_owned().await;
        let inner = self.inner.clone();
        let span = Span::current();
        tokio::task::spawn_blocking(move || {
            let result = span.in_scope(|| work(&mut writer));
            let version = load::data_version(&writer)?;
            inner.data_version.store(version, Ordering::Release);
            result
        })
        .await?
    }
}

/// A read replica's poll of the lake: the data version moves when a refresh committed there. Ends
/// with the warehouse.
async fn follow(inner: Weak<Inner>, poll: Duration) {
    let mut ticks = tokio::time::interval(poll);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(warehouse) = inner.upgrade().map(|inner| Warehouse { inner }) else { return };
        match warehouse.with_connection(lake::data_version).await {
            Ok(version) => {
                let before = warehouse.inner.data_version.swap(version, Ordering::AcqRel);
                if before != version {
                    tracing::info!(data_version = version, before, "following a new lake snapshot");
                }
            }
            Err(err) => tracing::warn!(error = %err, "polling the lake failed; answering from the last snapshot seen"),
        }
    }
}

/// One consistent view of the warehouse for the length of an answer.
pub struct Snapshot<'a> {
    conn: &'a Connection,
    data_version: u64,
    memos: &'a Mutex<Memos>,
}

impl Snapshot<'_> {
    pub fn conn(&self) -> &Connection {
        self.conn
    }

    /// The data version this snapshot sees; it names the answer in `meta.data_version`.
    pub fn data_version(&self) -> u64 {
        self.data_version
    }

    /// A value derived from this snapshot's data alone (the weeks held, the countries listed),
    /// computed once per data version instead of by every answer: a few tenths of a millisecond
    /// per statement is most of what a small answer costs. Every change to the data moves the
    /// version, so a value kept for the version is the value this snapshot would compute.
    pub fn memo<T: Any + Send + Sync>(&self, compute: impl FnOnce(&Connection) -> Result<T>) -> Result<Arc<T>> {
        let key = TypeId::of::<T>();
        {
            let memos = self.memos.lock().expect("memo lock");
            if memos.data_version == self.data_version
                && let Some(value) = memos.values.get(&key).and_then(|v| v.clone().downcast::<T>().ok())
            {
                return Ok(value);
            }
        }
        let value = Arc::new(compute(self.conn)?);
        let mut memos = self.memos.lock().expect("memo lock");
        // A snapshot older than the kept version must not put its values back.
        if memos.data_version < self.data_version {
            *memos = Memos { data_version: self.data_version, values: HashMap::new() };
        }
        if memos.data_version == self.data_version {
            memos.values.insert(key, value.clone());
        }
        Ok(value)
    }
}

/// Lets the async side interrupt the statement a blocking task is running once nobody waits for
/// its answer. The task registers its connection's handle before starting and checks whether it
/// was abandoned before it had one.
#[derive(Clone, Default)]
struct Abandon {
    state: Arc<Mutex<AbandonState>>,
}

#[derive(Default)]
struct AbandonState {
    abandoned: bool,
    running: Option<Arc<InterruptHandle>>,
}

impl Abandon {
    fn run<T>(&self, conn: &Connection, work: impl FnOnce() -> Result<T>) -> Result<T> {
        {
            let mut state = self.state.lock().expect("abandon lock");
            if state.abandoned {
                return Err(Error::Abandoned);
            }
            state.running = Some(conn.interrupt_handle());
        }
        let result = work();
        let mut state = self.state.lock().expect("abandon lock");
        state.running = None;
        if state.abandoned && result.is_err() { Err(Error::Abandoned) } else { result }
    }

    /// Interrupts the work when the returned guard is dropped before `disarm`; the guard lives in
    /// the awaiting future, so dropping that future is what abandons the work.
    fn arm(self) -> AbandonGuard {
        AbandonGuard(Some(self))
    }
}

struct AbandonGuard(Option<Abandon>);

impl AbandonGuard {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for AbandonGuard {
    fn drop(&mut self) {
        let Some(abandon) = self.0.take() else { return };
        let mut state = abandon.state.lock().expect("abandon lock");
        state.abandoned = true;
        if let Some(handle) = state.running.take() {
            handle.interrupt();
        }
    }
}

impl Inner {
    fn checkout(&self) -> Result<Connection> {
        if let Some(conn) = self.idle.lock().expect("idle pool lock").pop() {
            return Ok(conn);
        }
        Ok(self.root.lock().expect("root connection lock").try_clone()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::top10::Top10File;

    async fn fresh() -> (tempfile::TempDir, Warehouse) {
        let dir = tempfile::tempdir().unwrap();
        let warehouse = Warehouse::open(&dir.path().join("w.duckdb"), 2).await.unwrap();
        (dir, warehouse)
    }

    fn sql_files(folder: &str) -> Vec<String> {
        // Read at run time: with a shared CARGO_TARGET_DIR, cargo may reuse a test binary built
        // from another clone, whose compile-time path would point at that clone's files.
        let root = std::env::var_os("CARGO_MANIFEST_DIR").expect("tests run under cargo");
        let dir = Path::new(&root).join(folder);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .map(|n| n.trim_end_matches(".sql").to_owned())
            .collect();
        names.sort();
        names
    }

    #[tokio::test]
    async fn every_named_statement_prepares_against_a_migrated_warehouse() {
        let (_dir, warehouse) = fresh().await;
        warehouse
            .with_connection(|conn| {
                for (name, sql) in queries::STATEMENTS {
                    conn.prepare(sql).unwrap_or_else(|e| panic!("{name}: {e}"));
                }
                Ok(())
            })
            .await
            .unwrap();
    }

    #[test]
    fn every_query_file_is_registered() {
        let mut registered: Vec<String> =
            queries::STATEMENTS.iter().chain(queries::BATCHES).map(|(n, _)| n.to_string()).collect();
        registered.sort();
        assert_eq!(registered, sql_files("src/warehouse/queries"));
    }

    #[test]
    fn every_migration_file_is_registered_in_order() {
        let listed: Vec<String> = migrate::MIGRATIONS.iter().map(|m| m.name.to_owned()).collect();
        assert_eq!(listed, sql_files("migrations"));
        for (index, migration) in migrate::MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, index as i64 + 1);
            assert!(migration.name.starts_with(&format!("{:04}_", migration.version)));
        }
    }

    /// A question nobody waits for any more must not keep its slot: the statement is interrupted.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_abandoned_read_is_interrupted_and_frees_its_slot() {
        let dir = tempfile::tempdir().unwrap();
        let warehouse = Warehouse::open(&dir.path().join("w.duckdb"), 1).await.unwrap();
        let endless = warehouse.read(|db| {
            let n: i64 = db.conn().query_row("SELECT count(*) FROM range(1000000000000) a", [], |r| r.get(0))?;
            Ok(n)
        });
        assert!(tokio::time::timeout(std::time::Duration::from_millis(300), endless).await.is_err());
        // With one slot, this waits until the endless statement has stopped.
        let next = warehouse.read(|db| Ok(db.data_version()));
        let answered = tokio::time::timeout(std::time::Duration::from_secs(20), next).await;
        assert!(matches!(answered, Ok(Ok(0))), "the abandoned statement kept running: {answered:?}");
    }

    /// A memo holds for its data version only: after a refresh commits, readers compute afresh,
    /// and a reader still on the old snapshot neither sees nor replaces the new version's value.
    #[tokio::test]
    async fn a_memo_is_recomputed_when_the_data_version_moves() {
        let (_dir, warehouse) = fresh().await;
        let computed = Arc::new(AtomicU64::new(0));
        async fn memo(warehouse: &Warehouse, computed: &Arc<AtomicU64>) -> Result<u64> {
            let computed = computed.clone();
            warehouse
                .read(move |db| {
                    let value = db.memo(|conn| {
                        computed.fetch_add(1, Ordering::SeqCst);
                        load::data_version(conn)
                    })?;
                    Ok(*value)
                })
                .await
        }
        assert_eq!(memo(&warehouse, &computed).await.unwrap(), 0);
        assert_eq!(memo(&warehouse, &computed).await.unwrap(), 0);
        assert_eq!(computed.load(Ordering::SeqCst), 1, "the second read computed again");
        warehouse
            .with_writer(|conn| {
                let tx = conn.transaction()?;
                load::bump_data_version(&tx, crate::domain::RunId(1), chrono::Utc::now())?;
                tx.commit()?;
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(memo(&warehouse, &computed).await.unwrap(), 1, "a value of the old version was served");
        assert_eq!(computed.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn reads_see_one_snapshot_while_a_refresh_commits() {
        let (_dir, warehouse) = fresh().await;
        let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let reading = warehouse.clone();
        let reader = tokio::spawn(async move {
            reading
                .read(move |db| {
                    let before = load::data_version(db.conn())?;
                    started_tx.send(()).unwrap();
                    go_rx.recv().unwrap();
                    let after = load::data_version(db.conn())?;
                    Ok((before, after))
                })
                .await
        });
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap()).await.unwrap();
        let committed = warehouse
            .with_writer(|conn| {
                let tx = conn.transaction()?;
                let version = load::bump_data_version(&tx, crate::domain::RunId(1), chrono::Utc::now())?;
                tx.commit()?;
                Ok(version)
            })
            .await
            .unwrap();
        go_tx.send(()).unwrap();
        let (before, after) = reader.await.unwrap().unwrap();
        assert_eq!(before, after, "a statement after the commit saw the refresh");
        assert_eq!(committed, before + 1);
    }

    /// The files as a kill right after start-up would leave them (no checkpoint at exit) must open:
    /// the migrations may not sit in the write-ahead log, which DuckDB 1.5.5 cannot replay.
    #[tokio::test]
    async fn a_warehouse_killed_after_migrating_opens_again() {
        let (dir, warehouse) = fresh().await;
        let crashed = dir.path().join("crashed");
        std::fs::create_dir(&crashed).unwrap();
        for name in ["w.duckdb", "w.duckdb.wal"] {
            let from = dir.path().join(name);
            if from.exists() {
                std::fs::copy(&from, crashed.join(name)).unwrap();
            }
        }
        let reopened = Warehouse::open(&crashed.join("w.duckdb"), 1).await;
        assert!(reopened.is_ok(), "{:?}", reopened.err());
        drop(warehouse);
    }

    #[tokio::test]
    async fn reopening_applies_nothing_twice_and_a_changed_migration_stops_start_up() {
        let (dir, warehouse) = fresh().await;
        let path = warehouse.path().to_path_buf();
        // Simulate a migration file edited after it was applied.
        warehouse
            .with_connection(|conn| {
                conn.execute("UPDATE ops.schema_migrations SET checksum = 'edited' WHERE version = 1", [])?;
                Ok(())
            })
            .await
            .unwrap();
        drop(warehouse);
        let err = Warehouse::open(&path, 1).await.err().expect("start-up must stop");
        assert_eq!(err.code(), "migration_changed");
        assert!(err.to_string().contains("0001_schemas_and_runs"), "{err}");
        drop(dir);
    }

    #[tokio::test]
    async fn raw_tables_have_the_lineage_columns_then_the_connector_columns() {
        let (_dir, warehouse) = fresh().await;
        for (file, table) in [
            (Top10File::Global, "top10_global"),
            (Top10File::Countries, "top10_countries"),
            (Top10File::MostPopular, "top10_most_popular"),
        ] {
            let columns: Vec<String> = warehouse
                .with_connection(move |conn| {
                    let mut statement = conn.prepare(
                        "SELECT column_name FROM information_schema.columns \
                         WHERE table_schema = 'raw' AND table_name = ? ORDER BY ordinal_position",
                    )?;
                    let names = statement.query_map([table], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
                    Ok(names)
                })
                .await
                .unwrap();
            let mut expected: Vec<String> =
                ["run_id", "source_url", "fetched_at", "line_no"].map(String::from).to_vec();
            expected.extend(file.columns().iter().map(|c| c.name.to_owned()));
            assert_eq!(columns, expected, "{table}");
        }
    }

    /// Rows appended to a TEMP table inside a transaction went missing in DuckDB 2.0 past a few
    /// hundred thousand rows; the loader stages in ordinary tables instead. This load is big enough
    /// to catch a return of that problem.
    #[tokio::test]
    async fn a_load_of_several_hundred_thousand_rows_keeps_every_row() {
        use crate::domain::RunId;
        use crate::sources::top10::Top10Tsv;

        let (dir, warehouse) = fresh().await;
        let path = dir.path().join("big.tsv");
        let mut text = String::from(
            "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\tcumulative_weeks_in_top_10",
        );
        let first = chrono::NaiveDate::from_ymd_opt(1900, 1, 7).unwrap();
        let weeks = 7_000;
        for w in 0..weeks {
            let week = first + chrono::Duration::weeks(w);
            for category in ["Films (English)", "Films (Non-English)", "TV (English)", "TV (Non-English)"] {
                for rank in 1..=10 {
                    text.push_str(&format!("\n{week}\t{category}\t{rank}\tTitle {w} {rank}\tN/A\t{}\t1", rank * 1000));
                }
            }
        }
        std::fs::write(&path, text).unwrap();
        let changes = warehouse
            .with_writer(move |conn| {
                let tsv = Top10Tsv::open(&path, Top10File::Global)?;
                let validation = tsv.validate()?;
                let tx = conn.transaction()?;
                let lineage =
                    load::Lineage { run_id: RunId(1), source_url: "file:///big.tsv", fetched_at: chrono::Utc::now() };
                let mut loader = load::Top10Load::begin(&tx, Top10File::Global, &lineage)?;
                tsv.load(&validation, |line, row| loader.append(line, row))?;
                let changes = loader.finish()?;
                tx.commit()?;
                Ok(changes)
            })
            .await
            .unwrap();
        let rows = weeks as u64 * 40;
        assert_eq!(changes, load::Changes { inserted: rows, updated: 0 });
        let stored: i64 = warehouse
            .with_connection(|c| Ok(c.query_row("SELECT count(*) FROM stage.top10_global", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(stored as u64, rows);
    }
}
