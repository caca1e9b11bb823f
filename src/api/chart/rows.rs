//! Which figure fits each answer.

use std::collections::BTreeMap;

use super::{Chart, Figure, Plot, Series};
use crate::analytics::insights::{
    CategoryViewershipRow, CategoryWeekRow, DurationBucketRow, EngagementRow, EngagementTitleRow, GenreRow,
    RegionalPreferenceRow, SimilarityRow, TopTitleRow, TrajectoryRow, WeeklyHoursRow,
};
use crate::api::format::Meta;
use crate::domain::Week;

fn bars(title: &str, value_label: &'static str, rows: impl Iterator<Item = (String, Option<f64>)>) -> Plot {
    let (labels, values) = rows.filter_map(|(label, value)| Some((label, value?))).unzip();
    Plot { title: title.to_owned(), figure: Figure::Bars { labels, values, value_label } }
}

/// Groups `(series name, week, value)` into series over the weeks that occur.
fn lines(
    title: &str,
    value_label: &'static str,
    lower_is_better: bool,
    points: impl Iterator<Item = (String, Week, Option<f64>)>,
) -> Plot {
    let points: Vec<(String, Week, f64)> =
        points.filter_map(|(name, week, value)| Some((name, week, value?))).collect();
    let weeks: Vec<Week> =
        points.iter().map(|(_, week, _)| *week).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let mut series: Vec<Series> = Vec::new();
    for (name, week, value) in points {
        let index = weeks.binary_search(&week).unwrap_or_default();
        match series.iter_mut().find(|s| s.name == name) {
            Some(found) => found.points.push((index, value)),
            None => series.push(Series { name, points: vec![(index, value)] }),
        }
    }
    for one in &mut series {
        one.points.sort_by_key(|(index, _)| *index);
    }
    let weeks = weeks.iter().map(Week::to_string).collect();
    Plot { title: title.to_owned(), figure: Figure::Lines { weeks, series, value_label, lower_is_better } }
}

fn as_f64(value: Option<i64>) -> Option<f64> {
    value.map(|v| v as f64)
}

impl Chart for TopTitleRow {
    /// Global answers have hours; countries only weeks on the lists.
    fn plot(rows: &[Self], _: &Meta) -> Plot {
        if rows.iter().any(|r| r.hours_viewed.is_some()) {
            bars(
                "Top titles by hours viewed",
                "hours viewed",
                rows.iter().map(|r| (r.title.clone(), as_f64(r.hours_viewed))),
            )
        } else {
            bars(
                "Top titles by weeks in the Top 10",
                "weeks in the Top 10",
                rows.iter().map(|r| (r.title.clone(), Some(r.weeks_in_top10 as f64))),
            )
        }
    }
}

impl Chart for TrajectoryRow {
    fn plot(rows: &[Self], _: &Meta) -> Plot {
        let name = |r: &TrajectoryRow| match &r.season_title {
            Some(season) => format!("{season} ({})", r.category),
            None => r.category.clone(),
        };
        lines("Weekly rank", "rank", true, rows.iter().map(|r| (name(r), r.week, Some(f64::from(r.weekly_rank)))))
    }
}

impl Chart for EngagementRow {
    fn plot(rows: &[Self], meta: &Meta) -> Plot {
        let points = rows
            .iter()
            .filter_map(|r| Some((r.youtube_views? as f64, r.hours_viewed? as f64)))
            .filter(|(x, y)| *x > 0.0 && *y > 0.0)
            .map(|(x, y)| (x.log10(), y.log10()))
            .collect();
        let found = meta.correlations.iter().flatten().find(|c| c.x == "youtube_views" && c.y == "hours_viewed");
        let coefficient = |value: Option<f64>| value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2}"));
        let note = found.map_or_else(String::new, |c| {
            format!("Pearson {}, Spearman {} over {} titles", coefficient(c.pearson), coefficient(c.spearman), c.n)
        });
        Plot {
            title: "YouTube views versus hours viewed".to_owned(),
            figure: Figure::Scatter { points, x_label: "YouTube views", y_label: "hours viewed", note },
        }
    }
}

impl Chart for GenreRow {
    /// The analysts' "most liked genres on YouTube".
    fn plot(rows: &[Self], _: &Meta) -> Plot {
        let mut liked: Vec<&GenreRow> = rows.iter().collect();
        liked.sort_by_key(|r| std::cmp::Reverse(r.youtube_likes.unwrap_or(0)));
        bars(
            "Genres by YouTube likes",
            "YouTube likes",
            liked.into_iter().map(|r| (r.genre.clone(), as_f64(r.youtube_likes))),
        )
    }
}

impl Chart for RegionalPreferenceRow {
    fn plot(rows: &[Self], _: &Meta) -> Plot {
        bars(
            "Share of each country's titles also on the global lists",
            "share on the global lists (%)",
            rows.iter().map(|r| (r.country_name.clone(), Some(r.global_share * 100.0))),
        )
    }
}

impl Chart for SimilarityRow {
    /// Pairs come once each; the matrix shows both halves.
    fn plot(rows: &[Self], _: &Meta) -> Plot {
        let mut index = BTreeMap::new();
        for row in rows {
            index.insert(row.country_a.clone(), 0);
            index.insert(row.country_b.clone(), 0);
        }
        for (position, slot) in index.values_mut().enumerate() {
            *slot = position;
        }
        let cells = rows
            .iter()
            .flat_map(|r| {
                let (a, b) = (index[&r.country_a], index[&r.country_b]);
                [(a, b, r.jaccard), (b, a, r.jaccard)]
            })
            .collect();
        Plot {
            title: "Regional similarity (Jaccard overlap of titles)".to_owned(),
            figure: Figure::Heatmap { labels: index.into_keys().collect(), cells, value_label: "Jaccard" },
        }
    }
}

impl Chart for CategoryViewershipRow {
    fn plot(rows: &[Self], _: &Meta) -> Plot {
        bars(
            "Hours viewed by category",
            "hours viewed",
            rows.iter().map(|r| (r.category.clone(), as_f64(r.hours_viewed))),
        )
    }
}

impl Chart for CategoryWeekRow {
    fn plot(rows: &[Self], _: &Meta) -> Plot {
        lines(
            "Hours viewed by category, per week",
            "hours viewed",
            false,
            rows.iter().map(|r| (r.category.clone(), r.week, as_f64(r.hours_viewed))),
        )
    }
}

impl Chart for WeeklyHoursRow {
    fn plot(rows: &[Self], _: &Meta) -> Plot {
        lines(
            "Most popular titles, hours viewed per week",
            "hours viewed",
            false,
            rows.iter().map(|r| (r.title.clone(), r.week, as_f64(r.hours_viewed))),
        )
    }
}

impl Chart for EngagementTitleRow {
    /// The measure the answer is ranked by (`meta.metric`), so the bars come in the answer's order.
    fn plot(rows: &[Self], meta: &Meta) -> Plot {
        let (title, label, value): (_, _, fn(&Self) -> Option<f64>) = match meta.metric.as_deref() {
            Some("likes") => ("Titles by YouTube likes", "YouTube likes", |r| as_f64(r.likes)),
            Some("comments") => ("Titles by YouTube comments", "YouTube comments", |r| as_f64(r.comments)),
            Some("engagement_rate") => {
                ("Titles by YouTube engagement rate", "(likes + comments) / views", |r| r.engagement_rate)
            }
            _ => ("Titles by YouTube views", "YouTube views", |r| as_f64(r.views)),
        };
        bars(title, label, rows.iter().map(|r| (r.title.clone(), value(r))))
    }
}

impl Chart for DurationBucketRow {
    fn plot(rows: &[Self], _: &Meta) -> Plot {
        let buckets = rows
            .iter()
            .map(|r| (r.bucket_start_minutes as f64, r.bucket_end_minutes as f64, r.videos as f64))
            .collect();
        Plot {
            title: "Duration of the YouTube videos".to_owned(),
            figure: Figure::Histogram { buckets, x_label: "minutes", y_label: "videos" },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(text: &str) -> Week {
        Week::parse(text).unwrap()
    }

    #[test]
    fn lines_share_one_week_axis_and_leave_out_missing_values() {
        let plot = lines(
            "t",
            "v",
            false,
            [
                ("b".to_owned(), week("2024-01-14"), Some(2.0)),
                ("a".to_owned(), week("2024-01-07"), Some(1.0)),
                ("a".to_owned(), week("2024-01-14"), None),
                ("b".to_owned(), week("2024-01-07"), Some(3.0)),
            ]
            .into_iter(),
        );
        let Figure::Lines { weeks, series, .. } = plot.figure else { panic!("not lines") };
        assert_eq!(weeks, ["2024-01-07", "2024-01-14"]);
        assert_eq!(series[0], Series { name: "b".into(), points: vec![(0, 3.0), (1, 2.0)] });
        assert_eq!(series[1], Series { name: "a".into(), points: vec![(0, 1.0)] });
    }

    #[test]
    fn engagement_bars_draw_the_metric_the_answer_is_ranked_by() {
        let row = |title: &str, views, likes, engagement_rate| EngagementTitleRow {
            title_id: 1,
            title: title.into(),
            videos: 1,
            views: Some(views),
            likes,
            comments: Some(0),
            engagement_rate,
        };
        let rows = [row("a", 10, Some(7), Some(0.7)), row("b", 900, Some(3), Some(0.01)), row("c", 5, None, None)];
        let drawn = |metric: Option<&str>| {
            let meta = Meta { metric: metric.map(str::to_owned), ..Meta::default() };
            let plot = EngagementTitleRow::plot(&rows, &meta);
            let Figure::Bars { labels, values, value_label } = plot.figure else { panic!("not bars") };
            (plot.title, labels, values, value_label)
        };
        let (title, labels, values, label) = drawn(Some("likes"));
        assert_eq!((title.as_str(), label), ("Titles by YouTube likes", "YouTube likes"));
        assert_eq!((labels, values), (vec!["a".to_owned(), "b".to_owned()], vec![7.0, 3.0]));
        let (_, _, values, _) = drawn(Some("engagement_rate"));
        assert_eq!(values, [0.7, 0.01]);
        let (_, _, values, label) = drawn(None);
        assert_eq!((values, label), (vec![10.0, 900.0, 5.0], "YouTube views"));
    }

    #[test]
    fn similarity_pairs_fill_both_halves_of_the_matrix() {
        let row = |a: &str, b: &str, jaccard| SimilarityRow {
            country_a: a.into(),
            country_b: b.into(),
            shared_titles: 1,
            jaccard,
        };
        let plot = SimilarityRow::plot(&[row("KR", "JP", 0.5), row("BR", "KR", 0.25)], &Meta::default());
        let Figure::Heatmap { labels, cells, .. } = plot.figure else { panic!("not a heatmap") };
        assert_eq!(labels, ["BR", "JP", "KR"]);
        assert_eq!(cells, [(2, 1, 0.5), (1, 2, 0.5), (0, 2, 0.25), (2, 0, 0.25)]);
    }
}
