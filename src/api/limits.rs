//! What keeps one client, or many, from taking the service down: a bound on requests in flight
//! (more are shed with `503` and `Retry-After` rather than queued without end), a time limit per
//! request, a rate limit per client on the ingestion triggers, and request ids that are ours.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::Semaphore;
use tower_http::request_id::{MakeRequestId, RequestId};

use crate::error::Error;

/// Probes and scrapes must answer while the service is saturated, or an orchestrator would restart
/// a busy instance.
const NEVER_SHED: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// A request over the limit is refused at once: queueing it would only make every answer late.
pub async fn shed_load(semaphore: Arc<Semaphore>, limit: usize, request: Request, next: Next) -> Response {
    if NEVER_SHED.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    match semaphore.try_acquire_owned() {
        Ok(_permit) => next.run(request).await,
        Err(_) => Error::Overloaded { limit }.into_response(),
    }
}

/// A request that outlives the limit gets a JSON 503. Dropping the handler's future interrupts
/// the warehouse statement it was waiting for (see `Warehouse::read`).
pub async fn time_limit(request: Request, next: Next, limit: Duration) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Error::Timeout.into_response(),
    }
}

/// Keeps a client's `X-Request-Id` only when it is a plain token of reasonable length; anything
/// else is dropped and replaced by one of ours, so logs carry no client-chosen text.
pub async fn sanitize_request_id(mut request: Request, next: Next) -> Response {
    let acceptable = |value: &HeaderValue| {
        let bytes = value.as_bytes();
        (1..=64).contains(&bytes.len()) && bytes.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
    };
    let headers = request.headers_mut();
    if headers.get_all("x-request-id").iter().count() > 1 || headers.get("x-request-id").is_some_and(|v| !acceptable(v))
    {
        headers.remove("x-request-id");
    }
    next.run(request).await
}

/// Triggers per client address and minute.
pub struct TriggerLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    per_minute: u32,
}

impl TriggerLimiter {
    /// Past this many client addresses, the ones whose allowance has fully recovered are forgotten.
    const MAX_CLIENTS: usize = 10_000;

    pub fn new(per_minute: u32) -> TriggerLimiter {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        TriggerLimiter { limiter: RateLimiter::keyed(quota), per_minute }
    }

    pub fn check(&self, client: IpAddr) -> Result<(), Error> {
        if self.limiter.len() > Self::MAX_CLIENTS {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Error::RateLimited {
                what: "the ingestion triggers",
                per_minute: self.per_minute,
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }
}

/// Request ids in UUID form: a random prefix drawn at start and a counter, so each id costs an
/// increment rather than a call to the system's random source. The counter's 16 hex digits are
/// written straight into the prefix's copy: `format!` of the five fields cost more than the rest of
/// a cached answer's bookkeeping.
#[derive(Clone)]
pub struct RequestIds {
    inner: Arc<(RequestIdPrefix, std::sync::atomic::AtomicU64)>,
}

/// The id's first 19 characters, `xxxxxxxx-xxxx-xxxx-`; the counter fills `xxxx-xxxxxxxxxxxx`.
type RequestIdPrefix = [u8; 19];

impl Default for RequestIds {
    fn default() -> RequestIds {
        let random: u64 = rand::random();
        let mut prefix = [b'-'; 19];
        hex_into(&mut prefix[0..8], random >> 32);
        hex_into(&mut prefix[9..13], random >> 16);
        hex_into(&mut prefix[14..18], random);
        RequestIds { inner: Arc::new((prefix, std::sync::atomic::AtomicU64::new(0))) }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let (prefix, counter) = &*self.inner;
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut id = [b'-'; 36];
        id[..19].copy_from_slice(prefix);
        hex_into(&mut id[19..23], n >> 48);
        hex_into(&mut id[24..36], n);
        HeaderValue::from_bytes(&id).ok().map(RequestId::new)
    }
}

/// The low `4 * out.len()` bits of `value`, as lower-case hex.
fn hex_into(out: &mut [u8], mut value: u64) {
    for digit in out.iter_mut().rev() {
        *digit = b"0123456789abcdef"[(value & 0xf) as usize];
        value >>= 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_uuid_shaped_share_the_prefix_and_count_up() {
        let mut ids = RequestIds::default();
        let request = axum::http::Request::new(());
        let mut next = || ids.make_request_id(&request).unwrap().into_header_value().to_str().unwrap().to_owned();
        let (first, second) = (next(), next());
        for id in [&first, &second] {
            let groups: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
            assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");
        }
        assert_eq!(first[..19], second[..19]);
        assert_eq!(&first[19..], "0000-000000000000");
        assert_eq!(&second[19..], "0000-000000000001");
    }
}
