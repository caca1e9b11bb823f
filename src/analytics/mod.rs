//! Questions answered from the marts: each function takes typed parameters, runs named queries and
//! returns typed rows. No HTTP here; `api` turns rows into JSON or CSV.

pub mod insights;
mod stats;
pub mod titles;
pub mod top10;
