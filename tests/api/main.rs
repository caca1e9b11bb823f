//! Integration tests: the real service on a random port, a temporary warehouse, feeds served from a
//! local HTTP server. One test binary, so the bundled DuckDB is linked once.

mod analytics;
mod apis;
mod atomicity;
mod auth;
mod backups;
mod catalog_feed;
mod charts;
mod cli;
mod consistency;
mod consumers;
mod faults;
mod fixtures;
mod hardening;
mod helpers;
mod identity_gold;
mod ingest_runs;
mod lake;
mod llm;
mod llm_real;
mod ml;
mod openapi;
mod ops;
mod prefer;
mod real_data;
mod run_panics;
mod run_progress;
mod scenario;
mod titles_identity;
mod top10_queries;
mod youtube_feed;
