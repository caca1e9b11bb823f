//! Spawning the real service on a random port with a temporary warehouse, and talking to it.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use netflix_analytics::warehouse::Warehouse;
use netflix_analytics::{App, Config, telemetry};
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The checkout under test. Read at run time: with a shared CARGO_TARGET_DIR, cargo may reuse a
/// test binary built from another clone, whose compile-time path would point at that clone.
pub fn project_root() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").expect("tests run under cargo").into()
}

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub warehouse: Warehouse,
    stop: Option<oneshot::Sender<()>>,
    stopped: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: TempDir,
}

/// A configuration for tests: port 0, a warehouse in a fresh temporary directory, a known token.
pub fn test_config(dir: &TempDir, top10_base_url: &str) -> Config {
    let mut config = Config::defaults();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.warehouse = dir.path().join("warehouse.duckdb");
    config.admin_token = Some(SecretString::from(ADMIN_TOKEN));
    config.top10_base_url = format!("{}/", top10_base_url.trim_end_matches('/')).parse().unwrap();
    config.shutdown_grace = Duration::from_secs(10);
    // Schedules would start runs on their own; tests that want one turn it on.
    config.schedule.top10 = None;
    config.schedule.catalog = None;
    config.schedule.youtube = None;
    config.retry_base = Duration::from_millis(10);
    config
}

pub async fn spawn_app(top10_base_url: &str) -> TestApp {
    spawn_app_with(top10_base_url, |_| {}).await
}

pub async fn spawn_app_with(top10_base_url: &str, adjust: impl FnOnce(&mut Config)) -> TestApp {
    telemetry::init_for_tests();
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir, top10_base_url);
    adjust(&mut config);
    spawn_config(config, dir).await
}

pub async fn spawn_config(config: Config, dir: TempDir) -> TestApp {
    telemetry::init_for_tests();
    let app = App::build(config).await.expect("the app builds");
    let addr = app.local_addr();
    let warehouse = app.warehouse().clone();
    let (stop, stopped_signal) = oneshot::channel::<()>();
    let stopped = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped_signal.await;
    }));
    TestApp { addr, client: reqwest::Client::new(), warehouse, stop: Some(stop), stopped: Some(stopped), _dir: dir }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    /// Rows as maps from header name to cell, parsed with a real CSV reader.
    pub async fn get_csv(&self, path: &str) -> (StatusCode, Vec<String>, Vec<BTreeMap<String, String>>) {
        let response = self.client.get(self.url(path)).header("accept", "text/csv").send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let rows = reader
            .records()
            .map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect())
            .collect();
        (status, header, rows)
    }

    pub async fn trigger(&self, source: &str) -> reqwest::Response {
        self.client.post(self.url(&format!("/v1/ingest/{source}"))).bearer_auth(ADMIN_TOKEN).send().await.unwrap()
    }

    /// Polls a run until it has finished.
    pub async fn wait_for_run(&self, id: i64) -> Value {
        for _ in 0..600 {
            let (status, run) = self.get_json(&format!("/v1/ingest/runs/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{run}");
            if run["status"] == "succeeded" || run["status"] == "failed" {
                return run;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("run {id} did not finish within 30 s");
    }

    /// Triggers a run over HTTP and waits for it.
    pub async fn ingest(&self, source: &str) -> Value {
        let response = self.trigger(source).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let run: Value = response.json().await.unwrap();
        self.wait_for_run(run["id"].as_i64().unwrap()).await
    }

    pub async fn ingest_ok(&self, source: &str) -> Value {
        let run = self.ingest(source).await;
        assert_eq!(run["status"], "succeeded", "{run:#}");
        run
    }

    pub async fn data_version(&self) -> u64 {
        self.get_json("/readyz").await.1["data_version"].as_u64().unwrap()
    }

    /// Every row of every raw, stage and mart table, plus the warehouse's bookkeeping, as text, so
    /// two snapshots compare equal exactly when the data is the same.
    pub async fn snapshot(&self) -> BTreeMap<String, Vec<String>> {
        self.warehouse
            .with_connection(|conn| {
                let tables: Vec<String> = conn
                    .prepare(
                        "SELECT table_schema || '.' || table_name FROM information_schema.tables \
                         WHERE table_schema IN ('raw', 'stage', 'mart') \
                            OR table_schema || '.' || table_name IN ('ops.warehouse_state', 'ops.source_files') \
                         ORDER BY 1",
                    )?
                    .query_map([], |row| row.get(0))?
                    .collect::<Result<_, _>>()?;
                let mut snapshot = BTreeMap::new();
                for table in tables {
                    // Table names come from the catalog, not from input.
                    let mut statement = conn.prepare(&format!("SELECT * FROM {table}"))?;
                    let mut rows: Vec<String> = statement
                        .query_map([], |row| {
                            let values: Vec<String> = (0..row.as_ref().column_count())
                                .map(|i| format!("{:?}", row.get::<_, duckdb::types::Value>(i).unwrap()))
                                .collect();
                            Ok(values.join("|"))
                        })?
                        .collect::<Result<_, _>>()?;
                    rows.sort();
                    snapshot.insert(table, rows);
                }
                Ok(snapshot)
            })
            .await
            .unwrap()
    }

    /// Stops the service as a signal would, and waits until it has stopped.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(stopped) = self.stopped.take() {
            stopped.await.unwrap().unwrap();
        }
    }

    /// Starts stopping without waiting; `stopped()` waits.
    pub fn begin_stop(&mut self) -> impl Future<Output = ()> + use<> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let stopped = self.stopped.take();
        async move {
            if let Some(stopped) = stopped {
                stopped.await.unwrap().unwrap();
            }
        }
    }
}

/// The Top 10 files served as Netflix serves them, under `/top10/` on a local server.
pub struct Top10Feed {
    pub server: MockServer,
}

impl Top10Feed {
    pub async fn start() -> Top10Feed {
        Top10Feed { server: MockServer::start().await }
    }

    pub fn base_url(&self) -> String {
        format!("{}/top10", self.server.uri())
    }

    /// Replaces whatever was served before.
    pub async fn serve(&self, global: &str, countries: &str, most_popular: &str) {
        self.server.reset().await;
        for (name, body) in [
            ("all-weeks-global.tsv", global),
            ("all-weeks-countries.tsv", countries),
            ("most-popular.tsv", most_popular),
        ] {
            self.mount(name, ResponseTemplate::new(200).set_body_string(body)).await;
        }
    }

    pub async fn mount(&self, file: &str, response: ResponseTemplate) {
        Mock::given(method("GET"))
            .and(path(format!("/top10/{file}")))
            .respond_with(response.insert_header("content-type", "text/tab-separated-values; charset=utf-8"))
            .mount(&self.server)
            .await;
    }
}
