//! HTTP: the router, its middleware and the OpenAPI document, all from one place. Handlers carry
//! `#[utoipa::path]`, so the served routes and the spec cannot disagree.

pub mod admin;
pub mod analytics;
mod answer;
mod auth;
pub mod cache;
pub mod error;
mod extract;
pub mod format;
pub mod ingest;
mod limits;
pub mod metrics;
pub mod ml;
pub mod ops;
mod params;
mod spec;
pub mod state;
pub mod titles;
pub mod top10;

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, Method, Uri};
use axum::middleware::{self, Next};
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
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
            `Accept: text/csv` or `?format=csv`. Every error is a JSON body with a stable `code` and a `message`.",
        license(name = "MIT")
    ),
    modifiers(&AdminTokenScheme),
    tags(
        (name = "top10", description = "The Netflix Top 10 lists as published"),
        (name = "titles", description = "One identity per title across the Top 10, the catalog and YouTube"),
        (name = "analytics", description = "The business questions, over a period; cached, with ETags"),
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
    // Outermost first. Metrics sit outside the load shedding and the time limit, so shed and
    // timed-out requests are counted too.
    let layers = ServiceBuilder::new()
        .layer(middleware::from_fn(limits::sanitize_request_id))
        .layer(SetRequestIdLayer::new(request_id.clone(), limits::RequestIds::default()))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::debug_span!("request", method = %request.method(), route, request_id = id)
                })
                // A line (and a span) per request halved cached throughput in bench/run.sh (JSON
                // logs, 2 cores); /metrics already counts and times requests, and `metrics::track`
                // logs server failures with the request id. `RUST_LOG=info,tower_http=debug` brings
                // the access log back.
                .on_response(DefaultOnResponse::new().level(Level::DEBUG))
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            limits::shed_load(in_flight.clone(), max_in_flight, request, next)
        }))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            limits::time_limit(request, next, request_timeout)
        }));
    api.merge(SwaggerUi::new("/docs").url("/openapi.json", spec))
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(layers)
        .with_state(state)
}

async fn route_not_found(method: Method, uri: Uri) -> Error {
    Error::RouteNotFound { method: method.to_string(), path: uri.path().to_owned() }
}

async fn method_not_allowed(method: Method, uri: Uri) -> Error {
    Error::MethodNotAllowed { method: method.to_string(), path: uri.path().to_owned() }
}
