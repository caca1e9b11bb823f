//! The numbers in ML.md and BENCHMARKS.md, from a warehouse built by `bench_prepare` (the real Top
//! 10 files, the Kaggle catalog and the Netflix India YouTube export, with the title identity):
//!
//! - the forecast's rolling-origin backtest against both baselines, and how long training plus the
//!   full backtest takes (`ml::train::fit`, exactly what a training run does between reading the
//!   history and storing the model);
//! - `/v1/forecast` uncached: the question asked of a warehouse snapshot, as the service does on a
//!   response-cache miss (no HTTP, no rendering), `--rounds` times;
//! - the similar-titles evaluation: half the countries' lists (alternate ISO codes) are held out;
//!   a title's relevant neighbours are the ten most like it by audience in the held-out half, and
//!   content-only, audience-only (the other half), blended and popularity rankings are scored
//!   against them with MAP@10 and recall@10.
//!
//! Usage: ml_report --warehouse /tmp/w.duckdb [--rounds 50]

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use netflix_analytics::analytics::Question;
use netflix_analytics::domain::WeekSelector;
use netflix_analytics::ml::backtest::Method;
use netflix_analytics::ml::forecast::Forecast;
use netflix_analytics::ml::model::Params;
use netflix_analytics::ml::similar::{self, Audience, Content};
use netflix_analytics::ml::{ServedModel, store, train};
use netflix_analytics::telemetry;
use netflix_analytics::warehouse::Warehouse;

#[derive(clap::Parser)]
struct Args {
    /// A warehouse built by `bench_prepare`.
    #[arg(long)]
    warehouse: PathBuf,
    /// Uncached forecasts to time.
    #[arg(long, default_value_t = 50)]
    rounds: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(netflix_analytics::config::LogFormat::Text);
    let args = <Args as clap::Parser>::parse();
    let warehouse = Warehouse::open(&args.warehouse, 4).await?;

    let started = Instant::now();
    let history = warehouse.read(|db| store::history(db.conn())).await?;
    let read = started.elapsed();
    let started = Instant::now();
    let trained = tokio::task::spawn_blocking(move || train::fit(&history, &Params::default())).await??;
    let fitted = started.elapsed();
    println!("## Forecast backtest\n");
    println!(
        "history read: {:.2} s; training + {}-week backtest + final fit: {:.1} s\n",
        read.as_secs_f64(),
        trained.backtest.weeks,
        fitted.as_secs_f64()
    );
    let backtest = &trained.backtest;
    println!(
        "weeks predicted: {} to {} ({} weeks); staying scored on {} entries, hours on {} that stayed\n",
        backtest.first_week, backtest.last_week, backtest.weeks, backtest.stay_entries, backtest.hours_entries
    );
    println!("| method | MAE (hours) | MAE vs decay | MAPE | Brier | ROC AUC | 80% interval of ln(actual/predicted) |");
    println!("|---|---|---|---|---|---|---|");
    let decay = backtest.scores(Method::Decay).mae;
    for s in &backtest.scores {
        println!(
            "| {} | {:.0} | {:.3}x | {:.1}% | {:.4} | {:.4} | [{:.3}, {:.3}] |",
            s.method.as_str(),
            s.mae,
            s.mae / decay,
            s.mape * 100.0,
            s.brier,
            s.auc,
            s.residual_q10,
            s.residual_q90
        );
    }
    println!("\nserved: {} (promoted: {})\n", backtest.served.as_str(), backtest.promoted());

    // The history is read once per data version (a warehouse memo), so the first forecast after a
    // refresh costs one history read more than every later response-cache miss.
    let model = Arc::new(ServedModel { id: 0, artifact: trained.artifact });
    println!("## /v1/forecast uncached ({} rounds each, 40 rows)\n", args.rounds);
    let mut reads = Vec::with_capacity(args.rounds);
    let mut misses = Vec::with_capacity(args.rounds);
    for _ in 0..args.rounds {
        let started = Instant::now();
        warehouse.read(|db| store::history(db.conn())).await?;
        reads.push(started.elapsed().as_secs_f64() * 1000.0);
        let question = Forecast { week: WeekSelector::Latest, category: None, model: model.clone() };
        let started = Instant::now();
        let answer = warehouse.read(move |db| question.ask(db)).await?;
        misses.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(answer.rows.len(), 40);
    }
    for (name, mut times) in [("reading the history (once per data version)", reads), ("a response-cache miss", misses)]
    {
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!("{name}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms\n", at(0.5), at(0.95), at(1.0));
    }

    let (documents, cells) =
        warehouse.read(|db| Ok((similar::content_documents(db.conn())?, similar::audience_cells(db.conn())?))).await?;
    evaluate_similar(documents, cells);
    Ok(())
}

fn evaluate_similar(documents: Vec<similar::Document>, cells: Vec<(i64, String, chrono::NaiveDate)>) {
    let countries: Vec<String> = cells.iter().map(|(_, c, _)| c.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let held_out: HashSet<&String> = countries.iter().skip(1).step_by(2).collect();
    let (test, train): (Vec<_>, Vec<_>) = cells.into_iter().partition(|(_, c, _)| held_out.contains(c));
    let content = Content::new(documents);
    let train = Audience::new(train);
    let test = Audience::new(test);
    let mut popularity: Vec<(i64, usize)> = train.titles().collect();
    popularity.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

    let train_ids: HashSet<i64> = train.titles().map(|(id, _)| id).collect();
    let mut queries: Vec<i64> =
        test.titles().map(|(id, _)| id).filter(|id| content.has(*id) && train_ids.contains(id)).collect();
    queries.sort_unstable();
    let mut totals: HashMap<&str, (f64, f64)> = HashMap::new();
    let mut scored = 0;
    for query in &queries {
        let relevant = top(test.neighbours(*query).unwrap_or_default(), 10);
        if relevant.is_empty() {
            continue;
        }
        scored += 1;
        let relevant: HashSet<i64> = relevant.into_iter().collect();
        let rankings: [(&str, Vec<i64>); 4] = [
            ("content only", top(content.neighbours(*query).unwrap_or_default(), 10)),
            ("audience only", top(train.neighbours(*query).unwrap_or_default(), 10)),
            (
                "blended",
                similar::rank(&content, &train, *query, 10)
                    .map(|s| s.candidates.iter().map(|c| c.title_id).collect())
                    .unwrap_or_default(),
            ),
            ("popularity", popularity.iter().map(|(id, _)| *id).filter(|id| id != query).take(10).collect()),
        ];
        for (name, ranking) in rankings {
            let total = totals.entry(name).or_default();
            total.0 += average_precision(&ranking, &relevant);
            total.1 += ranking.iter().filter(|id| relevant.contains(id)).count() as f64 / relevant.len() as f64;
        }
    }
    println!("## Similar titles\n");
    println!(
        "countries: {} ({} held out); titles with catalog metadata and charts in both halves: {}; scored: {scored}\n",
        countries.len(),
        held_out.len(),
        queries.len()
    );
    println!("| ranking | MAP@10 | recall@10 |");
    println!("|---|---|---|");
    for name in ["content only", "audience only", "blended", "popularity"] {
        let (ap, recall) = totals.get(name).copied().unwrap_or_default();
        println!("| {name} | {:.4} | {:.4} |", ap / scored as f64, recall / scored as f64);
    }
}

/// The `k` best-scored ids, ties broken by id.
fn top(scores: HashMap<i64, f64>, k: usize) -> Vec<i64> {
    let mut scores: Vec<(i64, f64)> = scores.into_iter().filter(|(_, s)| *s > 0.0).collect();
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scores.into_iter().take(k).map(|(id, _)| id).collect()
}

/// AP@10: precision at each relevant hit, summed, over min(10, relevant).
fn average_precision(ranking: &[i64], relevant: &HashSet<i64>) -> f64 {
    let mut hits = 0.0;
    let mut sum = 0.0;
    for (i, id) in ranking.iter().enumerate() {
        if relevant.contains(id) {
            hits += 1.0;
            sum += hits / (i + 1) as f64;
        }
    }
    sum / relevant.len().clamp(1, 10) as f64
}
