//! The analytics endpoints as SVG charts, through the same answer path as JSON and CSV, and the
//! dashboard page that composes them.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::scenario::Scenario;

/// The bar colour of the charts (plotters writes colours as upper-case hex).
const BAR_FILL: &str = "#1F77B4";
/// The stroke width of a data series' line (axes, grid and legend samples are drawn otherwise).
const SERIES_STROKE: &str = "2";

struct Svg {
    marks: usize,
    bars: usize,
    lines: usize,
    points: usize,
    text: String,
}

/// Fetches `path` as SVG and checks it is a well-formed SVG document.
async fn svg(app: &TestApp, path: &str) -> Svg {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(response.headers()["content-type"], "image/svg+xml", "{path}");
    let body = response.text().await.unwrap();
    let document = roxmltree::Document::parse(&body).unwrap_or_else(|e| panic!("{path}: not well-formed XML: {e}"));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{path}");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"), "{path}");
    let count = |name: &str, attribute: Option<(&str, &str)>| {
        document
            .descendants()
            .filter(|n| n.tag_name().name() == name && attribute.is_none_or(|(a, v)| n.attribute(a) == Some(v)))
            .count()
    };
    Svg {
        marks: root.attribute("data-marks").expect("the chart says how many marks it drew").parse().unwrap(),
        bars: count("rect", Some(("fill", BAR_FILL))),
        lines: count("polyline", Some(("stroke-width", SERIES_STROKE))),
        points: count("circle", None),
        text: document.descendants().filter_map(|n| n.text()).collect::<Vec<_>>().join(" "),
    }
}

async fn rows(app: &TestApp, path: &str) -> Vec<Value> {
    let (status, body) = app.get_json(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn bar_charts_draw_one_bar_per_row_of_the_page_asked_for() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    for path in [
        "/v1/analytics/top-titles?limit=7",
        "/v1/analytics/top-titles?region=KR",
        "/v1/analytics/category-viewership",
        "/v1/analytics/youtube/top-engagement",
        "/v1/analytics/youtube/duration-histogram",
    ] {
        let expected = rows(&app, path).await.len();
        assert!(expected > 0, "{path}: the scenario has rows");
        let chart = svg(&app, &format!("{path}{}format=svg", if path.contains('?') { '&' } else { '?' })).await;
        assert_eq!(chart.marks, expected, "{path}");
        assert_eq!(chart.bars, expected, "{path}: one bar per row");
    }
    let titles = rows(&app, "/v1/analytics/top-titles?limit=7").await;
    let chart = svg(&app, "/v1/analytics/top-titles?limit=7&format=svg").await;
    for title in &titles {
        assert!(chart.text.contains(title["title"].as_str().unwrap()), "{title} is labelled");
    }
}

#[tokio::test]
async fn the_engagement_chart_draws_the_metric_the_titles_are_ranked_by() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    for (metric, label) in [
        ("views", "YouTube views"),
        ("likes", "YouTube likes"),
        ("comments", "YouTube comments"),
        ("engagement_rate", "engagement rate"),
    ] {
        let path = format!("/v1/analytics/youtube/top-engagement?metric={metric}");
        let (_, body) = app.get_json(&path).await;
        assert_eq!(body["meta"]["metric"], metric, "{body}");
        let ranked: Vec<&Value> = body["data"].as_array().unwrap().iter().filter(|r| !r[metric].is_null()).collect();
        assert!(!ranked.is_empty(), "{path}: the scenario has rows with {metric}");
        let chart = svg(&app, &format!("{path}&format=svg")).await;
        assert_eq!(chart.marks, ranked.len(), "{path}");
        assert!(chart.text.contains(label), "{path}: the chart should say {label:?}: {}", chart.text);
    }
}

#[tokio::test]
async fn line_scatter_and_heatmap_charts_draw_their_rows() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;

    // Lines: one per title, a point per week.
    let weekly = rows(&app, "/v1/analytics/weekly-hours?top=3").await;
    let chart = svg(&app, "/v1/analytics/weekly-hours?top=3&format=svg").await;
    let titles: std::collections::BTreeSet<&str> = weekly.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(chart.marks, weekly.len());
    assert_eq!(chart.points, weekly.len());
    assert_eq!(chart.lines, titles.len());

    // A title's trajectory, by rank.
    let found = rows(&app, "/v1/titles?q=Show%2005").await;
    let id = found.iter().find(|t| t["name"] == "Show 05").expect("Show 05 is a title")["title_id"].as_i64().unwrap();
    let run = rows(&app, &format!("/v1/titles/{id}/trajectory")).await;
    let chart = svg(&app, &format!("/v1/titles/{id}/trajectory?format=svg")).await;
    assert!(!run.is_empty());
    assert_eq!(chart.marks, run.len());

    // Scatter, with the correlation the JSON answer reports.
    let (_, body) = app.get_json("/v1/analytics/engagement-vs-rank?limit=1000").await;
    let both = body["data"].as_array().unwrap().iter().filter(|r| r["youtube_views"].as_i64().unwrap_or(0) > 0).count();
    let correlation = body["meta"]["correlations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["x"] == "youtube_views" && c["y"] == "hours_viewed")
        .unwrap()
        .clone();
    let chart = svg(&app, "/v1/analytics/engagement-vs-rank?limit=1000&format=svg").await;
    assert!(both > 0);
    assert_eq!(chart.marks, both);
    assert_eq!(chart.points, both);
    let spearman = format!("Spearman {:.2}", correlation["spearman"].as_f64().unwrap());
    assert!(chart.text.contains(&spearman), "the chart shows {spearman}: {}", chart.text);

    // Heatmap: both halves of the matrix of country pairs.
    let pairs = rows(&app, "/v1/analytics/regional-similarity").await;
    let chart = svg(&app, "/v1/analytics/regional-similarity?format=svg").await;
    assert!(!pairs.is_empty());
    assert_eq!(chart.marks, 2 * pairs.len());
}

#[tokio::test]
async fn an_empty_answer_is_a_chart_that_says_no_data() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    assert!(rows(&app, "/v1/analytics/top-titles?offset=100000").await.is_empty());
    let chart = svg(&app, "/v1/analytics/top-titles?offset=100000&format=svg").await;
    assert_eq!(chart.marks, 0);
    assert_eq!(chart.bars, 0);
    assert!(chart.text.contains("no data"), "{}", chart.text);
}

#[tokio::test]
async fn svg_is_negotiated_on_analytics_only_and_cached_with_its_own_etag() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    let path = "/v1/analytics/category-viewership";
    let accept = |media: &'static str| {
        let request = app.client.get(app.url(path)).header("accept", media);
        async move { request.send().await.unwrap() }
    };
    let first = accept("image/svg+xml").await;
    assert_eq!(first.headers()["content-type"], "image/svg+xml");
    assert_eq!(first.headers()["x-cache"], "miss");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let body = first.text().await.unwrap();
    let again = app.get(&format!("{path}?format=svg")).await;
    assert_eq!(again.headers()["x-cache"], "hit");
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(again.text().await.unwrap(), body);
    let json = accept("application/json").await;
    assert_ne!(json.headers()["etag"].to_str().unwrap(), etag, "each format has its own ETag");
    let revalidated =
        app.client.get(app.url(&format!("{path}?format=svg"))).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);

    // Tables have no chart: `format=svg` is refused with what is accepted, and an Accept header
    // asking for SVG first still gets JSON.
    let (status, error) = app.get_json("/v1/top10/global?format=svg").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["message"].as_str().unwrap().contains("accepted: json, csv"), "{error}");
    let table =
        app.client.get(app.url("/v1/top10/global")).header("accept", "image/svg+xml, */*").send().await.unwrap();
    assert_eq!(table.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn the_dashboard_page_composes_charts_that_all_have_data() {
    let scenario = Scenario::new();
    let (app, _feeds) = scenario.load().await;
    let page = app.get("/").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let html = page.text().await.unwrap();
    for picker in ["id=\"week\"", "id=\"category\"", "id=\"region\"", "\"/v1/weeks\"", "\"/v1/countries\""] {
        assert!(html.contains(picker), "the page has {picker}");
    }
    assert!(!html.contains("http://") && !html.contains("https://"), "the page fetches nothing from elsewhere");
    let charted = regex::Regex::new(r#"q\("(/v1/analytics/[a-z/-]+)""#).unwrap();
    let paths: Vec<&str> = charted.captures_iter(&html).map(|c| c.get(1).unwrap().as_str()).collect();
    assert!(paths.len() >= 8, "{paths:?}");
    for path in paths {
        let chart = svg(&app, &format!("{path}?format=svg")).await;
        assert!(chart.marks > 0, "{path} has data");
    }
}
