//! Ingestion runs. A run is triggered (HTTP, CLI, schedule or the demo), recorded as queued,
//! executed as a tracked background task and recorded again when it ends, with per-file counts or
//! the reason it failed. Each source has one lock: a second trigger while a run of the same source is
//! under way is refused with the running run's id.
//!
//! A refresh has two phases. Fetching downloads, crawls and parses, and writes nothing; loading is
//! one writer transaction that loads what was fetched, rebuilds the marts and the title identity,
//! bumps the data version and commits (see `commit`). `all` holds every lock, fetches the three
//! feeds in order, each as a run of its own, then loads every feed that fetched in ONE transaction,
//! so readers never see one feed's refresh without the others' or without the identity that joins
//! them. Shutdown gives runs a grace period, then cancels them at their next checkpoint so they roll
//! back. A run that panics (a bug) ends failed, its locks released.
//!
//! Work that is not a feed, such as training a model, runs as a job: recorded, locked, tracked,
//! shut down and failed on a panic exactly like a refresh, its work handed in by the caller.

pub mod catalog;
mod commit;
pub mod identity;
pub mod schedule;
mod spool;
pub mod top10;
pub mod youtube;

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use url::Url;

use self::commit::Batch;
pub use self::commit::Changed;
use crate::config::{CatalogConfig, Config, YouTubeConfig};
use crate::domain::{
    FileReport, FileStatus, IngestRun, Progress, RunError, RunId, RunProgress, RunStatus, RunStep, SourceId, Trigger,
};
use crate::error::{Error, Result};
use crate::sources::api::RetryPolicy;
use crate::sources::http::Fetcher;
use crate::warehouse::{Warehouse, load, published, runs};

/// After cancelling, how long shutdown waits for runs to reach a checkpoint and roll back.
const ROLLBACK_WAIT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct Pipeline {
    inner: Arc<Inner>,
}

struct Inner {
    warehouse: Warehouse,
    fetcher: Fetcher,
    api: reqwest::Client,
    settings: Settings,
    /// Serialises triggers so the lock check and the run record's creation are one step.
    triggering: tokio::sync::Mutex<()>,
    running: Mutex<HashMap<SourceId, RunId>>,
    /// Progress of the runs not yet finished, the feeds of an `all` run included.
    live: Mutex<HashMap<RunId, Progress>>,
    tasks: TaskTracker,
    /// Cancels runs (after the shutdown grace period).
    cancel: CancellationToken,
    /// Stops the schedules at once when shutdown starts.
    scheduling: CancellationToken,
    on_top10_changed: Mutex<Option<OnTop10Changed>>,
}

/// What the connectors need from the configuration.
pub struct Settings {
    pub top10_base_url: Url,
    pub max_reject_ratio: f64,
    pub retry: RetryPolicy,
    pub catalog: CatalogConfig,
    pub youtube: YouTubeConfig,
    /// Downloads and spooled pages: next to the warehouse, on the same disk, not a small tmpfs.
    pub temp_dir: PathBuf,
    /// `NA_PUBLISH_DIR`: where the read-only Parquet copy of the marts goes.
    pub publish_dir: Option<PathBuf>,
}

/// How a run was asked to run; only the catalog takes options today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// `None`: backfill when the catalog is empty, else the daily incremental crawl.
    pub catalog_mode: Option<CatalogMode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogMode {
    /// The most recent `NA_CATALOG_INCREMENTAL_YEARS` release years.
    Incremental,
    /// Every release year in the range, inclusive.
    Backfill { year_min: i32, year_max: i32 },
}

/// What a run does: refresh feeds, or a job's own work.
enum Work {
    Refresh(RunOptions),
    Job(Job),
}

/// A job's work; it resolves to the data version it worked from.
type Job = Box<dyn FnOnce(RunContext) -> BoxFuture<'static, Result<u64>> + Send>;

/// Called after a Top 10 refresh (alone or in `all`) committed changed data.
pub type OnTop10Changed = Arc<dyn Fn(Pipeline) -> BoxFuture<'static, ()> + Send + Sync>;

/// Shared by the steps of one feed's fetch, and handed to a job.
pub struct RunContext {
    pub run_id: RunId,
    pub warehouse: Warehouse,
    pub cancel: CancellationToken,
    pub progress: Progress,
}

/// What a feed's fetch produced, ready to load; nothing of it is in the warehouse yet.
pub enum Fetched {
    Top10(top10::Fetched),
    Catalog(catalog::Fetched),
    Youtube(youtube::Fetched),
}

/// What a committed refresh left behind.
#[derive(Debug, Clone, Copy)]
pub struct Refreshed {
    pub data_version: u64,
}

/// Records a committed load of an API source: the `accepted` rows it wrote are inserted, updated,
/// or otherwise unchanged.
fn record_loaded(report: &mut FileReport, changes: load::Changes, accepted: u64) {
    report.status = Some(FileStatus::Loaded);
    report.rows_inserted = changes.inserted;
    report.rows_updated = changes.updated;
    report.rows_unchanged = accepted - changes.inserted - changes.updated;
}

impl Pipeline {
    pub fn new(warehouse: Warehouse, config: &Config) -> Result<Pipeline> {
        // Downloads sit next to the warehouse (same disk, not a small tmpfs), in a folder of its own;
        // a read replica has no file and downloads nothing.
        let mut temp_dir = warehouse.path().as_os_str().to_owned();
        temp_dir.push(".downloads");
        let temp_dir = if warehouse.is_read_replica() {
            std::env::temp_dir().join("netflix-analytics-replica")
        } else {
            PathBuf::from(temp_dir)
        };
        let retry = RetryPolicy { max_retries: config.max_retries, base: config.retry_base };
        let fetcher = Fetcher::new(temp_dir.clone(), config.http_timeout, config.max_download_bytes, retry)?;
        let api = reqwest::Client::builder()
            .user_agent(concat!("netflix-analytics/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(30).min(config.http_timeout))
            .timeout(config.http_timeout)
            .build()
            .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Pipeline {
            inner: Arc::new(Inner {
                warehouse,
                fetcher,
                api,
                settings: Settings {
                    top10_base_url: config.top10_base_url.clone(),
                    max_reject_ratio: config.max_reject_ratio,
                    retry,
                    catalog: config.catalog.clone(),
                    youtube: config.youtube.clone(),
                    temp_dir,
                    publish_dir: config.publish_dir.clone(),
                },
                triggering: tokio::sync::Mutex::new(()),
                running: Mutex::new(HashMap::new()),
                live: Mutex::new(HashMap::new()),
                tasks: TaskTracker::new(),
                cancel: CancellationToken::new(),
                scheduling: CancellationToken::new(),
                on_top10_changed: Mutex::new(None),
            }),
        })
    }

    pub fn warehouse(&self) -> &Warehouse {
        &self.inner.warehouse
    }

    /// Runs a previous process left queued or running can never finish: their transactions died
    /// with it. Call once at start-up, before any trigger.
    /// What this process committed, published: to the lake for a lake writer (readers move from one
    /// whole refresh to the next), and as the read-only Parquet copy when `NA_PUBLISH_DIR` is set.
    /// A failure is logged and leaves readers on what they had; the next run or start publishes again.
    pub async fn publish(&self) {
        self.publish_copy().await;
        self.publish_lake().await;
    }

    async fn publish_lake(&self) {
        if let Err(err) = self.inner.warehouse.publish().await {
            tracing::error!(error = %err, "publishing to the lake failed; readers stay on the previous snapshot");
        }
    }

    async fn publish_copy(&self) {
        let Some(dir) = self.inner.settings.publish_dir.clone() else { return };
        match self.inner.warehouse.with_connection(move |conn| published::write(conn, &dir)).await {
            Ok(Some(folder)) => tracing::info!(folder = %folder.display(), "published the read-only copy of the marts"),
            Ok(None) => {}
            Err(err) => {
                tracing::error!(error = %err, "publishing the read-only copy failed; it stays on the previous refresh")
            }
        }
    }

    pub async fn fail_interrupted_runs(&self) -> Result<usize> {
        let now = Utc::now();
        self.inner.warehouse.with_connection(move |conn| runs::interrupt_unfinished(conn, now)).await
    }

    /// Records a queued run and starts it in the background. The handle resolves to the finished run.
    pub async fn trigger(
        &self,
        source: SourceId,
        trigger: Trigger,
        options: RunOptions,
    ) -> Result<(IngestRun, JoinHandle<IngestRun>)> {
        self.start(source, trigger, Work::Refresh(options)).await
    }

    /// Records a queued run of `source` that does `job`, and starts it in the background like a
    /// refresh: the same lock, record, progress and shutdown. The job resolves to the data version
    /// it worked from.
    pub async fn trigger_job<F, Fut>(
        &self,
        source: SourceId,
        trigger: Trigger,
        job: F,
    ) -> Result<(IngestRun, JoinHandle<IngestRun>)>
    where
        F: FnOnce(RunContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<u64>> + Send + 'static,
    {
        let job: Job = Box::new(move |context| Box::pin(job(context)));
        self.start(source, trigger, Work::Job(job)).await
    }

    async fn start(
        &self,
        source: SourceId,
        trigger: Trigger,
        work: Work,
    ) -> Result<(IngestRun, JoinHandle<IngestRun>)> {
        if self.inner.warehouse.is_read_replica() {
            return Err(Error::ReadReplica);
        }
        let _triggering = self.inner.triggering.lock().await;
        if self.inner.tasks.is_closed() {
            return Err(Error::ShuttingDown);
        }
        // `all` conflicts with any source's run, and a source's run with a running `all`.
        let conflicting =
            source.locks().iter().chain(&[SourceId::All]).find_map(|s| self.running_run(*s).map(|r| (*s, r)));
        if let Some((source_id, run_id)) = conflicting {
            return Err(Error::IngestRunning { source_id, run_id });
        }
        let requested_at = Utc::now();
        let mut run =
            self.inner.warehouse.with_connection(move |conn| runs::insert(conn, source, trigger, requested_at)).await?;
        let lock = SourceLock::take(self.inner.clone(), source.locks(), run.id);
        let progress = Progress::new("queued");
        self.track(run.id, &progress);
        run.progress = progress.latest();
        let span = tracing::info_span!("ingest", run_id = %run.id, source = %source);
        let this = self.clone();
        let queued = run.clone();
        let handle =
            self.inner.tasks.spawn(async move { this.execute(run, lock, work, progress).await }.instrument(span));
        Ok((queued, handle))
    }

    /// Sets what to do after each Top 10 refresh that changed data (retraining, say).
    pub fn on_top10_changed(&self, hook: OnTop10Changed) {
        *self.inner.on_top10_changed.lock().expect("hook lock") = Some(hook);
    }

    pub fn running_run(&self, source: SourceId) -> Option<RunId> {
        self.inner.running.lock().expect("run lock table").get(&source).copied()
    }

    /// Adds what a queued or running run has done so far to its record, as read from the warehouse.
    pub fn with_progress(&self, mut run: IngestRun) -> IngestRun {
        if matches!(run.status, RunStatus::Queued | RunStatus::Running) {
            run.progress = self.inner.live.lock().expect("progress table").get(&run.id).and_then(Progress::latest);
        }
        run
    }

    /// Follows a run's progress until it finishes; `None` once it has.
    pub fn progress(&self, run_id: RunId) -> Option<watch::Receiver<RunProgress>> {
        self.inner.live.lock().expect("progress table").get(&run_id).and_then(Progress::subscribe)
    }

    fn track(&self, run_id: RunId, progress: &Progress) {
        self.inner.live.lock().expect("progress table").insert(run_id, progress.clone());
    }

    /// Stops the schedules and new triggers, and gives runs under way `grace` to finish; a refresh
    /// is usually worth keeping. Runs still going after that are cancelled at their next
    /// checkpoint and roll back. Returns whether every run ended before this returned.
    pub async fn shutdown(&self, grace: Duration) -> bool {
        self.inner.scheduling.cancel();
        let _triggering = self.inner.triggering.lock().await;
        self.inner.tasks.close();
        if tokio::time::timeout(grace, self.inner.tasks.wait()).await.is_ok() {
            return true;
        }
        tracing::warn!("runs still going after the shutdown grace period; cancelling them");
        self.inner.cancel.cancel();
        tokio::time::timeout(ROLLBACK_WAIT, self.inner.tasks.wait()).await.is_ok()
    }

    async fn execute(&self, mut run: IngestRun, lock: SourceLock, work: Work, progress: Progress) -> IngestRun {
        let version_before = self.inner.warehouse.data_version();
        let refreshes_top10 = matches!(work, Work::Refresh(_)) && matches!(run.source, SourceId::Top10 | SourceId::All);
        self.mark_started(&mut run).await;
        let (id, source) = (run.id, run.source);
        let refreshing = async {
            match (work, source) {
                (Work::Job(job), _) => {
                    job(self.context(id, &progress)).await.map(|data_version| Refreshed { data_version })
                }
                (Work::Refresh(options), SourceId::All) => self.refresh_all(&mut run, options, &progress).await,
                (Work::Refresh(options), source) => self.refresh(source, &mut run, options, &progress).await,
            }
        };
        let outcome =
            AssertUnwindSafe(refreshing).catch_unwind().await.unwrap_or_else(|panic| Err(panicked(id, panic)));
        // Released before the final record is written: whoever sees the run finished may start the next.
        drop(lock);
        self.mark_finished(&mut run, outcome.as_ref().copied()).await;
        let top10_changed = refreshes_top10
            && match source {
                SourceId::All => {
                    run.steps.iter().any(|s| s.source == SourceId::Top10 && s.status == RunStatus::Succeeded)
                }
                _ => run.status == RunStatus::Succeeded,
            };
        if top10_changed && run.data_version.is_some_and(|v| v > version_before) {
            let hook = self.inner.on_top10_changed.lock().expect("hook lock").clone();
            if let Some(hook) = hook {
                hook(self.clone()).await;
            }
        }
        run
    }

    /// One feed: its fetch, then one transaction.
    async fn refresh(
        &self,
        source: SourceId,
        run: &mut IngestRun,
        options: RunOptions,
        progress: &Progress,
    ) -> Result<Refreshed> {
        let fetched = self.fetch(source, run, options, progress).await?;
        progress.step("loading");
        let batch = Batch { run_id: run.id, fetched, files: std::mem::take(&mut run.files) };
        let (mut files, outcome) =
            commit::commit(&self.inner.warehouse, run.id, vec![batch], self.inner.cancel.clone()).await;
        run.files = files.pop().unwrap_or_default();
        outcome
    }

    /// The network phase of one feed; it writes nothing. A panic in it (a bug) fails this feed only.
    async fn fetch(
        &self,
        source: SourceId,
        run: &mut IngestRun,
        options: RunOptions,
        progress: &Progress,
    ) -> Result<Fetched> {
        progress.step("fetching");
        let id = run.id;
        let context = self.context(id, progress);
        let settings = &self.inner.settings;
        let fetching = async {
            match source {
                SourceId::Top10 => {
                    top10::fetch(&context, &self.inner.fetcher, settings, &mut run.files).await.map(Fetched::Top10)
                }
                SourceId::Catalog => {
                    catalog::fetch(&context, &self.inner.api, settings, options.catalog_mode, &mut run.files)
                        .await
                        .map(Fetched::Catalog)
                }
                SourceId::Youtube => {
                    youtube::fetch(&context, &self.inner.api, settings, &mut run.files, &mut run.quota_units)
                        .await
                        .map(Fetched::Youtube)
                }
                SourceId::All | SourceId::Model => Err(Error::Internal(format!("`{source}` is not a feed"))),
            }
        };
        AssertUnwindSafe(fetching).catch_unwind().await.unwrap_or_else(|panic| Err(panicked(id, panic)))
    }

    /// Fetches the three feeds in order, each recorded as its own run, then loads every feed that
    /// fetched in one transaction. A feed that fails to fetch (a missing key, say) does not stop the
    /// others; a failed load or commit fails them all.
    async fn refresh_all(&self, parent: &mut IngestRun, options: RunOptions, progress: &Progress) -> Result<Refreshed> {
        // Each feed's run, its progress, and what it fetched until the commit takes it.
        let mut children: Vec<(IngestRun, Progress, Option<Fetched>)> = Vec::new();
        let mut failed = Vec::new();
        for source in SourceId::FEEDS {
            if self.inner.cancel.is_cancelled() {
                break;
            }
            progress.step(&format!("fetching {source}"));
            let trigger = parent.trigger;
            let requested_at = Utc::now();
            let mut child = self
                .inner
                .warehouse
                .with_connection(move |conn| runs::insert(conn, source, trigger, requested_at))
                .await?;
            let child_progress = progress.child("queued");
            self.track(child.id, &child_progress);
            self.mark_started(&mut child).await;
            let fetched = match self.fetch(source, &mut child, options, &child_progress).await {
                Ok(fetched) => {
                    child_progress.step("waiting for the other feeds");
                    Some(fetched)
                }
                Err(err) => {
                    failed.push(format!("{source} (run {}: {})", child.id, err.code()));
                    self.mark_finished(&mut child, Err(&err)).await;
                    None
                }
            };
            children.push((child, child_progress, fetched));
        }

        let outcome = if self.inner.cancel.is_cancelled() {
            Err(Error::Cancelled)
        } else if children.iter().all(|(_, _, fetched)| fetched.is_none()) {
            Ok(Refreshed { data_version: self.inner.warehouse.data_version() })
        } else {
            progress.step("loading");
            let mut batches = Vec::new();
            for (child, child_progress, fetched) in &mut children {
                if let Some(fetched) = fetched.take() {
                    child_progress.step("loading");
                    batches.push(Batch { run_id: child.id, fetched, files: std::mem::take(&mut child.files) });
                }
            }
            let (files, outcome) =
                commit::commit(&self.inner.warehouse, parent.id, batches, self.inner.cancel.clone()).await;
            // The batches were the running feeds, in order; their reports come back in that order.
            let mut files = files.into_iter();
            for (child, _, _) in children.iter_mut().filter(|(c, _, _)| c.status == RunStatus::Running) {
                child.files = files.next().unwrap_or_default();
            }
            outcome
        };
        // The feeds that fetched end with the commit, as it went.
        for (child, _, _) in children.iter_mut().filter(|(c, _, _)| c.status == RunStatus::Running) {
            self.mark_finished(child, outcome.as_ref().copied()).await;
        }
        parent.steps = children
            .iter()
            .map(|(c, _, _)| RunStep { source: c.source, run_id: c.id, status: c.status, error: c.error.clone() })
            .collect();
        match outcome {
            Ok(_) if !failed.is_empty() => Err(Error::StepsFailed { failed: failed.join(", ") }),
            outcome => outcome,
        }
    }

    fn context(&self, run_id: RunId, progress: &Progress) -> RunContext {
        RunContext {
            run_id,
            warehouse: self.inner.warehouse.clone(),
            cancel: self.inner.cancel.clone(),
            progress: progress.clone(),
        }
    }

    async fn mark_started(&self, run: &mut IngestRun) {
        let started_at = Utc::now();
        run.status = RunStatus::Running;
        run.started_at = Some(started_at);
        let id = run.id;
        if let Err(err) = self.inner.warehouse.with_connection(move |conn| runs::start(conn, id, started_at)).await {
            tracing::error!(error = %err, "could not record the run's start");
        }
        tracing::info!(run_id = %run.id, source = %run.source, "run started");
    }

    async fn mark_finished(&self, run: &mut IngestRun, outcome: std::result::Result<Refreshed, &Error>) {
        let finished_at = Utc::now();
        run.finished_at = Some(finished_at);
        run.duration_ms = run.started_at.map(|s| (finished_at - s).num_milliseconds());
        run.progress = None;
        match outcome {
            Ok(refreshed) => {
                run.status = RunStatus::Succeeded;
                run.data_version = Some(refreshed.data_version);
            }
            Err(err) => {
                run.status = RunStatus::Failed;
                run.data_version = Some(self.inner.warehouse.data_version());
                run.error = Some(RunError { code: err.code().to_owned(), message: err.to_string() });
                for file in &mut run.files {
                    if file.status == Some(FileStatus::Loaded) {
                        file.status = Some(FileStatus::RolledBack);
                    }
                }
            }
        }
        // Before the run reads as finished, so whoever waits for it finds the copy of its data.
        self.publish_copy().await;
        let record = run.clone();
        if let Err(err) = self.inner.warehouse.with_connection(move |conn| runs::finish(conn, &record)).await {
            tracing::error!(error = %err, "could not record the run's end");
        }
        // With the run's end recorded, so the lake gets the data and its record in one snapshot.
        self.publish_lake().await;
        self.inner.live.lock().expect("progress table").remove(&run.id);
        let rows = |f: fn(&FileReport) -> u64| run.files.iter().map(f).sum::<u64>();
        tracing::info!(
            run_id = %run.id,
            source = %run.source,
            status = run.status.as_str(),
            duration_ms = run.duration_ms,
            data_version = run.data_version,
            rows_read = rows(|f| f.rows_read),
            rows_inserted = rows(|f| f.rows_inserted),
            rows_updated = rows(|f| f.rows_updated),
            rows_rejected = rows(|f| f.rows_rejected),
            quota_units = run.quota_units,
            error = run.error.as_ref().map(|e| e.message.as_str()),
            "run finished"
        );
    }
}

/// A panic is a bug: the run fails with an internal error, and what the panic said goes to the log
/// only, since it may quote anything the run was handling.
fn panicked(run_id: RunId, panic: Box<dyn Any + Send>) -> Error {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(run_id = %run_id, panic = message, "the run panicked");
    Error::Internal("the run stopped on a bug (a panic; the service log has the details); nothing was loaded".into())
}

/// Holds a run's slots in the lock table; released on drop, even if the run's task panics.
struct SourceLock {
    inner: Arc<Inner>,
    sources: &'static [SourceId],
}

impl SourceLock {
    fn take(inner: Arc<Inner>, sources: &'static [SourceId], run_id: RunId) -> SourceLock {
        let mut running = inner.running.lock().expect("run lock table");
        for source in sources {
            running.insert(*source, run_id);
        }
        drop(running);
        SourceLock { inner, sources }
    }
}

impl Drop for SourceLock {
    fn drop(&mut self) {
        let mut running = self.inner.running.lock().expect("run lock table");
        for source in self.sources {
            running.remove(source);
        }
    }
}
