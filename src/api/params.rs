//! Parsing request parameters into domain types, with messages that say what is accepted.

use crate::domain::{Category, List, WeekSelector};
use crate::error::{Error, Result};

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
