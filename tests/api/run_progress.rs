//! While a run is under way its record says how far it has got; once it has finished, the record
//! has its final counts instead.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::apis::{CHANNEL, YOUTUBE_KEY, YouTubeApi, video};
use crate::fixtures::Standard;
use crate::helpers::{TestApp, Top10Feed, spawn_app, spawn_app_with};

/// Polls run `id` until it finishes, collecting the progress of every poll that found it running.
async fn progress_until_finished(app: &TestApp, id: i64) -> (Vec<Value>, Value) {
    let mut seen = Vec::new();
    for _ in 0..600 {
        let (_, run) = app.get_json(&format!("/v1/ingest/runs/{id}")).await;
        if run["status"] == "succeeded" || run["status"] == "failed" {
            return (seen, run);
        }
        if run["status"] == "running" {
            seen.push(run["progress"].clone());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("run {id} did not finish within 30 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_top10_run_shows_requests_pages_and_bytes_moving_against_the_content_length() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    for (name, body) in [
        ("all-weeks-global.tsv", &global),
        ("all-weeks-countries.tsv", &countries),
        ("most-popular.tsv", &most_popular),
    ] {
        feed.mount(
            name,
            ResponseTemplate::new(200).set_body_string(body.clone()).set_delay(Duration::from_millis(600)),
        )
        .await;
    }
    let app = spawn_app(&feed.base_url()).await;
    let queued: Value = app.trigger("top10").await.json().await.unwrap();
    assert_eq!(queued["progress"]["step"], "queued", "{queued:#}");
    let id = queued["id"].as_i64().unwrap();

    let (seen, finished) = progress_until_finished(&app, id).await;
    assert_eq!(finished["status"], "succeeded", "{finished:#}");
    assert_eq!(finished["progress"], Value::Null, "a finished run has its final counts instead");
    let requests: Vec<u64> = seen.iter().map(|p| p["requests"].as_u64().unwrap()).collect();
    assert!(requests.windows(2).all(|w| w[0] <= w[1]), "{requests:?}");
    assert!(requests.contains(&1) && requests.contains(&3), "each file's request shows: {requests:?}");
    // Once the second file is in, the record counts the first two files whole.
    let two_in = seen.iter().find(|p| p["pages"] == 2).expect("a poll between the second and third file");
    assert_eq!(two_in["bytes"], (global.len() + countries.len()) as u64, "{two_in}");
    assert_eq!(two_in["step"], "fetching");
    let estimate = &two_in["estimate"];
    assert_eq!((estimate["unit"].as_str(), estimate["total"].as_u64()), (Some("bytes"), Some(countries.len() as u64)));
    assert_eq!(estimate["percent"], 100.0);

    let (_, list) = app.get_json("/v1/ingest/runs?limit=1").await;
    assert_eq!(list["data"][0]["progress"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_youtube_run_estimates_its_progress_from_the_channels_video_count() {
    let api = YouTubeApi::start().await;
    let videos: Vec<Value> = (0..7)
        .map(|i| {
            video(&format!("v{i}"), &format!("Show {i} | Trailer | Netflix"), "2026-07-01T16:00:00Z", 10, None, "PT1M")
        })
        .collect();
    api.serve(videos, 3).await;
    // The categories call comes after the channel's counts and before any video: hold it.
    let categories = json!({"kind": "youtube#videoCategoryListResponse", "items": [
        {"kind": "youtube#videoCategory", "id": "24", "snippet": {"title": "Entertainment", "assignable": true, "channelId": CHANNEL}}
    ]});
    api.fail_next(
        "videoCategories",
        1,
        ResponseTemplate::new(200).set_body_json(categories).set_delay(Duration::from_millis(1500)),
    )
    .await;
    let feed = Top10Feed::start().await;
    let base = api.base_url();
    let app = spawn_app_with(&feed.base_url(), move |c| {
        c.youtube.base_url = format!("{base}/").parse().unwrap();
        c.youtube.api_key = Some(secrecy::SecretString::from(YOUTUBE_KEY));
    })
    .await;
    let queued: Value = app.trigger("youtube").await.json().await.unwrap();
    let (seen, finished) = progress_until_finished(&app, queued["id"].as_i64().unwrap()).await;
    assert_eq!(finished["status"], "succeeded", "{finished:#}");
    let held = seen.iter().find(|p| p["requests"] == 2).expect("a poll while the categories call was held");
    assert_eq!(held["pages"], 1, "{held}");
    assert_eq!(held["estimate"], json!({"done": 0, "total": 7, "unit": "videos", "percent": 0.0}));
}

#[test]
fn ingest_without_a_terminal_logs_its_progress_as_plain_lines() {
    let dir = tempfile::tempdir().unwrap();
    let feeds = dir.path().join("feeds");
    std::fs::create_dir(&feeds).unwrap();
    let (global, countries, most_popular) = Standard::new().files();
    std::fs::write(feeds.join("all-weeks-global.tsv"), global).unwrap();
    std::fs::write(feeds.join("all-weeks-countries.tsv"), countries).unwrap();
    std::fs::write(feeds.join("most-popular.tsv"), most_popular).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_netflix-analytics"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("NA_")) {
        command.env_remove(name);
    }
    let output = command
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .env("NA_WAREHOUSE", dir.path().join("w.duckdb"))
        .env("NA_TOP10_BASE_URL", url::Url::from_directory_path(&feeds).unwrap().as_str())
        .args(["ingest", "top10"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let logs = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = logs.lines().filter(|l| l.contains(" progress ")).collect();
    assert!(lines.iter().any(|l| l.contains("step=fetching") && l.contains("requests=")), "{logs}");
    assert!(!logs.contains('\r'), "no terminal, no bar: {logs}");
}
