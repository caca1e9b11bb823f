//! Reading what the identity is built from, and writing the identity marts. The matching itself is
//! `crate::identity`; `pipeline::identity` puts the two together.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use duckdb::{Connection, params};

use super::queries;
use crate::error::Result;

pub struct CatalogEntry {
    pub show_id: String,
    pub show_type: String,
    pub title: String,
    pub original_title: Option<String>,
    pub year: Option<i32>,
    /// Minutes, films only.
    pub runtime: Option<i32>,
    pub season_count: Option<i32>,
}

/// One spelling of a Top 10 show_title, per kind.
pub struct Top10Entity {
    pub show_title: String,
    pub kind: String,
    pub first_week: NaiveDate,
    /// Runtimes the global lists published, in minutes.
    pub runtimes: Vec<f64>,
    pub limited_series: bool,
}

pub struct VideoEntry {
    pub video_id: String,
    pub title: String,
    pub published_at: DateTime<Utc>,
}

pub fn catalog_entries(conn: &Connection) -> Result<Vec<CatalogEntry>> {
    let mut statement = conn.prepare(queries::IDENTITY_CATALOG_ENTRIES)?;
    let rows = statement.query_map([], |row| {
        Ok(CatalogEntry {
            show_id: row.get(0)?,
            show_type: row.get(1)?,
            title: row.get(2)?,
            original_title: row.get(3)?,
            year: row.get(4)?,
            runtime: row.get(5)?,
            season_count: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn top10_entities(conn: &Connection) -> Result<Vec<Top10Entity>> {
    let mut statement = conn.prepare(queries::IDENTITY_TOP10_ENTITIES)?;
    let rows = statement.query_map([], |row| {
        let runtimes: String = row.get(3)?;
        Ok(Top10Entity {
            show_title: row.get(0)?,
            kind: row.get(1)?,
            first_week: row.get(2)?,
            runtimes: runtimes.split(',').filter_map(|r| r.parse().ok()).collect(),
            limited_series: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn youtube_videos(conn: &Connection) -> Result<Vec<VideoEntry>> {
    let mut statement = conn.prepare(queries::IDENTITY_YOUTUBE_VIDEOS)?;
    let rows = statement.query_map([], |row| {
        let published_at: NaiveDateTime = row.get(2)?;
        Ok(VideoEntry { video_id: row.get(0)?, title: row.get(1)?, published_at: published_at.and_utc() })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every registered key and its id.
pub fn registry(conn: &Connection) -> Result<HashMap<String, i64>> {
    let mut statement = conn.prepare(queries::IDENTITY_REGISTRY)?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub struct TitleRow {
    pub title_id: i64,
    pub name: String,
    pub original_name: Option<String>,
    pub kind: &'static str,
    pub year: Option<i32>,
    pub normalized_name: String,
    pub catalog_show_id: Option<String>,
}

pub struct MatchRow {
    pub title_id: i64,
    pub source: &'static str,
    pub source_key: String,
    pub source_label: String,
    pub method: &'static str,
    pub score: f64,
    pub matched_on: String,
    pub evidence: String,
}

pub struct UnmatchedRow {
    pub source: &'static str,
    pub source_key: String,
    pub source_label: String,
    pub normalized: String,
    pub reason: &'static str,
    pub candidate: Option<(i64, String, f64)>,
    pub evidence: String,
}

/// Everything one rebuild writes.
pub struct Identity {
    pub new_keys: Vec<(String, i64)>,
    pub titles: Vec<TitleRow>,
    pub matches: Vec<MatchRow>,
    pub unmatched: Vec<UnmatchedRow>,
    /// (show_title, kind, title_id)
    pub top10_map: Vec<(String, &'static str, i64)>,
}

/// Replaces the identity marts; registry entries are only ever added.
pub fn write(conn: &Connection, identity: &Identity, now: DateTime<Utc>) -> Result<()> {
    let mut registry = conn.appender_to_db("title_registry", "stage")?;
    for (key, id) in &identity.new_keys {
        registry.append_row(params![key, id, now.naive_utc()])?;
    }
    registry.flush()?;
    conn.execute_batch(queries::IDENTITY_CLEAR)?;
    let mut titles = conn.appender_to_db("titles", "mart")?;
    for t in &identity.titles {
        let no_date: Option<NaiveDate> = None;
        titles.append_row(params![
            t.title_id,
            t.name,
            t.original_name,
            t.kind,
            t.year,
            t.normalized_name,
            t.catalog_show_id,
            no_date,
            no_date,
            0i32,
            0i32,
        ])?;
    }
    titles.flush()?;
    let mut matches = conn.appender_to_db("title_matches", "mart")?;
    for m in &identity.matches {
        matches.append_row(params![
            m.title_id,
            m.source,
            m.source_key,
            m.source_label,
            m.method,
            m.score,
            m.matched_on,
            m.evidence
        ])?;
    }
    matches.flush()?;
    let mut unmatched = conn.appender_to_db("unmatched", "mart")?;
    for u in &identity.unmatched {
        let (id, name, score) = match &u.candidate {
            Some((id, name, score)) => (Some(*id), Some(name.as_str()), Some(*score)),
            None => (None, None, None),
        };
        unmatched.append_row(params![
            u.source,
            u.source_key,
            u.source_label,
            u.normalized,
            u.reason,
            id,
            name,
            score,
            u.evidence
        ])?;
    }
    unmatched.flush()?;
    let mut map = conn.appender_to_db("top10_title_map", "mart")?;
    for (show_title, kind, id) in &identity.top10_map {
        map.append_row(params![show_title, kind, id])?;
    }
    map.flush()?;
    drop((registry, titles, matches, unmatched, map));
    conn.execute_batch(queries::IDENTITY_TITLE_STATS)?;
    Ok(())
}
