//! Parsing request parameters into domain types, with messages that say what is accepted.

use crate::domain::{Category, List, WeekSelector};
use crate::error::{Error, Result};

pub const DEFAULT_PAGE: u32 = 20;
pub const MAX_PAGE: u32 = 1000;

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
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: u32,
    pub offset: u64,
}

impl Page {
    pub fn parse(limit: Option<u32>, offset: Option<u64>, max: u32) -> Result<Page> {
        let limit = limit.unwrap_or(DEFAULT_PAGE.min(max));
        if !(1..=max).contains(&limit) {
            return Err(Error::invalid("limit", format!("{limit} is out of range; accepted: 1 to {max}")));
        }
        Ok(Page { limit, offset: offset.unwrap_or(0) })
    }

    /// The next page's URL, when there is one; `filters` are the other parameters to carry over.
    pub fn next(&self, path: &str, filters: &[(&str, String)], returned: usize, total: u64) -> Option<String> {
        let next_offset = self.offset + returned as u64;
        if returned == 0 || next_offset >= total {
            return None;
        }
        let mut query = format!("limit={}&offset={next_offset}", self.limit);
        for (name, value) in filters {
            query.push_str(&format!(
                "&{name}={}",
                url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
            ));
        }
        Some(format!("{path}?{query}"))
    }
}
