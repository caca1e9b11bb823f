//! "More like this": content similarity (TF-IDF over genres, people and overview, cosine) blended
//! with audience similarity (cosine over the country lists and weeks a title charted in). A title
//! without catalog metadata gets neighbours by audience alone; one with neither has no neighbours.
//!
//! `similar_titles` is the plain entry point: ranked candidates with their scores; `describe` puts a
//! title in a few words for a language model re-ranking them.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use duckdb::{Connection, OptionalExt, named_params};
use serde::Serialize;
use utoipa::ToSchema;

use crate::analytics::{Answer, Question};
use crate::error::{Error, Result};
use crate::warehouse::{Snapshot, queries};

/// The most of a title's overview its description (`describe`) quotes, in characters.
const ABOUT_OVERVIEW_CHARS: usize = 300;

/// How much of a blended score comes from content; the rest comes from the audience.
pub const CONTENT_WEIGHT: f64 = 0.5;

/// What a title's neighbours were found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Catalog metadata and charting audience both.
    Blended,
    /// The title has no catalog metadata: neighbours by audience alone.
    AudienceOnly,
    /// The title never charted in a country list: neighbours by content alone.
    ContentOnly,
}

/// One neighbour.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Candidate {
    pub title_id: i64,
    /// The blended score, 0 to 1; the score of the one basis there is otherwise.
    pub score: f64,
    pub content_score: Option<f64>,
    pub audience_score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub basis: Basis,
    pub candidates: Vec<Candidate>,
}

/// The `k` titles most like `title_id`, best first, from the warehouse as `conn` sees it.
pub fn similar_titles(conn: &Connection, title_id: i64, k: usize) -> Result<Similar> {
    let content = Content::new(content_documents(conn)?);
    let audience = Audience::new(audience_cells(conn)?);
    rank(&content, &audience, title_id, k).ok_or(Error::NoSimilarityBasis(title_id))
}

/// Ranks neighbours of `title_id`; `None` when the title has neither content nor audience.
pub fn rank(content: &Content, audience: &Audience, title_id: i64, k: usize) -> Option<Similar> {
    let by_content = content.neighbours(title_id);
    let by_audience = audience.neighbours(title_id);
    let basis = match (&by_content, &by_audience) {
        (Some(_), Some(_)) => Basis::Blended,
        (None, Some(_)) => Basis::AudienceOnly,
        (Some(_), None) => Basis::ContentOnly,
        (None, None) => return None,
    };
    let by_content = by_content.unwrap_or_default();
    let by_audience = by_audience.unwrap_or_default();
    let ids: HashSet<i64> = by_content.keys().chain(by_audience.keys()).copied().collect();
    let mut candidates: Vec<Candidate> = ids
        .into_iter()
        .map(|id| {
            let content_score = by_content.get(&id).copied();
            let audience_score = by_audience.get(&id).copied();
            let score = match basis {
                Basis::Blended => {
                    CONTENT_WEIGHT * content_score.unwrap_or(0.0)
                        + (1.0 - CONTENT_WEIGHT) * audience_score.unwrap_or(0.0)
                }
                Basis::AudienceOnly => audience_score.unwrap_or(0.0),
                Basis::ContentOnly => content_score.unwrap_or(0.0),
            };
            Candidate { title_id: id, score, content_score, audience_score }
        })
        .collect();
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.title_id.cmp(&b.title_id)));
    candidates.truncate(k);
    Some(Similar { basis, candidates })
}

/// A title's catalog metadata.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub title_id: i64,
    pub genres: Vec<String>,
    pub people: Vec<String>,
    pub overview: String,
}

impl Document {
    /// Field-tagged terms: each genre and person whole, overview words of four letters or more.
    fn terms(&self) -> Vec<String> {
        let genres = self.genres.iter().map(|g| format!("genre:{}", g.to_lowercase()));
        let people = self.people.iter().map(|p| format!("person:{}", p.to_lowercase()));
        let words = self
            .overview
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 4)
            .map(|w| format!("word:{}", w.to_lowercase()));
        genres.chain(people).chain(words).collect()
    }
}

/// TF-IDF vectors of the catalog's titles, L2-normalised, with an inverted index.
pub struct Content {
    vectors: HashMap<i64, Vec<(usize, f64)>>,
    postings: Vec<Vec<(i64, f64)>>,
}

impl Content {
    pub fn new(documents: Vec<Document>) -> Content {
        let mut vocabulary: HashMap<String, usize> = HashMap::new();
        let mut counted: Vec<(i64, HashMap<usize, f64>)> = Vec::with_capacity(documents.len());
        for document in &documents {
            let mut counts: HashMap<usize, f64> = HashMap::new();
            for term in document.terms() {
                let next = vocabulary.len();
                *counts.entry(*vocabulary.entry(term).or_insert(next)).or_default() += 1.0;
            }
            counted.push((document.title_id, counts));
        }
        let mut document_frequency = vec![0.0f64; vocabulary.len()];
        for (_, counts) in &counted {
            for term in counts.keys() {
                document_frequency[*term] += 1.0;
            }
        }
        let n = counted.len() as f64;
        let mut vectors = HashMap::new();
        let mut postings = vec![Vec::new(); vocabulary.len()];
        for (title_id, counts) in counted {
            let mut vector: Vec<(usize, f64)> = counts
                .into_iter()
                .map(|(term, tf)| (term, tf * (((1.0 + n) / (1.0 + document_frequency[term])).ln() + 1.0)))
                .collect();
            // In term order, so that scores sum in the same order in every process: the counts
            // came out of a hash map, and float sums depend on their order.
            vector.sort_unstable_by_key(|(term, _)| *term);
            let norm = vector.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm == 0.0 {
                continue;
            }
            vector.iter_mut().for_each(|(_, w)| *w /= norm);
            for (term, weight) in &vector {
                postings[*term].push((title_id, *weight));
            }
            vectors.insert(title_id, vector);
        }
        Content { vectors, postings }
    }

    /// Cosine similarity to every title sharing a term; `None` without metadata.
    pub fn neighbours(&self, title_id: i64) -> Option<HashMap<i64, f64>> {
        let vector = self.vectors.get(&title_id)?;
        let mut scores: HashMap<i64, f64> = HashMap::new();
        for (term, weight) in vector {
            for (other, other_weight) in &self.postings[*term] {
                if *other != title_id {
                    *scores.entry(*other).or_default() += weight * other_weight;
                }
            }
        }
        Some(scores)
    }

    pub fn has(&self, title_id: i64) -> bool {
        self.vectors.contains_key(&title_id)
    }
}

/// Which country lists, week by week, each title was on.
pub struct Audience {
    cells: HashMap<i64, HashSet<(String, NaiveDate)>>,
    titles_in: HashMap<(String, NaiveDate), Vec<i64>>,
}

impl Audience {
    pub fn new(cells: Vec<(i64, String, NaiveDate)>) -> Audience {
        let mut by_title: HashMap<i64, HashSet<(String, NaiveDate)>> = HashMap::new();
        let mut titles_in: HashMap<(String, NaiveDate), Vec<i64>> = HashMap::new();
        for (title_id, country, week) in cells {
            if by_title.entry(title_id).or_default().insert((country.clone(), week)) {
                titles_in.entry((country, week)).or_default().push(title_id);
            }
        }
        Audience { cells: by_title, titles_in }
    }

    /// Cosine similarity of the (country, week) sets to every title sharing one; `None` for a
    /// title that never charted in a country.
    pub fn neighbours(&self, title_id: i64) -> Option<HashMap<i64, f64>> {
        let own = self.cells.get(&title_id)?;
        let mut shared: HashMap<i64, f64> = HashMap::new();
        for cell in own {
            for other in &self.titles_in[cell] {
                if *other != title_id {
                    *shared.entry(*other).or_default() += 1.0;
                }
            }
        }
        let size = own.len() as f64;
        Some(
            shared.into_iter().map(|(other, n)| (other, n / (size * self.cells[&other].len() as f64).sqrt())).collect(),
        )
    }

    pub fn titles(&self) -> impl Iterator<Item = (i64, usize)> + '_ {
        self.cells.iter().map(|(id, cells)| (*id, cells.len()))
    }
}

pub fn content_documents(conn: &Connection) -> Result<Vec<Document>> {
    let split =
        |text: String| -> Vec<String> { text.split('\u{1f}').filter(|s| !s.is_empty()).map(str::to_owned).collect() };
    let mut statement = conn.prepare(queries::ML_SIMILAR_CONTENT)?;
    let rows = statement.query_map([], |row| {
        Ok(Document {
            title_id: row.get(0)?,
            genres: split(row.get(1)?),
            people: split(row.get(2)?),
            overview: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A title in a few words, for a language model to judge it by: kind, year, original name, genres,
/// the global lists it charted on (which say whether it is in English) and the start of its
/// overview. Empty for an unknown title.
pub fn describe(conn: &Connection, title_id: i64) -> Result<String> {
    let mut statement = conn.prepare(queries::ML_SIMILAR_ABOUT)?;
    let found = statement
        .query_row(named_params! { "title_id": title_id }, |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<i32>>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, Option<String>>(5)?,
            ))
        })
        .optional()?;
    let Some((kind, year, original_name, genres, lists, overview)) = found else { return Ok(String::new()) };
    let mut parts = vec![kind];
    parts.extend(year.map(|year| year.to_string()));
    parts.extend(original_name.map(|name| format!("original title: {name}")));
    parts.extend(genres.map(|genres| format!("genres: {genres}")));
    parts.extend(lists.map(|lists| format!("global Top 10 lists: {lists}")));
    if let Some(overview) = overview.filter(|o| !o.trim().is_empty()) {
        let mut snippet: String = overview.chars().take(ABOUT_OVERVIEW_CHARS).collect();
        if snippet.len() < overview.len() {
            snippet.push('…');
        }
        parts.push(format!("overview: {snippet}"));
    }
    Ok(parts.join("; "))
}

pub fn audience_cells(conn: &Connection) -> Result<Vec<(i64, String, NaiveDate)>> {
    let mut statement = conn.prepare(queries::ML_SIMILAR_AUDIENCE)?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(title_id: i64, genres: &[&str], people: &[&str], overview: &str) -> Document {
        Document {
            title_id,
            genres: genres.iter().map(|g| (*g).to_owned()).collect(),
            people: people.iter().map(|p| (*p).to_owned()).collect(),
            overview: overview.to_owned(),
        }
    }

    fn week(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 1, 2).unwrap() + chrono::Duration::days(7 * n)
    }

    #[test]
    fn content_ranks_shared_genres_and_people_first_and_audience_counts_shared_lists() {
        let content = Content::new(vec![
            document(1, &["Drama", "Crime"], &["Ann Lee"], "A detective hunts a killer"),
            document(2, &["Drama", "Crime"], &["Ann Lee"], "A detective chases a thief"),
            document(3, &["Comedy"], &["Bo Ray"], "Friends share a flat"),
            document(4, &["Drama"], &[], "A family drama"),
        ]);
        let scores = content.neighbours(1).unwrap();
        assert!(scores[&2] > scores[&4], "{scores:?}");
        assert!(!scores.contains_key(&3), "nothing shared, no score");
        assert!((content.neighbours(2).unwrap()[&1] - scores[&2]).abs() < 1e-12, "cosine is symmetric");

        let audience = Audience::new(vec![
            (1, "US".into(), week(0)),
            (1, "US".into(), week(1)),
            (2, "US".into(), week(0)),
            (5, "US".into(), week(0)),
            (5, "US".into(), week(1)),
            (5, "FR".into(), week(1)),
        ]);
        let scores = audience.neighbours(1).unwrap();
        // 1 and 5 share two cells of 2 and 3: 2 / sqrt(6); 1 and 2 share one of 2 and 1: 1 / sqrt(2).
        assert!((scores[&5] - 2.0 / 6f64.sqrt()).abs() < 1e-12);
        assert!((scores[&2] - 1.0 / 2f64.sqrt()).abs() < 1e-12);

        let blended = rank(&content, &audience, 1, 10).unwrap();
        assert_eq!(blended.basis, Basis::Blended);
        assert_eq!(blended.candidates[0].title_id, 2, "{blended:?}");
        let audience_only = rank(&content, &audience, 5, 10).unwrap();
        assert_eq!(audience_only.basis, Basis::AudienceOnly);
        assert!(audience_only.candidates.iter().all(|c| c.content_score.is_none()));
        assert_eq!(rank(&content, &audience, 3, 1).unwrap().basis, Basis::ContentOnly);
        assert!(rank(&content, &audience, 99, 10).is_none());
    }
}

/// A neighbour as `/v1/titles/{id}/similar` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SimilarTitle {
    pub rank: u32,
    pub title_id: i64,
    pub name: String,
    #[schema(example = "series")]
    pub kind: String,
    pub score: f64,
    pub content_score: Option<f64>,
    pub audience_score: Option<f64>,
}

/// The `k` titles most like one title.
#[derive(Debug)]
pub struct SimilarTo {
    pub title_id: i64,
    pub k: usize,
}

impl SimilarTo {
    /// The answer to the question, with each neighbour's description (`describe`), from one snapshot.
    pub fn ask_described(&self, db: &Snapshot<'_>) -> Result<(Answer<SimilarTitle>, Vec<String>)> {
        let answer = self.ask(db)?;
        let about = answer.rows.iter().map(|row| describe(db.conn(), row.title_id)).collect::<Result<_>>()?;
        Ok((answer, about))
    }
}

impl Question for SimilarTo {
    type Row = SimilarTitle;
    const NAME: &'static str = "similar-titles";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<SimilarTitle>> {
        let mut statement = db.conn().prepare(queries::ML_SIMILAR_TITLES)?;
        let names: HashMap<i64, (String, String)> =
            statement.query_map([], |row| Ok((row.get(0)?, (row.get(1)?, row.get(2)?))))?.collect::<Result<_, _>>()?;
        if !names.contains_key(&self.title_id) {
            return Err(Error::TitleNotFound(self.title_id));
        }
        let similar = similar_titles(db.conn(), self.title_id, self.k)?;
        let rows = similar
            .candidates
            .into_iter()
            .zip(1..)
            .map(|(candidate, rank)| {
                let (name, kind) = names.get(&candidate.title_id).cloned().unwrap_or_default();
                SimilarTitle {
                    rank,
                    title_id: candidate.title_id,
                    name,
                    kind,
                    score: candidate.score,
                    content_score: candidate.content_score,
                    audience_score: candidate.audience_score,
                }
            })
            .collect();
        let mut answer = Answer::new(rows);
        answer.about.basis = Some(
            match similar.basis {
                Basis::Blended => "blended",
                Basis::AudienceOnly => "audience_only",
                Basis::ContentOnly => "content_only",
            }
            .to_owned(),
        );
        answer.about.file_suffix = Some(self.title_id.to_string());
        Ok(answer)
    }
}
