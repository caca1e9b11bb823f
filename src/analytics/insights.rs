//! The business questions: how titles perform over a period, whether YouTube promotion relates to
//! Top 10 performance, which genres and regions win, and the old dashboard's charts.

use chrono::NaiveDate;
use duckdb::{Connection, OptionalExt, named_params};
use serde::Serialize;
use utoipa::ToSchema;

use super::answer::{About, Answer, Page, Question, Rows, sql_paged, sql_visited};
use super::scope::{DayRange, TitleRef, WeekRange, ensure_region, ensure_title};
use super::stats;
use crate::domain::{Category, CountryCode, Week};
use crate::error::{Error, Result};
use crate::warehouse::{Snapshot, queries};

/// Global lists, or one country's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Global,
    Country(CountryCode),
}

/// A range of Top 10 weeks, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Week,
    pub to: Week,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleOrder {
    Hours,
    Views,
    Weeks,
    BestRank,
}

impl TitleOrder {
    pub const ACCEPTED: &'static str = "hours, views, weeks, best_rank";
    pub const ALL: [TitleOrder; 4] = [TitleOrder::Hours, TitleOrder::Views, TitleOrder::Weeks, TitleOrder::BestRank];

    pub fn parse(text: &str) -> Option<TitleOrder> {
        match text {
            "hours" => Some(TitleOrder::Hours),
            "views" => Some(TitleOrder::Views),
            "weeks" => Some(TitleOrder::Weeks),
            "best_rank" => Some(TitleOrder::BestRank),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TitleOrder::Hours => "hours",
            TitleOrder::Views => "views",
            TitleOrder::Weeks => "weeks",
            TitleOrder::BestRank => "best_rank",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngagementMetric {
    Views,
    Likes,
    Comments,
    EngagementRate,
}

impl EngagementMetric {
    pub const ACCEPTED: &'static str = "views, likes, comments, engagement_rate";
    pub const ALL: [EngagementMetric; 4] = [
        EngagementMetric::Views,
        EngagementMetric::Likes,
        EngagementMetric::Comments,
        EngagementMetric::EngagementRate,
    ];

    pub fn parse(text: &str) -> Option<EngagementMetric> {
        match text {
            "views" => Some(EngagementMetric::Views),
            "likes" => Some(EngagementMetric::Likes),
            "comments" => Some(EngagementMetric::Comments),
            "engagement_rate" => Some(EngagementMetric::EngagementRate),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EngagementMetric::Views => "views",
            EngagementMetric::Likes => "likes",
            EngagementMetric::Comments => "comments",
            EngagementMetric::EngagementRate => "engagement_rate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TopTitleRow {
    pub title_id: i64,
    pub title: String,
    /// `film` or `series`.
    pub kind: String,
    /// The lists the title was on, comma-separated.
    pub categories: String,
    pub weeks_in_top10: i64,
    pub best_rank: i32,
    pub first_week: Week,
    pub last_week: Week,
    /// Global lists only; `null` for countries.
    pub hours_viewed: Option<i64>,
    /// Global lists only, and only from 2023-06-18 on.
    pub views: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrajectoryRow {
    pub week: Week,
    pub category: String,
    pub season_title: Option<String>,
    pub weekly_rank: i32,
    /// Global only.
    pub weekly_hours_viewed: Option<i64>,
    /// Global only, from 2023-06-18.
    pub weekly_views: Option<i64>,
    pub cumulative_weeks_in_top_10: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EngagementRow {
    pub title_id: i64,
    pub title: String,
    /// Videos that count: published before the end of the title's last Top 10 week in the period.
    pub videos: i64,
    pub youtube_views: Option<i64>,
    pub youtube_likes: Option<i64>,
    pub youtube_comments: Option<i64>,
    pub best_rank: i32,
    pub weeks_in_top10: i64,
    pub hours_viewed: Option<i64>,
    pub views: Option<i64>,
    pub first_week: Week,
    pub last_week: Week,
}

/// How one engagement measure moves with one Top 10 measure, over the titles of the answer.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Correlation {
    #[schema(example = "youtube_views")]
    pub x: &'static str,
    #[schema(example = "hours_viewed")]
    pub y: &'static str,
    /// Titles with both values.
    pub n: usize,
    /// Linear correlation of the raw values; `null` below 3 titles or without variation.
    pub pearson: Option<f64>,
    /// Rank correlation: robust to the heavy tails of view counts.
    pub spearman: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GenreRow {
    pub genre: String,
    pub titles: i64,
    pub title_weeks: i64,
    /// Global only.
    pub hours_viewed: Option<i64>,
    pub average_rank: f64,
    pub youtube_videos: i64,
    pub youtube_views: Option<i64>,
    pub youtube_likes: Option<i64>,
}

/// How much of the period the genre answer covers: title-weeks whose title has a catalog genre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Coverage {
    pub title_weeks_with_genre: i64,
    pub title_weeks: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RegionalPreferenceRow {
    pub country_iso2: String,
    pub country_name: String,
    pub titles: i64,
    /// On this country's lists and no other country's in the period.
    pub unique_titles: i64,
    /// Also on the global lists in the period.
    pub shared_with_global: i64,
    /// shared_with_global / titles.
    pub global_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SimilarityRow {
    pub country_a: String,
    pub country_b: String,
    pub shared_titles: i64,
    /// Shared titles / titles on either country's lists.
    pub jaccard: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CategoryViewershipRow {
    pub category: String,
    pub title_weeks: i64,
    pub weeks: i64,
    pub hours_viewed: Option<i64>,
    pub average_hours_viewed: Option<f64>,
    /// Only weeks from 2023-06-18 have views.
    pub average_views: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CategoryWeekRow {
    pub week: Week,
    pub category: String,
    pub title_weeks: i64,
    pub hours_viewed: Option<i64>,
    pub average_hours_viewed: Option<f64>,
    pub average_views: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WeeklyHoursRow {
    pub week: Week,
    pub title_id: i64,
    pub title: String,
    pub hours_viewed: Option<i64>,
    pub views: Option<i64>,
    pub best_rank: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EngagementTitleRow {
    pub title_id: i64,
    pub title: String,
    pub videos: i64,
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    /// (likes + comments) / views over the videos showing all three.
    pub engagement_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DurationBucketRow {
    pub bucket_start_minutes: i64,
    pub bucket_end_minutes: i64,
    pub videos: i64,
    pub views: Option<i64>,
    pub average_views: Option<f64>,
}

fn week_at(row: &duckdb::Row<'_>, index: usize) -> duckdb::Result<Week> {
    let date: NaiveDate = row.get(index)?;
    Week::from_date(date)
        .map_err(|e| duckdb::Error::FromSqlConversionFailure(index, duckdb::types::Type::Date32, Box::new(e)))
}

/// The first and last week with any list; `None` when no Top 10 was loaded.
pub fn weeks_held(conn: &Connection) -> Result<Option<(Week, Week)>> {
    let (first, last): (Option<NaiveDate>, Option<NaiveDate>) =
        conn.prepare(queries::ANALYTICS_WEEK_RANGE)?.query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let week = |date: NaiveDate| Week::from_date(date).map_err(|e| Error::Internal(format!("stored week: {e}")));
    Ok(match (first, last) {
        (Some(first), Some(last)) => Some((week(first)?, week(last)?)),
        _ => None,
    })
}

#[allow(clippy::too_many_arguments)]
pub fn top_titles(
    conn: &Connection,
    region: Region,
    period: Period,
    category: Option<Category>,
    order: TitleOrder,
    limit: u32,
    offset: u64,
) -> Result<(Vec<TopTitleRow>, u64)> {
    let (mut rows, mut total) = (Vec::new(), 0);
    top_titles_each(conn, region, period, category, order, limit, offset, &mut |row, row_total| {
        total = row_total;
        rows.push(row);
        Ok(())
    })?;
    Ok((rows, total))
}

/// As `top_titles`, handing each row and the total it carries to `each` as DuckDB returns it.
#[allow(clippy::too_many_arguments)]
pub fn top_titles_each(
    conn: &Connection,
    region: Region,
    period: Period,
    category: Option<Category>,
    order: TitleOrder,
    limit: u32,
    offset: u64,
    each: &mut dyn FnMut(TopTitleRow, u64) -> Result<()>,
) -> Result<()> {
    let category = category.map(Category::as_str);
    let (from, to) = (period.from.date(), period.to.date());
    let (limit, offset) = (i64::from(limit), offset as i64);
    let map = |row: &duckdb::Row<'_>| -> duckdb::Result<(TopTitleRow, u64)> {
        let total = row.get::<_, i64>(10)? as u64;
        let title = TopTitleRow {
            title_id: row.get(0)?,
            title: row.get(1)?,
            kind: row.get(2)?,
            categories: row.get(3)?,
            weeks_in_top10: row.get(4)?,
            best_rank: row.get(5)?,
            first_week: week_at(row, 6)?,
            last_week: week_at(row, 7)?,
            hours_viewed: row.get(8)?,
            views: row.get(9)?,
        };
        Ok((title, total))
    };
    let each = &mut |(row, total)| each(row, total);
    match region {
        Region::Global => {
            let mut statement = conn.prepare(queries::ANALYTICS_TOP_TITLES_GLOBAL)?;
            let mut rows = statement.query(named_params! {
                "from": from, "to": to, "category": category, "order": order.as_str(), "limit": limit, "offset": offset,
            })?;
            each_row(&mut rows, map, each)
        }
        Region::Country(country) => {
            let mut statement = conn.prepare(queries::ANALYTICS_TOP_TITLES_COUNTRY)?;
            let mut rows = statement.query(named_params! {
                "country": country.as_str(), "from": from, "to": to, "category": category,
                "order": order.as_str(), "limit": limit, "offset": offset,
            })?;
            each_row(&mut rows, map, each)
        }
    }
}

fn collect<T>(
    rows: &mut duckdb::Rows<'_>,
    mut map: impl FnMut(&duckdb::Row<'_>) -> duckdb::Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

/// Hands each row, mapped, to `each` as DuckDB returns it, so that no more than DuckDB's own result
/// is held.
fn each_row<T>(
    rows: &mut duckdb::Rows<'_>,
    map: impl Fn(&duckdb::Row<'_>) -> duckdb::Result<T>,
    each: &mut dyn FnMut(T) -> Result<()>,
) -> Result<()> {
    while let Some(row) = rows.next()? {
        each(map(row)?)?;
    }
    Ok(())
}

pub fn trajectory(conn: &Connection, title_id: i64, region: Region, period: Period) -> Result<Vec<TrajectoryRow>> {
    let (from, to) = (period.from.date(), period.to.date());
    let map = |row: &duckdb::Row<'_>| -> duckdb::Result<TrajectoryRow> {
        Ok(TrajectoryRow {
            week: week_at(row, 0)?,
            category: row.get(1)?,
            season_title: row.get(2)?,
            weekly_rank: row.get(3)?,
            weekly_hours_viewed: row.get(4)?,
            weekly_views: row.get(5)?,
            cumulative_weeks_in_top_10: row.get(6)?,
        })
    };
    Ok(match region {
        Region::Global => conn
            .prepare(queries::ANALYTICS_TRAJECTORY_GLOBAL)?
            .query_map(named_params! { "title_id": title_id, "from": from, "to": to }, map)?
            .collect::<Result<_, _>>()?,
        Region::Country(country) => conn
            .prepare(queries::ANALYTICS_TRAJECTORY_COUNTRY)?
            .query_map(
                named_params! { "title_id": title_id, "country": country.as_str(), "from": from, "to": to },
                map,
            )?
            .collect::<Result<_, _>>()?,
    })
}

/// Every title with counting videos, and the correlations over all of them.
pub fn engagement_vs_rank(
    conn: &Connection,
    period: Period,
    category: Option<Category>,
) -> Result<(Vec<EngagementRow>, Vec<Correlation>)> {
    let rows: Vec<EngagementRow> = conn
        .prepare(queries::ANALYTICS_ENGAGEMENT_VS_RANK)?
        .query_map(
            named_params! { "from": period.from.date(), "to": period.to.date(), "category": category.map(Category::as_str) },
            |row| {
                Ok(EngagementRow {
                    title_id: row.get(0)?,
                    title: row.get(1)?,
                    videos: row.get(2)?,
                    youtube_views: row.get(3)?,
                    youtube_likes: row.get(4)?,
                    youtube_comments: row.get(5)?,
                    best_rank: row.get(6)?,
                    weeks_in_top10: row.get(7)?,
                    hours_viewed: row.get(8)?,
                    views: row.get(9)?,
                    first_week: week_at(row, 10)?,
                    last_week: week_at(row, 11)?,
                })
            },
        )?
        .collect::<Result<_, _>>()?;
    let correlations = correlations(&rows);
    Ok((rows, correlations))
}

type Measure = (&'static str, fn(&EngagementRow) -> Option<f64>);

/// Engagement (x) against Top 10 performance (y). A lower best rank is better, so its correlation
/// with engagement is expected to be negative.
pub fn correlations(rows: &[EngagementRow]) -> Vec<Correlation> {
    let engagement: [Measure; 3] = [
        ("youtube_views", |r| r.youtube_views.map(|v| v as f64)),
        ("youtube_likes", |r| r.youtube_likes.map(|v| v as f64)),
        ("youtube_comments", |r| r.youtube_comments.map(|v| v as f64)),
    ];
    let performance: [Measure; 3] = [
        ("hours_viewed", |r| r.hours_viewed.map(|v| v as f64)),
        ("weeks_in_top10", |r| Some(r.weeks_in_top10 as f64)),
        ("best_rank", |r| Some(f64::from(r.best_rank))),
    ];
    let mut out = Vec::new();
    for (x_name, x) in engagement {
        for (y_name, y) in performance {
            let (xs, ys): (Vec<f64>, Vec<f64>) = rows.iter().filter_map(|r| Some((x(r)?, y(r)?))).unzip();
            out.push(Correlation {
                x: x_name,
                y: y_name,
                n: xs.len(),
                pearson: stats::pearson(&xs, &ys),
                spearman: stats::spearman(&xs, &ys),
            });
        }
    }
    out
}

pub fn genre_performance(conn: &Connection, region: Region, period: Period) -> Result<(Vec<GenreRow>, Coverage)> {
    let (from, to) = (period.from.date(), period.to.date());
    let map = |row: &duckdb::Row<'_>| -> duckdb::Result<GenreRow> {
        Ok(GenreRow {
            genre: row.get(0)?,
            titles: row.get(1)?,
            title_weeks: row.get(2)?,
            hours_viewed: row.get(3)?,
            average_rank: row.get(4)?,
            youtube_videos: row.get(5)?,
            youtube_views: row.get(6)?,
            youtube_likes: row.get(7)?,
        })
    };
    let (rows, country): (Vec<GenreRow>, Option<&str>) = match &region {
        Region::Global => (
            conn.prepare(queries::ANALYTICS_GENRE_PERFORMANCE_GLOBAL)?
                .query_map(named_params! { "from": from, "to": to }, map)?
                .collect::<Result<_, _>>()?,
            None,
        ),
        Region::Country(code) => (
            conn.prepare(queries::ANALYTICS_GENRE_PERFORMANCE_COUNTRY)?
                .query_map(named_params! { "country": code.as_str(), "from": from, "to": to }, map)?
                .collect::<Result<_, _>>()?,
            Some(code.as_str()),
        ),
    };
    let coverage = conn
        .prepare(queries::ANALYTICS_GENRE_COVERAGE)?
        .query_row(named_params! { "country": country, "from": from, "to": to }, |row| {
            Ok(Coverage { title_weeks_with_genre: row.get(0)?, title_weeks: row.get(1)? })
        })?;
    Ok((rows, coverage))
}

pub fn regional_preferences(conn: &Connection, period: Period) -> Result<Vec<RegionalPreferenceRow>> {
    Ok(conn
        .prepare(queries::ANALYTICS_REGIONAL_PREFERENCES)?
        .query_map(named_params! { "from": period.from.date(), "to": period.to.date() }, |row| {
            Ok(RegionalPreferenceRow {
                country_iso2: row.get(0)?,
                country_name: row.get(1)?,
                titles: row.get(2)?,
                unique_titles: row.get(3)?,
                shared_with_global: row.get(4)?,
                global_share: row.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

pub fn regional_similarity(
    conn: &Connection,
    period: Period,
    limit: u32,
    offset: u64,
) -> Result<(Vec<SimilarityRow>, u64)> {
    let (mut rows, mut total) = (Vec::new(), 0);
    regional_similarity_each(conn, period, limit, offset, &mut |row, row_total| {
        total = row_total;
        rows.push(row);
        Ok(())
    })?;
    Ok((rows, total))
}

/// As `regional_similarity`, handing each row and the total it carries to `each`.
pub fn regional_similarity_each(
    conn: &Connection,
    period: Period,
    limit: u32,
    offset: u64,
    each: &mut dyn FnMut(SimilarityRow, u64) -> Result<()>,
) -> Result<()> {
    let mut statement = conn.prepare(queries::ANALYTICS_REGIONAL_SIMILARITY)?;
    let mut rows = statement.query(named_params! {
        "from": period.from.date(), "to": period.to.date(), "limit": i64::from(limit), "offset": offset as i64,
    })?;
    let map = |row: &duckdb::Row<'_>| -> duckdb::Result<(SimilarityRow, u64)> {
        let pair = SimilarityRow {
            country_a: row.get(0)?,
            country_b: row.get(1)?,
            shared_titles: row.get(2)?,
            jaccard: row.get(3)?,
        };
        Ok((pair, row.get::<_, i64>(4)? as u64))
    };
    each_row(&mut rows, map, &mut |(row, total)| each(row, total))
}

pub fn category_viewership(conn: &Connection, period: Period) -> Result<Vec<CategoryViewershipRow>> {
    Ok(conn
        .prepare(queries::ANALYTICS_CATEGORY_VIEWERSHIP)?
        .query_map(named_params! { "from": period.from.date(), "to": period.to.date() }, |row| {
            Ok(CategoryViewershipRow {
                category: row.get(0)?,
                title_weeks: row.get(1)?,
                weeks: row.get(2)?,
                hours_viewed: row.get(3)?,
                average_hours_viewed: row.get(4)?,
                average_views: row.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

pub fn category_viewership_weekly(conn: &Connection, period: Period) -> Result<Vec<CategoryWeekRow>> {
    let mut rows = Vec::new();
    category_viewership_weekly_each(conn, period, &mut |row, _| {
        rows.push(row);
        Ok(())
    })?;
    Ok(rows)
}

/// As `category_viewership_weekly`, handing each row and the number of rows in all to `each`.
pub fn category_viewership_weekly_each(
    conn: &Connection,
    period: Period,
    each: &mut dyn FnMut(CategoryWeekRow, u64) -> Result<()>,
) -> Result<()> {
    let mut statement = conn.prepare(queries::ANALYTICS_CATEGORY_VIEWERSHIP_WEEKLY)?;
    let mut rows = statement.query(named_params! { "from": period.from.date(), "to": period.to.date() })?;
    let map = |row: &duckdb::Row<'_>| -> duckdb::Result<(CategoryWeekRow, u64)> {
        let week = CategoryWeekRow {
            week: week_at(row, 0)?,
            category: row.get(1)?,
            title_weeks: row.get(2)?,
            hours_viewed: row.get(3)?,
            average_hours_viewed: row.get(4)?,
            average_views: row.get(5)?,
        };
        Ok((week, row.get::<_, i64>(6)? as u64))
    };
    each_row(&mut rows, map, &mut |(row, total)| each(row, total))
}

/// The `top` titles with the most global hours in the period.
pub fn most_watched_titles(conn: &Connection, period: Period, top: u32) -> Result<Vec<i64>> {
    Ok(conn
        .prepare(queries::ANALYTICS_TOP_TITLES_BY_HOURS)?
        .query_map(
            named_params! { "from": period.from.date(), "to": period.to.date(), "top": i64::from(top) },
            |row| row.get(0),
        )?
        .collect::<Result<_, _>>()?)
}

/// The title a name refers to: the most charted title with that normalised name.
pub fn title_by_name(conn: &Connection, normalized: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare(queries::ANALYTICS_TITLES_BY_NAME)?
        .query_row(named_params! { "name": normalized }, |row| row.get(0))
        .optional()?)
}

pub fn weekly_hours(conn: &Connection, title_ids: &[i64], period: Period) -> Result<Vec<WeeklyHoursRow>> {
    // The bundled duckdb crate binds no list parameter: the ids go as one comma-separated text.
    let ids = title_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(conn
        .prepare(queries::ANALYTICS_WEEKLY_HOURS)?
        .query_map(named_params! { "title_ids": ids, "from": period.from.date(), "to": period.to.date() }, |row| {
            Ok(WeeklyHoursRow {
                week: week_at(row, 0)?,
                title_id: row.get(1)?,
                title: row.get(2)?,
                hours_viewed: row.get(3)?,
                views: row.get(4)?,
                best_rank: row.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

/// The first and last publication day of the videos; `None` when no video was loaded.
pub fn video_days(conn: &Connection) -> Result<Option<(NaiveDate, NaiveDate)>> {
    let (first, last): (Option<NaiveDate>, Option<NaiveDate>) =
        conn.prepare(queries::ANALYTICS_YOUTUBE_DATE_RANGE)?.query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(first.zip(last))
}

pub fn youtube_top_engagement(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    metric: EngagementMetric,
    limit: u32,
    offset: u64,
) -> Result<(Vec<EngagementTitleRow>, u64)> {
    let mut total = 0u64;
    let mut statement = conn.prepare(queries::ANALYTICS_YOUTUBE_TOP_ENGAGEMENT)?;
    let mut rows = statement.query(named_params! {
        "from": from, "to": to, "metric": metric.as_str(), "limit": i64::from(limit), "offset": offset as i64,
    })?;
    let rows = collect(&mut rows, |row| {
        total = row.get::<_, i64>(7)? as u64;
        Ok(EngagementTitleRow {
            title_id: row.get(0)?,
            title: row.get(1)?,
            videos: row.get(2)?,
            views: row.get(3)?,
            likes: row.get(4)?,
            comments: row.get(5)?,
            engagement_rate: row.get(6)?,
        })
    })?;
    Ok((rows, total))
}

pub fn youtube_durations(
    conn: &Connection,
    bucket_minutes: u32,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DurationBucketRow>> {
    let bucket = i64::from(bucket_minutes);
    Ok(conn
        .prepare(queries::ANALYTICS_YOUTUBE_DURATIONS)?
        .query_map(named_params! { "bucket_minutes": bucket, "from": from, "to": to }, |row| {
            let start: i64 = row.get(0)?;
            Ok(DurationBucketRow {
                bucket_start_minutes: start,
                bucket_end_minutes: start + bucket,
                videos: row.get(1)?,
                views: row.get(2)?,
                average_views: row.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

fn region_params(region: Region) -> Vec<(&'static str, String)> {
    match region {
        Region::Global => Vec::new(),
        Region::Country(code) => vec![("region", code.to_string())],
    }
}

fn category_name(category: Option<Category>) -> Option<String> {
    category.map(|c| c.as_str().to_owned())
}

/// A region's top titles over a period.
#[derive(Debug)]
pub struct TopTitles {
    pub region: Region,
    pub range: WeekRange,
    pub category: Option<Category>,
    pub order: TitleOrder,
    pub page: Page,
}

impl Question for TopTitles {
    type Row = TopTitleRow;
    const NAME: &'static str = "top-titles";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<TopTitleRow>> {
        let conn = db.conn();
        ensure_region(db, self.region)?;
        let period = self.range.resolve(db)?;
        let mut answer = sql_paged(self.page, |limit, offset| {
            top_titles(conn, self.region, period, self.category, self.order, limit, offset)
        })?
        .period(period.from, period.to);
        answer.about.category = category_name(self.category);
        Ok(answer)
    }

    fn visit(&self, db: &Snapshot<'_>, rows: &mut dyn Rows<TopTitleRow>) -> Result<()> {
        ensure_region(db, self.region)?;
        let period = self.range.resolve(db)?;
        let mut about = About::of_period(period.from, period.to);
        about.category = category_name(self.category);
        let (limit, offset) = (self.page.limit, self.page.offset);
        sql_visited(about, rows, |each| {
            top_titles_each(db.conn(), self.region, period, self.category, self.order, limit, offset, each)
        })
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }

    fn link_params(&self) -> Vec<(&'static str, String)> {
        let mut params = region_params(self.region);
        params.push(("order", self.order.as_str().to_owned()));
        params.extend(self.category.map(|c| ("category", c.slug().to_owned())));
        params
    }
}

/// A title's weeks on the lists.
#[derive(Debug)]
pub struct Trajectory {
    pub title_id: i64,
    pub region: Region,
    pub range: WeekRange,
    pub page: Page,
}

impl Question for Trajectory {
    type Row = TrajectoryRow;
    const NAME: &'static str = "trajectory";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<TrajectoryRow>> {
        let conn = db.conn();
        ensure_region(db, self.region)?;
        let period = self.range.resolve(db)?;
        let rows = trajectory(conn, self.title_id, self.region, period)?;
        // Only an empty answer can come from an unknown title; a known one may not have charted then.
        if rows.is_empty() {
            ensure_title(conn, self.title_id)?;
        }
        let mut answer = Answer::page_of(rows, self.page).period(period.from, period.to);
        answer.about.file_suffix = Some(self.title_id.to_string());
        Ok(answer)
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }

    fn link_params(&self) -> Vec<(&'static str, String)> {
        region_params(self.region)
    }
}

/// YouTube engagement beside Top 10 performance, per title, with correlations.
#[derive(Debug)]
pub struct EngagementVsRank {
    pub range: WeekRange,
    pub category: Option<Category>,
    pub page: Page,
}

impl Question for EngagementVsRank {
    type Row = EngagementRow;
    const NAME: &'static str = "engagement-vs-rank";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<EngagementRow>> {
        let period = self.range.resolve(db)?;
        let (rows, correlations) = engagement_vs_rank(db.conn(), period, self.category)?;
        let mut answer = Answer::page_of(rows, self.page).period(period.from, period.to);
        answer.about.category = category_name(self.category);
        answer.about.correlations = Some(correlations);
        Ok(answer)
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }

    fn link_params(&self) -> Vec<(&'static str, String)> {
        self.category.map(|c| ("category", c.slug().to_owned())).into_iter().collect()
    }
}

/// Catalog genres on a region's lists.
#[derive(Debug)]
pub struct GenrePerformance {
    pub region: Region,
    pub range: WeekRange,
    pub page: Page,
}

impl Question for GenrePerformance {
    type Row = GenreRow;
    const NAME: &'static str = "genre-performance";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<GenreRow>> {
        let conn = db.conn();
        ensure_region(db, self.region)?;
        let period = self.range.resolve(db)?;
        let (rows, coverage) = genre_performance(conn, self.region, period)?;
        let mut answer = Answer::page_of(rows, self.page).period(period.from, period.to);
        answer.about.coverage = Some(coverage);
        Ok(answer)
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }

    fn link_params(&self) -> Vec<(&'static str, String)> {
        region_params(self.region)
    }
}

/// Per country: its titles, those unique to it, and what it shares with the global lists.
#[derive(Debug)]
pub struct RegionalPreferences {
    pub range: WeekRange,
    pub page: Page,
}

impl Question for RegionalPreferences {
    type Row = RegionalPreferenceRow;
    const NAME: &'static str = "regional-preferences";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<RegionalPreferenceRow>> {
        let period = self.range.resolve(db)?;
        Ok(Answer::page_of(regional_preferences(db.conn(), period)?, self.page).period(period.from, period.to))
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }
}

/// Every pair of countries and the overlap of their titles.
#[derive(Debug)]
pub struct RegionalSimilarity {
    pub range: WeekRange,
    pub page: Page,
}

impl Question for RegionalSimilarity {
    type Row = SimilarityRow;
    const NAME: &'static str = "regional-similarity";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<SimilarityRow>> {
        let conn = db.conn();
        let period = self.range.resolve(db)?;
        Ok(sql_paged(self.page, |limit, offset| regional_similarity(conn, period, limit, offset))?
            .period(period.from, period.to))
    }

    fn visit(&self, db: &Snapshot<'_>, rows: &mut dyn Rows<SimilarityRow>) -> Result<()> {
        let period = self.range.resolve(db)?;
        let (limit, offset) = (self.page.limit, self.page.offset);
        sql_visited(About::of_period(period.from, period.to), rows, |each| {
            regional_similarity_each(db.conn(), period, limit, offset, each)
        })
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }
}

/// Global viewership per category over the whole period.
#[derive(Debug)]
pub struct CategoryViewership {
    pub range: WeekRange,
    pub page: Page,
}

impl Question for CategoryViewership {
    type Row = CategoryViewershipRow;
    const NAME: &'static str = "category-viewership";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<CategoryViewershipRow>> {
        let period = self.range.resolve(db)?;
        Ok(Answer::page_of(category_viewership(db.conn(), period)?, self.page).period(period.from, period.to))
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }
}

/// Global viewership per category and week.
#[derive(Debug)]
pub struct CategoryViewershipWeekly {
    pub range: WeekRange,
    pub page: Page,
}

impl Question for CategoryViewershipWeekly {
    type Row = CategoryWeekRow;
    const NAME: &'static str = "category-viewership-weekly";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<CategoryWeekRow>> {
        let period = self.range.resolve(db)?;
        Ok(Answer::page_of(category_viewership_weekly(db.conn(), period)?, self.page).period(period.from, period.to))
    }

    fn visit(&self, db: &Snapshot<'_>, rows: &mut dyn Rows<CategoryWeekRow>) -> Result<()> {
        let period = self.range.resolve(db)?;
        let Page { limit, offset, .. } = self.page;
        // The query is not paged: the page is cut here, as `Answer::page_of` does.
        let mut index = 0u64;
        sql_visited(About::of_period(period.from, period.to), rows, |each| {
            category_viewership_weekly_each(db.conn(), period, &mut |row, total| {
                index += 1;
                if index > offset && index <= offset + u64::from(limit) { each(row, total) } else { Ok(()) }
            })
        })
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }

    fn link_params(&self) -> Vec<(&'static str, String)> {
        vec![("interval", "week".to_owned())]
    }
}

/// Chosen titles' global hours per week; without titles, the `top` most watched of the period.
#[derive(Debug)]
pub struct WeeklyHours {
    pub titles: Vec<TitleRef>,
    pub top: u32,
    pub range: WeekRange,
}

impl WeeklyHours {
    /// Each named title costs a lookup, so a request names at most this many.
    pub const MAX_TITLES: usize = 50;
    pub const MAX_TOP: u32 = 50;
}

impl Question for WeeklyHours {
    type Row = WeeklyHoursRow;
    const NAME: &'static str = "weekly-hours";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<WeeklyHoursRow>> {
        let conn = db.conn();
        let period = self.range.resolve(db)?;
        let ids = if self.titles.is_empty() {
            most_watched_titles(conn, period, self.top)?
        } else {
            self.titles.iter().map(|title| title.resolve(db)).collect::<Result<Vec<_>>>()?
        };
        // A period before the first week has no titles; DuckDB cannot bind an empty list.
        let rows = if ids.is_empty() { Vec::new() } else { weekly_hours(conn, &ids, period)? };
        Ok(Answer::new(rows).period(period.from, period.to))
    }
}

/// Titles by the engagement of their videos published in the period.
#[derive(Debug)]
pub struct YoutubeTopEngagement {
    pub days: DayRange,
    pub metric: EngagementMetric,
    pub page: Page,
}

impl Question for YoutubeTopEngagement {
    type Row = EngagementTitleRow;
    const NAME: &'static str = "youtube-top-engagement";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<EngagementTitleRow>> {
        let conn = db.conn();
        let (from, to) = self.days.resolve(db)?;
        let mut answer =
            sql_paged(self.page, |limit, offset| youtube_top_engagement(conn, from, to, self.metric, limit, offset))?
                .period(from, to);
        answer.about.metric = Some(self.metric.as_str().to_owned());
        Ok(answer)
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }

    fn link_params(&self) -> Vec<(&'static str, String)> {
        vec![("metric", self.metric.as_str().to_owned())]
    }
}

/// A histogram of the channel's video durations.
#[derive(Debug)]
pub struct YoutubeDurations {
    pub bucket_minutes: u32,
    pub days: DayRange,
}

impl YoutubeDurations {
    pub const BUCKETS: std::ops::RangeInclusive<u32> = 1..=120;
}

impl Question for YoutubeDurations {
    type Row = DurationBucketRow;
    const NAME: &'static str = "youtube-duration-histogram";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<DurationBucketRow>> {
        let conn = db.conn();
        let (from, to) = self.days.resolve(db)?;
        Ok(Answer::new(youtube_durations(conn, self.bucket_minutes, from, to)?).period(from, to))
    }
}
