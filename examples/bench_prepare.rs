//! Builds a warehouse for the benchmarks from the real data in `../shared/data`:
//!
//! - the Top 10 files through the real pipeline (`file://`), with the countries file replicated
//!   `--scale` times (each copy shifted by the span of the original, so weeks stay distinct);
//! - the Kaggle catalog and the Netflix India YouTube export through the warehouse's own loaders
//!   (there is no API to crawl here), then the title identity and analytics facts.
//!
//! With `--export DIR` it also writes the tables the Datasette comparison reads as CSV, one file per
//! table, for `bench/datasette_load.py`.
//!
//! Usage: bench_prepare --shared ../shared/data --warehouse /tmp/w.duckdb [--scale 8] [--export DIR]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use netflix_analytics::domain::{RunId, RunStatus, SourceId, Trigger};
use netflix_analytics::pipeline::{Pipeline, RunOptions, identity};
use netflix_analytics::sources::catalog::{Genre, Show};
use netflix_analytics::sources::youtube::Video;
use netflix_analytics::warehouse::catalog::CatalogLoad;
use netflix_analytics::warehouse::youtube::YouTubeLoad;
use netflix_analytics::warehouse::{Warehouse, load};
use netflix_analytics::{Config, telemetry};

/// Builds a benchmark warehouse from the real data.
#[derive(clap::Parser)]
struct Args {
    /// The shared data folder (holds netflix-top10/, catalog/, youtube/).
    #[arg(long)]
    shared: PathBuf,
    /// The warehouse file to create.
    #[arg(long)]
    warehouse: PathBuf,
    /// How many copies of the countries file to load.
    #[arg(long, default_value_t = 1)]
    scale: usize,
    /// Also write the marts Datasette is compared on to this folder as CSV.
    #[arg(long)]
    export: Option<PathBuf>,
}

/// The facts the Datasette comparison loads into SQLite: the same rows the service answers from.
const EXPORTS: [(&str, &str); 5] = [
    ("top10_global", "SELECT COLUMNS(*)::VARCHAR FROM mart.top10_global"),
    ("global_title_weeks", "SELECT COLUMNS(*)::VARCHAR FROM mart.global_title_weeks"),
    ("country_title_weeks", "SELECT COLUMNS(*)::VARCHAR FROM mart.country_title_weeks"),
    ("titles", "SELECT COLUMNS(*)::VARCHAR FROM mart.titles"),
    ("countries", "SELECT COLUMNS(*)::VARCHAR FROM mart.countries"),
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(netflix_analytics::config::LogFormat::Text);
    let args = <Args as clap::Parser>::parse();
    let feeds = tempfile::tempdir()?;
    let top10 = args.shared.join("netflix-top10");
    std::fs::copy(top10.join("all-weeks-global.tsv"), feeds.path().join("all-weeks-global.tsv"))?;
    std::fs::copy(top10.join("most-popular.tsv"), feeds.path().join("most-popular.tsv"))?;
    let rows = replicate_countries(
        &top10.join("all-weeks-countries.tsv"),
        &feeds.path().join("all-weeks-countries.tsv"),
        args.scale,
    )?;
    println!("countries rows: {rows}");

    let mut config = Config::defaults();
    config.warehouse = args.warehouse.clone();
    config.top10_base_url = url::Url::from_directory_path(feeds.path()).expect("an absolute path");
    let warehouse = Warehouse::open(&config.warehouse, 4).await?;
    let pipeline = Pipeline::new(warehouse.clone(), &config)?;
    let started = Instant::now();
    let (_, run) = pipeline.trigger(SourceId::Top10, Trigger::Cli, RunOptions::default()).await?;
    let run = run.await?;
    if run.status != RunStatus::Succeeded {
        bail!("the Top 10 run failed: {:?}", run.error);
    }
    println!(
        "top10 ingestion: {:.1} s ({} rows read)",
        started.elapsed().as_secs_f64(),
        run.files.iter().map(|f| f.rows_read).sum::<u64>()
    );

    let shows = kaggle_shows(&args.shared.join("catalog/netflix_titles.csv"))?;
    let videos = india_videos(&args.shared.join("youtube/netflix-india"))?;
    let started = Instant::now();
    warehouse
        .with_writer(move |conn| {
            let tx = conn.transaction()?;
            let now = Utc::now();
            let mut catalog = CatalogLoad::begin(&tx, RunId(0), now, "us")?;
            for show in &shows {
                catalog.append(show, &show.id)?;
            }
            catalog.finish()?;
            let mut youtube = YouTubeLoad::begin(&tx, RunId(0), now)?;
            for video in &videos {
                youtube.append_video(video, None, &video.video_id)?;
            }
            youtube.finish()?;
            identity::rebuild(&tx, now)?;
            load::bump_data_version(&tx, RunId(0), now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    println!("catalog, videos and identity: {:.1} s", started.elapsed().as_secs_f64());
    if let Some(dir) = args.export {
        std::fs::create_dir_all(&dir)?;
        warehouse.with_connection(move |conn| Ok(export(conn, &dir))).await??;
    }
    Ok(())
}

/// Values as DuckDB prints them (dates as YYYY-MM-DD); NULL as an empty field.
fn export(conn: &duckdb::Connection, dir: &std::path::Path) -> anyhow::Result<()> {
    for (table, sql) in EXPORTS {
        let mut out = csv::Writer::from_path(dir.join(format!("{table}.csv")))?;
        let mut statement = conn.prepare(sql)?;
        let mut rows = statement.query([])?;
        let names = rows.as_ref().context("a statement")?.column_names();
        out.write_record(&names)?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let width = names.len();
            let values: Vec<Option<String>> = (0..width).map(|i| row.get(i)).collect::<Result<_, _>>()?;
            out.write_record(values.iter().map(|v| v.as_deref().unwrap_or("")))?;
            count += 1;
        }
        out.flush()?;
        println!("exported {table}: {count} rows");
    }
    Ok(())
}

/// Writes the countries file `scale` times over, each copy's weeks moved past the previous copy's.
fn replicate_countries(from: &std::path::Path, to: &std::path::Path, scale: usize) -> anyhow::Result<usize> {
    let text = std::fs::read_to_string(from)?;
    let mut lines = text.split('\n');
    let header = lines.next().context("an empty countries file")?;
    let data: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let weeks: Vec<NaiveDate> = data
        .iter()
        .map(|l| NaiveDate::parse_from_str(l.split('\t').nth(2).unwrap_or(""), "%Y-%m-%d"))
        .collect::<Result<_, _>>()?;
    let (first, last) = (weeks.iter().min().context("no rows")?, weeks.iter().max().context("no rows")?);
    let span = (*last - *first) + Duration::weeks(1);
    let mut out = String::from(header);
    for copy in 0..scale {
        for (line, week) in data.iter().zip(&weeks) {
            let shifted = *week - span * copy as i32;
            let mut fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
            fields[2] = shifted.format("%Y-%m-%d").to_string();
            out.push('\n');
            out.push_str(&fields.join("\t"));
        }
    }
    std::fs::write(to, out)?;
    Ok(data.len() * scale)
}

fn kaggle_shows(path: &std::path::Path) -> anyhow::Result<Vec<Show>> {
    let list =
        |text: &str| text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    let mut shows = Vec::new();
    for row in csv::Reader::from_path(path)?.deserialize::<BTreeMap<String, String>>() {
        let row = row?;
        let movie = row["type"] == "Movie";
        let year: i32 = row["release_year"].parse()?;
        let number = |text: &str| text.split_whitespace().next().and_then(|n| n.parse::<i32>().ok());
        shows.push(Show {
            id: row["show_id"].trim_start_matches('s').to_owned(),
            show_type: if movie { "movie" } else { "series" }.to_owned(),
            imdb_id: None,
            tmdb_id: None,
            title: row["title"].clone(),
            original_title: Some(row["title"].clone()),
            overview: Some(row["description"].clone()),
            release_year: movie.then_some(year),
            first_air_year: (!movie).then_some(year),
            last_air_year: None,
            genres: list(&row["listed_in"]).into_iter().map(|g| Genre { id: g.to_lowercase(), name: g }).collect(),
            directors: if movie { list(&row["director"]) } else { Vec::new() },
            creators: if movie { Vec::new() } else { list(&row["director"]) },
            cast: list(&row["cast"]),
            rating: None,
            runtime: if movie { number(&row["duration"]) } else { None },
            season_count: if movie { None } else { number(&row["duration"]) },
            episode_count: None,
        });
    }
    Ok(shows)
}

/// The proxy dataset: video statistics from the Netflix India channel, titles re-joined from their
/// segments. Counts were exported as floats and hidden ones as 0.
fn india_videos(dir: &std::path::Path) -> anyhow::Result<Vec<Video>> {
    let mut titles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in csv::Reader::from_path(dir.join("video_title_keyword.csv"))?.deserialize::<BTreeMap<String, String>>() {
        let row = row?;
        titles.entry(row["video_id"].clone()).or_default().push(row["title_list"].clone());
    }
    let mut videos = Vec::new();
    for row in csv::Reader::from_path(dir.join("netflix_india_yt_data.csv"))?.deserialize::<BTreeMap<String, String>>()
    {
        let row = row?;
        let count = |name: &str| row[name].parse::<f64>().ok().map(|v| v as i64);
        let published: DateTime<Utc> = NaiveDate::parse_from_str(&row["published_date"], "%Y-%m-%d")?
            .and_hms_opt(12, 0, 0)
            .expect("noon")
            .and_utc();
        let seconds = row["duration_minutes"].parse::<f64>().ok().map(|m| (m * 60.0).round() as i64);
        let id = row["video_id"].clone();
        videos.push(Video {
            title: titles.get(&id).map(|s| s.join(" | ")).unwrap_or_default(),
            video_id: id,
            channel_id: "UCZSNzBgFub_WWil6TOTYwAg".to_owned(),
            published_at: published,
            description: String::new(),
            tags: Vec::new(),
            category_id: Some("24".to_owned()),
            default_audio_language: None,
            live_broadcast_content: Some("none".to_owned()),
            duration_iso: seconds.map(|s| format!("PT{s}S")).unwrap_or_else(|| "P0D".to_owned()),
            duration_seconds: seconds,
            definition: Some("hd".to_owned()),
            caption: None,
            licensed_content: None,
            view_count: count("view_count"),
            like_count: count("like_count"),
            comment_count: count("comment_count"),
        });
    }
    Ok(videos)
}
