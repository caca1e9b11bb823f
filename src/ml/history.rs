//! The history a forecast learns from: every global Top 10 entry, with what the other sources say
//! about it that week. Read from the warehouse (`warehouse::ml`), or built by hand in tests.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

/// The four global categories, in the order the features number them.
pub const CATEGORIES: [&str; 4] = ["Films (English)", "Films (Non-English)", "TV (English)", "TV (Non-English)"];

/// One entry of one week's global list.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The last day of the week the list is about.
    pub week: NaiveDate,
    pub category: String,
    pub rank: u32,
    pub show_title: String,
    pub season_title: Option<String>,
    pub hours: Option<f64>,
    pub views: Option<f64>,
    pub runtime: Option<f64>,
    pub weeks_on_list: Option<u32>,
    /// The title identity, where it links the entry; entries without one stand for themselves.
    pub title_id: Option<i64>,
    /// How many country lists carry the entry that week; `None` when no country list covers it.
    pub countries: Option<u32>,
    /// YouTube videos linked to the title and published by the end of that week; `None` when the
    /// warehouse holds no YouTube data.
    pub videos: Option<u32>,
}

/// Names an entry across weeks: the same season of the same show in the same category.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryKey {
    pub category: String,
    pub show_title: String,
    pub season_title: Option<String>,
}

impl Chart {
    pub fn key(&self) -> EntryKey {
        EntryKey {
            category: self.category.clone(),
            show_title: self.show_title.clone(),
            season_title: self.season_title.clone(),
        }
    }
}

/// Global lists by week, oldest first.
#[derive(Debug, Default)]
pub struct History {
    weeks: BTreeMap<NaiveDate, Vec<Chart>>,
    index: HashMap<(NaiveDate, EntryKey), usize>,
}

impl History {
    pub fn new(charts: Vec<Chart>) -> History {
        let mut weeks: BTreeMap<NaiveDate, Vec<Chart>> = BTreeMap::new();
        for chart in charts {
            weeks.entry(chart.week).or_default().push(chart);
        }
        let mut index = HashMap::new();
        for (week, charts) in &mut weeks {
            charts.sort_by(|a, b| (&a.category, a.rank).cmp(&(&b.category, b.rank)));
            for (i, chart) in charts.iter().enumerate() {
                index.insert((*week, chart.key()), i);
            }
        }
        History { weeks, index }
    }

    pub fn weeks(&self) -> impl DoubleEndedIterator<Item = NaiveDate> + '_ {
        self.weeks.keys().copied()
    }

    pub fn latest_week(&self) -> Option<NaiveDate> {
        self.weeks.keys().next_back().copied()
    }

    /// The week's entries, by category then rank.
    pub fn charts(&self, week: NaiveDate) -> &[Chart] {
        self.weeks.get(&week).map_or(&[], Vec::as_slice)
    }

    pub fn get(&self, week: NaiveDate, key: &EntryKey) -> Option<&Chart> {
        self.index.get(&(week, key.clone())).map(|&i| &self.weeks[&week][i])
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}
