//! `Error` as an HTTP response: a status per variant and a JSON body `{"code", "message"}`. Server
//! errors are logged with their cause and answered generically.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::cache::Rendered;
use crate::error::Error;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable and machine-readable, e.g. `week_not_found`, `unknown_category`, `ingest_running`.
    #[schema(example = "unknown_category")]
    pub code: String,
    /// What went wrong and what is accepted, for people.
    #[schema(
        example = "unknown category \"Drama\" for the global list; accepted: \"Films (English)\" (films-english), …"
    )]
    pub message: String,
}

pub fn status_of(err: &Error) -> StatusCode {
    match err {
        Error::InvalidParameter { .. }
        | Error::UnknownCategory { .. }
        | Error::AnswerTooLarge { .. }
        | Error::UnknownTool { .. } => {
            StatusCode::BAD_REQUEST
        }
        Error::Unauthorized => StatusCode::UNAUTHORIZED,
        Error::ReadReplica => StatusCode::FORBIDDEN,
        Error::UnknownCountry { .. }
        | Error::WeekNotFound { .. }
        | Error::NoData { .. }
        | Error::RunNotFound(_)
        | Error::TitleNotFound(_)
        | Error::UnknownTitle { .. }
        | Error::ModelNotFound(_)
        | Error::NoModel
        | Error::NoSimilarityBasis(_)
        | Error::UnknownSource { .. }
        | Error::RouteNotFound { .. } => StatusCode::NOT_FOUND,
        Error::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
        Error::IngestRunning { .. } | Error::BackupRunning | Error::NotEnoughHistory => StatusCode::CONFLICT,
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::ShuttingDown
        | Error::Cancelled
        | Error::Interrupted
        | Error::Timeout
        | Error::Abandoned
        | Error::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
        Error::Download { .. }
        | Error::UpstreamStatus { .. }
        | Error::DownloadTooLarge { .. }
        | Error::InvalidFile { .. }
        | Error::TooManyRejected { .. }
        | Error::ApiRefused { .. }
        | Error::QuotaExhausted { .. }
        | Error::InvalidResponse { .. }
        | Error::StepsFailed { .. } => StatusCode::BAD_GATEWAY,
        Error::MissingApiKey { .. } | Error::LlmNotConfigured => StatusCode::SERVICE_UNAVAILABLE,
        Error::LlmFailed { .. } | Error::LlmMalformedOutput { .. } => StatusCode::BAD_GATEWAY,
        Error::MigrationChanged { .. }
        // Over HTTP the server picks the backup folder: any of these is the server's problem.
        | Error::TargetNotEmpty { .. }
        | Error::InvalidBackup { .. }
        | Error::BackupFailed { .. }
        | Error::PublishFailed { .. }
        | Error::UnknownMigration { .. }
        | Error::WarehouseOpen { .. }
        | Error::LakeSchema { .. }
        | Error::Warehouse(_)
        | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A client error as a cacheable response.
pub fn render(err: &Error) -> Rendered {
    let body = ErrorBody { code: err.code().to_owned(), message: err.to_string() };
    Rendered::new(
        status_of(err),
        HeaderValue::from_static("application/json"),
        serde_json::to_vec(&body).unwrap_or_default().into(),
    )
}

/// The cause of a server error, carried on the response to the middleware that logs it with the
/// request's id and route (`metrics::track`); the client is told only where to look.
#[derive(Debug, Clone)]
pub struct ServerFailure {
    pub code: &'static str,
    pub cause: String,
}

/// The response for any error, however many requests share it (a failed computation the cache
/// coalesced is answered to every waiter with the same code).
pub fn respond(err: &Error) -> Response {
    let status = status_of(err);
    let hidden = status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE;
    let message = if hidden {
        "internal error; the service log has the details under this response's x-request-id".to_owned()
    } else {
        err.to_string()
    };
    let mut response = (status, Json(ErrorBody { code: err.code().to_owned(), message })).into_response();
    if hidden {
        response.extensions_mut().insert(ServerFailure { code: err.code(), cause: err.to_string() });
    }
    let headers = response.headers_mut();
    match err {
        Error::Unauthorized => {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        Error::Overloaded { .. } | Error::Abandoned | Error::Timeout => {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        Error::RateLimited { retry_after_secs, .. } => {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        _ => {}
    }
    response
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        respond(&self)
    }
}
