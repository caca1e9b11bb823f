//! The Streaming Availability connector against a local API in the real format.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::apis::{CatalogApi, RAPIDAPI_KEY, sent, show};
use crate::helpers::{TestApp, Top10Feed, spawn_app_with};

fn shows() -> Vec<Value> {
    vec![
        show("48213", "movie", "A California Christmas: City Lights & More?", 2021, &["Romance", "Comedy"]),
        show("48214", "movie", "Night Train", 2021, &["Action", "Thriller"]),
        show("48215", "movie", "Amélie", 2001, &["Comedy"]),
        show("9001", "series", "Wednesday", 2022, &["Comedy", "Mystery"]),
        show("9002", "series", "Money Heist", 2017, &["Crime", "Drama"]),
    ]
}

async fn app_for(catalog: &CatalogApi, key: Option<&str>) -> (TestApp, Top10Feed) {
    let feed = Top10Feed::start().await;
    let base = catalog.base_url();
    let key = key.map(str::to_owned);
    let app = spawn_app_with(&feed.base_url(), move |c| {
        c.catalog.base_url = format!("{base}/").parse().unwrap();
        c.catalog.api_key = key.map(secrecy::SecretString::from);
        c.catalog.requests_per_sec = 1000.0;
    })
    .await;
    (app, feed)
}

async fn trigger(app: &TestApp, query: &str) -> Value {
    let response = app
        .client
        .post(app.url(&format!("/v1/ingest/catalog{query}")))
        .bearer_auth(crate::helpers::ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED, "{}", response.text().await.unwrap());
    let run: Value = response.json().await.unwrap();
    app.wait_for_run(run["id"].as_i64().unwrap()).await
}

async fn stored(app: &TestApp, sql: &'static str) -> Vec<String> {
    app.warehouse
        .with_connection(move |c| {
            let mut statement = c.prepare(sql)?;
            let rows = statement.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_backfill_follows_the_cursor_sends_the_documented_request_and_loads_every_show() {
    let catalog = CatalogApi::start().await;
    catalog.serve(shows(), 2).await;
    let (app, _feed) = app_for(&catalog, Some(RAPIDAPI_KEY)).await;
    let run = trigger(&app, "?mode=backfill&year_min=2000&year_max=2026").await;
    assert_eq!(run["status"], "succeeded", "{run:#}");
    let report = &run["files"][0];
    assert_eq!((report["rows_read"].as_u64(), report["rows_inserted"].as_u64()), (Some(5), Some(5)));
    // Movies: 3 shows in pages of 2; series: 2 shows in one page.
    assert_eq!(report["requests"], 3);

    let requests = catalog.received().await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.url.path(), "/shows/search/filters");
        assert_eq!(request.headers["x-rapidapi-key"], RAPIDAPI_KEY);
        assert_eq!(request.headers["x-rapidapi-host"], "127.0.0.1");
        assert_eq!(sent(request, "country").as_deref(), Some("us"));
        assert_eq!(sent(request, "catalogs").as_deref(), Some("netflix"));
        assert_eq!(
            (sent(request, "year_min").as_deref(), sent(request, "year_max").as_deref()),
            (Some("2000"), Some("2026"))
        );
        assert!(!request.url.as_str().contains(RAPIDAPI_KEY), "the key travels in a header only");
    }
    let show_types: Vec<String> = requests.iter().map(|r| sent(r, "show_type").unwrap()).collect();
    assert_eq!(show_types, ["movie", "movie", "series"]);
    // The cursor holds spaces, a colon, `&` and `?`: it must arrive intact, so it was URL-encoded.
    assert_eq!(sent(&requests[1], "cursor").as_deref(), Some("48215:Amélie"));
    assert!(requests[1].url.query().unwrap().contains("cursor=48215%3AAm%C3%A9lie"));

    let titles = stored(&app, "SELECT title FROM stage.catalog_shows ORDER BY show_id").await;
    assert_eq!(
        titles,
        ["48213", "48214", "48215", "9001", "9002"]
            .map(|id| shows().into_iter().find(|s| s["id"] == id).unwrap()["title"].as_str().unwrap().to_owned())
    );
    let genres =
        stored(&app, "SELECT genre_name FROM stage.catalog_show_genres WHERE show_id = '9001' ORDER BY 1").await;
    assert_eq!(genres, ["Comedy", "Mystery"]);
    let people = stored(
        &app,
        "SELECT role || ':' || name FROM stage.catalog_show_people WHERE show_id = '48214' ORDER BY role, ordinal",
    )
    .await;
    assert_eq!(people, ["cast:Sam Hale", "cast:Mira Okafor", "director:Ana Ruiz"]);
    let raw = stored(&app, "SELECT request FROM raw.catalog_pages ORDER BY page_no, request").await;
    assert_eq!(raw.len(), 3);
}

#[tokio::test]
async fn a_cursor_with_ampersands_and_question_marks_round_trips() {
    let catalog = CatalogApi::start().await;
    let mut reordered = shows();
    reordered.swap(0, 1);
    catalog.serve(reordered, 1).await;
    let (app, _feed) = app_for(&catalog, Some(RAPIDAPI_KEY)).await;
    let run = trigger(&app, "?mode=backfill&year_min=2000&year_max=2026").await;
    assert_eq!(run["status"], "succeeded", "{run:#}");
    let cursors: Vec<String> = catalog.received().await.iter().filter_map(|r| sent(r, "cursor")).collect();
    assert!(cursors.contains(&"48213:A California Christmas: City Lights & More?".to_owned()), "{cursors:?}");
}

#[tokio::test]
async fn a_rerun_upserts_by_show_id_and_keeps_when_a_show_was_first_seen() {
    let catalog = CatalogApi::start().await;
    catalog.serve(shows(), 10).await;
    let (app, _feed) = app_for(&catalog, Some(RAPIDAPI_KEY)).await;
    trigger(&app, "?mode=backfill&year_min=2000&year_max=2026").await;
    let first_seen =
        stored(&app, "SELECT first_seen_at::VARCHAR FROM stage.catalog_shows WHERE show_id = '9001'").await;

    let mut changed = shows();
    changed[3]["rating"] = json!(90);
    catalog.serve(changed, 10).await;
    let run = trigger(&app, "?mode=backfill&year_min=2000&year_max=2026").await;
    let report = &run["files"][0];
    assert_eq!(
        (report["rows_inserted"].as_u64(), report["rows_updated"].as_u64(), report["rows_unchanged"].as_u64()),
        (Some(0), Some(1), Some(4))
    );
    assert_eq!(stored(&app, "SELECT count(*)::VARCHAR FROM stage.catalog_shows").await, ["5"]);
    assert_eq!(stored(&app, "SELECT rating::VARCHAR FROM stage.catalog_shows WHERE show_id = '9001'").await, ["90"]);
    assert_eq!(
        stored(&app, "SELECT first_seen_at::VARCHAR FROM stage.catalog_shows WHERE show_id = '9001'").await,
        first_seen
    );
}

#[tokio::test]
async fn the_daily_incremental_asks_for_recent_years_and_the_first_run_backfills() {
    let catalog = CatalogApi::start().await;
    catalog.serve(shows(), 10).await;
    let (app, _feed) = app_for(&catalog, Some(RAPIDAPI_KEY)).await;
    let first = trigger(&app, "").await;
    assert!(first["files"][0]["file"].as_str().unwrap().contains("(backfill, 1920-"), "{first:#}");
    let second = trigger(&app, "").await;
    assert!(second["files"][0]["file"].as_str().unwrap().contains("incremental"), "{second:#}");
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    let last = catalog.received().await.pop().unwrap();
    assert_eq!(sent(&last, "year_min"), Some((this_year - 1).to_string()));
    assert_eq!(sent(&last, "year_max"), Some(this_year.to_string()));
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after_and_counted() {
    let catalog = CatalogApi::start().await;
    catalog.serve(shows(), 10).await;
    catalog
        .fail_next(
            1,
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"message": "You have exceeded the rate limit per second for your plan, BASIC, by the API provider"})),
        )
        .await;
    let (app, _feed) = app_for(&catalog, Some(RAPIDAPI_KEY)).await;
    let started = Instant::now();
    let run = trigger(&app, "?mode=backfill&year_min=2000&year_max=2026").await;
    assert_eq!(run["status"], "succeeded", "{run:#}");
    assert_eq!(run["files"][0]["retries"], 1);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was not honoured");
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_until_the_retries_run_out() {
    let catalog = CatalogApi::start().await;
    catalog.serve(shows(), 10).await;
    catalog.fail_next(2, ResponseTemplate::new(503).set_body_string("upstream unavailable")).await;
    let (app, _feed) = app_for(&catalog, Some(RAPIDAPI_KEY)).await;
    let run = trigger(&app, "?mode=backfill&year_min=2000&year_max=2026").await;
    assert_eq!(run["status"], "succeeded", "{run:#}");
    assert_eq!(run["files"][0]["retries"], 2);

    catalog.fail_next(10, ResponseTemplate::new(500).set_body_string("broken")).await;
    let before = app.snapshot().await;
    let run = trigger(&app, "?mode=backfill&year_min=2000&year_max=2026").await;
    assert_eq!(run["error"]["code"], "download_failed", "{run:#}");
    assert!(run["error"]["message"].as_str().unwrap().contains("gave up after 6 attempts"), "{run:#}");
    assert_eq!(app.snapshot().await, before);
}

async fn assert_fails_changing_nothing(
    catalog: &CatalogApi,
    app: &TestApp,
    response: ResponseTemplate,
    code: &str,
    part: &str,
) -> Value {
    catalog.serve(shows(), 2).await;
    let before = app.snapshot().await;
    catalog.fail_next(1, response).await;
    let run = trigger(app, "?mode=backfill&year_min=2000&year_max=2026").await;
    assert_eq!(run["status"], "failed", "{run:#}");
    assert_eq!(run["error"]["code"], code, "{run:#}");
    assert!(run["error"]["message"].as_str().unwrap().contains(part), "{run:#}");
    assert!(!run["error"]["message"].as_str().unwrap().contains(RAPIDAPI_KEY));
    assert_eq!(app.snapshot().await, before, "a failed catalog run changed the warehouse");
    run
}

#[tokio::test]
async fn quota_refused_keys_and_malformed_pages_fail_the_run_and_change_nothing() {
    let catalog = CatalogApi::start().await;
    catalog.serve(shows(), 2).await;
    let (app, _feed) = app_for(&catalog, Some(RAPIDAPI_KEY)).await;
    trigger(&app, "?mode=backfill&year_min=2000&year_max=2026").await;
    let monthly = ResponseTemplate::new(429).set_body_json(
        json!({"message": "You have exceeded the MONTHLY quota for Requests on your current plan, BASIC."}),
    );
    assert_fails_changing_nothing(&catalog, &app, monthly, "quota_exhausted", "MONTHLY quota").await;
    let refused = ResponseTemplate::new(403).set_body_json(json!({"message": "You are not subscribed to this API."}));
    let run = assert_fails_changing_nothing(&catalog, &app, refused, "api_refused", "NA_RAPIDAPI_KEY").await;
    assert_eq!(run["files"][0]["retries"], 0, "a refused key is not retried");
    let broken = ResponseTemplate::new(200).set_body_string("{\"shows\": [");
    assert_fails_changing_nothing(&catalog, &app, broken, "invalid_response", "not the API's format").await;
}

#[tokio::test]
async fn a_missing_key_fails_the_catalog_run_at_once_naming_the_variable() {
    let catalog = CatalogApi::start().await;
    catalog.serve(shows(), 2).await;
    let (app, _feed) = app_for(&catalog, None).await;
    let run = trigger(&app, "").await;
    assert_eq!(run["error"]["code"], "missing_api_key");
    assert!(run["error"]["message"].as_str().unwrap().contains("NA_RAPIDAPI_KEY"));
    assert!(catalog.received().await.is_empty());
}

#[tokio::test]
async fn movie_of_the_night_keys_use_their_own_header() {
    let catalog = CatalogApi::start().await;
    catalog.serve(shows(), 10).await;
    let (app, _feed) = app_for(&catalog, Some("motn-key-abc123")).await;
    assert_eq!(trigger(&app, "?mode=incremental").await["status"], "succeeded");
    let request = &catalog.received().await[0];
    assert_eq!(request.headers["x-api-key"], "motn-key-abc123");
    assert!(request.headers.get("x-rapidapi-key").is_none());
}

#[tokio::test]
async fn trigger_options_are_validated() {
    let catalog = CatalogApi::start().await;
    let (app, _feed) = app_for(&catalog, Some(RAPIDAPI_KEY)).await;
    for (path, part) in [
        ("/v1/ingest/top10?mode=backfill", "only catalog"),
        ("/v1/ingest/catalog?mode=full", "accepted: incremental, backfill"),
        ("/v1/ingest/catalog?mode=backfill&year_min=2020&year_max=2010", "not a range of years"),
        ("/v1/ingest/catalog?year_min=2020", "need mode=backfill"),
    ] {
        let response = app.client.post(app.url(path)).bearer_auth(crate::helpers::ADMIN_TOKEN).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        let body: Value = response.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains(part), "{path}: {body}");
    }
}
