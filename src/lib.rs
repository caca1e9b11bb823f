//! netflix-analytics: keeps a DuckDB warehouse of Netflix Top 10, catalog and YouTube data fresh and
//! answers questions about it over HTTP.
//!
//! Dependencies point one way: `app -> api -> {analytics, ml, llm, pipeline} -> {warehouse, sources}`; every
//! layer may use `domain`, `error` and `config`. Sources never touch the warehouse (the pipeline joins
//! them), analytics returns rows rather than responses, and nothing imports `api`.

pub mod analytics;
pub mod api;
pub mod app;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod identity;
pub mod llm;
pub mod ml;
pub mod pipeline;
pub mod server;
pub mod sources;
pub mod telemetry;
pub mod warehouse;

pub use app::App;
pub use config::Config;
pub use error::{Error, Result};
