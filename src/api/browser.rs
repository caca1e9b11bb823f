//! What browser dashboards need from the transport: CORS for the configured origins only, and
//! compressed large responses whose ETags stay honest.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, Response, header};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Below this a response is sent as is: compressing it saves too little to pay for the CPU.
const COMPRESS_ABOVE_BYTES: u16 = 1024;

/// `None` when no origin is configured: then the service sends no CORS headers at all and a
/// preflight is answered like any other unsupported method.
pub fn cors(allowed_origins: &[String]) -> Option<CorsLayer> {
    if allowed_origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = allowed_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            // Dashboards read; the admin endpoints are for operators, not for pages.
            .allow_methods([Method::GET, Method::HEAD])
            .allow_headers([header::ACCEPT, header::IF_NONE_MATCH])
            // What a page needs to page, revalidate and name downloads.
            .expose_headers([
                header::ETAG,
                header::LINK,
                header::CONTENT_DISPOSITION,
                HeaderName::from_static("x-data-version"),
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static("x-cache"),
            ])
            .max_age(Duration::from_secs(3600)),
    )
}

/// gzip or brotli (the tower-http features built in), as the client prefers, for responses above
/// `COMPRESS_ABOVE_BYTES`. Brotli runs at tower-http's default level, 4: its own default, 11, takes
/// seconds on a large CSV.
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_ABOVE_BYTES)))
}

/// A strong ETag promises byte-identical bodies, which a compressed body is not; the weak form of
/// the same tag still revalidates (`If-None-Match` compares weakly), whichever encoding the client
/// stored.
pub async fn weaken_etag_when_encoded<B>(mut response: Response<B>) -> Response<B> {
    if response.headers().contains_key(header::CONTENT_ENCODING)
        && let Some(etag) = response.headers().get(header::ETAG)
        && etag.as_bytes().starts_with(b"\"")
        && let Ok(weak) = HeaderValue::from_bytes(&[b"W/", etag.as_bytes()].concat())
    {
        response.headers_mut().insert(header::ETAG, weak);
    }
    response
}
