//! Ingestion over HTTP: triggers (bearer token required) and the run history.

use axum::Json;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::answer::next_page;
use super::auth::Admin;
use super::error::ErrorBody;
use super::extract::{Path, Query};
use super::format::Meta;
use super::params::{self, PageSize};
use super::state::AppState;
use crate::domain::{IngestRun, RunId, RunStatus, SourceId, Trigger};
use crate::error::{Error, Result};
use crate::pipeline::{CatalogMode, RunOptions};
use crate::warehouse::runs::{self, RunFilter};

const RUNS_PAGE: PageSize = PageSize { default: 20, max: 200 };

/// A run with links to follow.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunResponse {
    #[serde(flatten)]
    pub run: IngestRun,
    pub links: RunLinks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunLinks {
    /// Poll this until `status` is `succeeded` or `failed`.
    #[serde(rename = "self")]
    #[schema(example = "/v1/ingest/runs/42")]
    pub self_link: String,
}

impl From<IngestRun> for RunResponse {
    fn from(run: IngestRun) -> RunResponse {
        let self_link = run_path(run.id);
        RunResponse { run, links: RunLinks { self_link } }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunList {
    pub data: Vec<RunResponse>,
    pub meta: Meta,
}

fn run_path(id: RunId) -> String {
    format!("/v1/ingest/runs/{id}")
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TriggerParams {
    /// Catalog only (`catalog` or `all`): `incremental` (the latest `NA_CATALOG_INCREMENTAL_YEARS`
    /// release years) or `backfill` (a range of years). Default: backfill when the catalog is empty,
    /// else incremental.
    mode: Option<String>,
    /// Backfill only: the first release year; default `NA_CATALOG_BACKFILL_FROM`.
    year_min: Option<i32>,
    /// Backfill only: the last release year; default this year.
    year_max: Option<i32>,
}

impl TriggerParams {
    fn options(&self, source: SourceId, backfill_from: i32) -> Result<RunOptions> {
        let Some(mode) = self.mode.as_deref() else {
            if self.year_min.is_some() || self.year_max.is_some() {
                return Err(Error::invalid("mode", "year_min and year_max need mode=backfill"));
            }
            return Ok(RunOptions::default());
        };
        if !matches!(source, SourceId::Catalog | SourceId::All) {
            return Err(Error::invalid("mode", format!("{source} takes no mode; only catalog (and all) do")));
        }
        let catalog_mode = match mode {
            "incremental" if self.year_min.is_none() && self.year_max.is_none() => CatalogMode::Incremental,
            "incremental" => return Err(Error::invalid("mode", "year_min and year_max need mode=backfill")),
            "backfill" => {
                let year_min = self.year_min.unwrap_or(backfill_from);
                let year_max = self.year_max.unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now()));
                if !(1880..=2100).contains(&year_min) || year_min > year_max || year_max > 2100 {
                    return Err(Error::invalid(
                        "year_min",
                        format!(
                            "{year_min}..{year_max} is not a range of years; accepted: 1880 <= year_min <= year_max <= 2100"
                        ),
                    ));
                }
                CatalogMode::Backfill { year_min, year_max }
            }
            other => {
                return Err(Error::invalid(
                    "mode",
                    format!("{other:?} is not a mode; accepted: incremental, backfill"),
                ));
            }
        };
        Ok(RunOptions { catalog_mode: Some(catalog_mode) })
    }
}

/// Starts a refresh in the background and answers at once with the queued run.
#[utoipa::path(
    post,
    path = "/v1/ingest/{source}",
    tag = "ingest",
    params(
        ("source" = String, Path, description = "What to refresh: `top10`, `catalog`, `youtube`, or `all` (the three in order, then the title identity)", example = "top10"),
        TriggerParams,
    ),
    security(("admin_token" = [])),
    responses(
        (status = 202, description = "The run is queued; poll `links.self`", body = RunResponse,
            headers(("Location" = String, description = "The run's URL"))),
        (status = 400, description = "A mode or year range that does not apply or does not parse", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 403, description = "This process is a read replica (`NA_ROLE=reader`); the writer runs it", body = ErrorBody),
        (status = 404, description = "Unknown source", body = ErrorBody),
        (status = 409, description = "A run of this source is already under way; the message names it", body = ErrorBody),
        (status = 429, description = "Too many triggers from this client (`NA_TRIGGER_RATE_PER_MINUTE`); `Retry-After` says when to try again", body = ErrorBody),
        (status = 503, description = "The service is shutting down", body = ErrorBody),
    )
)]
pub async fn trigger_ingest(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    _admin: Admin,
    Path(source): Path<String>,
    Query(params): Query<TriggerParams>,
) -> Result<Response> {
    state.triggers().check(client.ip())?;
    // Training runs share the run history, but only feeds are ingested.
    let source: SourceId =
        source.parse().ok().filter(|s| SourceId::VALUES.contains(s)).ok_or(Error::UnknownSource { got: source })?;
    let options = params.options(source, state.catalog_backfill_from())?;
    if state.is_shutting_down() {
        return Err(Error::ShuttingDown);
    }
    let (run, _handle) = state.pipeline().trigger(source, Trigger::Http, options).await?;
    let location = HeaderValue::from_str(&run_path(run.id)).expect("run paths are ASCII");
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(RunResponse::from(run))).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunsParams {
    /// Only runs of this source: `top10`, `catalog`, `youtube`, `all`, or `model` (training runs).
    source: Option<String>,
    /// Only runs in this state: `queued`, `running`, `succeeded` or `failed`.
    status: Option<String>,
    /// Page size, 1 to 200; default 20.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// Runs to skip, newest first; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
}

/// The run history, newest first, in pages.
#[utoipa::path(
    get,
    path = "/v1/ingest/runs",
    tag = "ingest",
    params(RunsParams),
    responses(
        (status = 200, description = "A page of runs; `meta.next` and the `Link` header point to the next page", body = RunList),
        (status = 400, description = "Unknown source, status or parameter, or a limit out of range", body = ErrorBody),
    )
)]
pub async fn list_runs(State(state): State<AppState>, Query(params): Query<RunsParams>) -> Result<Response> {
    let source = match params.source.as_deref() {
        None => None,
        Some(text) => Some(text.parse::<SourceId>().map_err(|_| {
            Error::invalid("source", format!("{text:?} is not a source; accepted: {}", SourceId::ACCEPTED))
        })?),
    };
    let status = match params.status.as_deref() {
        None => None,
        Some(text) => Some(text.parse::<RunStatus>().map_err(|_| {
            Error::invalid("status", format!("{text:?} is not a run status; accepted: {}", RunStatus::ACCEPTED))
        })?),
    };
    let page = params::page(params.limit, params.offset, RUNS_PAGE)?;
    let filter = RunFilter { source, status, limit: page.limit, offset: page.offset };
    let version = state.warehouse().data_version();
    let (runs, total) = state.warehouse().with_connection(move |conn| runs::list(conn, &filter)).await?;

    let mut meta = Meta::new(runs.len(), Vec::new(), version);
    meta.total = Some(total);
    meta.limit = Some(page.limit);
    meta.offset = Some(page.offset);
    let mut filters = Vec::new();
    if let Some(source) = source {
        filters.push(("source", source.to_string()));
    }
    if let Some(status) = status {
        filters.push(("status", status.as_str().to_owned()));
    }
    meta.next = next_page("/v1/ingest/runs", page, &filters, runs.len(), total);
    let link = meta.next.as_ref().map(|next| format!("<{next}>; rel=\"next\""));
    let pipeline = state.pipeline();
    let body = RunList { data: runs.into_iter().map(|r| RunResponse::from(pipeline.with_progress(r))).collect(), meta };
    let mut response = Json(body).into_response();
    if let Some(link) = link {
        response.headers_mut().insert(header::LINK, HeaderValue::from_str(&link).expect("links are ASCII"));
    }
    Ok(response)
}

/// One run: status, timestamps, duration and what it did with each file.
#[utoipa::path(
    get,
    path = "/v1/ingest/runs/{id}",
    tag = "ingest",
    params(("id" = i64, Path, description = "The run's id", example = 42)),
    responses(
        (status = 200, description = "The run", body = RunResponse),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No such run", body = ErrorBody),
    )
)]
pub async fn get_run(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<RunResponse>> {
    let id = RunId(id);
    let run = state.warehouse().with_connection(move |conn| runs::get(conn, id)).await?;
    run.map(|r| Json(RunResponse::from(state.pipeline().with_progress(r)))).ok_or(Error::RunNotFound(id))
}
