//! The dashboard page at `/`: one static HTML file with a little JavaScript that composes the SVG
//! charts of the analytics endpoints. Compiled in, so the binary serves it with nothing to deploy,
//! and it fetches nothing but our own endpoints.

use axum::http::header;
use axum::response::IntoResponse;

const PAGE: &str = include_str!("dashboard.html");

pub async fn page() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // The page's script and styles are inline; everything else it loads is ours.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
            ),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        PAGE,
    )
}
