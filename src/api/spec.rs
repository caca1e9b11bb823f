//! Finishing touches on the generated OpenAPI document: the accepted values of the text parameters
//! that handlers parse themselves (to answer bad input with a message of ours), the two row types
//! of `category-viewership` and of `titles/{id}/similar`, and the SVG charts of the analytics
//! endpoints. The spec then states the constraints the parsers enforce.

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};

use crate::analytics::insights::{EngagementMetric, TitleOrder};
use crate::analytics::titles::{TitleKind, UnmatchedSource};
use crate::domain::{List, RunStatus, SourceId};

pub fn finish(spec: &mut OpenApi) {
    for (path, item) in spec.paths.paths.iter_mut() {
        for operation in [item.get.as_mut(), item.post.as_mut()].into_iter().flatten() {
            constrain(path, operation);
            if charted(path) {
                add_chart(operation);
            }
        }
    }
    either_rows(spec);
}

/// The values a parameter accepts, by path and name; `None` where its schema already says it.
fn accepted(path: &str, name: &str) -> Option<Vec<&'static str>> {
    let categories = |lists: &[List]| -> Vec<&'static str> {
        lists.iter().flat_map(|l| l.categories()).flat_map(|c| [c.slug(), c.as_str()]).collect()
    };
    Some(match (path, name) {
        (path, "format") if charted(path) => vec!["json", "csv", "svg"],
        (_, "format") => vec!["json", "csv"],
        ("/v1/top10/countries/{country_iso2}", "category") => categories(&[List::Countries]),
        ("/v1/analytics/top-titles", "category") => categories(&[List::Global, List::Countries]),
        (_, "category") => categories(&[List::Global]),
        (_, "order") => TitleOrder::ALL.iter().map(|o| o.as_str()).collect(),
        (_, "metric") => EngagementMetric::ALL.iter().map(|m| m.as_str()).collect(),
        (_, "interval") => vec!["total", "week"],
        ("/v1/titles", "kind") => [TitleKind::Film, TitleKind::Series].map(TitleKind::as_str).to_vec(),
        ("/v1/ingest/runs", "source") => SourceId::RUNS.map(SourceId::as_str).to_vec(),
        ("/v1/ingest/runs", "status") => RunStatus::ACCEPTED.split(", ").collect(),
        ("/v1/ingest/{source}", "mode") => vec!["incremental", "backfill"],
        ("/v1/quality/unmatched", "source") => {
            [UnmatchedSource::Top10, UnmatchedSource::Youtube].map(UnmatchedSource::as_str).to_vec()
        }
        _ => return None,
    })
}

/// The endpoints that also answer as a chart (`answer_charted`).
fn charted(path: &str) -> bool {
    path.starts_with("/v1/analytics/") || path == "/v1/titles/{id}/trajectory"
}

fn add_chart(operation: &mut Operation) {
    let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else { return };
    let text = ObjectBuilder::new().schema_type(Type::String).build();
    ok.content.insert("image/svg+xml".to_owned(), ContentBuilder::new().schema(Some(text)).build());
    ok.description.push_str("; `format=svg` draws it as a chart");
}

fn constrain(path: &str, operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        if let Some(values) = accepted(path, &parameter.name) {
            let schema = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).build();
            parameter.schema = Some(RefOr::T(Schema::Object(schema)));
        }
        // Every paged endpoint but the runs list answers through `api::answer`, which takes
        // `limit=all` besides the page size the handler declares.
        if parameter.name == "limit"
            && path != "/v1/ingest/runs"
            && let Some(page_size) = parameter.schema.take()
        {
            let all = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["all"]));
            parameter.schema = Some(OneOfBuilder::new().item(page_size).item(all).into());
        }
    }
}

/// Endpoints answering one of two row types, with the envelope of each. The path macro keeps one
/// schema per media type, so the JSON answer is declared here as either envelope.
const EITHER_ROWS: [(&str, [&str; 2]); 2] = [
    // By `interval`.
    ("/v1/analytics/category-viewership", ["Envelope_CategoryViewershipRow", "Envelope_CategoryWeekRow"]),
    // By whether a preference re-ranks the neighbours.
    ("/v1/titles/{id}/similar", ["Envelope_SimilarTitle", "Envelope_PreferredTitle"]),
];

fn either_rows(spec: &mut OpenApi) {
    for (path, envelopes) in EITHER_ROWS {
        let Some(item) = spec.paths.paths.get_mut(path) else { continue };
        let Some(operation) = item.get.as_mut() else { continue };
        let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else { continue };
        let Some(json) = ok.content.get_mut("application/json") else { continue };
        // anyOf, not oneOf: an empty page is valid under both.
        let either = envelopes.iter().fold(AnyOfBuilder::new(), |any, name| any.item(Ref::from_schema_name(*name)));
        json.schema = Some(RefOr::T(Schema::AnyOf(either.build())));
    }
}
