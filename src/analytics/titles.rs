//! Titles across the three feeds: search, everything known about one title, and what did not match.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use duckdb::{Connection, OptionalExt, Row, named_params};
use serde::Serialize;
use utoipa::ToSchema;

use super::answer::{Answer, Page, Question};
use crate::error::Result;
use crate::warehouse::{Snapshot, queries};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TitleSummary {
    pub title_id: i64,
    pub name: String,
    /// The original-language name, when the catalog has a different one.
    pub original_name: Option<String>,
    /// `film` or `series`.
    #[schema(example = "series")]
    pub kind: String,
    /// Release year (films) or first air year (series), from the catalog.
    pub year: Option<i32>,
    pub catalog_show_id: Option<String>,
    pub top10_first_week: Option<NaiveDate>,
    pub top10_last_week: Option<NaiveDate>,
    /// Weeks on any global list.
    pub top10_global_weeks: i32,
    pub youtube_videos: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TitleDetail {
    pub title: TitleSummary,
    /// Presence on the Top 10, per region (`global` or `countries`), category and season.
    pub top10: Vec<Top10Presence>,
    pub catalog: Option<CatalogShow>,
    pub videos: Vec<TitleVideo>,
    /// How every source entity was linked to the title.
    pub matches: Vec<MatchProvenance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Top10Presence {
    #[schema(example = "global")]
    pub region: String,
    pub category: String,
    pub season_title: Option<String>,
    /// Weeks on the list (countries: weeks on at least one country's list).
    pub weeks: i64,
    pub best_rank: i32,
    pub first_week: NaiveDate,
    pub last_week: NaiveDate,
    /// Global lists only.
    pub hours_viewed: Option<i64>,
    pub views: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CatalogShow {
    pub show_id: String,
    #[schema(example = "series")]
    pub show_type: String,
    pub imdb_id: Option<String>,
    pub tmdb_id: Option<String>,
    pub title: String,
    pub original_title: Option<String>,
    pub overview: Option<String>,
    pub release_year: Option<i32>,
    pub first_air_year: Option<i32>,
    pub last_air_year: Option<i32>,
    /// 0-100, an average of several sites.
    pub rating: Option<i32>,
    /// Minutes.
    pub runtime: Option<i32>,
    pub season_count: Option<i32>,
    pub episode_count: Option<i32>,
    pub country: String,
    /// When the catalog last listed the show (UTC).
    pub last_seen_at: DateTime<Utc>,
    pub genres: Vec<String>,
    pub directors: Vec<String>,
    pub creators: Vec<String>,
    pub cast: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TitleVideo {
    pub video_id: String,
    pub title: String,
    /// UTC.
    pub published_at: DateTime<Utc>,
    pub duration_seconds: Option<i64>,
    pub category: Option<String>,
    /// The latest statistics snapshot; `null` where the owner hides the count.
    pub view_count: Option<i64>,
    pub like_count: Option<i64>,
    pub comment_count: Option<i64>,
    pub captured_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MatchProvenance {
    /// `catalog`, `top10` or `youtube`.
    pub source: String,
    /// Show id, `top10:<kind>:<normalised name>`, or video id.
    pub source_key: String,
    pub source_label: String,
    /// `anchor` (the entity the title is built on), `exact`, `alias` or `fuzzy`.
    pub method: String,
    /// 1 for anchors and exact or alias matches; the similarity for fuzzy ones.
    pub score: f64,
    /// The normalised name the match was made on.
    pub matched_on: String,
    /// What else the link rests on, `; `-separated: kind, year against the first chart year,
    /// runtime listed against runtime charted. Empty for anchors.
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UnmatchedEntity {
    /// `top10` or `youtube`.
    pub source: String,
    pub source_key: String,
    pub source_label: String,
    pub normalized: String,
    /// `no_candidate`, `below_threshold`, `ambiguous`, `evidence_conflict` (the name matches but
    /// runtime or seasons say another work) or `unverified` (only an older work of that name is
    /// listed, in a catalog older than the title, and nothing confirms it).
    pub reason: String,
    /// The closest title, when there was one.
    pub candidate_title_id: Option<i64>,
    pub candidate_name: Option<String>,
    pub candidate_score: Option<f64>,
    /// The evidence for and against the closest candidate, `; `-separated.
    pub evidence: String,
}

fn summary(row: &Row<'_>) -> duckdb::Result<TitleSummary> {
    Ok(TitleSummary {
        title_id: row.get(0)?,
        name: row.get(1)?,
        original_name: row.get(2)?,
        kind: row.get(3)?,
        year: row.get(4)?,
        catalog_show_id: row.get(5)?,
        top10_first_week: row.get(6)?,
        top10_last_week: row.get(7)?,
        top10_global_weeks: row.get(8)?,
        youtube_videos: row.get(9)?,
    })
}

/// Titles whose normalised name contains `query`.
#[derive(Debug)]
pub struct TitleSearch {
    /// Already normalised; empty matches every title.
    pub query: String,
    /// The query as asked, for the next page's link.
    pub asked: String,
    pub kind: Option<TitleKind>,
    pub page: Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleKind {
    Film,
    Series,
}

impl TitleKind {
    pub const ACCEPTED: &'static str = "film, series";

    pub fn parse(text: &str) -> Option<TitleKind> {
        match text {
            "film" => Some(TitleKind::Film),
            "series" => Some(TitleKind::Series),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TitleKind::Film => "film",
            TitleKind::Series => "series",
        }
    }
}

impl Question for TitleSearch {
    type Row = TitleSummary;
    const NAME: &'static str = "titles";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<TitleSummary>> {
        let conn = db.conn();
        let kind = self.kind.map(TitleKind::as_str);
        let total: i64 = conn
            .prepare(queries::TITLES_SEARCH_COUNT)?
            .query_row(named_params! { "q": self.query, "kind": kind }, |row| row.get(0))?;
        let mut statement = conn.prepare(queries::TITLES_SEARCH)?;
        let rows = statement.query_map(
            named_params! {
                "q": self.query,
                "kind": kind,
                "limit": i64::from(self.page.limit),
                "offset": self.page.offset as i64,
            },
            summary,
        )?;
        let mut answer = Answer::new(rows.collect::<Result<_, _>>()?);
        answer.about.total = Some(total as u64);
        Ok(answer)
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }

    fn link_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if !self.asked.is_empty() {
            params.push(("q", self.asked.clone()));
        }
        params.extend(self.kind.map(|k| ("kind", k.as_str().to_owned())));
        params
    }
}

pub fn exists(conn: &Connection, title_id: i64) -> Result<bool> {
    Ok(conn
        .prepare(queries::TITLE_GET)?
        .query_row(named_params! { "title_id": title_id }, |_| Ok(()))
        .optional()?
        .is_some())
}

pub enum Lookup {
    Found(Box<TitleDetail>),
    /// The id belonged to an entity that has since joined this (older) title.
    MovedTo(i64),
    Missing,
}

/// Everything about one title, read from one snapshot.
pub fn lookup(db: &Snapshot<'_>, title_id: i64) -> Result<Lookup> {
    detail(db.conn(), title_id)
}

fn detail(conn: &Connection, title_id: i64) -> Result<Lookup> {
    let Some(title) =
        conn.prepare(queries::TITLE_GET)?.query_row(named_params! { "title_id": title_id }, summary).optional()?
    else {
        let current: Option<i64> = conn
            .prepare(queries::TITLE_CURRENT_ID)?
            .query_row(named_params! { "title_id": title_id }, |row| row.get(0))
            .optional()?;
        return Ok(current.filter(|id| *id != title_id).map_or(Lookup::Missing, Lookup::MovedTo));
    };
    let top10 = conn
        .prepare(queries::TITLE_TOP10_LISTS)?
        .query_map(named_params! { "title_id": title_id }, |row| {
            Ok(Top10Presence {
                region: row.get(0)?,
                category: row.get(1)?,
                season_title: row.get(2)?,
                weeks: row.get(3)?,
                best_rank: row.get(4)?,
                first_week: row.get(5)?,
                last_week: row.get(6)?,
                hours_viewed: row.get(7)?,
                views: row.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let catalog = match &title.catalog_show_id {
        Some(show_id) => catalog_show(conn, show_id)?,
        None => None,
    };
    let videos = conn
        .prepare(queries::TITLE_VIDEOS)?
        .query_map(named_params! { "title_id": title_id }, |row| {
            Ok(TitleVideo {
                video_id: row.get(0)?,
                title: row.get(1)?,
                published_at: row.get::<_, NaiveDateTime>(2)?.and_utc(),
                duration_seconds: row.get(3)?,
                category: row.get(4)?,
                view_count: row.get(5)?,
                like_count: row.get(6)?,
                comment_count: row.get(7)?,
                captured_on: row.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let matches = conn
        .prepare(queries::TITLE_MATCHES)?
        .query_map(named_params! { "title_id": title_id }, |row| {
            Ok(MatchProvenance {
                source: row.get(0)?,
                source_key: row.get(1)?,
                source_label: row.get(2)?,
                method: row.get(3)?,
                score: row.get(4)?,
                matched_on: row.get(5)?,
                evidence: row.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Lookup::Found(Box::new(TitleDetail { title, top10, catalog, videos, matches })))
}

fn catalog_show(conn: &Connection, show_id: &str) -> Result<Option<CatalogShow>> {
    let show = conn
        .prepare(queries::TITLE_CATALOG_SHOW)?
        .query_row(named_params! { "show_id": show_id }, |row| {
            Ok(CatalogShow {
                show_id: row.get(0)?,
                show_type: row.get(1)?,
                imdb_id: row.get(2)?,
                tmdb_id: row.get(3)?,
                title: row.get(4)?,
                original_title: row.get(5)?,
                overview: row.get(6)?,
                release_year: row.get(7)?,
                first_air_year: row.get(8)?,
                last_air_year: row.get(9)?,
                rating: row.get(10)?,
                runtime: row.get(11)?,
                season_count: row.get(12)?,
                episode_count: row.get(13)?,
                country: row.get(14)?,
                last_seen_at: row.get::<_, NaiveDateTime>(15)?.and_utc(),
                genres: Vec::new(),
                directors: Vec::new(),
                creators: Vec::new(),
                cast: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut show) = show else { return Ok(None) };
    show.genres = conn
        .prepare(queries::TITLE_CATALOG_GENRES)?
        .query_map(named_params! { "show_id": show_id }, |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let people: Vec<(String, String)> = conn
        .prepare(queries::TITLE_CATALOG_PEOPLE)?
        .query_map(named_params! { "show_id": show_id }, |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (role, name) in people {
        match role.as_str() {
            "director" => show.directors.push(name),
            "creator" => show.creators.push(name),
            _ => show.cast.push(name),
        }
    }
    Ok(Some(show))
}

/// Top 10 titles and videos that matched nothing.
#[derive(Debug)]
pub struct Unmatched {
    pub source: Option<UnmatchedSource>,
    pub page: Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnmatchedSource {
    Top10,
    Youtube,
}

impl UnmatchedSource {
    pub const ACCEPTED: &'static str = "top10, youtube";

    pub fn parse(text: &str) -> Option<UnmatchedSource> {
        match text {
            "top10" => Some(UnmatchedSource::Top10),
            "youtube" => Some(UnmatchedSource::Youtube),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UnmatchedSource::Top10 => "top10",
            UnmatchedSource::Youtube => "youtube",
        }
    }
}

impl Question for Unmatched {
    type Row = UnmatchedEntity;
    const NAME: &'static str = "unmatched";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<UnmatchedEntity>> {
        let conn = db.conn();
        let source = self.source.map(UnmatchedSource::as_str);
        let total: i64 =
            conn.prepare(queries::UNMATCHED_COUNT)?.query_row(named_params! { "source": source }, |row| row.get(0))?;
        let mut statement = conn.prepare(queries::UNMATCHED_LIST)?;
        let rows = statement.query_map(
            named_params! { "source": source, "limit": i64::from(self.page.limit), "offset": self.page.offset as i64 },
            |row| {
                Ok(UnmatchedEntity {
                    source: row.get(0)?,
                    source_key: row.get(1)?,
                    source_label: row.get(2)?,
                    normalized: row.get(3)?,
                    reason: row.get(4)?,
                    candidate_title_id: row.get(5)?,
                    candidate_name: row.get(6)?,
                    candidate_score: row.get(7)?,
                    evidence: row.get(8)?,
                })
            },
        )?;
        let mut answer = Answer::new(rows.collect::<Result<_, _>>()?);
        answer.about.total = Some(total as u64);
        Ok(answer)
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }

    fn link_params(&self) -> Vec<(&'static str, String)> {
        self.source.map(|s| ("source", s.as_str().to_owned())).into_iter().collect()
    }
}
