//! Similar titles re-ranked for a preference in words (`/v1/titles/{id}/similar?prefer=`): the plain
//! neighbours, with their descriptions, read in one transaction, then re-ordered by the language
//! model with a one-line reason per pick. A model's answer is not cached. Without a model, or when
//! it fails or names no candidate, the plain order is served and `meta.rerank` says why; the
//! preference never makes the endpoint fail.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::format::{self, Format, Meta, Rerank};
use super::llm::record;
use super::state::AppState;
use crate::analytics::Question;
use crate::error::{Error, Result};
use crate::llm::rerank::{Candidate, rerank};
use crate::ml::similar::{SimilarTitle, SimilarTo};

/// A longer preference is refused: it would only spend tokens.
pub const MAX_PREFER_CHARS: usize = 300;

/// A neighbour in the order of a preference.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PreferredTitle {
    /// Position in the order of the preference, from 1.
    pub rank: u32,
    /// Position by similarity alone.
    pub similarity_rank: u32,
    pub title_id: i64,
    pub name: String,
    #[schema(example = "series")]
    pub kind: String,
    pub score: f64,
    pub content_score: Option<f64>,
    pub audience_score: Option<f64>,
    /// The model's one line on why the title fits the preference; null for titles it did not pick
    /// and in the plain order.
    pub reason: Option<String>,
}

/// The preference as passed on: not blank, at most `MAX_PREFER_CHARS` characters.
pub fn preference(prefer: &str) -> Result<&str> {
    let accepted = format!("accepted: 1 to {MAX_PREFER_CHARS} characters, or no prefer for the plain ranking");
    let prefer = prefer.trim();
    if prefer.is_empty() {
        return Err(Error::invalid("prefer", format!("the preference is empty; {accepted}")));
    }
    if prefer.chars().count() > MAX_PREFER_CHARS {
        return Err(Error::invalid("prefer", format!("the preference is too long; {accepted}")));
    }
    Ok(prefer)
}

/// Answers `question`'s neighbours in the order the model chooses for `prefer`.
pub async fn reranked(state: &AppState, format: Format, question: SimilarTo, prefer: &str) -> Result<Response> {
    let filename = format!("{}-{}-preferred", SimilarTo::NAME, question.title_id);
    let (answer, about, data_version) = state
        .warehouse()
        .read(move |db| {
            let (answer, about) = question.ask_described(db)?;
            Ok((answer, about, db.data_version()))
        })
        .await?;
    let candidates: Vec<Candidate> = answer
        .rows
        .iter()
        .zip(about)
        .map(|(row, about)| Candidate { id: row.title_id, name: row.name.clone(), about })
        .collect();
    let reranked = rerank(state.llm(), &candidates, prefer, state.llm_budget().duration).await;
    record(state, reranked.calls).await;

    let mut by_id: HashMap<i64, SimilarTitle> = answer.rows.into_iter().map(|row| (row.title_id, row)).collect();
    let rows: Vec<PreferredTitle> = reranked
        .picks
        .into_iter()
        .filter_map(|pick| by_id.remove(&pick.id).map(|row| (row, pick.reason)))
        .zip(1..)
        .map(|((row, reason), rank)| PreferredTitle {
            rank,
            similarity_rank: row.rank,
            title_id: row.title_id,
            name: row.name,
            kind: row.kind,
            score: row.score,
            content_score: row.content_score,
            audience_score: row.audience_score,
            reason,
        })
        .collect();
    let mut meta = Meta::new(rows.len(), Vec::new(), data_version);
    meta.basis = answer.about.basis;
    meta.rerank = Some(Rerank { by_model: reranked.by_model, note: reranked.note });
    let rendered = format::render(format, &filename, rows, meta)?;

    let mut response = Response::new(Body::from(rendered.body));
    *response.status_mut() = rendered.status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, rendered.content_type);
    if let Some(disposition) = rendered.disposition {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    // Each answer is a model's, made once: neither this service nor any cache on the way keeps it.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-data-version", HeaderValue::from(data_version));
    Ok(response)
}
