//! One row set, several media types. JSON is `{"data": [...], "meta": {...}}`; CSV is a header row
//! with the same field names (taken from the row type's schema, so it exists even when there are no
//! rows) followed by RFC 4180 records; charted answers also draw SVG (`super::chart`). `?format=`
//! wins over `Accept`.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use utoipa::ToSchema;
use utoipa::openapi::{RefOr, Schema};

use super::cache::Rendered;
use crate::analytics::insights::{Correlation, Coverage};
use crate::analytics::{About, Page, Rows};
use crate::domain::Week;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Csv,
    Svg,
}

impl Format {
    pub const ACCEPTED: &'static str = "json, csv";
    pub const ACCEPTED_CHARTED: &'static str = "json, csv, svg";

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Svg => "svg",
        }
    }

    /// The format of a table: JSON or CSV.
    pub fn negotiate(format: Option<&str>, headers: &HeaderMap) -> Result<Format> {
        Format::choose(format, headers, false)
    }

    /// The format of an answer that can also be a chart: JSON, CSV or SVG.
    pub fn negotiate_charted(format: Option<&str>, headers: &HeaderMap) -> Result<Format> {
        Format::choose(format, headers, true)
    }

    fn choose(format: Option<&str>, headers: &HeaderMap, charted: bool) -> Result<Format> {
        if let Some(format) = format {
            let accepted = if charted { Format::ACCEPTED_CHARTED } else { Format::ACCEPTED };
            return match format.trim().to_ascii_lowercase().as_str() {
                "json" => Ok(Format::Json),
                "csv" => Ok(Format::Csv),
                "svg" if charted => Ok(Format::Svg),
                _ => Err(Error::invalid("format", format!("{format:?} is not supported; accepted: {accepted}"))),
            };
        }
        // The first of the media types the client lists that we answer wins; anything else means JSON.
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        for media in accept.split(',') {
            match media.split(';').next().unwrap_or("").trim() {
                "text/csv" => return Ok(Format::Csv),
                "application/json" => return Ok(Format::Json),
                "image/svg+xml" if charted => return Ok(Format::Svg),
                _ => {}
            }
        }
        Ok(Format::Json)
    }
}

/// A JSON response body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T: ToSchema> {
    pub data: Vec<T>,
    pub meta: Meta,
}

/// About the rows served.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Meta {
    /// Rows in `data`.
    pub rows: usize,
    /// The week or weeks the rows are about; empty for lists without a week.
    pub weeks: Vec<Week>,
    /// The warehouse's data version the rows were read at; it changes with every refresh that
    /// changes data.
    pub data_version: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_iso2: Option<String>,
    /// Paged lists: rows matching the filters, all pages together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Paged lists: the next page, also sent as a `Link: <…>; rel="next"` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Period answers: the first and last week (or day, for YouTube) of the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// `engagement-vs-rank`: correlations between YouTube engagement and Top 10 performance over
    /// all the answer's titles (not only this page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlations: Option<Vec<Correlation>>,
    /// `genre-performance`: how much of the period has a catalog genre to count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// `titles/{id}/similar`: what the neighbours were found by (`blended`, `audience_only` for a
    /// title without catalog metadata, `content_only` for one that never charted in a country).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// `titles/{id}/similar?prefer=`: whether the language model chose the order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rerank: Option<Rerank>,
    /// `youtube/top-engagement`: the measure the titles are ranked by, and that its chart draws.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
}

/// How rows were ordered for a preference in words.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rerank {
    /// Whether the language model chose the order; when not, the rows are in the plain order.
    pub by_model: bool,
    /// Why the plain order stands, when it does: no model configured, the model failed, or its
    /// answer named no candidate.
    pub note: Option<String>,
}

impl Meta {
    pub fn new(rows: usize, weeks: Vec<Week>, data_version: u64) -> Meta {
        Meta { rows, weeks, data_version, ..Meta::default() }
    }
}

/// Writes `rows` in `format`. `filename` (without extension) names the CSV download. Tables have no
/// chart: their handlers never negotiate SVG.
pub fn render<T: Serialize + ToSchema>(format: Format, filename: &str, rows: Vec<T>, meta: Meta) -> Result<Rendered> {
    let link = link(&meta)?;
    let (content_type, disposition, body) = match format {
        Format::Json => {
            let body = serde_json::to_vec(&Envelope { data: rows, meta })
                .map_err(|e| Error::Internal(format!("writing JSON: {e}")))?;
            (HeaderValue::from_static("application/json"), None, body)
        }
        Format::Csv => {
            let disposition = header_value(&format!("attachment; filename=\"{filename}.csv\""))?;
            (HeaderValue::from_static("text/csv; charset=utf-8"), Some(disposition), to_csv(&rows)?)
        }
        Format::Svg => return Err(Error::Internal(format!("{filename} has no chart"))),
    };
    let mut rendered = Rendered::new(StatusCode::OK, content_type, body.into());
    rendered.disposition = disposition;
    rendered.link = link;
    Ok(rendered)
}

/// A whole answer as a CSV download whose body is written while it is sent (`api::answer`).
pub fn csv_download(filename: &str, body: Body) -> Result<Response> {
    let disposition = header_value(&format!("attachment; filename=\"{filename}.csv\""))?;
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    Ok(response)
}

/// The `Link` header to the next page, when there is one.
pub fn link(meta: &Meta) -> Result<Option<HeaderValue>> {
    meta.next.as_ref().map(|next| header_value(&format!("<{next}>; rel=\"next\""))).transpose()
}

fn header_value(text: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(text).map_err(|_| Error::Internal(format!("not a valid header value: {text:?}")))
}

pub fn to_csv<T: Serialize + ToSchema>(rows: &[T]) -> Result<Vec<u8>> {
    let columns = columns::<T>();
    let mut out = csv_header(&columns);
    for row in rows {
        csv_record(&mut out, &columns, row)?;
    }
    Ok(out)
}

/// Writes a whole answer's rows as CSV, from the blocking read that visits them, into a bounded
/// channel the response body drains: a full channel makes the read wait for the client, so a slow
/// client holds back the reader instead of making the service buffer its answer. A closed channel
/// (the client went away) ends the read with `Error::Abandoned`; a client that takes nothing for
/// `stall_limit` ends it with `Error::Timeout`, so it cannot keep a warehouse slot forever.
pub struct CsvChunks {
    columns: Vec<String>,
    chunk: Vec<u8>,
    page: Page,
    stall_limit: Duration,
    /// Takes the download's file suffix once the answer is known not to be refused.
    head: Option<oneshot::Sender<Option<String>>>,
    chunks: mpsc::Sender<Bytes>,
}

impl CsvChunks {
    /// Chunks are sent once they pass this size.
    pub const CHUNK_BYTES: usize = 64 * 1024;

    pub fn new<T: ToSchema>(
        page: Page,
        stall_limit: Duration,
        head: oneshot::Sender<Option<String>>,
        chunks: mpsc::Sender<Bytes>,
    ) -> CsvChunks {
        CsvChunks { columns: columns::<T>(), chunk: Vec::new(), page, stall_limit, head: Some(head), chunks }
    }

    /// Sends what is left once every row was visited.
    pub fn finish(mut self) -> Result<()> {
        self.flush()
    }

    /// Runs on the blocking pool, which may wait on the runtime.
    fn flush(&mut self) -> Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.chunk));
        let sent =
            tokio::runtime::Handle::current().block_on(tokio::time::timeout(self.stall_limit, self.chunks.send(chunk)));
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Error::Abandoned),
            Err(_) => Err(Error::Timeout),
        }
    }
}

impl<T: Serialize> Rows<T> for CsvChunks {
    fn begin(&mut self, about: About) -> Result<()> {
        // Checked before the first byte: a 200 cannot turn into a 400 halfway through its body.
        if let Some(total) = about.total {
            self.page.check_whole(total)?;
        }
        let head = self.head.take().ok_or_else(|| Error::Internal("a CSV answer began twice".to_owned()))?;
        head.send(about.file_suffix).map_err(|_| Error::Abandoned)?;
        self.chunk = csv_header(&self.columns);
        Ok(())
    }

    fn row(&mut self, row: T) -> Result<()> {
        csv_record(&mut self.chunk, &self.columns, &row)?;
        if self.chunk.len() >= CsvChunks::CHUNK_BYTES {
            self.flush()?;
        }
        Ok(())
    }
}

/// Text always quoted, numbers never, nulls empty. Every RFC 4180 reader takes that, and it is the
/// `QUOTE_NONNUMERIC` dialect that shillelagh's stock CSV adapter (Superset's way to read a CSV
/// URL) requires: it reads every unquoted field as a number, so one unquoted word fails the read.
fn csv_header(columns: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        quoted(&mut out, column);
    }
    out.push(b'\n');
    out
}

fn csv_record<T: Serialize>(out: &mut Vec<u8>, columns: &[String], row: &T) -> Result<()> {
    let failed = |reason: &str| Error::Internal(format!("writing CSV: {reason}"));
    let Value::Object(fields) = serde_json::to_value(row).map_err(|e| failed(&e.to_string()))? else {
        return Err(failed("a row is not a record"));
    };
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match fields.get(column) {
            None | Some(Value::Null) => {}
            Some(Value::Number(number)) => out.extend_from_slice(number.to_string().as_bytes()),
            Some(Value::String(text)) => quoted(out, text),
            Some(Value::Bool(flag)) => quoted(out, if *flag { "true" } else { "false" }),
            Some(Value::Array(_) | Value::Object(_)) => return Err(failed(&format!("{column} is not a single value"))),
        }
    }
    out.push(b'\n');
    Ok(())
}

fn quoted(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
    out.push(b'"');
}

/// The row type's field names, in declaration order.
pub fn columns<T: ToSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}
