//! Downloads to a temporary file, streamed and hashed on the way, so a tens-of-megabytes feed is never
//! held in memory and a byte-identical revision can be recognised by its SHA-256. `file://` URLs are
//! copied the same way, which makes local feeds (the demo, tests, air-gapped mirrors) behave exactly
//! like remote ones. Every download, remote or local, stops at one size cap.

use std::error::Error as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::api::{self, RetryPolicy};
use crate::domain::Progress;
use crate::error::{Error, Result};

/// Temporary downloads are named with this prefix, so a leftover one is recognisable as ours.
const TEMP_PREFIX: &str = "download-";

pub struct Fetcher {
    client: reqwest::Client,
    temp_dir: PathBuf,
    max_bytes: u64,
    retry: RetryPolicy,
}

/// A downloaded file; deleted when dropped.
pub struct Download {
    /// As it may be shown: see `redact`.
    pub url: String,
    pub path: TempPath,
    pub bytes: u64,
    pub sha256: String,
    pub fetched_at: DateTime<Utc>,
}

/// Why one attempt at a remote download failed.
enum Failure {
    /// Worth another attempt: a refused, dropped or timed-out transfer, throttling, a server error.
    Transient { status: Option<StatusCode>, retry_after: Option<Duration>, reason: String },
    /// Retrying cannot help.
    Final(Error),
}

impl Fetcher {
    /// `temp_dir` must belong to this process alone (the pipeline names it after the warehouse, which
    /// one process holds open): anything in it at start was left by a process killed mid-download
    /// and is deleted.
    pub fn new(temp_dir: PathBuf, timeout: Duration, max_bytes: u64, retry: RetryPolicy) -> Result<Fetcher> {
        std::fs::create_dir_all(&temp_dir)
            .map_err(|e| Error::Internal(format!("cannot create {}: {e}", temp_dir.display())))?;
        remove_stale_downloads(&temp_dir);
        let client = reqwest::Client::builder()
            .user_agent(concat!("netflix-analytics/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(30).min(timeout))
            .timeout(timeout)
            .build()
            .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher { client, temp_dir, max_bytes, retry })
    }

    /// Follows redirects (Netflix moved the files with a 301 in 2023). Transfers that fail, 429s,
    /// 408s and 5xx are retried as the retry policy says; any other non-2xx status fails at once.
    /// Reports the bytes as they arrive, against the size when it is known.
    pub async fn download(&self, url: &Url, cancel: &CancellationToken, progress: &Progress) -> Result<Download> {
        let shown = redact(url);
        let fetched_at = Utc::now();
        let (path, bytes, sha256) = if url.scheme() == "file" {
            self.copy_local(url, &shown, progress.clone()).await?
        } else {
            self.fetch_remote(url, &shown, cancel, progress).await?
        };
        tracing::info!(url = %shown, bytes, "downloaded");
        Ok(Download { url: shown, path, bytes, sha256, fetched_at })
    }

    fn temp_file(&self) -> Result<tempfile::NamedTempFile> {
        tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(&self.temp_dir)
            .map_err(|e| Error::Internal(format!("cannot create a file in {}: {e}", self.temp_dir.display())))
    }

    fn too_large(&self, shown: &str) -> Error {
        Error::DownloadTooLarge { url: shown.to_owned(), limit: self.max_bytes }
    }

    async fn fetch_remote(
        &self,
        url: &Url,
        shown: &str,
        cancel: &CancellationToken,
        progress: &Progress,
    ) -> Result<(TempPath, u64, String)> {
        let mut attempt = 0;
        loop {
            let failure = tokio::select! {
                outcome = self.fetch_once(url, shown, progress) => match outcome {
                    Ok(done) => return Ok(done),
                    Err(failure) => failure,
                },
                _ = cancel.cancelled() => return Err(Error::Cancelled),
            };
            let (status, retry_after, reason) = match failure {
                Failure::Final(err) => return Err(err),
                Failure::Transient { status, retry_after, reason } => (status, retry_after, reason),
            };
            let wait = self.retry.wait(attempt, retry_after, &reason).map_err(|reason| match status {
                // Out of retries on an HTTP status: the error names the status, as a first refusal does.
                Some(status) if attempt >= self.retry.max_retries => {
                    Error::UpstreamStatus { url: shown.to_owned(), status: status.as_u16(), attempts: attempt + 1 }
                }
                _ => Error::Download { url: shown.to_owned(), reason },
            })?;
            tracing::warn!(url = %shown, attempt = attempt + 1, wait_ms = wait.as_millis() as u64, reason, "retrying");
            attempt += 1;
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = cancel.cancelled() => return Err(Error::Cancelled),
            }
        }
    }

    async fn fetch_once(
        &self,
        url: &Url,
        shown: &str,
        progress: &Progress,
    ) -> Result<(TempPath, u64, String), Failure> {
        let transient = |reason: String| Failure::Transient { status: None, retry_after: None, reason };
        let response = self.client.get(url.clone()).send().await.map_err(|e| transient(describe(e)))?;
        let status = response.status();
        if !status.is_success() {
            if status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::REQUEST_TIMEOUT
                || status.is_server_error()
            {
                return Err(Failure::Transient {
                    status: Some(status),
                    retry_after: api::retry_after(response.headers(), Utc::now()),
                    reason: format!("HTTP {}", status.as_u16()),
                });
            }
            return Err(Failure::Final(Error::UpstreamStatus {
                url: shown.to_owned(),
                status: status.as_u16(),
                attempts: 1,
            }));
        }
        if response.content_length().is_some_and(|length| length > self.max_bytes) {
            return Err(Failure::Final(self.too_large(shown)));
        }
        if let Some(total) = response.content_length() {
            progress.expect(total, "bytes");
        }
        let failed = |reason: String| Failure::Final(Error::Download { url: shown.to_owned(), reason });
        let temp = self.temp_file().map_err(Failure::Final)?;
        let (std_file, path) = temp.into_parts();
        let mut file = tokio::fs::File::from_std(std_file);
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            // A body cut off mid-transfer ends here; the next attempt starts over.
            let chunk = chunk.map_err(|e| transient(describe(e)))?;
            bytes += chunk.len() as u64;
            if bytes > self.max_bytes {
                return Err(Failure::Final(self.too_large(shown)));
            }
            hasher.update(&chunk);
            progress.bytes(chunk.len() as u64);
            progress.advance(chunk.len() as u64);
            file.write_all(&chunk).await.map_err(|e| failed(format!("writing {}: {e}", path.display())))?;
        }
        file.flush().await.map_err(|e| failed(format!("writing {}: {e}", path.display())))?;
        Ok((path, bytes, format!("{:x}", hasher.finalize())))
    }

    async fn copy_local(&self, url: &Url, shown: &str, progress: Progress) -> Result<(TempPath, u64, String)> {
        let failed = |reason: String| Error::Download { url: shown.to_owned(), reason };
        let source = url.to_file_path().map_err(|_| failed("not a local file path".into()))?;
        let temp = self.temp_file()?;
        let max_bytes = self.max_bytes;
        match tokio::task::spawn_blocking(move || copy_hashed(&source, temp, max_bytes, &progress)).await? {
            Ok(copied) => Ok(copied),
            Err(Copy::TooLarge) => Err(self.too_large(shown)),
            Err(Copy::Failed(reason)) => Err(failed(reason)),
        }
    }
}

enum Copy {
    TooLarge,
    Failed(String),
}

/// Counts as it copies rather than trusting the file's size: a device or a growing file has none.
fn copy_hashed(
    source: &Path,
    temp: tempfile::NamedTempFile,
    max_bytes: u64,
    progress: &Progress,
) -> Result<(TempPath, u64, String), Copy> {
    let failed = |path: &Path, e: std::io::Error| Copy::Failed(format!("{}: {e}", path.display()));
    let mut input = std::fs::File::open(source).map_err(|e| failed(source, e))?;
    if let Ok(metadata) = input.metadata() {
        if metadata.len() > max_bytes {
            return Err(Copy::TooLarge);
        }
        progress.expect(metadata.len(), "bytes");
    }
    let (mut output, path) = temp.into_parts();
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = input.read(&mut buffer).map_err(|e| failed(source, e))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        if bytes > max_bytes {
            return Err(Copy::TooLarge);
        }
        hasher.update(&buffer[..n]);
        progress.bytes(n as u64);
        progress.advance(n as u64);
        output.write_all(&buffer[..n]).map_err(|e| failed(&path, e))?;
    }
    Ok((path, bytes, format!("{:x}", hasher.finalize())))
}

/// Deletes the downloads a killed process left behind. Failing to is worth a warning, not a refusal
/// to start.
fn remove_stale_downloads(dir: &Path) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            tracing::warn!(dir = %dir.display(), error = %err, "cannot list the download folder");
            return;
        }
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Ok(()) => tracing::info!(file = %entry.path().display(), "removed a download left by an earlier process"),
            Err(err) => tracing::warn!(file = %entry.path().display(), error = %err, "cannot remove a stale download"),
        }
    }
}

/// A URL as it may be shown in a log, an error or a run record: credentials (`user:pass@`) and
/// query values (where `?key=` and signed URLs carry secrets) are masked, the fragment dropped.
pub fn redact(url: &Url) -> String {
    const MASK: &str = "***";
    let mut shown = url.clone();
    if !shown.username().is_empty() || shown.password().is_some() {
        // Only URLs that cannot have credentials refuse these, and they have none to hide.
        let _ = shown.set_username(MASK);
        let _ = shown.set_password(None);
    }
    if shown.query().is_some() {
        let names: Vec<String> = shown.query_pairs().map(|(name, _)| name.into_owned()).collect();
        shown.query_pairs_mut().clear().extend_pairs(names.iter().map(|name| (name, MASK)));
    }
    shown.set_fragment(None);
    shown.to_string()
}

/// reqwest's own message is terse ("error sending request"); the cause chain says what happened.
/// The URL is left out: the caller names it, and query strings can carry API keys.
pub(crate) fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut message = if err.is_timeout() { "timed out".to_owned() } else { String::new() };
    let mut cause: Option<&dyn std::error::Error> = err.source();
    while let Some(inner) = cause {
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    if message.is_empty() {
        message = err.to_string();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_masks_credentials_and_query_values_and_keeps_the_rest() {
        let url: Url =
            "https://user:s3cret@cdn.example.com/top10/all-weeks-global.tsv?key=AIza123&v=2#frag".parse().unwrap();
        let shown = redact(&url);
        assert_eq!(shown, "https://***@cdn.example.com/top10/all-weeks-global.tsv?key=***&v=***");
        let plain: Url = "https://www.netflix.com/tudum/top10/data/most-popular.tsv".parse().unwrap();
        assert_eq!(redact(&plain), plain.as_str());
        let local: Url = "file:///srv/top10/most-popular.tsv".parse().unwrap();
        assert_eq!(redact(&local), local.as_str());
    }
}
