//! The language-model call log as a paged answer, newest first.

use chrono::{DateTime, NaiveDateTime};
use duckdb::named_params;
use serde::Serialize;
use utoipa::ToSchema;

use super::answer::{Answer, Page, Question, sql_paged};
use crate::error::Result;
use crate::warehouse::{Snapshot, queries};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LlmCallRow {
    pub id: i64,
    /// UTC.
    pub called_at: DateTime<chrono::Utc>,
    /// `ask`, `rerank` or `eval`.
    #[schema(example = "ask")]
    pub purpose: String,
    /// SHA-256 of the question, hex; the question itself is not kept.
    pub question_hash: String,
    pub model: String,
    /// `native` or `json`.
    pub mode: String,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub latency_ms: i64,
    /// The tools the model asked for in this call, comma-separated.
    #[schema(example = "top_titles,get_title")]
    pub tools: String,
    /// `tool_calls`, `answer`, `malformed` or `failed`.
    #[schema(example = "tool_calls")]
    pub outcome: String,
    pub error_code: Option<String>,
}

/// A page of the call log. `recorded` counts the calls this process has logged: the log changes
/// without a data refresh, so it keys the cached answer instead of the data version alone.
#[derive(Debug)]
pub struct LlmCalls {
    pub page: Page,
    pub recorded: u64,
}

impl Question for LlmCalls {
    type Row = LlmCallRow;
    const NAME: &'static str = "llm-calls";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<LlmCallRow>> {
        let conn = db.conn();
        sql_paged(self.page, |limit, offset| {
            let mut statement = conn.prepare(queries::LLM_CALLS_LIST)?;
            let mut total = 0;
            let rows = statement
                .query_map(named_params! { "limit": i64::from(limit), "offset": offset as i64 }, |row| {
                    Ok((
                        LlmCallRow {
                            id: row.get(0)?,
                            called_at: row.get::<_, NaiveDateTime>(1)?.and_utc(),
                            purpose: row.get(2)?,
                            question_hash: row.get(3)?,
                            model: row.get(4)?,
                            mode: row.get(5)?,
                            prompt_tokens: row.get(6)?,
                            completion_tokens: row.get(7)?,
                            latency_ms: row.get(8)?,
                            tools: row.get(9)?,
                            outcome: row.get(10)?,
                            error_code: row.get(11)?,
                        },
                        row.get::<_, i64>(12)?,
                    ))
                })?
                .map(|row| {
                    row.map(|(call, rows)| {
                        total = rows as u64;
                        call
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok((rows, total))
        })
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }
}
