//! The Top 10 lists as Netflix publishes them.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::answer::answer;
use super::error::ErrorBody;
use super::extract::{Path, Query};
use super::format::{Envelope, Format};
use super::params;
use super::state::AppState;
use crate::analytics::top10::{
    Countries, CountrySummary, CountryWeek, GlobalWeek, MostPopular, Top10CountryRow, Top10GlobalRow,
    Top10MostPopularRow, WeekSummary, Weeks,
};
use crate::domain::{CountryCode, List};
use crate::error::{Error, Result};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GlobalParams {
    /// A Sunday as `YYYY-MM-DD`, or `latest` (the default): the week ending that Sunday.
    #[param(example = "latest", pattern = "^(latest|[0-9]{4}-[0-9]{2}-[0-9]{2})$")]
    week: Option<String>,
    /// `Films (English)`, `Films (Non-English)`, `TV (English)`, `TV (Non-English)` (any letter case)
    /// or their slugs `films-english`, `films-non-english`, `tv-english`, `tv-non-english`. All four
    /// lists when absent.
    category: Option<String>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CountryParams {
    /// A Sunday as `YYYY-MM-DD`, or `latest` (the default): the country's newest week.
    #[param(example = "latest", pattern = "^(latest|[0-9]{4}-[0-9]{2}-[0-9]{2})$")]
    week: Option<String>,
    /// `Films` or `TV` (any letter case); both lists when absent.
    category: Option<String>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MostPopularParams {
    /// As for the global list; all four lists when absent.
    category: Option<String>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatParams {
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// One week's global Top 10: four lists of ten, with hours viewed and (from 2023-06-18) views.
#[utoipa::path(
    get,
    path = "/v1/top10/global",
    tag = "top10",
    params(GlobalParams),
    responses(
        (status = 200, description = "The week's global lists, ordered by category and rank",
            content((Envelope<Top10GlobalRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "Malformed week or format, unknown category or parameter", body = ErrorBody),
        (status = 404, description = "No data for that week, or none at all yet", body = ErrorBody),
    )
)]
pub async fn global_top10(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<GlobalParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let question = GlobalWeek {
        week: params::week(p.week.as_deref())?,
        category: params::category(p.category.as_deref(), List::Global)?,
    };
    Ok(answer(&state, &headers, format, "/v1/top10/global".into(), question).await)
}

/// One week's Top 10 in one country: films and TV, ten each. Countries have no hours or views.
#[utoipa::path(
    get,
    path = "/v1/top10/countries/{country_iso2}",
    tag = "top10",
    params(
        ("country_iso2" = String, Path, description = "ISO 3166-1 alpha-2 code, any letter case; `GET /v1/countries` lists those with data", example = "US", pattern = "^[A-Za-z]{2}$"),
        CountryParams,
    ),
    responses(
        (status = 200, description = "The country's lists for the week, ordered by category and rank",
            content((Envelope<Top10CountryRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "Malformed country code, week or format, unknown category or parameter", body = ErrorBody),
        (status = 404, description = "No data for that country or week", body = ErrorBody),
    )
)]
pub async fn country_top10(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(country): Path<String>,
    Query(p): Query<CountryParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let country = CountryCode::parse(country.trim()).ok_or_else(|| {
        Error::invalid("country_iso2", format!("{country:?} is not an ISO 3166-1 alpha-2 code such as US or KR"))
    })?;
    let question = CountryWeek {
        country,
        week: params::week(p.week.as_deref())?,
        category: params::category(p.category.as_deref(), List::Countries)?,
    };
    Ok(answer(&state, &headers, format, format!("/v1/top10/countries/{country}"), question).await)
}

/// The all-time most popular titles: ranked by views in their first 91 days.
#[utoipa::path(
    get,
    path = "/v1/top10/most-popular",
    tag = "top10",
    params(MostPopularParams),
    responses(
        (status = 200, description = "The all-time lists, ordered by category and rank",
            content((Envelope<Top10MostPopularRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "Unknown category, format or parameter", body = ErrorBody),
    )
)]
pub async fn most_popular(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<MostPopularParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let question = MostPopular { category: params::category(p.category.as_deref(), List::MostPopular)? };
    Ok(answer(&state, &headers, format, "/v1/top10/most-popular".into(), question).await)
}

/// Every week the warehouse holds, newest first, with how many lists it has.
#[utoipa::path(
    get,
    path = "/v1/weeks",
    tag = "top10",
    params(FormatParams),
    responses(
        (status = 200, description = "Weeks with data, newest first",
            content((Envelope<WeekSummary> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "Unknown format or parameter", body = ErrorBody),
    )
)]
pub async fn list_weeks(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<FormatParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    Ok(answer(&state, &headers, format, "/v1/weeks".into(), Weeks).await)
}

/// Every country with Top 10 lists: code, English name and the weeks covered.
#[utoipa::path(
    get,
    path = "/v1/countries",
    tag = "top10",
    params(FormatParams),
    responses(
        (status = 200, description = "Countries with data, by code",
            content((Envelope<CountrySummary> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "Unknown format or parameter", body = ErrorBody),
    )
)]
pub async fn list_countries(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<FormatParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    Ok(answer(&state, &headers, format, "/v1/countries".into(), Countries).await)
}
