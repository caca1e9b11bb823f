//! What every question returns, and the contract the HTTP layer answers through: a question is a
//! value of parsed parameters (its `Debug` form is canonical, so it keys the cache), asked of one
//! warehouse snapshot, returning typed rows and what the answer says about itself.

use std::fmt::Debug;

use serde::Serialize;
use utoipa::ToSchema;

use super::insights::{Correlation, Coverage};
use crate::domain::Week;
use crate::error::{Error, Result};
use crate::warehouse::Snapshot;

/// A question the service answers from the warehouse.
pub trait Question: Debug + Send + 'static {
    type Row: Serialize + ToSchema + Send + 'static;
    /// Names the answer: in cache keys, and in downloads as the file's stem.
    const NAME: &'static str;

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<Self::Row>>;

    /// Hands the answer to `rows` a row at a time, for whole answers sent as they are read. The
    /// default asks `ask` and hands its rows on; questions whose whole answers are large override it
    /// to pass rows on as the warehouse returns them.
    fn visit(&self, db: &Snapshot<'_>, rows: &mut dyn Rows<Self::Row>) -> Result<()> {
        let Answer { rows: all, about } = self.ask(db)?;
        rows.begin(about)?;
        all.into_iter().try_for_each(|row| rows.row(row))
    }

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

    /// A whole answer of `total` rows is refused when more than the cap remain from the offset.
    pub fn check_whole(self, total: u64) -> Result<()> {
        if self.whole && total > self.offset + u64::from(self.limit) {
            return Err(Error::AnswerTooLarge { rows: total - self.offset, max_rows: self.limit });
        }
        Ok(())
    }
}

/// Takes an answer a row at a time (`Question::visit`).
pub trait Rows<R> {
    /// Called once, before the first row: what the answer says about itself, `total` included
    /// when known, so that a refusal can still come before anything is sent.
    fn begin(&mut self, about: About) -> Result<()>;

    fn row(&mut self, row: R) -> Result<()>;
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
    /// The measure the rows are ranked by, when the question lets the client choose it.
    pub metric: Option<String>,
}

impl About {
    /// About an answer over a period, as `Answer::period` says it.
    pub fn of_period(from: impl ToString, to: impl ToString) -> About {
        About { period: Some((from.to_string(), to.to_string())), ..About::default() }
    }
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

/// As `sql_paged`, handing rows to `rows` as the warehouse returns them. `query` calls its argument
/// with each row and the total the row carries; `about` goes out with the first row's total, and
/// without a total when there is no row.
pub fn sql_visited<R>(
    about: About,
    rows: &mut dyn Rows<R>,
    query: impl FnOnce(&mut dyn FnMut(R, u64) -> Result<()>) -> Result<()>,
) -> Result<()> {
    let mut pending = Some(about);
    query(&mut |row, total| {
        if let Some(mut about) = pending.take() {
            about.total = Some(total);
            rows.begin(about)?;
        }
        rows.row(row)
    })?;
    match pending {
        Some(about) => rows.begin(about),
        None => Ok(()),
    }
}
