//! What a question is about, resolved against the warehouse: the period (defaults are the weeks or
//! days held), the region (a country must have lists), and titles named by id or by name.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;
use duckdb::Connection;

use super::insights::{self, Period, Region};
use super::{titles, top10};
use crate::domain::Week;
use crate::error::{Error, Result};
use crate::warehouse::Snapshot;

/// What the warehouse holds, as the defaults and checks of every question need it: read once per
/// data version (see `Snapshot::memo`), not by each answer.
pub struct Held {
    /// The first and last week with any list: the default period.
    pub weeks: Option<(Week, Week)>,
    /// The weeks the global list has.
    pub global_weeks: BTreeSet<Week>,
    /// The first and last publication day of the videos.
    pub video_days: Option<(NaiveDate, NaiveDate)>,
    /// Countries with lists, sorted.
    pub countries: Vec<String>,
}

impl Held {
    pub fn of(db: &Snapshot<'_>) -> Result<Arc<Held>> {
        db.memo(|conn: &Connection| {
            Ok(Held {
                weeks: insights::weeks_held(conn)?,
                global_weeks: top10::global_weeks(conn)?,
                video_days: insights::video_days(conn)?,
                countries: top10::countries(conn)?.into_iter().map(|c| c.country_iso2).collect(),
            })
        })
    }
}

/// `from`/`to` as asked; the defaults are filled in when answering, so the question (and the cache
/// key) stays the request's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WeekRange {
    pub from: Option<Week>,
    pub to: Option<Week>,
}

impl WeekRange {
    /// The period asked for, within the weeks the warehouse holds.
    pub fn resolve(&self, db: &Snapshot<'_>) -> Result<Period> {
        let (first, last) = Held::of(db)?.weeks.ok_or(Error::NoData { what: "Top 10 lists" })?;
        Ok(Period { from: self.from.unwrap_or(first), to: self.to.unwrap_or(last) })
    }
}

/// `from`/`to` of the YouTube questions: days of publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DayRange {
    pub fn resolve(&self, db: &Snapshot<'_>) -> Result<(NaiveDate, NaiveDate)> {
        let (first, last) = Held::of(db)?.video_days.ok_or(Error::NoData { what: "YouTube videos" })?;
        Ok((self.from.unwrap_or(first), self.to.unwrap_or(last)))
    }
}

/// A country the warehouse has no lists for is a 404 naming those it has.
pub fn ensure_region(db: &Snapshot<'_>, region: Region) -> Result<()> {
    let Region::Country(code) = region else { return Ok(()) };
    let held = Held::of(db)?;
    let known = &held.countries;
    if known.iter().any(|c| c == code.as_str()) {
        return Ok(());
    }
    let accepted = if known.is_empty() { "none yet".to_owned() } else { known.join(", ") };
    Err(Error::UnknownCountry { code: code.to_string(), accepted })
}

pub fn ensure_title(conn: &Connection, id: i64) -> Result<()> {
    if titles::exists(conn, id)? { Ok(()) } else { Err(Error::TitleNotFound(id)) }
}

/// A title as a client names it: by id, or by a name already normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TitleRef {
    Id(i64),
    Name { normalized: String, asked: String },
}

impl TitleRef {
    /// The id, or the most charted title with that name.
    pub fn resolve(&self, db: &Snapshot<'_>) -> Result<i64> {
        let conn = db.conn();
        match self {
            TitleRef::Id(id) => ensure_title(conn, *id).map(|()| *id),
            TitleRef::Name { normalized, asked } => {
                insights::title_by_name(conn, normalized)?.ok_or_else(|| Error::UnknownTitle { name: asked.clone() })
            }
        }
    }
}
