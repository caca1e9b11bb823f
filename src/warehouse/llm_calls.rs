//! The language-model call log, `ops.llm_calls`: written in autocommit as calls happen, read a
//! page at a time by `analytics::llm_calls`.

use duckdb::{Connection, named_params};

use super::queries;
use crate::domain::LlmCall;
use crate::error::Result;

pub fn insert(conn: &Connection, calls: &[LlmCall]) -> Result<()> {
    let mut statement = conn.prepare(queries::LLM_CALL_INSERT)?;
    for call in calls {
        statement.execute(named_params! {
            "called_at": call.called_at.naive_utc(),
            "purpose": call.purpose,
            "question_hash": call.question_hash,
            "model": call.model,
            "mode": call.mode,
            "prompt_tokens": call.prompt_tokens as i64,
            "completion_tokens": call.completion_tokens as i64,
            "latency_ms": call.latency_ms as i64,
            "tools": call.tools.join(","),
            "outcome": call.outcome.as_str(),
            "error_code": call.error_code,
        })?;
    }
    Ok(())
}
