use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// What an ingestion run refreshes. Each value has its own lock: two runs of the same source never
/// overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum SourceId {
    /// The three Netflix Top 10 TSV files.
    Top10,
}

impl SourceId {
    pub const ALL: [SourceId; 1] = [SourceId::Top10];
    pub const ACCEPTED: &'static str = "top10";

    pub fn as_str(self) -> &'static str {
        match self {
            SourceId::Top10 => "top10",
        }
    }
}

impl FromStr for SourceId {
    type Err = ();

    fn from_str(text: &str) -> Result<SourceId, ()> {
        SourceId::ALL.into_iter().find(|s| s.as_str() == text).ok_or(())
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SourceId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
