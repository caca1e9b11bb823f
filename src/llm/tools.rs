//! What the model may call: a fixed set of read-only questions, each with a JSON schema of its
//! arguments. The set is given by the caller (the HTTP layer builds it from its own endpoints), so
//! nothing here can reach SQL, ingestion or training.

use std::future::Future;

use serde_json::{Value, json};

use crate::error::Result;

/// A tool as the model sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// A JSON schema of the arguments object.
    pub parameters: Value,
}

impl ToolSpec {
    /// The `tools` entry of a native chat-completions request.
    pub fn native(&self) -> Value {
        json!({
            "type": "function",
            "function": { "name": self.name, "description": self.description, "parameters": self.parameters },
        })
    }
}

/// What a tool returned.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    pub rows: Vec<Value>,
    /// Rows in the whole answer, when more exist than were returned.
    pub total: Option<u64>,
    /// The period the answer covers, resolved, as `YYYY-MM-DD`.
    pub period: Option<(String, String)>,
}

/// The tools of one deployment.
pub trait Toolbox: Send + Sync {
    fn specs(&self) -> &[ToolSpec];

    /// Runs the tool `name` (one of `specs`) with the model's arguments; invalid arguments are an
    /// error whose message says what is accepted, for the model to correct.
    fn call(&self, name: &str, arguments: Value) -> impl Future<Output = Result<ToolOutput>> + Send;
}
