//! Titles across the feeds, and what did not match.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::cache::CacheKey;
use super::error::ErrorBody;
use super::extract::{Path, Query};
use super::format::{self, Envelope, Format, Meta};
use super::params::{MAX_PAGE, Page};
use super::state::AppState;
use crate::analytics::titles::{self, Lookup, TitleDetail, TitleSearch, TitleSummary, UnmatchedEntity};
use crate::error::{Error, Result};
use crate::identity::normalize::normalize;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TitlesParams {
    /// Words of the name, in any case, with or without accents and punctuation; every title when absent.
    #[param(example = "wednesday")]
    q: Option<String>,
    /// `film` or `series`.
    kind: Option<String>,
    /// Page size, 1 to 1000; default 20.
    limit: Option<u32>,
    /// Titles to skip; default 0.
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
        (status = 400, description = "Unknown kind, format or parameter, or a limit out of range", body = ErrorBody),
    )
)]
pub async fn search_titles(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<TitlesParams>,
) -> Result<Response> {
    let format = Format::negotiate(params.format.as_deref(), &headers)?;
    let page = Page::parse(params.limit, params.offset, MAX_PAGE)?;
    let kind = match params.kind.as_deref().map(str::trim) {
        None => None,
        Some(kind @ ("film" | "series")) => Some(kind.to_owned()),
        Some(other) => return Err(Error::invalid("kind", format!("{other:?} is not a kind; accepted: film, series"))),
    };
    let raw_query = params.q.unwrap_or_default();
    let query = normalize(&raw_query);
    if query.is_empty() && !raw_query.trim().is_empty() {
        return Err(Error::invalid("q", "the query has no letters or digits to search for"));
    }
    let version = state.warehouse().data_version();
    let key = CacheKey::new("titles", format!("{query}|{kind:?}|{}|{}", page.limit, page.offset), format, version);
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let (search_query, search_kind) = (query.clone(), kind.clone());
            let (rows, total) = warehouse
                .with_connection(move |conn| {
                    let search = TitleSearch {
                        query: &search_query,
                        kind: search_kind.as_deref(),
                        limit: page.limit,
                        offset: page.offset,
                    };
                    titles::search(conn, &search)
                })
                .await?;
            let mut filters = Vec::new();
            if !raw_query.is_empty() {
                filters.push(("q", raw_query));
            }
            if let Some(kind) = kind {
                filters.push(("kind", kind));
            }
            let mut meta = Meta::new(rows.len(), Vec::new(), version);
            meta.total = Some(total);
            meta.limit = Some(page.limit);
            meta.offset = Some(page.offset);
            meta.next = page.next("/v1/titles", &filters, rows.len(), total);
            format::render(format, "titles", rows, meta)
        })
        .await
}

/// Everything the feeds say about one title: its Top 10 presence, the catalog show, YouTube videos
/// with their latest statistics, and how each source was matched.
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
    match state.warehouse().with_connection(move |conn| titles::detail(conn, id)).await? {
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
    /// Page size, 1 to 1000; default 20.
    limit: Option<u32>,
    /// Rows to skip; default 0.
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
        (status = 400, description = "Unknown source, format or parameter", body = ErrorBody),
    )
)]
pub async fn list_unmatched(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<UnmatchedParams>,
) -> Result<Response> {
    let format = Format::negotiate(params.format.as_deref(), &headers)?;
    let page = Page::parse(params.limit, params.offset, MAX_PAGE)?;
    let source = match params.source.as_deref().map(str::trim) {
        None => None,
        Some(source @ ("top10" | "youtube")) => Some(source.to_owned()),
        Some(other) => {
            return Err(Error::invalid(
                "source",
                format!("{other:?} is not a source with unmatched entities; accepted: top10, youtube"),
            ));
        }
    };
    let version = state.warehouse().data_version();
    let key = CacheKey::new("unmatched", format!("{source:?}|{}|{}", page.limit, page.offset), format, version);
    let warehouse = state.warehouse().clone();
    state
        .cache()
        .serve(key, &headers, async move {
            let filter = source.clone();
            let (rows, total) = warehouse
                .with_connection(move |conn| titles::unmatched(conn, filter.as_deref(), page.limit, page.offset))
                .await?;
            let mut meta = Meta::new(rows.len(), Vec::new(), version);
            meta.total = Some(total);
            meta.limit = Some(page.limit);
            meta.offset = Some(page.offset);
            let filters: Vec<(&str, String)> = source.map(|s| ("source", s)).into_iter().collect();
            meta.next = page.next("/v1/quality/unmatched", &filters, rows.len(), total);
            format::render(format, "unmatched", rows, meta)
        })
        .await
}
