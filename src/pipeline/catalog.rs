//! A catalog refresh. Fetching crawls the searches (one per show type), parsing each page as it
//! arrives (the latest sighting of a show wins) and spooling the page as received to disk for the
//! raw layer, so memory holds the shows, not the pages. A missing key fails the run at once, and a
//! failure halfway (quota, refused key, malformed page) changes nothing. Loading streams the pages
//! to raw and upserts the shows inside the caller's transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use duckdb::Connection;
use sha2::{Digest, Sha256};

use super::spool::{Spool, SpoolWriter};
use super::{CatalogMode, Changed, RunContext, Settings};
use crate::domain::{FileReport, RejectedRow, RunId};
use crate::error::{Error, Result};
use crate::sources::api::CallStats;
use crate::sources::catalog::{CatalogClient, CatalogQuery, Show, ShowType, shows_in};
use crate::warehouse::catalog::{self as store, CatalogLoad};

const REJECTED_SAMPLE: usize = 20;

/// A finished crawl: its pages on disk, and the shows parsed from them.
pub struct Fetched {
    spool: Spool,
    /// The searches crawled; their pages replace the raw pages of the same searches.
    requests: Vec<String>,
    shows: BTreeMap<String, Show>,
    fetched_at: DateTime<Utc>,
    country: String,
}

pub async fn fetch(
    context: &RunContext,
    http: &reqwest::Client,
    settings: &Settings,
    mode: Option<CatalogMode>,
    files: &mut Vec<FileReport>,
) -> Result<Fetched> {
    let config = &settings.catalog;
    let key = config.api_key.clone().ok_or(Error::MissingApiKey { variable: "NA_RAPIDAPI_KEY" })?;
    let mode = match mode {
        Some(mode) => mode,
        None if context.warehouse.with_connection(store::is_empty).await? => {
            CatalogMode::Backfill { year_min: config.backfill_from, year_max: Utc::now().year() }
        }
        None => CatalogMode::Incremental,
    };
    let (year_min, year_max) = match mode {
        CatalogMode::Backfill { year_min, year_max } => (year_min, year_max),
        CatalogMode::Incremental => {
            let this_year = Utc::now().year();
            (this_year - config.incremental_years + 1, this_year)
        }
    };
    let queries: Vec<CatalogQuery> = ShowType::ALL
        .into_iter()
        .map(|show_type| CatalogQuery { country: config.country.clone(), show_type, year_min, year_max })
        .collect();
    let mode_name = if matches!(mode, CatalogMode::Incremental) { "incremental" } else { "backfill" };
    files.push(FileReport {
        file: format!("shows/search/filters ({mode_name}, {year_min}-{year_max})"),
        url: config.base_url.join("shows/search/filters").map(|u| u.to_string()).unwrap_or_default(),
        ..FileReport::default()
    });
    let report = files.last_mut().expect("just pushed");

    let client =
        CatalogClient::new(http.clone(), config.base_url.clone(), key, config.requests_per_sec, settings.retry);
    let fetched_at = Utc::now();
    let mut spool = SpoolWriter::create(&settings.temp_dir)?;
    let mut shows: BTreeMap<String, Show> = BTreeMap::new();
    let mut stats = CallStats { progress: context.progress.clone(), ..CallStats::default() };
    for query in &queries {
        let crawled = client
            .crawl(query, &context.cancel, &mut stats, |page| {
                report.bytes += page.body.len() as u64;
                let mut parsed_rows = 0;
                for parsed in shows_in(&page)? {
                    parsed_rows += 1;
                    match parsed {
                        Ok(show) => {
                            shows.insert(show.id.clone(), show);
                        }
                        Err(reason) => {
                            report.rows_rejected += 1;
                            if report.rejected_sample.len() < REJECTED_SAMPLE {
                                report.rejected_sample.push(RejectedRow {
                                    line: u64::from(page.page_no),
                                    reason,
                                    text: String::new(),
                                });
                            }
                        }
                    }
                }
                report.rows_read += parsed_rows;
                context.progress.rows(parsed_rows);
                spool.push(&page)
            })
            .await;
        report.requests = Some(stats.requests);
        report.retries = Some(stats.retries);
        crawled.map_err(|err| report.fail(err))?;
    }
    let spool = spool.finish()?;
    tracing::info!(pages = spool.pages(), shows = shows.len(), "crawled the catalog");
    Ok(Fetched {
        spool,
        requests: queries.iter().map(CatalogQuery::to_string).collect(),
        shows,
        fetched_at,
        country: config.country.clone(),
    })
}

/// Writes the crawl inside the caller's transaction.
pub fn load(conn: &Connection, fetched: &Fetched, run_id: RunId, files: &mut [FileReport]) -> Result<Changed> {
    let report = files.last_mut().ok_or_else(|| Error::Internal("a catalog run without its report".into()))?;
    let loaded = (|| {
        let mut loader = CatalogLoad::begin(conn, run_id, fetched.fetched_at, &fetched.country)?;
        loader.raw_pages(&fetched.requests, fetched.spool.read()?, fetched.fetched_at)?;
        for show in fetched.shows.values() {
            loader.append(show, &content_hash(show)?)?;
        }
        loader.finish()
    })();
    let changes = loaded.map_err(|err| report.fail(err))?;
    // Duplicates across pages count as read once each but are stored once.
    super::record_loaded(report, changes, fetched.shows.len() as u64);
    Ok(Changed { top10: false, titles: changes.any(), facts: false })
}

/// Equal digests mean nothing the service keeps about the show changed.
fn content_hash(show: &Show) -> Result<String> {
    let canonical = serde_json::to_vec(show).map_err(|e| Error::Internal(format!("hashing show {}: {e}", show.id)))?;
    Ok(format!("{:x}", Sha256::digest(&canonical)))
}
