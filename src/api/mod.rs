//! HTTP: the router, its middleware and the OpenAPI document, all from one place. Handlers carry
//! `#[utoipa::path]`, so the served routes and the spec cannot disagree.

pub mod admin;
pub mod analytics;
mod answer;
mod auth;
mod browser;
pub mod cache;
mod chart;
mod dashboard;
pub mod error;
mod extract;
pub mod format;
pub mod ingest;
mod limits;
pub mod llm;
pub mod metrics;
pub mod ml;
pub mod ops;
mod params;
mod prefer;
mod spec;
pub mod state;
pub mod titles;
pub mod tools;
pub mod top10;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, Method, Uri};
use axum::middleware::{self, Next};
use axum::routing::get;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower::util::{MapResponseLayer, option_layer};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

pub use state::AppState;

use crate::config::Config;
use crate::error::Error;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "netflix-analytics",
        description = "Netflix Top 10, catalog and YouTube data from a DuckDB warehouse, as JSON or CSV. \
            Query endpoints answer `application/json` by default and `text/csv` when asked with \
            `Accept: text/csv` or `?format=csv`; the analytics endpoints also draw their answer as an SVG chart \
            (`image/svg+xml`, `?format=svg`). Every error is a JSON body with a stable `code` and a `message`. \
            Paged query endpoints take `limit=all` for the whole answer, up to the server's `NA_MAX_ROWS` rows \
            (default 100000); a longer answer is refused with `answer_too_large`, to be read in pages. \
            Every integer in a JSON answer is below 2^53, so a browser reads it exactly: the largest, the \
            sum of all global hours viewed since 2021, is about 1.9e11. Responses above 1 KiB are compressed \
            (gzip or br) when the client accepts it; a compressed response carries the weak form of the ETag.",
        license(name = "MIT")
    ),
    modifiers(&AdminTokenScheme),
    tags(
        (name = "top10", description = "The Netflix Top 10 lists as published"),
        (name = "titles", description = "One identity per title across the Top 10, the catalog and YouTube"),
        (name = "analytics", description = "The business questions, over a period; cached, with ETags"),
        (name = "llm", description = "Questions in words, answered by a language model through these endpoints' questions"),
        (name = "ml", description = "Forecasts of next week's Top 10, and the models behind them"),
        (name = "ingest", description = "Refreshes and their history"),
        (name = "ops", description = "Health and readiness"),
    )
)]
struct ApiDoc;

struct AdminTokenScheme;

impl Modify for AdminTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("admin_token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(top10::global_top10))
        .routes(routes!(top10::country_top10))
        .routes(routes!(top10::most_popular))
        .routes(routes!(top10::list_weeks))
        .routes(routes!(top10::list_countries))
        .routes(routes!(titles::search_titles))
        .routes(routes!(titles::get_title))
        .routes(routes!(titles::list_unmatched))
        .routes(routes!(ml::similar_titles))
        .routes(routes!(analytics::trajectory))
        .routes(routes!(analytics::top_titles))
        .routes(routes!(analytics::engagement_vs_rank))
        .routes(routes!(analytics::genre_performance))
        .routes(routes!(analytics::regional_preferences))
        .routes(routes!(analytics::regional_similarity))
        .routes(routes!(analytics::category_viewership))
        .routes(routes!(analytics::weekly_hours))
        .routes(routes!(analytics::youtube_top_engagement))
        .routes(routes!(analytics::youtube_duration_histogram))
        .routes(routes!(llm::ask))
        .routes(routes!(llm::list_calls))
        .routes(routes!(ml::forecast))
        .routes(routes!(ml::train_model))
        .routes(routes!(ml::list_models))
        .routes(routes!(ml::get_model))
        .routes(routes!(ingest::trigger_ingest))
        .routes(routes!(ingest::list_runs))
        .routes(routes!(ingest::get_run))
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(metrics::metrics))
        .routes(routes!(admin::backup))
}

/// The OpenAPI document, as served at `/openapi.json` and committed as `openapi/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut spec = routes().split_for_parts().1;
    spec::finish(&mut spec);
    spec
}

pub fn router(state: AppState, config: &Config) -> Router {
    let (api, mut spec) = routes().split_for_parts();
    spec::finish(&mut spec);
    let request_id = HeaderName::from_static("x-request-id");
    let request_timeout = config.request_timeout;
    let max_in_flight = config.max_in_flight;
    let in_flight = Arc::new(Semaphore::new(max_in_flight));
    // A line (and a span) per request halved cached throughput in the benchmarks (JSON logs, 2
    // cores), and building the span costs even when nothing records it, so the layer is there only
    // when the filter asks for DEBUG (`RUST_LOG=info,tower_http=debug`). /metrics counts and times
    // every request, and `metrics::track` logs server failures with the request id.
    let access_log = tracing::enabled!(Level::DEBUG) || tracing::enabled!(target: "tower_http", Level::DEBUG);
    // Outermost first. Metrics sit outside the load shedding and the time limit, so shed and
    // timed-out requests are counted too.
    let layers = ServiceBuilder::new()
        .layer(middleware::from_fn(limits::sanitize_request_id))
        .layer(SetRequestIdLayer::new(request_id.clone(), limits::RequestIds::default()))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(option_layer(access_log.then(|| {
            // Both arms of the option must answer the same body type.
            let same_body = MapResponseLayer::new(|response: axum::response::Response<_>| response.map(Body::new));
            let trace = TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::debug_span!("request", method = %request.method(), route, request_id = id)
                })
                .on_response(DefaultOnResponse::new().level(Level::DEBUG))
                .on_failure(());
            ServiceBuilder::new().layer(same_body).layer(trace).into_inner()
        })))
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            limits::shed_load(in_flight.clone(), max_in_flight, request, next)
        }))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            limits::time_limit(request, next, request_timeout)
        }));
    let router = api
        .merge(SwaggerUi::new("/docs").url("/openapi.json", spec))
        .route("/", get(dashboard::page))
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(layers)
        // Around everything else, so every response can be compressed and a page can read the
        // load-shedding and time-limit errors too; these change the body type the layers inside
        // expect.
        .layer(browser::compression())
        .layer(middleware::map_response(browser::weaken_etag_when_encoded));
    match browser::cors(&config.cors_allowed_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    }
    .with_state(state)
}

async fn route_not_found(method: Method, uri: Uri) -> Error {
    Error::RouteNotFound { method: method.to_string(), path: uri.path().to_owned() }
}

async fn method_not_allowed(method: Method, uri: Uri) -> Error {
    Error::MethodNotAllowed { method: method.to_string(), path: uri.path().to_owned() }
}
