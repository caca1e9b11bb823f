//! Backups and restores: taken over HTTP while the service runs or on the command line while it is
//! stopped, restored into a new warehouse that answers exactly as the original did, and what a
//! restore refuses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use reqwest::StatusCode;
use serde_json::Value;

use crate::cli::binary;
use crate::fixtures::Standard;
use crate::helpers::{ADMIN_TOKEN, TestApp, Top10Feed, spawn_app_with, spawn_config, test_config};
use crate::scenario::Scenario;

async fn take_backup(app: &TestApp) -> (StatusCode, Value) {
    let response = app.client.post(app.url("/v1/admin/backup")).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

fn cli(warehouse: &Path, args: &[&str]) -> Output {
    binary().env("NA_WAREHOUSE", warehouse).args(args).output().unwrap()
}

fn restore(backup: &Path, target: &Path, force: bool) -> Output {
    let mut args = vec!["restore", backup.to_str().unwrap()];
    if force {
        args.push("--force");
    }
    cli(target, &args)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The service on an existing warehouse file; its feeds are never called.
async fn serve(warehouse: &Path) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir, "http://127.0.0.1:9/top10");
    config.warehouse = warehouse.to_path_buf();
    spawn_config(config, dir).await
}

/// `field` of every row of a list.
async fn values(app: &TestApp, path: &str, field: &str) -> Vec<String> {
    let (status, body) = app.get_json(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| match &row[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// The status and body of every GET the API documents (but `/metrics`, which counts requests), as
/// JSON and, where offered, as CSV, with path parameters taken from the data: every title, run and
/// country. Keyed by the request.
async fn answers(app: &TestApp) -> BTreeMap<String, (u16, String)> {
    let spec = serde_json::to_value(netflix_analytics::api::openapi()).unwrap();
    let titles = values(app, "/v1/titles?limit=1000", "title_id").await;
    let runs = values(app, "/v1/ingest/runs?limit=200", "id").await;
    let countries = values(app, "/v1/countries", "country_iso2").await;
    let models = values(app, "/v1/ml/models", "id").await;
    let no_filler = vec![String::new()];
    let mut requests = Vec::new();
    for (template, item) in spec["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        if template == "/metrics" {
            continue;
        }
        let (placeholder, fillers) = if template.contains("{country_iso2}") {
            ("{country_iso2}", &countries)
        } else if template.starts_with("/v1/ingest/runs/{id}") {
            ("{id}", &runs)
        } else if template.starts_with("/v1/titles/{id}") {
            ("{id}", &titles)
        } else if template.starts_with("/v1/ml/models/{id}") {
            ("{id}", &models)
        } else {
            assert!(!template.contains('{'), "{template}: this test does not know what to fill in; teach it");
            ("", &no_filler)
        };
        let csv = get["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "format");
        for filler in fillers {
            let path = if placeholder.is_empty() { template.clone() } else { template.replace(placeholder, filler) };
            if csv {
                requests.push(format!("{path}?format=csv"));
            }
            requests.push(path);
        }
    }
    let mut answers = BTreeMap::new();
    for path in requests {
        let response = app.get(&path).await;
        let status = response.status().as_u16();
        answers.insert(path, (status, response.text().await.unwrap()));
    }
    answers
}

fn assert_same_answers(original: &BTreeMap<String, (u16, String)>, restored: &BTreeMap<String, (u16, String)>) {
    assert_eq!(original.keys().collect::<Vec<_>>(), restored.keys().collect::<Vec<_>>());
    for (path, answer) in original {
        assert_eq!(&restored[path], answer, "{path}");
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_backup_of_the_running_service_restores_to_identical_answers() {
    let backups = tempfile::tempdir().unwrap();
    let root = backups.path().to_path_buf();
    let (app, _feeds) = Scenario::new().load_with(move |c| c.backup_dir = root).await;

    let (status, body) = take_backup(&app).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let folder = backups.path().join(body["folder"].as_str().unwrap());
    let written: Value = serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(written, body["manifest"]);
    assert_eq!(written["data_version"], app.data_version().await);
    assert_eq!(written["schema_version"], netflix_analytics::warehouse::migrate::MIGRATIONS.len());
    let snapshot = app.snapshot().await;
    for table in ["stage.top10_global", "mart.titles", "stage.catalog_shows", "stage.youtube_videos"] {
        assert_eq!(written["tables"][table], snapshot[table].len(), "{table}");
    }
    assert_eq!(written["tables"]["ops.ingest_runs"], 4, "all and its three source runs");

    let target_dir = tempfile::tempdir().unwrap();
    let target = target_dir.path().join("restored.duckdb");
    let restored = restore(&folder, &target, false);
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert_eq!(serde_json::from_slice::<Value>(&restored.stdout).unwrap(), written);
    assert_eq!(entries(target_dir.path()), ["restored.duckdb"], "nothing but the warehouse is left behind");

    let copy = serve(&target).await;
    let original = answers(&app).await;
    for template in ["/v1/titles/", "/v1/top10/countries/", "/v1/ingest/runs/", "/v1/analytics/weekly-hours"] {
        assert!(
            original.iter().any(|(path, (status, _))| path.starts_with(template) && *status == 200),
            "{template} was answered"
        );
    }
    assert_same_answers(&original, &answers(&copy).await);

    // The run id sequence came back too: the next run continues it instead of colliding.
    let run = copy.ingest("top10").await;
    assert_eq!(run["id"], 5, "{run}");
}

/// A warehouse file with the standard fixture loaded by `netflix-analytics ingest top10`.
fn ingested(dir: &Path) -> PathBuf {
    let feeds = dir.join("feeds");
    std::fs::create_dir(&feeds).unwrap();
    let (global, countries, most_popular) = Standard::new().files();
    std::fs::write(feeds.join("all-weeks-global.tsv"), global).unwrap();
    std::fs::write(feeds.join("all-weeks-countries.tsv"), countries).unwrap();
    std::fs::write(feeds.join("most-popular.tsv"), most_popular).unwrap();
    let warehouse = dir.join("original.duckdb");
    let ingest = binary()
        .env("NA_WAREHOUSE", &warehouse)
        .env("NA_TOP10_BASE_URL", url::Url::from_directory_path(&feeds).unwrap().as_str())
        .args(["ingest", "top10"])
        .output()
        .unwrap();
    assert!(ingest.status.success(), "{}", stderr(&ingest));
    warehouse
}

#[tokio::test]
async fn backup_and_restore_on_the_command_line_refuse_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let original = ingested(dir.path());
    let backup = dir.path().join("backups/first");

    let made = cli(&original, &["backup", backup.to_str().unwrap()]);
    assert!(made.status.success(), "{}", stderr(&made));
    let manifest: Value = serde_json::from_slice(&made.stdout).unwrap();
    assert_eq!(manifest["tables"]["stage.top10_global"], 80);
    assert_eq!(manifest["tables"]["ops.ingest_runs"], 1);
    let again = cli(&original, &["backup", backup.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("is not empty"), "{}", stderr(&again));

    let target = dir.path().join("restored/warehouse.duckdb");
    let first = restore(&backup, &target, false);
    assert!(first.status.success(), "{}", stderr(&first));
    let restored_bytes = std::fs::read(&target).unwrap();
    let refused = restore(&backup, &target, false);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("is not empty") && stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(std::fs::read(&target).unwrap(), restored_bytes, "a refused restore leaves the target alone");
    let forced = restore(&backup, &target, true);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(entries(&dir.path().join("restored")), ["warehouse.duckdb"]);

    let (original, restored) = (serve(&original).await, serve(&target).await);
    assert_same_answers(&answers(&original).await, &answers(&restored).await);
}

#[tokio::test]
async fn restore_refuses_to_replace_a_warehouse_the_service_has_open() {
    let dir = tempfile::tempdir().unwrap();
    let original = ingested(dir.path());
    let backup = dir.path().join("backup");
    assert!(cli(&original, &["backup", backup.to_str().unwrap()]).status.success());
    let running = serve(&original).await;
    let before = answers(&running).await;

    let refused = restore(&backup, &original, true);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("stop the service"), "{}", stderr(&refused));
    assert_same_answers(&before, &answers(&running).await);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// A table's Parquet file in a backup. DuckDB names them `<schema>_<table>.parquet` with digits
/// replaced, so they are found by how their names start and end.
fn table_file(backup: &Path, starts: &str, ends: &str) -> PathBuf {
    let name = entries(backup)
        .into_iter()
        .find(|n| n.starts_with(starts) && n.ends_with(&format!("{ends}.parquet")))
        .unwrap_or_else(|| panic!("no {starts}*{ends}.parquet in {:?}", entries(backup)));
    backup.join(name)
}

#[test]
fn a_damaged_backup_is_refused_and_leaves_no_warehouse_behind() {
    let dir = tempfile::tempdir().unwrap();
    let original = ingested(dir.path());
    let good = dir.path().join("good");
    assert!(cli(&original, &["backup", good.to_str().unwrap()]).status.success());
    let manifest = std::fs::read_to_string(good.join("manifest.json")).unwrap();

    type Damage = Box<dyn Fn(&Path)>;
    let damages: Vec<(&str, Damage, &str)> = vec![
        (
            "a Parquet file overwritten",
            Box::new(|b: &Path| std::fs::write(table_file(b, "stage_top", "_global"), b"not parquet").unwrap()),
            "the import failed",
        ),
        (
            "a Parquet file cut short",
            Box::new(|b: &Path| {
                let path = table_file(b, "stage_top", "_countries");
                let bytes = std::fs::read(&path).unwrap();
                std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
            }),
            "the import failed",
        ),
        (
            "a Parquet file missing",
            Box::new(|b: &Path| std::fs::remove_file(table_file(b, "mart_weeks", "")).unwrap()),
            "the import failed",
        ),
        (
            "rows the manifest does not list",
            Box::new(move |b: &Path| {
                let edited = manifest.replace("\"stage.top10_global\": 80", "\"stage.top10_global\": 79");
                assert_ne!(edited, manifest);
                std::fs::write(b.join("manifest.json"), edited).unwrap();
            }),
            "stage.top10_global: 79 expected, 80 restored",
        ),
        ("no manifest", Box::new(|b: &Path| std::fs::remove_file(b.join("manifest.json")).unwrap()), "manifest.json"),
    ];
    for (what, damage, says) in damages {
        let backup = dir.path().join("damaged");
        let _ = std::fs::remove_dir_all(&backup);
        copy_dir(&good, &backup);
        damage(&backup);
        let targets = tempfile::tempdir().unwrap();
        let target = targets.path().join("warehouse.duckdb");
        let failed = restore(&backup, &target, false);
        assert_eq!(failed.status.code(), Some(1), "{what}");
        assert!(stderr(&failed).contains(says), "{what}: {}", stderr(&failed));
        assert!(entries(targets.path()).is_empty(), "{what}: {:?}", entries(targets.path()));
    }
}

#[tokio::test]
async fn backups_over_http_need_the_token_and_the_oldest_are_pruned() {
    let feed = Top10Feed::start().await;
    let (global, countries, most_popular) = Standard::new().files();
    feed.serve(&global, &countries, &most_popular).await;
    let backups = tempfile::tempdir().unwrap();
    std::fs::write(backups.path().join("notes.txt"), "not a backup").unwrap();
    let root = backups.path().to_path_buf();
    let app = spawn_app_with(&feed.base_url(), move |c| {
        c.backup_dir = root;
        c.backup_keep = 2;
    })
    .await;
    app.ingest_ok("top10").await;

    let anonymous = app.client.post(app.url("/v1/admin/backup")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(entries(backups.path()), ["notes.txt"]);

    let mut folders = Vec::new();
    for expected_pruned in [0, 0, 1] {
        let (status, body) = take_backup(&app).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["pruned"].as_array().unwrap().len(), expected_pruned, "{body}");
        folders.push(body["folder"].as_str().unwrap().to_owned());
    }
    assert!(folders.windows(2).all(|w| w[0] < w[1]), "{folders:?}");
    let mut left = vec![folders[1].clone(), folders[2].clone(), "notes.txt".to_owned()];
    left.sort();
    assert_eq!(entries(backups.path()), left);
}
