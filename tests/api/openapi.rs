//! The OpenAPI document: committed, served, and in step with the code.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Top10Feed, spawn_app};

fn committed_path() -> std::path::PathBuf {
    crate::helpers::project_root().join("openapi/openapi.json")
}

#[test]
fn the_committed_spec_matches_the_code() {
    let generated = netflix_analytics::api::openapi().to_pretty_json().unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(committed_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json differs from the spec the code generates; regenerate it with \
         `UPDATE_OPENAPI=1 cargo test --release the_committed_spec_matches_the_code` \
         (or `netflix-analytics openapi > openapi/openapi.json`) and review the diff"
    );
}

#[test]
fn every_operation_documents_json_errors_and_query_endpoints_offer_csv() {
    let spec: Value = serde_json::to_value(netflix_analytics::api::openapi()).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            if path.starts_with("/v1/") {
                assert!(responses.keys().any(|s| s.starts_with('4')), "{method} {path} documents no 4xx");
            }
            if path.starts_with("/v1/top10") || path == "/v1/weeks" || path == "/v1/countries" {
                let content = &responses["200"]["content"];
                assert!(content.get("text/csv").is_some() && content.get("application/json").is_some(), "{path}");
            }
        }
    }
}

#[tokio::test]
async fn the_spec_and_the_docs_page_are_served() {
    let feed = Top10Feed::start().await;
    let app = spawn_app(&feed.base_url()).await;
    let (status, served) = app.get_json("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, serde_json::to_value(netflix_analytics::api::openapi()).unwrap());
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger"));
}
