//! The Top 10 query endpoints, checked against answers computed from the fixture values.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::{self, CountryEntry, GlobalEntry, Standard, WEEK_1, WEEK_2};
use crate::helpers::{TestApp, Top10Feed, spawn_app};

async fn loaded() -> (TestApp, Top10Feed, Standard) {
    let feed = Top10Feed::start().await;
    let fixture = Standard::new();
    let (global, countries, most_popular) = fixture.files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    (app, feed, fixture)
}

fn expected_global(entries: &[GlobalEntry], week: &str, category: Option<&str>) -> Vec<Value> {
    let mut rows: Vec<&GlobalEntry> =
        entries.iter().filter(|e| e.week == week && category.is_none_or(|c| e.category == c)).collect();
    rows.sort_by(|a, b| (&a.category, a.rank).cmp(&(&b.category, b.rank)));
    rows.into_iter()
        .map(|e| {
            json!({
                "week": e.week, "category": e.category, "weekly_rank": e.rank, "show_title": e.show_title,
                "season_title": e.season_title, "weekly_hours_viewed": e.hours, "runtime": e.runtime,
                "weekly_views": e.views, "cumulative_weeks_in_top_10": e.cumulative_weeks,
            })
        })
        .collect()
}

fn expected_country(entries: &[CountryEntry], iso: &str, week: &str, category: Option<&str>) -> Vec<Value> {
    let mut rows: Vec<&CountryEntry> = entries
        .iter()
        .filter(|e| e.country_iso2 == iso && e.week == week && category.is_none_or(|c| e.category == c))
        .collect();
    rows.sort_by(|a, b| (&a.category, a.rank).cmp(&(&b.category, b.rank)));
    rows.into_iter()
        .map(|e| {
            json!({
                "country_name": e.country_name, "country_iso2": e.country_iso2, "week": e.week,
                "category": e.category, "weekly_rank": e.rank, "show_title": e.show_title,
                "season_title": e.season_title, "cumulative_weeks_in_top_10": e.cumulative_weeks,
            })
        })
        .collect()
}

/// A CSV cell holds the JSON value's text; numbers are compared as numbers.
fn assert_csv_matches_json(header: &[String], csv: &[BTreeMap<String, String>], json: &[Value]) {
    assert_eq!(csv.len(), json.len());
    let json_fields: Vec<String> = json[0].as_object().unwrap().keys().cloned().collect();
    let mut csv_fields = header.to_vec();
    csv_fields.sort();
    assert_eq!(csv_fields, json_fields, "CSV header and JSON field names differ");
    for (csv_row, json_row) in csv.iter().zip(json) {
        for (field, value) in json_row.as_object().unwrap() {
            let cell = &csv_row[field];
            match value {
                Value::Null => assert_eq!(cell, "", "{field}"),
                Value::String(text) => assert_eq!(cell, text, "{field}"),
                Value::Number(n) => assert_eq!(cell.parse::<f64>().unwrap(), n.as_f64().unwrap(), "{field}"),
                other => panic!("unexpected JSON value {other} in {field}"),
            }
        }
    }
}

#[tokio::test]
async fn global_week_answers_every_list_in_json_and_csv_with_the_same_rows() {
    let (app, _feed, fixture) = loaded().await;
    let (status, body) = app.get_json(&format!("/v1/top10/global?week={WEEK_1}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let expected = expected_global(&fixture.global, WEEK_1, None);
    assert_eq!(body["data"].as_array().unwrap(), &expected);
    assert_eq!(body["meta"]["rows"], 40);
    assert_eq!(body["meta"]["weeks"], json!([WEEK_1]));
    assert_eq!(body["meta"]["data_version"], app.data_version().await);

    let (status, header, rows) = app.get_csv(&format!("/v1/top10/global?week={WEEK_1}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header.join("\t"), fixtures::GLOBAL_HEADER, "the feed's own column order");
    assert_csv_matches_json(&header, &rows, &expected);
}

#[tokio::test]
async fn csv_has_its_media_type_a_filename_and_rfc4180_quoting() {
    let feed = Top10Feed::start().await;
    let mut fixture = Standard::new();
    fixture.global[0].show_title = "Yo, \"El Vaquilla\"".to_owned();
    let (global, countries, most_popular) = fixture.files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;

    let response = app.get(&format!("/v1/top10/global?week={WEEK_2}&category=films-english&format=csv")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"top10-global-{WEEK_2}.csv\"").as_str()
    );
    let body = response.text().await.unwrap();
    let first_row = body.lines().nth(1).unwrap();
    assert!(first_row.contains(r#""Yo, ""El Vaquilla"""#), "{first_row}");
}

#[tokio::test]
async fn the_latest_week_is_the_default() {
    let (app, _feed, fixture) = loaded().await;
    let (_, body) = app.get_json("/v1/top10/global").await;
    assert_eq!(body["meta"]["weeks"], json!([WEEK_2]));
    assert_eq!(body["data"].as_array().unwrap(), &expected_global(&fixture.global, WEEK_2, None));
    let (_, latest) = app.get_json("/v1/top10/global?week=latest").await;
    assert_eq!(latest["data"], body["data"]);
}

#[tokio::test]
async fn categories_are_accepted_by_name_in_any_case_or_by_slug() {
    let (app, _feed, fixture) = loaded().await;
    let expected = expected_global(&fixture.global, WEEK_2, Some("TV (Non-English)"));
    for spelling in ["TV%20(Non-English)", "tv%20(non-english)", "tv-non-english"] {
        let (status, body) = app.get_json(&format!("/v1/top10/global?week={WEEK_2}&category={spelling}")).await;
        assert_eq!(status, StatusCode::OK, "{spelling}: {body}");
        assert_eq!(body["data"].as_array().unwrap(), &expected, "{spelling}");
        assert_eq!(body["meta"]["category"], "TV (Non-English)");
    }
}

#[tokio::test]
async fn a_country_week_lists_films_and_tv_and_the_code_may_be_lower_case() {
    let (app, _feed, fixture) = loaded().await;
    let (status, body) = app.get_json(&format!("/v1/top10/countries/re?week={WEEK_1}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"].as_array().unwrap(), &expected_country(&fixture.countries, "RE", WEEK_1, None));
    assert_eq!(body["meta"]["country_iso2"], "RE");

    let (_, tv) = app.get_json("/v1/top10/countries/KR?category=tv").await;
    assert_eq!(tv["data"].as_array().unwrap(), &expected_country(&fixture.countries, "KR", WEEK_2, Some("TV")));
    let (_, header, rows) = app.get_csv("/v1/top10/countries/KR?category=tv").await;
    assert_eq!(header.join("\t"), fixtures::COUNTRIES_HEADER, "the feed's own column order");
    assert_csv_matches_json(&header, &rows, tv["data"].as_array().unwrap());
}

#[tokio::test]
async fn a_country_latest_week_is_its_own_newest_week() {
    let feed = Top10Feed::start().await;
    let mut countries = fixtures::country_weeks(&[WEEK_2, WEEK_1]);
    // Netflix stopped publishing Russia's lists; its latest week is older than everyone else's.
    countries.extend(fixtures::country_week(WEEK_1, &[("Russia", "RU")]));
    let global = fixtures::global_tsv(&fixtures::global_weeks(&[WEEK_2, WEEK_1]));
    feed.serve(&global, &fixtures::countries_tsv(&countries), &fixtures::most_popular_tsv(&fixtures::most_popular()))
        .await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    let (_, body) = app.get_json("/v1/top10/countries/RU").await;
    assert_eq!(body["meta"]["weeks"], json!([WEEK_1]));
    assert_eq!(body["data"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn most_popular_weeks_and_countries_list_what_was_loaded() {
    let (app, _feed, fixture) = loaded().await;
    let (_, popular) = app.get_json("/v1/top10/most-popular?category=films-non-english").await;
    let expected: Vec<Value> = fixture
        .most_popular
        .iter()
        .filter(|e| e.category == "Films (Non-English)")
        .map(|e| {
            json!({
                "category": e.category, "rank": e.rank, "show_title": e.show_title, "season_title": e.season_title,
                "hours_viewed_first_91_days": e.hours, "runtime": e.runtime, "views_first_91_days": e.views,
                "hours_viewed_first_28_days": null,
            })
        })
        .collect();
    assert_eq!(popular["data"].as_array().unwrap(), &expected);

    let (_, weeks) = app.get_json("/v1/weeks").await;
    assert_eq!(
        weeks["data"],
        json!([
            {"week": WEEK_2, "global_lists": 4, "country_lists": 6, "countries": 3},
            {"week": WEEK_1, "global_lists": 4, "country_lists": 6, "countries": 3},
        ])
    );

    let (_, countries) = app.get_json("/v1/countries").await;
    let expected: Vec<Value> = {
        let mut codes: Vec<(&str, &str)> = fixtures::COUNTRIES.to_vec();
        codes.sort_by_key(|(_, iso)| *iso);
        codes
            .into_iter()
            .map(|(name, iso)| {
                json!({"country_iso2": iso, "country_name": name, "first_week": WEEK_1, "last_week": WEEK_2, "weeks": 2})
            })
            .collect()
    };
    assert_eq!(countries["data"].as_array().unwrap(), &expected);
}

#[tokio::test]
async fn accept_text_csv_selects_csv_and_the_format_parameter_wins_over_it() {
    let (app, _feed, _) = loaded().await;
    let csv =
        app.client.get(app.url("/v1/weeks")).header("accept", "text/csv, application/json;q=0.5").send().await.unwrap();
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let json = app.client.get(app.url("/v1/weeks?format=json")).header("accept", "text/csv").send().await.unwrap();
    assert_eq!(json.headers()["content-type"], "application/json");
}

async fn assert_error(app: &TestApp, path: &str, status: StatusCode, code: &str, message_part: &str) {
    let (actual, body) = app.get_json(path).await;
    assert_eq!(actual, status, "{path}: {body}");
    assert_eq!(body["code"], code, "{path}: {body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(message_part), "{path}: {message:?} lacks {message_part:?}");
}

#[tokio::test]
async fn bad_parameters_get_a_4xx_that_says_what_is_accepted() {
    let (app, _feed, _) = loaded().await;
    assert_error(
        &app,
        "/v1/top10/global?category=Drama",
        StatusCode::BAD_REQUEST,
        "unknown_category",
        "\"TV (English)\" (tv-english)",
    )
    .await;
    assert_error(
        &app,
        "/v1/top10/countries/US?category=tv-english",
        StatusCode::BAD_REQUEST,
        "unknown_category",
        "\"Films\" (films)",
    )
    .await;
    assert_error(
        &app,
        "/v1/top10/global?week=2026-07-13",
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
        "2026-07-13 is a Mon",
    )
    .await;
    assert_error(&app, "/v1/top10/global?week=19-07-2026", StatusCode::BAD_REQUEST, "invalid_parameter", "YYYY-MM-DD")
        .await;
    assert_error(
        &app,
        "/v1/top10/global?week=2020-01-05",
        StatusCode::NOT_FOUND,
        "week_not_found",
        "2026-07-12 to 2026-07-19",
    )
    .await;
    assert_error(&app, "/v1/top10/countries/FR", StatusCode::NOT_FOUND, "unknown_country", "KR, RE, US").await;
    assert_error(&app, "/v1/top10/countries/USA", StatusCode::BAD_REQUEST, "invalid_parameter", "ISO 3166-1 alpha-2")
        .await;
    assert_error(&app, "/v1/top10/countries/US?week=2020-01-05", StatusCode::NOT_FOUND, "week_not_found", "country")
        .await;
    assert_error(
        &app,
        "/v1/top10/global?categry=tv",
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
        "unknown field `categry`",
    )
    .await;
    assert_error(
        &app,
        "/v1/top10/global?format=xml",
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
        "accepted: json, csv",
    )
    .await;
    assert_error(&app, "/v1/top10/nowhere", StatusCode::NOT_FOUND, "not_found", "/openapi.json").await;
}

#[tokio::test]
async fn an_empty_warehouse_answers_404_no_data_for_the_latest_week_and_empty_lists() {
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;
    assert_error(&app, "/v1/top10/global", StatusCode::NOT_FOUND, "no_data", "POST /v1/ingest/top10").await;
    let (status, weeks) = app.get_json("/v1/weeks").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(weeks["data"], json!([]));
    let (_, header, rows) = app.get_csv("/v1/weeks").await;
    assert_eq!(header, ["week", "global_lists", "country_lists", "countries"]);
    assert!(rows.is_empty());
}
