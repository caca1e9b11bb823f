//! One call to the language model, as the call log keeps it: what it cost and how it ended, never
//! the question's text (only its hash) nor the model's key.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct LlmCall {
    pub called_at: DateTime<Utc>,
    /// `ask`, `rerank` or `eval`.
    pub purpose: &'static str,
    /// SHA-256 of the question (or preference), hex: calls of one question group together.
    pub question_hash: String,
    pub model: String,
    /// `native` or `json`.
    pub mode: &'static str,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub latency_ms: u64,
    /// The tools the model asked for in this call, as it named them.
    pub tools: Vec<String>,
    pub outcome: CallOutcome,
    pub error_code: Option<&'static str>,
}

/// How one model call ended; a closed set, so it can label metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallOutcome {
    /// The model asked for tools.
    ToolCalls,
    /// The model answered.
    Answer,
    /// The model's output could not be used (not the JSON asked for, no content).
    Malformed,
    /// The call itself failed (unreachable, refused, timed out) after its retries.
    Failed,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 4] =
        [CallOutcome::ToolCalls, CallOutcome::Answer, CallOutcome::Malformed, CallOutcome::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::ToolCalls => "tool_calls",
            CallOutcome::Answer => "answer",
            CallOutcome::Malformed => "malformed",
            CallOutcome::Failed => "failed",
        }
    }
}
