//! What a hostile or careless client can do to the service, and what it must not achieve: unbounded
//! metric series, 5xx from input, amplified work, a held connection, an exhausted service.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{ADMIN_TOKEN, TestApp, Top10Feed, spawn_app, spawn_app_with};
use crate::scenario::Scenario;

#[tokio::test]
async fn methods_a_client_invents_do_not_become_metric_labels() {
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;
    for n in 0..50 {
        let method = reqwest::Method::from_bytes(format!("BREW{n}X{}", "Y".repeat(n * 40)).as_bytes()).unwrap();
        app.client.request(method, app.url("/v1/weeks")).send().await.unwrap();
    }
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains("BREW"), "a client-chosen method became a label");
    assert!(metrics.contains(r#"method="other""#), "{metrics}");
    assert!(metrics.len() < 64 * 1024, "/metrics grew to {} bytes", metrics.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_range_offsets_are_refused_with_a_400_on_every_paged_endpoint() {
    let (app, _feeds) = Scenario::new().load().await;
    for path in [
        "/v1/titles",
        "/v1/quality/unmatched",
        "/v1/analytics/top-titles",
        "/v1/analytics/engagement-vs-rank",
        "/v1/analytics/genre-performance",
        "/v1/analytics/regional-preferences",
        "/v1/analytics/regional-similarity",
        "/v1/analytics/category-viewership",
        "/v1/analytics/youtube/top-engagement",
        "/v1/ingest/runs",
    ] {
        for offset in ["9223372036854775808", "18446744073709551615"] {
            let (status, body) = app.get_json(&format!("{path}?offset={offset}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?offset={offset}: {body}");
            assert_eq!(body["code"], "invalid_parameter", "{path}: {body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_past_the_end_reports_the_same_total_as_the_first_page() {
    let (app, _feeds) = Scenario::new().load().await;
    for path in [
        "/v1/titles?limit=5",
        "/v1/analytics/top-titles?limit=5",
        "/v1/analytics/regional-similarity?limit=5",
        "/v1/analytics/youtube/top-engagement?limit=5",
        "/v1/analytics/genre-performance?limit=5",
        "/v1/analytics/regional-preferences?limit=5",
    ] {
        let (status, first) = app.get_json(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {first}");
        let total = first["meta"]["total"].as_u64().unwrap();
        assert!(total > 0, "{path}: {first}");
        let (status, past) = app.get_json(&format!("{path}&offset={}", total + 100)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {past}");
        assert_eq!(past["data"].as_array().unwrap().len(), 0, "{path}");
        assert_eq!(past["meta"]["total"].as_u64(), Some(total), "{path}: {past}");
        assert!(past["meta"]["next"].is_null(), "{path}: {past}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_period_with_no_titles_answers_empty_rather_than_failing() {
    let (app, _feeds) = Scenario::new().load().await;
    let (status, body) = app.get_json("/v1/analytics/weekly-hours?to=1900-01-07").await;
    assert!(status.is_success() || status.is_client_error(), "{status}: {body}");
    if status.is_success() {
        assert_eq!(body["data"].as_array().unwrap().len(), 0, "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weekly_hours_takes_at_most_fifty_titles() {
    let (app, _feeds) = Scenario::new().load().await;
    let many: String = (0..51).map(|n| format!("title=Show%20{n:02}&")).collect();
    let (status, body) = app.get_json(&format!("/v1/analytics/weekly-hours?{many}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("at most 50"), "{body}");
    let fifty: String = (0..50).map(|_| "title=Show%2001&".to_owned()).collect();
    let (status, body) = app.get_json(&format!("/v1/analytics/weekly-hours?{fifty}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn if_none_match_star_matches_only_an_answer_that_exists() {
    let (app, _feeds) = Scenario::new().load().await;
    let missing =
        app.client.get(app.url("/v1/top10/global?week=2001-01-07")).header("if-none-match", "*").send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.headers().get("etag").is_none(), "an error carries no ETag");
    let present = app.client.get(app.url("/v1/top10/global")).header("if-none-match", "*").send().await.unwrap();
    assert_eq!(present.status(), StatusCode::NOT_MODIFIED);
    // Again once the missing week's 404 is cached: still a 404.
    let again =
        app.client.get(app.url("/v1/top10/global?week=2001-01-07")).header("if-none-match", "*").send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

/// A server failure, here a mart gone missing, is answered with one code whether or not the
/// cache sits in front of the question.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_failure_has_one_code_with_and_without_the_cache() {
    for cache_bytes in [64 << 20, 0] {
        let scenario = Scenario::new();
        let (app, _feeds) = scenario.load_with(move |config| config.cache_max_bytes = cache_bytes).await;
        app.warehouse
            .with_connection(|conn| {
                conn.execute_batch("DROP SCHEMA mart CASCADE")?;
                Ok(())
            })
            .await
            .unwrap();
        for path in ["/v1/analytics/top-titles", "/v1/analytics/category-viewership"] {
            let (status, body) = app.get_json(path).await;
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}: {body}");
            assert_eq!(body["code"], "warehouse", "cache {cache_bytes}, {path}: {body}");
        }
    }
}

#[tokio::test]
async fn a_client_request_id_is_kept_only_when_it_is_a_plain_token() {
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;
    for hostile in ["x".repeat(65), "two words".to_owned(), "new\\line".to_owned(), "ünïcode".to_owned()] {
        let response = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", reqwest::header::HeaderValue::from_bytes(hostile.as_bytes()).unwrap())
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(id, hostile);
        assert_eq!(id.len(), 36, "a fresh UUID replaces {hostile:?}");
    }
}

/// Occupies a warehouse query slot for `how_long`, as a slow question would; returns once it is held.
async fn hold_the_query_slot(
    app: &TestApp,
    how_long: Duration,
) -> tokio::task::JoinHandle<netflix_analytics::error::Result<()>> {
    let held = app.warehouse.clone();
    let holder = tokio::spawn(async move {
        held.read(move |_| {
            std::thread::sleep(how_long);
            Ok(())
        })
        .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    holder
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_over_the_in_flight_limit_are_shed_with_retry_after_and_counted() {
    let feed = Top10Feed::start().await;
    let app = spawn_app_with(&feed.base_url(), |config| {
        config.max_in_flight = 1;
        config.max_concurrent_queries = 1;
        config.cache_max_bytes = 0;
    })
    .await;
    // Hold the only warehouse slot so the first request stays in flight.
    let holder = hold_the_query_slot(&app, Duration::from_millis(1500)).await;
    let waiting = tokio::spawn({
        let (client, url) = (app.client.clone(), app.url("/v1/weeks"));
        async move { client.get(url).send().await.unwrap().status() }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let shed = app.get("/v1/countries").await;
    assert_eq!(shed.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(shed.headers()["retry-after"], "1");
    let body: Value = shed.json().await.unwrap();
    assert_eq!(body["code"], "overloaded", "{body}");
    // Probes still answer while the service is saturated.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    holder.await.unwrap().unwrap();
    assert_eq!(waiting.await.unwrap(), StatusCode::OK);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.lines().any(|l| l.contains(r#"route="/v1/countries""#) && l.contains(r#"status="503""#)),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_request_is_answered_503_and_counted_in_metrics() {
    let feed = Top10Feed::start().await;
    let app = spawn_app_with(&feed.base_url(), |config| {
        config.request_timeout = Duration::from_secs(1);
        config.max_concurrent_queries = 1;
        config.cache_max_bytes = 0;
    })
    .await;
    let holder = hold_the_query_slot(&app, Duration::from_millis(2500)).await;
    let (status, body) = app.get_json("/v1/weeks").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "timeout", "{body}");
    holder.await.unwrap().unwrap();
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.lines().any(|l| l.contains(r#"route="/v1/weeks""#) && l.contains(r#"status="503""#)), "{metrics}");
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_disconnected() {
    let feed = Top10Feed::start().await;
    let app = spawn_app_with(&feed.base_url(), |config| config.header_read_timeout = Duration::from_secs(1)).await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut closed = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if stream.write_all(b"X").await.is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        if let Ok(Ok(0) | Ok(_)) = tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await {
            closed = true;
            break;
        }
    }
    assert!(closed, "the connection was still open after 4 s of trickled headers");
}

#[tokio::test]
async fn triggers_from_one_client_are_rate_limited() {
    let feed = Top10Feed::start().await;
    let app = spawn_app_with(&feed.base_url(), |config| config.trigger_rate_per_minute = 2).await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = app.client.post(app.url("/v1/ingest/nothing")).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
        statuses.push((response.status(), response.headers().get("retry-after").cloned()));
    }
    assert_eq!(statuses[0].0, StatusCode::NOT_FOUND, "unknown source, but counted");
    assert_eq!(statuses[1].0, StatusCode::NOT_FOUND);
    assert_eq!(statuses[2].0, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = statuses[2].1.as_ref().unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_timestamps_carry_their_utc_offset() {
    let (app, _feeds) = Scenario::new().load().await;
    let (_, found) = app.get_json("/v1/titles?q=show%2001").await;
    let id = found["data"][0]["title_id"].as_i64().unwrap();
    let (status, title) = app.get_json(&format!("/v1/titles/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let seen = title["catalog"]["last_seen_at"].as_str().unwrap_or_else(|| panic!("{title}"));
    assert!(chrono::DateTime::parse_from_rfc3339(seen).is_ok(), "{seen} is not an RFC 3339 date-time");
    for video in title["videos"].as_array().unwrap() {
        let published = video["published_at"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(published).is_ok(), "{published}");
    }
}
