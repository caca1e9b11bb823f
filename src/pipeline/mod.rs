//! Ingestion runs. A run is triggered (HTTP, CLI, schedule or the demo), recorded as queued,
//! executed as a tracked background task and recorded again when it ends, with per-file counts or
//! the reason it failed. Each source has one lock: a second trigger while a run of the same source is
//! under way is refused with the running run's id; `all` holds every lock and runs the three feeds
//! in order, each as a run of its own, then rebuilds the title identity once. Shutdown gives runs a
//! grace period, then cancels them at their next checkpoint so they roll back.

pub mod catalog;
pub mod identity;
pub mod schedule;
pub mod top10;
pub mod youtube;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use url::Url;

use crate::config::{CatalogConfig, Config, YouTubeConfig};
use crate::domain::{FileReport, FileStatus, IngestRun, RunError, RunId, RunStatus, RunStep, SourceId, Trigger};
use crate::error::{Error, Result};
use crate::sources::api::RetryPolicy;
use crate::sources::http::Fetcher;
use crate::warehouse::{Warehouse, load, runs};

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
    tasks: TaskTracker,
    /// Cancels runs (after the shutdown grace period).
    cancel: CancellationToken,
    /// Stops the schedules at once when shutdown starts.
    scheduling: CancellationToken,
}

/// What the connectors need from the configuration.
pub struct Settings {
    pub top10_base_url: Url,
    pub max_reject_ratio: f64,
    pub retry: RetryPolicy,
    pub catalog: CatalogConfig,
    pub youtube: YouTubeConfig,
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

/// Shared by the steps of one run.
pub struct RunContext {
    pub run_id: RunId,
    pub warehouse: Warehouse,
    pub cancel: CancellationToken,
    /// Off for the source runs of `all`, which rebuilds the identity once at the end.
    pub rebuild_identity: bool,
}

/// What a committed refresh did.
#[derive(Debug, Clone, Copy)]
pub struct Refreshed {
    pub data_version: u64,
    pub changed: bool,
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
        // Downloads sit next to the warehouse (same disk, not a small tmpfs), in a folder of its own.
        let mut temp_dir = warehouse.path().as_os_str().to_owned();
        temp_dir.push(".downloads");
        let retry = RetryPolicy { max_retries: config.max_retries, base: config.retry_base };
        let fetcher = Fetcher::new(temp_dir.into(), config.http_timeout, config.max_download_bytes, retry)?;
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
                    retry: RetryPolicy { max_retries: config.max_retries, base: config.retry_base },
                    catalog: config.catalog.clone(),
                    youtube: config.youtube.clone(),
                },
                triggering: tokio::sync::Mutex::new(()),
                running: Mutex::new(HashMap::new()),
                tasks: TaskTracker::new(),
                cancel: CancellationToken::new(),
                scheduling: CancellationToken::new(),
            }),
        })
    }

    pub fn warehouse(&self) -> &Warehouse {
        &self.inner.warehouse
    }

    /// Runs a previous process left queued or running can never finish: their transactions died
    /// with it. Call once at start-up, before any trigger.
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
        let run =
            self.inner.warehouse.with_connection(move |conn| runs::insert(conn, source, trigger, requested_at)).await?;
        let lock = SourceLock::take(self.inner.clone(), source.locks(), run.id);
        let span = tracing::info_span!("ingest", run_id = %run.id, source = %source);
        let this = self.clone();
        let queued = run.clone();
        let handle = self.inner.tasks.spawn(async move { this.execute(run, lock, options).await }.instrument(span));
        Ok((queued, handle))
    }

    pub fn running_run(&self, source: SourceId) -> Option<RunId> {
        self.inner.running.lock().expect("run lock table").get(&source).copied()
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

    async fn execute(&self, mut run: IngestRun, lock: SourceLock, options: RunOptions) -> IngestRun {
        self.mark_started(&mut run).await;
        let outcome = match run.source {
            SourceId::All => self.refresh_all(&mut run, options).await,
            source => self.refresh(source, &mut run, options, true).await,
        };
        // Released before the final record is written: whoever sees the run finished may start the next.
        drop(lock);
        self.mark_finished(&mut run, outcome).await;
        run
    }

    async fn refresh(
        &self,
        source: SourceId,
        run: &mut IngestRun,
        options: RunOptions,
        rebuild_identity: bool,
    ) -> Result<Refreshed> {
        let context = RunContext {
            run_id: run.id,
            warehouse: self.inner.warehouse.clone(),
            cancel: self.inner.cancel.child_token(),
            rebuild_identity,
        };
        let settings = &self.inner.settings;
        match source {
            SourceId::Top10 => top10::refresh(&context, &self.inner.fetcher, settings, &mut run.files).await,
            SourceId::Catalog => {
                catalog::refresh(&context, &self.inner.api, settings, options.catalog_mode, &mut run.files).await
            }
            SourceId::Youtube => {
                youtube::refresh(&context, &self.inner.api, settings, &mut run.files, &mut run.quota_units).await
            }
            SourceId::All => Err(Error::Internal("`all` is not a feed".into())),
        }
    }

    /// The three feeds in order, each recorded as its own run, then the identity once. A feed that
    /// fails (a missing key, say) does not stop the others.
    async fn refresh_all(&self, parent: &mut IngestRun, options: RunOptions) -> Result<Refreshed> {
        let mut changed = false;
        let mut failed = Vec::new();
        for source in SourceId::FEEDS {
            if self.inner.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let trigger = parent.trigger;
            let requested_at = Utc::now();
            let mut child = self
                .inner
                .warehouse
                .with_connection(move |conn| runs::insert(conn, source, trigger, requested_at))
                .await?;
            self.mark_started(&mut child).await;
            let outcome = self.refresh(source, &mut child, options, false).await;
            changed |= matches!(outcome, Ok(Refreshed { changed: true, .. }));
            self.mark_finished(&mut child, outcome).await;
            if let Some(error) = &child.error {
                failed.push(format!("{source} (run {}: {})", child.id, error.code));
            }
            parent.steps.push(RunStep { source, run_id: child.id, status: child.status, error: child.error.clone() });
        }
        let run_id = parent.id;
        let data_version = if changed {
            self.inner
                .warehouse
                .with_writer(move |conn| {
                    let tx = conn.transaction()?;
                    identity::rebuild(&tx, Utc::now())?;
                    let version = load::bump_data_version(&tx, run_id, Utc::now())?;
                    tx.commit()?;
                    Ok(version)
                })
                .await?
        } else {
            self.inner.warehouse.data_version()
        };
        if failed.is_empty() {
            Ok(Refreshed { data_version, changed })
        } else {
            Err(Error::StepsFailed { failed: failed.join(", ") })
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

    async fn mark_finished(&self, run: &mut IngestRun, outcome: Result<Refreshed>) {
        let finished_at = Utc::now();
        run.finished_at = Some(finished_at);
        run.duration_ms = run.started_at.map(|s| (finished_at - s).num_milliseconds());
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
        let record = run.clone();
        if let Err(err) = self.inner.warehouse.with_connection(move |conn| runs::finish(conn, &record)).await {
            tracing::error!(error = %err, "could not record the run's end");
        }
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
