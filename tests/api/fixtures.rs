//! Fixture Top 10 files in Netflix's exact format, built from plain Rust values so that tests can
//! compute the answers they expect from the same values without SQL.

use std::fmt::Write;

pub const GLOBAL_CATEGORIES: [&str; 4] = ["Films (English)", "Films (Non-English)", "TV (English)", "TV (Non-English)"];
pub const COUNTRY_CATEGORIES: [&str; 2] = ["Films", "TV"];

pub const GLOBAL_HEADER: &str = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10";
pub const COUNTRIES_HEADER: &str =
    "country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\tcumulative_weeks_in_top_10";
pub const MOST_POPULAR_HEADER: &str =
    "category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime\tviews_first_91_days";

#[derive(Debug, Clone, PartialEq)]
pub struct GlobalEntry {
    pub week: String,
    pub category: String,
    pub rank: u8,
    pub show_title: String,
    pub season_title: Option<String>,
    pub hours: Option<i64>,
    pub runtime: Option<f64>,
    pub views: Option<i64>,
    pub cumulative_weeks: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CountryEntry {
    pub country_name: String,
    pub country_iso2: String,
    pub week: String,
    pub category: String,
    pub rank: u8,
    pub show_title: String,
    pub season_title: Option<String>,
    pub cumulative_weeks: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MostPopularEntry {
    pub category: String,
    pub rank: u8,
    pub show_title: String,
    pub season_title: Option<String>,
    pub hours: i64,
    pub runtime: f64,
    pub views: i64,
}

/// All four global lists of one week. Films carry no season; even ranks of TV lists do. The titles
/// include the week, so every week's lists differ.
pub fn global_week(week: &str) -> Vec<GlobalEntry> {
    let mut entries = Vec::new();
    for (c, category) in GLOBAL_CATEGORIES.iter().enumerate() {
        for rank in 1..=10u8 {
            let show = format!("{} {week} #{rank}", ["Film EN", "Film XX", "Show EN", "Show XX"][c]);
            let season = (category.starts_with("TV") && rank % 2 == 0).then(|| format!("{show}: Season {rank}"));
            let views = 10_000_000 - i64::from(rank) * 700_000 - c as i64 * 100_000;
            let runtime = if rank == 7 { 0.0 } else { 1.5 + f64::from(rank) / 10.0 };
            entries.push(GlobalEntry {
                week: week.to_owned(),
                category: (*category).to_owned(),
                rank,
                show_title: show,
                season_title: season,
                hours: Some(views * 2),
                runtime: Some(runtime),
                views: Some(views),
                cumulative_weeks: i32::from(rank % 3) + 1,
            });
        }
    }
    entries
}

pub fn global_weeks(weeks: &[&str]) -> Vec<GlobalEntry> {
    weeks.iter().flat_map(|w| global_week(w)).collect()
}

pub fn country_week(week: &str, countries: &[(&str, &str)]) -> Vec<CountryEntry> {
    let mut entries = Vec::new();
    for (name, iso) in countries {
        for category in COUNTRY_CATEGORIES {
            for rank in 1..=10u8 {
                let show = format!("{category} {iso} {week} #{rank}");
                entries.push(CountryEntry {
                    country_name: (*name).to_owned(),
                    country_iso2: (*iso).to_owned(),
                    week: week.to_owned(),
                    category: category.to_owned(),
                    rank,
                    season_title: (category == "TV").then(|| format!("{show}: Limited Series")),
                    show_title: show,
                    cumulative_weeks: i32::from(rank),
                });
            }
        }
    }
    entries
}

pub const COUNTRIES: [(&str, &str); 3] = [("Réunion", "RE"), ("South Korea", "KR"), ("United States", "US")];

pub fn country_weeks(weeks: &[&str]) -> Vec<CountryEntry> {
    weeks.iter().flat_map(|w| country_week(w, &COUNTRIES)).collect()
}

pub fn most_popular() -> Vec<MostPopularEntry> {
    let mut entries = Vec::new();
    for category in GLOBAL_CATEGORIES {
        for rank in 1..=10u8 {
            let views = 300_000_000 - i64::from(rank) * 10_000_000;
            entries.push(MostPopularEntry {
                category: category.to_owned(),
                rank,
                show_title: format!("{category} all-time #{rank}"),
                season_title: category.starts_with("TV").then(|| format!("{category} all-time #{rank}: Season 1")),
                hours: views * 2,
                runtime: 2.0,
                views,
            });
        }
    }
    entries
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}

/// Netflix's layout: tab-separated, LF, no newline after the last row, `N/A` for no season.
fn join(header: &str, lines: Vec<String>) -> String {
    let mut text = header.to_owned();
    for line in lines {
        write!(text, "\n{line}").unwrap();
    }
    text
}

pub fn global_tsv(entries: &[GlobalEntry]) -> String {
    join(
        GLOBAL_HEADER,
        entries
            .iter()
            .map(|e| {
                format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    e.week,
                    e.category,
                    e.rank,
                    e.show_title,
                    e.season_title.as_deref().unwrap_or("N/A"),
                    opt(&e.hours),
                    opt(&e.runtime),
                    opt(&e.views),
                    e.cumulative_weeks
                )
            })
            .collect(),
    )
}

pub fn countries_tsv(entries: &[CountryEntry]) -> String {
    join(
        COUNTRIES_HEADER,
        entries
            .iter()
            .map(|e| {
                format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    e.country_name,
                    e.country_iso2,
                    e.week,
                    e.category,
                    e.rank,
                    e.show_title,
                    e.season_title.as_deref().unwrap_or("N/A"),
                    e.cumulative_weeks
                )
            })
            .collect(),
    )
}

pub fn most_popular_tsv(entries: &[MostPopularEntry]) -> String {
    join(
        MOST_POPULAR_HEADER,
        entries
            .iter()
            .map(|e| {
                format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    e.category,
                    e.rank,
                    e.show_title,
                    e.season_title.as_deref().unwrap_or("N/A"),
                    e.hours,
                    e.runtime,
                    e.views
                )
            })
            .collect(),
    )
}

/// The standard fixture: two global weeks, two country weeks for three countries, the all-time lists.
pub struct Standard {
    pub global: Vec<GlobalEntry>,
    pub countries: Vec<CountryEntry>,
    pub most_popular: Vec<MostPopularEntry>,
}

pub const WEEK_1: &str = "2026-07-12";
pub const WEEK_2: &str = "2026-07-19";

impl Standard {
    pub fn new() -> Standard {
        Standard {
            global: global_weeks(&[WEEK_2, WEEK_1]),
            countries: country_weeks(&[WEEK_2, WEEK_1]),
            most_popular: most_popular(),
        }
    }

    pub fn files(&self) -> (String, String, String) {
        (global_tsv(&self.global), countries_tsv(&self.countries), most_popular_tsv(&self.most_popular))
    }
}
