//! Parsing request parameters into domain types, with messages that say what is accepted.

use chrono::NaiveDate;

use crate::analytics::Page;
use crate::analytics::insights::Region;
use crate::analytics::scope::{DayRange, WeekRange};
use crate::domain::{Category, CountryCode, List, Week, WeekSelector};
use crate::error::{Error, Result};

/// Page sizes of a paged endpoint.
#[derive(Debug, Clone, Copy)]
pub struct PageSize {
    pub default: u32,
    pub max: u32,
}

impl PageSize {
    /// Lists read a page at a time.
    pub const LIST: PageSize = PageSize { default: 20, max: 1000 };
    /// Answers usually read whole (a genre table, a title's run).
    pub const WHOLE: PageSize = PageSize { default: 1000, max: 1000 };
    /// Country pairs: about 8,600 for 93 countries.
    pub const PAIRS: PageSize = PageSize { default: 10_000, max: 10_000 };
}

pub fn week(value: Option<&str>) -> Result<WeekSelector> {
    match value {
        None => Ok(WeekSelector::Latest),
        Some(text) => WeekSelector::parse(text.trim())
            .map_err(|e| Error::invalid("week", format!("{e}; accepted: {}", WeekSelector::ACCEPTED))),
    }
}

pub fn category(value: Option<&str>, list: List) -> Result<Option<Category>> {
    match value {
        None => Ok(None),
        Some(text) => Category::from_param(text, list).map(Some).ok_or_else(|| Error::UnknownCategory {
            got: text.to_owned(),
            list: list.name(),
            accepted: list.accepted_categories(),
        }),
    }
}

/// `limit` and `offset` of a paged list.
pub fn page(limit: Option<u32>, offset: Option<u64>, size: PageSize) -> Result<Page> {
    let limit = limit.unwrap_or(size.default);
    if !(1..=size.max).contains(&limit) {
        return Err(Error::invalid("limit", format!("{limit} is out of range; accepted: 1 to {}", size.max)));
    }
    let offset = offset.unwrap_or(0);
    if offset > Page::MAX_OFFSET {
        return Err(Error::invalid("offset", format!("{offset} is out of range; accepted: 0 to {}", Page::MAX_OFFSET)));
    }
    Ok(Page { limit, offset, whole: false })
}

/// `limit` and `offset` of a query endpoint, where `limit=all` asks for the whole answer: the
/// warehouse is asked for at most `max_rows` (`NA_MAX_ROWS`) rows, and an answer with more is
/// refused (see `api::answer`) rather than cut short.
pub fn page_or_all(limit: Option<&str>, offset: Option<u64>, size: PageSize, max_rows: u32) -> Result<Page> {
    match limit.map(str::trim) {
        Some(text) if text.eq_ignore_ascii_case("all") => {
            let page = page(None, offset, size)?;
            Ok(Page { limit: max_rows, offset: page.offset, whole: true })
        }
        Some(text) => {
            let limit = text.parse::<u32>().map_err(|_| {
                Error::invalid("limit", format!("{text:?} is not accepted; accepted: 1 to {}, or all", size.max))
            })?;
            page(Some(limit), offset, size)
        }
        None => page(None, offset, size),
    }
}

/// `from` and `to`, Sundays, `from` not after `to`.
pub fn week_range(from: Option<&str>, to: Option<&str>) -> Result<WeekRange> {
    let week = |name: &'static str, value: Option<&str>| -> Result<Option<Week>> {
        value
            .map(|text| {
                Week::parse(text.trim())
                    .map_err(|e| Error::invalid(name, format!("{e}; accepted: a Sunday as YYYY-MM-DD")))
            })
            .transpose()
    };
    let range = WeekRange { from: week("from", from)?, to: week("to", to)? };
    if let (Some(from), Some(to)) = (range.from, range.to)
        && from > to
    {
        return Err(Error::invalid("from", format!("{from} is after to={to}")));
    }
    Ok(range)
}

/// `from` and `to` of the YouTube endpoints: any days, `from` not after `to`.
pub fn day_range(from: Option<&str>, to: Option<&str>) -> Result<DayRange> {
    let day = |name: &'static str, value: Option<&str>| -> Result<Option<NaiveDate>> {
        value
            .map(|text| {
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                    .map_err(|_| Error::invalid(name, format!("{text:?} is not a date; accepted: YYYY-MM-DD")))
            })
            .transpose()
    };
    let range = DayRange { from: day("from", from)?, to: day("to", to)? };
    if let (Some(from), Some(to)) = (range.from, range.to)
        && from > to
    {
        return Err(Error::invalid("from", format!("{from} is after to={to}")));
    }
    Ok(range)
}

/// `region=global` or an ISO country code.
pub fn region(value: Option<&str>) -> Result<Region> {
    match value.map(str::trim) {
        None => Ok(Region::Global),
        Some(text) if text.eq_ignore_ascii_case("global") => Ok(Region::Global),
        Some(text) => CountryCode::parse(text).map(Region::Country).ok_or_else(|| {
            Error::invalid("region", format!("{text:?} is neither `global` nor an ISO 3166-1 alpha-2 country code"))
        }),
    }
}

/// The lists a region has.
pub fn list_of(region: Region) -> List {
    match region {
        Region::Global => List::Global,
        Region::Country(_) => List::Countries,
    }
}

/// A choice among named values, `accepted` listing them.
pub fn choice<T>(
    name: &'static str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    accepted: &str,
) -> Result<Option<T>> {
    value
        .map(|text| {
            parse(text.trim())
                .ok_or_else(|| Error::invalid(name, format!("{text:?} is not accepted; accepted: {accepted}")))
        })
        .transpose()
}
