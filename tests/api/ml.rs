//! Forecasts over HTTP: training runs, the model registry, the forecast in JSON and CSV, and a
//! backtest on the real Top 10 file whose baselines are recomputed here from the file itself.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::Value;

use crate::fixtures::{self, GLOBAL_CATEGORIES, GlobalEntry};
use crate::helpers::{ADMIN_TOKEN, TestApp, Top10Feed, spawn_app, spawn_config, test_config};

const START: &str = "2024-01-07";

/// Twelve weeks of four lists. Show `s` is on its category's list from week `s - 9` (or the first)
/// to week `s`, so one entry leaves every week; hours fall as a show ages, and rank follows hours.
fn history() -> Vec<GlobalEntry> {
    let start = NaiveDate::parse_from_str(START, "%Y-%m-%d").unwrap();
    let mut entries = Vec::new();
    for w in 0..12i64 {
        let week = (start + chrono::Duration::days(7 * w)).to_string();
        for (c, category) in GLOBAL_CATEGORIES.iter().enumerate() {
            let mut shows: Vec<(i64, i64, i64)> = (w..w + 10)
                .map(|s| {
                    let age = w - (s - 9).max(0);
                    let base = (s * 37 + c as i64 * 11) % 50 + 10;
                    (s, age, base * 1_000_000 * 4 / (4 + age))
                })
                .collect();
            shows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
            for (i, (s, age, hours)) in shows.into_iter().enumerate() {
                entries.push(GlobalEntry {
                    week: week.clone(),
                    category: (*category).to_owned(),
                    rank: i as u8 + 1,
                    show_title: format!("{category} show {s}"),
                    season_title: None,
                    hours: Some(hours),
                    runtime: Some(2.0),
                    views: Some(hours / 2),
                    cumulative_weeks: age as i32 + 1,
                });
            }
        }
    }
    entries
}

async fn feed_with_history() -> Top10Feed {
    let feed = Top10Feed::start().await;
    let weeks = ["2024-03-24", "2024-03-17"];
    let global = fixtures::global_tsv(&history());
    let countries = fixtures::countries_tsv(&fixtures::country_weeks(&weeks));
    let popular = fixtures::most_popular_tsv(&fixtures::most_popular());
    feed.serve(&global, &countries, &popular).await;
    feed
}

async fn post_train(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let request = app.client.post(app.url("/v1/ml/train"));
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    request.send().await.unwrap()
}

/// Polls a run for up to `limit`; training on the real file takes longer than an ingestion.
async fn wait_long(app: &TestApp, id: i64, limit: Duration) -> Value {
    let started = std::time::Instant::now();
    loop {
        let (status, run) = app.get_json(&format!("/v1/ingest/runs/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        if run["status"] == "succeeded" || run["status"] == "failed" {
            return run;
        }
        assert!(started.elapsed() < limit, "run {id} did not finish within {limit:?}: {run}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn train_ok(app: &TestApp) -> Value {
    let response = post_train(app, Some(ADMIN_TOKEN)).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let run: Value = response.json().await.unwrap();
    let location = format!("/v1/ingest/runs/{}", run["id"]);
    assert_eq!(run["source"], "model");
    assert_eq!(run["links"]["self"], location.as_str());
    let finished = wait_long(app, run["id"].as_i64().unwrap(), Duration::from_secs(300)).await;
    assert_eq!(finished["status"], "succeeded", "{finished:#}");
    finished
}

fn mae(scores: &Value, method: &str) -> f64 {
    scores.as_array().unwrap().iter().find(|s| s["method"] == method).unwrap()["mae"].as_f64().unwrap()
}

/// The promotion rule as stated: the model is served only if its MAE beats both baselines'.
fn assert_promotion_rule(model: &Value) {
    let scores = &model["backtest"]["scores"];
    let (m, p, d) = (mae(scores, "model"), mae(scores, "persistence"), mae(scores, "decay"));
    let expected = if m < p.min(d) {
        "model"
    } else if d <= p {
        "decay"
    } else {
        "persistence"
    };
    assert_eq!(model["served"], expected, "{model:#}");
    assert_eq!(model["promoted"], expected == "model");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn training_needs_the_admin_token_and_forecasts_need_a_model() {
    let feed = feed_with_history().await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    assert_eq!(post_train(&app, None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(post_train(&app, Some("wrong")).await.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = app.get_json("/v1/forecast").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "no_model");
    assert!(body["message"].as_str().unwrap().contains("POST /v1/ml/train"), "{body}");
    let (status, body) = app.get_json("/v1/ml/models/7").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "model_not_found");
    let (_, models) = app.get_json("/v1/ml/models").await;
    assert_eq!(models["data"], Value::Array(Vec::new()));
    // Training is not an ingestion source.
    assert_eq!(app.trigger("model").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_list_is_paged_newest_first_and_shows_a_new_model_at_once() {
    let feed = feed_with_history().await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    let first = train_ok(&app).await;
    let (status, page) = app.get_json("/v1/ml/models?limit=1").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["meta"]["total"], 1);
    assert!(page["meta"].get("next").is_none(), "{page:#}");

    // Training changes no data version; the list must not be served from before it.
    let second = train_ok(&app).await;
    let response = app.get("/v1/ml/models?limit=1").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["link"], r#"</v1/ml/models?limit=1&offset=1>; rel="next""#);
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"][0]["run_id"], second["id"]);
    assert_eq!((page["meta"]["total"].clone(), page["meta"]["limit"].clone()), (2.into(), 1.into()));
    assert_eq!(page["meta"]["next"], "/v1/ml/models?limit=1&offset=1");
    let (_, older) = app.get_json(page["meta"]["next"].as_str().unwrap()).await;
    assert_eq!(older["data"][0]["run_id"], first["id"]);
    assert!(older["meta"].get("next").is_none(), "{older:#}");
    let (_, all) = app.get_json("/v1/ml/models?limit=all").await;
    let runs: Vec<&Value> = all["data"].as_array().unwrap().iter().map(|m| &m["run_id"]).collect();
    assert_eq!(runs, [&second["id"], &first["id"]]);

    for (query, accepted) in [("limit=0", "accepted: 1 to 1000"), ("offset=-1", ""), ("week=latest", "")] {
        let (status, body) = app.get_json(&format!("/v1/ml/models?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert!(body["message"].as_str().unwrap().contains(accepted), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_training_while_one_runs_gets_409_naming_it() {
    let feed = feed_with_history().await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    let (first, second) = tokio::join!(post_train(&app, Some(ADMIN_TOKEN)), post_train(&app, Some(ADMIN_TOKEN)));
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::ACCEPTED, StatusCode::CONFLICT]);
    let (accepted, conflict) = if first.status() == StatusCode::ACCEPTED { (first, second) } else { (second, first) };
    let run: Value = accepted.json().await.unwrap();
    let conflict: Value = conflict.json().await.unwrap();
    assert_eq!(conflict["code"], "ingest_running");
    assert!(conflict["message"].as_str().unwrap().contains(&format!("run {}", run["id"])), "{conflict}");
    wait_long(&app, run["id"].as_i64().unwrap(), Duration::from_secs(60)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trained_model_is_listed_and_forecasts_the_latest_lists_in_json_and_csv() {
    let feed = feed_with_history().await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    let run = train_ok(&app).await;
    let data_version = app.data_version().await;

    let (status, models) = app.get_json("/v1/ml/models").await;
    assert_eq!(status, StatusCode::OK);
    let models = models["data"].as_array().unwrap();
    assert_eq!(models.len(), 1);
    let model = &models[0];
    assert_eq!(model["run_id"], run["id"]);
    assert_eq!(model["data_version"], data_version);
    assert_eq!(model["latest_week"], "2024-03-24");
    assert_eq!(model["features"].as_array().unwrap().len(), 16);
    assert!(model["artifact_bytes"].as_u64().unwrap() > 1000);
    let backtest = &model["backtest"];
    assert_eq!(backtest["last_week"], "2024-03-24");
    assert!(backtest["weeks"].as_u64().unwrap() >= 8, "{backtest}");
    assert_eq!(backtest["stay_entries"], backtest["weeks"].as_u64().unwrap() * 40);
    assert_promotion_rule(model);
    let (_, one) = app.get_json(&format!("/v1/ml/models/{}", model["id"])).await;
    assert_eq!(&one, model);

    let (status, forecast) = app.get_json("/v1/forecast?week=latest").await;
    assert_eq!(status, StatusCode::OK, "{forecast}");
    let rows = forecast["data"].as_array().unwrap();
    assert_eq!(rows.len(), 40);
    assert_eq!(forecast["meta"]["weeks"][0], "2024-03-24");
    let entries = history();
    let latest: HashMap<(String, u8), &GlobalEntry> =
        entries.iter().filter(|e| e.week == "2024-03-24").map(|e| ((e.category.clone(), e.rank), e)).collect();
    for row in rows {
        let entry = latest[&(row["category"].as_str().unwrap().to_owned(), row["weekly_rank"].as_u64().unwrap() as u8)];
        assert_eq!(row["show_title"], entry.show_title.as_str());
        assert_eq!(row["weekly_hours_viewed"], entry.hours.unwrap());
        assert_eq!(row["forecast_week"], "2024-03-31");
        assert_eq!(row["model_id"], model["id"]);
        assert_eq!(row["method"], model["served"]);
        let (low, mid, high) = (
            row["predicted_hours_low"].as_i64().unwrap(),
            row["predicted_hours"].as_i64().unwrap(),
            row["predicted_hours_high"].as_i64().unwrap(),
        );
        assert!(low <= mid && mid <= high, "{row}");
        // Views are the unrounded hours over the runtime (2 h), so within one of the rounded hours'.
        assert!((row["predicted_views"].as_i64().unwrap() as f64 - mid as f64 / 2.0).abs() <= 1.0, "{row}");
        let p = row["stay_probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{row}");
    }

    let (_, tv) = app.get_json("/v1/forecast?category=tv-english").await;
    assert_eq!(tv["data"].as_array().unwrap().len(), 10);
    assert_eq!(tv["meta"]["category"], "TV (English)");
    let (status, header, csv) = app.get_csv("/v1/forecast?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(header.iter().any(|h| h == "predicted_hours"), "{header:?}");
    assert_eq!(csv.len(), 40);
    let first = &rows[0];
    assert_eq!(csv[0]["show_title"], first["show_title"].as_str().unwrap());
    assert_eq!(csv[0]["predicted_hours"], first["predicted_hours"].to_string());

    let (status, body) = app.get_json("/v1/forecast?category=drama").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "unknown_category");
    let (status, _) = app.get_json("/v1/forecast?week=2020-01-05").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, runs) = app.get_json("/v1/ingest/runs?source=model").await;
    assert_eq!(runs["data"][0]["id"], run["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_serves_the_stored_model_without_retraining() {
    let feed = feed_with_history().await;
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(&dir, &feed.base_url());
    let mut first = spawn_config(config.clone(), tempfile::tempdir().unwrap()).await;
    first.ingest_ok("top10").await;
    train_ok(&first).await;
    let (_, before) = first.get_json("/v1/forecast").await;
    first.stop().await;
    drop(first);

    let second = spawn_config(config, tempfile::tempdir().unwrap()).await;
    let (status, after) = second.get_json("/v1/forecast").await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["data"], before["data"]);
    let (_, runs) = second.get_json("/v1/ingest/runs?source=model").await;
    assert_eq!(runs["meta"]["total"], 1, "no training run since the restart");
}

/// Entries of the real global file, by week and key (category, show, season).
type Weeks = BTreeMap<String, HashMap<(String, String, String), (u32, f64)>>;

fn real_weeks(text: &str) -> Weeks {
    let mut weeks: Weeks = BTreeMap::new();
    let mut lines = text.split('\n');
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (week, category, show, season, hours, weeks_on) = (
        column("week"),
        column("category"),
        column("show_title"),
        column("season_title"),
        column("weekly_hours_viewed"),
        column("cumulative_weeks_in_top_10"),
    );
    for line in lines.filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        weeks.entry(cells[week].to_owned()).or_default().insert(
            (cells[category].to_owned(), cells[show].to_owned(), cells[season].to_owned()),
            (cells[weeks_on].parse().unwrap(), cells[hours].parse().unwrap()),
        );
    }
    weeks
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] }
}

/// Persistence and decay MAE over the last 52 weeks, computed from the file alone.
fn baselines(weeks: &Weeks) -> (f64, f64, usize) {
    let names: Vec<&String> = weeks.keys().collect();
    let (mut persistence, mut decay) = (Vec::new(), Vec::new());
    for t in names.len() - 52..names.len() {
        let mut ratios: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for a in 1..t {
            for (key, (on, hours)) in &weeks[names[a - 1]] {
                if let Some((_, next)) = weeks[names[a]].get(key) {
                    ratios.entry((*on).min(10)).or_default().push(next / hours);
                }
            }
        }
        let all = median(ratios.values().flatten().copied().collect());
        for (key, (on, hours)) in &weeks[names[t - 1]] {
            if let Some((_, actual)) = weeks[names[t]].get(key) {
                let ratio = ratios.get(&(*on).clamp(1, 10)).map_or(all, |r| median(r.clone()));
                persistence.push((actual - hours).abs());
                decay.push((actual - hours * ratio).abs());
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    (mean(&persistence), mean(&decay), persistence.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backtest_on_the_real_file_scores_the_model_against_both_baselines_and_applies_the_rule() {
    let Some(dir) = crate::real_data::shared_top10() else { return };
    let base = url::Url::from_directory_path(&dir).unwrap();
    let app = spawn_app(base.as_str()).await;
    app.ingest_ok("top10").await;
    train_ok(&app).await;
    let (_, models) = app.get_json("/v1/ml/models").await;
    let model = &models["data"][0];
    let backtest = &model["backtest"];

    let weeks = real_weeks(&std::fs::read_to_string(dir.join("all-weeks-global.tsv")).unwrap());
    let names: Vec<&String> = weeks.keys().collect();
    assert_eq!(backtest["weeks"], 52);
    assert_eq!(backtest["last_week"], names[names.len() - 1].as_str());
    assert_eq!(backtest["first_week"], names[names.len() - 52].as_str());
    assert_eq!(backtest["stay_entries"], 52 * 40);
    let (persistence, decay, pairs) = baselines(&weeks);
    assert_eq!(backtest["hours_entries"], pairs);
    let scores = &backtest["scores"];
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b;
    assert!(close(mae(scores, "persistence"), persistence), "{} vs {persistence}", mae(scores, "persistence"));
    assert!(close(mae(scores, "decay"), decay), "{} vs {decay}", mae(scores, "decay"));
    assert_promotion_rule(model);
    for score in scores.as_array().unwrap() {
        for metric in ["mae", "mape", "brier", "auc"] {
            assert!(score[metric].as_f64().is_some_and(f64::is_finite), "{score}");
        }
    }
    eprintln!("real-file backtest: {backtest:#}");

    let (status, forecast) = app.get_json("/v1/forecast").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(forecast["data"].as_array().unwrap().len(), 40);
    assert_eq!(forecast["data"][0]["method"], model["served"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_retraining_on_a_top10_refresh_that_changed_data_trains_and_one_that_did_not_does_not() {
    let feed = feed_with_history().await;
    let app = crate::helpers::spawn_app_with(&feed.base_url(), |config| config.ml_retrain = true).await;
    app.ingest_ok("top10").await;
    let mut training = None;
    for _ in 0..100 {
        let (_, runs) = app.get_json("/v1/ingest/runs?source=model").await;
        if let Some(run) = runs["data"].as_array().unwrap().first() {
            training = Some(run.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let training = training.expect("a training run follows the refresh");
    assert_eq!(training["trigger"], "refresh");
    let finished = wait_long(&app, training["id"].as_i64().unwrap(), Duration::from_secs(60)).await;
    assert_eq!(finished["status"], "succeeded", "{finished:#}");

    let unchanged = app.ingest_ok("top10").await;
    assert_eq!(unchanged["data_version"], finished["data_version"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, runs) = app.get_json("/v1/ingest/runs?source=model").await;
    assert_eq!(runs["meta"]["total"], 1, "an unchanged refresh starts no training: {runs:#}");
}

/// Two weeks where Wednesday and Bridgerton chart globally and in two countries, Local Hit only in
/// the US list, Nobody Knows only globally; the catalog knows Wednesday, Bridgerton and Enola.
async fn similar_setup() -> (TestApp, Top10Feed, crate::apis::CatalogApi) {
    use crate::apis::{CatalogApi, RAPIDAPI_KEY, show};
    let weeks = ["2026-07-19", "2026-07-12"];
    let mut global = fixtures::global_weeks(&weeks);
    let mut countries = fixtures::country_weeks(&weeks);
    for week in weeks {
        for (rank, name) in [(1, "Wednesday"), (2, "Bridgerton"), (3, "Nobody Knows")] {
            let entry =
                global.iter_mut().find(|e| e.week == week && e.category == "TV (English)" && e.rank == rank).unwrap();
            entry.show_title = name.to_owned();
            entry.season_title = Some(format!("{name}: Season 1"));
        }
        for entry in countries.iter_mut().filter(|e| e.week == week && e.category == "TV") {
            let name = match (entry.rank, entry.country_iso2.as_str()) {
                (1, "US" | "KR") => "Wednesday",
                (2, "US" | "KR") => "Bridgerton",
                (3, "US") => "Local Hit",
                _ => continue,
            };
            entry.show_title = name.to_owned();
            entry.season_title = Some(format!("{name}: Season 1"));
        }
    }
    let feed = Top10Feed::start().await;
    feed.serve(
        &fixtures::global_tsv(&global),
        &fixtures::countries_tsv(&countries),
        &fixtures::most_popular_tsv(&fixtures::most_popular()),
    )
    .await;
    let catalog = CatalogApi::start().await;
    catalog
        .serve(
            vec![
                show("1", "series", "Wednesday", 2022, &["Comedy", "Mystery"]),
                show("2", "series", "Bridgerton", 2020, &["Drama", "Romance"]),
                show("3", "movie", "Enola Holmes", 2020, &["Mystery"]),
            ],
            20,
        )
        .await;
    let base = catalog.base_url();
    let app = crate::helpers::spawn_app_with(&feed.base_url(), move |c| {
        c.catalog.base_url = format!("{base}/").parse().unwrap();
        c.catalog.api_key = Some(secrecy::SecretString::from(RAPIDAPI_KEY));
        c.catalog.requests_per_sec = 1000.0;
    })
    .await;
    app.ingest_ok("top10").await;
    app.ingest_ok("catalog").await;
    (app, feed, catalog)
}

async fn title_id(app: &TestApp, name: &str) -> i64 {
    let (_, found) = app.get_json(&format!("/v1/titles?q={}", name.replace(' ', "%20"))).await;
    let titles = found["data"].as_array().unwrap();
    let title = titles.iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("no title {name}: {found}"));
    title["title_id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn similar_titles_blend_content_and_audience_and_say_when_only_one_is_known() {
    let (app, _feed, _catalog) = similar_setup().await;
    let (wednesday, bridgerton) = (title_id(&app, "Wednesday").await, title_id(&app, "Bridgerton").await);

    let (status, similar) = app.get_json(&format!("/v1/titles/{wednesday}/similar?k=5")).await;
    assert_eq!(status, StatusCode::OK, "{similar}");
    assert_eq!(similar["meta"]["basis"], "blended");
    let rows = similar["data"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.len() <= 5, "{similar:#}");
    let mut previous = f64::INFINITY;
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["rank"], i + 1);
        assert_ne!(row["title_id"], wednesday);
        let score = row["score"].as_f64().unwrap();
        let part = |name: &str| row[name].as_f64().unwrap_or(0.0);
        assert!((score - 0.5 * part("content_score") - 0.5 * part("audience_score")).abs() < 1e-9, "{row}");
        assert!(score <= previous, "best first: {similar:#}");
        previous = score;
    }
    // Bridgerton shares Wednesday's lists every week and its catalog people: the best neighbour.
    assert_eq!(rows[0]["title_id"], bridgerton, "{similar:#}");
    assert_eq!(rows[0]["name"], "Bridgerton");
    assert!(rows[0]["content_score"].as_f64().unwrap() > 0.0);
    assert!(rows[0]["audience_score"].as_f64().unwrap() > 0.0);

    let local = title_id(&app, "Local Hit").await;
    let (status, by_audience) = app.get_json(&format!("/v1/titles/{local}/similar")).await;
    assert_eq!(status, StatusCode::OK, "{by_audience}");
    assert_eq!(by_audience["meta"]["basis"], "audience_only");
    let rows = by_audience["data"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["content_score"].is_null() && r["audience_score"].as_f64().unwrap() > 0.0));

    let (status, header, csv) = app.get_csv(&format!("/v1/titles/{wednesday}/similar?k=5&format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(header.iter().any(|h| h == "audience_score"), "{header:?}");
    assert_eq!(csv[0]["name"], "Bridgerton");

    let nobody = title_id(&app, "Nobody Knows").await;
    let (status, body) = app.get_json(&format!("/v1/titles/{nobody}/similar")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "no_similarity_basis");
    assert!(body["message"].as_str().unwrap().contains("no catalog metadata"), "{body}");
    let (status, body) = app.get_json("/v1/titles/987654/similar").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "title_not_found");
    let (status, body) = app.get_json(&format!("/v1/titles/{wednesday}/similar?k=0")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
