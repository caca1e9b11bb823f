//! A run that panics (a bug) ends failed with an internal error, and releases its source's lock.

use reqwest::StatusCode;
use serde_json::Value;

use crate::apis::{CatalogApi, RAPIDAPI_KEY, show};
use crate::fixtures::Standard;
use crate::helpers::{TestApp, Top10Feed, spawn_app_with};

/// A catalog pacing no validation would let through: building its pacer panics.
async fn app_whose_catalog_panics(feed: &Top10Feed, catalog: &CatalogApi) -> TestApp {
    let base = catalog.base_url();
    spawn_app_with(&feed.base_url(), move |c| {
        c.catalog.base_url = format!("{base}/").parse().unwrap();
        c.catalog.api_key = Some(secrecy::SecretString::from(RAPIDAPI_KEY));
        c.catalog.requests_per_sec = 1e-30;
    })
    .await
}

#[tokio::test]
async fn a_panicking_run_ends_failed_as_internal_and_frees_its_source() {
    let feed = Top10Feed::start().await;
    let catalog = CatalogApi::start().await;
    catalog.serve(vec![show("1", "movie", "Night Train", 2021, &["Action"])], 10).await;
    let app = app_whose_catalog_panics(&feed, &catalog).await;
    let version = app.data_version().await;

    for _ in 0..2 {
        let response = app.trigger("catalog").await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "the previous run left its lock behind");
        let queued: Value = response.json().await.unwrap();
        let run = app.wait_for_run(queued["id"].as_i64().unwrap()).await;
        assert_eq!(run["status"], "failed", "{run:#}");
        assert_eq!(run["error"]["code"], "internal", "{run:#}");
        assert!(run["error"]["message"].as_str().unwrap().contains("bug"), "{run:#}");
    }
    assert_eq!(app.data_version().await, version);
    assert!(catalog.received().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_that_panics_in_an_all_run_fails_alone_and_the_others_commit() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let catalog = CatalogApi::start().await;
    let app = app_whose_catalog_panics(&feed, &catalog).await;

    let run = app.ingest("all").await;
    assert_eq!((run["status"].as_str(), run["error"]["code"].as_str()), (Some("failed"), Some("steps_failed")));
    let steps: Vec<(&str, &str, Option<&str>)> = run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["source"].as_str().unwrap(), s["status"].as_str().unwrap(), s["error"]["code"].as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("top10", "succeeded", None),
            ("catalog", "failed", Some("internal")),
            ("youtube", "failed", Some("missing_api_key"))
        ]
    );
    let (status, global) = app.get_json("/v1/top10/global").await;
    assert_eq!(status, StatusCode::OK, "the Top 10 files were committed: {global}");
    assert_eq!(app.trigger("catalog").await.status(), StatusCode::ACCEPTED);
}
