//! The binary itself: configuration errors, one-shot ingestion, the spec, and SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::fixtures::Standard;

pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_netflix-analytics"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("NA_")) {
        command.env_remove(name);
    }
    command.env("RUST_LOG", "warn");
    command
}

#[test]
fn invalid_configuration_stops_start_up_naming_the_variable() {
    let output = binary().env("NA_LOG_FORMAT", "xml").arg("migrate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(r#"invalid NA_LOG_FORMAT="xml": accepted values: text, json"#), "{stderr}");
}

#[test]
fn openapi_prints_the_committed_spec() {
    let output = binary().arg("openapi").output().unwrap();
    assert!(output.status.success());
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, serde_json::to_value(netflix_analytics::api::openapi()).unwrap());
}

#[test]
fn ingest_prints_the_run_and_its_exit_code_says_whether_it_failed() {
    let dir = tempfile::tempdir().unwrap();
    let feeds = dir.path().join("feeds");
    std::fs::create_dir(&feeds).unwrap();
    let (global, countries, most_popular) = Standard::new().files();
    std::fs::write(feeds.join("all-weeks-global.tsv"), global).unwrap();
    std::fs::write(feeds.join("all-weeks-countries.tsv"), countries).unwrap();
    std::fs::write(feeds.join("most-popular.tsv"), most_popular).unwrap();
    let base = url::Url::from_directory_path(&feeds).unwrap();
    let run = |base: &str| {
        binary()
            .env("NA_WAREHOUSE", dir.path().join("w.duckdb"))
            .env("NA_TOP10_BASE_URL", base)
            .args(["ingest", "top10"])
            .output()
            .unwrap()
    };

    let ok = run(base.as_str());
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let record: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!((record["status"].as_str(), record["trigger"].as_str()), (Some("succeeded"), Some("cli")));
    assert_eq!(record["files"][0]["rows_read"], 80);

    let missing = run(base.join("nowhere/").unwrap().as_str());
    assert_eq!(missing.status.code(), Some(1));
    let record: Value = serde_json::from_slice(&missing.stdout).unwrap();
    assert_eq!(record["error"]["code"], "download_failed");
}

#[test]
fn sigterm_stops_the_service_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = binary()
        .env("NA_LISTEN", format!("127.0.0.1:{port}"))
        .env("NA_WAREHOUSE", dir.path().join("w.duckdb"))
        .env("NA_ADMIN_TOKEN", "cli-test-token-0123456789")
        // A scheduled run at start would try the real Top 10 URL and, offline, spend the shutdown
        // grace retrying it; this test is about a service with nothing running.
        .env("NA_SCHEDULE", "off")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let ready = (0..200).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        status_of(port, "/readyz") == Some(200)
    });
    assert!(ready, "the service did not become ready");
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = (0..200)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(50));
            child.try_wait().unwrap()
        })
        .expect("the service did not stop within 10 s");
    assert!(status.success(), "{status}");
}

/// A blocking one-shot GET; this test runs the binary, not an async runtime.
fn status_of(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}
