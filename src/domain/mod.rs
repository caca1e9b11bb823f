//! Value types shared by every layer. Each one is parsed once, at the edge, and carries its meaning
//! from there on: a `Week` is always a Sunday, a `CountryCode` is always ISO 3166-1 alpha-2.

mod category;
mod country;
mod llm_call;
mod progress;
mod run;
mod source;
mod week;

pub use category::{Category, List};
pub use country::CountryCode;
pub use llm_call::{CallOutcome, LlmCall};
pub use progress::{Estimate, Progress, RunProgress};
pub use run::{FileReport, FileStatus, IngestRun, RejectedRow, RunError, RunId, RunStatus, RunStep, Trigger};
pub use source::SourceId;
pub use week::{Week, WeekError, WeekSelector};
