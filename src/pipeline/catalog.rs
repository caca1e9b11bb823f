//! A catalog refresh: crawl the searches (one per show type), then upsert every show in one
//! transaction. A missing key fails the run at once; the crawl finishes before the warehouse is
//! touched, so a failure halfway (quota, refused key, malformed page) changes nothing.

use std::collections::BTreeMap;

use chrono::{Datelike, Utc};
use sha2::{Digest, Sha256};

use super::{CatalogMode, Refreshed, RunContext, Settings, identity};
use crate::domain::{FileReport, RejectedRow};
use crate::error::{Error, Result};
use crate::sources::api::CallStats;
use crate::sources::catalog::{CatalogClient, CatalogPage, CatalogQuery, Show, ShowType, shows_in};
use crate::warehouse::catalog::{self as store, CatalogLoad};
use crate::warehouse::load;

const REJECTED_SAMPLE: usize = 20;

pub async fn refresh(
    context: &RunContext,
    http: &reqwest::Client,
    settings: &Settings,
    mode: Option<CatalogMode>,
    files: &mut Vec<FileReport>,
) -> Result<Refreshed> {
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
    let mut pages: Vec<CatalogPage> = Vec::new();
    let mut stats = CallStats::default();
    for query in &queries {
        let crawled = client
            .crawl(query, &context.cancel, &mut stats, |page| {
                pages.push(page);
                Ok(())
            })
            .await;
        report.requests = Some(stats.requests);
        report.retries = Some(stats.retries);
        if let Err(err) = crawled {
            return Err(report.fail(err));
        }
    }
    report.bytes = pages.iter().map(|p| p.body.len() as u64).sum();

    // Parse every page before writing anything; the latest sighting of a show wins.
    let mut shows: BTreeMap<String, Show> = BTreeMap::new();
    for page in &pages {
        for parsed in shows_in(page)? {
            report.rows_read += 1;
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
    }
    let accepted = shows.len() as u64;
    let run_id = context.run_id;
    let rebuild_identity = context.rebuild_identity;
    let country = config.country.clone();
    let changes = context
        .warehouse
        .with_writer(move |conn| {
            let tx = conn.transaction()?;
            let mut loader = CatalogLoad::begin(&tx, run_id, fetched_at, &country)?;
            loader.raw_pages(&pages, fetched_at)?;
            for show in shows.values() {
                loader.append(show, &content_hash(show)?)?;
            }
            let changes = loader.finish()?;
            let data_version = if changes.any() {
                if rebuild_identity {
                    identity::rebuild(&tx, Utc::now())?;
                }
                load::bump_data_version(&tx, run_id, Utc::now())?
            } else {
                load::data_version(&tx)?
            };
            tx.commit()?;
            Ok((changes, data_version))
        })
        .await;
    let (changes, data_version) = changes.map_err(|err| report.fail(err))?;
    // Duplicates across pages count as read once each but are stored once.
    super::record_loaded(report, changes, accepted);
    Ok(Refreshed { data_version, changed: changes.any() })
}

/// Equal digests mean nothing the service keeps about the show changed.
fn content_hash(show: &Show) -> Result<String> {
    let canonical = serde_json::to_vec(show).map_err(|e| Error::Internal(format!("hashing show {}: {e}", show.id)))?;
    Ok(format!("{:x}", Sha256::digest(&canonical)))
}
