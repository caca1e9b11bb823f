//! An OpenAI-compatible chat-completions client: typed request and response structs over reqwest,
//! which the service already uses for its feeds. The fields used here are the common subset that
//! OpenAI, Gemini's OpenAI-compatible endpoint, llama.cpp's server, vLLM and Ollama all accept, so one
//! client serves hosted and local models. Throttled, failing and timed-out calls are retried with
//! backoff; the key is sent as a bearer token and never logged.

use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::config::{LlmConfig, ToolMode};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Message {
    pub role: String,
    /// `null` on an assistant message that only calls tools.
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl Message {
    pub fn new(role: &str, content: impl Into<String>) -> Message {
        Message { role: role.to_owned(), content: Some(content.into()), tool_calls: Vec::new(), tool_call_id: None }
    }

    pub fn tool_result(tool_call_id: &str, content: String) -> Message {
        Message { tool_call_id: Some(tool_call_id.to_owned()), ..Message::new("tool", content) }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolCall {
    #[serde(default)]
    pub id: String,
    #[serde(rename = "type", default = "function_type")]
    pub kind: String,
    pub function: FunctionCall,
}

fn function_type() -> String {
    "function".to_owned()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FunctionCall {
    pub name: String,
    /// JSON text, as the API sends it.
    #[serde(default)]
    pub arguments: String,
}

#[derive(Debug, Serialize)]
pub struct ChatRequest<'a> {
    pub model: &'a str,
    pub messages: &'a [Message],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<&'a [Value]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_format: Option<&'a Value>,
    pub max_tokens: u32,
    pub temperature: f32,
}

#[derive(Debug, Deserialize)]
struct ChatResponse {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
    }

    pub fn total(self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }
}

/// What one call returned.
#[derive(Debug)]
pub struct Completion {
    pub message: Message,
    pub usage: Usage,
    /// The model that answered, as the API names it.
    pub model: String,
}

/// A chat-completions endpoint and the model to ask.
pub struct ChatClient {
    http: reqwest::Client,
    url: Url,
    model: String,
    api_key: Option<SecretString>,
    mode: ToolMode,
    timeout: Duration,
    max_retries: u32,
    retry_base: Duration,
}

impl ChatClient {
    /// `None` when no model is configured.
    pub fn from_config(config: &LlmConfig, retry_base: Duration) -> Result<Option<ChatClient>> {
        let (Some(base), Some(model)) = (&config.base_url, &config.model) else { return Ok(None) };
        let url = base.join("chat/completions").map_err(|e| Error::Internal(format!("NA_LLM_BASE_URL: {e}")))?;
        let http = reqwest::Client::builder()
            .user_agent(concat!("netflix-analytics/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Internal(format!("HTTP client: {e}")))?;
        Ok(Some(ChatClient {
            http,
            url,
            model: model.clone(),
            api_key: config.api_key.clone(),
            mode: config.tool_mode,
            timeout: config.timeout,
            max_retries: config.max_retries,
            retry_base,
        }))
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    pub fn mode(&self) -> ToolMode {
        self.mode
    }

    /// One completion, retried on throttling, server errors and timeouts while `deadline` allows.
    pub async fn complete(
        &self,
        messages: &[Message],
        tools: Option<&[Value]>,
        response_format: Option<&Value>,
        max_tokens: u32,
        deadline: Instant,
    ) -> Result<Completion> {
        let request =
            ChatRequest { model: &self.model, messages, tools, response_format, max_tokens, temperature: 0.0 };
        let mut attempt = 0;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::LlmFailed { reason: "no time left in the question's budget".into() });
            }
            match self.send(&request, self.timeout.min(left)).await {
                Ok(completion) => return Ok(completion),
                Err(Attempt::Final(err)) => return Err(err),
                Err(Attempt::Retry(reason)) if attempt >= self.max_retries => {
                    let tries = attempt + 1;
                    return Err(Error::LlmFailed { reason: format!("{reason}; gave up after {tries} attempts") });
                }
                Err(Attempt::Retry(_)) => {
                    let backoff = self.retry_base * 2u32.saturating_pow(attempt);
                    tokio::time::sleep(backoff.min(deadline.saturating_duration_since(Instant::now()))).await;
                    attempt += 1;
                }
            }
        }
    }

    async fn send(&self, request: &ChatRequest<'_>, timeout: Duration) -> Result<Completion, Attempt> {
        let mut builder = self.http.post(self.url.clone()).timeout(timeout).json(request);
        if let Some(key) = &self.api_key {
            builder = builder.bearer_auth(key.expose_secret());
        }
        // Errors name the host, never the key; `without_url` keeps a query string out of messages.
        let response = builder.send().await.map_err(|e| {
            let reason = if e.is_timeout() { "the call timed out".to_owned() } else { e.without_url().to_string() };
            Attempt::Retry(reason)
        })?;
        let status = response.status();
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(Attempt::Retry(format!("the model API answered HTTP {status}")));
        }
        let body = response.bytes().await.map_err(|e| Attempt::Retry(e.without_url().to_string()))?;
        if !status.is_success() {
            let message: String = String::from_utf8_lossy(&body).chars().take(300).collect();
            return Err(Attempt::Final(Error::LlmFailed {
                reason: format!("the model API refused the call (HTTP {status}): {message}"),
            }));
        }
        let parsed: ChatResponse = serde_json::from_slice(&body).map_err(|e| {
            Attempt::Final(Error::LlmFailed { reason: format!("the answer is not a chat completion: {e}") })
        })?;
        let message = parsed
            .choices
            .into_iter()
            .next()
            .map(|c| c.message)
            .ok_or_else(|| Attempt::Final(Error::LlmFailed { reason: "the answer has no choices".into() }))?;
        Ok(Completion {
            message,
            usage: parsed.usage.unwrap_or_default(),
            model: parsed.model.unwrap_or_else(|| self.model.clone()),
        })
    }
}

enum Attempt {
    Retry(String),
    Final(Error),
}
