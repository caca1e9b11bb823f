//! Titles across the feeds, and what did not match.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::answer::answer;
use super::error::ErrorBody;
use super::extract::{Path, Query};
use super::format::{Envelope, Format};
use super::params::{self, PageSize};
use super::state::AppState;
use crate::analytics::titles::{
    self, Lookup, TitleDetail, TitleKind, TitleSearch, TitleSummary, Unmatched, UnmatchedEntity, UnmatchedSource,
};
use crate::error::{Error, Result};
use crate::identity::normalize::normalize;

/// A search longer than any title's name finds nothing; the bound keeps keys and work small.
const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TitlesParams {
    /// Words of the name, in any case, with or without accents and punctuation; every title when absent.
    #[param(example = "wednesday", max_length = 200)]
    q: Option<String>,
    /// `film` or `series`.
    kind: Option<String>,
    /// Page size, 1 to 1000, or `all` for the whole answer (at most `NA_MAX_ROWS` rows); default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Titles to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Titles whose name contains the query: exact names first, then prefixes, then the most charted.
#[utoipa::path(
    get,
    path = "/v1/titles",
    tag = "titles",
    params(TitlesParams),
    responses(
        (status = 200, description = "A page of titles; `meta.next` and the `Link` header point to the next page",
            content((Envelope<TitleSummary> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "Unknown kind, format or parameter, or a limit out of range, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
    )
)]
pub async fn search_titles(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<TitlesParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    Ok(answer(&state, &headers, format, "/v1/titles".into(), p.question(state.max_rows())?).await)
}

impl TitlesParams {
    pub fn question(&self, max_rows: u32) -> Result<TitleSearch> {
        let asked = self.q.clone().unwrap_or_default();
        if asked.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::invalid("q", format!("the query is longer than {MAX_QUERY_CHARS} characters")));
        }
        let query = normalize(&asked);
        if query.is_empty() && !asked.trim().is_empty() {
            return Err(Error::invalid("q", "the query has no letters or digits to search for"));
        }
        Ok(TitleSearch {
            query,
            asked,
            kind: params::choice("kind", self.kind.as_deref(), TitleKind::parse, TitleKind::ACCEPTED)?,
            page: params::page_or_all(self.limit.as_deref(), self.offset, PageSize::LIST, max_rows)?,
        })
    }
}

/// Everything the feeds say about one title: its Top 10 presence, the catalog show, YouTube videos
/// with their latest statistics, and how each source was matched. Read from one snapshot.
#[utoipa::path(
    get,
    path = "/v1/titles/{id}",
    tag = "titles",
    params(("id" = i64, Path, description = "A title id from `GET /v1/titles`", example = 42)),
    responses(
        (status = 200, description = "The title", body = TitleDetail),
        (status = 301, description = "The id belongs to an entity that joined an older title; `Location` names it"),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No such title", body = ErrorBody),
    )
)]
pub async fn get_title(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response> {
    match state.warehouse().read(move |db| titles::lookup(db, id)).await? {
        Lookup::Found(detail) => Ok(Json(*detail).into_response()),
        Lookup::MovedTo(current) => {
            let location = HeaderValue::from_str(&format!("/v1/titles/{current}")).expect("ASCII");
            Ok((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response())
        }
        Lookup::Missing => Err(Error::TitleNotFound(id)),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnmatchedParams {
    /// `top10` or `youtube`; both when absent. (Catalog shows anchor titles, so they always match.)
    source: Option<String>,
    /// Page size, 1 to 1000, or `all` for the whole answer (at most `NA_MAX_ROWS` rows); default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Rows to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Top 10 titles that matched no catalog show, and videos that matched no title, with the reason
/// and the closest candidate: the data steward's work list.
#[utoipa::path(
    get,
    path = "/v1/quality/unmatched",
    tag = "titles",
    params(UnmatchedParams),
    responses(
        (status = 200, description = "A page of unmatched entities",
            content((Envelope<UnmatchedEntity> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "Unknown source, format or parameter, or an answer longer than `NA_MAX_ROWS` asked whole (`answer_too_large`)", body = ErrorBody),
    )
)]
pub async fn list_unmatched(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<UnmatchedParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let question = Unmatched {
        source: params::choice("source", p.source.as_deref(), UnmatchedSource::parse, UnmatchedSource::ACCEPTED)?,
        page: params::page_or_all(p.limit.as_deref(), p.offset, PageSize::LIST, state.max_rows())?,
    };
    Ok(answer(&state, &headers, format, "/v1/quality/unmatched".into(), question).await)
}
