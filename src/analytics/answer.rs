//! What every question returns, and the contract the HTTP layer answers through: a question is a
//! value of parsed parameters (its `Debug` form is canonical, so it keys the cache), asked of one
//! warehouse snapshot, returning typed rows and what the answer says about itself.

use std::fmt::Debug;

use serde::Serialize;
use utoipa::ToSchema;

use super::insights::{Correlation, Coverage};
use crate::domain::Week;
use crate::error::Result;
use crate::warehouse::Snapshot;

/// A question the service answers from the warehouse.
pub trait Question: Debug + Send + 'static {
    type Row: Serialize + ToSchema + Send + 'static;
    /// Names the answer: in cache keys, and in downloads as the file's stem.
    const NAME: &'static str;

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<Self::Row>>;

    /// Paged questions: the page asked for.
    fn page(&self) -> Option<Page> {
        None
    }

    /// Paged questions: the parameters, besides the period and the page, that a link to the next
    /// page repeats so that it asks the same question.
    fn link_params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// `limit` rows from `offset` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u32,
    pub offset: u64,
    /// Asked for every row (`limit=all`): `limit` is then the service's cap, and an answer with
    /// more rows than that is refused rather than cut short.
    pub whole: bool,
}

impl Page {
    /// Bounds the work an offset can ask for; DuckDB takes offsets as signed 64-bit numbers.
    pub const MAX_OFFSET: u64 = 1_000_000_000;
}

/// Rows and what the answer says about them.
#[derive(Debug)]
pub struct Answer<R> {
    pub rows: Vec<R>,
    pub about: About,
}

/// Everything an answer says about itself besides its rows; the HTTP layer adds the data version
/// and the paging links.
#[derive(Debug, Default)]
pub struct About {
    /// The week or weeks the rows are about.
    pub weeks: Vec<Week>,
    /// The period the answer covers, resolved (defaults filled in), as `YYYY-MM-DD`.
    pub period: Option<(String, String)>,
    pub category: Option<String>,
    pub country_iso2: Option<String>,
    /// Paged answers: rows in all pages together.
    pub total: Option<u64>,
    /// A suffix for the download's file name, such as the week.
    pub file_suffix: Option<String>,
    pub correlations: Option<Vec<Correlation>>,
    pub coverage: Option<Coverage>,
    pub basis: Option<String>,
}

impl<R> Answer<R> {
    pub fn new(rows: Vec<R>) -> Answer<R> {
        Answer { rows, about: About::default() }
    }

    /// A page of an answer computed whole (small answers, or answers whose metadata needs every
    /// row).
    pub fn page_of(rows: Vec<R>, page: Page) -> Answer<R> {
        let total = rows.len() as u64;
        let rows = rows.into_iter().skip(usize::try_from(page.offset).unwrap_or(usize::MAX)).take(page.limit as usize);
        let mut answer = Answer::new(rows.collect());
        answer.about.total = Some(total);
        answer
    }

    pub fn period(mut self, from: impl ToString, to: impl ToString) -> Answer<R> {
        self.about.period = Some((from.to_string(), to.to_string()));
        self
    }
}

/// Runs a query the warehouse pages itself, which reports the total on each row it returns. A page
/// past the end has no row to carry the total, so the first row is asked for to learn it: every
/// page of one answer reports the same total.
pub fn sql_paged<R>(page: Page, query: impl Fn(u32, u64) -> Result<(Vec<R>, u64)>) -> Result<Answer<R>> {
    let (rows, mut total) = query(page.limit, page.offset)?;
    if rows.is_empty() && page.offset > 0 {
        total = query(1, 0)?.1;
    }
    let mut answer = Answer::new(rows);
    answer.about.total = Some(total);
    Ok(answer)
}
