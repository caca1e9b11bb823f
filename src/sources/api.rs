//! Calling JSON APIs politely: requests are paced, throttling and server errors are retried with
//! exponential backoff and jitter (or after `Retry-After` when the server says), and each API
//! decides which answers are worth retrying. Keys travel in headers, never in URLs, so no URL that
//! reaches a log, an error or a run record can carry one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use tokio::sync::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::domain::Progress;
use crate::error::{Error, Result};

/// Longest wait a `Retry-After` may ask for; a longer one fails the run instead of stalling it.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);
/// Backoff never grows past this.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// An API page is small; anything bigger is not the API we think it is.
const MAX_BODY_BYTES: usize = 64 << 20;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base: Duration,
}

impl RetryPolicy {
    /// `base * 2^attempt`, capped, with "equal jitter": half fixed, half random, so that clients
    /// throttled together do not come back together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self.base.saturating_mul(2u32.saturating_pow(attempt)).min(MAX_BACKOFF);
        let half = exponential / 2;
        half + half.mul_f64(rand::random::<f64>())
    }

    /// How long to wait before retrying after failed attempt number `attempt` (0-based): the
    /// server's `Retry-After` when it gave one, else the backoff. An error when the retries are
    /// used up or the server asks for a longer wait than a run stalls for; it says why, with `reason`.
    pub fn wait(&self, attempt: u32, retry_after: Option<Duration>, reason: &str) -> Result<Duration, String> {
        if attempt >= self.max_retries {
            return Err(format!("{reason}; gave up after {} attempts", attempt + 1));
        }
        match retry_after {
            Some(after) if after > MAX_RETRY_AFTER => {
                Err(format!("{reason}; the server asks to wait {} s, longer than this run waits", after.as_secs()))
            }
            Some(after) => Ok(after),
            None => Ok(self.backoff(attempt)),
        }
    }
}

/// Spaces requests at least `interval` apart, across every task sharing it.
pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    pub fn per_second(rate: f64) -> Pacer {
        Pacer { interval: Duration::from_secs_f64(1.0 / rate), next: Mutex::new(Instant::now()) }
    }

    pub async fn wait(&self) {
        let mut next = self.next.lock().await;
        let now = Instant::now();
        if *next > now {
            tokio::time::sleep_until(*next).await;
        }
        *next = Instant::now().max(*next) + self.interval;
    }

    /// The provider said its window is used up: hold every request until it resets.
    pub async fn hold_for(&self, pause: Duration) {
        let mut next = self.next.lock().await;
        *next = (*next).max(Instant::now() + pause);
    }
}

/// What an API makes of a non-2xx answer.
pub enum Verdict {
    /// Throttling or a transient failure; `after` is the server's own wait, if it gave one.
    Retry { after: Option<Duration>, reason: String },
    /// Retrying cannot help (bad key, exhausted quota, bad request): the run ends with this.
    Fail(Error),
    /// An answer the caller handles itself, such as a video whose comments are turned off.
    Accept,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Counts what a sequence of calls cost, for the run record, and reports each call to `progress`.
#[derive(Debug, Default, Clone)]
pub struct CallStats {
    pub requests: u64,
    pub retries: u64,
    pub progress: Progress,
}

/// Sends the request `build` makes (once per attempt) until it succeeds, a verdict says fail, or
/// the retries are used up. `label` names the call in errors, without any secret.
pub async fn call(
    label: &str,
    build: impl Fn() -> RequestBuilder,
    classify: impl Fn(StatusCode, &HeaderMap, &[u8]) -> Verdict,
    policy: RetryPolicy,
    cancel: &CancellationToken,
    stats: &mut CallStats,
) -> Result<Answer> {
    let mut attempt = 0;
    loop {
        stats.requests += 1;
        stats.progress.request();
        let outcome = tokio::select! {
            outcome = send(build()) => outcome,
            _ = cancel.cancelled() => return Err(Error::Cancelled),
        };
        let (wait, reason) = match outcome {
            Ok((status, headers, body)) if status.is_success() => {
                stats.progress.bytes(body.len() as u64);
                stats.progress.page();
                return Ok(Answer { status, headers, body });
            }
            Ok((status, headers, body)) => match classify(status, &headers, &body) {
                Verdict::Fail(err) => return Err(err),
                Verdict::Accept => return Ok(Answer { status, headers, body }),
                Verdict::Retry { after, reason } => (after, reason),
            },
            // Connection resets and timeouts are worth another try.
            Err(reason) => (None, reason),
        };
        let wait =
            policy.wait(attempt, wait, &reason).map_err(|reason| Error::Download { url: label.to_owned(), reason })?;
        tracing::warn!(call = label, attempt = attempt + 1, wait_ms = wait.as_millis() as u64, reason, "retrying");
        stats.retries += 1;
        attempt += 1;
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = cancel.cancelled() => return Err(Error::Cancelled),
        }
    }
}

async fn send(request: RequestBuilder) -> Result<(StatusCode, HeaderMap, Vec<u8>), String> {
    let response = request.send().await.map_err(super::http::describe)?;
    let status = response.status();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(super::http::describe)?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(format!("the answer is larger than {MAX_BODY_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, headers, body))
}

/// `Retry-After` as delay-seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

/// Parses a JSON body, naming the call and where parsing stopped when it is not what was expected.
pub fn parse_json<T: serde::de::DeserializeOwned>(label: &str, body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| Error::InvalidResponse { call: label.to_owned(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy { max_retries: 5, base: Duration::from_millis(1000) };
        for attempt in 0..4 {
            let full = Duration::from_millis(1000 * 2u64.pow(attempt));
            let wait = policy.backoff(attempt);
            assert!(wait >= full / 2 && wait <= full, "attempt {attempt}: {wait:?}");
        }
        assert!(policy.backoff(30) <= MAX_BACKOFF);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().with_timezone(&Utc);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert("retry-after", "Tue, 24 Nov 2026 10:00:30 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }
}
