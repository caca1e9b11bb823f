//! Schemas of query parameters whose accepted values the types alone do not say (the handlers take
//! text and parse it, to answer bad input with a message): the spec states the real constraints.

use utoipa::openapi::schema::{Object, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr};

use crate::analytics::insights::{EngagementMetric, TitleOrder};
use crate::analytics::titles::{TitleKind, UnmatchedSource};
use crate::domain::List;

fn one_of<I: IntoIterator<Item = &'static str>>(values: I) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).build()
}

fn matching(pattern: &str) -> Object {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).build()
}

fn categories(list: List) -> Object {
    one_of(list.categories().iter().flat_map(|c| [c.slug(), c.as_str()]))
}

pub fn format() -> Object {
    one_of(["json", "csv"])
}

pub fn global_category() -> Object {
    categories(List::Global)
}

pub fn country_category() -> Object {
    categories(List::Countries)
}

/// Either list's categories: the lists a region has depend on the region.
pub fn any_category() -> Object {
    one_of([List::Global, List::Countries].into_iter().flat_map(|l| l.categories()).flat_map(|c| [c.slug(), c.as_str()]))
}

pub fn week() -> Object {
    matching("^(latest|[0-9]{4}-[0-9]{2}-[0-9]{2})$")
}

pub fn date() -> Object {
    matching("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
}

pub fn region() -> Object {
    matching("^(global|[A-Za-z]{2})$")
}

pub fn order() -> Object {
    one_of(TitleOrder::ALL.iter().map(|o| o.as_str()))
}

pub fn metric() -> Object {
    one_of(EngagementMetric::ALL.iter().map(|m| m.as_str()))
}

pub fn interval() -> Object {
    one_of(["total", "week"])
}

pub fn kind() -> Object {
    one_of([TitleKind::Film, TitleKind::Series].map(TitleKind::as_str))
}

pub fn unmatched_source() -> Object {
    one_of([UnmatchedSource::Top10, UnmatchedSource::Youtube].map(UnmatchedSource::as_str))
}

/// `category-viewership` answers one of two row types, by `interval`; the path macro keeps one
/// schema per media type, so the JSON answer is declared here as either envelope.
pub fn finish(spec: &mut OpenApi) {
    let Some(item) = spec.paths.paths.get_mut("/v1/analytics/category-viewership") else { return };
    let Some(operation) = item.get.as_mut() else { return };
    let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else { return };
    let Some(json) = ok.content.get_mut("application/json") else { return };
    let either = OneOfBuilder::new()
        .item(Ref::from_schema_name("Envelope_CategoryViewershipRow"))
        .item(Ref::from_schema_name("Envelope_CategoryWeekRow"))
        .build();
    json.schema = Some(RefOr::T(Schema::OneOf(either)));
}
