//! Ingestion over HTTP: triggers (bearer token required) and the run history.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Admin;
use super::error::ErrorBody;
use super::extract::{Path, Query};
use super::format::Meta;
use super::state::AppState;
use crate::domain::{IngestRun, RunId, RunStatus, SourceId, Trigger};
use crate::error::{Error, Result};
use crate::warehouse::runs::{self, RunFilter};

const DEFAULT_PAGE: u32 = 20;
const MAX_PAGE: u32 = 200;

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

/// Starts a refresh of one source in the background and answers at once with the queued run.
#[utoipa::path(
    post,
    path = "/v1/ingest/{source}",
    tag = "ingest",
    params(("source" = String, Path, description = "What to refresh: `top10`", example = "top10")),
    security(("admin_token" = [])),
    responses(
        (status = 202, description = "The run is queued; poll `links.self`", body = RunResponse,
            headers(("Location" = String, description = "The run's URL"))),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "Unknown source", body = ErrorBody),
        (status = 409, description = "A run of this source is already under way; the message names it", body = ErrorBody),
        (status = 503, description = "The service is shutting down", body = ErrorBody),
    )
)]
pub async fn trigger_ingest(
    State(state): State<AppState>,
    _admin: Admin,
    Path(source): Path<String>,
) -> Result<Response> {
    let source: SourceId = source.parse().map_err(|_| Error::UnknownSource { got: source })?;
    if state.is_shutting_down() {
        return Err(Error::ShuttingDown);
    }
    let (run, _handle) = state.pipeline().trigger(source, Trigger::Http).await?;
    let location = HeaderValue::from_str(&run_path(run.id)).expect("run paths are ASCII");
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(RunResponse::from(run))).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunsParams {
    /// Only runs of this source: `top10`.
    source: Option<String>,
    /// Only runs in this state: `queued`, `running`, `succeeded` or `failed`.
    status: Option<String>,
    /// Page size, 1 to 200; default 20.
    limit: Option<u32>,
    /// Runs to skip, newest first; default 0.
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
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::invalid("limit", format!("{limit} is out of range; accepted: 1 to {MAX_PAGE}")));
    }
    let offset = params.offset.unwrap_or(0);
    let filter = RunFilter { source, status, limit, offset };
    let version = state.warehouse().data_version();
    let (page, total) = state.warehouse().with_connection(move |conn| runs::list(conn, &filter)).await?;

    let mut meta = Meta::new(page.len(), Vec::new(), version);
    meta.total = Some(total);
    meta.limit = Some(limit);
    meta.offset = Some(offset);
    let next_offset = offset + page.len() as u64;
    if next_offset < total {
        let mut query = format!("limit={limit}&offset={next_offset}");
        if let Some(source) = source {
            query.push_str(&format!("&source={source}"));
        }
        if let Some(status) = status {
            query.push_str(&format!("&status={}", status.as_str()));
        }
        meta.next = Some(format!("/v1/ingest/runs?{query}"));
    }
    let link = meta.next.as_ref().map(|next| format!("<{next}>; rel=\"next\""));
    let body = RunList { data: page.into_iter().map(RunResponse::from).collect(), meta };
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
    run.map(|r| Json(RunResponse::from(r))).ok_or(Error::RunNotFound(id))
}
