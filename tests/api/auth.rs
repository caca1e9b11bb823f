//! The ingestion triggers need the admin token; only one run per source at a time.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use wiremock::ResponseTemplate;

use crate::fixtures::Standard;
use crate::helpers::{ADMIN_TOKEN, Top10Feed, spawn_app};

#[tokio::test]
async fn a_trigger_without_or_with_a_wrong_token_is_401_and_says_nothing_more() {
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;
    let url = app.url("/v1/ingest/top10");
    let attempts = [
        app.client.post(&url).send().await.unwrap(),
        app.client.post(&url).bearer_auth("wrong-token-0123456789").send().await.unwrap(),
        app.client.post(&url).bearer_auth(&ADMIN_TOKEN[..ADMIN_TOKEN.len() - 1]).send().await.unwrap(),
        app.client.post(&url).header("authorization", format!("Basic {ADMIN_TOKEN}")).send().await.unwrap(),
    ];
    let mut bodies = Vec::new();
    for response in attempts {
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        bodies.push(response.text().await.unwrap());
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "the body must not tell missing from wrong: {bodies:?}");
    let body: Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(body["code"], "unauthorized");
    assert!(!bodies[0].contains(ADMIN_TOKEN));
    let (_, runs) = app.get_json("/v1/ingest/runs").await;
    assert_eq!(runs["meta"]["total"], 0, "no run was started");
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;
    let response = app
        .client
        .post(app.url("/v1/ingest/top10"))
        .header("authorization", format!("bearer {ADMIN_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_triggers_of_one_source_get_one_202_and_one_409_naming_the_run() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.server.reset().await;
    let slow = |body: String| ResponseTemplate::new(200).set_body_string(body).set_delay(Duration::from_millis(700));
    feed.mount("all-weeks-global.tsv", slow(global)).await;
    feed.mount("all-weeks-countries.tsv", slow(countries)).await;
    feed.mount("most-popular.tsv", slow(most_popular)).await;
    let app = spawn_app(&feed.base_url()).await;

    let (first, second) = tokio::join!(app.trigger("top10"), app.trigger("top10"));
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::ACCEPTED, StatusCode::CONFLICT]);
    let (accepted, conflict) = if first.status() == StatusCode::ACCEPTED { (first, second) } else { (second, first) };
    let run: Value = accepted.json().await.unwrap();
    let conflict: Value = conflict.json().await.unwrap();
    assert_eq!(conflict["code"], "ingest_running");
    let message = conflict["message"].as_str().unwrap();
    assert!(message.contains(&format!("run {}", run["id"])), "{message}");

    let finished = app.wait_for_run(run["id"].as_i64().unwrap()).await;
    assert_eq!(finished["status"], "succeeded");
    assert_eq!(app.trigger("top10").await.status(), StatusCode::ACCEPTED, "the lock is released when the run ends");
}
