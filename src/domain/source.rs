use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a run refreshes. Each source has its own lock: two runs of the same source never overlap,
/// and `all` holds the three feeds'. `model` is a training run: recorded and locked like the
/// others, but not a feed, so it is no ingestion source and `all` does not hold its lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum SourceId {
    /// The three Netflix Top 10 TSV files.
    Top10,
    /// The Netflix catalog from the Streaming Availability API.
    Catalog,
    /// The Netflix YouTube channel from the YouTube Data API.
    Youtube,
    /// The three in order, then the title identity.
    All,
    /// The forecast model, trained from the warehouse (`POST /v1/ml/train`).
    #[value(skip)]
    Model,
}

impl SourceId {
    pub const VALUES: [SourceId; 4] = [SourceId::Top10, SourceId::Catalog, SourceId::Youtube, SourceId::All];
    /// Every kind of run in the run history.
    pub const RUNS: [SourceId; 5] =
        [SourceId::Top10, SourceId::Catalog, SourceId::Youtube, SourceId::All, SourceId::Model];
    /// The feeds, in the order `all` refreshes them.
    pub const FEEDS: [SourceId; 3] = [SourceId::Top10, SourceId::Catalog, SourceId::Youtube];
    pub const ACCEPTED: &'static str = "top10, catalog, youtube, all";

    pub fn as_str(self) -> &'static str {
        match self {
            SourceId::Top10 => "top10",
            SourceId::Catalog => "catalog",
            SourceId::Youtube => "youtube",
            SourceId::All => "all",
            SourceId::Model => "model",
        }
    }

    /// The locks a run of this source holds.
    pub fn locks(self) -> &'static [SourceId] {
        match self {
            SourceId::All => &SourceId::VALUES,
            SourceId::Top10 => &[SourceId::Top10],
            SourceId::Catalog => &[SourceId::Catalog],
            SourceId::Youtube => &[SourceId::Youtube],
            SourceId::Model => &[SourceId::Model],
        }
    }
}

impl FromStr for SourceId {
    type Err = ();

    fn from_str(text: &str) -> Result<SourceId, ()> {
        SourceId::RUNS.into_iter().find(|s| s.as_str() == text).ok_or(())
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

impl<'de> Deserialize<'de> for SourceId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SourceId, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(|()| serde::de::Error::custom(format!("unknown source {text:?}")))
    }
}
