//! The analytics endpoints: JSON or CSV, a week range (`from`, `to`, Sundays) where it makes sense,
//! `limit`/`offset` paging with a `Link` to the next page, all behind the response cache.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use duckdb::Connection;
use serde::Deserialize;
use utoipa::IntoParams;

use super::cache::CacheKey;
use super::error::ErrorBody;
use super::extract::{Path, Query};
use super::format::{self, Envelope, Format, Meta};
use super::params::{self, Page};
use super::state::AppState;
use crate::analytics::insights::{
    self, CategoryViewershipRow, CategoryWeekRow, DurationBucketRow, EngagementMetric, EngagementRow,
    EngagementTitleRow, GenreRow, Period, Region, RegionalPreferenceRow, SimilarityRow, TitleOrder, TopTitleRow,
    TrajectoryRow, WeeklyHoursRow,
};
use crate::analytics::{titles, top10};
use crate::domain::{CountryCode, List, Week};
use crate::error::{Error, Result};
use crate::identity::normalize::normalize;

const MAX_PAGE: u32 = 1000;
const MAX_PAIRS_PAGE: u32 = 10_000;

/// `from`/`to` as given; defaults (the weeks the warehouse holds) are filled in when answering, so
/// the cache key stays the request's own.
#[derive(Debug, Clone, Copy)]
struct WeekRange {
    from: Option<Week>,
    to: Option<Week>,
}

impl WeekRange {
    fn parse(from: Option<&str>, to: Option<&str>) -> Result<WeekRange> {
        let week = |name: &'static str, value: Option<&str>| -> Result<Option<Week>> {
            value
                .map(|text| {
                    Week::parse(text.trim())
                        .map_err(|e| Error::invalid(name, format!("{e}; accepted: a Sunday as YYYY-MM-DD")))
                })
                .transpose()
        };
        let range = WeekRange { from: week("from", from)?, to: week("to", to)? };
        if let (Some(from), Some(to)) = (range.from, range.to)
            && from > to
        {
            return Err(Error::invalid("from", format!("{from} is after to={to}")));
        }
        Ok(range)
    }

    fn key(&self) -> String {
        format!("{:?}..{:?}", self.from, self.to)
    }

    fn resolve(&self, conn: &Connection) -> Result<Period> {
        let (first, last) = insights::weeks_held(conn)?.ok_or(Error::NoData { what: "Top 10 lists" })?;
        Ok(Period { from: self.from.unwrap_or(first), to: self.to.unwrap_or(last) })
    }
}

/// `region=global` or an ISO country code.
fn region(value: Option<&str>) -> Result<Region> {
    match value.map(str::trim) {
        None => Ok(Region::Global),
        Some(text) if text.eq_ignore_ascii_case("global") => Ok(Region::Global),
        Some(text) => CountryCode::parse(text).map(Region::Country).ok_or_else(|| {
            Error::invalid("region", format!("{text:?} is neither `global` nor an ISO 3166-1 alpha-2 country code"))
        }),
    }
}

fn list_of(region: Region) -> List {
    match region {
        Region::Global => List::Global,
        Region::Country(_) => List::Countries,
    }
}

/// A country the warehouse has no lists for is a 404 naming those it has.
fn ensure_country(conn: &Connection, region: Region) -> Result<()> {
    let Region::Country(code) = region else { return Ok(()) };
    let known: Vec<String> = top10::countries(conn)?.into_iter().map(|c| c.country_iso2).collect();
    if known.iter().any(|c| c == code.as_str()) {
        return Ok(());
    }
    let accepted = if known.is_empty() { "none yet".to_owned() } else { known.join(", ") };
    Err(Error::UnknownCountry { code: code.to_string(), accepted })
}

/// Pages rows computed whole (small answers, or answers whose metadata needs every row).
fn page_of<T>(rows: Vec<T>, page: Page) -> (Vec<T>, u64) {
    let total = rows.len() as u64;
    let rows = rows.into_iter().skip(page.offset as usize).take(page.limit as usize).collect();
    (rows, total)
}

/// What one page of an answer over a period (weeks, or days of publication) says about itself,
/// with the link to the next page. The link names the resolved period, not the defaults asked for,
/// so later pages answer the same question even after a refresh adds weeks; `filters` are the
/// other parameters it repeats.
fn page_meta<D: std::fmt::Display>(
    path: &str,
    (from, to): (D, D),
    filters: Vec<(&'static str, String)>,
    page: Page,
    shown: usize,
    total: u64,
    version: u64,
) -> Meta {
    let (from, to) = (from.to_string(), to.to_string());
    let mut meta = Meta::new(shown, Vec::new(), version);
    meta.total = Some(total);
    meta.limit = Some(page.limit);
    meta.offset = Some(page.offset);
    meta.from = Some(from.clone());
    meta.to = Some(to.clone());
    let mut query = vec![("from", from), ("to", to)];
    query.extend(filters);
    meta.next = page.next(path, &query, shown, total);
    meta
}

fn region_filter(region: Region) -> Vec<(&'static str, String)> {
    match region {
        Region::Global => Vec::new(),
        Region::Country(code) => vec![("region", code.to_string())],
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopTitlesParams {
    /// `global` (default) or an ISO 3166-1 alpha-2 country code.
    #[param(example = "global")]
    region: Option<String>,
    /// First week of the period, a Sunday; default the first week held.
    from: Option<String>,
    /// Last week of the period, a Sunday; default the latest week held.
    to: Option<String>,
    /// A category of the region's lists (`tv-english`, `films`, …); all when absent.
    category: Option<String>,
    /// `hours` (default for global), `views`, `weeks` (default for countries) or `best_rank`.
    order: Option<String>,
    /// Page size, 1 to 1000; default 20.
    limit: Option<u32>,
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// The top titles of a region over a period: weeks in the Top 10, best rank, first and last week,
/// and (global) total hours and views. All seasons of a title count together.
#[utoipa::path(
    get,
    path = "/v1/analytics/top-titles",
    tag = "analytics",
    params(TopTitlesParams),
    responses(
        (status = 200, description = "A page of titles", content((Envelope<TopTitleRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed or out-of-range parameter", body = ErrorBody),
        (status = 404, description = "No lists for that country, or none at all", body = ErrorBody),
    )
)]
pub async fn top_titles(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<TopTitlesParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let region = region(p.region.as_deref())?;
    let range = WeekRange::parse(p.from.as_deref(), p.to.as_deref())?;
    let category = params::category(p.category.as_deref(), list_of(region))?;
    let default_order = if region == Region::Global { TitleOrder::Hours } else { TitleOrder::Weeks };
    let order = match p.order.as_deref() {
        None => default_order,
        Some(text) => TitleOrder::parse(text).ok_or_else(|| {
            Error::invalid("order", format!("{text:?} is not an order; accepted: {}", TitleOrder::ACCEPTED))
        })?,
    };
    let page = Page::parse(p.limit, p.offset, MAX_PAGE)?;
    let version = state.warehouse().data_version();
    let key = CacheKey::new(
        "top_titles",
        format!("{region:?}|{}|{category:?}|{order:?}|{}|{}", range.key(), page.limit, page.offset),
        format,
        version,
    );
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (period, rows, total) = warehouse
                .with_connection(move |conn| {
                    ensure_country(conn, region)?;
                    let period = range.resolve(conn)?;
                    let (rows, total) =
                        insights::top_titles(conn, region, period, category, order, page.limit, page.offset)?;
                    Ok((period, rows, total))
                })
                .await?;
            let mut filters = region_filter(region);
            filters.push(("order", order.as_str().to_owned()));
            filters.extend(category.map(|c| ("category", c.slug().to_owned())));
            let mut meta = page_meta(
                "/v1/analytics/top-titles",
                (period.from, period.to),
                filters,
                page,
                rows.len(),
                total,
                version,
            );
            meta.category = category.map(|c| c.as_str().to_owned());
            format::render(format, "top-titles", rows, meta)
        })
        .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrajectoryParams {
    /// `global` (default, with hours and views) or an ISO 3166-1 alpha-2 country code.
    region: Option<String>,
    /// First week, a Sunday; default the first week held.
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    to: Option<String>,
    /// Page size, 1 to 1000; default 1000 (a title's whole run).
    limit: Option<u32>,
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// A title's weekly rank over time, per list and season, with hours and views on the global lists.
#[utoipa::path(
    get,
    path = "/v1/titles/{id}/trajectory",
    tag = "titles",
    params(("id" = i64, Path, description = "A title id from `GET /v1/titles`", example = 42), TrajectoryParams),
    responses(
        (status = 200, description = "The title's weeks, oldest first", content((Envelope<TrajectoryRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No such title or country", body = ErrorBody),
    )
)]
pub async fn trajectory(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(p): Query<TrajectoryParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let region = region(p.region.as_deref())?;
    let range = WeekRange::parse(p.from.as_deref(), p.to.as_deref())?;
    let page = Page::parse(Some(p.limit.unwrap_or(MAX_PAGE)), p.offset, MAX_PAGE)?;
    let version = state.warehouse().data_version();
    let key = CacheKey::new(
        "trajectory",
        format!("{id}|{region:?}|{}|{}|{}", range.key(), page.limit, page.offset),
        format,
        version,
    );
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (period, rows) = warehouse
                .with_connection(move |conn| {
                    if !titles::exists(conn, id)? {
                        return Err(Error::TitleNotFound(id));
                    }
                    ensure_country(conn, region)?;
                    let period = range.resolve(conn)?;
                    Ok((period, insights::trajectory(conn, id, region, period)?))
                })
                .await?;
            let (rows, total) = page_of(rows, page);
            let path = format!("/v1/titles/{id}/trajectory");
            let meta =
                page_meta(&path, (period.from, period.to), region_filter(region), page, rows.len(), total, version);
            format::render(format, &format!("title-{id}-trajectory"), rows, meta)
        })
        .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EngagementParams {
    /// First week, a Sunday; default the first week held.
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    to: Option<String>,
    /// A global category (`tv-english`, …); all four when absent.
    category: Option<String>,
    /// Page size, 1 to 1000; default 20.
    limit: Option<u32>,
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Per title with YouTube videos: their views, likes and comments beside the title's global Top 10
/// performance, most-viewed first. The videos that count are those published before the end of the
/// title's last Top 10 week in the period (promotion before or during the run), with their latest
/// statistics. `meta.correlations` has Pearson and Spearman coefficients, with n, for each
/// engagement measure against hours viewed, weeks in the Top 10 and best rank, over all the titles
/// of the answer.
#[utoipa::path(
    get,
    path = "/v1/analytics/engagement-vs-rank",
    tag = "analytics",
    params(EngagementParams),
    responses(
        (status = 200, description = "A page of titles, and the correlations", content((Envelope<EngagementRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No Top 10 lists yet", body = ErrorBody),
    )
)]
pub async fn engagement_vs_rank(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<EngagementParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let range = WeekRange::parse(p.from.as_deref(), p.to.as_deref())?;
    let category = params::category(p.category.as_deref(), List::Global)?;
    let page = Page::parse(p.limit, p.offset, MAX_PAGE)?;
    let version = state.warehouse().data_version();
    let key = CacheKey::new(
        "engagement_vs_rank",
        format!("{}|{category:?}|{}|{}", range.key(), page.limit, page.offset),
        format,
        version,
    );
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (period, rows, correlations) = warehouse
                .with_connection(move |conn| {
                    let period = range.resolve(conn)?;
                    let (rows, correlations) = insights::engagement_vs_rank(conn, period, category)?;
                    Ok((period, rows, correlations))
                })
                .await?;
            let (rows, total) = page_of(rows, page);
            let filters = category.map(|c| ("category", c.slug().to_owned())).into_iter().collect();
            let mut meta = page_meta(
                "/v1/analytics/engagement-vs-rank",
                (period.from, period.to),
                filters,
                page,
                rows.len(),
                total,
                version,
            );
            meta.category = category.map(|c| c.as_str().to_owned());
            meta.correlations = Some(correlations);
            format::render(format, "engagement-vs-rank", rows, meta)
        })
        .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GenreParams {
    /// `global` (default, with hours) or an ISO 3166-1 alpha-2 country code.
    region: Option<String>,
    /// First week, a Sunday; default the first week held.
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    to: Option<String>,
    /// Page size, 1 to 1000; default 1000.
    limit: Option<u32>,
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Catalog genres on a region's lists over a period: titles, title-weeks, hours (global), average
/// rank, and the YouTube views and likes of the genre's titles' videos. A title counts in each of its
/// genres; titles the catalog does not know have no genre, and `meta.coverage` says how much of the
/// period that leaves out.
#[utoipa::path(
    get,
    path = "/v1/analytics/genre-performance",
    tag = "analytics",
    params(GenreParams),
    responses(
        (status = 200, description = "Genres, most title-weeks first", content((Envelope<GenreRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No lists for that country, or none at all", body = ErrorBody),
    )
)]
pub async fn genre_performance(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<GenreParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let region = region(p.region.as_deref())?;
    let range = WeekRange::parse(p.from.as_deref(), p.to.as_deref())?;
    let page = Page::parse(Some(p.limit.unwrap_or(MAX_PAGE)), p.offset, MAX_PAGE)?;
    let version = state.warehouse().data_version();
    let key = CacheKey::new(
        "genre_performance",
        format!("{region:?}|{}|{}|{}", range.key(), page.limit, page.offset),
        format,
        version,
    );
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (period, rows, coverage) = warehouse
                .with_connection(move |conn| {
                    ensure_country(conn, region)?;
                    let period = range.resolve(conn)?;
                    let (rows, coverage) = insights::genre_performance(conn, region, period)?;
                    Ok((period, rows, coverage))
                })
                .await?;
            let (rows, total) = page_of(rows, page);
            let path = "/v1/analytics/genre-performance";
            let mut meta =
                page_meta(path, (period.from, period.to), region_filter(region), page, rows.len(), total, version);
            meta.coverage = Some(coverage);
            format::render(format, "genre-performance", rows, meta)
        })
        .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First week, a Sunday; default the first week held.
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    to: Option<String>,
    /// Page size; default and most: 1000 (10000 for regional-similarity).
    limit: Option<u32>,
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Per country over a period: the titles on its lists, those on no other country's lists, and the
/// share its lists have in common with the global lists.
#[utoipa::path(
    get,
    path = "/v1/analytics/regional-preferences",
    tag = "analytics",
    params(PeriodParams),
    responses(
        (status = 200, description = "Countries by code", content((Envelope<RegionalPreferenceRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No Top 10 lists yet", body = ErrorBody),
    )
)]
pub async fn regional_preferences(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<PeriodParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let range = WeekRange::parse(p.from.as_deref(), p.to.as_deref())?;
    let page = Page::parse(Some(p.limit.unwrap_or(MAX_PAGE)), p.offset, MAX_PAGE)?;
    let version = state.warehouse().data_version();
    let key = CacheKey::new(
        "regional_preferences",
        format!("{}|{}|{}", range.key(), page.limit, page.offset),
        format,
        version,
    );
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (period, rows) = warehouse
                .with_connection(move |conn| {
                    let period = range.resolve(conn)?;
                    Ok((period, insights::regional_preferences(conn, period)?))
                })
                .await?;
            let (rows, total) = page_of(rows, page);
            let path = "/v1/analytics/regional-preferences";
            let meta = page_meta(path, (period.from, period.to), Vec::new(), page, rows.len(), total, version);
            format::render(format, "regional-preferences", rows, meta)
        })
        .await
}

/// Every pair of countries with lists in the period and the Jaccard overlap of their title sets
/// (shared titles / titles on either), as rows `country_a, country_b, jaccard` — both orders, ready
/// for a heatmap.
#[utoipa::path(
    get,
    path = "/v1/analytics/regional-similarity",
    tag = "analytics",
    params(PeriodParams),
    responses(
        (status = 200, description = "A page of country pairs", content((Envelope<SimilarityRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No Top 10 lists yet", body = ErrorBody),
    )
)]
pub async fn regional_similarity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<PeriodParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let range = WeekRange::parse(p.from.as_deref(), p.to.as_deref())?;
    let page = Page::parse(Some(p.limit.unwrap_or(MAX_PAIRS_PAGE)), p.offset, MAX_PAIRS_PAGE)?;
    let version = state.warehouse().data_version();
    let key = CacheKey::new(
        "regional_similarity",
        format!("{}|{}|{}", range.key(), page.limit, page.offset),
        format,
        version,
    );
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (period, rows, total) = warehouse
                .with_connection(move |conn| {
                    let period = range.resolve(conn)?;
                    let (rows, total) = insights::regional_similarity(conn, period, page.limit, page.offset)?;
                    Ok((period, rows, total))
                })
                .await?;
            let path = "/v1/analytics/regional-similarity";
            let meta = page_meta(path, (period.from, period.to), Vec::new(), page, rows.len(), total, version);
            format::render(format, "regional-similarity", rows, meta)
        })
        .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ViewershipParams {
    /// First week, a Sunday; default the first week held.
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    to: Option<String>,
    /// `total` (default: one row per category) or `week` (one row per week and category).
    interval: Option<String>,
    /// Page size, 1 to 1000; default 1000.
    limit: Option<u32>,
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Global viewership by category: title-weeks, hours viewed, and the average hours and views of a
/// title-week; in total or per week.
#[utoipa::path(
    get,
    path = "/v1/analytics/category-viewership",
    tag = "analytics",
    params(ViewershipParams),
    responses(
        (status = 200, description = "`interval=total` rows are CategoryViewershipRow; `interval=week` rows are CategoryWeekRow",
            content((Envelope<CategoryViewershipRow> = "application/json"), (Envelope<CategoryWeekRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No Top 10 lists yet", body = ErrorBody),
    )
)]
pub async fn category_viewership(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<ViewershipParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let range = WeekRange::parse(p.from.as_deref(), p.to.as_deref())?;
    let weekly = match p.interval.as_deref().map(str::trim) {
        None | Some("total") => false,
        Some("week") => true,
        Some(other) => {
            return Err(Error::invalid("interval", format!("{other:?} is not an interval; accepted: total, week")));
        }
    };
    let page = Page::parse(Some(p.limit.unwrap_or(MAX_PAGE)), p.offset, MAX_PAGE)?;
    let version = state.warehouse().data_version();
    let key = CacheKey::new(
        "category_viewership",
        format!("{}|{weekly}|{}|{}", range.key(), page.limit, page.offset),
        format,
        version,
    );
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let path = "/v1/analytics/category-viewership";
            if weekly {
                let (period, rows) = warehouse
                    .with_connection(move |conn| {
                        let period = range.resolve(conn)?;
                        Ok((period, insights::category_viewership_weekly(conn, period)?))
                    })
                    .await?;
                let (rows, total) = page_of(rows, page);
                let filters = vec![("interval", "week".to_owned())];
                let meta = page_meta(path, (period.from, period.to), filters, page, rows.len(), total, version);
                format::render(format, "category-viewership-weekly", rows, meta)
            } else {
                let (period, rows) = warehouse
                    .with_connection(move |conn| {
                        let period = range.resolve(conn)?;
                        Ok((period, insights::category_viewership(conn, period)?))
                    })
                    .await?;
                let (rows, total) = page_of(rows, page);
                let meta = page_meta(path, (period.from, period.to), Vec::new(), page, rows.len(), total, version);
                format::render(format, "category-viewership", rows, meta)
            }
        })
        .await
}

/// Hours viewed over time: each chosen title's global hours and views per week (all its seasons and
/// lists together) — the "most popular shows weekly" chart.
#[utoipa::path(
    get,
    path = "/v1/analytics/weekly-hours",
    tag = "analytics",
    params(
        ("title" = Option<Vec<String>>, Query, description = "A title id or name; repeat it for several titles (`?title=Wednesday&title=42`). Absent: the `top` titles with the most hours in the period."),
        ("top" = Option<u32>, Query, description = "Without `title`: how many titles, 1 to 50; default 10."),
        ("from" = Option<String>, Query, description = "First week, a Sunday; default the first week held."),
        ("to" = Option<String>, Query, description = "Last week, a Sunday; default the latest week held."),
        ("format" = Option<String>, Query, description = "`json` (default) or `csv`; wins over the `Accept` header."),
    ),
    responses(
        (status = 200, description = "Weeks and titles, oldest week first", content((Envelope<WeeklyHoursRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No title by that name or id, or no lists yet", body = ErrorBody),
    )
)]
pub async fn weekly_hours(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let mut titles_asked: Vec<String> = Vec::new();
    let (mut top, mut from, mut to, mut format_param) = (None, None, None, None);
    for (name, value) in url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes()) {
        let value = value.into_owned();
        match name.as_ref() {
            "title" => titles_asked.push(value),
            "top" => {
                top =
                    Some(value.parse::<u32>().ok().filter(|n| (1..=50).contains(n)).ok_or_else(|| {
                        Error::invalid("top", format!("{value:?} is out of range; accepted: 1 to 50"))
                    })?)
            }
            "from" => from = Some(value),
            "to" => to = Some(value),
            "format" => format_param = Some(value),
            other => {
                return Err(Error::invalid(
                    "query string",
                    format!("unknown parameter `{other}`; accepted: title, top, from, to, format"),
                ));
            }
        }
    }
    if !titles_asked.is_empty() && top.is_some() {
        return Err(Error::invalid("top", "top chooses titles when no title is given; use one or the other"));
    }
    let format = Format::negotiate(format_param.as_deref(), &headers)?;
    let range = WeekRange::parse(from.as_deref(), to.as_deref())?;
    let top = top.unwrap_or(10);
    let version = state.warehouse().data_version();
    let canonical: Vec<String> = titles_asked.iter().map(|t| normalize(t)).collect();
    let key = CacheKey::new("weekly_hours", format!("{canonical:?}|{top}|{}", range.key()), format, version);
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (period, rows) = warehouse
                .with_connection(move |conn| {
                    let period = range.resolve(conn)?;
                    let ids = if titles_asked.is_empty() {
                        insights::most_watched_titles(conn, period, top)?
                    } else {
                        titles_asked.iter().map(|asked| title_id(conn, asked)).collect::<Result<Vec<_>>>()?
                    };
                    Ok((period, insights::weekly_hours(conn, &ids, period)?))
                })
                .await?;
            let mut meta = Meta::new(rows.len(), Vec::new(), version);
            meta.from = Some(period.from.to_string());
            meta.to = Some(period.to.to_string());
            format::render(format, "weekly-hours", rows, meta)
        })
        .await
}

/// A title id as given, or the most charted title with that name.
fn title_id(conn: &Connection, asked: &str) -> Result<i64> {
    if let Ok(id) = asked.trim().parse::<i64>() {
        return if titles::exists(conn, id)? { Ok(id) } else { Err(Error::TitleNotFound(id)) };
    }
    insights::title_by_name(conn, &normalize(asked))?.ok_or_else(|| Error::UnknownTitle { name: asked.to_owned() })
}

/// `from`/`to` for the YouTube endpoints: days of publication, any day.
fn day(name: &'static str, value: Option<&str>) -> Result<Option<NaiveDate>> {
    value
        .map(|text| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| Error::invalid(name, format!("{text:?} is not a date; accepted: YYYY-MM-DD")))
        })
        .transpose()
}

fn video_period(conn: &Connection, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(NaiveDate, NaiveDate)> {
    let (first, last) = insights::video_days(conn)?.ok_or(Error::NoData { what: "YouTube videos" })?;
    Ok((from.unwrap_or(first), to.unwrap_or(last)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopEngagementParams {
    /// First day of publication, YYYY-MM-DD; default the first video's.
    from: Option<String>,
    /// Last day of publication; default the latest video's.
    to: Option<String>,
    /// `views` (default), `likes`, `comments` or `engagement_rate`.
    metric: Option<String>,
    /// Page size, 1 to 1000; default 20.
    limit: Option<u32>,
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Titles by the engagement of their YouTube videos published in the period (latest statistics).
#[utoipa::path(
    get,
    path = "/v1/analytics/youtube/top-engagement",
    tag = "analytics",
    params(TopEngagementParams),
    responses(
        (status = 200, description = "A page of titles", content((Envelope<EngagementTitleRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No videos yet", body = ErrorBody),
    )
)]
pub async fn youtube_top_engagement(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<TopEngagementParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let (from, to) = (day("from", p.from.as_deref())?, day("to", p.to.as_deref())?);
    let metric = match p.metric.as_deref() {
        None => EngagementMetric::Views,
        Some(text) => EngagementMetric::parse(text).ok_or_else(|| {
            Error::invalid("metric", format!("{text:?} is not a metric; accepted: {}", EngagementMetric::ACCEPTED))
        })?,
    };
    let page = Page::parse(p.limit, p.offset, MAX_PAGE)?;
    let version = state.warehouse().data_version();
    let key = CacheKey::new(
        "youtube_top_engagement",
        format!("{from:?}..{to:?}|{metric:?}|{}|{}", page.limit, page.offset),
        format,
        version,
    );
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (days, rows, total) = warehouse
                .with_connection(move |conn| {
                    let (from, to) = video_period(conn, from, to)?;
                    let (rows, total) =
                        insights::youtube_top_engagement(conn, from, to, metric, page.limit, page.offset)?;
                    Ok(((from, to), rows, total))
                })
                .await?;
            let path = "/v1/analytics/youtube/top-engagement";
            let filters = vec![("metric", metric.as_str().to_owned())];
            let meta = page_meta(path, days, filters, page, rows.len(), total, version);
            format::render(format, "youtube-top-engagement", rows, meta)
        })
        .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DurationParams {
    /// Bucket width in minutes, 1 to 120; default 1.
    bucket_minutes: Option<u32>,
    /// First day of publication, YYYY-MM-DD; default the first video's.
    from: Option<String>,
    /// Last day of publication; default the latest video's.
    to: Option<String>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// How long the channel's videos are: a histogram of durations with views per bucket. Live and
/// upcoming videos (no duration yet) are left out.
#[utoipa::path(
    get,
    path = "/v1/analytics/youtube/duration-histogram",
    tag = "analytics",
    params(DurationParams),
    responses(
        (status = 200, description = "Buckets, shortest first; empty buckets are absent", content((Envelope<DurationBucketRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No videos yet", body = ErrorBody),
    )
)]
pub async fn youtube_duration_histogram(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<DurationParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let bucket = p.bucket_minutes.unwrap_or(1);
    if !(1..=120).contains(&bucket) {
        return Err(Error::invalid("bucket_minutes", format!("{bucket} is out of range; accepted: 1 to 120")));
    }
    let (from, to) = (day("from", p.from.as_deref())?, day("to", p.to.as_deref())?);
    let version = state.warehouse().data_version();
    let key = CacheKey::new("youtube_durations", format!("{bucket}|{from:?}..{to:?}"), format, version);
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (days, rows) = warehouse
                .with_connection(move |conn| {
                    let (from, to) = video_period(conn, from, to)?;
                    Ok(((from, to), insights::youtube_durations(conn, bucket, from, to)?))
                })
                .await?;
            let mut meta = Meta::new(rows.len(), Vec::new(), version);
            meta.from = Some(days.0.to_string());
            meta.to = Some(days.1.to_string());
            format::render(format, "youtube-duration-histogram", rows, meta)
        })
        .await
}
