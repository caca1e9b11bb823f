//! The one way a query endpoint answers. A handler parses its parameters into a question and hands
//! it here; this owns the rest: the data version, the cache key (the question's canonical form),
//! the cache and the coalescing of concurrent misses, `304`s, the question asked of one warehouse
//! snapshot on the blocking pool, the paging meta and `Link`, and rendering in the format asked for.
//! Tables render as JSON or CSV; answers whose rows can be drawn (`chart::Chart`) also as SVG.

use std::fmt::Write;

use axum::http::HeaderMap;
use axum::response::Response;

use super::cache::{CacheKey, Rendered};
use super::chart::{self, Chart};
use super::format::{self, Format, Meta};
use super::state::AppState;
use crate::analytics::{Answer, Page, Question};
use crate::error::{Error, Result};

/// Answers `question`, asked at `path` (the canonical path of the resource, used in links).
///
/// A whole answer as CSV (`limit=all&format=csv`, up to `NA_MAX_ROWS` rows) is streamed and not
/// cached: stored, it could crowd every other answer out of the cache. Its ETag is the same function
/// of the question and the data version, so a client holding it still gets a `304` without the
/// warehouse being asked.
pub async fn answer<Q: Question>(
    state: &AppState,
    headers: &HeaderMap,
    format: Format,
    path: String,
    question: Q,
) -> Response {
    respond(state, headers, format, path, question, format::render::<Q::Row>).await
}

/// As `answer`, for questions whose answer can also be a chart.
pub async fn answer_charted<Q: Question>(
    state: &AppState,
    headers: &HeaderMap,
    format: Format,
    path: String,
    question: Q,
) -> Response
where
    Q::Row: Chart,
{
    respond(state, headers, format, path, question, chart::render::<Q::Row>).await
}

type Render<R> = fn(Format, &str, Vec<R>, Meta) -> Result<Rendered>;

async fn respond<Q: Question>(
    state: &AppState,
    headers: &HeaderMap,
    format: Format,
    path: String,
    question: Q,
    render: Render<Q::Row>,
) -> Response {
    let version = state.warehouse().data_version();
    let mut params = String::with_capacity(path.len() + 128);
    write!(params, "{path}|{question:?}").expect("writing to a String cannot fail");
    let key = CacheKey::new(Q::NAME, params, format, version);
    let streamed = format == Format::Csv && question.page().is_some_and(|page| page.whole);
    let warehouse = state.warehouse().clone();
    let asked = async move {
        let page = question.page();
        let link_params = question.link_params();
        let (answer, data_version) = warehouse.read(move |db| Ok((question.ask(db)?, db.data_version()))).await?;
        let suffix = answer.about.file_suffix.clone();
        let filename = suffix.map_or_else(|| Q::NAME.to_owned(), |s| format!("{}-{s}", Q::NAME));
        let (rows, meta) = meta(answer, data_version, &path, page, link_params)?;
        Ok::<_, Error>((filename, rows, meta))
    };
    if streamed {
        return state
            .cache()
            .serve_uncached(key, headers, async move {
                let (filename, rows, _) = asked.await?;
                format::csv_response(&filename, rows)
            })
            .await;
    }
    state
        .cache()
        .serve(key, headers, async move {
            let (filename, rows, meta) = asked.await?;
            render(format, &filename, rows, meta)
        })
        .await
}

/// What the answer says about itself, with the link to the next page. The link names the resolved
/// period, not the defaults asked for, so later pages answer the same question even after a
/// refresh adds weeks.
fn meta<R>(
    answer: Answer<R>,
    data_version: u64,
    path: &str,
    page: Option<Page>,
    link_params: Vec<(&'static str, String)>,
) -> Result<(Vec<R>, Meta)> {
    let Answer { rows, about } = answer;
    let mut meta = Meta::new(rows.len(), about.weeks, data_version);
    meta.category = about.category;
    meta.country_iso2 = about.country_iso2;
    meta.correlations = about.correlations;
    meta.coverage = about.coverage;
    meta.basis = about.basis;
    meta.total = about.total;
    let mut query = Vec::new();
    if let Some((from, to)) = about.period {
        query.push(("from", from.clone()));
        query.push(("to", to.clone()));
        meta.from = Some(from);
        meta.to = Some(to);
    }
    if let Some(page) = page {
        // The warehouse was asked for at most `limit` rows; the total says whether that was all.
        let total = about.total.unwrap_or(0);
        if page.whole && total > page.offset + rows.len() as u64 {
            return Err(Error::AnswerTooLarge { rows: total - page.offset, max_rows: page.limit });
        }
        meta.limit = Some(page.limit);
        meta.offset = Some(page.offset);
        query.extend(link_params);
        meta.next = next_page(path, page, &query, rows.len(), total);
    }
    Ok((rows, meta))
}

/// The next page's URL, when there is one.
pub fn next_page(path: &str, page: Page, params: &[(&str, String)], returned: usize, total: u64) -> Option<String> {
    let next_offset = page.offset + returned as u64;
    if returned == 0 || next_offset >= total {
        return None;
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("limit", &page.limit.to_string());
    query.append_pair("offset", &next_offset.to_string());
    for (name, value) in params {
        query.append_pair(name, value);
    }
    Some(format!("{path}?{}", query.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_repeats_the_question_and_stops_at_the_end() {
        let page = Page { limit: 2, offset: 4, whole: false };
        let params = [("from", "2024-01-07".to_owned()), ("category", "tv-english".to_owned())];
        assert_eq!(
            next_page("/v1/x", page, &params, 2, 10).as_deref(),
            Some("/v1/x?limit=2&offset=6&from=2024-01-07&category=tv-english")
        );
        assert_eq!(next_page("/v1/x", page, &params, 2, 6), None);
        assert_eq!(next_page("/v1/x", page, &params, 0, 100), None);
    }
}
