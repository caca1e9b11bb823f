//! A refresh commits whole or not at all: whatever breaks, every table stays exactly as it was and
//! the run record says why.

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::ResponseTemplate;

use crate::fixtures::{self, Standard};
use crate::helpers::{TestApp, Top10Feed, spawn_app};

/// An app loaded with the standard fixture, and a second, different release of the files.
async fn loaded() -> (TestApp, Top10Feed, (String, String, String)) {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let app = spawn_app(&feed.base_url()).await;
    app.ingest_ok("top10").await;
    let next = (
        fixtures::global_tsv(&fixtures::global_weeks(&["2026-07-26", "2026-07-19"])),
        fixtures::countries_tsv(&fixtures::country_weeks(&["2026-07-26", "2026-07-19"])),
        most_popular,
    );
    (app, feed, next)
}

async fn assert_fails_and_changes_nothing(app: &TestApp, code: &str, message_part: &str) -> Value {
    let before = app.snapshot().await;
    let version = app.data_version().await;
    let run = app.ingest("top10").await;
    assert_eq!(run["status"], "failed", "{run:#}");
    assert_eq!(run["error"]["code"], code, "{run:#}");
    let message = run["error"]["message"].as_str().unwrap();
    assert!(message.contains(message_part), "{message:?} lacks {message_part:?}");
    assert_eq!(run["data_version"], version);
    assert_eq!(app.data_version().await, version);
    assert_eq!(app.snapshot().await, before, "a failed run changed the warehouse");
    run
}

#[tokio::test]
async fn an_http_500_on_the_third_file_fails_the_run_before_anything_is_written() {
    let (app, feed, (global, countries, _)) = loaded().await;
    feed.server.reset().await;
    feed.mount("all-weeks-global.tsv", ResponseTemplate::new(200).set_body_string(global)).await;
    feed.mount("all-weeks-countries.tsv", ResponseTemplate::new(200).set_body_string(countries)).await;
    feed.mount("most-popular.tsv", ResponseTemplate::new(500).set_body_string("upstream broke")).await;
    let run = assert_fails_and_changes_nothing(&app, "upstream_status", "most-popular.tsv answered HTTP 500").await;
    let files = run["files"].as_array().unwrap();
    assert_eq!(files[2]["status"], "failed");
    assert_eq!(files[0]["bytes"].as_u64().map(|b| b > 0), Some(true));
}

#[tokio::test]
async fn a_malformed_header_in_the_second_file_fails_the_run_before_anything_is_written() {
    let (app, feed, (global, countries, most_popular)) = loaded().await;
    let countries = countries.replacen("weekly_rank", "weekly_rnak", 1);
    feed.serve(&global, &countries, &most_popular).await;
    let run = assert_fails_and_changes_nothing(&app, "invalid_file", "lacks required column(s) weekly_rank").await;
    let files = run["files"].as_array().unwrap();
    assert_eq!(files[0]["rows_read"], 80, "the global file was checked");
    assert_eq!((files[0]["status"].as_str(), files[0]["rows_inserted"].as_u64()), (None, Some(0)), "and not written");
    assert_eq!(files[1]["status"], "failed");
}

#[tokio::test]
async fn a_file_cut_mid_row_fails_the_run() {
    let (app, feed, (global, countries, most_popular)) = loaded().await;
    let cut = &countries[..countries.len() - 25];
    feed.serve(&global, cut, &most_popular).await;
    assert_fails_and_changes_nothing(&app, "invalid_file", "the download looks truncated").await;
}

#[tokio::test]
async fn html_or_null_instead_of_a_tsv_fails_the_run() {
    let (app, feed, (global, countries, _)) = loaded().await;
    feed.serve(&global, &countries, "<!DOCTYPE html><html><body>Moved Permanently</body></html>").await;
    assert_fails_and_changes_nothing(&app, "invalid_file", "received HTML instead of a TSV").await;
    feed.serve("null", &countries, &global).await;
    assert_fails_and_changes_nothing(&app, "invalid_file", "is not the expected header").await;
}

/// Serves one response whose `Content-Length` promises more bytes than are sent before the
/// connection closes: the client sees the transfer break, as with a dropped connection.
async fn truncating_server(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let half = &body.as_bytes()[..body.len() / 2];
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/tab-separated-values\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(half).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_download_truncated_in_transfer_fails_the_run() {
    let (app, feed, (global, countries, most_popular)) = loaded().await;
    let truncating = truncating_server(countries).await;
    feed.server.reset().await;
    feed.mount("all-weeks-global.tsv", ResponseTemplate::new(200).set_body_string(global)).await;
    feed.mount("most-popular.tsv", ResponseTemplate::new(200).set_body_string(most_popular)).await;
    wiremock::Mock::given(wiremock::matchers::path("/top10/all-weeks-countries.tsv"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{truncating}/all-weeks-countries.tsv")),
        )
        .mount(&feed.server)
        .await;
    let run = assert_fails_and_changes_nothing(&app, "download_failed", "all-weeks-countries.tsv failed").await;
    assert_eq!(run["files"][1]["status"], "failed");
}

#[tokio::test]
async fn too_many_rejected_rows_fail_the_run_with_the_counts_in_the_record() {
    let (app, feed, (global, countries, most_popular)) = loaded().await;
    let bad = global.replace("TV (English)", "TV (Klingon)");
    feed.serve(&bad, &countries, &most_popular).await;
    let run = assert_fails_and_changes_nothing(&app, "too_many_rejected_rows", "20 of 80 rows failed validation").await;
    assert_eq!(run["files"][0]["rows_rejected"], 20);
    assert!(run["files"][0]["rejected_sample"][0]["reason"].as_str().unwrap().contains("TV (Klingon)"));
}
