//! One title identity across the three feeds, `all`, and scheduled runs.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::apis::{CatalogApi, RAPIDAPI_KEY, YOUTUBE_KEY, YouTubeApi, show, video};
use crate::fixtures::{self, GlobalEntry};
use crate::helpers::{TestApp, Top10Feed, spawn_app_with, spawn_config};

/// A Top 10 release with real-world naming: seasons, a limited series, a non-English title, a title
/// differing only by punctuation and accents, and a remake sharing its name with an older film.
fn top10() -> Vec<GlobalEntry> {
    let mut entries = fixtures::global_weeks(&["2026-07-19", "2026-07-12"]);
    let rename =
        |entries: &mut Vec<GlobalEntry>, week: &str, category: &str, rank: u8, show: &str, season: Option<&str>| {
            let entry =
                entries.iter_mut().find(|e| e.week == week && e.category == category && e.rank == rank).unwrap();
            entry.show_title = show.to_owned();
            entry.season_title = season.map(str::to_owned);
        };
    rename(&mut entries, "2026-07-19", "TV (English)", 1, "Wednesday", Some("Wednesday: Season 2"));
    rename(&mut entries, "2026-07-12", "TV (English)", 1, "Wednesday", Some("Wednesday: Season 1"));
    rename(
        &mut entries,
        "2026-07-19",
        "TV (English)",
        2,
        "The Orchard House",
        Some("The Orchard House: Limited Series"),
    );
    rename(&mut entries, "2026-07-19", "TV (Non-English)", 1, "Money Heist", Some("Money Heist: Part 5"));
    rename(&mut entries, "2026-07-19", "TV (Non-English)", 2, "La casa de papel", Some("La casa de papel: Part 5"));
    rename(&mut entries, "2026-07-19", "Films (Non-English)", 1, "Amelie", None);
    rename(&mut entries, "2026-07-19", "Films (English)", 1, "Rebecca", None);
    rename(&mut entries, "2026-07-19", "Films (English)", 2, "Brand New Film", None);
    entries
}

fn catalog_shows() -> Vec<Value> {
    vec![
        show("1", "series", "Wednesday", 2022, &["Comedy", "Mystery"]),
        show("2", "series", "The Orchard House", 2026, &["Drama"]),
        {
            let mut heist = show("3", "series", "Money Heist", 2017, &["Crime", "Drama"]);
            heist["originalTitle"] = "La casa de papel".into();
            heist
        },
        show("4", "movie", "Amélie", 2001, &["Comedy", "Romance"]),
        show("5", "movie", "Rebecca", 1940, &["Drama"]),
        show("6", "movie", "Rebecca", 2020, &["Thriller"]),
    ]
}

fn channel() -> Vec<Value> {
    vec![
        video(
            "yt1",
            "Wednesday: Season 2 | Official Teaser | Netflix",
            "2026-06-01T17:00:00Z",
            5_000_000,
            Some(200_000),
            "PT1M30S",
        ),
        video(
            "yt2",
            "Wednesday | Official Trailer | Netflix",
            "2022-10-05T16:00:00Z",
            20_000_000,
            Some(900_000),
            "PT2M31S",
        ),
        video(
            "yt3",
            "Money Heist: Part 5 | Final Trailer | Netflix",
            "2021-11-20T16:00:00Z",
            9_000_000,
            Some(400_000),
            "PT2M10S",
        ),
        video("yt4", "Our Favourite Bloopers of the Year | Netflix", "2026-07-01T16:00:00Z", 300_000, None, "PT8M"),
    ]
}

async fn three_feeds() -> (TestApp, Top10Feed, CatalogApi, YouTubeApi) {
    let feed = Top10Feed::start().await;
    feed.serve(
        &fixtures::global_tsv(&top10()),
        &fixtures::countries_tsv(&fixtures::country_weeks(&["2026-07-19"])),
        &fixtures::most_popular_tsv(&fixtures::most_popular()),
    )
    .await;
    let catalog = CatalogApi::start().await;
    catalog.serve(catalog_shows(), 20).await;
    let youtube = YouTubeApi::start().await;
    youtube.serve(channel(), 50).await;
    let (catalog_base, youtube_base) = (catalog.base_url(), youtube.base_url());
    let app = spawn_app_with(&feed.base_url(), move |c| {
        c.catalog.base_url = format!("{catalog_base}/").parse().unwrap();
        c.catalog.api_key = Some(secrecy::SecretString::from(RAPIDAPI_KEY));
        c.catalog.requests_per_sec = 1000.0;
        c.youtube.base_url = format!("{youtube_base}/").parse().unwrap();
        c.youtube.api_key = Some(secrecy::SecretString::from(YOUTUBE_KEY));
    })
    .await;
    (app, feed, catalog, youtube)
}

async fn title_named(app: &TestApp, q: &str) -> Value {
    let (status, found) = app.get_json(&format!("/v1/titles?q={q}")).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let id = found["data"][0]["title_id"].as_i64().unwrap_or_else(|| panic!("no title for {q}: {found}"));
    app.get_json(&format!("/v1/titles/{id}")).await.1
}

fn sources(title: &Value) -> Vec<(String, String, String)> {
    title["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["source"].as_str().unwrap().into(),
                m["source_key"].as_str().unwrap().into(),
                m["method"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_refreshes_the_three_feeds_in_order_and_links_them_into_titles() {
    let (app, _feed, _catalog, _youtube) = three_feeds().await;
    let run = app.ingest_ok("all").await;
    let steps: Vec<&str> = run["steps"].as_array().unwrap().iter().map(|s| s["source"].as_str().unwrap()).collect();
    assert_eq!(steps, ["top10", "catalog", "youtube"]);
    for step in run["steps"].as_array().unwrap() {
        let child = app.wait_for_run(step["run_id"].as_i64().unwrap()).await;
        assert_eq!((child["status"].as_str(), child["trigger"].as_str()), (Some("succeeded"), Some("http")));
    }

    let wednesday = title_named(&app, "wednesday").await;
    assert_eq!(wednesday["title"]["kind"], "series");
    assert_eq!(wednesday["catalog"]["genres"], serde_json::json!(["Comedy", "Mystery"]));
    assert_eq!(
        sources(&wednesday),
        [
            ("catalog".into(), "1".into(), "anchor".into()),
            ("top10".into(), "top10:series:wednesday".into(), "exact".into()),
            ("youtube".into(), "yt2".into(), "exact".into()),
            ("youtube".into(), "yt1".into(), "exact".into()),
        ]
    );
    let seasons: Vec<&str> = wednesday["top10"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["region"] == "global")
        .map(|p| p["season_title"].as_str().unwrap())
        .collect();
    assert_eq!(seasons, ["Wednesday: Season 1", "Wednesday: Season 2"]);
    assert_eq!(wednesday["videos"][0]["video_id"], "yt1", "newest first");
    assert_eq!(wednesday["videos"][0]["view_count"], 5_000_000);
    assert_eq!(wednesday["title"]["top10_global_weeks"], 2);

    let heist = title_named(&app, "money%20heist").await;
    let heist_sources = sources(&heist);
    assert!(
        heist_sources.contains(&("top10".into(), "top10:series:money heist".into(), "exact".into())),
        "{heist_sources:?}"
    );
    assert!(
        heist_sources.contains(&("top10".into(), "top10:series:la casa de papel".into(), "alias".into())),
        "{heist_sources:?}"
    );
    assert!(heist_sources.iter().any(|(s, k, _)| s == "youtube" && k == "yt3"));

    let amelie = title_named(&app, "am%C3%A9lie").await;
    assert_eq!(amelie["catalog"]["show_id"], "4", "accents and case do not matter");
    let rebecca = title_named(&app, "rebecca").await;
    assert_eq!(rebecca["catalog"]["show_id"], "6", "the 2020 remake, not the 1940 film, charted in 2026");

    let (_, unmatched) = app.get_json("/v1/quality/unmatched?limit=1000").await;
    let labels: Vec<(&str, &str, &str)> = unmatched["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["source"].as_str().unwrap(), u["source_label"].as_str().unwrap(), u["reason"].as_str().unwrap()))
        .collect();
    assert!(labels.contains(&("top10", "Brand New Film", "no_candidate")), "{labels:?}");
    assert!(labels.iter().any(|(s, l, _)| *s == "youtube" && l.contains("Bloopers")), "{labels:?}");
    let (_, csv_header, csv_rows) = app.get_csv("/v1/quality/unmatched?source=youtube").await;
    assert_eq!(csv_header[0], "source");
    assert!(csv_rows.iter().all(|r| r["source"] == "youtube"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn title_ids_stay_the_same_across_refreshes() {
    let (app, _feed, catalog, _youtube) = three_feeds().await;
    app.ingest_ok("all").await;
    let before = title_named(&app, "wednesday").await["title"]["title_id"].clone();
    let mut more = catalog_shows();
    more.push(show("7", "series", "Another Show", 2024, &["Drama"]));
    catalog.serve(more, 20).await;
    app.ingest_ok("catalog").await;
    assert_eq!(title_named(&app, "wednesday").await["title"]["title_id"], before);
}

/// Every title as (id → name, kind, catalog show).
async fn all_titles(app: &TestApp) -> std::collections::BTreeMap<i64, (String, String, Value)> {
    let (_, listed) = app.get_json("/v1/titles?limit=1000").await;
    assert!(listed["meta"]["total"].as_u64().unwrap() <= 1000, "one page holds them all");
    listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let id = t["title_id"].as_i64().unwrap();
            (
                id,
                (
                    t["name"].as_str().unwrap().to_owned(),
                    t["kind"].as_str().unwrap().to_owned(),
                    t["catalog_show_id"].clone(),
                ),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_that_breaks_a_link_renumbers_no_title_and_shows_why() {
    let (app, feed, _catalog, _youtube) = three_feeds().await;
    app.ingest_ok("all").await;
    let before = all_titles(&app).await;
    let rebecca = title_named(&app, "rebecca").await;
    assert_eq!(rebecca["catalog"]["show_id"], "6");
    let linked = rebecca["matches"].as_array().unwrap().iter().find(|m| m["source"] == "top10").unwrap().clone();
    assert!(linked["evidence"].as_str().unwrap().contains("runtime: 96 min listed, 96 min charted"), "{linked}");

    // The next release publishes a runtime neither catalog Rebecca has: the link must go.
    let mut entries = top10();
    for entry in entries.iter_mut().filter(|e| e.show_title == "Rebecca") {
        entry.runtime = Some(2.5);
    }
    feed.serve(
        &fixtures::global_tsv(&entries),
        &fixtures::countries_tsv(&fixtures::country_weeks(&["2026-07-19"])),
        &fixtures::most_popular_tsv(&fixtures::most_popular()),
    )
    .await;
    app.ingest_ok("top10").await;
    let after = all_titles(&app).await;

    // Every id still names the title it named, less at most the catalog show that left it.
    for (id, (name, kind, show)) in &before {
        let (now_name, now_kind, now_show) = after.get(id).unwrap_or_else(|| panic!("title {id} ({name}) vanished"));
        assert_eq!((now_name, now_kind), (name, kind), "title {id}");
        if now_show != show {
            assert_eq!((name.as_str(), now_show), ("Rebecca", &Value::Null), "only Rebecca lost its catalog show");
        }
    }
    // The side that left became a title of its own, under the id it was registered with.
    let split: Vec<(&i64, &(String, String, Value))> =
        after.iter().filter(|(id, _)| !before.contains_key(id)).collect();
    assert_eq!(split.len(), 1, "{split:?}");
    assert_eq!(split[0].1.0, "Rebecca");
    let rebeccas: Vec<String> =
        after.values().filter(|(name, ..)| name == "Rebecca").map(|(_, _, show)| show.to_string()).collect();
    assert_eq!(rebeccas.len(), 3, "the 1940 film, the 2020 film and the charted one: {rebeccas:?}");
    assert!(rebeccas.contains(&"null".to_owned()) && rebeccas.contains(&"\"6\"".to_owned()), "{rebeccas:?}");
    let (_, unmatched) = app.get_json("/v1/quality/unmatched?source=top10&limit=1000").await;
    let refused = unmatched["data"].as_array().unwrap().iter().find(|u| u["source_label"] == "Rebecca").unwrap();
    assert_eq!(refused["reason"], "evidence_conflict", "{refused}");
    assert!(refused["evidence"].as_str().unwrap().contains("96 min listed, 150 min charted"), "{refused}");

    // A rebuild with nothing new hands out the same ids.
    app.ingest_ok("top10").await;
    assert_eq!(all_titles(&app).await, after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_key_fails_only_its_source_and_all_reports_each_step() {
    let (_app, feed, catalog, _youtube) = three_feeds().await;
    let catalog_base = catalog.base_url();
    let app = spawn_app_with(&feed.base_url(), move |c| {
        c.catalog.base_url = format!("{catalog_base}/").parse().unwrap();
        c.catalog.api_key = Some(secrecy::SecretString::from(RAPIDAPI_KEY));
        c.catalog.requests_per_sec = 1000.0;
        c.youtube.api_key = None;
    })
    .await;
    let run = app.ingest("all").await;
    assert_eq!(run["status"], "failed");
    assert_eq!(run["error"]["code"], "steps_failed");
    assert!(run["error"]["message"].as_str().unwrap().contains("youtube"), "{run:#}");
    let steps: Vec<(&str, &str)> = run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["source"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(steps, [("top10", "succeeded"), ("catalog", "succeeded"), ("youtube", "failed")]);
    assert_eq!(run["steps"][2]["error"]["code"], "missing_api_key");
    // The feeds that worked were committed, and the identity was built from them.
    let wednesday = title_named(&app, "wednesday").await;
    assert_eq!(wednesday["catalog"]["show_id"], "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_conflicts_with_a_running_source_and_the_other_way_round() {
    let (app, feed, _catalog, _youtube) = three_feeds().await;
    let (global, countries, most_popular) = fixtures::Standard::new().files();
    feed.server.reset().await;
    let slow =
        |body: String| wiremock::ResponseTemplate::new(200).set_body_string(body).set_delay(Duration::from_millis(800));
    feed.mount("all-weeks-global.tsv", slow(global)).await;
    feed.mount("all-weeks-countries.tsv", slow(countries)).await;
    feed.mount("most-popular.tsv", slow(most_popular)).await;
    let top10: Value = app.trigger("top10").await.json().await.unwrap();
    let conflict = app.trigger("all").await;
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    let body: Value = conflict.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains(&format!("run {}", top10["id"])), "{body}");
    app.wait_for_run(top10["id"].as_i64().unwrap()).await;

    let all: Value = app.trigger("all").await.json().await.unwrap();
    let conflict = app.trigger("catalog").await;
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    app.wait_for_run(all["id"].as_i64().unwrap()).await;
}

#[tokio::test]
async fn titles_are_searchable_in_json_and_csv_and_bad_parameters_are_explained() {
    let (app, _feed, _catalog, _youtube) = three_feeds().await;
    app.ingest_ok("all").await;
    let (_, films) = app.get_json("/v1/titles?kind=film&limit=2").await;
    assert_eq!(films["data"].as_array().unwrap().len(), 2);
    assert!(films["data"].as_array().unwrap().iter().all(|t| t["kind"] == "film"));
    assert!(films["meta"]["next"].as_str().unwrap().starts_with("/v1/titles?limit=2&offset=2&kind=film"));
    let (_, header, rows) = app.get_csv("/v1/titles?q=rebecca").await;
    assert_eq!(header[..3], ["title_id", "name", "original_name"]);
    assert_eq!(rows.len(), 2, "both Rebeccas are titles");
    for (path, status, code) in [
        ("/v1/titles?kind=documentary", StatusCode::BAD_REQUEST, "invalid_parameter"),
        ("/v1/titles?q=%21%21", StatusCode::BAD_REQUEST, "invalid_parameter"),
        ("/v1/titles/999999", StatusCode::NOT_FOUND, "title_not_found"),
        ("/v1/titles/abc", StatusCode::BAD_REQUEST, "invalid_parameter"),
        ("/v1/quality/unmatched?source=catalog", StatusCode::BAD_REQUEST, "invalid_parameter"),
    ] {
        let (actual, body) = app.get_json(path).await;
        assert_eq!((actual, body["code"].as_str()), (status, Some(code)), "{path}: {body}");
    }
}

#[tokio::test]
async fn a_scheduled_time_missed_while_down_runs_once_at_start_and_not_again() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = fixtures::Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let dir = tempfile::tempdir().unwrap();
    let config = || {
        let mut config = crate::helpers::test_config(&dir, &feed.base_url());
        // Every day at 00:00 UTC: today's has passed, and this fresh warehouse never ran it.
        config.schedule.top10 = Some("0 0 * * *".parse().unwrap());
        config.schedule.timezone = chrono_tz::UTC;
        config
    };
    let mut first = spawn_config(config(), tempfile::tempdir().unwrap()).await;
    let (_, runs) = first.get_json("/v1/ingest/runs").await;
    assert_eq!(runs["meta"]["total"], 1, "{runs:#}");
    assert_eq!(
        (runs["data"][0]["trigger"].as_str(), runs["data"][0]["source"].as_str()),
        (Some("schedule"), Some("top10"))
    );
    first.wait_for_run(runs["data"][0]["id"].as_i64().unwrap()).await;
    first.stop().await;
    drop(first);

    // Started again on the same warehouse, nothing was missed since that run.
    let second = spawn_config(config(), tempfile::tempdir().unwrap()).await;
    let (_, runs) = second.get_json("/v1/ingest/runs").await;
    assert_eq!(runs["meta"]["total"], 1, "{runs:#}");
}
