//! The minimal-SQL floor for the analytics benchmarks. For each endpoint it runs the simplest plain
//! DuckDB query that returns the rows the service answers — written here, not the service's named
//! SQL — over the mart tables as a refresh leaves them, on one in-process connection: no HTTP, no
//! pool, no JSON, no paging metadata. Before timing, each query's rows are checked against the
//! service's answer (row count and a checksum of every value), so a floor cannot be fast by
//! answering a different question. It exits non-zero when any answer differs.
//!
//! Usage:
//!   sql_floor --warehouse copy.duckdb --paths       # prints each endpoint's name and request path
//!   sql_floor --warehouse copy.duckdb --service http://127.0.0.1:18080 [--seconds 3]
//!
//! The running service holds its warehouse file, so point this at a copy of it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{Days, NaiveDate};
use duckdb::types::Value;
use duckdb::{Connection, params_from_iter};
use sha2::{Digest, Sha256};

/// Measures each endpoint's minimal query in-process after checking it against the service.
#[derive(clap::Parser)]
struct Args {
    /// A copy of the service's warehouse file.
    #[arg(long)]
    warehouse: String,
    /// Print `name<TAB>path` per endpoint and exit.
    #[arg(long)]
    paths: bool,
    /// The running service whose answers the floors must match.
    #[arg(long, required_unless_present = "paths")]
    service: Option<String>,
    /// How long to repeat each query.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
}

struct Floor {
    name: &'static str,
    /// The request whose `data` rows this query returns.
    path: String,
    sql: &'static str,
    params: Vec<Value>,
}

/// The endpoints the benchmark requests, each over the whole period held, with its floor.
fn floors(conn: &Connection) -> anyhow::Result<Vec<Floor>> {
    let top_title: i64 = conn
        .query_row(
            "SELECT title_id FROM mart.global_title_weeks GROUP BY title_id
             ORDER BY sum(weekly_hours_viewed) DESC NULLS LAST, title_id LIMIT 1",
            [],
            |row| row.get(0),
        )
        .context("no titles: is this a warehouse bench_prepare built?")?;
    let floor = |name, path: &str, sql| Floor { name, path: path.to_owned(), sql, params: Vec::new() };
    Ok(vec![
        floor(
            "top10-global-latest",
            "/v1/top10/global?week=latest",
            "SELECT week, category, weekly_rank, show_title, season_title, weekly_hours_viewed, runtime,
                    weekly_views, cumulative_weeks_in_top_10
             FROM mart.top10_global
             WHERE week = (SELECT max(week) FROM mart.top10_global)
             ORDER BY category, weekly_rank",
        ),
        floor(
            "top-titles",
            "/v1/analytics/top-titles?limit=20",
            "SELECT g.title_id, t.name AS title, t.kind,
                    string_agg(DISTINCT g.category, ', ' ORDER BY g.category) AS categories,
                    count(DISTINCT g.week) AS weeks_in_top10, min(g.weekly_rank) AS best_rank,
                    min(g.week) AS first_week, max(g.week) AS last_week,
                    sum(g.weekly_hours_viewed)::BIGINT AS hours_viewed, sum(g.weekly_views)::BIGINT AS views
             FROM mart.global_title_weeks g JOIN mart.titles t USING (title_id)
             GROUP BY g.title_id, t.name, t.kind
             ORDER BY hours_viewed DESC NULLS LAST, g.title_id
             LIMIT 20",
        ),
        floor(
            "top-titles-us",
            "/v1/analytics/top-titles?region=US&limit=20",
            "SELECT c.title_id, t.name AS title, t.kind,
                    string_agg(DISTINCT c.category, ', ' ORDER BY c.category) AS categories,
                    count(DISTINCT c.week) AS weeks_in_top10, min(c.weekly_rank) AS best_rank,
                    min(c.week) AS first_week, max(c.week) AS last_week,
                    NULL::BIGINT AS hours_viewed, NULL::BIGINT AS views
             FROM mart.country_title_weeks c JOIN mart.titles t USING (title_id)
             WHERE c.country_iso2 = 'US'
             GROUP BY c.title_id, t.name, t.kind
             ORDER BY weeks_in_top10 DESC, best_rank, c.title_id
             LIMIT 20",
        ),
        Floor {
            name: "trajectory",
            path: format!("/v1/titles/{top_title}/trajectory"),
            sql: "SELECT week, category, season_title, weekly_rank, weekly_hours_viewed, weekly_views,
                         cumulative_weeks_in_top_10
                  FROM mart.global_title_weeks
                  WHERE title_id = ?
                  ORDER BY week, category, weekly_rank",
            params: vec![Value::BigInt(top_title)],
        },
        floor(
            "engagement-vs-rank",
            "/v1/analytics/engagement-vs-rank?limit=20",
            "WITH performance AS (
                 SELECT title_id, count(DISTINCT week) AS weeks_in_top10, min(weekly_rank) AS best_rank,
                        sum(weekly_hours_viewed)::BIGINT AS hours_viewed, sum(weekly_views)::BIGINT AS views,
                        min(week) AS first_week, max(week) AS last_week
                 FROM mart.global_title_weeks GROUP BY title_id
             )
             SELECT p.title_id, t.name AS title, count(*) AS videos,
                    sum(v.view_count)::BIGINT AS youtube_views, sum(v.like_count)::BIGINT AS youtube_likes,
                    sum(v.comment_count)::BIGINT AS youtube_comments,
                    p.best_rank, p.weeks_in_top10, p.hours_viewed, p.views, p.first_week, p.last_week
             FROM performance p
             JOIN mart.videos v ON v.title_id = p.title_id AND v.published_at < p.last_week + 1
             JOIN mart.titles t ON t.title_id = p.title_id
             GROUP BY ALL
             ORDER BY youtube_views DESC NULLS LAST, p.title_id
             LIMIT 20",
        ),
        floor(
            "genre-performance",
            "/v1/analytics/genre-performance",
            "WITH title_weeks AS (
                 SELECT title_id, week, min(weekly_rank) AS rank, sum(weekly_hours_viewed) AS hours
                 FROM mart.global_title_weeks GROUP BY title_id, week
             ), videos AS (
                 SELECT title_id, count(*) AS videos, sum(view_count) AS views, sum(like_count) AS likes
                 FROM mart.videos
                 WHERE published_at < (SELECT max(week) + 1 FROM mart.global_title_weeks)
                 GROUP BY title_id
             ), genres AS (
                 SELECT g.genre, count(DISTINCT w.title_id) AS titles, count(*) AS title_weeks,
                        sum(w.hours)::BIGINT AS hours_viewed, avg(w.rank) AS average_rank
                 FROM title_weeks w JOIN mart.title_genres g USING (title_id)
                 GROUP BY g.genre
             ), genre_videos AS (
                 SELECT g.genre, sum(v.videos) AS youtube_videos, sum(v.views)::BIGINT AS youtube_views,
                        sum(v.likes)::BIGINT AS youtube_likes
                 FROM (SELECT DISTINCT title_id FROM mart.global_title_weeks) t
                 JOIN mart.title_genres g USING (title_id) JOIN videos v USING (title_id)
                 GROUP BY g.genre
             )
             SELECT genre, titles, title_weeks, hours_viewed, average_rank,
                    coalesce(youtube_videos, 0)::BIGINT AS youtube_videos, youtube_views, youtube_likes
             FROM genres LEFT JOIN genre_videos USING (genre)
             ORDER BY title_weeks DESC, genre",
        ),
        floor(
            "regional-preferences",
            "/v1/analytics/regional-preferences",
            "WITH country_titles AS (SELECT DISTINCT country_iso2, title_id FROM mart.country_title_weeks),
             spread AS (SELECT title_id, count(*) AS countries FROM country_titles GROUP BY title_id),
             global_titles AS (SELECT DISTINCT title_id FROM mart.global_title_weeks)
             SELECT c.country_iso2, n.country_name, count(*) AS titles,
                    count(*) FILTER (WHERE s.countries = 1) AS unique_titles,
                    count(g.title_id) AS shared_with_global,
                    round(count(g.title_id) / count(*), 4) AS global_share
             FROM country_titles c
             JOIN spread s USING (title_id)
             LEFT JOIN global_titles g USING (title_id)
             JOIN mart.countries n USING (country_iso2)
             GROUP BY c.country_iso2, n.country_name
             ORDER BY c.country_iso2",
        ),
        floor(
            "regional-similarity",
            "/v1/analytics/regional-similarity?limit=100",
            "WITH country_titles AS (SELECT DISTINCT country_iso2, title_id FROM mart.country_title_weeks),
             sizes AS (SELECT country_iso2, count(*) AS titles FROM country_titles GROUP BY country_iso2),
             shared AS (
                 SELECT a.country_iso2 AS country_a, b.country_iso2 AS country_b, count(*) AS titles
                 FROM country_titles a JOIN country_titles b USING (title_id)
                 WHERE a.country_iso2 <> b.country_iso2
                 GROUP BY ALL
             )
             SELECT a.country_iso2 AS country_a, b.country_iso2 AS country_b,
                    coalesce(s.titles, 0) AS shared_titles,
                    round(coalesce(s.titles, 0) / (a.titles + b.titles - coalesce(s.titles, 0)), 4) AS jaccard
             FROM sizes a JOIN sizes b ON a.country_iso2 <> b.country_iso2
             LEFT JOIN shared s ON s.country_a = a.country_iso2 AND s.country_b = b.country_iso2
             ORDER BY country_a, country_b
             LIMIT 100",
        ),
        floor(
            "category-viewership",
            "/v1/analytics/category-viewership",
            "SELECT category, count(*) AS title_weeks, count(DISTINCT week) AS weeks,
                    sum(weekly_hours_viewed)::BIGINT AS hours_viewed,
                    avg(weekly_hours_viewed) AS average_hours_viewed, avg(weekly_views) AS average_views
             FROM mart.top10_global
             GROUP BY category
             ORDER BY category",
        ),
        floor(
            "category-weeks",
            "/v1/analytics/category-viewership?interval=week&limit=1000",
            "SELECT week, category, count(*) AS title_weeks, sum(weekly_hours_viewed)::BIGINT AS hours_viewed,
                    avg(weekly_hours_viewed) AS average_hours_viewed, avg(weekly_views) AS average_views
             FROM mart.top10_global
             GROUP BY week, category
             ORDER BY week, category
             LIMIT 1000",
        ),
        floor(
            "weekly-hours",
            "/v1/analytics/weekly-hours",
            "WITH top AS (
                 SELECT title_id FROM mart.global_title_weeks GROUP BY title_id
                 ORDER BY sum(weekly_hours_viewed) DESC NULLS LAST, title_id LIMIT 10
             )
             SELECT g.week, g.title_id, t.name AS title, sum(g.weekly_hours_viewed)::BIGINT AS hours_viewed,
                    sum(g.weekly_views)::BIGINT AS views, min(g.weekly_rank) AS best_rank
             FROM mart.global_title_weeks g JOIN top USING (title_id) JOIN mart.titles t USING (title_id)
             GROUP BY g.week, g.title_id, t.name
             ORDER BY g.week, g.title_id",
        ),
        floor(
            "youtube-top-engagement",
            "/v1/analytics/youtube/top-engagement",
            "SELECT v.title_id, t.name AS title, count(*) AS videos, sum(v.view_count)::BIGINT AS views,
                    sum(v.like_count)::BIGINT AS likes, sum(v.comment_count)::BIGINT AS comments,
                    (sum(v.like_count + v.comment_count)
                        / nullif(sum(v.view_count) FILTER (WHERE v.like_count IS NOT NULL AND v.comment_count IS NOT NULL), 0)
                    )::DOUBLE AS engagement_rate
             FROM mart.videos v JOIN mart.titles t USING (title_id)
             GROUP BY v.title_id, t.name
             ORDER BY views DESC NULLS LAST, v.title_id
             LIMIT 20",
        ),
        floor(
            "youtube-duration-histogram",
            "/v1/analytics/youtube/duration-histogram",
            "SELECT duration_seconds // 60 AS bucket_start_minutes, duration_seconds // 60 + 1 AS bucket_end_minutes,
                    count(*) AS videos, sum(view_count)::BIGINT AS views, avg(view_count) AS average_views
             FROM mart.videos
             WHERE duration_seconds IS NOT NULL
             GROUP BY ALL
             ORDER BY 1",
        ),
    ])
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = <Args as clap::Parser>::parse();
    let conn = Connection::open(&args.warehouse)?;
    let floors = floors(&conn)?;
    if args.paths {
        for floor in &floors {
            println!("{}\t{}", floor.name, floor.path);
        }
        return Ok(());
    }
    let service = args.service.as_deref().expect("clap requires --service without --paths");
    let client = reqwest::Client::new();
    let mut differ = Vec::new();
    println!("endpoint\truns\tmedian_ms\tp90_ms\tp99_ms\trows\tchecksum\tservice_rows\tservice_checksum");
    for floor in &floors {
        let answer: serde_json::Value =
            client.get(format!("{service}{}", floor.path)).send().await?.error_for_status()?.json().await?;
        let service_rows =
            answer["data"].as_array().with_context(|| format!("{}: no data in the answer", floor.name))?;
        let service_rows: Vec<String> = service_rows.iter().map(json_row).collect::<anyhow::Result<_>>()?;
        let rows: Vec<String> = run(&conn, floor)?.iter().map(sql_row).collect::<anyhow::Result<_>>()?;
        if rows != service_rows {
            differ.push(floor.name);
            if let Some((ours, theirs)) = rows.iter().zip(&service_rows).find(|(a, b)| a != b) {
                eprintln!("{}: first differing row\n  floor:   {ours}\n  service: {theirs}", floor.name);
            }
        }
        let times = time(&conn, floor, Duration::from_secs_f64(args.seconds))?;
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "{}\t{}\t{:.3}\t{:.3}\t{:.3}\t{}\t{}\t{}\t{}",
            floor.name,
            times.len(),
            at(0.5),
            at(0.9),
            at(0.99),
            rows.len(),
            checksum(&rows),
            service_rows.len(),
            checksum(&service_rows),
        );
    }
    if !differ.is_empty() {
        bail!("the floor's rows differ from the service's for: {}", differ.join(", "));
    }
    Ok(())
}

type Row = Vec<(String, Value)>;

/// Runs the query and reads every value of every row, as a handler would before rendering.
fn run(conn: &Connection, floor: &Floor) -> anyhow::Result<Vec<Row>> {
    let mut statement = conn.prepare_cached(floor.sql)?;
    let mut rows = statement.query(params_from_iter(&floor.params))?;
    let names = rows.as_ref().context("a statement")?.column_names();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(
            names.iter().enumerate().map(|(i, name)| Ok((name.clone(), row.get(i)?))).collect::<duckdb::Result<_>>()?,
        );
    }
    Ok(out)
}

/// Milliseconds per run, sorted, after one unmeasured run that fills DuckDB's caches as the
/// service's first request would.
fn time(conn: &Connection, floor: &Floor, budget: Duration) -> anyhow::Result<Vec<f64>> {
    run(conn, floor)?;
    let started = Instant::now();
    let mut times = Vec::new();
    while started.elapsed() < budget || times.len() < 20 {
        let t = Instant::now();
        run(conn, floor)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

/// A row as `name=value` pairs in name order. Numbers are compared to 11 significant digits, so
/// the same average summed in another order still matches.
fn canonical(fields: BTreeMap<&str, String>) -> String {
    fields.into_iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join(";")
}

fn number(value: f64) -> String {
    format!("{value:.10e}")
}

fn json_row(row: &serde_json::Value) -> anyhow::Result<String> {
    let object = row.as_object().context("a row that is not an object")?;
    let mut fields = BTreeMap::new();
    for (name, value) in object {
        let text = match value {
            serde_json::Value::Null => "null".to_owned(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Number(n) => number(n.as_f64().context("a number")?),
            serde_json::Value::String(s) => format!("{s:?}"),
            other => bail!("{name}: an unexpected value {other}"),
        };
        fields.insert(name.as_str(), text);
    }
    Ok(canonical(fields))
}

fn sql_row(row: &Row) -> anyhow::Result<String> {
    let mut fields = BTreeMap::new();
    for (name, value) in row {
        let text = match value {
            Value::Null => "null".to_owned(),
            Value::Boolean(b) => b.to_string(),
            Value::Int(n) => number(f64::from(*n)),
            Value::BigInt(n) => number(*n as f64),
            Value::HugeInt(n) => number(*n as f64),
            Value::Double(x) => number(*x),
            Value::Text(s) => format!("{s:?}"),
            Value::Date32(days) => {
                let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
                let date = epoch.checked_add_days(Days::new(u64::try_from(*days)?)).context("a date")?;
                format!("{:?}", date.to_string())
            }
            other => bail!("{name}: cast {other:?} to an integer, a double or text in the floor's SQL"),
        };
        fields.insert(name.as_str(), text);
    }
    Ok(canonical(fields))
}

/// The first 16 hex digits of the SHA-256 of the rows in order.
fn checksum(rows: &[String]) -> String {
    let mut hasher = Sha256::new();
    for row in rows {
        hasher.update(row.as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}
