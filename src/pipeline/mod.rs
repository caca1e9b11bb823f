//! Ingestion runs. A run is triggered (HTTP, CLI or the demo), recorded as queued, executed as a
//! tracked background task and recorded again when it ends, with per-file counts or the reason it
//! failed. Each source has one lock: a second trigger while a run of the same source is under way is
//! refused with the running run's id. Shutdown cancels runs at their next checkpoint and waits for
//! them to commit or roll back.

pub mod top10;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use url::Url;

use crate::config::Config;
use crate::domain::{FileStatus, IngestRun, RunError, RunId, RunStatus, SourceId, Trigger};
use crate::error::{Error, Result};
use crate::sources::http::Fetcher;
use crate::warehouse::{Warehouse, runs};

/// After cancelling, how long shutdown waits for runs to reach a checkpoint and roll back.
const ROLLBACK_WAIT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct Pipeline {
    inner: Arc<Inner>,
}

struct Inner {
    warehouse: Warehouse,
    fetcher: Fetcher,
    settings: Settings,
    /// Serialises triggers so the lock check and the run record's creation are one step.
    triggering: tokio::sync::Mutex<()>,
    running: Mutex<HashMap<SourceId, RunId>>,
    tasks: TaskTracker,
    cancel: CancellationToken,
}

/// What the connectors need from the configuration.
pub struct Settings {
    pub top10_base_url: Url,
    pub max_reject_ratio: f64,
}

/// Shared by the steps of one run.
pub struct RunContext {
    pub run_id: RunId,
    pub warehouse: Warehouse,
    pub cancel: CancellationToken,
}

impl Pipeline {
    pub fn new(warehouse: Warehouse, config: &Config) -> Result<Pipeline> {
        // Downloads sit next to the warehouse: same disk, and not a small tmpfs.
        let temp_dir = warehouse.path().parent().unwrap_or(std::path::Path::new(".")).join("tmp");
        let fetcher = Fetcher::new(config.http_timeout, temp_dir)?;
        Ok(Pipeline {
            inner: Arc::new(Inner {
                warehouse,
                fetcher,
                settings: Settings {
                    top10_base_url: config.top10_base_url.clone(),
                    max_reject_ratio: config.max_reject_ratio,
                },
                triggering: tokio::sync::Mutex::new(()),
                running: Mutex::new(HashMap::new()),
                tasks: TaskTracker::new(),
                cancel: CancellationToken::new(),
            }),
        })
    }

    /// Runs a previous process left queued or running can never finish: their transactions died
    /// with it. Call once at start-up, before any trigger.
    pub async fn fail_interrupted_runs(&self) -> Result<usize> {
        let now = Utc::now();
        self.inner.warehouse.with_connection(move |conn| runs::interrupt_unfinished(conn, now)).await
    }

    /// Records a queued run and starts it in the background. The handle resolves to the finished run.
    pub async fn trigger(&self, source: SourceId, trigger: Trigger) -> Result<(IngestRun, JoinHandle<IngestRun>)> {
        let _triggering = self.inner.triggering.lock().await;
        if self.inner.tasks.is_closed() {
            return Err(Error::ShuttingDown);
        }
        if let Some(run_id) = self.running_run(source) {
            return Err(Error::IngestRunning { source_id: source, run_id });
        }
        let requested_at = Utc::now();
        let run =
            self.inner.warehouse.with_connection(move |conn| runs::insert(conn, source, trigger, requested_at)).await?;
        let lock = SourceLock::take(self.inner.clone(), source, run.id);
        let span = tracing::info_span!("ingest", run_id = %run.id, source = %source);
        let this = self.clone();
        let queued = run.clone();
        let handle = self.inner.tasks.spawn(async move { this.execute(run, lock).await }.instrument(span));
        Ok((queued, handle))
    }

    pub fn running_run(&self, source: SourceId) -> Option<RunId> {
        self.inner.running.lock().expect("run lock table").get(&source).copied()
    }

    /// Stops accepting runs and gives the ones under way `grace` to finish; a refresh is usually a
    /// few seconds of work worth keeping. Runs still going after that are cancelled at their next
    /// checkpoint and roll back. Returns whether every run ended before this returned.
    pub async fn shutdown(&self, grace: Duration) -> bool {
        let _triggering = self.inner.triggering.lock().await;
        self.inner.tasks.close();
        if tokio::time::timeout(grace, self.inner.tasks.wait()).await.is_ok() {
            return true;
        }
        tracing::warn!("runs still going after the shutdown grace period; cancelling them");
        self.inner.cancel.cancel();
        tokio::time::timeout(ROLLBACK_WAIT, self.inner.tasks.wait()).await.is_ok()
    }

    async fn execute(&self, mut run: IngestRun, lock: SourceLock) -> IngestRun {
        let warehouse = self.inner.warehouse.clone();
        let started_at = Utc::now();
        run.status = RunStatus::Running;
        run.started_at = Some(started_at);
        let id = run.id;
        if let Err(err) = warehouse.with_connection(move |conn| runs::start(conn, id, started_at)).await {
            tracing::error!(error = %err, "could not record the run's start");
        }
        tracing::info!("run started");

        let context =
            RunContext { run_id: run.id, warehouse: warehouse.clone(), cancel: self.inner.cancel.child_token() };
        let outcome = match run.source {
            SourceId::Top10 => {
                top10::refresh(&context, &self.inner.fetcher, &self.inner.settings, &mut run.files).await
            }
        };

        // Released before the final record is written: whoever sees the run finished may start the next.
        drop(lock);
        let finished_at = Utc::now();
        run.finished_at = Some(finished_at);
        run.duration_ms = Some((finished_at - started_at).num_milliseconds());
        match outcome {
            Ok(version) => {
                run.status = RunStatus::Succeeded;
                run.data_version = Some(version);
            }
            Err(err) => {
                run.status = RunStatus::Failed;
                run.data_version = Some(warehouse.data_version());
                run.error = Some(RunError { code: err.code().to_owned(), message: err.to_string() });
                for file in &mut run.files {
                    if file.status == Some(FileStatus::Loaded) {
                        file.status = Some(FileStatus::RolledBack);
                    }
                }
            }
        }
        let record = run.clone();
        if let Err(err) = warehouse.with_connection(move |conn| runs::finish(conn, &record)).await {
            tracing::error!(error = %err, "could not record the run's end");
        }
        let rows = |f: fn(&crate::domain::FileReport) -> u64| run.files.iter().map(f).sum::<u64>();
        tracing::info!(
            status = run.status.as_str(),
            duration_ms = run.duration_ms,
            data_version = run.data_version,
            rows_read = rows(|f| f.rows_read),
            rows_inserted = rows(|f| f.rows_inserted),
            rows_updated = rows(|f| f.rows_updated),
            rows_rejected = rows(|f| f.rows_rejected),
            error = run.error.as_ref().map(|e| e.message.as_str()),
            "run finished"
        );
        run
    }
}

/// Holds a source's slot in the lock table; released on drop, even if the run's task panics.
struct SourceLock {
    inner: Arc<Inner>,
    source: SourceId,
}

impl SourceLock {
    fn take(inner: Arc<Inner>, source: SourceId, run_id: RunId) -> SourceLock {
        inner.running.lock().expect("run lock table").insert(source, run_id);
        SourceLock { inner, source }
    }
}

impl Drop for SourceLock {
    fn drop(&mut self) {
        self.inner.running.lock().expect("run lock table").remove(&self.source);
    }
}
