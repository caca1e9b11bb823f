//! One identity for a title across the three feeds, which share no id: "Wednesday" /
//! "Wednesday: Season 1" in the Top 10, "Wednesday" in the catalog and
//! "Wednesday | Official Trailer | Netflix" on YouTube.
//!
//! `normalize` turns names into comparable keys; `matcher` links Top 10 titles and YouTube videos to
//! catalog shows (exact, then alias, then fuzzy with a threshold) when the other evidence (kind,
//! year, runtime, seasons) agrees, and leaves conflicting or ambiguous cases unmatched, with the
//! evidence, rather than guessing. Pure functions: the pipeline reads stage, calls `resolve`, and
//! writes the result.

pub mod matcher;
pub mod normalize;

pub use matcher::{Kind, Method, resolve};
