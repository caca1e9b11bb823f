//! Health, readiness, request ids, shutdown, the demo profile.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use wiremock::ResponseTemplate;

use crate::fixtures::Standard;
use crate::helpers::{Top10Feed, spawn_app, spawn_app_with};

#[tokio::test]
async fn health_and_readiness_report_a_migrated_warehouse() {
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;
    let (status, health) = app.get_json("/healthz").await;
    assert_eq!((status, health["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (status, ready) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["migrations_applied"], true);
    assert_eq!(ready["data_version"], 0);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_the_callers() {
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;
    let generated = app.get("/healthz").await;
    assert_eq!(generated.headers()["x-request-id"].to_str().unwrap().len(), 36);
    let kept = app.client.get(app.url("/v1/nothing")).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "trace-me-42");
    assert_eq!(kept.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_wrong_method_gets_a_json_405() {
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;
    let response = app.client.delete(app.url("/v1/weeks")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_running_ingestion_commit() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.server.reset().await;
    feed.mount(
        "all-weeks-global.tsv",
        ResponseTemplate::new(200).set_body_string(global).set_delay(Duration::from_millis(600)),
    )
    .await;
    feed.mount("all-weeks-countries.tsv", ResponseTemplate::new(200).set_body_string(countries)).await;
    feed.mount("most-popular.tsv", ResponseTemplate::new(200).set_body_string(most_popular)).await;
    let mut app = spawn_app(&feed.base_url()).await;
    let run: Value = app.trigger("top10").await.json().await.unwrap();

    let stopped = app.begin_stop();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(app.client.get(app.url("/healthz")).send().await.is_err(), "no new connections once stopping");
    stopped.await;

    let id = netflix_analytics::domain::RunId(run["id"].as_i64().unwrap());
    let record =
        app.warehouse.with_connection(move |c| netflix_analytics::warehouse::runs::get(c, id)).await.unwrap().unwrap();
    assert_eq!(record.status, netflix_analytics::domain::RunStatus::Succeeded);
    assert_eq!(app.warehouse.data_version(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_cancels_a_run_that_outlasts_the_grace_period_and_rolls_it_back() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.server.reset().await;
    feed.mount("all-weeks-global.tsv", ResponseTemplate::new(200).set_body_string(global)).await;
    feed.mount(
        "all-weeks-countries.tsv",
        ResponseTemplate::new(200).set_body_string(countries).set_delay(Duration::from_secs(30)),
    )
    .await;
    feed.mount("most-popular.tsv", ResponseTemplate::new(200).set_body_string(most_popular)).await;
    let mut app = spawn_app_with(&feed.base_url(), |c| c.shutdown_grace = Duration::from_millis(300)).await;
    let run: Value = app.trigger("top10").await.json().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    app.stop().await;

    let id = netflix_analytics::domain::RunId(run["id"].as_i64().unwrap());
    let record =
        app.warehouse.with_connection(move |c| netflix_analytics::warehouse::runs::get(c, id)).await.unwrap().unwrap();
    assert_eq!(record.status, netflix_analytics::domain::RunStatus::Failed);
    assert_eq!(record.error.unwrap().code, "cancelled");
    assert_eq!(app.warehouse.data_version(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_profile_loads_all_three_sample_feeds_with_no_network_or_keys() {
    // Base URLs nobody listens on and no API keys prove the demo needs neither.
    let app = spawn_app_with("http://127.0.0.1:9", |c| c.demo = true).await;
    let (_, runs) = app.get_json("/v1/ingest/runs?source=all").await;
    let run = app.wait_for_run(runs["data"][0]["id"].as_i64().unwrap()).await;
    assert_eq!(run["status"], "succeeded", "{run:#}");
    assert_eq!(run["trigger"], "demo");
    let steps: Vec<(&str, &str)> = run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["source"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(steps, [("top10", "succeeded"), ("catalog", "succeeded"), ("youtube", "succeeded")]);
    let top10 = app.wait_for_run(run["steps"][0]["run_id"].as_i64().unwrap()).await;
    assert!(top10["files"][0]["url"].as_str().unwrap().starts_with("file://"));

    let (status, global) = app.get_json("/v1/top10/global").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(global["meta"]["rows"], 40);
    let (_, countries) = app.get_json("/v1/countries").await;
    assert_eq!(countries["meta"]["rows"], 6);
    let (_, titles) = app.get_json("/v1/titles?q=harbour%20lights").await;
    let id = titles["data"][0]["title_id"].as_i64().unwrap();
    let (_, title) = app.get_json(&format!("/v1/titles/{id}")).await;
    assert_eq!(title["catalog"]["title"], "Harbour Lights");
    assert!(!title["top10"].as_array().unwrap().is_empty());
    let (_, unmatched) = app.get_json("/v1/quality/unmatched?source=top10").await;
    assert!(
        unmatched["data"].as_array().unwrap().iter().any(|u| u["source_label"] == "Live at the Palace"),
        "{unmatched:#}"
    );
}
