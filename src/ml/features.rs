//! Features of each list entry at an origin week, read from that week and earlier only, and what
//! happened the week after (the label). One walk through the weeks, oldest first, keeps the
//! statistics "as known at the origin" (the decay ratios, the stay rates), so the features of an
//! old week are what a forecast made that week would have seen.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};

use super::history::{CATEGORIES, Chart, EntryKey, History};

/// Feature names, in column order.
pub const FEATURES: [&str; 16] = [
    "log_hours",
    "log_change_1w",
    "log_change_2w",
    "log_margin_over_rank_10",
    "weeks_on_list",
    "rank",
    "rank_change",
    "category",
    "season",
    "countries",
    "days_since_first_chart_week",
    "youtube_videos",
    "decay_log_ratio",
    "rank_stay_rate",
    "log_views",
    "runtime",
];
pub const WIDTH: usize = FEATURES.len();

/// Weeks on the list at and past this share one decay ratio and one stay rate: past ten weeks
/// there are too few entries to estimate each week on its own.
pub const WEEKS_CAP: u32 = 10;

/// One entry at one origin week.
#[derive(Debug, Clone)]
pub struct Example {
    pub origin: NaiveDate,
    pub key: EntryKey,
    pub rank: u32,
    pub hours: Option<f64>,
    pub runtime: Option<f64>,
    pub title_id: Option<i64>,
    pub features: [f64; WIDTH],
    /// Baselines as known at the origin: the decay ratio for the entry's weeks on the list, and
    /// the share of entries at the entry's rank that stayed (NaN before any week is known).
    pub decay_ratio: f64,
    pub rank_stay_rate: f64,
    /// What the week after the origin said; `None` when the history does not reach it yet.
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// On the same category's list the week after.
    pub stayed: bool,
    /// Its hours that week, when it stayed and they were published.
    pub hours: Option<f64>,
}

/// Every entry of every week, oldest week first.
pub fn examples(history: &History) -> Vec<Example> {
    let mut out = Vec::with_capacity(history.len());
    walk(history, None, |known, week| {
        out.extend(week_examples(history, known, week));
    });
    out
}

/// The entries of one week, with the features a forecast made that week sees.
pub fn examples_at(history: &History, origin: NaiveDate) -> Vec<Example> {
    let mut out = Vec::new();
    walk(history, Some(origin), |known, week| {
        if week == origin {
            out.extend(week_examples(history, known, week));
        }
    });
    out
}

/// Visits the weeks oldest first, up to `through`, with what was known at each.
fn walk(history: &History, through: Option<NaiveDate>, mut visit: impl FnMut(&Known, NaiveDate)) {
    let mut known = Known::default();
    for week in history.weeks().take_while(|w| through.is_none_or(|t| *w <= t)) {
        known.learn_outcomes_at(history, week);
        known.learn_first_weeks(history, week);
        // Medians are the costly part; a single origin needs them once.
        if through.is_none_or(|t| t == week) {
            known.refresh_medians();
        }
        visit(&known, week);
    }
}

fn week_before(week: NaiveDate) -> NaiveDate {
    week - Duration::days(7)
}

fn week_after(week: NaiveDate) -> NaiveDate {
    week + Duration::days(7)
}

fn weeks_bucket(weeks: Option<u32>) -> u32 {
    weeks.unwrap_or(1).clamp(1, WEEKS_CAP)
}

/// What the history said up to the origin week.
#[derive(Default)]
struct Known {
    /// Week-over-week hours ratios of entries that stayed, by weeks on the list at the first week.
    ratios: BTreeMap<u32, Vec<f64>>,
    /// (stayed, entries) by rank.
    by_rank: HashMap<u32, (u32, u32)>,
    /// The first week each title (numbered by `History`) charted, any category.
    first_week: HashMap<i64, NaiveDate>,
    /// Median of `ratios` per bucket, refreshed when they change.
    medians: BTreeMap<u32, f64>,
    overall_median: f64,
}

impl Known {
    /// Outcomes whose week is `week`: the entries of the week before, now that `week` is known.
    fn learn_outcomes_at(&mut self, history: &History, week: NaiveDate) {
        let before = week_before(week);
        for (chart, entry, _) in history.numbered(before) {
            let next = history.get_entry(week, entry);
            let stayed = u32::from(next.is_some());
            let bucket = weeks_bucket(chart.weeks_on_list);
            let counts = self.by_rank.entry(chart.rank).or_default();
            counts.0 += stayed;
            counts.1 += 1;
            if let (Some(next_hours), Some(hours)) = (next.and_then(|n| n.hours), chart.hours)
                && hours > 0.0
                && next_hours > 0.0
            {
                self.ratios.entry(bucket).or_default().push(next_hours / hours);
            }
        }
    }

    fn refresh_medians(&mut self) {
        self.medians = self.ratios.iter().map(|(bucket, ratios)| (*bucket, median(ratios))).collect();
        let all: Vec<f64> = self.ratios.values().flatten().copied().collect();
        self.overall_median = if all.is_empty() { 1.0 } else { median(&all) };
    }

    fn learn_first_weeks(&mut self, history: &History, week: NaiveDate) {
        for (_, _, title) in history.numbered(week) {
            self.first_week.entry(title).or_insert(week);
        }
    }

    fn decay_ratio(&self, weeks: Option<u32>) -> f64 {
        self.medians.get(&weeks_bucket(weeks)).copied().unwrap_or(self.overall_median)
    }

    fn rate(counts: Option<&(u32, u32)>) -> f64 {
        match counts {
            Some(&(stayed, all)) if all > 0 => f64::from(stayed) / f64::from(all),
            _ => f64::NAN,
        }
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] }
}

fn ln_ratio(a: Option<f64>, b: Option<f64>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) if a > 0.0 && b > 0.0 => (a / b).ln(),
        _ => f64::NAN,
    }
}

fn ln(value: Option<f64>) -> f64 {
    value.filter(|v| *v > 0.0).map_or(f64::NAN, f64::ln)
}

fn num(value: Option<u32>) -> f64 {
    value.map_or(f64::NAN, f64::from)
}

fn week_examples(history: &History, known: &Known, week: NaiveDate) -> Vec<Example> {
    let rank_ten: HashMap<&str, Option<f64>> =
        history.charts(week).iter().filter(|c| c.rank == 10).map(|c| (c.category.as_str(), c.hours)).collect();
    history
        .numbered(week)
        .map(|(chart, entry, title)| {
            let margin_over = rank_ten.get(chart.category.as_str()).copied().flatten();
            example(history, known, chart, entry, title, margin_over)
        })
        .collect()
}

fn example(history: &History, known: &Known, chart: &Chart, entry: u32, title: i64, rank_ten: Option<f64>) -> Example {
    let week = chart.week;
    let previous = history.get_entry(week_before(week), entry);
    let before_previous = history.get_entry(week_before(week_before(week)), entry);
    let decay_ratio = known.decay_ratio(chart.weeks_on_list);
    let rank_stay_rate = Known::rate(known.by_rank.get(&chart.rank));
    let first_week = known.first_week.get(&title).copied().unwrap_or(week);
    let category = CATEGORIES.iter().position(|c| *c == chart.category).map_or(f64::NAN, |i| i as f64);
    let features = [
        ln(chart.hours),
        ln_ratio(chart.hours, previous.and_then(|p| p.hours)),
        ln_ratio(previous.and_then(|p| p.hours), before_previous.and_then(|p| p.hours)),
        ln_ratio(chart.hours, rank_ten),
        num(chart.weeks_on_list),
        f64::from(chart.rank),
        previous.map_or(f64::NAN, |p| f64::from(p.rank) - f64::from(chart.rank)),
        category,
        season_number(chart.season_title.as_deref()),
        num(chart.countries),
        (week - first_week).num_days() as f64,
        num(chart.videos),
        decay_ratio.ln(),
        rank_stay_rate,
        ln(chart.views),
        chart.runtime.unwrap_or(f64::NAN),
    ];
    let next_week = week_after(week);
    let outcome = (!history.charts(next_week).is_empty()).then(|| {
        let next = history.get_entry(next_week, entry);
        Outcome { stayed: next.is_some(), hours: next.and_then(|n| n.hours) }
    });
    Example {
        origin: week,
        key: chart.key(),
        rank: chart.rank,
        hours: chart.hours,
        runtime: chart.runtime,
        title_id: chart.title_id,
        features,
        decay_ratio,
        rank_stay_rate,
        outcome,
    }
}

/// The season or part a season title names ("Season 2", "Part 3", "Stranger Things 4"); `1` for a
/// limited series; NaN for films and titles that name none.
pub fn season_number(season_title: Option<&str>) -> f64 {
    let Some(title) = season_title else { return f64::NAN };
    if title.contains("Limited Series") {
        return 1.0;
    }
    let words: Vec<&str> = title.split(|c: char| c.is_whitespace() || c == ':').filter(|w| !w.is_empty()).collect();
    for pair in words.windows(2) {
        if matches!(pair[0], "Season" | "Part" | "Volume" | "Vol." | "Series")
            && let Ok(n) = pair[1].parse::<u32>()
        {
            return f64::from(n);
        }
    }
    words.last().and_then(|w| w.parse::<u32>().ok()).filter(|n| *n < 100).map_or(f64::NAN, f64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn chart(week: &str, rank: u32, show: &str, hours: f64, weeks_on_list: u32) -> Chart {
        Chart {
            week: date(week),
            category: "TV (English)".into(),
            rank,
            show_title: show.into(),
            season_title: None,
            hours: Some(hours),
            views: None,
            runtime: None,
            weeks_on_list: Some(weeks_on_list),
            title_id: None,
            countries: None,
            videos: None,
        }
    }

    /// Three weeks of one list: B leaves after the first, C after the second.
    fn small() -> History {
        History::new(vec![
            chart("2024-01-07", 1, "A", 100.0, 1),
            chart("2024-01-07", 2, "B", 60.0, 1),
            chart("2024-01-07", 3, "C", 40.0, 1),
            chart("2024-01-14", 1, "A", 80.0, 2),
            chart("2024-01-14", 2, "C", 50.0, 2),
            chart("2024-01-14", 3, "D", 30.0, 1),
            chart("2024-01-21", 1, "D", 90.0, 2),
            chart("2024-01-21", 2, "A", 40.0, 3),
            chart("2024-01-21", 3, "E", 20.0, 1),
        ])
    }

    fn find<'a>(examples: &'a [Example], week: &str, show: &str) -> &'a Example {
        examples.iter().find(|e| e.origin == date(week) && e.key.show_title == show).unwrap()
    }

    fn feature(example: &Example, name: &str) -> f64 {
        example.features[FEATURES.iter().position(|f| *f == name).unwrap()]
    }

    #[test]
    fn features_match_hand_computed_values() {
        let examples = examples(&small());
        let a = find(&examples, "2024-01-21", "A");
        assert_eq!(feature(a, "log_hours"), 40f64.ln());
        assert_eq!(feature(a, "log_change_1w"), (40f64 / 80.0).ln());
        assert_eq!(feature(a, "log_change_2w"), (80f64 / 100.0).ln());
        assert!(feature(a, "log_margin_over_rank_10").is_nan(), "the list has no rank 10");
        assert_eq!(feature(a, "weeks_on_list"), 3.0);
        assert_eq!(feature(a, "rank"), 2.0);
        assert_eq!(feature(a, "rank_change"), -1.0);
        assert_eq!(feature(a, "category"), 2.0);
        assert!(feature(a, "season").is_nan());
        assert_eq!(feature(a, "days_since_first_chart_week"), 14.0);
        // Known by the third week: ratios 0.8 (A) and 1.25 (C) at one week on the list, 0.5 (A)
        // and 3.0 (D) at one and two weeks. Three weeks has none, so the median of all four.
        assert_eq!(feature(a, "decay_log_ratio"), ((0.8f64 + 1.25) / 2.0).ln());
        // Rank 2 left both times (B, then C); rank 1 stayed both times.
        assert_eq!(feature(a, "rank_stay_rate"), 0.0);
        assert_eq!(feature(find(&examples, "2024-01-21", "D"), "rank_stay_rate"), 1.0);
        let d = find(&examples, "2024-01-21", "D");
        // D has two weeks on the list: the one ratio known there is A's 0.5.
        assert_eq!(feature(d, "decay_log_ratio"), 0.5f64.ln());
        assert_eq!(d.decay_ratio, 0.5);
        assert!(a.outcome.is_none(), "the week after the last is unknown");
        assert_eq!(find(&examples, "2024-01-14", "A").outcome, Some(Outcome { stayed: true, hours: Some(40.0) }));
        assert_eq!(find(&examples, "2024-01-07", "B").outcome, Some(Outcome { stayed: false, hours: None }));
        // The first week knows no outcome yet.
        assert!(feature(find(&examples, "2024-01-07", "A"), "rank_stay_rate").is_nan());
    }

    /// Twelve weeks of four lists whose entries stay a few weeks each, with country and YouTube
    /// counts, runtimes and views: every feature has values to read.
    fn longer() -> History {
        let mut charts = Vec::new();
        let start = date("2024-01-07");
        for w in 0..12u32 {
            let week = start + Duration::days(7 * i64::from(w));
            for (c, category) in CATEGORIES.iter().enumerate() {
                for rank in 1..=10u32 {
                    // An entry is born every week at each rank slot and drifts down the list.
                    let born = w.saturating_sub(rank / 3);
                    let show = format!("{category} show {born}-{}", rank % 3);
                    let hours = f64::from((rank * 7 + w * 13 + c as u32 * 5) % 50 + 10) * 1e6 / f64::from(rank);
                    charts.push(Chart {
                        week,
                        category: (*category).into(),
                        rank,
                        show_title: show,
                        season_title: (c >= 2).then(|| format!("Season {}", rank % 4 + 1)),
                        hours: Some(hours),
                        views: Some(hours / 2.0),
                        runtime: Some(2.0),
                        weeks_on_list: Some(w - born + 1),
                        title_id: Some(i64::from(born * 10 + rank % 3)),
                        countries: (w < 6).then_some(rank * 3),
                        videos: Some(w / 4),
                    });
                }
            }
        }
        // Keys must be unique within a week; keep the first of any repeat.
        let mut seen = std::collections::HashSet::new();
        charts.retain(|c| seen.insert((c.week, c.key())));
        History::new(charts)
    }

    fn same(a: &[f64; WIDTH], b: &[f64; WIDTH]) -> bool {
        a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    #[test]
    fn no_feature_for_a_week_reads_that_week_or_later() {
        let history = longer();
        let all = examples(&history);
        for origin in history.weeks() {
            // The history as it stood at the origin: nothing from the predicted week on.
            let cut: Vec<Chart> =
                history.weeks().filter(|w| *w <= origin).flat_map(|w| history.charts(w).to_vec()).collect();
            let seen_then = examples_at(&History::new(cut), origin);
            let seen_now: Vec<&Example> = all.iter().filter(|e| e.origin == origin).collect();
            assert_eq!(seen_then.len(), seen_now.len());
            for (then, now) in seen_then.iter().zip(&seen_now) {
                assert_eq!(then.key, now.key);
                assert!(
                    same(&then.features, &now.features),
                    "{origin} {:?}: features changed once later weeks were known:\n{:?}\n{:?}",
                    now.key,
                    then.features,
                    now.features
                );
                assert_eq!(then.decay_ratio.to_bits(), now.decay_ratio.to_bits());
                assert_eq!(then.rank_stay_rate.to_bits(), now.rank_stay_rate.to_bits());
            }
        }
    }

    #[test]
    fn serving_sees_the_features_the_backtest_saw() {
        let history = longer();
        let all = examples(&history);
        let origin = date("2024-02-18");
        let one = examples_at(&history, origin);
        let from_all: Vec<&Example> = all.iter().filter(|e| e.origin == origin).collect();
        assert_eq!(one.len(), 40);
        assert!(one.iter().zip(from_all).all(|(a, b)| same(&a.features, &b.features)));
    }

    #[test]
    fn season_numbers_come_from_the_season_title() {
        assert_eq!(season_number(Some("Squid Game: Season 2")), 2.0);
        assert_eq!(season_number(Some("Alchemy of Souls: Part 1")), 1.0);
        assert_eq!(season_number(Some("Stranger Things 4")), 4.0);
        assert_eq!(season_number(Some("Queen of Tears: Limited Series")), 1.0);
        assert!(season_number(Some("Bridgerton")).is_nan());
        assert!(season_number(None).is_nan());
    }
}
