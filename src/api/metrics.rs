//! `/metrics` in the Prometheus (OpenMetrics) text format: requests and latencies per route and
//! status, the response cache, language-model calls, and ingestion runs and rows by source and outcome. Run counts come
//! from the run records at scrape time, so they survive restarts and count CLI runs too.

use std::collections::HashSet;
use std::sync::{Mutex, RwLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::error::ServerFailure;
use super::state::AppState;
use crate::domain::LlmCall;
use crate::error::{Error, Result};
use crate::warehouse::runs::{self, RunTotals};

/// Every label value comes from a closed set: the router's route templates, the standard methods
/// and three-digit statuses. Nothing a client sends can add a series.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
    method: &'static str,
}

/// Purpose, mode and outcome of a model call are each one of a few fixed names.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LlmLabels {
    purpose: &'static str,
    mode: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LlmModeLabels {
    mode: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    result: &'static str,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    /// The route templates seen, each stored once for the life of the process; the router has a
    /// fixed number of them.
    routes: RwLock<HashSet<&'static str>>,
    cache_hits: Counter,
    cache_misses: Counter,
    cache_not_modified: Counter,
    cache_entries: Gauge,
    cache_bytes: Gauge,
    data_version: Gauge,
    runs: std::sync::Arc<RunCollector>,
    llm_calls: Family<LlmLabels, Counter>,
    llm_latency: Family<LlmModeLabels, Histogram>,
    llm_tokens: Family<TokenLabels, Counter>,
}

/// Ingestion runs and rows as of the last scrape.
#[derive(Debug, Default)]
struct RunCollector {
    totals: Mutex<Vec<RunTotals>>,
}

impl Collector for RunCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> std::result::Result<(), std::fmt::Error> {
        let totals = self.totals.lock().expect("run totals lock");
        let runs = ConstCounter::new(0u64);
        let mut family = encoder.encode_descriptor(
            "netflix_analytics_ingest_runs",
            "Ingestion runs by source and status",
            None,
            runs.metric_type(),
        )?;
        for t in totals.iter() {
            let labels = vec![("source", t.source.clone()), ("status", t.status.clone())];
            ConstCounter::new(t.runs).encode(family.encode_family(&labels)?)?;
        }
        let mut family = encoder.encode_descriptor(
            "netflix_analytics_ingest_rows",
            "Rows processed by ingestion runs, by source, run status and what happened to them",
            None,
            runs.metric_type(),
        )?;
        for t in totals.iter() {
            for (kind, value) in [
                ("read", t.rows_read),
                ("inserted", t.rows_inserted),
                ("updated", t.rows_updated),
                ("rejected", t.rows_rejected),
            ] {
                let labels =
                    vec![("source", t.source.clone()), ("status", t.status.clone()), ("kind", kind.to_owned())];
                ConstCounter::new(value).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("netflix_analytics");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests by route, method and status", requests.clone());
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.1 ms to about 13 s.
            Histogram::new(exponential_buckets(0.0001, 2.0, 18))
        });
        registry.register("http_request_duration_seconds", "HTTP request latency by route and method", latency.clone());
        let cache = Family::<CacheLabels, Counter>::default();
        registry.register(
            "cache_requests",
            "Cacheable requests by outcome: hit, miss (computed) or not_modified (304)",
            cache.clone(),
        );
        let cache_entries = Gauge::default();
        registry.register("cache_entries", "Responses held in the cache", cache_entries.clone());
        let cache_bytes = Gauge::default();
        registry.register("cache_bytes", "Bytes of responses held in the cache", cache_bytes.clone());
        let data_version = Gauge::default();
        registry.register("data_version", "The warehouse's data version", data_version.clone());
        let runs = std::sync::Arc::new(RunCollector::default());
        registry.register_collector(Box::new(runs.clone()));
        let llm_calls = Family::<LlmLabels, Counter>::default();
        registry.register("llm_calls", "Language-model calls by purpose, tool mode and outcome", llm_calls.clone());
        let llm_latency = Family::<LlmModeLabels, Histogram>::new_with_constructor(|| {
            // 10 ms to about 160 s.
            Histogram::new(exponential_buckets(0.01, 2.0, 15))
        });
        registry.register("llm_call_duration_seconds", "Language-model call latency by tool mode", llm_latency.clone());
        let llm_tokens = Family::<TokenLabels, Counter>::default();
        registry.register(
            "llm_tokens",
            "Tokens spent on language-model calls: prompt or completion",
            llm_tokens.clone(),
        );
        let outcome = |result| cache.get_or_create(&CacheLabels { result }).clone();
        Metrics {
            registry,
            requests,
            latency,
            routes: RwLock::new(HashSet::new()),
            cache_hits: outcome("hit"),
            cache_misses: outcome("miss"),
            cache_not_modified: outcome("not_modified"),
            cache_entries,
            cache_bytes,
            data_version,
            runs,
            llm_calls,
            llm_latency,
            llm_tokens,
        }
    }

    pub fn llm_call(&self, call: &LlmCall) {
        let labels = LlmLabels { purpose: call.purpose, mode: call.mode, outcome: call.outcome.as_str() };
        self.llm_calls.get_or_create(&labels).inc();
        self.llm_latency.get_or_create(&LlmModeLabels { mode: call.mode }).observe(call.latency_ms as f64 / 1000.0);
        self.llm_tokens.get_or_create(&TokenLabels { kind: "prompt" }).inc_by(call.prompt_tokens);
        self.llm_tokens.get_or_create(&TokenLabels { kind: "completion" }).inc_by(call.completion_tokens);
    }

    pub fn cache_hit(&self) {
        self.cache_hits.inc();
    }

    pub fn cache_miss(&self) {
        self.cache_misses.inc();
    }

    pub fn cache_not_modified(&self) {
        self.cache_not_modified.inc();
    }

    fn observe(&self, route: &'static str, method: &'static str, status: StatusCode, seconds: f64) {
        self.requests.get_or_create(&RequestLabels { route, method, status: status.as_u16() }).inc();
        self.latency.get_or_create(&RouteLabels { route, method }).observe(seconds);
    }

    /// The stored copy of a route template from the router.
    fn route(&self, template: &str) -> &'static str {
        if let Some(route) = self.routes.read().expect("routes lock").get(template) {
            return route;
        }
        let mut routes = self.routes.write().expect("routes lock");
        if let Some(route) = routes.get(template) {
            return route;
        }
        let route: &'static str = Box::leak(template.to_owned().into_boxed_str());
        routes.insert(route);
        route
    }
}

/// Standard methods by name; anything else is `other`.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    KNOWN.iter().find(|known| *known == method).map_or("other", |known| known.as_str())
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

/// Middleware: counts and times every request under its route template, so ids in paths do not
/// multiply the series, and logs server failures with the request's id. Logging here, once per
/// failure, keeps a per-request span off the hot path.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let metrics = state.metrics();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| metrics.route(p.as_str()));
    let method = method_label(request.method());
    let request_id = request.headers().get("x-request-id").cloned();
    let started = Instant::now();
    let response = next.run(request).await;
    if let Some(failure) = response.extensions().get::<ServerFailure>() {
        let request_id = request_id.as_ref().and_then(|id| id.to_str().ok()).unwrap_or("");
        tracing::error!(request_id, route, method, code = failure.code, error = %failure.cause, "request failed");
    }
    metrics.observe(route, method, response.status(), started.elapsed().as_secs_f64());
    response
}

/// Prometheus metrics.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "ops",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text", body = String))
)]
pub async fn metrics(State(state): State<AppState>) -> Result<Response> {
    let totals = state.warehouse().with_connection(runs::totals).await?;
    *state.metrics().runs.totals.lock().expect("run totals lock") = totals;
    let (entries, bytes) = state.cache().size().await;
    let metrics = state.metrics();
    metrics.cache_entries.set(entries as i64);
    metrics.cache_bytes.set(bytes as i64);
    metrics.data_version.set(state.warehouse().data_version() as i64);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &metrics.registry)
        .map_err(|e| Error::Internal(format!("encoding metrics: {e}")))?;
    let content_type = HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8");
    Ok(([(header::CONTENT_TYPE, content_type)], text).into_response())
}
