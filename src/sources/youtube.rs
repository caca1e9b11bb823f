//! The Netflix YouTube channel through the YouTube Data API v3, the quota-cheap way:
//! `channels.list` for the uploads playlist, `playlistItems.list` page by page (1 unit a page, where
//! `search.list` would cost 100), `videos.list` in batches of 50 ids, `videoCategories.list` once,
//! and `commentThreads.list` per video only when comments are enabled.
//!
//! Every request costs a unit, retries included. The crawl stops cleanly before it would spend
//! more than the budget it was given: it refreshes the newest videos the budget allows and says
//! so. An exhausted quota (`quotaExceeded`) ends the run; throttling (`rateLimitExceeded`) is
//! retried with backoff first. The API key travels in the `X-goog-api-key` header, never in a URL.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::api::{self, CallStats, RetryPolicy, Verdict};
use crate::error::{Error, Result};

const API: &str = "YouTube Data";
const PAGE_SIZE: usize = 50;
const COMMENTS_PER_VIDEO: usize = 20;

/// One API answer as received, for the raw layer. `request` is the call without the key.
#[derive(Debug, Clone)]
pub struct Response {
    pub call: &'static str,
    pub request: String,
    pub page_no: u32,
    pub body: String,
}

/// Everything one crawl fetched.
#[derive(Debug, Default)]
pub struct Crawl {
    pub responses: Vec<Response>,
    pub channel: Option<ChannelStats>,
    pub categories: Vec<VideoCategory>,
    /// Video resources as parsed, or why one could not be.
    pub videos: Vec<std::result::Result<Video, String>>,
    pub comments: Vec<Comment>,
    /// Videos whose owner turned comments off.
    pub comments_disabled: Vec<String>,
    pub stats: CallStats,
    /// Set when the crawl stopped early to stay within the quota budget.
    pub stopped_for_budget: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChannelStats {
    pub channel_id: String,
    pub title: String,
    pub uploads_playlist: String,
    pub view_count: Option<i64>,
    pub subscriber_count: Option<i64>,
    pub video_count: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VideoCategory {
    pub id: String,
    pub title: String,
}

/// A video with its statistics at the time of the crawl. Counts the owner hides are `None`, not 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    pub video_id: String,
    pub channel_id: String,
    pub published_at: DateTime<Utc>,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub category_id: Option<String>,
    pub default_audio_language: Option<String>,
    pub live_broadcast_content: Option<String>,
    pub duration_iso: String,
    /// `None` for `P0D` (upcoming or live) and anything that does not parse.
    pub duration_seconds: Option<i64>,
    pub definition: Option<String>,
    pub caption: Option<bool>,
    pub licensed_content: Option<bool>,
    pub view_count: Option<i64>,
    pub like_count: Option<i64>,
    pub comment_count: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub comment_id: String,
    pub video_id: String,
    pub author: String,
    pub text: String,
    pub like_count: i64,
    pub reply_count: i64,
    pub published_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

pub struct YouTubeClient {
    http: reqwest::Client,
    base: Url,
    key: SecretString,
    policy: RetryPolicy,
}

impl YouTubeClient {
    pub fn new(http: reqwest::Client, base: Url, key: SecretString, policy: RetryPolicy) -> YouTubeClient {
        YouTubeClient { http, base, key, policy }
    }

    /// Crawls `channel_id` into `crawl`, spending at most `budget` quota units. On failure `crawl`
    /// still says what was spent.
    pub async fn crawl(
        &self,
        channel_id: &str,
        region: &str,
        with_comments: bool,
        budget: u64,
        cancel: &CancellationToken,
        crawl: &mut Crawl,
    ) -> Result<()> {
        // channels + categories, and at least one page with its videos.
        if budget < 4 {
            return Err(Error::QuotaExhausted {
                api: API,
                message: format!(
                    "{budget} units are left of today's budget (NA_YOUTUBE_DAILY_QUOTA); a crawl needs at least 4"
                ),
            });
        }
        let channels = self
            .get("channels", &[("part", "contentDetails,statistics,snippet"), ("id", channel_id)], 1, cancel, crawl)
            .await?;
        let channel = parse_channel(channel_id, &channels)?;
        if let Some(total) = channel.video_count {
            crawl.stats.progress.expect(total.max(0) as u64, "videos");
        }
        let categories =
            self.get("videoCategories", &[("part", "snippet"), ("regionCode", region)], 1, cancel, crawl).await?;
        crawl.categories = parse_categories(&categories)?;

        let mut page_token: Option<String> = None;
        // Every token followed, with its page: a token handed out again would loop until the budget
        // is spent, loading the same videos over and over.
        let mut followed: HashMap<String, u32> = HashMap::new();
        let mut page_no = 1u32;
        loop {
            let page_cost = 2 + if with_comments { PAGE_SIZE as u64 } else { 0 };
            let spent = crawl.stats.requests;
            if spent + page_cost > budget {
                crawl.stopped_for_budget = Some(format!(
                    "stopped after {} videos to stay within the quota budget ({spent} of {budget} units spent; \
                     NA_YOUTUBE_DAILY_QUOTA); the newest videos were refreshed first",
                    crawl.videos.len()
                ));
                break;
            }
            let mut params = vec![
                ("part", "contentDetails,snippet"),
                ("playlistId", channel.uploads_playlist.as_str()),
                ("maxResults", "50"),
            ];
            if let Some(token) = page_token.as_deref() {
                params.push(("pageToken", token));
            }
            let page = self.get("playlistItems", &params, page_no, cancel, crawl).await?;
            let (ids, next) = parse_playlist_page(&page)?;
            if !ids.is_empty() {
                let joined = ids.join(",");
                let videos = self
                    .get(
                        "videos",
                        &[("part", "snippet,contentDetails,statistics"), ("id", &joined), ("maxResults", "50")],
                        page_no,
                        cancel,
                        crawl,
                    )
                    .await?;
                let parsed = parse_videos(&videos)?;
                crawl.stats.progress.rows(parsed.len() as u64);
                crawl.stats.progress.advance(parsed.len() as u64);
                if with_comments {
                    for video in parsed.iter().flatten() {
                        self.comments(&video.video_id, cancel, crawl).await?;
                    }
                }
                crawl.videos.extend(parsed);
            }
            page_no += 1;
            match next {
                None => break,
                Some(token) => {
                    if let Some(earlier) = followed.insert(token.clone(), page_no) {
                        return Err(Error::InvalidResponse {
                            call: format!("{API} playlistItems.list (page {})", page_no - 1),
                            reason: format!(
                                "nextPageToken {token:?} was already followed to page {earlier}: the pages cycle"
                            ),
                        });
                    }
                    page_token = Some(token);
                }
            }
        }
        crawl.channel = Some(channel);
        Ok(())
    }

    async fn comments(&self, video_id: &str, cancel: &CancellationToken, crawl: &mut Crawl) -> Result<()> {
        let params = [
            ("part", "snippet"),
            ("videoId", video_id),
            ("maxResults", "20"),
            ("order", "relevance"),
            ("textFormat", "plainText"),
        ];
        let label = format!("{API} commentThreads.list for {video_id}");
        let url = self.url("commentThreads")?;
        let answer =
            api::call(&label, || self.request(&url, &params), classify_comments, self.policy, cancel, &mut crawl.stats)
                .await?;
        if answer.status == StatusCode::FORBIDDEN {
            crawl.comments_disabled.push(video_id.to_owned());
            return Ok(());
        }
        let body = text(&label, answer.body)?;
        crawl.comments.extend(parse_comments(&label, &body)?.into_iter().take(COMMENTS_PER_VIDEO));
        crawl.responses.push(Response {
            call: "commentThreads",
            request: request_text("commentThreads", &params),
            page_no: 1,
            body,
        });
        Ok(())
    }

    /// One call; its answer is kept for the raw layer and returned.
    async fn get(
        &self,
        call: &'static str,
        params: &[(&str, &str)],
        page_no: u32,
        cancel: &CancellationToken,
        crawl: &mut Crawl,
    ) -> Result<String> {
        let label = format!("{API} {call}.list (page {page_no})");
        let url = self.url(call)?;
        let answer =
            api::call(&label, || self.request(&url, params), classify, self.policy, cancel, &mut crawl.stats).await?;
        let body = text(&label, answer.body)?;
        crawl.responses.push(Response { call, request: request_text(call, params), page_no, body: body.clone() });
        Ok(body)
    }

    fn url(&self, call: &str) -> Result<Url> {
        self.base.join(call).map_err(|e| Error::Internal(format!("YouTube URL for {call}: {e}")))
    }

    fn request(&self, url: &Url, params: &[(&str, &str)]) -> reqwest::RequestBuilder {
        self.http.get(url.clone()).query(params).header("X-goog-api-key", self.key.expose_secret())
    }
}

fn request_text(call: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{call}?{}", query.join("&"))
}

fn text(label: &str, body: Vec<u8>) -> Result<String> {
    String::from_utf8(body)
        .map_err(|_| Error::InvalidResponse { call: label.to_owned(), reason: "the body is not UTF-8".into() })
}

#[derive(Deserialize)]
struct GoogleError {
    error: GoogleErrorBody,
}

#[derive(Deserialize)]
struct GoogleErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    errors: Vec<GoogleErrorItem>,
}

#[derive(Deserialize)]
struct GoogleErrorItem {
    #[serde(default)]
    reason: String,
}

/// The first `reason` of a Google error body, and its message.
fn reason_of(body: &[u8]) -> (String, String) {
    match serde_json::from_slice::<GoogleError>(body) {
        Ok(e) => {
            let reason = e.error.errors.first().map(|i| i.reason.clone()).or(e.error.status).unwrap_or_default();
            (reason, e.error.message)
        }
        Err(_) => (String::new(), String::from_utf8_lossy(&body[..body.len().min(200)]).trim().to_owned()),
    }
}

fn classify(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Verdict {
    let (reason, message) = reason_of(body);
    let retry = |reason: &str| Verdict::Retry {
        after: api::retry_after(headers, Utc::now()),
        reason: format!("HTTP {} {reason}: {message}", status.as_u16()),
    };
    match (status.as_u16(), reason.as_str()) {
        (403, "quotaExceeded" | "dailyLimitExceeded") => Verdict::Fail(Error::QuotaExhausted {
            api: API,
            message: format!("{reason}: the key's daily quota is spent; it resets at midnight Pacific time"),
        }),
        (403 | 429, "rateLimitExceeded" | "userRateLimitExceeded" | "RESOURCE_EXHAUSTED") | (429, _) => retry(&reason),
        (s, _) if s >= 500 => retry(&reason),
        (400, "keyInvalid") | (401, _) | (403, _) => Verdict::Fail(Error::ApiRefused {
            api: API,
            status: status.as_u16(),
            message: format!("{reason}: {message}"),
            hint: "check NA_YOUTUBE_API_KEY and that the YouTube Data API is enabled for its project",
        }),
        (404, _) => Verdict::Fail(Error::ApiRefused {
            api: API,
            status: 404,
            message: format!("{reason}: {message}"),
            hint: "check NA_YOUTUBE_CHANNEL_ID",
        }),
        _ => Verdict::Fail(Error::ApiRefused {
            api: API,
            status: status.as_u16(),
            message: format!("{reason}: {message}"),
            hint: "the request was not accepted",
        }),
    }
}

/// A video whose comments are off answers 403 `commentsDisabled`: not an error, just no comments.
fn classify_comments(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Verdict {
    match reason_of(body).0.as_str() {
        "commentsDisabled" if status == StatusCode::FORBIDDEN => Verdict::Accept,
        _ => classify(status, headers, body),
    }
}

#[derive(Deserialize)]
struct List<T> {
    #[serde(default = "Vec::new")]
    items: Vec<T>,
    #[serde(rename = "nextPageToken")]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawChannel {
    id: String,
    snippet: Option<RawChannelSnippet>,
    content_details: RawChannelDetails,
    statistics: Option<RawChannelStatistics>,
}

#[derive(Deserialize)]
struct RawChannelSnippet {
    title: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawChannelDetails {
    related_playlists: RawPlaylists,
}

#[derive(Deserialize)]
struct RawPlaylists {
    uploads: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawChannelStatistics {
    view_count: Option<String>,
    subscriber_count: Option<String>,
    video_count: Option<String>,
}

fn parse_channel(channel_id: &str, body: &str) -> Result<ChannelStats> {
    let label = format!("{API} channels.list");
    let list: List<RawChannel> = api::parse_json(&label, body.as_bytes())?;
    let channel = list.items.into_iter().next().ok_or_else(|| Error::ApiRefused {
        api: API,
        status: 200,
        message: format!("no channel {channel_id}"),
        hint: "check NA_YOUTUBE_CHANNEL_ID",
    })?;
    let stats = channel.statistics;
    let count = |value: Option<&String>| value.and_then(|v| v.parse().ok());
    Ok(ChannelStats {
        channel_id: channel.id,
        title: channel.snippet.map(|s| s.title).unwrap_or_default(),
        uploads_playlist: channel.content_details.related_playlists.uploads,
        view_count: count(stats.as_ref().and_then(|s| s.view_count.as_ref())),
        subscriber_count: count(stats.as_ref().and_then(|s| s.subscriber_count.as_ref())),
        video_count: count(stats.as_ref().and_then(|s| s.video_count.as_ref())),
    })
}

#[derive(Deserialize)]
struct RawCategory {
    id: String,
    snippet: RawCategorySnippet,
}

#[derive(Deserialize)]
struct RawCategorySnippet {
    title: String,
}

fn parse_categories(body: &str) -> Result<Vec<VideoCategory>> {
    let list: List<RawCategory> = api::parse_json(&format!("{API} videoCategories.list"), body.as_bytes())?;
    Ok(list.items.into_iter().map(|c| VideoCategory { id: c.id, title: c.snippet.title }).collect())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPlaylistItem {
    content_details: RawPlaylistItemDetails,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPlaylistItemDetails {
    video_id: String,
}

/// The page's video ids and the next page's token.
fn parse_playlist_page(body: &str) -> Result<(Vec<String>, Option<String>)> {
    let list: List<RawPlaylistItem> = api::parse_json(&format!("{API} playlistItems.list"), body.as_bytes())?;
    Ok((list.items.into_iter().map(|i| i.content_details.video_id).collect(), list.next_page_token))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVideo {
    id: String,
    snippet: RawVideoSnippet,
    content_details: RawVideoDetails,
    #[serde(default)]
    statistics: RawVideoStatistics,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVideoSnippet {
    published_at: String,
    channel_id: String,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    tags: Vec<String>,
    category_id: Option<String>,
    default_audio_language: Option<String>,
    live_broadcast_content: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVideoDetails {
    duration: String,
    definition: Option<String>,
    caption: Option<String>,
    licensed_content: Option<bool>,
}

/// Counts arrive as strings and are absent when hidden.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawVideoStatistics {
    view_count: Option<String>,
    like_count: Option<String>,
    comment_count: Option<String>,
}

fn parse_videos(body: &str) -> Result<Vec<std::result::Result<Video, String>>> {
    #[derive(Deserialize)]
    struct Items {
        #[serde(default)]
        items: Vec<serde_json::Value>,
    }
    let items: Items = api::parse_json(&format!("{API} videos.list"), body.as_bytes())?;
    Ok(items.items.into_iter().map(video).collect())
}

fn video(value: serde_json::Value) -> std::result::Result<Video, String> {
    let id = value.get("id").and_then(|v| v.as_str()).unwrap_or("?").to_owned();
    let raw: RawVideo = serde_json::from_value(value).map_err(|e| format!("video {id}: {e}"))?;
    let count = |name: &str, value: Option<String>| -> std::result::Result<Option<i64>, String> {
        value.map(|v| v.parse::<i64>().map_err(|_| format!("video {id}: {name} {v:?} is not a number"))).transpose()
    };
    let published_at = DateTime::parse_from_rfc3339(&raw.snippet.published_at)
        .map_err(|_| format!("video {id}: publishedAt {:?} is not an RFC 3339 time", raw.snippet.published_at))?
        .with_timezone(&Utc);
    Ok(Video {
        view_count: count("viewCount", raw.statistics.view_count)?,
        like_count: count("likeCount", raw.statistics.like_count)?,
        comment_count: count("commentCount", raw.statistics.comment_count)?,
        duration_seconds: duration_seconds(&raw.content_details.duration),
        duration_iso: raw.content_details.duration,
        definition: raw.content_details.definition,
        caption: raw.content_details.caption.map(|c| c == "true"),
        licensed_content: raw.content_details.licensed_content,
        video_id: raw.id,
        channel_id: raw.snippet.channel_id,
        published_at,
        title: raw.snippet.title,
        description: raw.snippet.description,
        tags: raw.snippet.tags,
        category_id: raw.snippet.category_id,
        default_audio_language: raw.snippet.default_audio_language,
        live_broadcast_content: raw.snippet.live_broadcast_content,
    })
}

/// ISO 8601 durations such as `PT2M31S`, `PT1H4M` or `P1DT2H3M`. `P0D` marks upcoming and live
/// videos, which have no length yet.
pub fn duration_seconds(iso: &str) -> Option<i64> {
    // Not `iso8601::duration`: it ignores whatever follows a valid start, so "PT1H30" would be an hour.
    let (rest, duration) = iso8601::parsers::parse_duration(iso.as_bytes()).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let duration: std::time::Duration = duration.into();
    (duration.as_secs() > 0).then_some(duration.as_secs() as i64)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawThread {
    id: String,
    snippet: RawThreadSnippet,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawThreadSnippet {
    video_id: String,
    #[serde(default)]
    total_reply_count: i64,
    top_level_comment: RawComment,
}

#[derive(Deserialize)]
struct RawComment {
    snippet: RawCommentSnippet,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCommentSnippet {
    #[serde(default)]
    text_original: String,
    #[serde(default)]
    author_display_name: String,
    #[serde(default)]
    like_count: i64,
    published_at: String,
    updated_at: Option<String>,
}

fn parse_comments(label: &str, body: &str) -> Result<Vec<Comment>> {
    let list: List<RawThread> = api::parse_json(label, body.as_bytes())?;
    let time = |text: &str| DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc));
    Ok(list
        .items
        .into_iter()
        .filter_map(|thread| {
            let snippet = thread.snippet.top_level_comment.snippet;
            Some(Comment {
                comment_id: thread.id,
                video_id: thread.snippet.video_id,
                author: snippet.author_display_name,
                text: snippet.text_original,
                like_count: snippet.like_count,
                reply_count: thread.snippet.total_reply_count,
                published_at: time(&snippet.published_at)?,
                updated_at: snippet.updated_at.as_deref().and_then(time),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_cover_minutes_hours_days_and_live() {
        assert_eq!(duration_seconds("PT2M31S"), Some(151));
        assert_eq!(duration_seconds("PT1H4M"), Some(3840));
        assert_eq!(duration_seconds("PT45S"), Some(45));
        assert_eq!(duration_seconds("P1DT2H3M"), Some(93_780));
        assert_eq!(duration_seconds("P0D"), None);
        assert_eq!(duration_seconds("two minutes"), None);
    }

    /// Found by `a_duration_followed_by_anything_else_is_not_a_duration`.
    #[test]
    fn a_duration_with_text_after_it_is_refused() {
        assert_eq!(duration_seconds("PT1M0SA"), None);
        assert_eq!(duration_seconds("PT1H30"), None);
        assert_eq!(duration_seconds("PT2M31S "), None);
    }

    /// `P#DT#H#M#S` with each part present or not (at least one), as YouTube writes them.
    fn iso_duration(days: Option<u32>, hours: Option<u32>, minutes: Option<u32>, seconds: Option<u32>) -> String {
        let mut text = String::from("P");
        if let Some(d) = days {
            text.push_str(&format!("{d}D"));
        }
        if hours.is_some() || minutes.is_some() || seconds.is_some() {
            text.push('T');
        }
        for (value, unit) in [(hours, 'H'), (minutes, 'M'), (seconds, 'S')] {
            if let Some(v) = value {
                text.push_str(&format!("{v}{unit}"));
            }
        }
        text
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 256,
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn durations_never_panic(text in proptest::prelude::any::<String>()) {
            let _ = duration_seconds(&text);
        }

        #[test]
        fn durations_never_panic_on_near_misses(text in "P[0-9DTHMSWY.,:-]{0,24}") {
            let _ = duration_seconds(&text);
        }

        #[test]
        fn durations_agree_with_a_reference_computation(
            days in proptest::option::of(0u32..400),
            hours in proptest::option::of(0u32..100),
            minutes in proptest::option::of(0u32..100),
            seconds in proptest::option::of(0u32..100),
        ) {
            proptest::prop_assume!(days.is_some() || hours.is_some() || minutes.is_some() || seconds.is_some());
            let text = iso_duration(days, hours, minutes, seconds);
            let total = [(days, 86_400), (hours, 3_600), (minutes, 60), (seconds, 1)]
                .iter()
                .map(|(value, unit)| i64::from(value.unwrap_or(0)) * unit)
                .sum::<i64>();
            proptest::prop_assert_eq!(duration_seconds(&text), (total > 0).then_some(total), "{}", text);
        }

        #[test]
        fn a_duration_followed_by_anything_else_is_not_a_duration(
            minutes in 1u32..100,
            seconds in 0u32..60,
            rest in "[0-9A-Za-z ]{1,6}",
        ) {
            let text = format!("PT{minutes}M{seconds}S{rest}");
            proptest::prop_assert_eq!(duration_seconds(&text), None, "{}", text);
        }
    }

    #[test]
    fn counts_are_strings_and_hidden_ones_stay_unknown() {
        let body = r#"{"kind": "youtube#videoListResponse", "items": [
          {"kind": "youtube#video", "id": "Xq3kT9wLmZ0",
           "snippet": {"publishedAt": "2026-03-04T17:00:12Z", "channelId": "UCWOA1ZGywLbqmigxE4Qlvuw",
                       "title": "Harbour Lights: Season 2 | Official Trailer | Netflix", "description": "…",
                       "tags": ["Harbour Lights", "Netflix"], "categoryId": "24", "liveBroadcastContent": "none"},
           "contentDetails": {"duration": "PT2M31S", "dimension": "2d", "definition": "hd", "caption": "true", "licensedContent": true},
           "statistics": {"viewCount": "1532876", "favoriteCount": "0", "commentCount": "2318"}},
          {"kind": "youtube#video", "id": "bad", "snippet": {"publishedAt": "yesterday", "channelId": "UC", "title": "x"},
           "contentDetails": {"duration": "PT1M"}, "statistics": {}}
        ]}"#;
        let videos = parse_videos(body).unwrap();
        let first = videos[0].as_ref().unwrap();
        assert_eq!((first.view_count, first.like_count, first.comment_count), (Some(1_532_876), None, Some(2318)));
        assert_eq!((first.duration_seconds, first.caption), (Some(151), Some(true)));
        assert!(videos[1].as_ref().unwrap_err().contains("publishedAt"));
    }

    #[test]
    fn quota_exhaustion_is_final_and_rate_limits_are_retried() {
        let quota = br#"{"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
            "errors": [{"message": "...", "domain": "youtube.quota", "reason": "quotaExceeded"}]}}"#;
        assert!(matches!(
            classify(StatusCode::FORBIDDEN, &HeaderMap::new(), quota),
            Verdict::Fail(Error::QuotaExhausted { .. })
        ));
        let rate = br#"{"error": {"code": 403, "message": "Rate Limit Exceeded", "errors": [{"domain": "usageLimits", "reason": "rateLimitExceeded"}]}}"#;
        assert!(matches!(classify(StatusCode::FORBIDDEN, &HeaderMap::new(), rate), Verdict::Retry { .. }));
        let exhausted =
            br#"{"error": {"code": 429, "message": "Resource has been exhausted", "status": "RESOURCE_EXHAUSTED"}}"#;
        assert!(matches!(classify(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), exhausted), Verdict::Retry { .. }));
        let key = br#"{"error": {"code": 400, "message": "API key not valid.", "errors": [{"reason": "keyInvalid"}]}}"#;
        let Verdict::Fail(err) = classify(StatusCode::BAD_REQUEST, &HeaderMap::new(), key) else { panic!("final") };
        assert!(err.to_string().contains("NA_YOUTUBE_API_KEY"));
        let off = br#"{"error": {"code": 403, "errors": [{"reason": "commentsDisabled"}]}}"#;
        assert!(matches!(classify_comments(StatusCode::FORBIDDEN, &HeaderMap::new(), off), Verdict::Accept));
    }
}
