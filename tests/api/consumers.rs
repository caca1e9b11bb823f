//! What one-URL clients and browser dashboards rely on: `limit=all` whole answers and their cap,
//! streamed whole CSV answers, CSV that shillelagh's stock adapter reads, CORS, compression.

use std::io::Read;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

use crate::helpers::TestApp;
use crate::scenario::{Scenario, WEEKS};

/// Query endpoints whose answers have more than a few rows in the scenario, with their questions.
const PAGED: [&str; 6] = [
    "/v1/analytics/top-titles?category=tv-english",
    "/v1/analytics/top-titles?region=us&order=best_rank",
    "/v1/analytics/regional-similarity",
    "/v1/analytics/category-viewership?interval=week",
    "/v1/analytics/engagement-vs-rank",
    "/v1/titles?q=show",
];

/// `path` with one more query parameter.
fn with(path: &str, param: &str) -> String {
    format!("{path}{}{param}", if path.contains('?') { '&' } else { '?' })
}

/// Every row, by following `meta.next` from a small first page.
async fn all_pages(app: &TestApp, path: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut next = Some(with(path, "limit=3"));
    while let Some(url) = next.take() {
        let (status, body) = app.get_json(&url).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
        rows.extend(body["data"].as_array().unwrap().iter().cloned());
        next = body["meta"]["next"].as_str().map(str::to_owned);
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_all_returns_the_whole_answer_which_equals_its_pages_put_together() {
    let (app, _feeds) = Scenario::new().load().await;
    for path in PAGED {
        let pages = all_pages(&app, path).await;
        assert!(pages.len() > 3, "{path}: the scenario should need several pages, has {}", pages.len());
        let (status, whole) = app.get_json(&with(path, "limit=all")).await;
        assert_eq!(status, StatusCode::OK, "{path}: {whole}");
        assert_eq!(whole["data"].as_array().unwrap(), &pages, "{path}");
        assert_eq!(whole["meta"]["total"], pages.len(), "{path}");
        assert!(whole["meta"].get("next").is_none(), "{path}: {}", whole["meta"]);
        // The same question in any case of `all`.
        let (_, upper) = app.get_json(&with(path, "limit=ALL")).await;
        assert_eq!(upper["data"], whole["data"], "{path}");
    }
    let (status, body) = app.get_json("/v1/analytics/top-titles?limit=most").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_parameter");
    assert!(body["message"].as_str().unwrap().contains("or all"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_answer_longer_than_na_max_rows_is_refused_naming_the_cap_and_how_to_page() {
    let (app, _feeds) = Scenario::new().load_with(|c| c.max_rows = 5).await;
    // The streamed CSV answers each learn their total their own way; all refuse before the first byte.
    for path in [
        "/v1/analytics/top-titles?category=tv-english",
        "/v1/analytics/regional-similarity",
        "/v1/analytics/category-viewership?interval=week",
        "/v1/analytics/engagement-vs-rank",
    ] {
        let (_, first) = app.get_json(path).await;
        let total = first["meta"]["total"].as_u64().unwrap();
        assert!(total > 5, "{path}: {first}");
        for format in ["json", "csv"] {
            let response = app.get(&with(path, &format!("limit=all&format={format}"))).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} {format}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["code"], "answer_too_large", "{path} {format}: {body}");
            let message = body["message"].as_str().unwrap();
            for needed in [format!("{total} rows"), "5".to_owned(), "NA_MAX_ROWS".to_owned(), "offset".to_owned()] {
                assert!(message.contains(&needed), "{path} {format}: {message:?} should say {needed:?}");
            }
        }
    }
    let path = "/v1/analytics/top-titles?category=tv-english";
    let (_, first) = app.get_json(path).await;
    let total = first["meta"]["total"].as_u64().unwrap();
    // Pages are not affected by the cap, and an answer within it is whole.
    let (status, page) = app.get_json(&format!("{path}&limit=20")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["data"].as_array().unwrap().len() as u64, total.min(20));
    let (status, small) = app.get_json("/v1/analytics/category-viewership?limit=all").await;
    assert_eq!(status, StatusCode::OK, "{small}");
    assert_eq!(small["data"].as_array().unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_csv_answers_stream_and_still_revalidate() {
    let (app, _feeds) = Scenario::new().load().await;
    let path = "/v1/analytics/top-titles?region=us&order=best_rank";
    let (_, json) = app.get_json(&format!("{path}&limit=all")).await;
    let json = json["data"].as_array().unwrap().clone();

    let response = app.get(&format!("{path}&limit=all&format=csv")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    // Written as it is sent: no length known up front, so HTTP/1.1 chunks it.
    assert!(headers.get("content-length").is_none(), "{headers:?}");
    assert_eq!(headers["transfer-encoding"], "chunked");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let column = reader.headers().unwrap().iter().position(|h| h == "title").unwrap();
    let titles: Vec<String> = reader.records().map(|r| r.unwrap()[column].to_owned()).collect();
    let expected: Vec<&str> = json.iter().map(|row| row["title"].as_str().unwrap()).collect();
    assert_eq!(titles, expected);

    // Not stored in the cache, but its tag is a function of the question and the data version.
    let again = app.get(&format!("{path}&limit=all&format=csv")).await;
    assert_eq!(again.headers()["x-cache"], "miss");
    let etag = headers["etag"].clone();
    assert_eq!(again.headers()["etag"], etag);
    let revalidated =
        app.client.get(app.url(&format!("{path}&limit=all&format=csv"))).header("if-none-match", etag).send().await;
    assert_eq!(revalidated.unwrap().status(), StatusCode::NOT_MODIFIED);
}

/// A CSV field (quotes removed) says the same as the JSON value: the text, the number, or nothing
/// for null.
fn same_value(field: &str, value: &Value) -> bool {
    match value {
        Value::String(text) => field == text,
        Value::Number(number) => field.parse::<f64>().ok() == number.as_f64(),
        Value::Null => field.is_empty(),
        Value::Bool(flag) => field == flag.to_string(),
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_whole_csv_answers_hold_the_rows_of_the_json_pages_field_for_field() {
    let (app, _feeds) = Scenario::new().load().await;
    for path in PAGED {
        let pages = all_pages(&app, path).await;
        let response = app.get(&with(path, "limit=all&format=csv")).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["transfer-encoding"], "chunked", "{path}");
        let body = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), pages.len(), "{path}");
        for (record, row) in records.iter().zip(&pages) {
            assert_eq!(header.len(), row.as_object().unwrap().len(), "{path}: {header:?} {row}");
            for (name, field) in header.iter().zip(record.iter()) {
                assert!(same_value(field, &row[name]), "{path} {name}: {field:?} in CSV, {} in JSON", row[name]);
            }
        }
    }
}

/// A CSV line's fields as written, quotes kept. The scenario has no line breaks inside fields.
fn raw_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                fields.push(String::new());
                continue;
            }
            _ => {}
        }
        fields.last_mut().unwrap().push(c);
    }
    fields
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_quotes_all_text_and_leaves_numbers_and_nulls_bare_as_shillelagh_requires() {
    let (app, _feeds) = Scenario::new().load().await;
    let mut seen_null = false;
    for path in [format!("/v1/top10/global?week={}", WEEKS[3]), "/v1/analytics/top-titles?region=us".to_owned()] {
        let (_, json) = app.get_json(&path).await;
        let body = app.get(&format!("{path}&format=csv")).await.text().await.unwrap();
        let mut lines = body.lines();
        let header = raw_fields(lines.next().unwrap());
        assert!(header.iter().all(|h| h.starts_with('"') && h.ends_with('"')), "{path}: {header:?}");
        let names: Vec<String> = header.iter().map(|h| h.trim_matches('"').to_owned()).collect();
        let rows = json["data"].as_array().unwrap();
        for (line, row) in lines.zip(rows) {
            for (name, field) in names.iter().zip(raw_fields(line)) {
                match &row[name] {
                    Value::String(_) => assert!(field.starts_with('"'), "{path} {name}: {field}"),
                    Value::Number(n) => {
                        assert_eq!(field.parse::<f64>().ok(), n.as_f64(), "{path} {name}: {field}")
                    }
                    Value::Null => {
                        seen_null = true;
                        assert_eq!(field, "", "{path} {name}")
                    }
                    other => panic!("{path} {name}: unexpected {other}"),
                }
            }
        }
        assert_eq!(body.lines().count(), rows.len() + 1, "{path}");
    }
    // Films have no season and countries' lists no hours: nulls are part of what this checks.
    assert!(seen_null);
}

const DASHBOARD: &str = "https://dash.example.com";

async fn get_from(app: &TestApp, path: &str, origin: &str) -> reqwest::Response {
    app.client.get(app.url(path)).header("origin", origin).send().await.unwrap()
}

async fn preflight(app: &TestApp, path: &str, origin: &str) -> reqwest::Response {
    app.client
        .request(reqwest::Method::OPTIONS, app.url(path))
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "if-none-match")
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_lets_configured_origins_read_and_page_and_no_others() {
    let (app, _feeds) = Scenario::new().load_with(|c| c.cors_allowed_origins = vec![DASHBOARD.to_owned()]).await;
    let path = "/v1/analytics/top-titles?limit=2";

    let allowed = get_from(&app, path, DASHBOARD).await;
    assert_eq!(allowed.status(), StatusCode::OK);
    assert_eq!(allowed.headers()["access-control-allow-origin"], DASHBOARD);
    let exposed = allowed.headers()["access-control-expose-headers"].to_str().unwrap().to_ascii_lowercase();
    for header in ["etag", "link", "x-data-version"] {
        assert!(exposed.contains(header), "{exposed}");
    }

    let other = get_from(&app, path, "https://elsewhere.example.com").await;
    assert_eq!(other.status(), StatusCode::OK, "the answer is public; the browser withholds it");
    assert!(other.headers().get("access-control-allow-origin").is_none(), "{:?}", other.headers());

    let ok = preflight(&app, path, DASHBOARD).await;
    assert!(ok.status().is_success(), "{}", ok.status());
    assert_eq!(ok.headers()["access-control-allow-origin"], DASHBOARD);
    assert!(ok.headers()["access-control-allow-methods"].to_str().unwrap().contains("GET"));
    assert!(ok.headers()["access-control-allow-headers"].to_str().unwrap().contains("if-none-match"));
    let denied = preflight(&app, path, "https://elsewhere.example.com").await;
    assert!(denied.headers().get("access-control-allow-origin").is_none(), "{:?}", denied.headers());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_is_off_unless_origins_are_configured() {
    let (app, _feeds) = Scenario::new().load().await;
    let response = get_from(&app, "/v1/weeks", DASHBOARD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("access-control-allow-origin").is_none());
    let preflight = preflight(&app, "/v1/weeks", DASHBOARD).await;
    assert_eq!(preflight.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(preflight.headers().get("access-control-allow-origin").is_none());
}

async fn get_encoded(
    app: &TestApp,
    path: &str,
    encoding: &str,
    etag: Option<&HeaderValue>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = app.client.get(app.url(path)).header("accept-encoding", encoding);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn decoded(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => flate2::read::GzDecoder::new(body).read_to_end(&mut out).unwrap(),
        "br" => brotli::Decompressor::new(body, 4096).read_to_end(&mut out).unwrap(),
        other => panic!("{other}"),
    };
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_answers_are_compressed_as_negotiated_and_still_cache_and_revalidate() {
    let (app, _feeds) = Scenario::new().load().await;
    for path in ["/v1/analytics/top-titles?limit=all", "/v1/analytics/top-titles?limit=all&format=csv"] {
        let (status, identity_headers, identity) = get_encoded(&app, path, "identity", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(identity.len() > 4096, "{path}: the answer should be large, is {} bytes", identity.len());
        assert!(identity_headers.get("content-encoding").is_none());
        assert!(identity_headers["vary"].to_str().unwrap().contains("accept-encoding"), "{identity_headers:?}");
        let strong = identity_headers["etag"].to_str().unwrap().to_owned();
        assert!(strong.starts_with('"'), "{strong}");

        for encoding in ["gzip", "br"] {
            let (status, headers, body) = get_encoded(&app, path, &format!("{encoding}, identity;q=0.5"), None).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers["content-encoding"], encoding, "{path}");
            assert!(headers["vary"].to_str().unwrap().contains("accept-encoding"), "{headers:?}");
            assert!(body.len() < identity.len() / 2, "{path} {encoding}: {} of {} bytes", body.len(), identity.len());
            assert_eq!(decoded(encoding, &body), identity, "{path} {encoding}");
            // The same tag, weak: equivalent content, not the same bytes.
            let etag = headers["etag"].clone();
            assert_eq!(etag.to_str().unwrap(), format!("W/{strong}"));
            let (status, _, body) = get_encoded(&app, path, encoding, Some(&etag)).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED, "{path} {encoding}");
            assert!(body.is_empty());
        }
    }
    // Small answers are not worth compressing.
    let (_, headers, _) = get_encoded(&app, "/healthz", "gzip", None).await;
    assert!(headers.get("content-encoding").is_none(), "{headers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_cache_hit_sends_the_bytes_kept_with_the_entry() {
    let (app, _feeds) = Scenario::new().load().await;
    let path = "/v1/analytics/top-titles?limit=all";
    let (_, identity_headers, identity) = get_encoded(&app, path, "identity", None).await;
    assert_eq!(identity_headers["x-cache"], "miss");
    let strong = identity_headers["etag"].to_str().unwrap().to_owned();
    for encoding in ["gzip", "br"] {
        let mut sent = Vec::new();
        for _ in 0..2 {
            let (status, headers, body) = get_encoded(&app, path, encoding, None).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers["x-cache"], "hit", "{encoding}");
            assert_eq!(headers["content-encoding"], encoding);
            // Bytes kept with the entry go out whole, their length known; a body compressed on the
            // way out would be chunked.
            assert_eq!(headers["content-length"], body.len().to_string().as_str(), "{encoding}: {headers:?}");
            assert!(headers["vary"].to_str().unwrap().contains("accept-encoding"), "{headers:?}");
            assert_eq!(headers["etag"].to_str().unwrap(), format!("W/{strong}"));
            assert_eq!(decoded(encoding, &body), identity, "{encoding}");
            sent.push(body);
        }
        assert_eq!(sent[0], sent[1], "{encoding}: every hit sends the same bytes");
    }
    // The client's preference decides, as it does for answers compressed on the way out.
    let (_, headers, body) = get_encoded(&app, path, "gzip;q=0.5, br;q=0.8", None).await;
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(decoded("br", &body), identity);
    let (_, headers, _) = get_encoded(&app, path, "gzip;q=0.5, identity", None).await;
    assert!(headers.get("content-encoding").is_none(), "{headers:?}");
    let (_, headers, _) = get_encoded(&app, path, "br;q=0", None).await;
    assert!(headers.get("content-encoding").is_none(), "{headers:?}");
}
