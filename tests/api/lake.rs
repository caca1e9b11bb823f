//! The warehouse on DuckLake with real parts on one machine: PostgreSQL from Debian (a private
//! cluster in a temporary folder on a loopback port) as the catalog, moto's S3-compatible server as
//! the object store, and the release binary as one writer and two read replicas. Needs what
//! scripts/lake-setup.sh installs; skipped with a note without it, unless CI requires it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use tempfile::TempDir;
use wiremock::ResponseTemplate;

use crate::apis::{CatalogApi, RAPIDAPI_KEY, YOUTUBE_KEY, YouTubeApi};
use crate::fixtures;
use crate::helpers::{ADMIN_TOKEN, Top10Feed, project_root};
use crate::scenario::Scenario;

const BUCKET: &str = "netflix-lake";

fn cache_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/netflix-analytics")
}

fn extension_dir() -> PathBuf {
    std::env::var_os("NA_DUCKDB_EXTENSION_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("duckdb-extensions"))
}

fn moto_server() -> PathBuf {
    std::env::var_os("NA_LAKE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("lake-venv"))
        .join("bin/moto_server")
}

fn postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
        || std::env::var("NA_REQUIRE_SHARED_DATA").as_deref() == Ok("1")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A PostgreSQL cluster of its own, stopped and removed when dropped. initdb refuses to run as
/// root, so under root the cluster belongs to the `postgres` user.
struct Postgres {
    bin: PathBuf,
    dir: TempDir,
    port: u16,
}

impl Postgres {
    fn start(bin: &Path) -> Postgres {
        let dir = tempfile::Builder::new().prefix("na-lake-pg").tempdir().unwrap();
        let as_root = nix_is_root();
        if as_root {
            let status = Command::new("chown").args(["postgres:postgres"]).arg(dir.path()).status().unwrap();
            assert!(status.success(), "cannot give the cluster's folder to the postgres user");
        }
        let port = free_port();
        let data = dir.path().join("data");
        let run = |program: &str, args: Vec<String>| {
            let mut command = if as_root {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(bin.join(program));
                c
            } else {
                Command::new(bin.join(program))
            };
            let output = command.args(args).output().unwrap();
            assert!(output.status.success(), "{program}: {}", String::from_utf8_lossy(&output.stderr));
        };
        run(
            "initdb",
            vec!["-D".into(), data.display().to_string(), "-A".into(), "trust".into(), "-U".into(), "postgres".into()],
        );
        run(
            "pg_ctl",
            vec![
                "-D".into(),
                data.display().to_string(),
                "-l".into(),
                dir.path().join("log").display().to_string(),
                "-w".into(),
                "-o".into(),
                format!("-p {port} -k {} -c listen_addresses=127.0.0.1", dir.path().display()),
                "start".into(),
            ],
        );
        let output = Command::new(bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres", "-c", "CREATE DATABASE lake"])
            .output()
            .unwrap();
        assert!(output.status.success(), "createdb: {}", String::from_utf8_lossy(&output.stderr));
        Postgres { bin: bin.to_path_buf(), dir, port }
    }

    fn connection_string(&self) -> String {
        format!("dbname=lake host=127.0.0.1 port={} user=postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let mut command = if nix_is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join("pg_ctl"));
            c
        } else {
            Command::new(self.bin.join("pg_ctl"))
        };
        let _ = command.arg("-D").arg(data).args(["-m", "immediate", "stop"]).output();
    }
}

fn nix_is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// moto's S3 server with the lake's bucket; killed when dropped.
struct ObjectStore {
    child: Child,
    endpoint: String,
}

impl ObjectStore {
    async fn start(server: &Path) -> ObjectStore {
        let port = free_port();
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(response) = client.put(format!("{endpoint}/{BUCKET}")).send().await
                && response.status().is_success()
            {
                break;
            }
            assert!(Instant::now() < deadline, "the S3 server did not start");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        ObjectStore { child, endpoint }
    }

    /// Every object key under the bucket, from a ListObjectsV2 answer.
    async fn keys(&self) -> Vec<String> {
        let xml = reqwest::get(format!("{}/{BUCKET}?list-type=2", self.endpoint)).await.unwrap().text().await.unwrap();
        xml.split("<Key>").skip(1).filter_map(|s| s.split("</Key>").next()).map(str::to_owned).collect()
    }
}

impl Drop for ObjectStore {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One process of the release binary, `serve`, killed when dropped.
struct Service {
    child: Child,
    base: String,
    client: reqwest::Client,
}

impl Service {
    async fn start(env: &[(&str, String)]) -> Service {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_netflix-analytics"));
        for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("NA_")) {
            command.env_remove(name);
        }
        command
            .env("NA_LISTEN", format!("127.0.0.1:{port}"))
            .env("NA_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("NA_SCHEDULE", "off");
        command.env("RUST_LOG", "warn").stdout(Stdio::null()).stderr(Stdio::inherit()).arg("serve");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().unwrap();
        let service = Service { child, base: format!("http://127.0.0.1:{port}"), client: reqwest::Client::new() };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(response) = service.client.get(service.url("/readyz")).send().await
                && response.status() == StatusCode::OK
            {
                return service;
            }
            assert!(Instant::now() < deadline, "{} did not become ready", service.base);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn get(&self, path: &str) -> (StatusCode, Option<String>, Vec<u8>) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        let status = response.status();
        let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
        (status, etag, response.bytes().await.unwrap().to_vec())
    }

    async fn json(&self, path: &str) -> Value {
        let (status, _, body) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    async fn data_version(&self) -> u64 {
        self.json("/readyz").await["data_version"].as_u64().unwrap()
    }

    async fn trigger(&self, source: &str) -> reqwest::Response {
        self.client.post(self.url(&format!("/v1/ingest/{source}"))).bearer_auth(ADMIN_TOKEN).send().await.unwrap()
    }

    async fn run(&self, id: i64) -> Value {
        self.json(&format!("/v1/ingest/runs/{id}")).await
    }

    async fn ingest_ok(&self, source: &str) -> Value {
        let response = self.trigger(source).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let run = self.run(id).await;
            if !matches!(run["status"].as_str(), Some("queued" | "running")) {
                assert_eq!(run["status"], "succeeded", "{run:#}");
                return run;
            }
            assert!(Instant::now() < deadline, "run {id} did not finish");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The scenario's Top 10 files with `global` as the global list.
async fn serve_top10(top10: &Top10Feed, scenario: &Scenario, global: &[fixtures::GlobalEntry]) {
    let countries = fixtures::countries_tsv(&scenario.countries);
    let most_popular = fixtures::most_popular_tsv(&fixtures::most_popular());
    top10.serve(&fixtures::global_tsv(global), &countries, &most_popular).await;
}

/// Every query endpoint, as JSON and as CSV, with the ids and countries the data holds.
async fn query_paths(service: &Service) -> Vec<String> {
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(project_root().join("openapi/openapi.json")).unwrap()).unwrap();
    let title = service.json("/v1/titles?limit=1").await["data"][0]["title_id"].as_i64().expect("a title");
    let mut paths = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        // Run records and the model call log are each process's own business, not the lake's data.
        if item.get("get").is_none()
            || !path.starts_with("/v1/")
            || path.starts_with("/v1/ingest")
            || path.starts_with("/v1/llm")
        {
            continue;
        }
        let path = path.replace("{id}", &title.to_string()).replace("{country_iso2}", "KR");
        let csv = item["get"]["parameters"].as_array().is_some_and(|p| p.iter().any(|p| p["name"] == "format"));
        if csv {
            paths.push(format!("{path}?format=csv"));
        }
        paths.push(path);
    }
    paths.push("/v1/analytics/top-titles?limit=all&format=csv".to_owned());
    paths
}

/// The readers answer every query endpoint with the writer's bytes and ETags; the writer answers
/// from its own file, exactly as a single-file service does.
async fn assert_same_answers(paths: &[String], writer: &Service, readers: &[&Service]) {
    for path in paths {
        let expected = writer.get(path).await;
        for reader in readers {
            let got = reader.get(path).await;
            assert_eq!(got.0, expected.0, "{path} on {}", reader.base);
            assert_eq!(
                String::from_utf8_lossy(&got.2),
                String::from_utf8_lossy(&expected.2),
                "{path} on {} differs from the writer",
                reader.base
            );
            assert_eq!(got.1, expected.1, "{path}: ETag on {}", reader.base);
        }
    }
}

async fn wait_for_version(service: &Service, version: u64, within: Duration) -> Duration {
    let started = Instant::now();
    while service.data_version().await != version {
        assert!(started.elapsed() < within, "{} did not reach data version {version} in {within:?}", service.base);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_and_two_readers_share_one_lake_on_postgres_and_s3() {
    let (extensions, moto, postgres) = (extension_dir(), moto_server(), postgres_bin());
    let ready = extensions.join("v1.5.5/linux_amd64/ducklake.duckdb_extension").is_file() && moto.is_file();
    let Some(postgres) = postgres.filter(|_| ready) else {
        assert!(!required(), "the lake test needs scripts/lake-setup.sh (DuckDB extensions, moto, PostgreSQL)");
        eprintln!("skipped: run scripts/lake-setup.sh to install the DuckDB extensions, moto and PostgreSQL");
        return;
    };
    let catalog_db = Postgres::start(&postgres);
    let store = ObjectStore::start(&moto).await;
    let scenario = Scenario::new();
    let top10 = Top10Feed::start().await;
    serve_top10(&top10, &scenario, &scenario.global).await;
    let catalog = CatalogApi::start().await;
    catalog.serve(scenario.catalog(), 20).await;
    let youtube = YouTubeApi::start().await;
    youtube.serve(scenario.channel(), 50).await;

    let work = tempfile::tempdir().unwrap();
    let lake = [
        ("NA_WAREHOUSE", format!("ducklake:postgres:{}", catalog_db.connection_string())),
        ("NA_LAKE_DATA_PATH", format!("s3://{BUCKET}/warehouse/")),
        ("NA_S3_ENDPOINT", store.endpoint.clone()),
        ("NA_S3_REGION", "us-east-1".to_owned()),
        ("NA_S3_ACCESS_KEY_ID", "lake-test-key".to_owned()),
        ("NA_S3_SECRET_ACCESS_KEY", "lake-test-secret".to_owned()),
        ("NA_S3_URL_STYLE", "path".to_owned()),
        ("NA_DUCKDB_EXTENSION_DIR", extensions.display().to_string()),
        ("NA_LAKE_POLL_SECS", "1".to_owned()),
    ];
    let writer_env: Vec<(&str, String)> = lake
        .iter()
        .cloned()
        .chain([
            ("NA_ROLE", "writer".to_owned()),
            ("NA_LAKE_WORK_FILE", work.path().join("writer.duckdb").display().to_string()),
            ("NA_TOP10_BASE_URL", format!("{}/", top10.base_url())),
            ("NA_CATALOG_BASE_URL", format!("{}/", catalog.base_url())),
            ("NA_RAPIDAPI_KEY", RAPIDAPI_KEY.to_owned()),
            ("NA_CATALOG_REQUESTS_PER_SEC", "1000".to_owned()),
            ("NA_YOUTUBE_BASE_URL", format!("{}/", youtube.base_url())),
            ("NA_YOUTUBE_API_KEY", YOUTUBE_KEY.to_owned()),
            ("NA_HTTP_RETRY_BASE_MS", "10".to_owned()),
        ])
        .collect();
    let reader_env: Vec<(&str, String)> = lake.iter().cloned().chain([("NA_ROLE", "reader".to_owned())]).collect();

    // A reader before any writer has published refuses to start, naming the writer.
    let early = Command::new(env!("CARGO_BIN_EXE_netflix-analytics"))
        .envs(reader_env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("NA_LISTEN", format!("127.0.0.1:{}", free_port()))
        .arg("serve")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&early.stderr);
    assert!(!early.status.success() && said.contains("NA_ROLE=writer"), "{said}");

    let writer = Service::start(&writer_env).await;
    writer.ingest_ok("all").await;
    let version = writer.data_version().await;
    assert!(version > 0);
    let reader_a = Service::start(&reader_env).await;
    let reader_b = Service::start(&reader_env).await;
    assert_eq!(reader_a.data_version().await, version);
    assert_eq!(reader_b.data_version().await, version);
    let keys = store.keys().await;
    assert!(
        keys.iter().any(|k| k.starts_with("warehouse/") && k.ends_with(".parquet")),
        "no Parquet in the store: {keys:?}"
    );

    let paths = query_paths(&writer).await;
    assert!(paths.len() > 30, "{paths:?}");
    assert_same_answers(&paths, &writer, &[&reader_a, &reader_b]).await;

    // Triggers on a reader are refused, and say where they belong.
    for source in ["top10", "all"] {
        let refused = reader_a.trigger(source).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["code"], "read_replica", "{body}");
    }
    let train = reader_a.client.post(reader_a.url("/v1/ml/train")).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(train.status(), StatusCode::FORBIDDEN);

    // A second refresh reaches both readers with new ETags.
    let before = reader_a.get("/v1/top10/global").await;
    let mut global = scenario.global.clone();
    for entry in global.iter_mut().filter(|e| e.week == crate::scenario::WEEKS[3]) {
        entry.hours = entry.hours.map(|h| h + 1_000);
    }
    serve_top10(&top10, &scenario, &global).await;
    writer.ingest_ok("top10").await;
    let next = writer.data_version().await;
    assert_eq!(next, version + 1);
    for reader in [&reader_a, &reader_b] {
        let took = wait_for_version(reader, next, Duration::from_secs(10)).await;
        eprintln!("snapshot propagation to {}: {took:?} (NA_LAKE_POLL_SECS=1)", reader.base);
    }
    let after = reader_a.get("/v1/top10/global").await;
    assert_ne!(after.1, before.1, "the ETag did not move with the refresh");
    assert_ne!(after.2, before.2);
    assert_same_answers(&paths, &writer, &[&reader_a, &reader_b]).await;

    // A reader killed and restarted answers at once, from the same snapshot.
    reader_b.kill();
    let restarted = Instant::now();
    let reader_b = Service::start(&reader_env).await;
    eprintln!("a reader restarted and ready in {:?}", restarted.elapsed());
    assert_eq!(reader_b.data_version().await, next);
    assert_same_answers(&paths, &writer, &[&reader_b]).await;

    // The writer killed mid-refresh: the readers stay on the snapshot they had.
    let settled: Vec<_> = futures_util::future::join_all(paths.iter().map(|p| reader_a.get(p))).await;
    top10.server.reset().await;
    for file in ["all-weeks-global.tsv", "all-weeks-countries.tsv", "most-popular.tsv"] {
        top10
            .mount(file, ResponseTemplate::new(200).set_body_string("week\n").set_delay(Duration::from_secs(60)))
            .await;
    }
    let response = writer.trigger("top10").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while writer.run(id).await["status"] != "running" {
        assert!(Instant::now() < deadline, "the refresh did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    writer.kill();
    tokio::time::sleep(Duration::from_secs(2)).await;
    for reader in [&reader_a, &reader_b] {
        assert_eq!(reader.data_version().await, next);
    }
    let now: Vec<_> = futures_util::future::join_all(paths.iter().map(|p| reader_a.get(p))).await;
    assert_eq!(now, settled, "a reader's answers moved while the writer died mid-refresh");

    // The writer restarted publishes what it has; nothing was half-applied, the readers stay put.
    serve_top10(&top10, &scenario, &scenario.global).await;
    let writer = Service::start(&writer_env).await;
    assert_eq!(writer.data_version().await, next);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(reader_a.data_version().await, next);
    assert_same_answers(&paths, &writer, &[&reader_a, &reader_b]).await;
}

/// The file mode's way to full SQL: after every refresh the marts are copied as Parquet into a new
/// versioned folder and `current` switches to it; the copy before stays for readers still on it.
#[tokio::test]
async fn the_file_mode_publishes_a_read_only_parquet_copy_after_every_refresh() {
    let published = tempfile::tempdir().unwrap();
    let dir = published.path().to_path_buf();
    let top10 = Top10Feed::start().await;
    let scenario = Scenario::new();
    let serve = |hours_added: i64| {
        let mut global = scenario.global.clone();
        for entry in &mut global {
            entry.hours = entry.hours.map(|h| h + hours_added);
        }
        let (top10, scenario) = (&top10, &scenario);
        async move { serve_top10(top10, scenario, &global).await }
    };
    serve(0).await;
    let app = crate::helpers::spawn_app_with(&top10.base_url(), move |c| c.publish_dir = Some(dir)).await;
    let read = |sql: String| {
        let conn = duckdb::Connection::open_in_memory().unwrap();
        conn.query_row(&sql, [], |row| row.get::<_, i64>(0)).unwrap()
    };
    let current = published.path().join("current");
    let mut folders = Vec::new();
    for round in 0..3 {
        serve(round * 1_000).await;
        app.ingest_ok("top10").await;
        let version = app.data_version().await;
        let target = std::fs::read_link(&current).unwrap();
        assert_eq!(target, PathBuf::from(format!("v{version:010}")));
        folders.push(published.path().join(target));
        let in_warehouse: i64 = app
            .warehouse
            .with_connection(|c| {
                Ok(c.query_row("SELECT sum(weekly_hours_viewed)::BIGINT FROM mart.top10_global", [], |r| r.get(0))?)
            })
            .await
            .unwrap();
        let file = current.join("top10_global.parquet");
        assert_eq!(
            read(format!("SELECT sum(weekly_hours_viewed)::BIGINT FROM read_parquet('{}')", file.display())),
            in_warehouse
        );
        assert!(current.join("titles.parquet").is_file() && current.join("weeks.parquet").is_file());
    }
    assert!(!folders[0].exists(), "the copy two refreshes old was kept");
    assert!(folders[1].is_dir() && folders[2].is_dir(), "the previous copy must stay for readers still on it");
}
