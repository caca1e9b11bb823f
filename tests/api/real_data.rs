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

pub fn shared_top10() -> Option<PathBuf> {
    let data = std::env::var_os("NA_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::helpers::project_root().join("../shared/data"));
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

fn shared_catalog() -> Option<PathBuf> {
    let top10 = shared_top10()?;
    let csv = top10.parent().unwrap().join("catalog/netflix_titles.csv");
    if csv.is_file() {
        return Some(csv);
    }
    if std::env::var_os("NA_REQUIRE_SHARED_DATA").is_some() {
        panic!("NA_REQUIRE_SHARED_DATA is set but {} is missing", csv.display());
    }
    eprintln!("skipped: no catalog at {}", csv.display());
    None
}

/// The Kaggle catalog's rows as Streaming Availability show objects: the fields the CSV has, in the
/// API's shape.
fn kaggle_as_shows(path: &std::path::Path) -> Vec<Value> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let list =
        |text: &str| text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    reader
        .deserialize::<BTreeMap<String, String>>()
        .map(|row| {
            let row = row.unwrap();
            let id = row["show_id"].trim_start_matches('s').to_owned();
            let movie = row["type"] == "Movie";
            let year: i64 = row["release_year"].parse().unwrap();
            let number = |text: &str| text.split_whitespace().next().and_then(|n| n.parse::<i64>().ok());
            let mut show = serde_json::json!({
                "itemType": "show",
                "showType": if movie { "movie" } else { "series" },
                "id": id,
                "title": row["title"],
                "originalTitle": row["title"],
                "overview": row["description"],
                "genres": list(&row["listed_in"]).iter().map(|g| serde_json::json!({"id": g.to_lowercase(), "name": g})).collect::<Vec<_>>(),
                "cast": list(&row["cast"]),
                "rating": 50,
                "imageSet": {},
                "streamingOptions": {},
            });
            if movie {
                show["releaseYear"] = year.into();
                show["directors"] = list(&row["director"]).into();
                if let Some(minutes) = number(&row["duration"]) {
                    show["runtime"] = minutes.into();
                }
            } else {
                show["firstAirYear"] = year.into();
                show["creators"] = list(&row["director"]).into();
                if let Some(seasons) = number(&row["duration"]) {
                    show["seasonCount"] = seasons.into();
                }
            }
            show
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_catalog_links_to_the_real_top10_at_a_measured_match_rate() {
    let (Some(dir), Some(csv)) = (shared_top10(), shared_catalog()) else { return };
    let shows = kaggle_as_shows(&csv);
    assert_eq!(shows.len(), 8807);
    let catalog = crate::apis::CatalogApi::start().await;
    catalog.serve(shows.clone(), 100).await;
    let base = url::Url::from_directory_path(&dir).unwrap();
    let catalog_base = catalog.base_url();
    let app = crate::helpers::spawn_app_with(base.as_str(), move |c| {
        c.catalog.base_url = format!("{catalog_base}/").parse().unwrap();
        c.catalog.api_key = Some(secrecy::SecretString::from(crate::apis::RAPIDAPI_KEY));
        c.catalog.requests_per_sec = 10_000.0;
    })
    .await;
    app.ingest_ok("top10").await;
    let response = app
        .client
        .post(app.url("/v1/ingest/catalog?mode=backfill&year_min=1900&year_max=2026"))
        .bearer_auth(crate::helpers::ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    let run: Value = response.json().await.unwrap();
    let run = app.wait_for_run(run["id"].as_i64().unwrap()).await;
    assert_eq!(run["status"], "succeeded", "{run:#}");
    assert_eq!(run["files"][0]["rows_inserted"], 8807);

    // The baseline, computed here without the service: titles equal as written, same kind.
    let global = rows(&read(&dir, "all-weeks-global.tsv"));
    let kind_of = |category: &str| if category.starts_with("Films") { "movie" } else { "series" };
    let top10_titles: BTreeSet<(String, &str)> =
        global.iter().map(|r| (r["show_title"].clone(), kind_of(&r["category"]))).collect();
    let catalog_titles: BTreeSet<(String, &str)> = shows
        .iter()
        .map(|s| (s["title"].as_str().unwrap().to_owned(), if s["showType"] == "movie" { "movie" } else { "series" }))
        .collect();
    let charted_by_snapshot: BTreeSet<&(String, &str)> = top10_titles
        .iter()
        .filter(|(title, kind)| {
            global.iter().any(|r| {
                r["show_title"] == *title && kind_of(&r["category"]) == *kind && r["week"].as_str() <= "2021-09-26"
            })
        })
        .collect();
    let baseline = top10_titles.iter().filter(|t| catalog_titles.contains(t)).count();
    // A ceiling for the early titles: in the catalog under the same letters and digits, any kind.
    let letters = |t: &str| t.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let catalog_letters: BTreeSet<String> = catalog_titles.iter().map(|(t, _)| letters(t)).collect();
    let early_in_catalog = charted_by_snapshot.iter().filter(|(t, _)| catalog_letters.contains(&letters(t))).count();

    // What the service linked: Top 10 titles (global) whose title has a catalog show.
    let linked: Vec<(String, String, String)> = app
        .warehouse
        .with_connection(|c| {
            let mut statement = c.prepare(
                "SELECT DISTINCT m.show_title, m.kind, coalesce(t.catalog_show_id, '') \
                 FROM mart.top10_title_map m JOIN mart.titles t USING (title_id) \
                 WHERE m.show_title IN (SELECT show_title FROM stage.top10_global)",
            )?;
            let rows = statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
        .unwrap();
    let kind_name = |kind: &str| if kind == "film" { "movie" } else { "series" };
    let matched: BTreeSet<(String, &str)> =
        linked.iter().filter(|(_, _, show)| !show.is_empty()).map(|(t, k, _)| (t.clone(), kind_name(k))).collect();
    let matched_global = top10_titles.iter().filter(|t| matched.contains(t)).count();
    let matched_early = charted_by_snapshot.iter().filter(|t| matched.contains(**t)).count();
    eprintln!(
        "match rate: {matched_global} of {} global Top 10 titles ({:.1}%), exact-string baseline {baseline}; \
         charted by the catalog's snapshot (2021-09-25): {matched_early} of {} ({:.1}%), {early_in_catalog} of \
         them in the catalog under the same letters",
        top10_titles.len(),
        100.0 * matched_global as f64 / top10_titles.len() as f64,
        charted_by_snapshot.len(),
        100.0 * matched_early as f64 / charted_by_snapshot.len() as f64,
    );
    assert!(matched_global >= baseline, "normalisation and aliases must not lose exact matches");
    assert!(
        matched_early as f64 >= 0.95 * early_in_catalog as f64,
        "titles that charted by the snapshot date and are in it should match: {matched_early} of {early_in_catalog}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_on_the_real_files_agree_with_the_files() {
    let Some(dir) = shared_top10() else { return };
    let base = url::Url::from_directory_path(&dir).unwrap();
    let app = spawn_app(base.as_str()).await;
    app.ingest_ok("top10").await;
    let global = rows(&read(&dir, "all-weeks-global.tsv"));
    let countries = rows(&read(&dir, "all-weeks-countries.tsv"));
    let (from, to) = ("2022-01-02", "2022-12-25");
    let in_2022 = |r: &&BTreeMap<String, String>| r["week"].as_str() >= from && r["week"].as_str() <= to;

    // The English series with the most hours in 2022.
    let mut hours: BTreeMap<&str, i64> = BTreeMap::new();
    for r in global.iter().filter(in_2022).filter(|r| r["category"] == "TV (English)") {
        *hours.entry(r["show_title"].as_str()).or_default() += r["weekly_hours_viewed"].parse::<i64>().unwrap();
    }
    let (top_title, top_hours) = hours.iter().max_by_key(|(_, h)| **h).unwrap();
    let (_, body) =
        app.get_json(&format!("/v1/analytics/top-titles?from={from}&to={to}&category=tv-english&limit=1")).await;
    assert_eq!(body["data"][0]["title"], *top_title);
    assert_eq!(body["data"][0]["hours_viewed"], *top_hours);

    // Hours per category over the year.
    let (_, body) = app.get_json(&format!("/v1/analytics/category-viewership?from={from}&to={to}")).await;
    for row in body["data"].as_array().unwrap() {
        let expected: i64 = global
            .iter()
            .filter(in_2022)
            .filter(|r| r["category"] == row["category"])
            .map(|r| r["weekly_hours_viewed"].parse::<i64>().unwrap())
            .sum();
        assert_eq!(row["hours_viewed"], expected, "{row}");
    }

    // How alike the US and British lists were in early 2022.
    let (from, to) = ("2022-01-02", "2022-03-27");
    let titles_of = |iso: &str| -> BTreeSet<(String, String)> {
        countries
            .iter()
            .filter(|r| r["country_iso2"] == iso && r["week"].as_str() >= from && r["week"].as_str() <= to)
            .map(|r| (r["show_title"].to_lowercase(), r["category"].clone()))
            .collect()
    };
    let (us, gb) = (titles_of("US"), titles_of("GB"));
    let jaccard = us.intersection(&gb).count() as f64 / us.union(&gb).count() as f64;
    let (_, body) = app.get_json(&format!("/v1/analytics/regional-similarity?from={from}&to={to}&limit=10000")).await;
    let pair =
        body["data"].as_array().unwrap().iter().find(|r| r["country_a"] == "GB" && r["country_b"] == "US").unwrap();
    assert!((pair["jaccard"].as_f64().unwrap() - jaccard).abs() < 0.01, "{pair} vs {jaccard}");
    assert_eq!(body["meta"]["total"], 94 * 93, "every ordered pair of the 94 countries listed then");
}
