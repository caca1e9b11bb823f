//! Configuration: `NA_*` environment variables, optionally a TOML file (`NA_CONFIG` or `--config`)
//! whose keys are the same names in lower case without the prefix (`listen = "0.0.0.0:8080"`). The
//! environment wins over the file, the file over the defaults. Everything is parsed and validated
//! once, here; an invalid value stops start-up with a message naming the variable and what it accepts.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::warehouse::lake::{LakeSettings, S3Settings, UrlStyle};

pub const DEFAULT_TOP10_BASE_URL: &str = "https://www.netflix.com/tudum/top10/data";
pub const DEFAULT_CATALOG_BASE_URL: &str = "https://streaming-availability.p.rapidapi.com";
pub const DEFAULT_YOUTUBE_BASE_URL: &str = "https://www.googleapis.com/youtube/v3";
pub const NETFLIX_CHANNEL_ID: &str = "UCWOA1ZGywLbqmigxE4Qlvuw";

#[derive(Debug, Clone)]
pub struct Config {
    /// `NA_LISTEN`: the address the HTTP server binds.
    pub listen: SocketAddr,
    /// `NA_WAREHOUSE`: the DuckDB file; with a lake (`NA_WAREHOUSE=ducklake:postgres:…`) the writer's
    /// own file, `NA_LAKE_WORK_FILE`.
    pub warehouse: PathBuf,
    /// `NA_WAREHOUSE=ducklake:postgres:<libpq connection string>` with `NA_LAKE_DATA_PATH`, `NA_S3_*`
    /// and `NA_DUCKDB_EXTENSION_DIR`: the warehouse shared through DuckLake.
    pub lake: Option<LakeSettings>,
    /// `NA_ROLE`: what this process does; a reader needs a lake.
    pub role: Role,
    /// `NA_LAKE_POLL_SECS`: how often a reader looks for a new lake snapshot.
    pub lake_poll: Duration,
    /// `NA_PUBLISH_DIR`: a read-only Parquet copy of the marts, renewed after every refresh.
    pub publish_dir: Option<PathBuf>,
    /// `NA_ADMIN_TOKEN`: bearer token for the ingestion triggers; generated at start when unset.
    pub admin_token: Option<SecretString>,
    /// `NA_TOP10_BASE_URL`: the three Top 10 files are read from under it (`http(s)://` or `file://`).
    pub top10_base_url: Url,
    /// `NA_LOG_FORMAT`.
    pub log_format: LogFormat,
    /// `NA_HTTP_TIMEOUT_SECS`: a whole download, connection to last byte.
    pub http_timeout: Duration,
    /// `NA_MAX_DOWNLOAD_BYTES`: a download (`http(s)://` or `file://`) larger than this fails the run.
    pub max_download_bytes: u64,
    /// `NA_MAX_REJECT_RATIO`: the share of a file's rows that may fail validation before the run fails.
    pub max_reject_ratio: f64,
    /// `NA_MAX_CONCURRENT_QUERIES`: warehouse queries running at once; more wait their turn.
    pub max_concurrent_queries: usize,
    /// `NA_REQUEST_TIMEOUT_SECS`: an HTTP request taking longer is answered 408.
    pub request_timeout: Duration,
    /// `NA_SHUTDOWN_GRACE_SECS`: how long shutdown waits for a running ingestion to commit or roll back.
    pub shutdown_grace: Duration,
    /// `NA_MAX_IN_FLIGHT`: requests served at once; more are answered `503` with `Retry-After`.
    pub max_in_flight: usize,
    /// `NA_HEADER_READ_TIMEOUT_SECS`: a connection that has not sent a request's headers by then is
    /// closed.
    pub header_read_timeout: Duration,
    /// `NA_DRAIN_SECS`: on shutdown, how long open connections may finish before they are closed.
    pub drain: Duration,
    /// `NA_TRIGGER_RATE_PER_MINUTE`: ingestion triggers one client may send a minute.
    pub trigger_rate_per_minute: u32,
    /// `NA_DEMO`: serve the bundled sample feeds (see `demo`).
    pub demo: bool,
    /// `NA_CACHE_MAX_BYTES`: memory for cached query responses; 0 turns the cache off.
    pub cache_max_bytes: u64,
    /// `NA_CACHE_MAX_AGE_SECS`: `Cache-Control: max-age` of query responses.
    pub cache_max_age: Duration,
    /// `NA_MAX_ROWS`: the most rows a query endpoint returns for `limit=all`; a longer answer is
    /// refused with `answer_too_large`, to be read in pages.
    pub max_rows: u32,
    /// `NA_CORS_ALLOWED_ORIGINS`: browser origins (`https://dash.example.com`, exact, comma-separated)
    /// allowed to read the API cross-origin; empty (the default) allows none.
    pub cors_allowed_origins: Vec<String>,
    /// `NA_HTTP_MAX_RETRIES`: attempts after the first for a throttled or failing API request.
    pub max_retries: u32,
    /// `NA_HTTP_RETRY_BASE_MS`: the first backoff; it doubles with each retry, with jitter.
    pub retry_base: Duration,
    /// `NA_BACKUP_DIR`: where `POST /v1/admin/backup` writes, one new timestamped folder a backup.
    pub backup_dir: PathBuf,
    /// `NA_BACKUP_KEEP`: how many of those backups to keep, the oldest removed first; 0 keeps all.
    pub backup_keep: usize,
    /// `NA_ML_RETRAIN`: train the forecast model again after every Top 10 refresh that changed data.
    pub ml_retrain: bool,
    pub catalog: CatalogConfig,
    pub youtube: YouTubeConfig,
    pub schedule: ScheduleConfig,
    pub llm: LlmConfig,
}

/// The language model behind `POST /v1/ask`: any OpenAI-compatible chat-completions API.
#[derive(Debug, Clone)]
pub struct LlmConfig {
    /// `NA_LLM_BASE_URL`, e.g. `https://api.openai.com/v1/`; `/ask` answers 503 without it.
    pub base_url: Option<Url>,
    /// `NA_LLM_MODEL`; `/ask` answers 503 without it.
    pub model: Option<String>,
    /// `NA_LLM_API_KEY`, sent as a bearer token; local servers need none.
    pub api_key: Option<SecretString>,
    /// `NA_LLM_TOOL_MODE`.
    pub tool_mode: ToolMode,
    /// `NA_LLM_TIMEOUT_SECS`: one model call, connection to last byte.
    pub timeout: Duration,
    /// `NA_LLM_MAX_RETRIES`: attempts after the first for a throttled, failing or timed-out call.
    pub max_retries: u32,
    /// `NA_LLM_MAX_TOOL_CALLS`: tool calls one question may make; a request may ask for fewer.
    pub max_tool_calls: u32,
    /// `NA_LLM_MAX_TOKENS`: prompt and completion tokens one question may spend, all calls together.
    pub max_tokens: u64,
    /// `NA_LLM_BUDGET_SECS`: how long one question may take, all calls together.
    pub budget: Duration,
    /// `NA_LLM_MAX_ROWS`: rows of each tool result shown to the model.
    pub max_rows: usize,
}

/// How the model is offered the tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolMode {
    /// The API's own `tools` and `tool_calls`.
    Native,
    /// `response_format` with a JSON schema of every allowed step, for models without tool calling.
    Json,
}

impl ToolMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ToolMode::Native => "native",
            ToolMode::Json => "json",
        }
    }
}

/// The Streaming Availability API.
#[derive(Debug, Clone)]
pub struct CatalogConfig {
    /// `NA_CATALOG_BASE_URL`.
    pub base_url: Url,
    /// `NA_RAPIDAPI_KEY`; a catalog run without it fails at once, naming the variable.
    pub api_key: Option<SecretString>,
    /// `NA_CATALOG_COUNTRY`: the Netflix catalog of this country, ISO 3166-1 alpha-2.
    pub country: String,
    /// `NA_CATALOG_REQUESTS_PER_SEC`: pacing; the free plan allows about one.
    pub requests_per_sec: f64,
    /// `NA_CATALOG_BACKFILL_FROM`: the first release year a backfill asks for.
    pub backfill_from: i32,
    /// `NA_CATALOG_INCREMENTAL_YEARS`: a daily run asks for this many most recent release years.
    pub incremental_years: i32,
}

/// The YouTube Data API v3.
#[derive(Debug, Clone)]
pub struct YouTubeConfig {
    /// `NA_YOUTUBE_BASE_URL`.
    pub base_url: Url,
    /// `NA_YOUTUBE_API_KEY`; a YouTube run without it fails at once, naming the variable.
    pub api_key: Option<SecretString>,
    /// `NA_YOUTUBE_CHANNEL_ID`.
    pub channel_id: String,
    /// `NA_YOUTUBE_DAILY_QUOTA`: units a day (Pacific time) the runs may spend together.
    pub daily_quota: u64,
    /// `NA_YOUTUBE_COMMENTS`: also fetch each video's top comments (one unit per video).
    pub comments: bool,
    /// `NA_YOUTUBE_REGION`: region for category names.
    pub region: String,
}

/// When sources refresh on their own.
#[derive(Debug, Clone)]
pub struct ScheduleConfig {
    /// `NA_SCHEDULE_TIMEZONE`: the zone the cron expressions are read in.
    pub timezone: chrono_tz::Tz,
    /// `NA_SCHEDULE_TOP10`, `NA_SCHEDULE_CATALOG`, `NA_SCHEDULE_YOUTUBE`; `None` when off
    /// (`NA_SCHEDULE=off` turns all three off).
    pub top10: Option<croner::Cron>,
    pub catalog: Option<croner::Cron>,
    pub youtube: Option<croner::Cron>,
}

/// `NA_ROLE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Serves queries, ingests, trains: one machine.
    All,
    /// Ingests, trains and publishes to the lake (and serves queries from its own file).
    Writer,
    /// Serves queries from the lake; refuses triggers.
    Reader,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("invalid {name}={got:?}: {accepted}")]
    Invalid { name: &'static str, got: String, accepted: &'static str },
    /// For secrets: the value is never repeated.
    #[error("invalid {name}: {accepted}")]
    InvalidSecret { name: &'static str, accepted: &'static str },
    #[error("cannot read the configuration file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("unknown key {key:?} in the configuration file {path}; accepted keys: {accepted}")]
    UnknownKey { key: String, path: String, accepted: String },
}

/// Every variable, with its default; the TOML key is the name without `NA_`, lower-cased.
const VARIABLES: &[(&str, Option<&str>)] = &[
    ("NA_LISTEN", Some("127.0.0.1:8080")),
    ("NA_WAREHOUSE", Some("./data/warehouse.duckdb")),
    ("NA_ROLE", Some("all")),
    ("NA_LAKE_WORK_FILE", Some("./data/lake-writer.duckdb")),
    ("NA_LAKE_DATA_PATH", None),
    ("NA_LAKE_POLL_SECS", Some("5")),
    ("NA_S3_ENDPOINT", None),
    ("NA_S3_REGION", Some("us-east-1")),
    ("NA_S3_ACCESS_KEY_ID", None),
    ("NA_S3_SECRET_ACCESS_KEY", None),
    ("NA_S3_URL_STYLE", Some("vhost")),
    ("NA_DUCKDB_EXTENSION_DIR", None),
    ("NA_PUBLISH_DIR", None),
    ("NA_ADMIN_TOKEN", None),
    ("NA_TOP10_BASE_URL", Some(DEFAULT_TOP10_BASE_URL)),
    ("NA_LOG_FORMAT", Some("text")),
    ("NA_HTTP_TIMEOUT_SECS", Some("300")),
    ("NA_MAX_DOWNLOAD_BYTES", Some("1073741824")),
    ("NA_MAX_REJECT_RATIO", Some("0.01")),
    ("NA_MAX_CONCURRENT_QUERIES", Some("8")),
    ("NA_REQUEST_TIMEOUT_SECS", Some("30")),
    ("NA_SHUTDOWN_GRACE_SECS", Some("60")),
    ("NA_MAX_IN_FLIGHT", Some("256")),
    ("NA_HEADER_READ_TIMEOUT_SECS", Some("10")),
    ("NA_DRAIN_SECS", Some("10")),
    ("NA_TRIGGER_RATE_PER_MINUTE", Some("10")),
    ("NA_DEMO", Some("false")),
    ("NA_CACHE_MAX_BYTES", Some("67108864")),
    ("NA_CACHE_MAX_AGE_SECS", Some("60")),
    ("NA_MAX_ROWS", Some("100000")),
    ("NA_CORS_ALLOWED_ORIGINS", Some("")),
    ("NA_HTTP_MAX_RETRIES", Some("5")),
    ("NA_HTTP_RETRY_BASE_MS", Some("1000")),
    ("NA_BACKUP_DIR", Some("./data/backups")),
    ("NA_BACKUP_KEEP", Some("0")),
    ("NA_ML_RETRAIN", Some("off")),
    ("NA_CATALOG_BASE_URL", Some(DEFAULT_CATALOG_BASE_URL)),
    ("NA_RAPIDAPI_KEY", None),
    ("NA_CATALOG_COUNTRY", Some("us")),
    ("NA_CATALOG_REQUESTS_PER_SEC", Some("1")),
    ("NA_CATALOG_BACKFILL_FROM", Some("1920")),
    ("NA_CATALOG_INCREMENTAL_YEARS", Some("2")),
    ("NA_YOUTUBE_BASE_URL", Some(DEFAULT_YOUTUBE_BASE_URL)),
    ("NA_YOUTUBE_API_KEY", None),
    ("NA_YOUTUBE_CHANNEL_ID", Some(NETFLIX_CHANNEL_ID)),
    ("NA_YOUTUBE_DAILY_QUOTA", Some("10000")),
    ("NA_YOUTUBE_COMMENTS", Some("false")),
    ("NA_YOUTUBE_REGION", Some("US")),
    ("NA_SCHEDULE", Some("on")),
    ("NA_SCHEDULE_TIMEZONE", Some("America/Los_Angeles")),
    // Netflix publishes on Tuesdays for the week that ended on Sunday.
    ("NA_SCHEDULE_TOP10", Some("0 18 * * TUE")),
    ("NA_SCHEDULE_CATALOG", Some("30 3 * * *")),
    ("NA_SCHEDULE_YOUTUBE", Some("0 5 * * *")),
    ("NA_LLM_BASE_URL", None),
    ("NA_LLM_MODEL", None),
    ("NA_LLM_API_KEY", None),
    ("NA_LLM_TOOL_MODE", Some("native")),
    ("NA_LLM_TIMEOUT_SECS", Some("60")),
    ("NA_LLM_MAX_RETRIES", Some("2")),
    ("NA_LLM_MAX_TOOL_CALLS", Some("6")),
    ("NA_LLM_MAX_TOKENS", Some("32000")),
    // Under NA_REQUEST_TIMEOUT_SECS' default, so a question over budget still gets its partial answer.
    ("NA_LLM_BUDGET_SECS", Some("25")),
    ("NA_LLM_MAX_ROWS", Some("20")),
];

/// Where the demo profile keeps its warehouse unless `NA_WAREHOUSE` says otherwise, so sample data
/// never mixes with real data.
const DEMO_WAREHOUSE: &str = "./data/demo.duckdb";

impl Config {
    /// Reads the process environment and, when `NA_CONFIG` or `file` names one, a TOML file.
    /// `demo` forces the demo profile on, as `--demo` does.
    pub fn load(file: Option<&Path>, demo: bool) -> Result<Config, ConfigError> {
        let env = |name: &str| {
            if demo && name == "NA_DEMO" {
                return Some("true".to_owned());
            }
            std::env::var(name).ok().filter(|v| !v.is_empty())
        };
        let file = file.map(Path::to_path_buf).or_else(|| env("NA_CONFIG").map(PathBuf::from));
        let from_file = match file {
            Some(path) => read_file(&path)?,
            None => BTreeMap::new(),
        };
        Config::from_lookup(|name| env(name).or_else(|| from_file.get(name).cloned()))
    }

    /// Builds the configuration from any source of `NA_*` values; tests use this instead of
    /// touching the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get =
            |name: &'static str| -> Option<String> { lookup(name).or_else(|| default_of(name).map(str::to_owned)) };
        let demo = parse_bool("NA_DEMO", get("NA_DEMO"))?;
        let lake = parse_lake(&get, &lookup)?;
        let warehouse = match lookup("NA_WAREHOUSE") {
            _ if lake.is_some() => PathBuf::from(get("NA_LAKE_WORK_FILE").expect("has a default")),
            Some(path) => PathBuf::from(path),
            None if demo => PathBuf::from(DEMO_WAREHOUSE),
            None => PathBuf::from(get("NA_WAREHOUSE").expect("has a default")),
        };
        let role = parse_role(get("NA_ROLE"), lake.is_some())?;
        Ok(Config {
            listen: parse("NA_LISTEN", get("NA_LISTEN"), "expected host:port, e.g. 127.0.0.1:8080")?,
            warehouse,
            lake,
            role,
            publish_dir: lookup("NA_PUBLISH_DIR").map(PathBuf::from),
            lake_poll: Duration::from_secs(
                parse_count_from("NA_LAKE_POLL_SECS", get("NA_LAKE_POLL_SECS"), 1, 3600)? as u64
            ),
            admin_token: parse_token(lookup("NA_ADMIN_TOKEN"))?,
            top10_base_url: parse_base_url("NA_TOP10_BASE_URL", get("NA_TOP10_BASE_URL"))?,
            log_format: parse_log_format(get("NA_LOG_FORMAT"))?,
            http_timeout: parse_secs("NA_HTTP_TIMEOUT_SECS", get("NA_HTTP_TIMEOUT_SECS"))?,
            max_download_bytes: parse_count_from("NA_MAX_DOWNLOAD_BYTES", get("NA_MAX_DOWNLOAD_BYTES"), 1, 1 << 40)?
                as u64,
            max_reject_ratio: parse_ratio("NA_MAX_REJECT_RATIO", get("NA_MAX_REJECT_RATIO"))?,
            max_concurrent_queries: parse_count("NA_MAX_CONCURRENT_QUERIES", get("NA_MAX_CONCURRENT_QUERIES"))?,
            request_timeout: parse_secs("NA_REQUEST_TIMEOUT_SECS", get("NA_REQUEST_TIMEOUT_SECS"))?,
            shutdown_grace: parse_secs("NA_SHUTDOWN_GRACE_SECS", get("NA_SHUTDOWN_GRACE_SECS"))?,
            max_in_flight: parse_count_from("NA_MAX_IN_FLIGHT", get("NA_MAX_IN_FLIGHT"), 1, 100_000)? as usize,
            header_read_timeout: parse_secs("NA_HEADER_READ_TIMEOUT_SECS", get("NA_HEADER_READ_TIMEOUT_SECS"))?,
            drain: parse_secs("NA_DRAIN_SECS", get("NA_DRAIN_SECS"))?,
            trigger_rate_per_minute: parse_count_from(
                "NA_TRIGGER_RATE_PER_MINUTE",
                get("NA_TRIGGER_RATE_PER_MINUTE"),
                1,
                10_000,
            )? as u32,
            demo,
            cache_max_bytes: parse_count_from("NA_CACHE_MAX_BYTES", get("NA_CACHE_MAX_BYTES"), 0, 1 << 40)? as u64,
            cache_max_age: Duration::from_secs(parse_count_from(
                "NA_CACHE_MAX_AGE_SECS",
                get("NA_CACHE_MAX_AGE_SECS"),
                0,
                31_536_000,
            )? as u64),
            max_rows: parse_count_from("NA_MAX_ROWS", get("NA_MAX_ROWS"), 1, 10_000_000)? as u32,
            cors_allowed_origins: parse_origins(get("NA_CORS_ALLOWED_ORIGINS"))?,
            max_retries: parse_count_from("NA_HTTP_MAX_RETRIES", get("NA_HTTP_MAX_RETRIES"), 0, 20)? as u32,
            retry_base: Duration::from_millis(parse_count_from(
                "NA_HTTP_RETRY_BASE_MS",
                get("NA_HTTP_RETRY_BASE_MS"),
                1,
                600_000,
            )? as u64),
            backup_dir: parse_dir("NA_BACKUP_DIR", get("NA_BACKUP_DIR"))?,
            backup_keep: parse_count_from("NA_BACKUP_KEEP", get("NA_BACKUP_KEEP"), 0, 10_000)? as usize,
            ml_retrain: parse_bool("NA_ML_RETRAIN", get("NA_ML_RETRAIN"))?,
            catalog: CatalogConfig {
                base_url: parse_base_url("NA_CATALOG_BASE_URL", get("NA_CATALOG_BASE_URL"))?,
                api_key: parse_api_key("NA_RAPIDAPI_KEY", lookup("NA_RAPIDAPI_KEY"))?,
                country: parse_country("NA_CATALOG_COUNTRY", get("NA_CATALOG_COUNTRY"))?.to_ascii_lowercase(),
                requests_per_sec: parse_rate("NA_CATALOG_REQUESTS_PER_SEC", get("NA_CATALOG_REQUESTS_PER_SEC"))?,
                backfill_from: parse_count_from(
                    "NA_CATALOG_BACKFILL_FROM",
                    get("NA_CATALOG_BACKFILL_FROM"),
                    1880,
                    2100,
                )? as i32,
                incremental_years: parse_count_from(
                    "NA_CATALOG_INCREMENTAL_YEARS",
                    get("NA_CATALOG_INCREMENTAL_YEARS"),
                    1,
                    50,
                )? as i32,
            },
            youtube: YouTubeConfig {
                base_url: parse_base_url("NA_YOUTUBE_BASE_URL", get("NA_YOUTUBE_BASE_URL"))?,
                api_key: parse_api_key("NA_YOUTUBE_API_KEY", lookup("NA_YOUTUBE_API_KEY"))?,
                channel_id: parse_channel(get("NA_YOUTUBE_CHANNEL_ID"))?,
                daily_quota: parse_count_from("NA_YOUTUBE_DAILY_QUOTA", get("NA_YOUTUBE_DAILY_QUOTA"), 1, 100_000_000)?
                    as u64,
                comments: parse_bool("NA_YOUTUBE_COMMENTS", get("NA_YOUTUBE_COMMENTS"))?,
                region: parse_country("NA_YOUTUBE_REGION", get("NA_YOUTUBE_REGION"))?,
            },
            schedule: parse_schedule(&get)?,
            llm: parse_llm(&get, &lookup)?,
        })
    }

    /// The defaults, as if no variable were set.
    pub fn defaults() -> Config {
        Config::from_lookup(|_| None).expect("the defaults are valid")
    }
}

fn default_of(name: &str) -> Option<&'static str> {
    VARIABLES.iter().find(|(n, _)| *n == name).and_then(|(_, d)| *d)
}

fn read_file(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let file_error = |reason: String| ConfigError::File { path: path.display().to_string(), reason };
    let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| file_error(e.message().to_owned()))?;
    let mut values = BTreeMap::new();
    for (key, value) in table {
        let name = format!("NA_{}", key.to_ascii_uppercase());
        if !VARIABLES.iter().any(|(n, _)| *n == name) {
            let accepted = VARIABLES.iter().map(|(n, _)| n[3..].to_ascii_lowercase()).collect::<Vec<_>>().join(", ");
            return Err(ConfigError::UnknownKey { key, path: path.display().to_string(), accepted });
        }
        let text = match value {
            toml::Value::String(s) => s,
            other => other.to_string(),
        };
        values.insert(name, text);
    }
    Ok(values)
}

fn parse<T: FromStr>(name: &'static str, raw: Option<String>, accepted: &'static str) -> Result<T, ConfigError> {
    let raw = raw.unwrap_or_default();
    raw.trim().parse().map_err(|_| ConfigError::Invalid { name, got: raw, accepted })
}

fn parse_bool(name: &'static str, raw: Option<String>) -> Result<bool, ConfigError> {
    let raw = raw.unwrap_or_default();
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Invalid { name, got: raw, accepted: "accepted values: true, false" }),
    }
}

fn parse_log_format(raw: Option<String>) -> Result<LogFormat, ConfigError> {
    let raw = raw.unwrap_or_default();
    match raw.trim().to_ascii_lowercase().as_str() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err(ConfigError::Invalid { name: "NA_LOG_FORMAT", got: raw, accepted: "accepted values: text, json" }),
    }
}

fn parse_secs(name: &'static str, raw: Option<String>) -> Result<Duration, ConfigError> {
    let secs: u64 = parse(name, raw.clone(), "expected a whole number of seconds, at least 1")?;
    if secs == 0 {
        return Err(ConfigError::Invalid {
            name,
            got: raw.unwrap_or_default(),
            accepted: "expected a whole number of seconds, at least 1",
        });
    }
    Ok(Duration::from_secs(secs))
}

fn parse_count(name: &'static str, raw: Option<String>) -> Result<usize, ConfigError> {
    const ACCEPTED: &str = "expected a whole number from 1 to 1024";
    let count: usize = parse(name, raw.clone(), ACCEPTED)?;
    if !(1..=1024).contains(&count) {
        return Err(ConfigError::Invalid { name, got: raw.unwrap_or_default(), accepted: ACCEPTED });
    }
    Ok(count)
}

fn parse_ratio(name: &'static str, raw: Option<String>) -> Result<f64, ConfigError> {
    const ACCEPTED: &str = "expected a fraction from 0 to 1, e.g. 0.01 for 1%";
    let ratio: f64 = parse(name, raw.clone(), ACCEPTED)?;
    if !(0.0..=1.0).contains(&ratio) {
        return Err(ConfigError::Invalid { name, got: raw.unwrap_or_default(), accepted: ACCEPTED });
    }
    Ok(ratio)
}

fn parse_base_url(name: &'static str, raw: Option<String>) -> Result<Url, ConfigError> {
    const ACCEPTED: &str = "expected an absolute http://, https:// or file:// URL";
    let raw = raw.unwrap_or_default();
    let invalid = || {
        // `user:pass@` would repeat a password in the start-up error.
        if raw.contains('@') {
            ConfigError::InvalidSecret { name, accepted: ACCEPTED }
        } else {
            ConfigError::Invalid { name, got: raw.clone(), accepted: ACCEPTED }
        }
    };
    let mut url = Url::parse(raw.trim()).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https" | "file") || url.cannot_be_a_base() {
        return Err(invalid());
    }
    // Files are joined onto the base; without the trailing slash `join` would replace the last segment.
    if !url.path().ends_with('/') {
        url.set_path(&format!("{}/", url.path()));
    }
    Ok(url)
}

fn parse_count_from(name: &'static str, raw: Option<String>, min: i64, max: i64) -> Result<i64, ConfigError> {
    let invalid = || ConfigError::Invalid {
        name,
        got: raw.clone().unwrap_or_default(),
        accepted: "expected a whole number in the documented range (see the README)",
    };
    let value: i64 = raw.as_deref().unwrap_or_default().trim().parse().map_err(|_| invalid())?;
    if (min..=max).contains(&value) { Ok(value) } else { Err(invalid()) }
}

fn parse_dir(name: &'static str, raw: Option<String>) -> Result<PathBuf, ConfigError> {
    match raw {
        Some(dir) if !dir.trim().is_empty() => Ok(PathBuf::from(dir)),
        other => {
            Err(ConfigError::Invalid { name, got: other.unwrap_or_default(), accepted: "expected a directory path" })
        }
    }
}

/// The pacer waits `1 / rate` seconds between requests: the bounds keep that wait representable and
/// useful (one request every 1000 s at the slowest).
fn parse_rate(name: &'static str, raw: Option<String>) -> Result<f64, ConfigError> {
    const ACCEPTED: &str = "expected requests per second from 0.001 to 1000, e.g. 1 or 0.5";
    let rate: f64 = parse(name, raw.clone(), ACCEPTED)?;
    if (0.001..=1000.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(ConfigError::Invalid { name, got: raw.unwrap_or_default(), accepted: ACCEPTED })
    }
}

fn parse_country(name: &'static str, raw: Option<String>) -> Result<String, ConfigError> {
    let raw = raw.unwrap_or_default();
    crate::domain::CountryCode::parse(raw.trim()).map(|c| c.to_string()).ok_or(ConfigError::Invalid {
        name,
        got: raw,
        accepted: "expected an ISO 3166-1 alpha-2 country code, e.g. us",
    })
}

fn parse_channel(raw: Option<String>) -> Result<String, ConfigError> {
    let raw = raw.unwrap_or_default();
    let valid = raw.len() == 24
        && raw.starts_with("UC")
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(raw)
    } else {
        Err(ConfigError::Invalid {
            name: "NA_YOUTUBE_CHANNEL_ID",
            got: raw,
            accepted: "expected a channel id: UC followed by 22 letters, digits, - or _",
        })
    }
}

fn parse_api_key(name: &'static str, raw: Option<String>) -> Result<Option<SecretString>, ConfigError> {
    match raw {
        None => Ok(None),
        Some(key) if !key.trim().is_empty() && !key.chars().any(char::is_whitespace) => {
            Ok(Some(SecretString::from(key)))
        }
        Some(_) => Err(ConfigError::InvalidSecret { name, accepted: "expected a key without spaces" }),
    }
}

fn parse_schedule(get: &dyn Fn(&'static str) -> Option<String>) -> Result<ScheduleConfig, ConfigError> {
    let raw_zone = get("NA_SCHEDULE_TIMEZONE").unwrap_or_default();
    let timezone = raw_zone.trim().parse::<chrono_tz::Tz>().map_err(|_| ConfigError::Invalid {
        name: "NA_SCHEDULE_TIMEZONE",
        got: raw_zone.clone(),
        accepted: "expected an IANA time zone name, e.g. America/Los_Angeles or UTC",
    })?;
    let enabled = match get("NA_SCHEDULE").unwrap_or_default().trim().to_ascii_lowercase().as_str() {
        "on" | "true" => true,
        "off" | "false" => false,
        _ => {
            return Err(ConfigError::Invalid {
                name: "NA_SCHEDULE",
                got: get("NA_SCHEDULE").unwrap_or_default(),
                accepted: "accepted values: on, off",
            });
        }
    };
    let cron = |name: &'static str| -> Result<Option<croner::Cron>, ConfigError> {
        let raw = get(name).unwrap_or_default();
        if !enabled || raw.trim().eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        raw.trim().parse::<croner::Cron>().map(Some).map_err(|_| ConfigError::Invalid {
            name,
            got: raw.clone(),
            accepted: "expected a cron expression (minute hour day-of-month month day-of-week, e.g. \"0 18 * * TUE\") or off",
        })
    };
    Ok(ScheduleConfig {
        timezone,
        top10: cron("NA_SCHEDULE_TOP10")?,
        catalog: cron("NA_SCHEDULE_CATALOG")?,
        youtube: cron("NA_SCHEDULE_YOUTUBE")?,
    })
}

/// Exact origins, as a browser sends them in `Origin`: scheme, host and port if not the default, no
/// path. A typo would otherwise silently allow nothing.
fn parse_origins(raw: Option<String>) -> Result<Vec<String>, ConfigError> {
    let raw = raw.unwrap_or_default();
    let invalid = || ConfigError::Invalid {
        name: "NA_CORS_ALLOWED_ORIGINS",
        got: raw.clone(),
        accepted: "expected comma-separated origins such as https://dash.example.com,http://localhost:3000 \
                   (scheme and host, no path), or empty for none",
    };
    let mut origins = Vec::new();
    for text in raw.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let url = Url::parse(text).map_err(|_| invalid())?;
        let origin = url.origin().ascii_serialization();
        if !matches!(url.scheme(), "http" | "https") || origin != text.trim_end_matches('/') {
            return Err(invalid());
        }
        origins.push(origin);
    }
    Ok(origins)
}

fn parse_llm(
    get: &dyn Fn(&'static str) -> Option<String>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<LlmConfig, ConfigError> {
    let base_url = match lookup("NA_LLM_BASE_URL") {
        Some(raw) => {
            let url = parse_base_url("NA_LLM_BASE_URL", Some(raw.clone()))?;
            if url.scheme() == "file" {
                return Err(ConfigError::Invalid {
                    name: "NA_LLM_BASE_URL",
                    got: raw,
                    accepted: "expected an http:// or https:// URL",
                });
            }
            Some(url)
        }
        None => None,
    };
    let raw_mode = get("NA_LLM_TOOL_MODE").unwrap_or_default();
    let tool_mode = match raw_mode.trim().to_ascii_lowercase().as_str() {
        "native" => ToolMode::Native,
        "json" => ToolMode::Json,
        _ => {
            return Err(ConfigError::Invalid {
                name: "NA_LLM_TOOL_MODE",
                got: raw_mode,
                accepted: "accepted values: native, json",
            });
        }
    };
    Ok(LlmConfig {
        base_url,
        model: lookup("NA_LLM_MODEL").map(|m| m.trim().to_owned()).filter(|m| !m.is_empty()),
        api_key: parse_api_key("NA_LLM_API_KEY", lookup("NA_LLM_API_KEY"))?,
        tool_mode,
        timeout: parse_secs("NA_LLM_TIMEOUT_SECS", get("NA_LLM_TIMEOUT_SECS"))?,
        max_retries: parse_count_from("NA_LLM_MAX_RETRIES", get("NA_LLM_MAX_RETRIES"), 0, 10)? as u32,
        max_tool_calls: parse_count_from("NA_LLM_MAX_TOOL_CALLS", get("NA_LLM_MAX_TOOL_CALLS"), 1, 50)? as u32,
        max_tokens: parse_count_from("NA_LLM_MAX_TOKENS", get("NA_LLM_MAX_TOKENS"), 100, 10_000_000)? as u64,
        budget: parse_secs("NA_LLM_BUDGET_SECS", get("NA_LLM_BUDGET_SECS"))?,
        max_rows: parse_count_from("NA_LLM_MAX_ROWS", get("NA_LLM_MAX_ROWS"), 1, 1000)? as usize,
    })
}

fn parse_role(raw: Option<String>, lake: bool) -> Result<Role, ConfigError> {
    let raw = raw.unwrap_or_default();
    let role = match raw.trim().to_ascii_lowercase().as_str() {
        "all" => Role::All,
        "writer" => Role::Writer,
        "reader" => Role::Reader,
        _ => {
            return Err(ConfigError::Invalid {
                name: "NA_ROLE",
                got: raw,
                accepted: "accepted values: all, writer, reader",
            });
        }
    };
    if role == Role::Reader && !lake {
        return Err(ConfigError::Invalid {
            name: "NA_ROLE",
            got: raw,
            accepted: "a reader follows a lake: set NA_WAREHOUSE=ducklake:postgres:<connection string> too",
        });
    }
    Ok(role)
}

/// `NA_WAREHOUSE=ducklake:postgres:<libpq connection string>`, the lake; anything else is a file.
fn parse_lake(
    get: &dyn Fn(&'static str) -> Option<String>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<LakeSettings>, ConfigError> {
    let Some(raw) = lookup("NA_WAREHOUSE").filter(|w| w.starts_with("ducklake:")) else { return Ok(None) };
    // The connection string may hold a password, so no message repeats it.
    let catalog = match raw.strip_prefix("ducklake:postgres:") {
        Some(catalog) if !catalog.trim().is_empty() => catalog.trim().to_owned(),
        _ => {
            return Err(ConfigError::InvalidSecret {
                name: "NA_WAREHOUSE",
                accepted: "a lake is ducklake:postgres:<libpq connection string>, e.g. \
                           ducklake:postgres:dbname=lake host=db.internal user=netflix",
            });
        }
    };
    let Some(data_path) = lookup("NA_LAKE_DATA_PATH").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()) else {
        return Err(ConfigError::Invalid {
            name: "NA_LAKE_DATA_PATH",
            got: String::new(),
            accepted: "a lake needs its data path: s3://bucket/prefix/ or a folder",
        });
    };
    let endpoint = match lookup("NA_S3_ENDPOINT") {
        Some(raw) => match raw.trim().parse::<Url>() {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => Some(url),
            _ => {
                return Err(ConfigError::Invalid {
                    name: "NA_S3_ENDPOINT",
                    got: raw,
                    accepted: "expected an http:// or https:// URL, e.g. http://127.0.0.1:9000 (unset for AWS)",
                });
            }
        },
        None => None,
    };
    let raw_style = get("NA_S3_URL_STYLE").unwrap_or_default();
    let url_style = match raw_style.trim().to_ascii_lowercase().as_str() {
        "path" => UrlStyle::Path,
        "vhost" => UrlStyle::Vhost,
        _ => {
            return Err(ConfigError::Invalid {
                name: "NA_S3_URL_STYLE",
                got: raw_style,
                accepted: "accepted values: path, vhost",
            });
        }
    };
    let access_key_id = lookup("NA_S3_ACCESS_KEY_ID").map(SecretString::from);
    let secret_access_key = lookup("NA_S3_SECRET_ACCESS_KEY").map(SecretString::from);
    if access_key_id.is_some() != secret_access_key.is_some() {
        return Err(ConfigError::InvalidSecret {
            name: "NA_S3_ACCESS_KEY_ID",
            accepted: "set NA_S3_ACCESS_KEY_ID and NA_S3_SECRET_ACCESS_KEY together, or neither",
        });
    }
    Ok(Some(LakeSettings {
        catalog: SecretString::from(catalog),
        data_path,
        s3: S3Settings {
            endpoint,
            region: get("NA_S3_REGION").unwrap_or_default().trim().to_owned(),
            access_key_id,
            secret_access_key,
            url_style,
        },
        extension_dir: lookup("NA_DUCKDB_EXTENSION_DIR").map(PathBuf::from),
    }))
}

fn parse_token(raw: Option<String>) -> Result<Option<SecretString>, ConfigError> {
    match raw {
        None => Ok(None),
        Some(token) if token.trim().len() >= 16 && !token.chars().any(char::is_whitespace) => {
            Ok(Some(SecretString::from(token)))
        }
        Some(_) => Err(ConfigError::InvalidSecret {
            name: "NA_ADMIN_TOKEN",
            accepted: "expected at least 16 characters without spaces (unset it to have one generated)",
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_match_the_documented_contract() {
        let config = Config::defaults();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.warehouse, PathBuf::from("./data/warehouse.duckdb"));
        assert_eq!(config.top10_base_url.as_str(), "https://www.netflix.com/tudum/top10/data/");
        assert_eq!(config.log_format, LogFormat::Text);
        assert!(config.admin_token.is_none());
        assert!(!config.demo);
    }

    #[test]
    fn whole_answers_are_capped_at_a_hundred_thousand_rows_unless_configured() {
        assert_eq!(Config::defaults().max_rows, 100_000);
        assert_eq!(config(&[("NA_MAX_ROWS", "500")]).unwrap().max_rows, 500);
        for bad in ["0", "all", "10000001"] {
            let err = config(&[("NA_MAX_ROWS", bad)]).unwrap_err();
            assert!(err.to_string().contains("NA_MAX_ROWS"), "{err}");
        }
    }

    #[test]
    fn cors_is_off_by_default_and_takes_exact_origins_only() {
        assert!(Config::defaults().cors_allowed_origins.is_empty());
        let origins = "https://dash.example.com, http://localhost:3000";
        assert_eq!(
            config(&[("NA_CORS_ALLOWED_ORIGINS", origins)]).unwrap().cors_allowed_origins,
            ["https://dash.example.com", "http://localhost:3000"]
        );
        for bad in ["dash.example.com", "https://dash.example.com/app", "*", "ftp://x.example"] {
            let err = config(&[("NA_CORS_ALLOWED_ORIGINS", bad)]).unwrap_err();
            assert!(err.to_string().contains("NA_CORS_ALLOWED_ORIGINS"), "{bad}: {err}");
        }
    }

    #[test]
    fn invalid_values_name_the_variable_and_the_accepted_values() {
        let err = config(&[("NA_LOG_FORMAT", "xml")]).unwrap_err();
        assert_eq!(err.to_string(), r#"invalid NA_LOG_FORMAT="xml": accepted values: text, json"#);
        let err = config(&[("NA_TOP10_BASE_URL", "ftp://example.com/")]).unwrap_err();
        assert!(err.to_string().starts_with("invalid NA_TOP10_BASE_URL="), "{err}");
        let err = config(&[("NA_LISTEN", "localhost")]).unwrap_err();
        assert!(err.to_string().contains("expected host:port"), "{err}");
    }

    #[test]
    fn sources_and_schedules_have_working_defaults() {
        let config = Config::defaults();
        assert_eq!(config.catalog.base_url.as_str(), "https://streaming-availability.p.rapidapi.com/");
        assert_eq!(config.catalog.country, "us");
        assert_eq!(config.youtube.base_url.as_str(), "https://www.googleapis.com/youtube/v3/");
        assert_eq!(config.youtube.channel_id, NETFLIX_CHANNEL_ID);
        assert_eq!(config.youtube.daily_quota, 10_000);
        assert!(config.catalog.api_key.is_none() && config.youtube.api_key.is_none());
        assert_eq!(config.schedule.timezone, chrono_tz::America::Los_Angeles);
        assert_eq!(config.schedule.top10.as_ref().map(|c| c.pattern.to_string()), Some("0 18 * * 2".to_owned()));
        assert!(config.schedule.catalog.is_some() && config.schedule.youtube.is_some());
    }

    #[test]
    fn schedules_turn_off_one_by_one_or_all_at_once() {
        let one = config(&[("NA_SCHEDULE_CATALOG", "off")]).unwrap();
        assert!(one.schedule.catalog.is_none() && one.schedule.top10.is_some());
        let all = config(&[("NA_SCHEDULE", "off")]).unwrap();
        assert!(all.schedule.top10.is_none() && all.schedule.catalog.is_none() && all.schedule.youtube.is_none());
        let err = config(&[("NA_SCHEDULE_YOUTUBE", "every day")]).unwrap_err();
        assert!(err.to_string().contains("NA_SCHEDULE_YOUTUBE") && err.to_string().contains("cron"), "{err}");
        let err = config(&[("NA_SCHEDULE_TIMEZONE", "Mars/Olympus")]).unwrap_err();
        assert!(err.to_string().contains("IANA"), "{err}");
    }

    #[test]
    fn backups_go_under_data_and_are_all_kept_unless_configured() {
        let defaults = Config::defaults();
        assert_eq!((defaults.backup_dir, defaults.backup_keep), (PathBuf::from("./data/backups"), 0));
        let set = config(&[("NA_BACKUP_DIR", "/srv/backups"), ("NA_BACKUP_KEEP", "7")]).unwrap();
        assert_eq!((set.backup_dir, set.backup_keep), (PathBuf::from("/srv/backups"), 7));
        let err = config(&[("NA_BACKUP_KEEP", "-1")]).unwrap_err();
        assert!(err.to_string().starts_with("invalid NA_BACKUP_KEEP=\"-1\""), "{err}");
        let err = config(&[("NA_BACKUP_DIR", " ")]).unwrap_err();
        assert!(err.to_string().contains("expected a directory path"), "{err}");
    }

    #[test]
    fn catalog_pacing_outside_its_range_is_refused_naming_the_variable_and_the_range() {
        for bad in ["1e-30", "0", "-1", "NaN", "inf", "1000.5", "fast"] {
            let err = config(&[("NA_CATALOG_REQUESTS_PER_SEC", bad)]).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "invalid NA_CATALOG_REQUESTS_PER_SEC={bad:?}: expected requests per second from 0.001 to 1000, \
                     e.g. 1 or 0.5"
                )
            );
        }
        for good in ["0.001", "0.5", "1000"] {
            assert!(config(&[("NA_CATALOG_REQUESTS_PER_SEC", good)]).is_ok(), "{good}");
        }
    }

    #[test]
    fn the_download_cap_defaults_to_one_gib_and_must_be_positive() {
        assert_eq!(Config::defaults().max_download_bytes, 1 << 30);
        assert_eq!(config(&[("NA_MAX_DOWNLOAD_BYTES", "5000")]).unwrap().max_download_bytes, 5000);
        for bad in ["0", "-1", "1GB"] {
            let err = config(&[("NA_MAX_DOWNLOAD_BYTES", bad)]).unwrap_err();
            assert!(err.to_string().starts_with("invalid NA_MAX_DOWNLOAD_BYTES="), "{err}");
        }
    }

    #[test]
    fn api_keys_are_never_repeated_in_errors() {
        let err = config(&[("NA_YOUTUBE_API_KEY", "AIza secret")]).unwrap_err();
        assert!(err.to_string().contains("NA_YOUTUBE_API_KEY") && !err.to_string().contains("AIza"), "{err}");
    }

    #[test]
    fn an_invalid_base_url_with_credentials_is_refused_without_repeating_them() {
        let err = config(&[("NA_TOP10_BASE_URL", "ftp://feeds:hunter2@example.com/top10")]).unwrap_err();
        assert!(err.to_string().contains("NA_TOP10_BASE_URL") && !err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn a_short_admin_token_is_refused_without_repeating_it() {
        let err = config(&[("NA_ADMIN_TOKEN", "hunter2")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
        assert!(err.to_string().contains("NA_ADMIN_TOKEN"));
    }

    #[test]
    fn base_urls_get_a_trailing_slash_so_file_names_join_under_them() {
        let config = config(&[("NA_TOP10_BASE_URL", "file:///srv/top10")]).unwrap();
        assert_eq!(
            config.top10_base_url.join("most-popular.tsv").unwrap().as_str(),
            "file:///srv/top10/most-popular.tsv"
        );
    }

    #[test]
    fn demo_uses_its_own_warehouse_unless_one_is_named() {
        assert_eq!(config(&[("NA_DEMO", "true")]).unwrap().warehouse, PathBuf::from(DEMO_WAREHOUSE));
        let named = config(&[("NA_DEMO", "true"), ("NA_WAREHOUSE", "/tmp/w.duckdb")]).unwrap();
        assert_eq!(named.warehouse, PathBuf::from("/tmp/w.duckdb"));
    }

    #[test]
    fn the_file_supplies_values_the_environment_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("na.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\nmax_concurrent_queries = 4\nadmin_token = \"from-the-file-0123456789\"\n",
        )
        .unwrap();
        let file = read_file(&path).unwrap();
        let config = Config::from_lookup(|name| {
            if name == "NA_LISTEN" { Some("127.0.0.1:9999".into()) } else { file.get(name).cloned() }
        })
        .unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:9999");
        assert_eq!(config.max_concurrent_queries, 4);
        assert_eq!(config.admin_token.unwrap().expose_secret(), "from-the-file-0123456789");
    }

    #[test]
    fn unknown_file_keys_are_refused_with_the_accepted_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("na.toml");
        std::fs::write(&path, "lisen = \"0.0.0.0:9000\"\n").unwrap();
        let err = read_file(&path).unwrap_err();
        assert!(err.to_string().contains("\"lisen\""), "{err}");
        assert!(err.to_string().contains("listen, warehouse"), "{err}");
    }

    #[test]
    fn a_lake_warehouse_names_its_catalog_and_store_and_the_writer_keeps_its_own_file() {
        let lake = config(&[
            ("NA_WAREHOUSE", "ducklake:postgres:dbname=lake host=db password=pg-secret"),
            ("NA_LAKE_DATA_PATH", "s3://bucket/warehouse/"),
            ("NA_S3_ENDPOINT", "http://127.0.0.1:9000"),
            ("NA_S3_URL_STYLE", "path"),
            ("NA_S3_ACCESS_KEY_ID", "AKIAEXAMPLE"),
            ("NA_S3_SECRET_ACCESS_KEY", "s3-secret"),
        ])
        .unwrap();
        assert_eq!(lake.role, Role::All);
        assert_eq!(lake.warehouse, PathBuf::from("./data/lake-writer.duckdb"));
        let settings = lake.lake.as_ref().unwrap();
        assert_eq!(settings.catalog.expose_secret(), "dbname=lake host=db password=pg-secret");
        assert_eq!(settings.s3.url_style, UrlStyle::Path);
        let shown = format!("{lake:?}");
        assert!(!shown.contains("pg-secret") && !shown.contains("s3-secret"), "{shown}");
        assert!(Config::defaults().lake.is_none());
    }

    #[test]
    fn a_reader_without_a_lake_and_a_lake_without_a_data_path_are_refused() {
        let err = config(&[("NA_ROLE", "reader")]).unwrap_err();
        assert!(err.to_string().contains("ducklake:postgres:"), "{err}");
        let err = config(&[("NA_ROLE", "replica")]).unwrap_err();
        assert!(err.to_string().contains("all, writer, reader"), "{err}");
        let err = config(&[("NA_WAREHOUSE", "ducklake:postgres:dbname=lake")]).unwrap_err();
        assert!(err.to_string().contains("NA_LAKE_DATA_PATH"), "{err}");
        let err = config(&[("NA_WAREHOUSE", "ducklake:sqlite:password=hunter2")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = config(&[
            ("NA_WAREHOUSE", "ducklake:postgres:dbname=lake"),
            ("NA_LAKE_DATA_PATH", "/lake"),
            ("NA_S3_ACCESS_KEY_ID", "AKIAEXAMPLE"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("NA_S3_SECRET_ACCESS_KEY"), "{err}");
    }
}
