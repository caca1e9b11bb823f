//! One row set, two media types. JSON is `{"data": [...], "meta": {...}}`; CSV is a header row with
//! the same field names (taken from the row type's schema, so it exists even when there are no rows)
//! followed by RFC 4180 records. `?format=` wins over `Accept`.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::{RefOr, Schema};

use super::cache::Rendered;
use crate::analytics::insights::{Correlation, Coverage};
use crate::domain::Week;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    pub const ACCEPTED: &'static str = "json, csv";

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }

    pub fn negotiate(format: Option<&str>, headers: &HeaderMap) -> Result<Format> {
        if let Some(format) = format {
            return match format.trim().to_ascii_lowercase().as_str() {
                "json" => Ok(Format::Json),
                "csv" => Ok(Format::Csv),
                _ => Err(Error::invalid(
                    "format",
                    format!("{format:?} is not supported; accepted: {}", Format::ACCEPTED),
                )),
            };
        }
        // The first of the two media types the client lists wins; anything else means JSON.
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        for media in accept.split(',') {
            match media.split(';').next().unwrap_or("").trim() {
                "text/csv" => return Ok(Format::Csv),
                "application/json" => return Ok(Format::Json),
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
}

impl Meta {
    pub fn new(rows: usize, weeks: Vec<Week>, data_version: u64) -> Meta {
        Meta { rows, weeks, data_version, ..Meta::default() }
    }
}

/// Writes `rows` in `format`. `filename` (without extension) names the CSV download.
pub fn render<T: Serialize + ToSchema>(format: Format, filename: &str, rows: Vec<T>, meta: Meta) -> Result<Rendered> {
    let link = meta.next.as_ref().map(|next| header_value(&format!("<{next}>; rel=\"next\""))).transpose()?;
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
    };
    let mut rendered = Rendered::new(StatusCode::OK, content_type, body.into());
    rendered.disposition = disposition;
    rendered.link = link;
    Ok(rendered)
}

fn header_value(text: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(text).map_err(|_| Error::Internal(format!("not a valid header value: {text:?}")))
}

pub fn to_csv<T: Serialize + ToSchema>(rows: &[T]) -> Result<Vec<u8>> {
    let failed = |e: csv::Error| Error::Internal(format!("writing CSV: {e}"));
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(columns::<T>()).map_err(failed)?;
    for row in rows {
        writer.serialize(row).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| Error::Internal(format!("writing CSV: {e}")))
}

/// The row type's field names, in declaration order.
pub fn columns<T: ToSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}
