//! Ingestion runs over HTTP: triggering, the run record, idempotency and revisions.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::fixtures::{self, Standard, WEEK_1, WEEK_2};
use crate::helpers::{Top10Feed, spawn_app, spawn_app_with};

fn file<'a>(run: &'a Value, name: &str) -> &'a Value {
    run["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == name)
        .unwrap_or_else(|| panic!("no {name} in {run:#}"))
}

#[tokio::test]
async fn a_trigger_answers_202_with_the_queued_run_and_the_run_reports_every_file() {
    let feed = Top10Feed::start().await;
    let fixture = Standard::new();
    let (global, countries, most_popular) = fixture.files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;

    let response = app.trigger("top10").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let queued: Value = response.json().await.unwrap();
    assert_eq!(queued["source"], "top10");
    assert_eq!(queued["status"], "queued");
    assert_eq!(queued["trigger"], "http");
    assert_eq!(queued["links"]["self"], location.as_str());
    assert_eq!(location, format!("/v1/ingest/runs/{}", queued["id"]));

    let run = app.wait_for_run(queued["id"].as_i64().unwrap()).await;
    assert_eq!(run["status"], "succeeded", "{run:#}");
    assert!(run["started_at"].is_string() && run["finished_at"].is_string());
    assert!(run["duration_ms"].as_i64().unwrap() >= 0);
    assert_eq!(run["error"], Value::Null);
    assert_eq!(run["data_version"], 1);
    for (name, rows, body) in [
        ("all-weeks-global.tsv", fixture.global.len(), &global),
        ("all-weeks-countries.tsv", fixture.countries.len(), &countries),
        ("most-popular.tsv", fixture.most_popular.len(), &most_popular),
    ] {
        let report = file(&run, name);
        assert_eq!(report["status"], "loaded", "{report}");
        assert_eq!(report["url"], format!("{}/{name}", feed.base_url()));
        assert_eq!(report["bytes"], body.len());
        assert_eq!(report["rows_read"], rows);
        assert_eq!(report["rows_inserted"], rows);
        assert_eq!((report["rows_updated"].as_u64(), report["rows_rejected"].as_u64()), (Some(0), Some(0)));
        assert_eq!(report["sha256"].as_str().unwrap().len(), 64);
    }
}

#[tokio::test]
async fn two_identical_ingestions_leave_every_table_and_the_data_version_unchanged() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    let before = app.snapshot().await;
    let version = app.data_version().await;

    let again = app.ingest_ok("top10").await;
    assert_eq!(app.snapshot().await, before);
    assert_eq!(app.data_version().await, version);
    assert_eq!(again["data_version"], version);
    for report in again["files"].as_array().unwrap() {
        assert_eq!(report["status"], "unchanged", "{report}");
    }
}

#[tokio::test]
async fn reordered_but_equal_content_changes_no_row_and_keeps_the_data_version() {
    let feed = Top10Feed::start().await;
    let mut fixture = Standard::new();
    let (global, countries, most_popular) = fixture.files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    let version = app.data_version().await;

    // Different bytes, same rows: the loader compares rows, not files.
    fixture.global.reverse();
    let (global, countries, most_popular) = fixture.files();
    feed.serve(&global, &countries, &most_popular).await;
    let run = app.ingest_ok("top10").await;
    let report = file(&run, "all-weeks-global.tsv");
    assert_eq!(report["status"], "loaded");
    assert_eq!((report["rows_inserted"].as_u64(), report["rows_updated"].as_u64()), (Some(0), Some(0)));
    assert_eq!(report["rows_unchanged"], 80);
    assert_eq!(app.data_version().await, version);
}

#[tokio::test]
async fn a_revised_file_replaces_the_weeks_it_contains_and_keeps_the_others() {
    let feed = Top10Feed::start().await;
    let first = Standard::new();
    let (global, countries, most_popular) = first.files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    let (_, week_1_before) = app.get_json(&format!("/v1/top10/global?week={WEEK_1}")).await;

    // The next release: WEEK_2 revised (a title renamed, as Netflix does), a new week, WEEK_1 absent.
    let week_3 = "2026-07-26";
    let mut revised = fixtures::global_weeks(&[week_3, WEEK_2]);
    let renamed = revised.iter_mut().find(|e| e.week == WEEK_2 && e.category == "TV (English)" && e.rank == 2).unwrap();
    renamed.season_title = Some("Renamed: Season 1".to_owned());
    feed.serve(&fixtures::global_tsv(&revised), &countries, &most_popular).await;
    let run = app.ingest_ok("top10").await;

    let report = file(&run, "all-weeks-global.tsv");
    assert_eq!((report["rows_inserted"].as_u64(), report["rows_updated"].as_u64()), (Some(40), Some(1)));
    assert_eq!(report["rows_unchanged"], 39);
    assert_eq!(file(&run, "all-weeks-countries.tsv")["status"], "unchanged");

    let (_, week_1_after) = app.get_json(&format!("/v1/top10/global?week={WEEK_1}")).await;
    assert_eq!(week_1_after["data"], week_1_before["data"], "a week absent from the revision is kept");
    let (_, week_2) = app.get_json(&format!("/v1/top10/global?week={WEEK_2}&category=tv-english")).await;
    assert_eq!(week_2["data"][1]["season_title"], "Renamed: Season 1");
    let (_, latest) = app.get_json("/v1/top10/global").await;
    assert_eq!(latest["meta"]["weeks"], json!([week_3]));
    assert_eq!(app.data_version().await, 2);
}

#[tokio::test]
async fn rejected_rows_are_counted_and_sampled_and_their_lists_keep_the_previous_copy() {
    let feed = Top10Feed::start().await;
    let fixture = Standard::new();
    let (global, countries, most_popular) = fixture.files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app_with(&feed.base_url(), |c| c.max_reject_ratio = 0.2).await;
    app.ingest_ok("top10").await;

    let mut broken = fixture.global.clone();
    broken.iter_mut().filter(|e| e.week == WEEK_2 && e.category == "Films (English)").for_each(|e| e.hours = Some(1));
    let mut text = fixtures::global_tsv(&broken);
    text = text.replace(&format!("{WEEK_2}\tFilms (English)\t3\t"), &format!("{WEEK_2}\tFilms (Spanish)\t3\t"));
    feed.serve(&text, &countries, &most_popular).await;
    let run = app.ingest_ok("top10").await;

    let report = file(&run, "all-weeks-global.tsv");
    assert_eq!(report["rows_read"], 80);
    assert_eq!(report["rows_rejected"], 10, "the bad row and the rest of its list");
    let sample = report["rejected_sample"].as_array().unwrap();
    assert_eq!(sample[0]["line"], 4);
    assert!(sample[0]["reason"].as_str().unwrap().contains("unknown category \"Films (Spanish)\""), "{sample:?}");
    assert!(sample[0]["text"].as_str().unwrap().contains("Films (Spanish)"));
    assert!(sample[1]["reason"].as_str().unwrap().contains("rank 3 missing"), "{sample:?}");
    let (_, films) = app.get_json(&format!("/v1/top10/global?week={WEEK_2}&category=films-english")).await;
    assert_ne!(films["data"][0]["weekly_hours_viewed"], 1, "the rejected list kept its previous copy");
}

#[tokio::test]
async fn unknown_columns_are_ignored_and_reported() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    let global: String = global
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 0 { format!("{l}\tbrand_new") } else { format!("{l}\tx") })
        .collect::<Vec<_>>()
        .join("\n");
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;
    let run = app.ingest_ok("top10").await;
    assert_eq!(file(&run, "all-weeks-global.tsv")["extra_columns"], json!(["brand_new"]));
    assert_eq!(file(&run, "all-weeks-countries.tsv")["extra_columns"], json!([]));
}

#[tokio::test]
async fn redirects_are_followed_like_netflix_moved_host_in_2023() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    wiremock::Mock::given(wiremock::matchers::path_regex("^/old/(.*)$"))
        .respond_with(|request: &wiremock::Request| {
            let file = request.url.path().trim_start_matches("/old/");
            ResponseTemplate::new(301)
                .insert_header("location", format!("/top10/{file}"))
                .set_body_string("<html><body>Moved Permanently</body></html>")
        })
        .mount(&feed.server)
        .await;
    let app = spawn_app(&format!("{}/old", feed.server.uri())).await;
    let run = app.ingest_ok("top10").await;
    assert_eq!(file(&run, "all-weeks-global.tsv")["rows_read"], 80);
}

#[tokio::test]
async fn runs_are_listed_newest_first_in_pages_with_a_next_link() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.ingest_ok("top10").await["id"].as_i64().unwrap());
    }

    let response = app.get("/v1/ingest/runs?limit=2").await;
    let link = response.headers()["link"].to_str().unwrap().to_owned();
    let page: Value = response.json().await.unwrap();
    let listed: Vec<i64> = page["data"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(listed, [ids[2], ids[1]]);
    assert_eq!(page["meta"]["total"], 3);
    assert_eq!(page["meta"]["next"], "/v1/ingest/runs?limit=2&offset=2");
    assert_eq!(link, "</v1/ingest/runs?limit=2&offset=2>; rel=\"next\"");

    let (_, last) = app.get_json("/v1/ingest/runs?limit=2&offset=2").await;
    assert_eq!(last["data"][0]["id"], ids[0]);
    assert_eq!(last["meta"].get("next"), None);

    let (_, filtered) = app.get_json("/v1/ingest/runs?status=failed").await;
    assert_eq!(filtered["meta"]["total"], 0);
    let (status, body) = app.get_json("/v1/ingest/runs?status=done").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("queued, running, succeeded, failed"));
    let (status, _) = app.get_json("/v1/ingest/runs?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn unknown_runs_and_sources_are_404_and_a_non_numeric_run_id_is_400() {
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;
    let (status, body) = app.get_json("/v1/ingest/runs/999").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("run_not_found")));
    let (status, body) = app.get_json("/v1/ingest/runs/abc").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_parameter")));
    let response = app.trigger("netflix").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "unknown_source");
    assert!(body["message"].as_str().unwrap().contains("accepted: top10"));
}

#[tokio::test]
async fn a_slow_run_is_visible_as_running_while_it_downloads() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    feed.server.reset().await;
    feed.mount(
        "all-weeks-global.tsv",
        ResponseTemplate::new(200).set_body_string(global).set_delay(Duration::from_millis(800)),
    )
    .await;
    feed.mount("all-weeks-countries.tsv", ResponseTemplate::new(200).set_body_string(countries)).await;
    feed.mount("most-popular.tsv", ResponseTemplate::new(200).set_body_string(most_popular)).await;
    let app = spawn_app(&feed.base_url()).await;
    let queued: Value = app.trigger("top10").await.json().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, running) = app.get_json(queued["links"]["self"].as_str().unwrap()).await;
    assert_eq!(running["status"], "running");
    assert!(running["started_at"].is_string());
    assert_eq!(app.wait_for_run(queued["id"].as_i64().unwrap()).await["status"], "succeeded");
}
