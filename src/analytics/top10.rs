//! The Netflix Top 10 lists as published: one week's global or country list, the all-time lists,
//! and the weeks and countries the warehouse holds. Field names are the feed's column names.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use duckdb::{Connection, Row, named_params};
use serde::Serialize;
use utoipa::ToSchema;

use super::answer::{Answer, Question};
use super::scope::Held;
use crate::domain::{Category, CountryCode, List, Week, WeekSelector};
use crate::error::{Error, Result};
use crate::warehouse::{Snapshot, queries};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Top10GlobalRow {
    pub week: Week,
    #[schema(example = "TV (English)")]
    pub category: String,
    #[schema(minimum = 1, maximum = 10)]
    pub weekly_rank: i32,
    pub show_title: String,
    /// `null` where the feed says `N/A` (films, and some licensed series).
    pub season_title: Option<String>,
    pub weekly_hours_viewed: Option<i64>,
    /// Hours; `null` before 2023-06-18, `0` for some live or staggered titles.
    pub runtime: Option<f64>,
    /// `null` before 2023-06-18, when Netflix started ranking by views.
    pub weekly_views: Option<i64>,
    pub cumulative_weeks_in_top_10: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Top10CountryRow {
    pub country_name: String,
    #[schema(example = "US")]
    pub country_iso2: String,
    pub week: Week,
    #[schema(example = "TV")]
    pub category: String,
    #[schema(minimum = 1, maximum = 10)]
    pub weekly_rank: i32,
    pub show_title: String,
    pub season_title: Option<String>,
    pub cumulative_weeks_in_top_10: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Top10MostPopularRow {
    #[schema(example = "Films (English)")]
    pub category: String,
    #[schema(minimum = 1, maximum = 10)]
    pub rank: i32,
    pub show_title: String,
    pub season_title: Option<String>,
    pub hours_viewed_first_91_days: Option<i64>,
    pub runtime: Option<f64>,
    pub views_first_91_days: Option<i64>,
    /// Only from files published before 2023-06, which ranked by hours in the first 28 days.
    pub hours_viewed_first_28_days: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WeekSummary {
    pub week: Week,
    /// Global lists published for the week (4 when complete).
    pub global_lists: i32,
    /// Country lists (2 per country when complete).
    pub country_lists: i32,
    pub countries: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CountrySummary {
    #[schema(example = "RE")]
    pub country_iso2: String,
    #[schema(example = "Réunion")]
    pub country_name: String,
    pub first_week: Week,
    pub last_week: Week,
    pub weeks: i32,
}

/// Turns `latest` or a date into a week the global list has.
pub fn resolve_global_week(db: &Snapshot<'_>, selector: WeekSelector) -> Result<Week> {
    let held = Held::of(db)?;
    let weeks = &held.global_weeks;
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return Err(Error::NoData { what: "global Top 10" });
    };
    match selector {
        WeekSelector::Latest => Ok(*last),
        WeekSelector::Week(week) if weeks.contains(&week) => Ok(week),
        WeekSelector::Week(week) => Err(Error::WeekNotFound {
            list: List::Global.name(),
            week: week.to_string(),
            first: first.to_string(),
            last: last.to_string(),
        }),
    }
}

/// Every week the global list has.
pub fn global_weeks(conn: &Connection) -> Result<BTreeSet<Week>> {
    let mut statement = conn.prepare(queries::TOP10_GLOBAL_WEEKS)?;
    let weeks = statement.query_map([], |row| week_of(row, 0))?;
    Ok(weeks.collect::<Result<_, _>>()?)
}

pub fn global_week(conn: &Connection, week: Week, category: Option<Category>) -> Result<Vec<Top10GlobalRow>> {
    let mut statement = conn.prepare(queries::TOP10_GLOBAL_WEEK)?;
    let rows = statement.query_map(
        named_params! { "week": week.date(), "category": category.map(Category::as_str) },
        |row| {
            Ok(Top10GlobalRow {
                week: week_of(row, 0)?,
                category: row.get(1)?,
                weekly_rank: row.get(2)?,
                show_title: row.get(3)?,
                season_title: row.get(4)?,
                weekly_hours_viewed: row.get(5)?,
                runtime: row.get(6)?,
                weekly_views: row.get(7)?,
                cumulative_weeks_in_top_10: row.get(8)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Turns `latest` or a date into a week the country's list has; `latest` is the country's own
/// newest week, which differs from the global one for countries Netflix stopped publishing (RU).
pub fn resolve_country_week(conn: &Connection, country: CountryCode, selector: WeekSelector) -> Result<Week> {
    let probe = probe_date(selector);
    let summary = conn
        .prepare(queries::TOP10_COUNTRY_WEEKS_SUMMARY)?
        .query_row(named_params! { "country": country.as_str(), "week": probe }, weeks_summary)?;
    match resolve(summary, selector, List::Countries) {
        Some(resolved) => resolved,
        None => {
            let known: Vec<String> = countries(conn)?.into_iter().map(|c| c.country_iso2).collect();
            let accepted = if known.is_empty() {
                "none yet; load them with POST /v1/ingest/top10".to_owned()
            } else {
                known.join(", ")
            };
            Err(Error::UnknownCountry { code: country.to_string(), accepted })
        }
    }
}

pub fn country_week(
    conn: &Connection,
    country: CountryCode,
    week: Week,
    category: Option<Category>,
) -> Result<Vec<Top10CountryRow>> {
    let mut statement = conn.prepare(queries::TOP10_COUNTRY_WEEK)?;
    let rows = statement.query_map(
        named_params! { "country": country.as_str(), "week": week.date(), "category": category.map(Category::as_str) },
        |row| {
            Ok(Top10CountryRow {
                country_name: row.get(0)?,
                country_iso2: row.get(1)?,
                week: week_of(row, 2)?,
                category: row.get(3)?,
                weekly_rank: row.get(4)?,
                show_title: row.get(5)?,
                season_title: row.get(6)?,
                cumulative_weeks_in_top_10: row.get(7)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn most_popular(conn: &Connection, category: Option<Category>) -> Result<Vec<Top10MostPopularRow>> {
    let mut statement = conn.prepare(queries::TOP10_MOST_POPULAR)?;
    let rows = statement.query_map(named_params! { "category": category.map(Category::as_str) }, |row| {
        Ok(Top10MostPopularRow {
            category: row.get(0)?,
            rank: row.get(1)?,
            show_title: row.get(2)?,
            season_title: row.get(3)?,
            hours_viewed_first_91_days: row.get(4)?,
            runtime: row.get(5)?,
            views_first_91_days: row.get(6)?,
            hours_viewed_first_28_days: row.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn weeks(conn: &Connection) -> Result<Vec<WeekSummary>> {
    let mut statement = conn.prepare(queries::WEEKS)?;
    let rows = statement.query_map([], |row| {
        Ok(WeekSummary {
            week: week_of(row, 0)?,
            global_lists: row.get(1)?,
            country_lists: row.get(2)?,
            countries: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn countries(conn: &Connection) -> Result<Vec<CountrySummary>> {
    let mut statement = conn.prepare(queries::COUNTRIES)?;
    let rows = statement.query_map([], |row| {
        Ok(CountrySummary {
            country_iso2: row.get(0)?,
            country_name: row.get(1)?,
            first_week: week_of(row, 2)?,
            last_week: week_of(row, 3)?,
            weeks: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// First week, last week, and whether the probed week is present.
type WeeksSummary = (Option<NaiveDate>, Option<NaiveDate>, bool);

fn weeks_summary(row: &Row<'_>) -> duckdb::Result<WeeksSummary> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

/// `latest` probes no particular date; any date works, it only feeds `bool_or(week = $week)`.
fn probe_date(selector: WeekSelector) -> NaiveDate {
    match selector {
        WeekSelector::Week(week) => week.date(),
        WeekSelector::Latest => NaiveDate::default(),
    }
}

/// `None` when the list has no weeks at all.
fn resolve(summary: WeeksSummary, selector: WeekSelector, list: List) -> Option<Result<Week>> {
    let (Some(first), Some(last), has_week) = summary else { return None };
    Some(match selector {
        WeekSelector::Latest => stored_week(last),
        WeekSelector::Week(week) if has_week => Ok(week),
        WeekSelector::Week(week) => Err(Error::WeekNotFound {
            list: list.name(),
            week: week.to_string(),
            first: first.to_string(),
            last: last.to_string(),
        }),
    })
}

fn stored_week(date: NaiveDate) -> Result<Week> {
    Week::from_date(date).map_err(|e| Error::Internal(format!("the warehouse holds a week that is not a Sunday: {e}")))
}

/// The loader only stores Sundays, so anything else is a corrupt warehouse, not bad input.
fn week_of(row: &Row<'_>, index: usize) -> duckdb::Result<Week> {
    let date: NaiveDate = row.get(index)?;
    Week::from_date(date)
        .map_err(|e| duckdb::Error::FromSqlConversionFailure(index, duckdb::types::Type::Date32, Box::new(e)))
}

/// One week's global lists.
#[derive(Debug)]
pub struct GlobalWeek {
    pub week: WeekSelector,
    pub category: Option<Category>,
}

impl Question for GlobalWeek {
    type Row = Top10GlobalRow;
    const NAME: &'static str = "top10-global";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<Top10GlobalRow>> {
        let week = resolve_global_week(db, self.week)?;
        let mut answer = Answer::new(global_week(db.conn(), week, self.category)?);
        answer.about.weeks = vec![week];
        answer.about.category = self.category.map(|c| c.as_str().to_owned());
        answer.about.file_suffix = Some(week.to_string());
        Ok(answer)
    }
}

/// One week's lists in one country.
#[derive(Debug)]
pub struct CountryWeek {
    pub country: CountryCode,
    pub week: WeekSelector,
    pub category: Option<Category>,
}

impl Question for CountryWeek {
    type Row = Top10CountryRow;
    const NAME: &'static str = "top10-country";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<Top10CountryRow>> {
        let week = resolve_country_week(db.conn(), self.country, self.week)?;
        let mut answer = Answer::new(country_week(db.conn(), self.country, week, self.category)?);
        answer.about.weeks = vec![week];
        answer.about.category = self.category.map(|c| c.as_str().to_owned());
        answer.about.country_iso2 = Some(self.country.to_string());
        answer.about.file_suffix = Some(format!("{}-{week}", self.country));
        Ok(answer)
    }
}

/// The all-time lists.
#[derive(Debug)]
pub struct MostPopular {
    pub category: Option<Category>,
}

impl Question for MostPopular {
    type Row = Top10MostPopularRow;
    const NAME: &'static str = "top10-most-popular";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<Top10MostPopularRow>> {
        let mut answer = Answer::new(most_popular(db.conn(), self.category)?);
        answer.about.category = self.category.map(|c| c.as_str().to_owned());
        Ok(answer)
    }
}

/// The weeks held.
#[derive(Debug)]
pub struct Weeks;

impl Question for Weeks {
    type Row = WeekSummary;
    const NAME: &'static str = "weeks";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<WeekSummary>> {
        Ok(Answer::new(weeks(db.conn())?))
    }
}

/// The countries with lists.
#[derive(Debug)]
pub struct Countries;

impl Question for Countries {
    type Row = CountrySummary;
    const NAME: &'static str = "countries";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<CountrySummary>> {
        Ok(Answer::new(countries(db.conn())?))
    }
}
