//! A YouTube refresh. Fetching crawls the channel within what is left of today's quota budget and
//! parses the videos; loading writes the videos, a statistics snapshot for each and the channel's
//! counts inside the caller's transaction. A missing key fails the run at once; an exhausted quota
//! or a refused key ends it with nothing written.

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::America::Los_Angeles;
use duckdb::Connection;
use sha2::{Digest, Sha256};

use super::{Changed, RunContext, Settings};
use crate::domain::{FileReport, RejectedRow, RunId};
use crate::error::{Error, Result};
use crate::sources::api::CallStats;
use crate::sources::youtube::{Crawl, Video, YouTubeClient};
use crate::warehouse::youtube::{self as store, YouTubeLoad};

const REJECTED_SAMPLE: usize = 20;

/// A finished crawl and the distinct videos parsed from it.
pub struct Fetched {
    crawl: Crawl,
    videos: Vec<Video>,
    comments_fetched: bool,
}

pub async fn fetch(
    context: &RunContext,
    http: &reqwest::Client,
    settings: &Settings,
    files: &mut Vec<FileReport>,
    quota_units: &mut Option<u64>,
) -> Result<Fetched> {
    let config = &settings.youtube;
    let key = config.api_key.clone().ok_or(Error::MissingApiKey { variable: "NA_YOUTUBE_API_KEY" })?;
    let since = start_of_quota_day(Utc::now());
    let spent = context.warehouse.with_connection(move |conn| store::quota_spent_since(conn, since)).await?;
    let budget = config.daily_quota.saturating_sub(spent);

    files.push(FileReport {
        file: format!("channel {} uploads", config.channel_id),
        url: config.base_url.to_string(),
        ..FileReport::default()
    });
    let report = files.last_mut().expect("just pushed");
    let client = YouTubeClient::new(http.clone(), config.base_url.clone(), key, settings.retry);
    let mut crawl =
        Crawl { stats: CallStats { progress: context.progress.clone(), ..CallStats::default() }, ..Crawl::default() };
    let crawled =
        client.crawl(&config.channel_id, &config.region, config.comments, budget, &context.cancel, &mut crawl).await;
    *quota_units = Some(crawl.stats.requests);
    report.requests = Some(crawl.stats.requests);
    report.retries = Some(crawl.stats.retries);
    report.bytes = crawl.responses.iter().map(|r| r.body.len() as u64).sum();
    report.note = crawl.stopped_for_budget.clone();
    crawled.map_err(|err| report.fail(err))?;

    let mut videos: Vec<Video> = Vec::new();
    let mut seen = HashSet::new();
    for parsed in std::mem::take(&mut crawl.videos) {
        report.rows_read += 1;
        match parsed {
            Ok(video) if seen.insert(video.video_id.clone()) => videos.push(video),
            Ok(_) => {}
            Err(reason) => {
                report.rows_rejected += 1;
                if report.rejected_sample.len() < REJECTED_SAMPLE {
                    report.rejected_sample.push(RejectedRow { line: 0, reason, text: String::new() });
                }
            }
        }
    }
    Ok(Fetched { crawl, videos, comments_fetched: config.comments })
}

/// Writes the crawl inside the caller's transaction.
pub fn load(conn: &Connection, fetched: &Fetched, run_id: RunId, files: &mut [FileReport]) -> Result<Changed> {
    let report = files.last_mut().ok_or_else(|| Error::Internal("a YouTube run without its report".into()))?;
    let crawl = &fetched.crawl;
    let loaded = (|| {
        let mut loader = YouTubeLoad::begin(conn, run_id, Utc::now())?;
        loader.raw(&crawl.responses)?;
        if let Some(channel) = &crawl.channel {
            loader.channel(channel)?;
        }
        loader.categories(&crawl.categories)?;
        let disabled: HashSet<&str> = crawl.comments_disabled.iter().map(String::as_str).collect();
        for video in &fetched.videos {
            let comments_disabled = fetched.comments_fetched.then(|| disabled.contains(video.video_id.as_str()));
            loader.append_video(video, comments_disabled, &content_hash(video)?)?;
        }
        for comment in &crawl.comments {
            loader.append_comment(comment)?;
        }
        loader.finish()
    })();
    let changes = loaded.map_err(|err| report.fail(err))?;
    super::record_loaded(report, changes, fetched.videos.len() as u64);
    // Every crawl adds the day's statistics snapshot, so the video facts always move; the identity
    // only when videos were added or changed.
    Ok(Changed { top10: false, titles: changes.any(), facts: true })
}

/// YouTube's quota day starts at midnight Pacific time.
pub fn start_of_quota_day(now: DateTime<Utc>) -> DateTime<Utc> {
    let local_day = now.with_timezone(&Los_Angeles).date_naive();
    let midnight = local_day.and_hms_opt(0, 0, 0).expect("midnight exists");
    Los_Angeles
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now - chrono::Duration::hours(24))
}

/// What the video dimension keeps, statistics aside: equal digests mean the metadata did not change.
fn content_hash(video: &Video) -> Result<String> {
    let fields = (
        &video.title,
        &video.description,
        &video.tags,
        &video.category_id,
        &video.duration_iso,
        &video.definition,
        &video.caption,
        &video.licensed_content,
        &video.default_audio_language,
        &video.live_broadcast_content,
        video.published_at.timestamp(),
    );
    let canonical =
        serde_json::to_vec(&fields).map_err(|e| Error::Internal(format!("hashing video {}: {e}", video.video_id)))?;
    Ok(format!("{:x}", Sha256::digest(&canonical)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_day_starts_at_pacific_midnight_in_summer_and_winter() {
        let summer = DateTime::parse_from_rfc3339("2026-07-15T05:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(start_of_quota_day(summer).to_rfc3339(), "2026-07-14T07:00:00+00:00");
        let winter = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(start_of_quota_day(winter).to_rfc3339(), "2026-11-24T08:00:00+00:00");
    }
}
