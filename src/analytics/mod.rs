//! Questions answered from the marts: each question is a value of typed parameters, asked of one
//! warehouse snapshot, returning typed rows. No HTTP here; `api` turns answers into JSON or CSV.

mod answer;
pub mod insights;
pub mod llm_calls;
pub mod scope;
mod stats;
pub mod titles;
pub mod top10;

pub use answer::{About, Answer, Page, Question, Rows, sql_paged, sql_visited};
