//! The evaluation of a model on a fixed set of questions: did it call the tool a correct answer
//! needs, with the arguments it needs, is its answer grounded, and does the answer contain the value
//! the expected tool returns from the warehouse now (so the set holds whatever the data).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::agent::{self, Budget, Ending};
use super::client::ChatClient;
use super::grounding;
use super::tools::Toolbox;
use crate::domain::LlmCall;

/// One question of the set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalItem {
    pub id: String,
    /// Which of the six business questions it belongs to.
    pub business_question: String,
    pub question: String,
    /// The tool a correct answer needs, and the arguments that tool needs.
    pub tool: String,
    #[serde(default)]
    pub arguments: Map<String, Value>,
    pub check: Check,
}

/// The value the answer must contain: `field` of row `row` of the expected tool's result.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub field: String,
    #[serde(default)]
    pub row: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub id: String,
    pub business_question: String,
    pub tool_ok: bool,
    pub arguments_ok: bool,
    pub grounded: bool,
    pub check_ok: bool,
    /// The value the check looked for.
    pub expected: Value,
    pub answer: String,
    pub ending: &'static str,
    pub tokens: u64,
    pub latency_ms: u64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub model: String,
    pub mode: &'static str,
    pub items: Vec<ItemResult>,
}

/// Asks every question of `items` and scores the answers.
pub async fn run<T: Toolbox>(
    client: &ChatClient,
    toolbox: &T,
    items: &[EvalItem],
    budget: Budget,
) -> (Report, Vec<LlmCall>) {
    let mut results = Vec::new();
    let mut calls = Vec::new();
    for item in items {
        let expected = expected_value(toolbox, item).await;
        let started = std::time::Instant::now();
        let asked = agent::ask(client, toolbox, &item.question, budget, "eval").await;
        let latency_ms = started.elapsed().as_millis() as u64;
        let tool_ok = asked.tool_calls.iter().any(|r| r.name == item.tool);
        let arguments_ok = asked
            .tool_calls
            .iter()
            .any(|r| r.name == item.tool && r.error.is_none() && arguments_match(&item.arguments, &r.arguments));
        let grounded = asked.failure.is_none() && asked.ending == Ending::Answered && asked.draft.is_none();
        let check_ok = grounded && expected.as_ref().is_ok_and(|value| mentions(&asked.answer, value));
        let error = match (&asked.failure, &expected) {
            (Some(err), _) => Some(err.to_string()),
            (None, Err(reason)) => Some(reason.clone()),
            (None, Ok(_)) => None,
        };
        results.push(ItemResult {
            id: item.id.clone(),
            business_question: item.business_question.clone(),
            tool_ok,
            arguments_ok,
            grounded,
            check_ok,
            expected: expected.unwrap_or(Value::Null),
            answer: asked.answer,
            ending: asked.ending.as_str(),
            tokens: asked.usage.total(),
            latency_ms,
            error,
        });
        calls.extend(asked.calls);
    }
    let report = Report { model: client.model().to_owned(), mode: client.mode().as_str(), items: results };
    (report, calls)
}

async fn expected_value<T: Toolbox>(toolbox: &T, item: &EvalItem) -> Result<Value, String> {
    let output = toolbox
        .call(&item.tool, Value::Object(item.arguments.clone()))
        .await
        .map_err(|e| format!("the expected tool failed: {e}"))?;
    let row =
        output.rows.get(item.check.row).ok_or_else(|| format!("the expected tool has no row {}", item.check.row))?;
    row.get(&item.check.field).cloned().ok_or_else(|| format!("the expected row has no field {}", item.check.field))
}

/// Every expected argument is there with the same value (text compared without case).
fn arguments_match(expected: &Map<String, Value>, actual: &Value) -> bool {
    expected.iter().all(|(name, want)| match (want, actual.get(name)) {
        (Value::String(want), Some(Value::String(got))) => want.eq_ignore_ascii_case(got.trim()),
        (Value::Number(want), Some(Value::Number(got))) => want.as_f64() == got.as_f64(),
        (Value::Number(want), Some(Value::String(got))) => got.trim().parse::<f64>().ok() == want.as_f64(),
        (want, got) => Some(want) == got,
    })
}

/// The answer states `value`: a name as text, a number as written or rounded.
fn mentions(answer: &str, value: &Value) -> bool {
    match value {
        Value::String(text) => answer.to_lowercase().contains(&text.to_lowercase()),
        Value::Number(number) => number.as_f64().is_some_and(|v| grounding::mentions_number(answer, v)),
        _ => false,
    }
}

impl Report {
    /// The scores as a Markdown table: all questions, then per business question.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "Model `{}`, tool mode `{}`, {} questions.\n\n| questions | tool choice | arguments | grounded | answer check | tokens / question | latency mean | latency p50 |\n|---|---|---|---|---|---|---|---|\n",
            self.model,
            self.mode,
            self.items.len()
        );
        out.push_str(&row("all", &self.items.iter().collect::<Vec<_>>()));
        let mut groups: BTreeMap<&str, Vec<&ItemResult>> = BTreeMap::new();
        for item in &self.items {
            groups.entry(&item.business_question).or_default().push(item);
        }
        for (name, items) in groups {
            out.push_str(&row(name, &items));
        }
        out
    }
}

fn row(name: &str, items: &[&ItemResult]) -> String {
    let n = items.len().max(1) as f64;
    let share = |test: fn(&ItemResult) -> bool| {
        let hits = items.iter().filter(|i| test(i)).count();
        format!("{hits}/{} ({:.0}%)", items.len(), 100.0 * hits as f64 / n)
    };
    let mut latencies: Vec<u64> = items.iter().map(|i| i.latency_ms).collect();
    latencies.sort_unstable();
    let p50 = latencies.get(latencies.len() / 2).copied().unwrap_or(0);
    let mean_latency = latencies.iter().sum::<u64>() as f64 / n;
    let mean_tokens = items.iter().map(|i| i.tokens).sum::<u64>() as f64 / n;
    format!(
        "| {name} ({}) | {} | {} | {} | {} | {mean_tokens:.0} | {mean_latency:.0} ms | {p50} ms |\n",
        items.len(),
        share(|i| i.tool_ok),
        share(|i| i.arguments_ok),
        share(|i| i.grounded),
        share(|i| i.check_ok),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn arguments_match_when_every_expected_one_is_there_whatever_else_is() {
        let expected = json!({"region": "global", "limit": 5}).as_object().unwrap().clone();
        assert!(arguments_match(&expected, &json!({"region": "Global", "limit": 5, "order": "hours"})));
        assert!(arguments_match(&expected, &json!({"region": "global", "limit": "5"})));
        assert!(!arguments_match(&expected, &json!({"region": "us", "limit": 5})));
        assert!(!arguments_match(&expected, &json!({"limit": 5})));
    }

    #[test]
    fn an_answer_mentions_names_without_case_and_numbers_as_rounded() {
        assert!(mentions("The winner was WEDNESDAY.", &json!("Wednesday")));
        assert!(mentions("It had 1.2 billion hours.", &json!(1_234_000_000)));
        assert!(!mentions("It had 3 billion hours.", &json!(1_234_000_000)));
        assert!(!mentions("Nothing.", &json!(null)));
    }
}
