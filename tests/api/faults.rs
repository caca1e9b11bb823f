//! Upstream faults, connector by connector, from a fault-injecting local server. Each fault must end
//! as configured (retried `NA_HTTP_MAX_RETRIES` times when retrying can help, then a specific error
//! code), leave the warehouse exactly as it was (every table, the data version, an answer), and leave
//! a run record that says what happened (the error's code and message, the file that failed).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::apis::{CatalogApi, RAPIDAPI_KEY, YOUTUBE_KEY, YouTubeApi, google_error, show, video};
use crate::fixtures::{self, Standard};
use crate::helpers::{ADMIN_TOKEN, TestApp, Top10Feed, spawn_app_with, spawn_config, test_config};

/// `NA_HTTP_MAX_RETRIES` in these tests: every retried fault is attempted this many times more.
const RETRIES: u32 = 2;
const ATTEMPTS: usize = RETRIES as usize + 1;
/// `NA_HTTP_TIMEOUT_SECS` in these tests.
const TIMEOUT: Duration = Duration::from_secs(2);
/// An answer this late comes after the timeout.
const LATE: Duration = Duration::from_secs(8);

fn faulty_config(config: &mut netflix_analytics::Config) {
    config.max_retries = RETRIES;
    config.http_timeout = TIMEOUT;
}

/// What a fault may break in an upstream's answer beyond what an HTTP mock can.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// The answer passes through unchanged.
    None,
    /// The head promises the whole body (`Content-Length`), half of it comes, then the connection closes.
    CutOff,
    /// The head comes at once, then the body one byte every 100 ms.
    Trickle,
}

/// A raw TCP front for a mock server: one request per connection, passed to the mock with
/// `Connection: close` (so no pooled connection escapes a fault set later), its answer relayed
/// whole or broken as the current `Fault` says. `refuse` closes the port.
struct FaultProxy {
    addr: SocketAddr,
    fault: Arc<Mutex<Fault>>,
    accept: JoinHandle<()>,
}

impl FaultProxy {
    async fn start(upstream: &MockServer) -> FaultProxy {
        let upstream = *upstream.address();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fault = Arc::new(Mutex::new(Fault::None));
        let current = fault.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                let fault = *current.lock().unwrap();
                tokio::spawn(relay(client, upstream, fault));
            }
        });
        FaultProxy { addr, fault, accept }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
    }

    /// From now on connections are refused: nothing listens on the port any more.
    async fn refuse(&mut self) {
        self.accept.abort();
        let _ = (&mut self.accept).await;
    }
}

async fn relay(mut client: TcpStream, upstream: SocketAddr, fault: Fault) {
    // The connectors send GETs: the request is its head.
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match client.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).replacen("\r\n", "\r\nconnection: close\r\n", 1);
    let Ok(mut server) = TcpStream::connect(upstream).await else { return };
    let mut answer = Vec::new();
    if server.write_all(head.as_bytes()).await.is_err() || server.read_to_end(&mut answer).await.is_err() {
        return;
    }
    let body_start = answer.windows(4).position(|w| w == b"\r\n\r\n").map_or(answer.len(), |p| p + 4);
    match fault {
        Fault::None => {
            let _ = client.write_all(&answer).await;
        }
        Fault::CutOff => {
            let _ = client.write_all(&answer[..body_start + (answer.len() - body_start) / 2]).await;
        }
        Fault::Trickle => {
            let _ = client.write_all(&answer[..body_start]).await;
            for byte in &answer[body_start..] {
                if client.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    let _ = client.shutdown().await;
}

/// An app whose connector under test has loaded once, so a failed run has something to leave alone.
struct Subject {
    app: TestApp,
    /// The trigger's path and query.
    trigger: &'static str,
    /// A query whose answer must not move when a run fails.
    answer: &'static str,
}

struct State {
    data_version: u64,
    answer: Value,
    tables: BTreeMap<String, Vec<String>>,
}

impl Subject {
    async fn loaded(app: TestApp, trigger: &'static str, answer: &'static str) -> Subject {
        let subject = Subject { app, trigger, answer };
        let run = subject.run().await;
        assert_eq!(run["status"], "succeeded", "the first load: {run:#}");
        let state = subject.state().await;
        assert!(state.data_version > 0);
        let rows = state.answer["data"].as_array().map_or(0, Vec::len);
        assert!(rows > 0, "{answer} has no data to compare: {:#}", state.answer);
        subject
    }

    async fn run(&self) -> Value {
        let response = self.app.client.post(self.app.url(self.trigger)).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::ACCEPTED);
        let queued: Value = response.json().await.unwrap();
        self.app.wait_for_run(queued["id"].as_i64().unwrap()).await
    }

    async fn state(&self) -> State {
        let (status, answer) = self.app.get_json(self.answer).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{answer}");
        State { data_version: self.app.data_version().await, answer, tables: self.app.snapshot().await }
    }

    /// Runs once against the fault in place. The run must fail with `code`, its message holding
    /// `part`; exactly one file is marked failed, with that message; no key appears anywhere in the
    /// record; and nothing in the warehouse moves.
    async fn fails_unchanged(&self, code: &str, part: &str) -> Value {
        let before = self.state().await;
        let run = self.run().await;
        assert_eq!(run["status"], "failed", "{run:#}");
        assert_eq!(run["error"]["code"], code, "{run:#}");
        let message = run["error"]["message"].as_str().unwrap();
        assert!(message.contains(part), "{message:?} lacks {part:?}");
        let record = run.to_string();
        assert!(!record.contains(RAPIDAPI_KEY) && !record.contains(YOUTUBE_KEY), "a key in the record: {run:#}");
        let failed: Vec<&Value> = run["files"].as_array().unwrap().iter().filter(|f| f["status"] == "failed").collect();
        assert_eq!(failed.len(), 1, "one file made the run fail: {run:#}");
        assert_eq!(failed[0]["error"], message, "{run:#}");
        assert_eq!(run["data_version"], before.data_version, "{run:#}");

        let after = self.state().await;
        assert_eq!(after.data_version, before.data_version, "the data version moved");
        assert_eq!(after.answer, before.answer, "{} answers differently", self.answer);
        assert!(after.tables == before.tables, "a failed run changed the warehouse");
        run
    }
}

/// Requests a mock server has received for paths ending in `suffix`.
async fn requests_to(server: &MockServer, suffix: &str) -> usize {
    server.received_requests().await.unwrap_or_default().iter().filter(|r| r.url.path().ends_with(suffix)).count()
}

/// Runs against the fault in place; asserts the fault's file was tried `attempts` times.
async fn attempts_of(
    subject: &Subject,
    server: &MockServer,
    suffix: &str,
    attempts: usize,
    code: &str,
    part: &str,
) -> Value {
    let before = requests_to(server, suffix).await;
    let run = subject.fails_unchanged(code, part).await;
    assert_eq!(requests_to(server, suffix).await - before, attempts, "attempts at {suffix}: {run:#}");
    run
}

// The Top 10 files over HTTP.

const GLOBAL: &str = "all-weeks-global.tsv";

async fn top10_over_http() -> (Subject, Top10Feed, FaultProxy) {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let proxy = FaultProxy::start(&feed.server).await;
    let app = spawn_app_with(&format!("{}/top10", proxy.url()), faulty_config).await;
    (Subject::loaded(app, "/v1/ingest/top10", "/v1/top10/global").await, feed, proxy)
}

/// Serves the standard files, `file` with `response` instead.
async fn serve_top10_with(feed: &Top10Feed, file: &str, response: ResponseTemplate) {
    let (global, countries, most_popular) = Standard::new().files();
    feed.server.reset().await;
    let mut response = Some(response);
    for (name, body) in [(GLOBAL, global), ("all-weeks-countries.tsv", countries), ("most-popular.tsv", most_popular)] {
        let served =
            if name == file { response.take().unwrap() } else { ResponseTemplate::new(200).set_body_string(body) };
        feed.mount(name, served).await;
    }
}

fn global_url_in(run: &Value) -> &str {
    run["files"][0]["url"].as_str().unwrap()
}

#[tokio::test]
async fn top10_refused_connections_are_retried_as_configured_then_fail_the_run() {
    let (subject, _feed, mut proxy) = top10_over_http().await;
    proxy.refuse().await;
    let run = subject.fails_unchanged("download_failed", "gave up after 3 attempts").await;
    assert!(run["error"]["message"].as_str().unwrap().contains("refused"), "{run:#}");
    assert_eq!(run["files"][0]["file"], GLOBAL);
    assert_eq!(run["files"].as_array().unwrap().len(), 1, "the other files were not tried");
}

#[tokio::test]
async fn top10_late_and_trickling_answers_time_out_on_every_attempt_then_fail_the_run() {
    let (subject, feed, proxy) = top10_over_http().await;
    let (global, _, _) = Standard::new().files();
    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(200).set_body_string(global.clone()).set_delay(LATE)).await;
    attempts_of(&subject, &feed.server, GLOBAL, ATTEMPTS, "download_failed", "timed out").await;

    // The head arrives at once, the body never finishes: the timeout covers the whole transfer.
    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(200).set_body_string(global)).await;
    proxy.set(Fault::Trickle);
    let run = attempts_of(&subject, &feed.server, GLOBAL, ATTEMPTS, "download_failed", "timed out").await;
    assert!(run["error"]["message"].as_str().unwrap().contains("gave up after 3 attempts"), "{run:#}");
}

#[tokio::test]
async fn top10_server_errors_and_429_storms_are_retried_as_configured_then_fail_the_run() {
    let (subject, feed, _proxy) = top10_over_http().await;
    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(500).set_body_string("upstream broke")).await;
    let run =
        attempts_of(&subject, &feed.server, GLOBAL, ATTEMPTS, "upstream_status", "answered HTTP 500; gave up after 3")
            .await;
    assert!(run["error"]["message"].as_str().unwrap().starts_with(global_url_in(&run)), "{run:#}");

    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(429)).await;
    attempts_of(&subject, &feed.server, GLOBAL, ATTEMPTS, "upstream_status", "answered HTTP 429; gave up after 3")
        .await;

    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(429).insert_header("retry-after", "1")).await;
    let started = Instant::now();
    attempts_of(&subject, &feed.server, GLOBAL, ATTEMPTS, "upstream_status", "answered HTTP 429; gave up after 3")
        .await;
    assert!(started.elapsed() >= Duration::from_secs(2), "Retry-After: 1 was not waited for twice");

    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(429).insert_header("retry-after", "3600")).await;
    attempts_of(&subject, &feed.server, GLOBAL, 1, "download_failed", "asks to wait 3600 s").await;

    // Retrying cannot turn a 404 into the file.
    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(404)).await;
    attempts_of(&subject, &feed.server, GLOBAL, 1, "upstream_status", "answered HTTP 404").await;
}

#[tokio::test]
async fn top10_a_body_cut_off_mid_stream_is_retried_then_fails_the_run() {
    let (subject, feed, proxy) = top10_over_http().await;
    proxy.set(Fault::CutOff);
    let run =
        attempts_of(&subject, &feed.server, GLOBAL, ATTEMPTS, "download_failed", "gave up after 3 attempts").await;
    assert_eq!(run["files"][0]["file"], GLOBAL);
}

#[tokio::test]
async fn top10_invalid_utf8_malformed_rows_and_a_renamed_column_fail_the_run_cleanly() {
    let (subject, feed, _proxy) = top10_over_http().await;
    let (global, _, _) = Standard::new().files();

    let mut bytes = global.clone().into_bytes();
    let at = global.find("Film EN").unwrap();
    bytes[at] = 0xff;
    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(200).set_body_bytes(bytes)).await;
    subject.fails_unchanged("invalid_file", "is not valid UTF-8").await;

    let mangled =
        fixtures::GLOBAL_CATEGORIES.iter().fold(global.clone(), |text, c| text.replace(c, &format!("{c} (revised)")));
    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(200).set_body_string(mangled)).await;
    let run = subject.fails_unchanged("invalid_file", "no complete list").await;
    assert_eq!(run["files"][0]["rows_rejected"], 80, "{run:#}");

    let renamed = global.replacen("weekly_rank", "rank", 1);
    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(200).set_body_string(renamed)).await;
    subject.fails_unchanged("invalid_file", "lacks required column(s) weekly_rank").await;
}

#[tokio::test]
async fn top10_a_download_over_the_size_cap_fails_the_run_without_retrying() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let cap = global.len().max(countries.len()).max(most_popular.len()) as u64 + 100;
    let app = spawn_app_with(&feed.base_url(), move |c| {
        faulty_config(c);
        c.max_download_bytes = cap;
    })
    .await;
    let subject = Subject::loaded(app, "/v1/ingest/top10", "/v1/top10/global").await;
    let bigger = fixtures::global_tsv(&fixtures::global_weeks(&["2026-07-26", "2026-07-19", "2026-07-12"]));
    assert!(bigger.len() as u64 > cap);
    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(200).set_body_string(bigger)).await;
    attempts_of(&subject, &feed.server, GLOBAL, 1, "download_too_large", "NA_MAX_DOWNLOAD_BYTES").await;
}

// The Top 10 files from a folder (`file://`).

#[tokio::test]
async fn top10_file_urls_fail_cleanly_on_missing_undecodable_malformed_cut_and_oversized_files() {
    let folder = tempfile::tempdir().unwrap();
    let (global, countries, most_popular) = Standard::new().files();
    let write = |name: &str, body: &[u8]| std::fs::write(folder.path().join(name), body).unwrap();
    write("all-weeks-countries.tsv", countries.as_bytes());
    write("most-popular.tsv", most_popular.as_bytes());
    write(GLOBAL, global.as_bytes());
    let cap = global.len().max(countries.len()).max(most_popular.len()) as u64 + 100;
    let base = url::Url::from_directory_path(folder.path()).unwrap();
    let app = spawn_app_with(base.as_str(), move |c| {
        faulty_config(c);
        c.max_download_bytes = cap;
    })
    .await;
    let subject = Subject::loaded(app, "/v1/ingest/top10", "/v1/top10/global").await;

    std::fs::remove_file(folder.path().join(GLOBAL)).unwrap();
    subject.fails_unchanged("download_failed", "No such file").await;

    let mut bytes = global.clone().into_bytes();
    bytes[global.find("Film EN").unwrap()] = 0xc3;
    write(GLOBAL, &bytes);
    subject.fails_unchanged("invalid_file", "is not valid UTF-8").await;

    write(GLOBAL, global.replace("TV (English)", "TV (Klingon)").as_bytes());
    subject.fails_unchanged("too_many_rejected_rows", "20 of 80 rows").await;

    write(GLOBAL, global.replacen("show_title", "title", 1).as_bytes());
    subject.fails_unchanged("invalid_file", "lacks required column(s) show_title").await;

    write(GLOBAL, &global.as_bytes()[..global.len() - 30]);
    subject.fails_unchanged("invalid_file", "the download looks truncated").await;

    let bigger = fixtures::global_tsv(&fixtures::global_weeks(&["2026-07-26", "2026-07-19", "2026-07-12"]));
    assert!(bigger.len() as u64 > cap);
    write(GLOBAL, bigger.as_bytes());
    subject.fails_unchanged("download_too_large", "NA_MAX_DOWNLOAD_BYTES").await;
}

// The catalog (Streaming Availability API).

const BACKFILL: &str = "/v1/ingest/catalog?mode=backfill&year_min=2000&year_max=2026";
const SEARCH: &str = "/shows/search/filters";

fn shows() -> Vec<Value> {
    vec![
        show("48213", "movie", "Night Train", 2021, &["Action"]),
        show("48214", "movie", "Amélie", 2001, &["Comedy"]),
        show("48215", "movie", "Harbour Lights", 2024, &["Drama"]),
        show("9001", "series", "Wednesday", 2022, &["Comedy", "Mystery"]),
    ]
}

async fn catalog() -> (Subject, CatalogApi, FaultProxy) {
    let api = CatalogApi::start().await;
    api.serve(shows(), 2).await;
    let proxy = FaultProxy::start(&api.server).await;
    let feed = Top10Feed::start().await;
    let base = proxy.url();
    let app = spawn_app_with(&feed.base_url(), move |c| {
        faulty_config(c);
        c.catalog.base_url = format!("{base}/").parse().unwrap();
        c.catalog.api_key = Some(secrecy::SecretString::from(RAPIDAPI_KEY));
        c.catalog.requests_per_sec = 1000.0;
    })
    .await;
    (Subject::loaded(app, BACKFILL, "/v1/titles?limit=100").await, api, proxy)
}

/// The record of a run that failed on its first request, retried as configured.
fn assert_retried(run: &Value) {
    assert_eq!(run["files"][0]["requests"], ATTEMPTS, "{run:#}");
    assert_eq!(run["files"][0]["retries"], RETRIES, "{run:#}");
}

#[tokio::test]
async fn catalog_refused_connections_late_and_trickling_answers_are_retried_then_fail_the_run() {
    let (subject, api, mut proxy) = catalog().await;
    api.fail_next(
        ATTEMPTS as u64,
        ResponseTemplate::new(200).set_body_json(json!({"shows": [], "hasMore": false})).set_delay(LATE),
    )
    .await;
    let run = attempts_of(&subject, &api.server, SEARCH, ATTEMPTS, "download_failed", "timed out").await;
    assert_retried(&run);

    proxy.set(Fault::Trickle);
    let run = attempts_of(&subject, &api.server, SEARCH, ATTEMPTS, "download_failed", "timed out").await;
    assert_retried(&run);

    proxy.refuse().await;
    let run = subject.fails_unchanged("download_failed", "gave up after 3 attempts").await;
    assert_retried(&run);
}

#[tokio::test]
async fn catalog_server_errors_and_429_storms_are_retried_as_configured_then_fail_the_run() {
    let (subject, api, _proxy) = catalog().await;
    api.fail_next(ATTEMPTS as u64, ResponseTemplate::new(500).set_body_string("broken")).await;
    let run = attempts_of(&subject, &api.server, SEARCH, ATTEMPTS, "download_failed", "HTTP 500").await;
    assert_retried(&run);

    let throttled =
        json!({"message": "You have exceeded the rate limit per second for your plan, BASIC, by the API provider"});
    api.fail_next(ATTEMPTS as u64, ResponseTemplate::new(429).set_body_json(&throttled)).await;
    let run = attempts_of(&subject, &api.server, SEARCH, ATTEMPTS, "download_failed", "gave up after 3 attempts").await;
    assert_retried(&run);

    api.fail_next(
        ATTEMPTS as u64,
        ResponseTemplate::new(429).insert_header("retry-after", "1").set_body_json(&throttled),
    )
    .await;
    let started = Instant::now();
    let run = attempts_of(&subject, &api.server, SEARCH, ATTEMPTS, "download_failed", "HTTP 429").await;
    assert_retried(&run);
    assert!(started.elapsed() >= Duration::from_secs(2), "Retry-After: 1 was not waited for twice");

    api.fail_next(1, ResponseTemplate::new(429).insert_header("retry-after", "3600").set_body_json(&throttled)).await;
    attempts_of(&subject, &api.server, SEARCH, 1, "download_failed", "asks to wait 3600 s").await;
}

#[tokio::test]
async fn catalog_cut_off_undecodable_and_malformed_pages_fail_the_run_cleanly() {
    let (subject, api, proxy) = catalog().await;
    proxy.set(Fault::CutOff);
    let run = attempts_of(&subject, &api.server, SEARCH, ATTEMPTS, "download_failed", "gave up after 3 attempts").await;
    assert_retried(&run);
    proxy.set(Fault::None);

    let page = serde_json::to_vec(&json!({"shows": shows(), "hasMore": false})).unwrap();
    let at = page.windows(3).position(|w| w == b"lie").unwrap();
    let mut undecodable = page.clone();
    undecodable[at - 1] = 0xff;
    api.fail_next(1, ResponseTemplate::new(200).set_body_bytes(undecodable)).await;
    subject.fails_unchanged("invalid_response", "not the API's format").await;

    api.fail_next(1, ResponseTemplate::new(200).set_body_string("{\"shows\": [")).await;
    subject.fails_unchanged("invalid_response", "EOF while parsing").await;

    // The cursor under another name: a page that says there is more without saying where.
    let renamed = json!({"shows": shows(), "hasMore": true, "next_cursor": "48215:Harbour Lights"});
    api.fail_next(1, ResponseTemplate::new(200).set_body_json(renamed)).await;
    subject.fails_unchanged("invalid_response", "nextCursor is missing").await;
}

#[tokio::test]
async fn catalog_a_cursor_cycle_fails_the_run_with_invalid_response() {
    let (subject, api, _proxy) = catalog().await;
    for (cursor, next) in [(None, "A"), (Some("A"), "B"), (Some("B"), "A")] {
        let page = json!({"shows": [shows()[0]], "hasMore": true, "nextCursor": next});
        let mock = Mock::given(method("GET")).and(path(SEARCH));
        let mock = match cursor {
            None => mock.and(query_param_is_missing("cursor")),
            Some(cursor) => mock.and(query_param("cursor", cursor)),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page)).with_priority(1).mount(&api.server).await;
    }
    let run = attempts_of(&subject, &api.server, SEARCH, 3, "invalid_response", "the cursor cycles").await;
    assert!(run["error"]["message"].as_str().unwrap().contains("\"A\" was already followed to page 2"), "{run:#}");
}

// YouTube (the YouTube Data API).

const PLAYLIST: &str = "/playlistItems";
const CHANNELS: &str = "/channels";

fn videos() -> Vec<Value> {
    (0..3)
        .map(|i| {
            video(
                &format!("vid{i}"),
                &format!("Show {i} | Official Trailer | Netflix"),
                "2026-07-20T17:00:00Z",
                1000,
                Some(10),
                "PT2M31S",
            )
        })
        .collect()
}

async fn youtube() -> (Subject, YouTubeApi, FaultProxy) {
    let api = YouTubeApi::start().await;
    api.serve(videos(), 50).await;
    let proxy = FaultProxy::start(&api.server).await;
    let feed = Top10Feed::start().await;
    let base = format!("{}/youtube/v3/", proxy.url());
    let app = spawn_app_with(&feed.base_url(), move |c| {
        faulty_config(c);
        c.youtube.base_url = base.parse().unwrap();
        c.youtube.api_key = Some(secrecy::SecretString::from(YOUTUBE_KEY));
    })
    .await;
    let subject =
        Subject::loaded(app, "/v1/ingest/youtube", "/v1/analytics/youtube/duration-histogram?bucket_minutes=2").await;
    (subject, api, proxy)
}

/// The record of a YouTube run that failed on its first call, retried as configured.
fn assert_charged(run: &Value) {
    assert_retried(run);
    assert_eq!(run["quota_units"], ATTEMPTS, "retries are charged: {run:#}");
}

#[tokio::test]
async fn youtube_refused_connections_late_and_trickling_answers_are_retried_then_fail_the_run() {
    let (subject, api, mut proxy) = youtube().await;
    api.fail_next(
        "channels",
        ATTEMPTS as u64,
        ResponseTemplate::new(200).set_body_json(json!({"items": []})).set_delay(LATE),
    )
    .await;
    let run = attempts_of(&subject, &api.server, CHANNELS, ATTEMPTS, "download_failed", "timed out").await;
    assert_charged(&run);

    proxy.set(Fault::Trickle);
    let run = attempts_of(&subject, &api.server, CHANNELS, ATTEMPTS, "download_failed", "timed out").await;
    assert_charged(&run);

    proxy.refuse().await;
    let run = subject.fails_unchanged("download_failed", "gave up after 3 attempts").await;
    assert_charged(&run);
}

#[tokio::test]
async fn youtube_server_errors_and_429_storms_are_retried_as_configured_then_fail_the_run() {
    let (subject, api, _proxy) = youtube().await;
    api.fail_next("channels", ATTEMPTS as u64, google_error(500, "backendError", "Backend Error")).await;
    let run = attempts_of(&subject, &api.server, CHANNELS, ATTEMPTS, "download_failed", "HTTP 500 backendError").await;
    assert_charged(&run);

    let throttled = || google_error(429, "rateLimitExceeded", "Rate Limit Exceeded");
    api.fail_next("channels", ATTEMPTS as u64, throttled()).await;
    let run =
        attempts_of(&subject, &api.server, CHANNELS, ATTEMPTS, "download_failed", "gave up after 3 attempts").await;
    assert_charged(&run);

    api.fail_next("channels", ATTEMPTS as u64, throttled().insert_header("retry-after", "1")).await;
    let started = Instant::now();
    let run = attempts_of(&subject, &api.server, CHANNELS, ATTEMPTS, "download_failed", "HTTP 429").await;
    assert_charged(&run);
    assert!(started.elapsed() >= Duration::from_secs(2), "Retry-After: 1 was not waited for twice");

    api.fail_next("channels", 1, throttled().insert_header("retry-after", "3600")).await;
    attempts_of(&subject, &api.server, CHANNELS, 1, "download_failed", "asks to wait 3600 s").await;
}

#[tokio::test]
async fn youtube_cut_off_undecodable_and_malformed_answers_fail_the_run_cleanly() {
    let (subject, api, proxy) = youtube().await;
    proxy.set(Fault::CutOff);
    let run =
        attempts_of(&subject, &api.server, CHANNELS, ATTEMPTS, "download_failed", "gave up after 3 attempts").await;
    assert_charged(&run);
    proxy.set(Fault::None);

    let page = serde_json::to_vec(&json!({"items": videos()})).unwrap();
    let at = page.windows(7).position(|w| w == b"Trailer").unwrap();
    let mut undecodable = page.clone();
    undecodable[at] = 0xfe;
    api.fail_next("videos", 1, ResponseTemplate::new(200).set_body_bytes(undecodable)).await;
    subject.fails_unchanged("invalid_response", "the body is not UTF-8").await;

    api.fail_next("playlistItems", 1, ResponseTemplate::new(200).set_body_string("{\"items\": [{")).await;
    subject.fails_unchanged("invalid_response", "playlistItems.list").await;

    // The uploads playlist under another name.
    let renamed = json!({"items": [{"id": "UCWOA1ZGywLbqmigxE4Qlvuw", "contentDetails": {"relatedPlaylists": {"uploadsPlaylist": "UU"}}}]});
    api.fail_next("channels", 1, ResponseTemplate::new(200).set_body_json(renamed)).await;
    subject.fails_unchanged("invalid_response", "missing field `uploads`").await;
}

#[tokio::test]
async fn youtube_a_page_token_cycle_fails_the_run_with_invalid_response() {
    let (subject, api, _proxy) = youtube().await;
    for (token, next) in [(None, "A"), (Some("A"), "B"), (Some("B"), "A")] {
        let page = json!({"kind": "youtube#playlistItemListResponse", "items": [], "nextPageToken": next});
        let mock = Mock::given(method("GET")).and(path(format!("/youtube/v3{PLAYLIST}")));
        let mock = match token {
            None => mock.and(query_param_is_missing("pageToken")),
            Some(token) => mock.and(query_param("pageToken", token)),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page)).with_priority(1).mount(&api.server).await;
    }
    let run = attempts_of(&subject, &api.server, PLAYLIST, 3, "invalid_response", "the pages cycle").await;
    assert!(run["error"]["message"].as_str().unwrap().contains("\"A\" was already followed to page 2"), "{run:#}");
}

// Findings on the connectors' side.

#[tokio::test]
async fn downloads_left_behind_by_a_killed_process_are_removed_at_start() {
    let feed = Top10Feed::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(&dir, &feed.base_url());
    let mut downloads = config.warehouse.as_os_str().to_owned();
    downloads.push(".downloads");
    let downloads = std::path::PathBuf::from(downloads);
    std::fs::create_dir_all(&downloads).unwrap();
    let stale = downloads.join("download-Xk3v9Q");
    std::fs::write(&stale, vec![b'x'; 1 << 20]).unwrap();
    let unrelated = downloads.join("notes.txt");
    std::fs::write(&unrelated, "not ours").unwrap();

    let _app = spawn_config(config, dir).await;
    assert!(!stale.exists(), "the stale download is still there");
    assert!(unrelated.exists(), "only the service's own temporary files are removed");
}

#[tokio::test]
async fn credentials_in_the_top10_url_never_reach_run_records_or_errors() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let base = feed.base_url().replacen("http://", "http://feeds:hunter2@", 1);
    let app = spawn_app_with(&base, faulty_config).await;

    let run = app.ingest_ok("top10").await;
    let shown = feed.base_url().replacen("http://", "http://***@", 1);
    assert_eq!(global_url_in(&run), format!("{shown}/{GLOBAL}"));
    let sent = &feed.server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("authorization").is_some(), "the credentials are still used");
    assert!(!format!("{:?}", app.snapshot().await).contains("hunter2"), "credentials stored in the warehouse");

    serve_top10_with(&feed, GLOBAL, ResponseTemplate::new(503)).await;
    let failed = app.ingest("top10").await;
    assert_eq!(failed["error"]["code"], "upstream_status", "{failed:#}");
    assert!(!failed.to_string().contains("hunter2"), "{failed:#}");
    assert!(failed["error"]["message"].as_str().unwrap().starts_with(&format!("{shown}/{GLOBAL}")), "{failed:#}");
    let (_, runs) = app.get_json("/v1/ingest/runs").await;
    assert!(!runs.to_string().contains("hunter2"));
}
