//! Rendered responses of the query endpoints, kept in memory (moka) and described to HTTP caches.
//!
//! The key is the route, its question in canonical form (parsed, so `tv-english` and
//! `TV (English)` share an entry), the format and the warehouse's data version. A refresh that
//! commits changes the version, so nothing stale can be served; entries of older versions are
//! dropped when a newer version is first seen. Concurrent misses for one key wait for a single
//! computation. The cache is bounded by the bytes of the bodies it holds.
//!
//! Every successful answer carries a strong `ETag` made from the same key and
//! `Cache-Control: public, max-age=…`; a matching `If-None-Match` gets `304` without touching the
//! warehouse. Whatever a hit sends is computed once: the body when the entry is stored, its gzip or
//! brotli form when a client first asks for it compressed (`Rendered::encoded`), so a compressed hit
//! is bytes only, like a plain one.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use moka::future::Cache;
use sha2::{Digest, Sha256};

use super::browser::{COMPRESS_ABOVE_BYTES, Encoding};
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
    /// Set when the response is stored: successful answers only.
    etag: Option<HeaderValue>,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl Rendered {
    pub fn new(status: StatusCode, content_type: HeaderValue, body: Bytes) -> Rendered {
        Rendered {
            status,
            content_type,
            disposition: None,
            link: None,
            body,
            etag: None,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The body compressed, made by the first request that asks for this encoding and kept. Two
    /// first requests at once may both compress; one result is kept, and both are the same bytes.
    fn encoded(&self, encoding: Encoding) -> Bytes {
        let kept = match encoding {
            Encoding::Gzip => &self.gzip,
            Encoding::Brotli => &self.brotli,
        };
        if let Some(bytes) = kept.get() {
            return bytes.clone();
        }
        let bytes = encoding.compress(&self.body);
        kept.get_or_init(|| bytes).clone()
    }

    /// The bytes an entry holds, counting room for its compressed forms: together they come to well
    /// under half the body (on the real data, gzip and brotli together: 27% of `top-titles?limit=all` as
    /// JSON, 30% of a week's global list, 19% of a chart).
    fn weight(&self) -> usize {
        let compressible = self.body.len() >= usize::from(COMPRESS_ABOVE_BYTES);
        self.body.len() + if compressible { self.body.len() / 2 } else { 0 }
    }

    /// Client errors are answers too (a week that is not there stays not there until the data
    /// changes), so they are cached; server errors are not and stay errors.
    fn from_result(result: Result<Rendered>) -> Result<Rendered> {
        match result {
            Err(err) if super::error::status_of(&err).is_client_error() => Ok(super::error::render(&err)),
            other => other,
        }
    }

    fn tagged(mut self, key: &CacheKey) -> Rendered {
        if self.status.is_success() {
            self.etag = HeaderValue::from_str(&key.etag()).ok();
        }
        self
    }
}

pub struct ResponseCache {
    // foldhash, seeded per process, rather than SipHash: hashing a key cost more than the lookup
    // around it, and the cache is bounded whatever keys clients make.
    cache: Option<Cache<CacheKey, Arc<Rendered>, foldhash::fast::RandomState>>,
    cache_control: HeaderValue,
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
                    u32::try_from(value.weight() + key.params.len() + 128).unwrap_or(u32::MAX)
                })
                .build_with_hasher(foldhash::fast::RandomState::default())
        });
        let cache_control = HeaderValue::from_str(&format!("public, max-age={}", max_age.as_secs()))
            .expect("a number is a valid header value");
        ResponseCache { cache, cache_control, newest_version: AtomicU64::new(0), metrics }
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
    pub async fn serve<F>(&self, key: CacheKey, request: &HeaderMap, render: F) -> Response
    where
        F: Future<Output = Result<Rendered>> + Send,
    {
        let conditional = request.get(header::IF_NONE_MATCH).is_some();
        if let Some(cache) = &self.cache {
            if self.newest_version.fetch_max(key.version, Ordering::AcqRel) < key.version {
                // A newer data version makes every older entry unreachable; free their memory.
                cache.invalidate_all();
            }
            if let Some(stored) = cache.get(&key).await {
                if conditional && not_modified(request, &stored) {
                    self.metrics.cache_not_modified();
                    return self.not_modified(&stored, key.version);
                }
                self.metrics.cache_hit();
                return self.respond(&stored, request, key.version, true);
            }
        }
        if let Some(response) = self.current_by_tag(&key, request) {
            return response;
        }
        let version = key.version;
        match self.compute(key, render).await {
            Ok((stored, _)) if conditional && not_modified(request, &stored) => {
                self.metrics.cache_not_modified();
                self.not_modified(&stored, version)
            }
            Ok((stored, hit)) => {
                if hit {
                    self.metrics.cache_hit()
                } else {
                    self.metrics.cache_miss()
                }
                self.respond(&stored, request, version, hit)
            }
            Err(err) => super::error::respond(&err),
        }
    }

    /// Answers a request whose response is not stored (a streamed body can be sent only once):
    /// `304` when the client's tag names the key, else the response `render` produces, described
    /// like a stored one.
    pub async fn serve_uncached<F>(&self, key: CacheKey, request: &HeaderMap, render: F) -> Response
    where
        F: Future<Output = Result<Response>> + Send,
    {
        if let Some(response) = self.current_by_tag(&key, request) {
            return response;
        }
        match render.await {
            Ok(mut response) => {
                self.metrics.cache_miss();
                response.headers_mut().insert("x-cache", HeaderValue::from_static("miss"));
                let tag = HeaderValue::from_str(&key.etag()).ok();
                self.describe(&mut response, tag.as_ref(), key.version);
                response
            }
            Err(err) => super::error::respond(&err),
        }
    }

    /// Only a successful answer carries the key's tag, so a client holding it was sent a 200 for
    /// this very key: it is still current without asking the warehouse.
    fn current_by_tag(&self, key: &CacheKey, request: &HeaderMap) -> Option<Response> {
        if !tag_listed(request, &key.etag()) {
            return None;
        }
        self.metrics.cache_not_modified();
        let tag = HeaderValue::from_str(&key.etag()).ok();
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        self.describe(&mut response, tag.as_ref(), key.version);
        Some(response)
    }

    /// Runs `render` for a key not found, once for all who ask at the same time. The flag says
    /// whether another request computed it.
    async fn compute<F>(&self, key: CacheKey, render: F) -> Result<(Arc<Rendered>, bool), Arc<Error>>
    where
        F: Future<Output = Result<Rendered>> + Send,
    {
        let Some(cache) = &self.cache else {
            let rendered = Rendered::from_result(render.await).map_err(Arc::new)?;
            return Ok((Arc::new(rendered.tagged(&key)), false));
        };
        let tag_key = key.clone();
        let computed_here = std::sync::atomic::AtomicBool::new(false);
        let stored = cache
            .try_get_with(key, async {
                computed_here.store(true, Ordering::Release);
                Rendered::from_result(render.await).map(|r| Arc::new(r.tagged(&tag_key)))
            })
            .await?;
        Ok((stored, !computed_here.load(Ordering::Acquire)))
    }

    /// Sends the stored answer, compressed as the client prefers from the bytes kept with the entry;
    /// the compression layer leaves a response that is already encoded alone.
    fn respond(&self, stored: &Rendered, request: &HeaderMap, version: u64, hit: bool) -> Response {
        let encoding = Encoding::negotiate(request, stored.body.len());
        let body = encoding.map_or_else(|| stored.body.clone(), |encoding| stored.encoded(encoding));
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = stored.status;
        let headers = response.headers_mut();
        // Room for these and the ones later layers and hyper add, so the map never grows.
        headers.reserve(12);
        headers.insert(header::CONTENT_TYPE, stored.content_type.clone());
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, encoding.header_value());
        }
        if let Some(disposition) = &stored.disposition {
            headers.insert(header::CONTENT_DISPOSITION, disposition.clone());
        }
        if let Some(link) = &stored.link {
            headers.insert(header::LINK, link.clone());
        }
        headers.insert("x-cache", HeaderValue::from_static(if hit { "hit" } else { "miss" }));
        self.describe(&mut response, stored.etag.as_ref(), version);
        response
    }

    fn not_modified(&self, stored: &Rendered, version: u64) -> Response {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        self.describe(&mut response, stored.etag.as_ref(), version);
        response
    }

    fn describe(&self, response: &mut Response, etag: Option<&HeaderValue>, version: u64) {
        let headers = response.headers_mut();
        if let Some(etag) = etag {
            headers.insert(header::ETAG, etag.clone());
            headers.insert(header::CACHE_CONTROL, self.cache_control.clone());
        }
        // Large answers are compressed for clients that accept it (`api::browser`); saying so on
        // every answer, 304s included, keeps shared caches from serving one encoding to all.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert("x-data-version", HeaderValue::from(version));
    }
}

/// `If-None-Match` names the stored answer: by its tag, or by `*` when there is a current
/// successful answer (RFC 9110 13.1.2; a weak comparison is right for GET).
fn not_modified(request: &HeaderMap, stored: &Rendered) -> bool {
    let Some(etag) = &stored.etag else { return false };
    etag.to_str().is_ok_and(|etag| tag_listed(request, etag)) || listed(request).any(|tag| tag == "*")
}

fn tag_listed(request: &HeaderMap, etag: &str) -> bool {
    listed(request).any(|tag| tag.trim_start_matches("W/") == etag)
}

fn listed(request: &HeaderMap) -> impl Iterator<Item = &str> {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
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

    fn stored(status: StatusCode) -> Rendered {
        let key = CacheKey::new("global", String::new(), Format::Json, 3);
        Rendered::new(status, HeaderValue::from_static("application/json"), Bytes::new()).tagged(&key)
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_a_star_for_a_successful_answer_only() {
        let ok = stored(StatusCode::OK);
        let tag = ok.etag.clone().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, format!("\"1-aa\", W/{}", tag.to_str().unwrap()).parse().unwrap());
        assert!(not_modified(&headers, &ok));
        headers.insert(header::IF_NONE_MATCH, "\"3-cc\"".parse().unwrap());
        assert!(!not_modified(&headers, &ok));
        headers.insert(header::IF_NONE_MATCH, "*".parse().unwrap());
        assert!(not_modified(&headers, &ok));
        assert!(!not_modified(&headers, &stored(StatusCode::NOT_FOUND)), "no current answer for `*` to match");
    }
}
