//! The one error type of the service. Every failure, whether it ends an HTTP request or an ingestion
//! run, is a variant here with a stable `code()`; `api::error` maps variants to HTTP statuses and run
//! records store the code and message. Messages never contain secrets.

use crate::domain::{RunId, SourceId};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // A request the client can fix.
    #[error("invalid {parameter}: {message}")]
    InvalidParameter { parameter: &'static str, message: String },
    #[error("unknown category {got:?} for the {list} list; accepted: {accepted}")]
    UnknownCategory { got: String, list: &'static str, accepted: String },
    #[error("missing or invalid bearer token")]
    Unauthorized,
    #[error(
        "the answer has {rows} rows, more than the {max_rows} that limit=all returns at once (NA_MAX_ROWS); \
         read it in pages with limit and offset (the Link header and meta.next point to the next page), \
         or narrow the question"
    )]
    AnswerTooLarge { rows: u64, max_rows: u32 },

    // Something the client asked for that the warehouse does not hold.
    #[error("no Top 10 lists for country {code}; countries with data: {accepted}")]
    UnknownCountry { code: String, accepted: String },
    #[error("no {list} Top 10 for week {week}; weeks with data: {first} to {last} (all of them: GET /v1/weeks)")]
    WeekNotFound { list: &'static str, week: String, first: String, last: String },
    #[error("the warehouse holds no {what} yet; load it with POST /v1/ingest/top10")]
    NoData { what: &'static str },
    #[error("ingestion run {0} does not exist")]
    RunNotFound(RunId),
    #[error("title {0} does not exist; find titles with GET /v1/titles?q=")]
    TitleNotFound(i64),
    #[error("model {0} does not exist; GET /v1/ml/models lists them")]
    ModelNotFound(i64),
    #[error("no forecast model has been trained yet; train one with POST /v1/ml/train")]
    NoModel,
    #[error(
        "title {0} has no catalog metadata and never charted on a country list, so nothing can be said \
         to be like it"
    )]
    NoSimilarityBasis(i64),
    #[error("no title is named {name:?}; find titles with GET /v1/titles?q=")]
    UnknownTitle { name: String },
    #[error("unknown source {got:?}; accepted: {accepted}", accepted = SourceId::ACCEPTED)]
    UnknownSource { got: String },
    #[error("no endpoint {method} {path}; the API is described at /openapi.json and /docs")]
    RouteNotFound { method: String, path: String },
    #[error("{method} is not allowed on {path}")]
    MethodNotAllowed { method: String, path: String },

    // State conflicts.
    #[error("a {source_id} run is already running (run {run_id}, GET /v1/ingest/runs/{run_id})")]
    IngestRunning { source_id: SourceId, run_id: RunId },
    #[error("the service is shutting down and accepts no new runs")]
    ShuttingDown,
    #[error("the request took longer than NA_REQUEST_TIMEOUT_SECS allows and was abandoned")]
    Timeout,
    #[error("the question was abandoned before it was answered")]
    Abandoned,
    #[error("the service is at its limit of {limit} requests in flight (NA_MAX_IN_FLIGHT); retry shortly")]
    Overloaded { limit: usize },
    #[error(
        "too many requests to {what} from this client; at most {per_minute} a minute, retry in {retry_after_secs} s"
    )]
    RateLimited { what: &'static str, per_minute: u32, retry_after_secs: u64 },

    // Ingestion failures; they end a run and are recorded with it.
    #[error("downloading {url} failed: {reason}")]
    Download { url: String, reason: String },
    #[error("{url} answered HTTP {status}{}", gave_up(*attempts))]
    UpstreamStatus { url: String, status: u16, attempts: u32 },
    #[error(
        "{url} is larger than {limit} bytes, the limit NA_MAX_DOWNLOAD_BYTES sets; raise it if the feed \
         really grew that much"
    )]
    DownloadTooLarge { url: String, limit: u64 },
    #[error("{file} is not a usable Top 10 file: {reason}")]
    InvalidFile { file: String, reason: String },
    #[error(
        "{file}: {rejected} of {read} rows failed validation, over the limit of {limit_percent}% \
         (NA_MAX_REJECT_RATIO); first: {first}"
    )]
    TooManyRejected { file: String, rejected: u64, read: u64, limit_percent: f64, first: String },
    #[error("{variable} is not set; this source cannot be reached without it")]
    MissingApiKey { variable: &'static str },
    #[error("the {api} API refused the request (HTTP {status}): {message}; {hint}")]
    ApiRefused { api: &'static str, status: u16, message: String, hint: &'static str },
    #[error("the {api} API quota is used up: {message}")]
    QuotaExhausted { api: &'static str, message: String },
    #[error("{call} answered something that is not the API's format: {reason}")]
    InvalidResponse { call: String, reason: String },
    #[error("some sources failed: {failed}; the others committed")]
    StepsFailed { failed: String },
    #[error("cancelled: the service is shutting down; the run's transaction was rolled back")]
    Cancelled,
    #[error("interrupted: the service stopped before the run finished; nothing it loaded was kept")]
    Interrupted,
    #[error(
        "the warehouse holds too little Top 10 history to train on: a forecast needs weeks in which \
         some entries stayed on the list and some left"
    )]
    NotEnoughHistory,

    // Backups and restores.
    #[error("{path} is not empty; {hint}")]
    TargetNotEmpty { path: String, hint: &'static str },
    #[error("{path} is not a backup this build can restore: {reason}")]
    InvalidBackup { path: String, reason: String },
    #[error("a backup is being written already; try again when it has finished")]
    BackupRunning,
    #[error("backup or restore at {path} failed: {reason}")]
    BackupFailed { path: String, reason: String },
    #[error("publishing the read-only copy into {path} failed: {reason}")]
    PublishFailed { path: String, reason: String },

    // Start-up.
    #[error(
        "migration {name} was changed after it was applied to this warehouse (checksum {applied} applied, \
         {current} now); migrations are append-only: restore the file and add a new migration instead"
    )]
    MigrationChanged { name: String, applied: String, current: String },
    #[error(
        "the warehouse has migration {version} ({name}), which this build does not know; it was written by a newer version"
    )]
    UnknownMigration { version: i64, name: String },
    #[error("cannot open the warehouse at {path}: {reason}")]
    WarehouseOpen { path: String, reason: String },
    #[error("the lake's schema does not match this build: {reason}")]
    LakeSchema { reason: String },
    #[error(
        "this process is a read replica (NA_ROLE=reader): ingestion, training and backups run on the writer \
         (NA_ROLE=writer or all)"
    )]
    ReadReplica,

    // The language model behind `/v1/ask`.
    #[error(
        "no language model is configured; set NA_LLM_BASE_URL and NA_LLM_MODEL (and NA_LLM_API_KEY for a hosted \
         API) to use /v1/ask"
    )]
    LlmNotConfigured,
    #[error("the language model failed: {reason}")]
    LlmFailed { reason: String },
    #[error("the language model's output could not be used: {reason}")]
    LlmMalformedOutput { reason: String },
    #[error("there is no tool {name:?}; accepted: {accepted}")]
    UnknownTool { name: String, accepted: String },

    // Our fault; details go to the log, not to clients.
    #[error("warehouse error: {0}")]
    Warehouse(#[from] duckdb::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Stable identifiers: they appear in the OpenAPI spec, in HTTP bodies and in run records.
    /// Never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidParameter { .. } => "invalid_parameter",
            Error::UnknownCategory { .. } => "unknown_category",
            Error::Unauthorized => "unauthorized",
            Error::AnswerTooLarge { .. } => "answer_too_large",
            Error::UnknownCountry { .. } => "unknown_country",
            Error::WeekNotFound { .. } => "week_not_found",
            Error::NoData { .. } => "no_data",
            Error::RunNotFound(_) => "run_not_found",
            Error::TitleNotFound(_) | Error::UnknownTitle { .. } => "title_not_found",
            Error::ModelNotFound(_) => "model_not_found",
            Error::NoModel => "no_model",
            Error::NoSimilarityBasis(_) => "no_similarity_basis",
            Error::UnknownSource { .. } => "unknown_source",
            Error::RouteNotFound { .. } => "not_found",
            Error::MethodNotAllowed { .. } => "method_not_allowed",
            Error::IngestRunning { .. } => "ingest_running",
            Error::ShuttingDown => "shutting_down",
            Error::Timeout => "timeout",
            Error::Abandoned => "abandoned",
            Error::Overloaded { .. } => "overloaded",
            Error::RateLimited { .. } => "rate_limited",
            Error::Download { .. } => "download_failed",
            Error::UpstreamStatus { .. } => "upstream_status",
            Error::DownloadTooLarge { .. } => "download_too_large",
            Error::InvalidFile { .. } => "invalid_file",
            Error::TooManyRejected { .. } => "too_many_rejected_rows",
            Error::MissingApiKey { .. } => "missing_api_key",
            Error::ApiRefused { .. } => "api_refused",
            Error::QuotaExhausted { .. } => "quota_exhausted",
            Error::InvalidResponse { .. } => "invalid_response",
            Error::StepsFailed { .. } => "steps_failed",
            Error::Cancelled => "cancelled",
            Error::Interrupted => "interrupted",
            Error::NotEnoughHistory => "not_enough_history",
            Error::TargetNotEmpty { .. } => "target_not_empty",
            Error::InvalidBackup { .. } => "invalid_backup",
            Error::BackupRunning => "backup_running",
            Error::BackupFailed { .. } => "backup_failed",
            Error::PublishFailed { .. } => "publish_failed",
            Error::MigrationChanged { .. } => "migration_changed",
            Error::UnknownMigration { .. } => "unknown_migration",
            Error::WarehouseOpen { .. } => "warehouse_open",
            Error::LakeSchema { .. } => "lake_schema",
            Error::ReadReplica => "read_replica",
            Error::LlmNotConfigured => "llm_not_configured",
            Error::LlmFailed { .. } => "llm_failed",
            Error::LlmMalformedOutput { .. } => "llm_malformed_output",
            Error::UnknownTool { .. } => "unknown_tool",
            Error::Warehouse(_) => "warehouse",
            Error::Internal(_) => "internal",
        }
    }

    pub fn invalid(parameter: &'static str, message: impl Into<String>) -> Error {
        Error::InvalidParameter { parameter, message: message.into() }
    }
}

fn gave_up(attempts: u32) -> String {
    if attempts > 1 { format!("; gave up after {attempts} attempts") } else { String::new() }
}

impl From<tokio::task::JoinError> for Error {
    fn from(err: tokio::task::JoinError) -> Error {
        Error::Internal(format!("background task failed: {err}"))
    }
}
