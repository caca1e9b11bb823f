//! The model's tools are this service's own read endpoints, asked directly: each tool takes the
//! parameters of a `GET` endpoint, parsed by the same params struct and turned into the same
//! question as the handler does. Its JSON schema and description are that endpoint's in the
//! generated OpenAPI document (utoipa, which already derives them from the params structs), so a
//! tool cannot drift from the endpoint it stands for; schemars would derive a second schema from the
//! same structs. Only questions are offered: no SQL, no ingestion, no admin action.

use std::sync::LazyLock;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::analytics::{
    EngagementParams, GenreParams, PeriodParams, TopEngagementParams, TopTitlesParams, TrajectoryParams, Viewership,
    ViewershipParams,
};
use super::titles::TitlesParams;
use crate::analytics::Question;
use crate::analytics::titles::{self, Lookup};
use crate::error::{Error, Result};
use crate::llm::{ToolOutput, ToolSpec, Toolbox};
use crate::warehouse::Warehouse;

/// Each tool and the endpoint whose parameters and description it takes.
const TOOLS: &[(&str, &str)] = &[
    ("search_titles", "/v1/titles"),
    ("get_title", "/v1/titles/{id}"),
    ("title_trajectory", "/v1/titles/{id}/trajectory"),
    ("top_titles", "/v1/analytics/top-titles"),
    ("engagement_vs_rank", "/v1/analytics/engagement-vs-rank"),
    ("genre_performance", "/v1/analytics/genre-performance"),
    ("regional_preferences", "/v1/analytics/regional-preferences"),
    ("category_viewership", "/v1/analytics/category-viewership"),
    ("youtube_top_engagement", "/v1/analytics/youtube/top-engagement"),
];

static SPECS: LazyLock<Vec<ToolSpec>> = LazyLock::new(|| {
    let spec = serde_json::to_value(super::openapi()).expect("the OpenAPI document serializes");
    TOOLS.iter().map(|(name, path)| tool_spec(name, &spec["paths"][path]["get"])).collect()
});

/// The tools, answering from the warehouse.
#[derive(Clone)]
pub struct WarehouseTools {
    warehouse: Warehouse,
    /// What `limit=all` may return, as over HTTP.
    max_rows: u32,
}

impl WarehouseTools {
    pub fn new(warehouse: Warehouse, max_rows: u32) -> WarehouseTools {
        WarehouseTools { warehouse, max_rows }
    }

    async fn answer<Q: Question>(&self, question: Q) -> Result<ToolOutput> {
        let answer = self.warehouse.read(move |db| question.ask(db)).await?;
        let rows = answer
            .rows
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::Internal(format!("tool rows: {e}")))?;
        Ok(ToolOutput { rows, total: answer.about.total, period: answer.about.period })
    }

    async fn title(&self, id: i64) -> Result<ToolOutput> {
        let lookup = self
            .warehouse
            .read(move |db| match titles::lookup(db, id)? {
                Lookup::MovedTo(current) => titles::lookup(db, current),
                other => Ok(other),
            })
            .await?;
        match lookup {
            Lookup::Found(detail) => {
                let row = serde_json::to_value(*detail).map_err(|e| Error::Internal(format!("tool rows: {e}")))?;
                Ok(ToolOutput { rows: vec![row], total: Some(1), period: None })
            }
            Lookup::MovedTo(_) | Lookup::Missing => Err(Error::TitleNotFound(id)),
        }
    }
}

impl Toolbox for WarehouseTools {
    fn specs(&self) -> &[ToolSpec] {
        &SPECS
    }

    async fn call(&self, name: &str, arguments: Value) -> Result<ToolOutput> {
        let Value::Object(mut arguments) = arguments else {
            return Err(Error::invalid("arguments", "expected a JSON object"));
        };
        let max_rows = self.max_rows;
        match name {
            "search_titles" => self.answer(parse::<TitlesParams>(arguments)?.question(max_rows)?).await,
            "get_title" => {
                let id = take_id(&mut arguments)?;
                parse::<NoParams>(arguments)?;
                self.title(id).await
            }
            "title_trajectory" => {
                let id = take_id(&mut arguments)?;
                self.answer(parse::<TrajectoryParams>(arguments)?.question(id, max_rows)?).await
            }
            "top_titles" => self.answer(parse::<TopTitlesParams>(arguments)?.question(max_rows)?).await,
            "engagement_vs_rank" => self.answer(parse::<EngagementParams>(arguments)?.question(max_rows)?).await,
            "genre_performance" => self.answer(parse::<GenreParams>(arguments)?.question(max_rows)?).await,
            "regional_preferences" => self.answer(parse::<PeriodParams>(arguments)?.preferences(max_rows)?).await,
            "category_viewership" => match parse::<ViewershipParams>(arguments)?.question(max_rows)? {
                Viewership::Total(question) => self.answer(question).await,
                Viewership::Weekly(question) => self.answer(question).await,
            },
            "youtube_top_engagement" => self.answer(parse::<TopEngagementParams>(arguments)?.question(max_rows)?).await,
            other => Err(Error::UnknownTool {
                name: other.chars().take(64).collect(),
                accepted: TOOLS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
            }),
        }
    }
}

/// `get_title` takes its id alone.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

fn parse<P: DeserializeOwned>(mut arguments: Map<String, Value>) -> Result<P> {
    // `limit` is a page size or `all`; in a query string both are text, which is how the
    // parameters read it, while a model sends the page size as a JSON number.
    if let Some(Value::Number(limit)) = arguments.get("limit") {
        let text = limit.to_string();
        arguments.insert("limit".to_owned(), Value::String(text));
    }
    serde_json::from_value(Value::Object(arguments)).map_err(|e| Error::invalid("arguments", e.to_string()))
}

/// The path parameter `id`, a title id.
fn take_id(arguments: &mut Map<String, Value>) -> Result<i64> {
    match arguments.remove("id") {
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64().expect("checked")),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().expect("checked")),
        Some(other) => Err(Error::invalid("id", format!("{other} is not a title id; find ids with search_titles"))),
        None => Err(Error::invalid("id", "a title id is required; find ids with search_titles")),
    }
}

/// A tool from an endpoint's operation: its summary and description, and an object schema of its
/// parameters without `format` (tools answer JSON).
fn tool_spec(name: &str, operation: &Value) -> ToolSpec {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let Some(parameter_name) = parameter["name"].as_str() else { continue };
        if parameter_name == "format" {
            continue;
        }
        let mut schema = parameter["schema"].clone();
        strip_formats(&mut schema);
        if let (Some(description), Value::Object(object)) = (parameter["description"].as_str(), &mut schema) {
            object.insert("description".into(), description.into());
        }
        if parameter["required"] == Value::Bool(true) {
            required.push(Value::from(parameter_name));
        }
        properties.insert(parameter_name.to_owned(), schema);
    }
    let description = [operation["summary"].as_str(), operation["description"].as_str()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    ToolSpec {
        name: name.to_owned(),
        description,
        parameters: serde_json::json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        }),
    }
}

/// OpenAPI's `format`s (`int32`, `int64`) are not JSON Schema's, and some servers' schema-to-grammar
/// converters refuse formats they do not know.
fn strip_formats(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            object.remove("format");
            object.values_mut().for_each(strip_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_formats),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_its_endpoints_description_and_parameters_but_format() {
        assert_eq!(SPECS.len(), TOOLS.len());
        for spec in SPECS.iter() {
            assert!(!spec.description.is_empty(), "{}", spec.name);
            let properties = spec.parameters["properties"].as_object().unwrap();
            assert!(!properties.contains_key("format"), "{}", spec.name);
            assert!(!spec.parameters.to_string().contains("\"int32\""), "{}", spec.name);
        }
        let top = SPECS.iter().find(|s| s.name == "top_titles").unwrap();
        assert_eq!(
            top.parameters["properties"]["order"]["enum"],
            serde_json::json!(["hours", "views", "weeks", "best_rank"])
        );
        // A page size up to the endpoint's maximum, or `all`, as over HTTP.
        let limit = &top.parameters["properties"]["limit"]["oneOf"];
        assert_eq!(limit[0]["maximum"], 1000);
        assert_eq!(limit[1]["enum"], serde_json::json!(["all"]));
        let title = SPECS.iter().find(|s| s.name == "get_title").unwrap();
        assert_eq!(title.parameters["required"], serde_json::json!(["id"]));
    }
}
