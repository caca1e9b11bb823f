//! Questions in words (`POST /v1/ask`), answered by the configured language model through the
//! service's own questions, and the log of every model call (`GET /v1/llm/calls`).

use std::time::Instant;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::answer::answer;
use super::error::ErrorBody;
use super::extract::{Json, Query};
use super::format::{Envelope, Format};
use super::params::{self, PageSize};
use super::state::AppState;
use crate::analytics::llm_calls::{LlmCallRow, LlmCalls};
use crate::domain::LlmCall;
use crate::error::{Error, Result};
use crate::llm::{self, ToolRun, Usage};
use crate::warehouse::llm_calls;

/// A question longer than this is refused: it would only spend tokens.
const MAX_QUESTION_CHARS: usize = 2000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    /// The question, in words; at most 2000 characters.
    #[schema(example = "Which non-English series spent the most weeks in the global Top 10?")]
    question: String,
    /// Tool calls the question may make, at least 1 and at most `NA_LLM_MAX_TOOL_CALLS` (the default).
    #[schema(minimum = 1)]
    max_tool_calls: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AskResponse {
    /// The answer, from the tool results only. When the model cited numbers that are not in them, or
    /// ran out of budget, this says it could not answer.
    answer: String,
    /// `answered`, `tool_call_budget`, `token_budget` or `time_budget`.
    #[schema(example = "answered")]
    ending: String,
    /// Whether every number of the model's answer is in the tool results.
    grounded: bool,
    /// The model's numbers that are not in the tool results.
    ungrounded_numbers: Vec<String>,
    /// The model's own answer, when it was not passed on because it was not grounded.
    draft: Option<String>,
    /// The calls that produced the answer, in order, with the rows the model was shown.
    tool_calls: Vec<ToolRun>,
    model: String,
    /// `native` or `json` (`NA_LLM_TOOL_MODE`).
    mode: String,
    usage: Usage,
    duration_ms: u64,
}

/// Answers a question in words with the configured language model. The model's only tools are the
/// service's own read questions (titles, trajectories, the analytics), typed like their endpoints;
/// every number of the answer must come from their rows, which are returned with it. Every model
/// call is logged (`GET /v1/llm/calls`).
#[utoipa::path(
    post,
    path = "/v1/ask",
    tag = "llm",
    request_body = AskRequest,
    responses(
        (status = 200, description = "The answer, or what stopped it, with the tool calls behind it", body = AskResponse),
        (status = 400, description = "An empty or too long question, or an invalid max_tool_calls", body = ErrorBody),
        (status = 502, description = "The model failed, or its output could not be used", body = ErrorBody),
        (status = 503, description = "No model is configured (NA_LLM_BASE_URL, NA_LLM_MODEL)", body = ErrorBody),
    )
)]
pub async fn ask(State(state): State<AppState>, Json(request): Json<AskRequest>) -> Result<axum::Json<AskResponse>> {
    let client = state.llm().ok_or(Error::LlmNotConfigured)?;
    let question = request.question.trim();
    if question.is_empty() {
        return Err(Error::invalid("question", "the question is empty"));
    }
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Err(Error::invalid("question", format!("the question is longer than {MAX_QUESTION_CHARS} characters")));
    }
    let mut budget = state.llm_budget();
    if let Some(asked) = request.max_tool_calls {
        if !(1..=budget.max_tool_calls).contains(&asked) {
            return Err(Error::invalid(
                "max_tool_calls",
                format!("{asked} is out of range; accepted: 1 to {} (NA_LLM_MAX_TOOL_CALLS)", budget.max_tool_calls),
            ));
        }
        budget.max_tool_calls = asked;
    }
    let started = Instant::now();
    let asked = llm::ask(client, state.tools(), question, budget, "ask").await;
    record(&state, asked.calls).await;
    if let Some(err) = asked.failure {
        return Err(err);
    }
    Ok(axum::Json(AskResponse {
        answer: asked.answer,
        ending: asked.ending.as_str().to_owned(),
        grounded: asked.draft.is_none(),
        ungrounded_numbers: asked.ungrounded_numbers,
        draft: asked.draft,
        tool_calls: asked.tool_calls,
        model: asked.model,
        mode: client.mode().as_str().to_owned(),
        usage: asked.usage,
        duration_ms: started.elapsed().as_millis() as u64,
    }))
}

/// Logs model calls in the warehouse and counts them in the metrics. A call that cannot be logged
/// is not worth failing the answer for; it is reported in the service's log.
pub async fn record(state: &AppState, calls: Vec<LlmCall>) {
    if calls.is_empty() {
        return;
    }
    for call in &calls {
        state.metrics().llm_call(call);
    }
    let count = calls.len() as u64;
    match state.warehouse().with_connection(move |conn| llm_calls::insert(conn, &calls)).await {
        Ok(()) => state.llm_calls_recorded(count),
        Err(err) => tracing::warn!(code = err.code(), error = %err, "could not log language-model calls"),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallsParams {
    /// Page size, 1 to 1000, or `all` for every call up to `NA_MAX_ROWS`; default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Calls to skip; default 0.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// `json` (default) or `csv`; wins over the `Accept` header.
    format: Option<String>,
}

/// Every language-model call, newest first: purpose, question hash (never the question), model,
/// tool mode, tokens, latency, the tools asked for, the outcome and the error code.
#[utoipa::path(
    get,
    path = "/v1/llm/calls",
    tag = "llm",
    params(CallsParams),
    responses(
        (status = 200, description = "A page of calls", content((Envelope<LlmCallRow> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
    )
)]
pub async fn list_calls(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<CallsParams>,
) -> Result<Response> {
    let format = Format::negotiate(p.format.as_deref(), &headers)?;
    let question = LlmCalls {
        page: params::page_or_all(p.limit.as_deref(), p.offset, PageSize::LIST, state.max_rows())?,
        recorded: state.llm_calls_logged(),
    };
    Ok(answer(&state, &headers, format, "/v1/llm/calls".into(), question).await)
}
