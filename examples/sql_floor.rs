//! The floor for the analytics benchmarks: each endpoint's queries, with the parameters the bench
//! requests use, run directly on a DuckDB connection in this process — no HTTP, no pool, no JSON.
//! Prints one line per endpoint: name, runs, median, p90 and p99 in milliseconds.
//!
//! Usage: sql_floor --warehouse /tmp/w.duckdb [--seconds 3]

use std::time::{Duration, Instant};

use anyhow::Context;
use duckdb::Connection;
use netflix_analytics::analytics::insights::{self, EngagementMetric, Period, Region, TitleOrder};
use netflix_analytics::analytics::{titles, top10};
use netflix_analytics::domain::CountryCode;

type Work = Box<dyn Fn(&Connection) -> netflix_analytics::Result<usize>>;

/// Runs each analytics endpoint's queries in-process and prints their latencies.
#[derive(clap::Parser)]
struct Args {
    /// The warehouse file, as bench_prepare built it.
    #[arg(long)]
    warehouse: String,
    /// How long to repeat each endpoint's queries.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
}

fn main() -> anyhow::Result<()> {
    let Args { warehouse, seconds } = clap::Parser::parse();
    let conn = Connection::open(warehouse)?;
    let period = |conn: &Connection| -> netflix_analytics::Result<Period> {
        let (from, to) = insights::weeks_held(conn)?.expect("a loaded warehouse");
        Ok(Period { from, to })
    };
    let us = Region::Country(CountryCode::parse("US").expect("US"));
    let (first, _) = insights::top_titles(&conn, Region::Global, period(&conn)?, None, TitleOrder::Hours, 1, 0)?;
    let top_title = first.first().context("no titles")?.title_id;
    let endpoints: Vec<(&str, Work)> = vec![
        (
            "top-titles",
            Box::new(move |c| {
                Ok(insights::top_titles(c, Region::Global, period(c)?, None, TitleOrder::Hours, 20, 0)?.0.len())
            }),
        ),
        (
            "top-titles-us",
            Box::new(move |c| {
                // The handler first checks the country exists.
                top10::countries(c)?;
                Ok(insights::top_titles(c, us, period(c)?, None, TitleOrder::Weeks, 20, 0)?.0.len())
            }),
        ),
        (
            "trajectory",
            Box::new(move |c| {
                // The handler first checks the title exists.
                titles::exists(c, top_title)?;
                Ok(insights::trajectory(c, top_title, Region::Global, period(c)?)?.len())
            }),
        ),
        ("engagement-vs-rank", Box::new(move |c| Ok(insights::engagement_vs_rank(c, period(c)?, None)?.0.len()))),
        (
            "genre-performance",
            Box::new(move |c| Ok(insights::genre_performance(c, Region::Global, period(c)?)?.0.len())),
        ),
        ("regional-preferences", Box::new(move |c| Ok(insights::regional_preferences(c, period(c)?)?.len()))),
        ("regional-similarity", Box::new(move |c| Ok(insights::regional_similarity(c, period(c)?, 100, 0)?.0.len()))),
        ("category-viewership", Box::new(move |c| Ok(insights::category_viewership(c, period(c)?)?.len()))),
        (
            "weekly-hours",
            Box::new(move |c| {
                let p = period(c)?;
                let ids = insights::most_watched_titles(c, p, 10)?;
                Ok(insights::weekly_hours(c, &ids, p)?.len())
            }),
        ),
        (
            "youtube-top-engagement",
            Box::new(|c| {
                let (from, to) = insights::video_days(c)?.expect("videos");
                Ok(insights::youtube_top_engagement(c, from, to, EngagementMetric::Views, 20, 0)?.0.len())
            }),
        ),
        (
            "youtube-duration-histogram",
            Box::new(|c| {
                let (from, to) = insights::video_days(c)?.expect("videos");
                Ok(insights::youtube_durations(c, 1, from, to)?.len())
            }),
        ),
    ];
    println!("endpoint\truns\tmedian_ms\tp90_ms\tp99_ms");
    for (name, work) in endpoints {
        // One unmeasured run fills DuckDB's caches, as the service's first request would.
        work(&conn)?;
        let budget = Duration::from_secs_f64(seconds);
        let started = Instant::now();
        let mut times = Vec::new();
        while started.elapsed() < budget || times.len() < 20 {
            let t = Instant::now();
            work(&conn)?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!("{name}\t{}\t{:.3}\t{:.3}\t{:.3}", times.len(), at(0.5), at(0.9), at(0.99));
    }
    Ok(())
}
