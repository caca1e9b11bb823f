//! Answers as SVG charts. Each charted row type says which figure fits its rows (`rows.rs`); one
//! drawing module turns a figure into SVG with plotters (`draw.rs`). The chart goes through the same
//! answer path as JSON and CSV, so it is cached, tagged and paged the same way: a chart shows the
//! page it was asked for.

mod draw;
mod rows;

use axum::http::{HeaderValue, StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

use super::cache::Rendered;
use super::format::{self, Format, Meta};
use crate::error::Result;

/// Rows that can be drawn.
pub trait Chart: Sized {
    fn plot(rows: &[Self], meta: &Meta) -> Plot;
}

/// A titled figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub title: String,
    pub figure: Figure,
}

/// The kinds of chart the answers need. Every figure with no marks to draw is drawn as "no data".
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// One bar per label, longest first as given; horizontal, so long titles stay readable.
    Bars { labels: Vec<String>, values: Vec<f64>, value_label: &'static str },
    /// Series over weeks (`weeks` sorted); `lower_is_better` draws rank 1 at the top.
    Lines { weeks: Vec<String>, series: Vec<Series>, value_label: &'static str, lower_is_better: bool },
    /// Points on log10 axes (view counts and hours span orders of magnitude), with a note such as
    /// the correlation.
    Scatter { points: Vec<(f64, f64)>, x_label: &'static str, y_label: &'static str, note: String },
    /// A square matrix over `labels`, cell values from 0 to 1.
    Heatmap { labels: Vec<String>, cells: Vec<(usize, usize, f64)>, value_label: &'static str },
    /// Adjacent buckets `(start, end, count)`.
    Histogram { buckets: Vec<(f64, f64, f64)>, x_label: &'static str, y_label: &'static str },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// `(index into weeks, value)`.
    pub points: Vec<(usize, f64)>,
}

impl Figure {
    /// The data marks the figure will draw.
    pub fn marks(&self) -> usize {
        match self {
            Figure::Bars { values, .. } => values.len(),
            Figure::Lines { series, .. } => series.iter().map(|s| s.points.len()).sum(),
            Figure::Scatter { points, .. } => points.len(),
            Figure::Heatmap { cells, .. } => cells.len(),
            Figure::Histogram { buckets, .. } => buckets.len(),
        }
    }
}

/// Renders charted rows: SVG when asked for, JSON or CSV otherwise.
pub fn render<T: Chart + Serialize + ToSchema>(
    format: Format,
    filename: &str,
    rows: Vec<T>,
    meta: Meta,
) -> Result<Rendered> {
    if format != Format::Svg {
        return format::render(format, filename, rows, meta);
    }
    let plot = T::plot(&rows, &meta);
    let body = draw::svg(&plot, &subtitle(&meta))?;
    let mut rendered = Rendered::new(StatusCode::OK, HeaderValue::from_static("image/svg+xml"), body.into());
    rendered.link = format::link(&meta)?;
    Ok(rendered)
}

/// What the chart shows besides its rows: the period, the filters and how much of the answer.
fn subtitle(meta: &Meta) -> String {
    let mut parts = Vec::new();
    match (&meta.from, &meta.to) {
        (Some(from), Some(to)) => parts.push(format!("{from} to {to}")),
        _ => {
            if let [only] = meta.weeks.as_slice() {
                parts.push(format!("week of {only}"));
            }
        }
    }
    parts.extend(meta.category.clone());
    parts.extend(meta.country_iso2.clone());
    if let Some(total) = meta.total {
        let offset = meta.offset.unwrap_or(0);
        parts.push(format!("rows {}-{} of {total}", offset + 1, offset + meta.rows as u64));
    }
    parts.join("  ·  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subtitle_names_the_period_filters_and_page() {
        let mut meta = Meta::new(20, Vec::new(), 1);
        meta.from = Some("2024-01-07".into());
        meta.to = Some("2024-03-31".into());
        meta.category = Some("TV (English)".into());
        meta.total = Some(45);
        meta.offset = Some(20);
        assert_eq!(subtitle(&meta), "2024-01-07 to 2024-03-31  ·  TV (English)  ·  rows 21-40 of 45");
    }
}
