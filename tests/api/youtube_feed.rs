//! The YouTube connector against a local API in the real format.

use serde_json::Value;

use crate::apis::{CHANNEL, UPLOADS, YOUTUBE_KEY, YouTubeApi, google_error, sent, video};
use crate::helpers::{TestApp, Top10Feed, spawn_app_with};

/// Newest first, as the uploads playlist lists them. One hides its likes; one is an upcoming
/// premiere (`P0D`).
fn videos(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let likes = (i != 1).then_some(1000 + i as u64);
            let duration = if i == 2 { "P0D" } else { "PT2M31S" };
            video(
                &format!("vid{i:03}"),
                &format!("Show {i} | Official Trailer | Netflix"),
                &format!("2026-07-{:02}T17:00:00Z", 28 - i % 28),
                10_000 * (i as u64 + 1),
                likes,
                duration,
            )
        })
        .collect()
}

async fn app_for(
    api: &YouTubeApi,
    adjust: impl FnOnce(&mut netflix_analytics::Config) + Send + 'static,
) -> (TestApp, Top10Feed) {
    let feed = Top10Feed::start().await;
    let base = api.base_url();
    let app = spawn_app_with(&feed.base_url(), move |c| {
        c.youtube.base_url = format!("{base}/").parse().unwrap();
        c.youtube.api_key = Some(secrecy::SecretString::from(YOUTUBE_KEY));
        adjust(c);
    })
    .await;
    (app, feed)
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    app.warehouse.with_connection(move |c| Ok(c.query_row(sql, [], |row| row.get(0))?)).await.unwrap()
}

#[tokio::test]
async fn a_crawl_walks_the_uploads_playlist_batches_videos_and_counts_quota() {
    let api = YouTubeApi::start().await;
    api.serve(videos(120), 50).await;
    let (app, _feed) = app_for(&api, |_| {}).await;
    let run = app.ingest_ok("youtube").await;

    // channels + categories + 3 playlist pages + 3 videos.list batches.
    assert_eq!(run["quota_units"], 8, "{run:#}");
    let report = &run["files"][0];
    assert_eq!((report["rows_read"].as_u64(), report["rows_inserted"].as_u64()), (Some(120), Some(120)));
    assert_eq!(report["requests"], 8);

    let requests = api.received().await;
    for request in &requests {
        assert_eq!(request.headers["x-goog-api-key"], YOUTUBE_KEY);
        assert!(
            sent(request, "key").is_none() && !request.url.as_str().contains(YOUTUBE_KEY),
            "the key never goes in a URL"
        );
    }
    let calls: Vec<&str> = requests.iter().map(|r| r.url.path().trim_start_matches("/youtube/v3/")).collect();
    assert_eq!(
        calls,
        [
            "channels",
            "videoCategories",
            "playlistItems",
            "videos",
            "playlistItems",
            "videos",
            "playlistItems",
            "videos"
        ]
    );
    assert_eq!(sent(&requests[0], "id").as_deref(), Some(CHANNEL));
    assert_eq!(sent(&requests[0], "part").as_deref(), Some("contentDetails,statistics,snippet"));
    assert_eq!(sent(&requests[2], "playlistId").as_deref(), Some(UPLOADS));
    assert_eq!(sent(&requests[2], "maxResults").as_deref(), Some("50"));
    assert_eq!(sent(&requests[4], "pageToken").as_deref(), Some("TOKEN1"));
    assert_eq!(sent(&requests[3], "part").as_deref(), Some("snippet,contentDetails,statistics"));
    assert_eq!(sent(&requests[3], "id").unwrap().split(',').count(), 50);
    assert!(
        requests.iter().all(|r| !r.url.path().ends_with("/search")),
        "search.list costs 100 units; it is never used"
    );

    assert_eq!(count(&app, "SELECT count(*) FROM stage.youtube_videos").await, 120);
    assert_eq!(count(&app, "SELECT count(*) FROM stage.youtube_video_stats").await, 120);
    assert_eq!(
        count(&app, "SELECT count(*) FROM stage.youtube_video_stats WHERE like_count IS NULL").await,
        1,
        "hidden likes are unknown, not 0"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM stage.youtube_videos WHERE duration_seconds IS NULL").await,
        1,
        "P0D has no length yet"
    );
    assert_eq!(count(&app, "SELECT duration_seconds FROM stage.youtube_videos WHERE video_id = 'vid000'").await, 151);
    assert_eq!(
        count(&app, "SELECT view_count FROM stage.youtube_video_stats WHERE video_id = 'vid009'").await,
        100_000
    );
    assert_eq!(count(&app, "SELECT count(*) FROM stage.youtube_channel_stats").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM stage.youtube_categories WHERE title = 'Entertainment'").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM raw.youtube_responses").await, 8);
}

#[tokio::test]
async fn statistics_are_one_snapshot_per_video_per_day() {
    let api = YouTubeApi::start().await;
    api.serve(videos(3), 50).await;
    let (app, _feed) = app_for(&api, |_| {}).await;
    app.ingest_ok("youtube").await;
    let mut grown = videos(3);
    grown[0]["statistics"]["viewCount"] = Value::from("999999");
    api.serve(grown, 50).await;
    let run = app.ingest_ok("youtube").await;
    assert_eq!(run["files"][0]["rows_unchanged"], 3, "statistics are not part of the video dimension");
    assert_eq!(
        count(&app, "SELECT count(*) FROM stage.youtube_video_stats").await,
        3,
        "the day's snapshot was replaced"
    );
    assert_eq!(
        count(&app, "SELECT view_count FROM stage.youtube_video_stats WHERE video_id = 'vid000'").await,
        999_999
    );
    // An earlier day's snapshot stays beside today's.
    app.warehouse
        .with_connection(|c| Ok(c.execute_batch("UPDATE stage.youtube_video_stats SET captured_on = captured_on - 1")?))
        .await
        .unwrap();
    app.ingest_ok("youtube").await;
    assert_eq!(count(&app, "SELECT count(*) FROM stage.youtube_video_stats").await, 6);
}

#[tokio::test]
async fn the_daily_budget_stops_the_crawl_cleanly_and_the_next_run_says_it_is_spent() {
    let api = YouTubeApi::start().await;
    api.serve(videos(120), 50).await;
    let (app, _feed) = app_for(&api, |c| c.youtube.daily_quota = 6).await;
    let run = app.ingest_ok("youtube").await;
    assert_eq!(run["quota_units"], 6);
    assert_eq!(run["files"][0]["rows_read"], 100, "two pages of 50 fit in the budget");
    assert!(run["files"][0]["note"].as_str().unwrap().contains("quota budget"), "{run:#}");
    assert_eq!(count(&app, "SELECT count(*) FROM stage.youtube_videos").await, 100);

    let spent = app.ingest("youtube").await;
    assert_eq!(spent["status"], "failed");
    assert_eq!(spent["error"]["code"], "quota_exhausted");
    assert!(spent["error"]["message"].as_str().unwrap().contains("NA_YOUTUBE_DAILY_QUOTA"), "{spent:#}");
}

#[tokio::test]
async fn quota_exceeded_ends_the_run_and_keeps_what_was_loaded_before() {
    let api = YouTubeApi::start().await;
    api.serve(videos(60), 50).await;
    let (app, _feed) = app_for(&api, |_| {}).await;
    app.ingest_ok("youtube").await;
    let before = app.snapshot().await;
    api.fail_next(
        "videos",
        1,
        google_error(403, "quotaExceeded", "The request cannot be completed because you have exceeded your quota."),
    )
    .await;
    let run = app.ingest("youtube").await;
    assert_eq!(run["status"], "failed");
    assert_eq!(run["error"]["code"], "quota_exhausted");
    assert!(run["error"]["message"].as_str().unwrap().contains("midnight Pacific"), "{run:#}");
    assert_eq!(run["quota_units"], 4, "the units spent before the refusal are recorded");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn rate_limits_and_backend_errors_are_retried() {
    let api = YouTubeApi::start().await;
    api.serve(videos(10), 50).await;
    api.fail_next("playlistItems", 1, google_error(403, "rateLimitExceeded", "Rate Limit Exceeded")).await;
    api.fail_next("videos", 1, google_error(503, "backendError", "Backend Error")).await;
    let (app, _feed) = app_for(&api, |_| {}).await;
    let run = app.ingest_ok("youtube").await;
    assert_eq!(run["files"][0]["retries"], 2);
    assert_eq!(run["quota_units"], 6, "retries are charged too");
}

#[tokio::test]
async fn bad_keys_malformed_json_and_a_missing_key_fail_without_writing() {
    let api = YouTubeApi::start().await;
    api.serve(videos(5), 50).await;
    let (app, _feed) = app_for(&api, |_| {}).await;
    let before = app.snapshot().await;
    api.fail_next("channels", 1, google_error(400, "keyInvalid", "API key not valid. Please pass a valid API key."))
        .await;
    let run = app.ingest("youtube").await;
    assert_eq!(run["error"]["code"], "api_refused");
    assert!(run["error"]["message"].as_str().unwrap().contains("NA_YOUTUBE_API_KEY"));
    assert!(!run["error"]["message"].as_str().unwrap().contains(YOUTUBE_KEY));
    api.fail_next("videos", 1, wiremock::ResponseTemplate::new(200).set_body_string("{\"items\": [")).await;
    assert_eq!(app.ingest("youtube").await["error"]["code"], "invalid_response");
    assert_eq!(app.snapshot().await, before);

    let (keyless, _feed) = app_for(&api, |c| c.youtube.api_key = None).await;
    let run = keyless.ingest("youtube").await;
    assert_eq!(run["error"]["code"], "missing_api_key");
    assert!(run["error"]["message"].as_str().unwrap().contains("NA_YOUTUBE_API_KEY"));
}

#[tokio::test]
async fn top_comments_are_fetched_only_when_enabled() {
    let api = YouTubeApi::start().await;
    api.serve(videos(3), 50).await;
    api.fail_next("commentThreads", 1, google_error(403, "commentsDisabled", "The video has disabled comments.")).await;
    let (app, _feed) = app_for(&api, |c| c.youtube.comments = true).await;
    let run = app.ingest_ok("youtube").await;
    assert_eq!(run["quota_units"], 2 + 2 + 3);
    assert_eq!(count(&app, "SELECT count(*) FROM stage.youtube_comments").await, 2);
    assert_eq!(count(&app, "SELECT count(*) FROM stage.youtube_videos WHERE comments_disabled").await, 1);
    let threads: Vec<_> =
        api.received().await.into_iter().filter(|r| r.url.path().ends_with("commentThreads")).collect();
    assert_eq!(sent(&threads[0], "order").as_deref(), Some("relevance"));
    assert_eq!(sent(&threads[0], "textFormat").as_deref(), Some("plainText"));
}
