//! HTTP: the router, its middleware and the OpenAPI document, all from one place. Handlers carry
//! `#[utoipa::path]`, so the served routes and the spec cannot disagree.

pub mod admin;
pub mod analytics;
mod auth;
pub mod cache;
pub mod error;
mod extract;
pub mod format;
pub mod ingest;
pub mod metrics;
pub mod ops;
mod params;
pub mod state;
pub mod titles;
pub mod top10;

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

pub use state::AppState;

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
    routes().split_for_parts().1
}

pub fn router(state: AppState, request_timeout: Duration) -> Router {
    let (api, spec) = routes().split_for_parts();
    let request_id = HeaderName::from_static("x-request-id");
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let route = request.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        route = route.unwrap_or(request.uri().path()),
                        request_id = id,
                    )
                })
                // A line per answered request halved cached throughput in bench/run.sh (JSON logs,
                // 2 cores); /metrics already counts and times requests. Server errors still log
                // at ERROR; `RUST_LOG=info,tower_http=debug` brings the access log back.
                .on_response(DefaultOnResponse::new().level(Level::DEBUG)),
        )
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(middleware::from_fn(move |request: Request, next: Next| time_limit(request, next, request_timeout)))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track));
    api.merge(SwaggerUi::new("/docs").url("/openapi.json", spec))
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(layers)
        .with_state(state)
}

/// A request that outlives the limit gets a JSON 503; a query it started runs to its end on the
/// blocking pool but holds its concurrency slot until then (see `Warehouse::with_connection`).
async fn time_limit(request: Request, next: Next, limit: Duration) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Error::Timeout.into_response(),
    }
}

async fn route_not_found(method: Method, uri: Uri) -> Error {
    Error::RouteNotFound { method: method.to_string(), path: uri.path().to_owned() }
}

async fn method_not_allowed(method: Method, uri: Uri) -> Error {
    Error::MethodNotAllowed { method: method.to_string(), path: uri.path().to_owned() }
}
