//! The analytics endpoints, the response cache and /metrics. Expected answers are computed here from
//! the scenario's values with plain Rust.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use serde_json::Value;

use crate::fixtures::{self, GlobalEntry};
use crate::helpers::TestApp;
use crate::scenario::{COUNTRIES, Scenario, WEEKS};

fn in_period(week: &str, from: &str, to: &str) -> bool {
    week >= from && week <= to
}

fn kind_of(category: &str) -> &'static str {
    if category.starts_with("Film") { "film" } else { "series" }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * a.abs().max(1.0)
}

/// Pearson and Spearman, written independently of the service's.
fn pearson(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let (sx, sy) = (xs.iter().sum::<f64>(), ys.iter().sum::<f64>());
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| x * y).sum();
    let sxx: f64 = xs.iter().map(|x| x * x).sum();
    let syy: f64 = ys.iter().map(|y| y * y).sum();
    (n * sxy - sx * sy) / ((n * sxx - sx * sx).sqrt() * (n * syy - sy * sy).sqrt())
}

fn ranked(values: &[f64]) -> Vec<f64> {
    values
        .iter()
        .map(|v| {
            let below = values.iter().filter(|o| *o < v).count() as f64;
            let equal = values.iter().filter(|o| *o == v).count() as f64;
            below + (equal + 1.0) / 2.0
        })
        .collect()
}

async fn title_id(app: &TestApp, name: &str) -> i64 {
    let (_, found) = app.get_json(&format!("/v1/titles?q={}", name.replace(' ', "%20"))).await;
    found["data"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("{name}: {found}"))["title_id"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_titles_ranks_a_regions_titles_over_a_period() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    let (from, to) = (WEEKS[1], WEEKS[3]);

    // Global, English TV, by hours.
    #[derive(Default)]
    struct Acc {
        weeks: BTreeSet<String>,
        best: u8,
        hours: i64,
        views: i64,
    }
    let mut titles: BTreeMap<String, Acc> = BTreeMap::new();
    for e in scenario.global.iter().filter(|e| e.category == "TV (English)" && in_period(&e.week, from, to)) {
        let acc = titles.entry(e.show_title.clone()).or_insert(Acc { best: 99, ..Acc::default() });
        acc.weeks.insert(e.week.clone());
        acc.best = acc.best.min(e.rank);
        acc.hours += e.hours.unwrap();
        acc.views += e.views.unwrap();
    }
    let mut expected: Vec<(&String, &Acc)> = titles.iter().collect();
    expected.sort_by_key(|(_, acc)| std::cmp::Reverse(acc.hours));
    let (status, body) =
        app.get_json(&format!("/v1/analytics/top-titles?from={from}&to={to}&category=tv-english&limit=5")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["meta"]["total"], titles.len());
    assert_eq!((body["meta"]["from"].as_str(), body["meta"]["to"].as_str()), (Some(from), Some(to)));
    let rows = body["data"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for (row, (name, acc)) in rows.iter().zip(&expected) {
        assert_eq!(row["title"], name.as_str());
        assert_eq!(row["kind"], "series");
        assert_eq!(row["categories"], "TV (English)");
        assert_eq!(row["weeks_in_top10"], acc.weeks.len());
        assert_eq!(row["best_rank"], acc.best);
        assert_eq!(row["first_week"], acc.weeks.first().unwrap().as_str());
        assert_eq!(row["last_week"], acc.weeks.last().unwrap().as_str());
        assert_eq!(row["hours_viewed"], acc.hours);
        assert_eq!(row["views"], acc.views);
    }
    let next = body["meta"]["next"].as_str().unwrap();
    assert!(next.contains("offset=5") && next.contains("category=tv-english"), "{next}");

    // One country, by weeks then best rank; no hours at country level.
    let mut kr: BTreeMap<(String, &str), (BTreeSet<String>, u8)> = BTreeMap::new();
    for e in scenario.countries.iter().filter(|e| e.country_iso2 == "KR") {
        let acc = kr.entry((e.show_title.clone(), kind_of(&e.category))).or_insert((BTreeSet::new(), 99));
        acc.0.insert(e.week.clone());
        acc.1 = acc.1.min(e.rank);
    }
    let (_, body) = app.get_json("/v1/analytics/top-titles?region=kr&limit=1000").await;
    assert_eq!(body["meta"]["total"], kr.len());
    let top = &body["data"][0];
    let most = kr.values().map(|(w, _)| w.len()).max().unwrap();
    assert_eq!(top["weeks_in_top10"], most);
    assert_eq!(top["hours_viewed"], Value::Null);
    let served: BTreeMap<String, i64> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["title"].as_str().unwrap().to_owned(), r["weeks_in_top10"].as_i64().unwrap()))
        .collect();
    for ((name, _), (weeks, _)) in &kr {
        assert_eq!(served[name], weeks.len() as i64, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_titles_trajectory_lists_its_weeks_with_hours_and_views() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    let id = title_id(&app, "Show 05").await;
    let (_, body) = app.get_json(&format!("/v1/titles/{id}/trajectory")).await;
    let expected: Vec<&GlobalEntry> = scenario.global.iter().filter(|e| e.show_title == "Show 05").collect();
    let rows = body["data"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for (row, e) in rows.iter().zip(expected) {
        assert_eq!(
            (row["week"].as_str(), row["weekly_rank"].as_u64()),
            (Some(e.week.as_str()), Some(u64::from(e.rank)))
        );
        assert_eq!(row["season_title"], e.season_title.as_deref().unwrap());
        assert_eq!(row["weekly_hours_viewed"], e.hours.unwrap());
        assert_eq!(row["weekly_views"], e.views.unwrap());
    }
    let (_, header, csv) = app.get_csv(&format!("/v1/titles/{id}/trajectory?region=us")).await;
    assert_eq!(header[..4], ["week", "category", "season_title", "weekly_rank"]);
    let us: Vec<_> =
        scenario.countries.iter().filter(|e| e.country_iso2 == "US" && e.show_title == "Show 05").collect();
    assert_eq!(csv.len(), us.len());
    assert!(csv.iter().all(|r| r["weekly_hours_viewed"].is_empty()));
    let (status, body) = app.get_json("/v1/titles/999999/trajectory").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("title_not_found")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engagement_vs_rank_counts_videos_published_by_the_end_of_the_run_and_correlates() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    let (_, body) = app.get_json("/v1/analytics/engagement-vs-rank?limit=1000").await;

    struct Expected {
        videos: i64,
        views: i64,
        likes: Option<i64>,
        comments: i64,
        hours: i64,
        weeks: usize,
        best: u8,
    }
    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    for show in scenario.videos.iter().map(|v| v.show.clone()).collect::<BTreeSet<_>>() {
        let runs: Vec<&GlobalEntry> = scenario.global.iter().filter(|e| e.show_title == show).collect();
        let Some(last) = runs.iter().map(|e| e.week.as_str()).max() else { continue };
        // A video counts when published before the end of the title's last Top 10 week.
        let counting: Vec<_> =
            scenario.videos.iter().filter(|v| v.show == show && v.published[..10] <= *last).collect();
        if counting.is_empty() {
            continue;
        }
        let likes: Vec<i64> = counting.iter().filter_map(|v| v.likes).collect();
        expected.insert(
            show.clone(),
            Expected {
                videos: counting.len() as i64,
                views: counting.iter().map(|v| v.views).sum(),
                likes: (!likes.is_empty()).then(|| likes.iter().sum()),
                comments: counting.iter().map(|v| v.comments).sum(),
                hours: runs.iter().map(|e| e.hours.unwrap()).sum(),
                weeks: runs.iter().map(|e| e.week.as_str()).collect::<BTreeSet<_>>().len(),
                best: runs.iter().map(|e| e.rank).min().unwrap(),
            },
        );
    }
    let rows = body["data"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len(), "{body:#}");
    for row in rows {
        let e = &expected[row["title"].as_str().unwrap()];
        assert_eq!(row["videos"], e.videos);
        assert_eq!(row["youtube_views"], e.views);
        assert_eq!(row["youtube_likes"].as_i64(), e.likes);
        assert_eq!(row["youtube_comments"], e.comments);
        assert_eq!(row["hours_viewed"], e.hours);
        assert_eq!(row["weeks_in_top10"], e.weeks);
        assert_eq!(row["best_rank"], e.best);
    }
    let views: Vec<f64> = expected.values().map(|e| e.views as f64).collect();
    let hours: Vec<f64> = expected.values().map(|e| e.hours as f64).collect();
    let correlation = body["meta"]["correlations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["x"] == "youtube_views" && c["y"] == "hours_viewed")
        .unwrap();
    assert_eq!(correlation["n"], expected.len());
    assert!(close(correlation["pearson"].as_f64().unwrap(), pearson(&views, &hours)), "{correlation}");
    assert!(
        close(correlation["spearman"].as_f64().unwrap(), pearson(&ranked(&views), &ranked(&hours))),
        "{correlation}"
    );
    let likes = body["meta"]["correlations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["x"] == "youtube_likes" && c["y"] == "best_rank")
        .unwrap();
    assert_eq!(
        likes["n"],
        expected.values().filter(|e| e.likes.is_some()).count(),
        "titles with hidden likes are left out"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genre_performance_adds_up_titles_weeks_hours_ranks_and_videos_per_genre() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    let genres_of: BTreeMap<&str, &Vec<&str>> = scenario.genres.iter().map(|(n, g)| (n.as_str(), g)).collect();
    #[derive(Default)]
    struct Acc {
        titles: BTreeSet<String>,
        title_weeks: i64,
        hours: i64,
        rank_sum: i64,
        video_views: i64,
        videos: i64,
    }
    let mut by_genre: BTreeMap<&str, Acc> = BTreeMap::new();
    let (mut with_genre, mut all) = (0, 0);
    for e in &scenario.global {
        all += 1;
        let Some(genres) = genres_of.get(e.show_title.as_str()) else { continue };
        with_genre += 1;
        for genre in genres.iter() {
            let acc = by_genre.entry(genre).or_default();
            acc.titles.insert(e.show_title.clone());
            acc.title_weeks += 1;
            acc.hours += e.hours.unwrap();
            acc.rank_sum += i64::from(e.rank);
        }
    }
    for (genre, acc) in by_genre.iter_mut() {
        for v in scenario.videos.iter().filter(|v| acc.titles.contains(&v.show) && &v.published[..10] <= WEEKS[3]) {
            let _ = genre;
            acc.videos += 1;
            acc.video_views += v.views;
        }
    }
    let (_, body) = app.get_json("/v1/analytics/genre-performance").await;
    let rows = body["data"].as_array().unwrap();
    assert_eq!(rows.len(), by_genre.len());
    for row in rows {
        let acc = &by_genre[row["genre"].as_str().unwrap()];
        assert_eq!(row["titles"], acc.titles.len());
        assert_eq!(row["title_weeks"], acc.title_weeks);
        assert_eq!(row["hours_viewed"], acc.hours);
        assert!(close(row["average_rank"].as_f64().unwrap(), acc.rank_sum as f64 / acc.title_weeks as f64));
        assert_eq!(row["youtube_videos"], acc.videos);
        assert_eq!(row["youtube_views"].as_i64().unwrap_or(0), acc.video_views);
    }
    assert_eq!(body["meta"]["coverage"]["title_weeks"], all);
    assert_eq!(body["meta"]["coverage"]["title_weeks_with_genre"], with_genre);

    // One country: title-weeks from its lists, no hours.
    let mut kr: BTreeMap<&str, (BTreeSet<String>, i64)> = BTreeMap::new();
    for e in scenario.countries.iter().filter(|e| e.country_iso2 == "KR") {
        for genre in genres_of.get(e.show_title.as_str()).map(|g| g.as_slice()).unwrap_or_default() {
            let acc = kr.entry(genre).or_default();
            acc.0.insert(e.show_title.clone());
            acc.1 += 1;
        }
    }
    let (_, body) = app.get_json("/v1/analytics/genre-performance?region=KR").await;
    for row in body["data"].as_array().unwrap() {
        let (titles, title_weeks) = &kr[row["genre"].as_str().unwrap()];
        assert_eq!(
            (row["titles"].as_u64(), row["title_weeks"].as_i64()),
            (Some(titles.len() as u64), Some(*title_weeks))
        );
        assert_eq!(row["hours_viewed"], Value::Null);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_are_compared_by_unique_titles_global_share_and_jaccard_overlap() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    let titles_of = |iso: &str| -> BTreeSet<(String, &str)> {
        scenario
            .countries
            .iter()
            .filter(|e| e.country_iso2 == iso)
            .map(|e| (e.show_title.clone(), kind_of(&e.category)))
            .collect()
    };
    let global: BTreeSet<(String, &str)> =
        scenario.global.iter().map(|e| (e.show_title.clone(), kind_of(&e.category))).collect();
    let sets: BTreeMap<&str, BTreeSet<(String, &str)>> =
        COUNTRIES.iter().map(|(_, iso)| (*iso, titles_of(iso))).collect();

    let (_, body) = app.get_json("/v1/analytics/regional-preferences").await;
    for row in body["data"].as_array().unwrap() {
        let iso = row["country_iso2"].as_str().unwrap();
        let mine = &sets[iso];
        let unique = mine
            .iter()
            .filter(|t| sets.iter().filter(|(other, _)| **other != iso).all(|(_, s)| !s.contains(*t)))
            .count();
        let shared = mine.iter().filter(|t| global.contains(*t)).count();
        assert_eq!(row["titles"], mine.len(), "{iso}");
        assert_eq!(row["unique_titles"], unique, "{iso}");
        assert_eq!(row["shared_with_global"], shared, "{iso}");
        assert!(close(
            row["global_share"].as_f64().unwrap(),
            (shared as f64 / mine.len() as f64 * 10_000.0).round() / 10_000.0
        ));
    }

    let (_, body) = app.get_json("/v1/analytics/regional-similarity").await;
    let rows = body["data"].as_array().unwrap();
    assert_eq!(rows.len(), 6, "ordered pairs of three countries");
    for row in rows {
        let (a, b) = (&sets[row["country_a"].as_str().unwrap()], &sets[row["country_b"].as_str().unwrap()]);
        let shared = a.intersection(b).count();
        let jaccard = shared as f64 / a.union(b).count() as f64;
        assert_eq!(row["shared_titles"], shared);
        assert!(close(row["jaccard"].as_f64().unwrap(), (jaccard * 10_000.0).round() / 10_000.0), "{row}");
    }
    let (_, header, csv) = app.get_csv("/v1/analytics/regional-similarity").await;
    assert_eq!(header, ["country_a", "country_b", "shared_titles", "jaccard"]);
    assert_eq!(csv.len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_old_dashboards_charts_category_viewership_weekly_hours_and_youtube() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;

    let (_, body) = app.get_json("/v1/analytics/category-viewership").await;
    for row in body["data"].as_array().unwrap() {
        let entries: Vec<&GlobalEntry> = scenario.global.iter().filter(|e| e.category == row["category"]).collect();
        let hours: i64 = entries.iter().map(|e| e.hours.unwrap()).sum();
        assert_eq!(row["title_weeks"], entries.len());
        assert_eq!(row["weeks"], 4);
        assert_eq!(row["hours_viewed"], hours);
        assert!(close(row["average_hours_viewed"].as_f64().unwrap(), hours as f64 / entries.len() as f64));
        let views: i64 = entries.iter().map(|e| e.views.unwrap()).sum();
        assert!(close(row["average_views"].as_f64().unwrap(), views as f64 / entries.len() as f64));
    }
    let (_, weekly) = app.get_json(&format!("/v1/analytics/category-viewership?interval=week&from={}", WEEKS[3])).await;
    assert_eq!(weekly["data"].as_array().unwrap().len(), 4);
    assert_eq!(weekly["data"][0]["week"], WEEKS[3]);

    let (_, body) = app.get_json("/v1/analytics/weekly-hours?title=Show%2005&title=film%2003").await;
    let rows = body["data"].as_array().unwrap();
    for row in rows {
        let name = row["title"].as_str().unwrap();
        let hours: i64 = scenario
            .global
            .iter()
            .filter(|e| e.show_title == name && e.week == row["week"])
            .map(|e| e.hours.unwrap())
            .sum();
        assert_eq!(row["hours_viewed"], hours, "{row}");
    }
    let expected_rows =
        scenario.global.iter().filter(|e| e.show_title == "Show 05" || e.show_title == "Film 03").count();
    assert_eq!(rows.len(), expected_rows);
    let (_, default) = app.get_json("/v1/analytics/weekly-hours?top=3").await;
    let chosen: BTreeSet<&str> =
        default["data"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(chosen.len(), 3);
    let (status, missing) = app.get_json("/v1/analytics/weekly-hours?title=Nope%20Nope").await;
    assert_eq!((status, missing["code"].as_str()), (StatusCode::NOT_FOUND, Some("title_not_found")));

    let (_, body) = app.get_json("/v1/analytics/youtube/top-engagement?metric=views&limit=3").await;
    let mut by_show: BTreeMap<&str, i64> = BTreeMap::new();
    for v in &scenario.videos {
        *by_show.entry(v.show.as_str()).or_default() += v.views;
    }
    let mut ranked: Vec<(&str, i64)> = by_show.into_iter().collect();
    ranked.sort_by_key(|(_, views)| std::cmp::Reverse(*views));
    let served: Vec<(&str, i64)> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["title"].as_str().unwrap(), r["views"].as_i64().unwrap()))
        .collect();
    assert_eq!(served, ranked[..3]);
    assert_eq!(body["meta"]["total"], ranked.len());

    let (_, body) = app.get_json("/v1/analytics/youtube/duration-histogram?bucket_minutes=2").await;
    let mut buckets: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for v in &scenario.videos {
        let bucket = buckets.entry(v.seconds / 120 * 2).or_default();
        bucket.0 += 1;
        bucket.1 += v.views;
    }
    let served: Vec<(i64, i64, i64, i64)> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["bucket_start_minutes"].as_i64().unwrap(),
                r["bucket_end_minutes"].as_i64().unwrap(),
                r["videos"].as_i64().unwrap(),
                r["views"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(i64, i64, i64, i64)> =
        buckets.into_iter().map(|(start, (n, views))| (start, start + 2, n, views)).collect();
    assert_eq!(served, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_parameters_are_validated_with_the_accepted_values() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    for (path, status, part) in [
        ("/v1/analytics/top-titles?from=2026-07-20", StatusCode::BAD_REQUEST, "is a Mon"),
        ("/v1/analytics/top-titles?from=2026-07-19&to=2026-07-05", StatusCode::BAD_REQUEST, "is after to=2026-07-05"),
        ("/v1/analytics/top-titles?order=popularity", StatusCode::BAD_REQUEST, "hours, views, weeks, best_rank"),
        ("/v1/analytics/top-titles?region=mars", StatusCode::BAD_REQUEST, "neither `global` nor"),
        ("/v1/analytics/top-titles?region=FR", StatusCode::NOT_FOUND, "KR, RE, US"),
        ("/v1/analytics/top-titles?region=KR&category=tv-english", StatusCode::BAD_REQUEST, "\"TV\" (tv)"),
        ("/v1/analytics/category-viewership?interval=month", StatusCode::BAD_REQUEST, "accepted: total, week"),
        ("/v1/analytics/youtube/duration-histogram?bucket_minutes=0", StatusCode::BAD_REQUEST, "1 to 120"),
        ("/v1/analytics/youtube/top-engagement?metric=dislikes", StatusCode::BAD_REQUEST, "engagement_rate"),
        ("/v1/analytics/youtube/top-engagement?from=July", StatusCode::BAD_REQUEST, "YYYY-MM-DD"),
        ("/v1/analytics/weekly-hours?title=Show%2001&top=3", StatusCode::BAD_REQUEST, "one or the other"),
        ("/v1/analytics/weekly-hours?titel=x", StatusCode::BAD_REQUEST, "unknown parameter `titel`"),
        ("/v1/analytics/regional-similarity?limit=20000", StatusCode::BAD_REQUEST, "1 to 10000"),
    ] {
        let (actual, body) = app.get_json(path).await;
        assert_eq!(actual, status, "{path}: {body}");
        assert!(body["message"].as_str().unwrap().contains(part), "{path}: {body}");
    }
}

/// The value of one sample in /metrics text.
async fn metric(app: &TestApp, line_start: &str) -> f64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_serves_hits_answers_304_and_is_invalidated_by_an_ingestion() {
    let scenario = Scenario::new();
    let (app, feeds) = scenario.load().await;
    let path = "/v1/analytics/top-titles?category=films-english";
    let first = app.get(path).await;
    assert_eq!(first.headers()["x-cache"], "miss");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "public, max-age=60");
    let first_body = first.text().await.unwrap();
    let second = app.get(path).await;
    assert_eq!(second.headers()["x-cache"], "hit");
    assert_eq!(second.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(second.text().await.unwrap(), first_body);
    // Another spelling of the same request shares the entry.
    let respelled = app.get("/v1/analytics/top-titles?category=Films%20(English)").await;
    assert_eq!(respelled.headers()["x-cache"], "hit");

    let revalidated = app.client.get(app.url(path)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(revalidated.headers()["etag"].to_str().unwrap(), etag);
    assert!(revalidated.text().await.unwrap().is_empty());

    // JSON and CSV carry the same rows.
    let (_, json) = app.get_json(path).await;
    let (_, _, csv) = app.get_csv(path).await;
    let json_titles: Vec<&str> =
        json["data"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap()).collect();
    let csv_titles: Vec<&str> = csv.iter().map(|r| r["title"].as_str()).collect();
    assert_eq!(json_titles, csv_titles);

    // A refresh that changes data moves the version: the old copy is no longer current.
    let mut next = scenario.global.clone();
    next.extend(fixtures::global_week("2026-07-26"));
    feeds
        .top10
        .serve(
            &fixtures::global_tsv(&next),
            &fixtures::countries_tsv(&scenario.countries),
            &fixtures::most_popular_tsv(&fixtures::most_popular()),
        )
        .await;
    app.ingest_ok("top10").await;
    let after = app.client.get(app.url(path)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_eq!(after.headers()["x-cache"], "miss");
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
    let body: Value = after.json().await.unwrap();
    assert_eq!(body["meta"]["to"], "2026-07-26", "nothing stale after an ingestion");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_identical_misses_run_the_query_once() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    let misses = metric(&app, "netflix_analytics_cache_requests_total{result=\"miss\"}").await;
    let hits = metric(&app, "netflix_analytics_cache_requests_total{result=\"hit\"}").await;
    let path = "/v1/analytics/regional-similarity?limit=3";
    let responses = futures_util::future::join_all((0..32).map(|_| app.get(path))).await;
    let bodies: BTreeSet<String> = futures_util::future::join_all(responses.into_iter().map(|r| r.text()))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(bodies.len(), 1, "everyone got the same answer");
    assert_eq!(metric(&app, "netflix_analytics_cache_requests_total{result=\"miss\"}").await - misses, 1.0);
    assert_eq!(metric(&app, "netflix_analytics_cache_requests_total{result=\"hit\"}").await - hits, 31.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_and_status_cache_size_and_ingestion() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    app.get("/v1/analytics/category-viewership").await;
    app.get("/v1/titles/123456").await;
    let response = app.get("/metrics").await;
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = response.text().await.unwrap();
    for expected in [
        "netflix_analytics_http_requests_total{route=\"/v1/analytics/category-viewership\",method=\"GET\",status=\"200\"} 1",
        "netflix_analytics_http_requests_total{route=\"/v1/titles/{id}\",method=\"GET\",status=\"404\"} 1",
        "netflix_analytics_http_request_duration_seconds_bucket{",
        "netflix_analytics_ingest_runs_total{source=\"all\",status=\"succeeded\"} 1",
        "netflix_analytics_ingest_runs_total{source=\"top10\",status=\"succeeded\"} 1",
        "netflix_analytics_ingest_rows_total{source=\"catalog\",status=\"succeeded\",kind=\"inserted\"} 40",
        "netflix_analytics_cache_entries ",
        "netflix_analytics_cache_bytes ",
        "netflix_analytics_data_version ",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    let rows_read = scenario.global.len() + scenario.countries.len() + 40;
    assert!(
        text.contains(&format!(
            "netflix_analytics_ingest_rows_total{{source=\"top10\",status=\"succeeded\",kind=\"read\"}} {rows_read}"
        )),
        "{text}"
    );
}
