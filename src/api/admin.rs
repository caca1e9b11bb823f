//! Operator actions on a running service (bearer token required): backups.

use axum::extract::State;
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::Admin;
use super::error::ErrorBody;
use super::state::AppState;
use crate::error::{Error, Result};
use crate::warehouse::backup::{Backups, Manifest};

/// A backup the service wrote.
#[derive(Debug, Serialize, ToSchema)]
pub struct BackupResponse {
    /// The new folder under `NA_BACKUP_DIR`, named by the backup's time (UTC).
    #[schema(example = "20260720T031542.123Z")]
    pub folder: String,
    /// Also written into the folder as `manifest.json`.
    pub manifest: Manifest,
    /// Older backups removed to keep `NA_BACKUP_KEEP` of them.
    pub pruned: Vec<String>,
}

/// Backs up the whole warehouse into a new folder under `NA_BACKUP_DIR`.
///
/// One consistent version, as Parquet files and a manifest; queries and refreshes carry on
/// meanwhile. The server names the folder by the time; the request takes no parameters. Restore it
/// with the service stopped: `netflix-analytics restore <folder>`.
#[utoipa::path(
    post,
    path = "/v1/admin/backup",
    tag = "ops",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The backup is complete and on disk", body = BackupResponse),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 403, description = "This process is a read replica (`NA_ROLE=reader`); the writer runs it", body = ErrorBody),
        (status = 409, description = "Another backup is being written", body = ErrorBody),
        (status = 500, description = "The backup could not be written; the service log says why", body = ErrorBody),
        (status = 503, description = "The service is shutting down", body = ErrorBody),
    )
)]
pub async fn backup(
    State(state): State<AppState>,
    _admin: Admin,
    Extension(backups): Extension<Backups>,
) -> Result<Json<BackupResponse>> {
    if state.is_shutting_down() {
        return Err(Error::ShuttingDown);
    }
    if state.warehouse().is_read_replica() {
        return Err(Error::ReadReplica);
    }
    let taken = backups.take(state.warehouse()).await?;
    tracing::info!(folder = %taken.folder, data_version = taken.manifest.data_version, "backup written");
    Ok(Json(BackupResponse { folder: taken.folder, manifest: taken.manifest, pruned: taken.pruned }))
}
