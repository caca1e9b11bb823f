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

/// Global lists by week, oldest first. Entries and titles are numbered once here, so the feature
/// walk compares numbers rather than names.
#[derive(Debug, Default)]
pub struct History {
    weeks: BTreeMap<NaiveDate, Week>,
    index: HashMap<(NaiveDate, u32), usize>,
}

/// One week's entries by category then rank, with their entry and title numbers.
#[derive(Debug, Default)]
struct Week {
    charts: Vec<Chart>,
    entries: Vec<u32>,
    titles: Vec<i64>,
}

impl History {
    pub fn new(charts: Vec<Chart>) -> History {
        let mut weeks: BTreeMap<NaiveDate, Week> = BTreeMap::new();
        for chart in charts {
            weeks.entry(chart.week).or_default().charts.push(chart);
        }
        let mut keys: HashMap<EntryKey, u32> = HashMap::new();
        let mut shows: HashMap<String, i64> = HashMap::new();
        let mut index = HashMap::new();
        for (date, week) in &mut weeks {
            week.charts.sort_by(|a, b| (&a.category, a.rank).cmp(&(&b.category, b.rank)));
            for (i, chart) in week.charts.iter().enumerate() {
                let next = keys.len() as u32;
                let entry = *keys.entry(chart.key()).or_insert(next);
                // Titles the identity does not link stand for themselves, numbered below zero.
                let next = -(shows.len() as i64) - 1;
                let title = chart.title_id.unwrap_or_else(|| *shows.entry(chart.show_title.clone()).or_insert(next));
                week.entries.push(entry);
                week.titles.push(title);
                index.insert((*date, entry), i);
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
        self.weeks.get(&week).map_or(&[], |w| w.charts.as_slice())
    }

    /// The week's entries with their entry and title numbers.
    pub fn numbered(&self, week: NaiveDate) -> impl Iterator<Item = (&Chart, u32, i64)> {
        self.weeks.get(&week).into_iter().flat_map(|w| {
            w.charts.iter().zip(&w.entries).zip(&w.titles).map(|((chart, entry), title)| (chart, *entry, *title))
        })
    }

    pub fn get_entry(&self, week: NaiveDate, entry: u32) -> Option<&Chart> {
        self.index.get(&(week, entry)).map(|&i| &self.weeks[&week].charts[i])
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}
