use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{RunProgress, SourceId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(example = 42)]
pub struct RunId(pub i64);

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
}

impl RunStatus {
    pub const ACCEPTED: &'static str = "queued, running, succeeded, failed";

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
        }
    }
}

impl FromStr for RunStatus {
    type Err = ();

    fn from_str(text: &str) -> Result<RunStatus, ()> {
        [RunStatus::Queued, RunStatus::Running, RunStatus::Succeeded, RunStatus::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or(())
    }
}

/// Who asked for a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// `POST /v1/ingest/{source}`.
    Http,
    /// `netflix-analytics ingest …`.
    Cli,
    /// The demo profile's first load.
    Demo,
    /// A source's cron schedule, or a scheduled run caught up at start-up.
    Schedule,
    /// A training run started by a Top 10 refresh that changed data (`NA_ML_RETRAIN`).
    Refresh,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Http => "http",
            Trigger::Cli => "cli",
            Trigger::Demo => "demo",
            Trigger::Schedule => "schedule",
            Trigger::Refresh => "refresh",
        }
    }
}

impl FromStr for Trigger {
    type Err = ();

    fn from_str(text: &str) -> Result<Trigger, ()> {
        [Trigger::Http, Trigger::Cli, Trigger::Demo, Trigger::Schedule, Trigger::Refresh]
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or(())
    }
}

/// Why a run failed: the stable error code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunError {
    pub code: String,
    pub message: String,
}

/// One ingestion run as recorded in the warehouse.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IngestRun {
    pub id: RunId,
    #[schema(value_type = String, example = "top10")]
    pub source: SourceId,
    pub trigger: Trigger,
    pub status: RunStatus,
    pub requested_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `finished_at - started_at`, once finished.
    pub duration_ms: Option<i64>,
    /// The warehouse's data version after the run; it only moves when the run changed data.
    pub data_version: Option<u64>,
    /// YouTube runs: quota units spent, retries included.
    pub quota_units: Option<u64>,
    pub error: Option<RunError>,
    pub files: Vec<FileReport>,
    /// Runs of `all`: the source runs it made, in order.
    pub steps: Vec<RunStep>,
    /// While the run is queued or running: what it has done so far. Null once it has finished.
    pub progress: Option<RunProgress>,
}

/// One source run made by a run of `all`; it has its own record.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunStep {
    #[schema(value_type = String, example = "catalog")]
    pub source: SourceId,
    pub run_id: RunId,
    pub status: RunStatus,
    pub error: Option<RunError>,
}

impl IngestRun {
    pub fn new_queued(id: RunId, source: SourceId, trigger: Trigger, requested_at: DateTime<Utc>) -> IngestRun {
        IngestRun {
            id,
            source,
            trigger,
            status: RunStatus::Queued,
            requested_at,
            started_at: None,
            finished_at: None,
            duration_ms: None,
            data_version: None,
            quota_units: None,
            error: None,
            files: Vec::new(),
            steps: Vec::new(),
            progress: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Parsed and written; committed when the run succeeded.
    Loaded,
    /// Byte-identical to the file loaded last time, so nothing was read.
    Unchanged,
    /// Loaded inside the run's transaction, then undone because a later step failed.
    RolledBack,
    /// This file made the run fail.
    Failed,
}

/// What a run did with one upstream file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FileReport {
    pub file: String,
    pub url: String,
    pub status: Option<FileStatus>,
    pub bytes: u64,
    pub sha256: Option<String>,
    pub rows_read: u64,
    pub rows_inserted: u64,
    pub rows_updated: u64,
    pub rows_unchanged: u64,
    pub rows_rejected: u64,
    /// API sources: requests sent, and how many of them were retries.
    #[serde(default)]
    pub requests: Option<u64>,
    #[serde(default)]
    pub retries: Option<u64>,
    /// Anything the reader of the record should know, such as a crawl stopped to respect a quota.
    #[serde(default)]
    pub note: Option<String>,
    /// Columns in the file's header that this version does not know; they were not loaded.
    pub extra_columns: Vec<String>,
    /// The first rejected rows, with the reason.
    pub rejected_sample: Vec<RejectedRow>,
    pub error: Option<String>,
}

impl FileReport {
    /// Marks this file as the one that made the run fail, with the reason; hands the error back.
    pub fn fail<E: std::fmt::Display>(&mut self, err: E) -> E {
        self.status = Some(FileStatus::Failed);
        self.error = Some(err.to_string());
        err
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RejectedRow {
    /// 1-based line number in the file; the header is line 1.
    pub line: u64,
    pub reason: String,
    /// The line as received, cut to 300 characters.
    pub text: String,
}
