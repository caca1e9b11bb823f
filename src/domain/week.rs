use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};

/// A Top 10 week, named like Netflix names it: by the Sunday that ends the Monday–Sunday week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Week(NaiveDate);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeekError {
    #[error("{0:?} is not a date in the form YYYY-MM-DD")]
    Malformed(String),
    #[error("{date} is a {weekday}; Top 10 weeks are named by their Sunday")]
    NotSunday { date: NaiveDate, weekday: Weekday },
}

impl Week {
    pub fn parse(text: &str) -> Result<Week, WeekError> {
        // chrono accepts unpadded fields ("2024-1-7"); the feeds and our API only use the padded form.
        let well_formed = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| well_formed)
            .ok_or_else(|| WeekError::Malformed(text.to_owned()))?;
        Week::from_date(date)
    }

    pub fn from_date(date: NaiveDate) -> Result<Week, WeekError> {
        match date.weekday() {
            Weekday::Sun => Ok(Week(date)),
            weekday => Err(WeekError::NotSunday { date, weekday }),
        }
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Week {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl utoipa::PartialSchema for Week {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("The Sunday ending a Monday–Sunday Top 10 week, as YYYY-MM-DD"))
            .examples(["2026-07-19"])
            .into()
    }
}

impl utoipa::ToSchema for Week {}

/// The `week` query parameter: a specific Sunday or the newest week the warehouse holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekSelector {
    Latest,
    Week(Week),
}

impl WeekSelector {
    pub const ACCEPTED: &'static str = "a Sunday as YYYY-MM-DD, or `latest`";

    pub fn parse(text: &str) -> Result<WeekSelector, WeekError> {
        if text.eq_ignore_ascii_case("latest") {
            Ok(WeekSelector::Latest)
        } else {
            Week::parse(text).map(WeekSelector::Week)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sundays_parse_and_print_back() {
        let week = Week::parse("2026-07-19").unwrap();
        assert_eq!(week.to_string(), "2026-07-19");
    }

    #[test]
    fn weekdays_other_than_sunday_are_refused_with_their_name() {
        let err = Week::parse("2026-07-20").unwrap_err();
        assert_eq!(err.to_string(), "2026-07-20 is a Mon; Top 10 weeks are named by their Sunday");
    }

    #[test]
    fn unpadded_or_invalid_dates_are_malformed() {
        for text in ["2021-7-4", "2021-02-30", "20210704", "", "latest-ish"] {
            assert!(matches!(Week::parse(text), Err(WeekError::Malformed(_))), "{text}");
        }
    }

    #[test]
    fn latest_is_accepted_in_any_case() {
        assert_eq!(WeekSelector::parse("LATEST"), Ok(WeekSelector::Latest));
    }
}
