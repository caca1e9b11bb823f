//! Rendered responses of the query endpoints, kept in memory (moka) and described to HTTP caches.
//!
//! The key is the route, its parameters in canonical form (parsed, so `tv-english` and
//! `TV (English)` share an entry), the format and the warehouse's data version. A refresh that
//! commits changes the version, so nothing stale can be served; entries of older versions are
//! dropped when a newer version is first seen. Concurrent misses for one key wait for a single
//! computation. The cache is bounded by the bytes of the bodies it holds.
//!
//! Every cacheable answer carries a strong `ETag` made from the same key and
//! `Cache-Control: public, max-age=…`; a matching `If-None-Match` gets `304` without touching the
//! warehouse.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use moka::future::Cache;
use sha2::{Digest, Sha256};

use super::format::Format;
use super::metrics::Metrics;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    route: &'static str,
    params: String,
    format: Format,
    version: u64,
}

impl CacheKey {
    /// `params` must be canonical: the same request in any spelling gives the same string.
    pub fn new(route: &'static str, params: String, format: Format, version: u64) -> CacheKey {
        CacheKey { route, params, format, version }
    }

    /// Strong: equal ETags mean byte-identical bodies, because the body is a function of the key.
    pub fn etag(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [self.route, &self.params, self.format.as_str()] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        let digest = hasher.finalize();
        let short: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("\"{}-{short}\"", self.version)
    }
}

/// A response ready to send, cacheable as bytes.
#[derive(Debug)]
pub struct Rendered {
    pub status: StatusCode,
    pub content_type: HeaderValue,
    pub disposition: Option<HeaderValue>,
    pub link: Option<HeaderValue>,
    pub body: Bytes,
}

impl Rendered {
    /// Client errors are answers too (a week that is not there stays not there until the data
    /// changes), so they are cached; server errors are not and stay errors.
    pub fn from_result(result: Result<Rendered>) -> Result<Rendered> {
        match result {
            Err(err) if super::error::status_of(&err).is_client_error() => Ok(super::error::render(&err)),
            other => other,
        }
    }
}

pub struct ResponseCache {
    cache: Option<Cache<CacheKey, Arc<Rendered>>>,
    max_age: Duration,
    newest_version: AtomicU64,
    metrics: Arc<Metrics>,
}

impl ResponseCache {
    /// `max_bytes` of 0 turns caching off (ETags and 304s still work).
    pub fn new(max_bytes: u64, max_age: Duration, metrics: Arc<Metrics>) -> ResponseCache {
        let cache = (max_bytes > 0).then(|| {
            Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|key: &CacheKey, value: &Arc<Rendered>| {
                    u32::try_from(value.body.len() + key.params.len() + 128).unwrap_or(u32::MAX)
                })
                .build()
        });
        ResponseCache { cache, max_age, newest_version: AtomicU64::new(0), metrics }
    }

    /// Entries and bytes held, for `/metrics`.
    pub async fn size(&self) -> (u64, u64) {
        match &self.cache {
            Some(cache) => {
                cache.run_pending_tasks().await;
                (cache.entry_count(), cache.weighted_size())
            }
            None => (0, 0),
        }
    }

    /// Answers a cacheable request: `304` when the client's copy is current, else the cached
    /// response or, on a miss, the one `render` produces (once, however many ask at the same time).
    pub async fn serve<F>(&self, key: CacheKey, request: &HeaderMap, render: F) -> Result<Response>
    where
        F: Future<Output = Result<Rendered>> + Send,
    {
        let etag = key.etag();
        if matches(request, &etag) {
            self.metrics.cache_not_modified();
            return Ok(self.headers(StatusCode::NOT_MODIFIED.into_response(), &etag, key.version));
        }
        let version = key.version;
        let (rendered, hit) = self.get(key, render).await?;
        let mut response = Response::builder()
            .status(rendered.status)
            .header(header::CONTENT_TYPE, rendered.content_type.clone())
            .body(Body::from(rendered.body.clone()))
            .map_err(|e| Error::Internal(format!("building a response: {e}")))?;
        let headers = response.headers_mut();
        if let Some(disposition) = &rendered.disposition {
            headers.insert(header::CONTENT_DISPOSITION, disposition.clone());
        }
        if let Some(link) = &rendered.link {
            headers.insert(header::LINK, link.clone());
        }
        headers.insert("x-cache", HeaderValue::from_static(if hit { "hit" } else { "miss" }));
        Ok(self.headers(response, &etag, version))
    }

    async fn get<F>(&self, key: CacheKey, render: F) -> Result<(Arc<Rendered>, bool)>
    where
        F: Future<Output = Result<Rendered>> + Send,
    {
        let Some(cache) = &self.cache else {
            self.metrics.cache_miss();
            return Ok((Arc::new(Rendered::from_result(render.await)?), false));
        };
        // A newer data version makes every older entry unreachable; free their memory.
        if self.newest_version.fetch_max(key.version, Ordering::AcqRel) < key.version {
            cache.invalidate_all();
        }
        let rendered_here = AtomicBool::new(false);
        let value = cache
            .try_get_with(key, async {
                rendered_here.store(true, Ordering::Release);
                Rendered::from_result(render.await).map(Arc::new)
            })
            .await
            .map_err(|shared: Arc<Error>| Arc::try_unwrap(shared).unwrap_or_else(|e| Error::Internal(e.to_string())))?;
        let hit = !rendered_here.load(Ordering::Acquire);
        if hit {
            self.metrics.cache_hit()
        } else {
            self.metrics.cache_miss()
        }
        Ok((value, hit))
    }

    fn headers(&self, mut response: Response, etag: &str, version: u64) -> Response {
        let headers = response.headers_mut();
        headers.insert(header::ETAG, HeaderValue::from_str(etag).expect("an ETag is ASCII"));
        let control = format!("public, max-age={}", self.max_age.as_secs());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_str(&control).expect("ASCII"));
        headers.insert("x-data-version", HeaderValue::from(version));
        response
    }
}

/// `If-None-Match` lists ETags (or `*`); a weak comparison is right for GET (RFC 9110 13.1.2).
fn matches(request: &HeaderMap, etag: &str) -> bool {
    request.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_differ_by_version_route_parameters_and_format() {
        let key =
            |route, params: &str, format, version| CacheKey::new(route, params.to_owned(), format, version).etag();
        let base = key("global", "week=2026-07-19", Format::Json, 3);
        assert!(base.starts_with("\"3-") && base.ends_with('"'));
        assert_eq!(base, key("global", "week=2026-07-19", Format::Json, 3));
        for other in [
            key("global", "week=2026-07-19", Format::Json, 4),
            key("country", "week=2026-07-19", Format::Json, 3),
            key("global", "week=2026-07-12", Format::Json, 3),
            key("global", "week=2026-07-19", Format::Csv, 3),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_a_star() {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, "\"1-aa\", W/\"3-bb\"".parse().unwrap());
        assert!(matches(&headers, "\"3-bb\""));
        assert!(!matches(&headers, "\"3-cc\""));
        headers.insert(header::IF_NONE_MATCH, "*".parse().unwrap());
        assert!(matches(&headers, "\"9-zz\""));
    }
}
