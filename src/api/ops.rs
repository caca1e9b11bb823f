//! Liveness and readiness for orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`, or `not_ready` while the warehouse is unavailable or the service shuts down.
    #[schema(example = "ready")]
    pub status: &'static str,
    pub warehouse_open: bool,
    pub migrations_applied: bool,
    pub shutting_down: bool,
    pub data_version: u64,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The warehouse is open with every migration applied, and the service is not shutting down.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "ops",
    responses((status = 200, description = "Ready", body = Readiness), (status = 503, description = "Not ready", body = Readiness))
)]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let probe = state.warehouse().is_current().await;
    let warehouse_open = probe.is_ok();
    let migrations_applied = probe.unwrap_or(false);
    let shutting_down = state.is_shutting_down();
    let ready = migrations_applied && !shutting_down;
    let body = Readiness {
        status: if ready { "ready" } else { "not_ready" },
        warehouse_open,
        migrations_applied,
        shutting_down,
        data_version: state.warehouse().data_version(),
    };
    (if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(body))
}
