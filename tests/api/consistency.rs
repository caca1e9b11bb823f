//! A refresh is one version: while `all` crawls the catalog, readers keep seeing the data as it was
//! before the run, every endpoint agreeing, and the data version moves once, when everything the
//! run fetched commits together with the title identity. A cancelled run leaves nothing behind.

use std::time::Duration;

use netflix_analytics::domain::{FileStatus, IngestRun, RunId};
use netflix_analytics::warehouse::runs;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::apis::{CatalogApi, RAPIDAPI_KEY, YOUTUBE_KEY, YouTubeApi, show, video};
use crate::fixtures::{Standard, WEEK_2};
use crate::helpers::{TestApp, Top10Feed, spawn_app_with};

/// The title whose hours the test edits: rank 1 of the English films in the latest week.
const TITLE: &str = "Film EN 2026-07-19 #1";
const TITLE_QUERY: &str = "Film%20EN%202026-07-19%20%231";

fn shows() -> Vec<Value> {
    vec![show("1", "movie", TITLE, 2026, &["Drama"]), show("2", "series", "Show EN 2026-07-19 #1", 2026, &["Comedy"])]
}

struct Feeds {
    top10: Top10Feed,
    catalog: CatalogApi,
    _youtube: YouTubeApi,
}

/// A service loaded through `all` from the standard Top 10 fixture, a small catalog and a channel.
async fn loaded(grace: Duration) -> (TestApp, Feeds, Standard) {
    let fixture = Standard::new();
    let top10 = Top10Feed::start().await;
    let (global, countries, most_popular) = fixture.files();
    top10.serve(&global, &countries, &most_popular).await;
    let catalog = CatalogApi::start().await;
    catalog.serve(shows(), 50).await;
    let youtube = YouTubeApi::start().await;
    youtube
        .serve(
            vec![video(
                "yt1",
                &format!("{TITLE} | Official Trailer | Netflix"),
                "2026-07-01T16:00:00Z",
                1000,
                None,
                "PT2M",
            )],
            50,
        )
        .await;
    let (catalog_base, youtube_base) = (catalog.base_url(), youtube.base_url());
    let app = spawn_app_with(&top10.base_url(), move |c| {
        c.catalog.base_url = format!("{catalog_base}/").parse().unwrap();
        c.catalog.api_key = Some(secrecy::SecretString::from(RAPIDAPI_KEY));
        c.catalog.requests_per_sec = 1000.0;
        c.youtube.base_url = format!("{youtube_base}/").parse().unwrap();
        c.youtube.api_key = Some(secrecy::SecretString::from(YOUTUBE_KEY));
        c.shutdown_grace = grace;
    })
    .await;
    app.ingest_ok("all").await;
    (app, Feeds { top10, catalog, _youtube: youtube }, fixture)
}

/// Serves a new Top 10 release in which `TITLE` has `factor` times its hours, and holds each of
/// the catalog's two searches for `delay`; returns the old and the new hours.
async fn edit_and_slow_down(feeds: &Feeds, mut fixture: Standard, factor: i64, delay: Duration) -> (i64, i64) {
    let entry = fixture.global.iter_mut().find(|e| e.show_title == TITLE).unwrap();
    let old = entry.hours.unwrap();
    entry.hours = Some(old * factor);
    let (global, countries, most_popular) = fixture.files();
    feeds.top10.serve(&global, &countries, &most_popular).await;
    let page = json!({"shows": shows(), "hasMore": false});
    feeds.catalog.fail_next(2, ResponseTemplate::new(200).set_body_json(page).set_delay(delay)).await;
    (old, old * factor)
}

/// The title's hours in `WEEK_2` as the Top 10 endpoint and the analytics endpoint tell them, each
/// with the data version it answered from.
async fn read_hours(app: &TestApp) -> ((u64, i64), (u64, i64)) {
    let (_, global) = app.get_json(&format!("/v1/top10/global?week={WEEK_2}&category=films-english")).await;
    let row = global["data"].as_array().unwrap().iter().find(|r| r["show_title"] == TITLE).unwrap();
    let top10 = (global["meta"]["data_version"].as_u64().unwrap(), row["weekly_hours_viewed"].as_i64().unwrap());
    let (_, weekly) = app.get_json(&format!("/v1/analytics/weekly-hours?title={TITLE_QUERY}")).await;
    let row = weekly["data"].as_array().unwrap().iter().find(|r| r["week"] == WEEK_2).unwrap();
    let analytics = (weekly["meta"]["data_version"].as_u64().unwrap(), row["hours_viewed"].as_i64().unwrap());
    (top10, analytics)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_an_all_run_every_endpoint_answers_from_one_version_that_moves_once_at_the_commit() {
    let (app, feeds, fixture) = loaded(Duration::from_secs(10)).await;
    let before = app.data_version().await;
    let (old, new) = edit_and_slow_down(&feeds, fixture, 5, Duration::from_millis(1500)).await;

    let run: Value = app.trigger("all").await.json().await.unwrap();
    let id = run["id"].as_i64().unwrap();
    let mut polls_while_running = 0;
    loop {
        let (_, record) = app.get_json(&format!("/v1/ingest/runs/{id}")).await;
        let finished = record["status"] == "succeeded" || record["status"] == "failed";
        let (top10, analytics) = read_hours(&app).await;
        for (endpoint, (version, hours)) in [("top10/global", top10), ("weekly-hours", analytics)] {
            let expected = if version == before { old } else { new };
            assert!(version == before || version == before + 1, "{endpoint} answered from version {version}");
            assert_eq!(hours, expected, "{endpoint} at data version {version} mixes two refreshes");
        }
        if finished {
            assert_eq!(record["status"], "succeeded", "{record:#}");
            break;
        }
        if top10.0 == before {
            polls_while_running += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The catalog is held for three seconds: readers had plenty of time to look at the old version.
    assert!(polls_while_running > 5, "only {polls_while_running} reads saw the run under way");
    assert_eq!(app.data_version().await, before + 1, "one run, one new version");
    assert_eq!(read_hours(&app).await, ((before + 1, new), (before + 1, new)));
    // Downloads and the catalog's spooled pages are gone once the run has ended.
    let mut temp = app.warehouse.path().as_os_str().to_owned();
    temp.push(".downloads");
    let left: Vec<_> = std::fs::read_dir(temp).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_all_run_cancelled_by_shutdown_during_the_crawl_leaves_the_warehouse_as_it_was() {
    let (mut app, feeds, fixture) = loaded(Duration::from_millis(200)).await;
    let before = app.data_version().await;
    let snapshot = app.snapshot().await;
    let answers = read_hours(&app).await;
    edit_and_slow_down(&feeds, fixture, 5, Duration::from_secs(30)).await;

    let run: Value = app.trigger("all").await.json().await.unwrap();
    let id = run["id"].as_i64().unwrap();
    // Stop once the run has moved on to the held catalog crawl: the Top 10 files are in by then.
    for _ in 0..200 {
        let (_, record) = app.get_json(&format!("/v1/ingest/runs/{id}")).await;
        if record["progress"]["step"] == "fetching catalog" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(read_hours(&app).await, answers, "the answers moved while the run was under way");
    app.stop().await;

    assert_eq!(app.warehouse.data_version(), before);
    assert_eq!(app.snapshot().await, snapshot, "a cancelled run changed the warehouse");
    let record = stored_run(&app, id).await;
    assert_eq!(record.error.as_ref().map(|e| e.code.as_str()), Some("cancelled"), "{record:#?}");
    let steps: Vec<(String, String)> =
        record.steps.iter().map(|s| (s.source.to_string(), s.error.clone().unwrap().code)).collect();
    assert_eq!(steps, [("top10".into(), "cancelled".into()), ("catalog".into(), "cancelled".into())]);
    let top10 = stored_run(&app, record.steps[0].run_id.0).await;
    let files: Vec<(&str, Option<FileStatus>)> = top10.files.iter().map(|f| (f.file.as_str(), f.status)).collect();
    assert_eq!(files.len(), 3, "the downloads are still reported: {files:?}");
    assert!(files.iter().all(|(_, status)| *status != Some(FileStatus::Loaded)), "{files:?}");
}

async fn stored_run(app: &TestApp, id: i64) -> IngestRun {
    app.warehouse.with_connection(move |c| runs::get(c, RunId(id))).await.unwrap().unwrap()
}
