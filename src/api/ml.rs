//! Forecasts and the models behind them: training runs (bearer token), the model registry, and the
//! forecast itself; and titles similar to a title. The list of models, the forecast and similar
//! titles answer through the one answer path, but for similar titles re-ranked by a language model
//! for a preference (`super::prefer`).

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::answer::answer;
use super::auth::Admin;
use super::error::ErrorBody;
use super::extract::{Path, Query};
use super::format::{Envelope, Format};
use super::ingest::RunResponse;
use super::params::{self, PageSize};
use super::prefer::{self, PreferredTitle};
use super::state::AppState;
use crate::domain::{IngestRun, List, SourceId, Trigger};
use crate::error::{Error, Result};
use crate::ml::forecast::{Forecast, ForecastRow};
use crate::ml::similar::{SimilarTitle, SimilarTo};
use crate::ml::store::{self, ModelRecord, ModelsPage};
use crate::ml::{Models, train};
use crate::pipeline::Pipeline;

/// Starts a training run of the forecast model: recorded, locked and tracked like an ingestion run.
pub async fn start_training(
    pipeline: &Pipeline,
    models: &Models,
    trigger: Trigger,
) -> Result<(IngestRun, tokio::task::JoinHandle<IngestRun>)> {
    let models = models.clone();
    pipeline
        .trigger_job(SourceId::Model, trigger, move |run| {
            train::train(run.warehouse, run.run_id, run.progress, run.cancel, models)
        })
        .await
}

/// Trains the forecast model in the background: a rolling-origin backtest over the last 52 weeks
/// against persistence and decay, then a fit on the whole history. The model is promoted (served)
/// only if it beats the better baseline on MAE; otherwise forecasts use that baseline.
#[utoipa::path(
    post,
    path = "/v1/ml/train",
    tag = "ml",
    security(("admin_token" = [])),
    responses(
        (status = 202, description = "The training run is queued; poll `links.self`", body = RunResponse,
            headers(("Location" = String, description = "The run's URL"))),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 403, description = "This process is a read replica (`NA_ROLE=reader`); the writer runs it", body = ErrorBody),
        (status = 409, description = "A training run is already under way; the message names it", body = ErrorBody),
        (status = 429, description = "Too many triggers from this client (`NA_TRIGGER_RATE_PER_MINUTE`)", body = ErrorBody),
        (status = 503, description = "The service is shutting down", body = ErrorBody),
    )
)]
pub async fn train_model(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    _admin: Admin,
) -> Result<Response> {
    state.triggers().check(client.ip())?;
    if state.is_shutting_down() {
        return Err(Error::ShuttingDown);
    }
    let (run, _handle) = start_training(state.pipeline(), state.models(), Trigger::Http).await?;
    let response = RunResponse::from(run);
    let location = HeaderValue::from_str(&response.links.self_link).expect("run paths are ASCII");
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(response)).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ModelsParams {
    /// Page size, 1 to 1000, or `all` for every model (at most `NA_MAX_ROWS`); default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Models to skip, newest first; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
}

/// Every trained model, newest first, in pages: when and from what it was trained, its parameters
/// and features, its backtest against both baselines, and whether it was promoted. JSON only: a
/// model's parameters and backtest do not fit a CSV cell.
#[utoipa::path(
    get,
    path = "/v1/ml/models",
    tag = "ml",
    params(ModelsParams),
    responses(
        (status = 200, description = "A page of models, newest first; forecasts use the first. `meta.next` and the `Link` header point to the next page",
            body = Envelope<ModelRecord>),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A limit or offset out of range, or an unknown parameter", body = ErrorBody),
    )
)]
pub async fn list_models(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<ModelsParams>,
) -> Result<Response> {
    let page = params::page_or_all(p.limit.as_deref(), p.offset, PageSize::LIST, state.max_rows())?;
    let newest = state.models().current(state.warehouse()).await?.map(|model| model.id);
    let question = ModelsPage { page, newest };
    Ok(answer(&state, &headers, Format::Json, "/v1/ml/models".into(), question).await)
}

/// One trained model.
#[utoipa::path(
    get,
    path = "/v1/ml/models/{id}",
    tag = "ml",
    params(("id" = i64, Path, description = "The model's id", example = 1)),
    responses(
        (status = 200, description = "The model", body = ModelRecord),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No such model", body = ErrorBody),
    )
)]
pub async fn get_model(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<ModelRecord>> {
    let model = state.warehouse().with_connection(move |conn| store::get(conn, id)).await?;
    model.map(Json).ok_or(Error::ModelNotFound(id))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ForecastParams {
    /// The week to forecast from: a Sunday as `YYYY-MM-DD`, or `latest` (the default).
    #[param(example = "latest", pattern = "^(latest|[0-9]{4}-[0-9]{2}-[0-9]{2})$")]
    week: Option<String>,
    /// A global category or its slug (`films-english`, …); all four lists when absent.
    category: Option<String>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Next week for every entry of a week's global lists: predicted hours with an 80% interval (from
/// the backtest's residuals), predicted views where the week has a runtime, the probability of
/// staying on the list, and the model that made it. Uses the newest model; when it was not
/// promoted, `method` names the baseline served instead.
#[utoipa::path(
    get,
    path = "/v1/forecast",
    tag = "ml",
    params(ForecastParams),
    responses(
        (status = 200, description = "One row per entry, by category and rank",
            content((Envelope<ForecastRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "Malformed week or format, unknown category or parameter", body = ErrorBody),
        (status = 404, description = "No model trained yet, or no data for that week", body = ErrorBody),
    )
)]
pub async fn forecast(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<ForecastParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let week = params::week(p.week.as_deref())?;
    let category = params::category(p.category.as_deref(), List::Global)?;
    let model = state.models().current(state.warehouse()).await?.ok_or(Error::NoModel)?;
    let question = Forecast { week, category, model };
    Ok(answer(&state, &headers, format, "/v1/forecast".into(), question).await)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    /// How many neighbours, 1 to 100; default 10.
    #[param(minimum = 1, maximum = 100)]
    k: Option<u32>,
    /// A preference in words, 1 to 300 characters: the language model re-orders the neighbours for
    /// it and gives a one-line `reason` per pick. Not cached. Without a model, or when it fails, the
    /// plain order stands and `meta.rerank` says why.
    #[param(example = "something lighter, ideally Korean", min_length = 1, max_length = 300)]
    prefer: Option<String>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Titles like this one: content similarity (TF-IDF over genres, cast, directors, creators and
/// overview; cosine) blended half and half with audience similarity (cosine over the country lists
/// and weeks the titles charted in). A title without catalog metadata gets neighbours by audience
/// alone, and `meta.basis` says so.
///
/// With `prefer`, the same neighbours come in the order a language model chooses for the preference
/// (rows are `PreferredTitle`, with `reason` and `similarity_rank`, and `meta.rerank` says whether
/// the model chose the order). Names and overviews reach the model as data, never as instructions.
#[utoipa::path(
    get,
    path = "/v1/titles/{id}/similar",
    tag = "titles",
    params(("id" = i64, Path, description = "The title's id", example = 1), SimilarParams),
    responses(
        (status = 200, description = "The neighbours, best first (SimilarTitle rows), or in the order of `prefer` (PreferredTitle rows)",
            content((Envelope<SimilarTitle> = "application/json"), (Envelope<PreferredTitle> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current (without `prefer`)"),
        (status = 400, description = "Malformed id, k or format, an empty or too long prefer, or an unknown parameter", body = ErrorBody),
        (status = 404, description = "No such title, or one with neither catalog metadata nor country charts", body = ErrorBody),
    )
)]
pub async fn similar_titles(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(p): Query<SimilarParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let k = p.k.unwrap_or(10);
    if !(1..=100).contains(&k) {
        return Err(Error::invalid("k", format!("{k} is out of range; accepted: 1 to 100")));
    }
    let prefer = p.prefer.as_deref().map(prefer::preference).transpose()?;
    let question = SimilarTo { title_id: id, k: k as usize };
    if let Some(prefer) = prefer {
        return prefer::reranked(&state, format, question, prefer).await;
    }
    Ok(answer(&state, &headers, format, format!("/v1/titles/{id}/similar"), question).await)
}
