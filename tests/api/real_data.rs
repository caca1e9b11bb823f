//! The real Netflix Top 10 files from `../shared/data/netflix-top10/`. Expectations are computed here
//! from the files with plain string handling, not through the service's parser or SQL.
//!
//! Skipped (with a note on stderr) when the folder is absent, as in a fresh clone; CI sets
//! `NA_REQUIRE_SHARED_DATA=1` so that a missing folder fails instead of passing silently.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::Value;
use wiremock::ResponseTemplate;

use crate::helpers::{TestApp, Top10Feed, spawn_app};

fn shared_top10() -> Option<PathBuf> {
    let data = std::env::var_os("NA_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let dir = data.join("netflix-top10");
    if dir.join("all-weeks-global.tsv").is_file() {
        return Some(dir);
    }
    if std::env::var_os("NA_REQUIRE_SHARED_DATA").is_some() {
        panic!("NA_REQUIRE_SHARED_DATA is set but {} has no Top 10 files", dir.display());
    }
    eprintln!("skipped: no real data at {} (set NA_SHARED_DATA to point elsewhere)", dir.display());
    None
}

/// Data lines split on tabs, keyed by header name.
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.split('\n');
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| header.iter().map(|h| h.to_string()).zip(l.split('\t').map(str::to_owned)).collect())
        .collect()
}

fn read(dir: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn report<'a>(run: &'a Value, name: &str) -> &'a Value {
    run["files"].as_array().unwrap().iter().find(|f| f["file"] == name).unwrap()
}

async fn serve(feed: &Top10Feed, global: String, countries: String, most_popular: String) {
    feed.server.reset().await;
    feed.mount("all-weeks-global.tsv", ResponseTemplate::new(200).set_body_string(global)).await;
    feed.mount("all-weeks-countries.tsv", ResponseTemplate::new(200).set_body_string(countries)).await;
    feed.mount("most-popular.tsv", ResponseTemplate::new(200).set_body_string(most_popular)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_files_load_completely_and_answer_what_the_files_say() {
    let Some(dir) = shared_top10() else { return };
    let base = url::Url::from_directory_path(&dir).unwrap();
    let app = spawn_app(base.as_str()).await;
    let run = app.ingest_ok("top10").await;

    let global = rows(&read(&dir, "all-weeks-global.tsv"));
    let countries = rows(&read(&dir, "all-weeks-countries.tsv"));
    let popular = rows(&read(&dir, "most-popular.tsv"));
    for (name, expected) in [
        ("all-weeks-global.tsv", global.len()),
        ("all-weeks-countries.tsv", countries.len()),
        ("most-popular.tsv", popular.len()),
    ] {
        let file = report(&run, name);
        assert_eq!(file["rows_read"], expected, "{name}");
        assert_eq!(file["rows_inserted"], expected, "{name}: every real row is accepted: {file:#}");
        assert_eq!(file["rows_rejected"], 0, "{name}: {file:#}");
    }

    let weeks: BTreeSet<&str> =
        global.iter().map(|r| r["week"].as_str()).chain(countries.iter().map(|r| r["week"].as_str())).collect();
    let (_, served_weeks) = app.get_json("/v1/weeks").await;
    assert_eq!(served_weeks["meta"]["rows"], weeks.len());
    assert_eq!(served_weeks["data"][0]["week"], *weeks.last().unwrap());

    let latest = global.iter().map(|r| r["week"].as_str()).max().unwrap();
    for category in ["Films (English)", "Films (Non-English)", "TV (English)", "TV (Non-English)"] {
        let number_one = global
            .iter()
            .find(|r| r["week"] == latest && r["category"] == category && r["weekly_rank"] == "1")
            .unwrap();
        let (status, body) =
            app.get_json(&format!("/v1/top10/global?week=latest&category={}", category.replace(' ', "%20"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["data"][0]["show_title"], number_one["show_title"].as_str(), "{category}");
        assert_eq!(body["data"][0]["weekly_views"].as_i64().unwrap().to_string(), number_one["weekly_views"]);
    }

    let codes: BTreeSet<&str> = countries.iter().map(|r| r["country_iso2"].as_str()).collect();
    let (_, served_countries) = app.get_json("/v1/countries").await;
    assert_eq!(served_countries["meta"]["rows"], codes.len());
    let russia_last = countries.iter().filter(|r| r["country_iso2"] == "RU").map(|r| r["week"].as_str()).max().unwrap();
    let (_, russia) = app.get_json("/v1/top10/countries/RU").await;
    assert_eq!(russia["meta"]["weeks"][0], russia_last);

    let mut expected_us: Vec<(&str, u8, &str)> = countries
        .iter()
        .filter(|r| r["country_iso2"] == "US" && r["week"] == "2022-01-02")
        .map(|r| (r["category"].as_str(), r["weekly_rank"].parse().unwrap(), r["show_title"].as_str()))
        .collect();
    expected_us.sort();
    let (_, header, us) = app.get_csv("/v1/top10/countries/us?week=2022-01-02").await;
    assert_eq!(header[5], "show_title");
    let served_us: Vec<(&str, u8, &str)> = us
        .iter()
        .map(|r| (r["category"].as_str(), r["weekly_rank"].parse().unwrap(), r["show_title"].as_str()))
        .collect();
    assert_eq!(served_us, expected_us);

    let (_, all_time) = app.get_json("/v1/top10/most-popular?category=tv-english").await;
    let first = popular.iter().find(|r| r["category"] == "TV (English)" && r["rank"] == "1").unwrap();
    assert_eq!(all_time["data"][0]["show_title"], first["show_title"].as_str());
}

async fn ingest_release(app: &TestApp, feed: &Top10Feed, global: String, countries: String, popular: String) -> Value {
    serve(feed, global, countries, popular).await;
    app.ingest_ok("top10").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_historical_header_layout_loads_and_the_newest_release_wins() {
    let Some(dir) = shared_top10() else { return };
    let variants = dir.join("variants");
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;

    // 2023: 7-column global, 28-day most-popular; countries from 2022-03.
    let old_global = read(&variants, "2023-05-31/all-weeks-global.tsv");
    let old_countries = read(&variants, "2022-03-02/all-weeks-countries.tsv");
    let old_popular = read(&variants, "2023-05-31/most-popular.tsv");
    let run = ingest_release(&app, &feed, old_global.clone(), old_countries.clone(), old_popular.clone()).await;
    assert_eq!(report(&run, "all-weeks-global.tsv")["rows_read"], rows(&old_global).len());
    assert_eq!(report(&run, "all-weeks-countries.tsv")["rows_read"], rows(&old_countries).len());
    let (_, popular) = app.get_json("/v1/top10/most-popular?category=films-english").await;
    let first =
        rows(&old_popular).into_iter().find(|r| r["category"] == "Films (English)" && r["rank"] == "1").unwrap();
    assert_eq!(
        popular["data"][0]["hours_viewed_first_28_days"].as_i64().unwrap().to_string(),
        first["hours_viewed_first_28_days"]
    );

    // 2024-11: 11 columns with CSV-quoted JSON; 2025-06: 12 columns, renamed JSON column.
    for (release, json_column) in [("2024-11-13", "episode_launch_details"), ("2025-06-25", "episode_launch_dtls")] {
        let global = read(&variants, &format!("{release}/all-weeks-global.tsv"));
        let quoted = rows(&global).iter().filter(|r| !r[json_column].is_empty()).count();
        let run = ingest_release(&app, &feed, global.clone(), old_countries.clone(), old_popular.clone()).await;
        let file = report(&run, "all-weeks-global.tsv");
        assert_eq!(
            (file["rows_read"].as_u64(), file["rows_rejected"].as_u64()),
            (Some(rows(&global).len() as u64), Some(0))
        );
        assert_eq!(file["extra_columns"], serde_json::json!([]), "{release}: every column is known");
        let details: Vec<String> = app
            .warehouse
            .with_connection(|c| {
                let mut statement = c.prepare(
                    "SELECT episode_launch_details FROM stage.top10_global WHERE episode_launch_details IS NOT NULL",
                )?;
                let values = statement.query_map([], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
                Ok(values)
            })
            .await
            .unwrap();
        assert_eq!(details.len(), quoted, "{release}");
        for text in &details {
            let parsed: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{release}: {text}: {e}"));
            assert!(parsed.is_array());
        }
    }

    // Today's release revises history; weeks it lacks (none here) would be kept.
    let global = read(&dir, "all-weeks-global.tsv");
    let run = ingest_release(
        &app,
        &feed,
        global.clone(),
        read(&dir, "all-weeks-countries.tsv"),
        read(&dir, "most-popular.tsv"),
    )
    .await;
    let file = report(&run, "all-weeks-global.tsv");
    assert!(
        file["rows_updated"].as_u64().unwrap() > 0,
        "the 2026 file re-titles and re-figures earlier weeks: {file:#}"
    );
    let all = rows(&global);
    let mut expected: Vec<&BTreeMap<String, String>> =
        all.iter().filter(|r| r["week"] == "2023-05-28" && r["category"] == "TV (English)").collect();
    expected.sort_by_key(|r| r["weekly_rank"].parse::<u8>().unwrap());
    let (_, served) = app.get_json("/v1/top10/global?week=2023-05-28&category=tv-english").await;
    let served_titles: Vec<&str> =
        served["data"].as_array().unwrap().iter().map(|r| r["season_title"].as_str().unwrap_or("N/A")).collect();
    let expected_titles: Vec<&str> = expected.iter().map(|r| r["season_title"].as_str()).collect();
    assert_eq!(served_titles, expected_titles);
}
