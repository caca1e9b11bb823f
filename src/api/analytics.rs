//! The analytics endpoints: JSON, CSV or an SVG chart, a week range (`from`, `to`, Sundays) where it
//! makes sense, `limit`/`offset` paging with a `Link` to the next page. Each handler parses its
//! parameters into a question and answers it through `answer_charted`.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::answer::answer_charted;
use super::error::ErrorBody;
use super::extract::{Path, Query};
use super::format::{Envelope, Format};
use super::params::{self, PageSize};
use super::state::AppState;
use crate::analytics::insights::{
    CategoryViewership, CategoryViewershipRow, CategoryViewershipWeekly, CategoryWeekRow, DurationBucketRow,
    EngagementMetric, EngagementRow, EngagementTitleRow, EngagementVsRank, GenrePerformance, GenreRow, Region,
    RegionalPreferenceRow, RegionalPreferences, RegionalSimilarity, SimilarityRow, TitleOrder, TopTitleRow, TopTitles,
    Trajectory, TrajectoryRow, WeeklyHours, WeeklyHoursRow, YoutubeDurations, YoutubeTopEngagement,
};
use crate::analytics::scope::TitleRef;
use crate::domain::List;
use crate::error::{Error, Result};
use crate::identity::normalize::normalize;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopTitlesParams {
    /// `global` (default) or an ISO 3166-1 alpha-2 country code.
    #[param(example = "global", pattern = "^(global|[A-Za-z]{2})$")]
    region: Option<String>,
    /// First week of the period, a Sunday; default the first week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// Last week of the period, a Sunday; default the latest week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    to: Option<String>,
    /// A category of the region's lists (`tv-english`, `films`, …); all when absent.
    category: Option<String>,
    /// `hours` (default for global), `views`, `weeks` (default for countries) or `best_rank`.
    order: Option<String>,
    /// Page size, 1 to 1000, or `all` for the whole answer (at most `NA_MAX_ROWS` rows); default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Rows to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.
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
        (status = 400, description = "A malformed or out-of-range parameter, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
        (status = 404, description = "No lists for that country, or none at all", body = ErrorBody),
    )
)]
pub async fn top_titles(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<TopTitlesParams>,
) -> Result<Response> {
    let format = Format::negotiate_charted(p.format.as_deref(), &headers)?;
    Ok(answer_charted(&state, &headers, format, "/v1/analytics/top-titles".into(), p.question(state.max_rows())?).await)
}

impl TopTitlesParams {
    pub fn question(&self, max_rows: u32) -> Result<TopTitles> {
        let region = params::region(self.region.as_deref())?;
        let default_order = if region == Region::Global { TitleOrder::Hours } else { TitleOrder::Weeks };
        Ok(TopTitles {
            region,
            range: params::week_range(self.from.as_deref(), self.to.as_deref())?,
            category: params::category(self.category.as_deref(), params::list_of(region))?,
            order: params::choice("order", self.order.as_deref(), TitleOrder::parse, TitleOrder::ACCEPTED)?
                .unwrap_or(default_order),
            page: params::page_or_all(self.limit.as_deref(), self.offset, PageSize::LIST, max_rows)?,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrajectoryParams {
    /// `global` (default, with hours and views) or an ISO 3166-1 alpha-2 country code.
    #[param(pattern = "^(global|[A-Za-z]{2})$")]
    region: Option<String>,
    /// First week, a Sunday; default the first week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    to: Option<String>,
    /// Page size, 1 to 1000, or `all` (the whole answer, at most `NA_MAX_ROWS` rows); default 1000 (a whole run).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Rows to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.
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
        (status = 400, description = "A malformed parameter, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
        (status = 404, description = "No such title or country", body = ErrorBody),
    )
)]
pub async fn trajectory(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(p): Query<TrajectoryParams>,
) -> Result<Response> {
    let format = Format::negotiate_charted(p.format.as_deref(), &headers)?;
    Ok(answer_charted(
        &state,
        &headers,
        format,
        format!("/v1/titles/{id}/trajectory"),
        p.question(id, state.max_rows())?,
    )
    .await)
}

impl TrajectoryParams {
    pub fn question(&self, title_id: i64, max_rows: u32) -> Result<Trajectory> {
        Ok(Trajectory {
            title_id,
            region: params::region(self.region.as_deref())?,
            range: params::week_range(self.from.as_deref(), self.to.as_deref())?,
            page: params::page_or_all(self.limit.as_deref(), self.offset, PageSize::WHOLE, max_rows)?,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EngagementParams {
    /// First week, a Sunday; default the first week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    to: Option<String>,
    /// A global category (`tv-english`, …); all four when absent.
    category: Option<String>,
    /// Page size, 1 to 1000, or `all` for the whole answer (at most `NA_MAX_ROWS` rows); default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Rows to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.
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
        (status = 400, description = "A malformed parameter, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
        (status = 404, description = "No Top 10 lists yet", body = ErrorBody),
    )
)]
pub async fn engagement_vs_rank(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<EngagementParams>,
) -> Result<Response> {
    let format = Format::negotiate_charted(p.format.as_deref(), &headers)?;
    Ok(answer_charted(
        &state,
        &headers,
        format,
        "/v1/analytics/engagement-vs-rank".into(),
        p.question(state.max_rows())?,
    )
    .await)
}

impl EngagementParams {
    pub fn question(&self, max_rows: u32) -> Result<EngagementVsRank> {
        Ok(EngagementVsRank {
            range: params::week_range(self.from.as_deref(), self.to.as_deref())?,
            category: params::category(self.category.as_deref(), List::Global)?,
            page: params::page_or_all(self.limit.as_deref(), self.offset, PageSize::LIST, max_rows)?,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GenreParams {
    /// `global` (default, with hours) or an ISO 3166-1 alpha-2 country code.
    #[param(pattern = "^(global|[A-Za-z]{2})$")]
    region: Option<String>,
    /// First week, a Sunday; default the first week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    to: Option<String>,
    /// Page size, 1 to 1000, or `all` for the whole answer (at most `NA_MAX_ROWS` rows); default 1000.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Rows to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.
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
        (status = 400, description = "A malformed parameter, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
        (status = 404, description = "No lists for that country, or none at all", body = ErrorBody),
    )
)]
pub async fn genre_performance(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<GenreParams>,
) -> Result<Response> {
    let format = Format::negotiate_charted(p.format.as_deref(), &headers)?;
    Ok(answer_charted(
        &state,
        &headers,
        format,
        "/v1/analytics/genre-performance".into(),
        p.question(state.max_rows())?,
    )
    .await)
}

impl GenreParams {
    pub fn question(&self, max_rows: u32) -> Result<GenrePerformance> {
        Ok(GenrePerformance {
            region: params::region(self.region.as_deref())?,
            range: params::week_range(self.from.as_deref(), self.to.as_deref())?,
            page: params::page_or_all(self.limit.as_deref(), self.offset, PageSize::WHOLE, max_rows)?,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First week, a Sunday; default the first week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    to: Option<String>,
    /// Page size, 1 to 1000, or `all` for the whole answer (at most `NA_MAX_ROWS` rows); default 1000.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Rows to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.
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
        (status = 400, description = "A malformed parameter, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
        (status = 404, description = "No Top 10 lists yet", body = ErrorBody),
    )
)]
pub async fn regional_preferences(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<PeriodParams>,
) -> Result<Response> {
    let format = Format::negotiate_charted(p.format.as_deref(), &headers)?;
    Ok(answer_charted(
        &state,
        &headers,
        format,
        "/v1/analytics/regional-preferences".into(),
        p.preferences(state.max_rows())?,
    )
    .await)
}

impl PeriodParams {
    pub fn preferences(&self, max_rows: u32) -> Result<RegionalPreferences> {
        Ok(RegionalPreferences {
            range: params::week_range(self.from.as_deref(), self.to.as_deref())?,
            page: params::page_or_all(self.limit.as_deref(), self.offset, PageSize::WHOLE, max_rows)?,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PairsParams {
    /// First week, a Sunday; default the first week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    to: Option<String>,
    /// Page size, 1 to 10000, or `all` for the whole answer (at most `NA_MAX_ROWS` rows); default 10000.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    limit: Option<String>,
    /// Rows to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.
    format: Option<String>,
}

/// Every pair of countries with lists in the period and the Jaccard overlap of their title sets
/// (shared titles / titles on either), as rows `country_a, country_b, jaccard` — both orders, ready
/// for a heatmap.
#[utoipa::path(
    get,
    path = "/v1/analytics/regional-similarity",
    tag = "analytics",
    params(PairsParams),
    responses(
        (status = 200, description = "A page of country pairs", content((Envelope<SimilarityRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
        (status = 404, description = "No Top 10 lists yet", body = ErrorBody),
    )
)]
pub async fn regional_similarity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<PairsParams>,
) -> Result<Response> {
    let format = Format::negotiate_charted(p.format.as_deref(), &headers)?;
    let question = RegionalSimilarity {
        range: params::week_range(p.from.as_deref(), p.to.as_deref())?,
        page: params::page_or_all(p.limit.as_deref(), p.offset, PageSize::PAIRS, state.max_rows())?,
    };
    Ok(answer_charted(&state, &headers, format, "/v1/analytics/regional-similarity".into(), question).await)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ViewershipParams {
    /// First week, a Sunday; default the first week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// Last week, a Sunday; default the latest week held.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    to: Option<String>,
    /// `total` (default: one row per category) or `week` (one row per week and category).
    interval: Option<String>,
    /// Page size, 1 to 1000, or `all` for the whole answer (at most `NA_MAX_ROWS` rows); default 1000.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Rows to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.
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
        (status = 400, description = "A malformed parameter, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
        (status = 404, description = "No Top 10 lists yet", body = ErrorBody),
    )
)]
pub async fn category_viewership(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<ViewershipParams>,
) -> Result<Response> {
    let format = Format::negotiate_charted(p.format.as_deref(), &headers)?;
    let path = "/v1/analytics/category-viewership".to_owned();
    Ok(match p.question(state.max_rows())? {
        Viewership::Total(question) => answer_charted(&state, &headers, format, path, question).await,
        Viewership::Weekly(question) => answer_charted(&state, &headers, format, path, question).await,
    })
}

/// `category-viewership` asks one of two questions, by `interval`.
pub enum Viewership {
    Total(CategoryViewership),
    Weekly(CategoryViewershipWeekly),
}

impl ViewershipParams {
    pub fn question(&self, max_rows: u32) -> Result<Viewership> {
        let range = params::week_range(self.from.as_deref(), self.to.as_deref())?;
        let page = params::page_or_all(self.limit.as_deref(), self.offset, PageSize::WHOLE, max_rows)?;
        match self.interval.as_deref().map(str::trim) {
            None | Some("total") => Ok(Viewership::Total(CategoryViewership { range, page })),
            Some("week") => Ok(Viewership::Weekly(CategoryViewershipWeekly { range, page })),
            Some(other) => {
                Err(Error::invalid("interval", format!("{other:?} is not an interval; accepted: total, week")))
            }
        }
    }
}

/// Hours viewed over time: each chosen title's global hours and views per week (all its seasons and
/// lists together) — the "most popular shows weekly" chart.
#[utoipa::path(
    get,
    path = "/v1/analytics/weekly-hours",
    tag = "analytics",
    params(
        ("title" = Option<Vec<String>>, Query, description = "A title id or name; repeat it for several titles (`?title=Wednesday&title=42`), at most 50. Absent: the `top` titles with the most hours in the period."),
        ("top" = Option<u32>, Query, description = "Without `title`: how many titles, 1 to 50; default 10.", minimum = 1, maximum = 50),
        ("from" = Option<String>, Query, description = "First week, a Sunday; default the first week held.", pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        ("to" = Option<String>, Query, description = "Last week, a Sunday; default the latest week held.", pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        ("format" = Option<String>, Query, description = "`json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.", pattern = "^(json|csv|svg)$"),
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
    let mut titles = Vec::new();
    let (mut top, mut from, mut to, mut format_param) = (None, None, None, None);
    for (name, value) in url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes()) {
        match name.as_ref() {
            "title" if titles.len() == WeeklyHours::MAX_TITLES => {
                return Err(Error::invalid("title", format!("at most {} titles", WeeklyHours::MAX_TITLES)));
            }
            "title" => titles.push(title_ref(&value)?),
            "top" => top = Some(value.into_owned()),
            "from" => from = Some(value.into_owned()),
            "to" => to = Some(value.into_owned()),
            "format" => format_param = Some(value.into_owned()),
            other => {
                return Err(Error::invalid(
                    "query string",
                    format!("unknown parameter `{other}`; accepted: title, top, from, to, format"),
                ));
            }
        }
    }
    let top = top
        .map(|text| {
            text.parse::<u32>().ok().filter(|n| (1..=WeeklyHours::MAX_TOP).contains(n)).ok_or_else(|| {
                Error::invalid("top", format!("{text:?} is out of range; accepted: 1 to {}", WeeklyHours::MAX_TOP))
            })
        })
        .transpose()?;
    if !titles.is_empty() && top.is_some() {
        return Err(Error::invalid("top", "top chooses titles when no title is given; use one or the other"));
    }
    let format = Format::negotiate_charted(format_param.as_deref(), &headers)?;
    let question =
        WeeklyHours { titles, top: top.unwrap_or(10), range: params::week_range(from.as_deref(), to.as_deref())? };
    Ok(answer_charted(&state, &headers, format, "/v1/analytics/weekly-hours".into(), question).await)
}

/// A title by id, or by name (matched as normalised).
fn title_ref(asked: &str) -> Result<TitleRef> {
    if let Ok(id) = asked.trim().parse::<i64>() {
        return Ok(TitleRef::Id(id));
    }
    let normalized = normalize(asked);
    if normalized.is_empty() {
        return Err(Error::invalid("title", format!("{asked:?} is neither a title id nor a name")));
    }
    Ok(TitleRef::Name { normalized, asked: asked.chars().take(200).collect() })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopEngagementParams {
    /// First day of publication, YYYY-MM-DD; default the first video's.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// Last day of publication; default the latest video's.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    to: Option<String>,
    /// `views` (default), `likes`, `comments` or `engagement_rate`.
    metric: Option<String>,
    /// Page size, 1 to 1000, or `all` for the whole answer (at most `NA_MAX_ROWS` rows); default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Rows to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.
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
        (status = 400, description = "A malformed parameter, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
        (status = 404, description = "No videos yet", body = ErrorBody),
    )
)]
pub async fn youtube_top_engagement(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<TopEngagementParams>,
) -> Result<Response> {
    let format = Format::negotiate_charted(p.format.as_deref(), &headers)?;
    Ok(answer_charted(
        &state,
        &headers,
        format,
        "/v1/analytics/youtube/top-engagement".into(),
        p.question(state.max_rows())?,
    )
    .await)
}

impl TopEngagementParams {
    pub fn question(&self, max_rows: u32) -> Result<YoutubeTopEngagement> {
        Ok(YoutubeTopEngagement {
            days: params::day_range(self.from.as_deref(), self.to.as_deref())?,
            metric: params::choice(
                "metric",
                self.metric.as_deref(),
                EngagementMetric::parse,
                EngagementMetric::ACCEPTED,
            )?
            .unwrap_or(EngagementMetric::Views),
            page: params::page_or_all(self.limit.as_deref(), self.offset, PageSize::LIST, max_rows)?,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DurationParams {
    /// Bucket width in minutes, 1 to 120; default 1.
    #[param(minimum = 1, maximum = 120)]
    bucket_minutes: Option<u32>,
    /// First day of publication, YYYY-MM-DD; default the first video's.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// Last day of publication; default the latest video's.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    to: Option<String>,
    /// `json` (default), `csv` or `svg` (a chart); wins over the `Accept` header.
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
    let format = Format::negotiate_charted(p.format.as_deref(), &headers)?;
    let bucket_minutes = p.bucket_minutes.unwrap_or(1);
    if !YoutubeDurations::BUCKETS.contains(&bucket_minutes) {
        return Err(Error::invalid("bucket_minutes", format!("{bucket_minutes} is out of range; accepted: 1 to 120")));
    }
    let question = YoutubeDurations { bucket_minutes, days: params::day_range(p.from.as_deref(), p.to.as_deref())? };
    Ok(answer_charted(&state, &headers, format, "/v1/analytics/youtube/duration-histogram".into(), question).await)
}
