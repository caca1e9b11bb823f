//! The one way a query endpoint answers. A handler parses its parameters into a question and hands
//! it here; this owns the rest: the data version, the cache key (the question's canonical form),
//! the cache and the coalescing of concurrent misses, `304`s, the question asked of one warehouse
//! snapshot on the blocking pool, the paging meta and `Link`, and rendering in the format asked for.
//! Tables render as JSON or CSV; answers whose rows can be drawn (`chart::Chart`) also as SVG.

use std::fmt::Write;
use std::future::Future;
use std::pin::Pin;
use std::task::{Poll, ready};
use std::time::Duration;

use axum::body::Body;
use axum::http::HeaderMap;
use axum::response::Response;
use tokio::sync::{mpsc, oneshot};
use tokio_util::task::AbortOnDropHandle;
use tracing::Instrument;

use super::cache::{CacheKey, Rendered};
use super::chart::{self, Chart};
use super::format::{self, CsvChunks, Format, Meta};
use super::state::AppState;
use crate::analytics::{Answer, Page, Question};
use crate::error::{Error, Result};
use crate::warehouse::Warehouse;

/// Answers `question`, asked at `path` (the canonical path of the resource, used in links).
///
/// A whole answer as CSV (`limit=all&format=csv`, up to `NA_MAX_ROWS` rows) is streamed: its rows
/// go from DuckDB to the socket as they are read (`stream_csv`). It is not cached: stored, it could
/// crowd every other answer out of the cache. Its ETag is the same function of the question and the
/// data version, so a client holding it still gets a `304` without the warehouse being asked.
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
    let warehouse = state.warehouse().clone();
    if format == Format::Csv
        && let Some(page) = question.page().filter(|page| page.whole)
    {
        let streamed = stream_csv(warehouse, question, page, state.stall_limit());
        return state.cache().serve_uncached(key, headers, streamed).await;
    }
    let asked = async move {
        let page = question.page();
        let link_params = question.link_params();
        let (answer, data_version) = warehouse.read(move |db| Ok((question.ask(db)?, db.data_version()))).await?;
        let filename = filename::<Q>(answer.about.file_suffix.as_deref());
        let (rows, meta) = meta(answer, data_version, &path, page, link_params)?;
        Ok::<_, Error>((filename, rows, meta))
    };
    state
        .cache()
        .serve(key, headers, async move {
            let (filename, rows, meta) = asked.await?;
            render(format, &filename, rows, meta)
        })
        .await
}

fn filename<Q: Question>(suffix: Option<&str>) -> String {
    suffix.map_or_else(|| Q::NAME.to_owned(), |s| format!("{}-{s}", Q::NAME))
}

/// CSV chunks written but not yet sent, per streamed answer: with chunks of 64 KiB, a slow client
/// holds at most about a third of a MiB of its answer's text in the service.
const CHUNKS_IN_FLIGHT: usize = 4;

/// A whole answer as a CSV body written while it is sent. The rows are visited (`Question::visit`)
/// in one read transaction that lives until the last row is written; the read runs in a task the
/// body owns, so a client that goes away drops the body, which interrupts the read (as for any
/// abandoned read) and closes the channel it writes to. The status is decided before the first
/// byte: the answer's total arrives with its first row, and an answer over the cap is refused then.
/// A read that fails after that ends the body with an error, never as if it were complete.
async fn stream_csv<Q: Question>(
    warehouse: Warehouse,
    question: Q,
    page: Page,
    stall_limit: Duration,
) -> Result<Response> {
    let (head, began) = oneshot::channel();
    let (chunks, mut sent) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let read = async move {
        warehouse
            .read(move |db| {
                let mut csv = CsvChunks::new::<Q::Row>(page, stall_limit, head, chunks);
                question.visit(db, &mut csv)?;
                csv.finish()
            })
            .await
    };
    let mut reading = AbortOnDropHandle::new(tokio::spawn(read.in_current_span()));
    // The read drops `head` unsent when it ends before beginning the answer: refused, or failed.
    let Ok(suffix) = began.await else {
        (&mut reading).await??;
        return Err(Error::Internal("a streamed answer ended before it began".to_owned()));
    };
    let mut reading = Some(reading);
    let body = futures_util::stream::poll_fn(move |cx| {
        if let Some(chunk) = ready!(sent.poll_recv(cx)) {
            return Poll::Ready(Some(Ok(chunk)));
        }
        // The writer is done; how the read ended says whether the body is complete.
        let Some(read) = reading.as_mut() else { return Poll::Ready(None) };
        let ended = ready!(Pin::new(read).poll(cx));
        reading = None;
        let failed = match ended {
            Ok(Ok(())) => return Poll::Ready(None),
            Ok(Err(err)) => err,
            Err(join) => Error::from(join),
        };
        tracing::warn!(error = %failed, "a streamed CSV answer failed after it began");
        Poll::Ready(Some(Err(std::io::Error::other(failed.to_string()))))
    });
    format::csv_download(&filename::<Q>(suffix.as_deref()), Body::from_stream(body))
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
    meta.metric = about.metric;
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
        page.check_whole(total)?;
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
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use axum::body::HttpBody;
    use serde::Serialize;
    use utoipa::ToSchema;

    use super::*;
    use crate::analytics::{About, Rows};
    use crate::warehouse::Snapshot;

    #[derive(Serialize, ToSchema)]
    struct Line {
        text: String,
    }

    /// An answer that never ends, counting the rows it has handed on.
    #[derive(Debug)]
    struct Endless(Arc<AtomicUsize>);

    impl Question for Endless {
        type Row = Line;
        const NAME: &'static str = "endless";

        fn ask(&self, _: &Snapshot<'_>) -> Result<Answer<Line>> {
            Err(Error::Internal("only visited".to_owned()))
        }

        fn visit(&self, _: &Snapshot<'_>, rows: &mut dyn Rows<Line>) -> Result<()> {
            rows.begin(About::default())?;
            loop {
                self.0.fetch_add(1, Ordering::SeqCst);
                rows.row(Line { text: "x".repeat(1000) })?;
            }
        }
    }

    const WHOLE: Page = Page { limit: 100_000, offset: 0, whole: true };
    /// A stall limit no test reaches.
    const PATIENT: Duration = Duration::from_secs(600);

    async fn one_slot() -> (tempfile::TempDir, Warehouse) {
        let dir = tempfile::tempdir().unwrap();
        let warehouse = Warehouse::open(&dir.path().join("w.duckdb"), 1).await.unwrap();
        (dir, warehouse)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_client_that_reads_nothing_stalls_the_reader_instead_of_being_buffered_for() {
        let (_dir, warehouse) = one_slot().await;
        let visited = Arc::new(AtomicUsize::new(0));
        let response = stream_csv(warehouse, Endless(visited.clone()), WHOLE, PATIENT).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let stalled_at = visited.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(visited.load(Ordering::SeqCst), stalled_at, "the reader kept going with nobody reading");
        // The chunks in the channel, the one being written and the one waiting to be sent.
        let bound = (CHUNKS_IN_FLIGHT + 2) * (CsvChunks::CHUNK_BYTES / 1000 + 1);
        assert!(stalled_at <= bound, "{stalled_at} rows read ahead of the client, at most {bound} expected");
        drop(response);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_client_going_away_stops_the_read_and_frees_its_slot() {
        let (_dir, warehouse) = one_slot().await;
        let visited = Arc::new(AtomicUsize::new(0));
        let response = stream_csv(warehouse.clone(), Endless(visited.clone()), WHOLE, PATIENT).await.unwrap();
        let mut body = response.into_body();
        let first = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await;
        assert!(first.unwrap().unwrap().into_data().unwrap().starts_with(b"\"text\"\n"));
        drop(body);
        // The warehouse has one slot: it is free again only once the endless read stopped.
        let next = tokio::time::timeout(Duration::from_secs(10), warehouse.read(|db| Ok(db.data_version()))).await;
        assert!(matches!(next, Ok(Ok(_))), "the abandoned read kept its slot: {next:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_client_that_takes_nothing_for_the_stall_limit_frees_the_slot_and_its_body_ends_broken() {
        let (_dir, warehouse) = one_slot().await;
        let visited = Arc::new(AtomicUsize::new(0));
        let stall_limit = Duration::from_millis(300);
        let response = stream_csv(warehouse.clone(), Endless(visited), WHOLE, stall_limit).await.unwrap();
        let next = tokio::time::timeout(Duration::from_secs(10), warehouse.read(|db| Ok(db.data_version()))).await;
        assert!(matches!(next, Ok(Ok(_))), "the stalled read kept its slot: {next:?}");
        // What was written is still sent, but the body does not end as if it were complete.
        let read = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        assert!(read.is_err(), "a cut answer ended cleanly");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_answer_over_the_cap_is_refused_before_anything_is_sent() {
        #[derive(Debug)]
        struct Counted(u64);
        impl Question for Counted {
            type Row = Line;
            const NAME: &'static str = "counted";

            fn ask(&self, _: &Snapshot<'_>) -> Result<Answer<Line>> {
                let mut answer = Answer::new(vec![Line { text: "a".to_owned() }]);
                answer.about.total = Some(self.0);
                Ok(answer)
            }
        }
        let (_dir, warehouse) = one_slot().await;
        let page = Page { limit: 5, offset: 0, whole: true };
        let refused = stream_csv(warehouse.clone(), Counted(6), page, PATIENT).await;
        assert!(matches!(refused, Err(Error::AnswerTooLarge { rows: 6, max_rows: 5 })), "{refused:?}");
        assert!(stream_csv(warehouse, Counted(5), page, PATIENT).await.is_ok());
    }

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
