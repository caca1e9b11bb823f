//! Connectors to the upstream feeds: fetch, parse, validate. No SQL here; the pipeline hands what a
//! connector yields to the warehouse, so connectors are tested without a database.

pub mod api;
pub mod catalog;
pub mod http;
pub mod top10;
pub mod youtube;
