//! The language model: an OpenAI-compatible chat-completions client, the tool loop behind
//! `/v1/ask` with its budgets and grounding check, the preference re-ranking of recommendations,
//! and the evaluation harness. It knows tools only through `Toolbox`, so it reaches the warehouse
//! solely through the questions the caller offers.

pub mod agent;
pub mod client;
pub mod eval;
pub mod grounding;
pub mod rerank;
pub mod tools;

pub use agent::{Asked, Budget, Ending, ToolRun, ask};
pub use client::{ChatClient, Usage};
pub use tools::{ToolOutput, ToolSpec, Toolbox};
