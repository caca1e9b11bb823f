use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};
use netflix_analytics::config::Config;
use netflix_analytics::domain::{IngestRun, RunProgress, RunStatus, SourceId, Trigger};
use netflix_analytics::ml::{Models, store};
use netflix_analytics::pipeline::{CatalogMode, Pipeline, RunOptions};
use netflix_analytics::warehouse::{Warehouse, backup, llm_calls};
use netflix_analytics::{App, api, app, demo, llm, telemetry};
use secrecy::ExposeSecret;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

// A cached answer spent a quarter of its instructions in the system allocator (bench/profile.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps a DuckDB warehouse of Netflix Top 10, catalog and YouTube data fresh and serves it over HTTP.
/// Configuration comes from NA_* environment variables (see the README).
#[derive(Parser)]
#[command(name = "netflix-analytics", version)]
struct Cli {
    /// A TOML configuration file; NA_* environment variables override its values.
    #[arg(long, global = true, env = "NA_CONFIG")]
    config: Option<PathBuf>,
    /// Use the bundled sample feeds and a separate demo warehouse (same as NA_DEMO=true).
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Mode {
    Incremental,
    Backfill,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service (the default).
    Serve,
    /// Run one ingestion in this process, print its record, exit non-zero if it failed.
    /// The service must not be running on the same warehouse: trigger over HTTP instead.
    Ingest {
        source: SourceId,
        /// Catalog only: `incremental` or `backfill` (default: backfill when the catalog is empty).
        #[arg(long, value_enum)]
        mode: Option<Mode>,
        /// Catalog backfill: first release year (default NA_CATALOG_BACKFILL_FROM).
        #[arg(long, requires = "mode")]
        year_min: Option<i32>,
        /// Catalog backfill: last release year (default this year).
        #[arg(long, requires = "mode")]
        year_max: Option<i32>,
    },
    /// Apply pending warehouse migrations and exit.
    Migrate,
    /// Train the forecast model in this process (a run like POST /v1/ml/train), print the run and
    /// the model with its backtest against the baselines, exit non-zero if it failed.
    /// The service must not be running on the same warehouse.
    Train,
    /// Export the whole warehouse (NA_WAREHOUSE) into a new folder: Parquet files and a manifest.
    /// The service must be stopped; while it runs, use POST /v1/admin/backup instead.
    Backup {
        /// The folder to create; it must not exist, or be empty.
        dir: PathBuf,
    },
    /// Restore a backup folder as the warehouse (NA_WAREHOUSE), which must not exist yet.
    /// The service must be stopped.
    Restore {
        /// A folder written by `backup` or POST /v1/admin/backup.
        dir: PathBuf,
        /// Replace an existing warehouse.
        #[arg(long)]
        force: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Evaluate the configured language model (NA_LLM_*) on a question set against the warehouse
    /// (NA_WAREHOUSE): tool choice, arguments, grounding and answer checks, tokens and latency.
    /// Prints a Markdown table; every model call is logged in the warehouse. The service must be
    /// stopped.
    EvalLlm {
        /// The question set.
        #[arg(long, default_value = "eval/llm-questions.json")]
        set: PathBuf,
        /// Also write every question's result here, as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        println!("{}", api::openapi().to_pretty_json().expect("the spec serialises"));
        return ExitCode::SUCCESS;
    }
    let config = match Config::load(cli.config.as_deref(), cli.demo) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let outcome = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Ingest { source, mode, year_min, year_max } => {
                let mode = match mode {
                    None => None,
                    Some(Mode::Incremental) => Some(CatalogMode::Incremental),
                    Some(Mode::Backfill) => Some(CatalogMode::Backfill {
                        year_min: year_min.unwrap_or(config.catalog.backfill_from),
                        year_max: year_max.unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now())),
                    }),
                };
                ingest(config, source, RunOptions { catalog_mode: mode }).await
            }
            Command::Migrate => migrate(config).await,
            Command::Train => train(config).await,
            Command::Backup { dir } => backup(config, dir).await,
            Command::Restore { dir, force } => restore(config, dir, force).await,
            Command::EvalLlm { set, json } => eval_llm(config, set, json).await,
            Command::Openapi => unreachable!("handled before the runtime starts"),
        }
    });
    match outcome {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<ExitCode> {
    let app = App::build(config).await?;
    if let Some(token) = app.generated_token() {
        let mut addr = app.local_addr();
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        // Printed, not logged: the token must not end up in log storage.
        println!(
            "NA_ADMIN_TOKEN is not set, so this process generated an admin token. Trigger a refresh with:\n  \
             curl -X POST -H 'Authorization: Bearer {}' http://{addr}/v1/ingest/top10",
            token.expose_secret()
        );
    }
    app.run_until_stopped(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn ingest(mut config: Config, source: SourceId, options: RunOptions) -> anyhow::Result<ExitCode> {
    let warehouse = app::open_warehouse(&config, config.max_concurrent_queries).await?;
    demo::apply(&mut config).await?;
    let pipeline = Pipeline::new(warehouse, &config)?;
    pipeline.fail_interrupted_runs().await?;
    let (queued, handle) = pipeline.trigger(source, Trigger::Cli, options).await?;
    let run =
        follow(&pipeline, queued, handle, "interrupted; the run was cancelled and its transaction rolled back").await?;
    Ok(if run.status == RunStatus::Succeeded { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Follows a run started from the command line to its end, drawing its progress, and prints its
/// record. Ctrl-C cancels it and ends with `interrupted`.
async fn follow(
    pipeline: &Pipeline,
    queued: IngestRun,
    handle: JoinHandle<IngestRun>,
    interrupted: &'static str,
) -> anyhow::Result<IngestRun> {
    let shown = CancellationToken::new();
    let reporter = pipeline.progress(queued.id).map(|updates| tokio::spawn(show_progress(updates, shown.clone())));
    let finished = tokio::select! {
        finished = handle => Some(finished),
        _ = shutdown_signal() => None,
    };
    shown.cancel();
    if let Some(reporter) = reporter {
        reporter.await?;
    }
    let Some(finished) = finished else {
        pipeline.shutdown(Duration::ZERO).await;
        anyhow::bail!("{interrupted}");
    };
    let run = finished?;
    println!("{}", serde_json::to_string_pretty(&run)?);
    Ok(run)
}

/// Trains, backtests and stores a forecast model in this process, as `POST /v1/ml/train` does.
async fn train(config: Config) -> anyhow::Result<ExitCode> {
    let warehouse = app::open_warehouse(&config, config.max_concurrent_queries).await?;
    let pipeline = Pipeline::new(warehouse.clone(), &config)?;
    pipeline.fail_interrupted_runs().await?;
    let (queued, handle) = api::ml::start_training(&pipeline, &Models::default(), Trigger::Cli).await?;
    let run = follow(&pipeline, queued, handle, "interrupted; the training run was cancelled").await?;
    if run.status != RunStatus::Succeeded {
        return Ok(ExitCode::FAILURE);
    }
    let models = warehouse.with_connection(store::list).await?;
    if let Some(model) = models.iter().find(|m| m.run_id == run.id) {
        println!("{}", serde_json::to_string_pretty(model)?);
    }
    Ok(ExitCode::SUCCESS)
}

/// How often a run's progress is logged when there is no terminal to draw a bar on.
const PROGRESS_LOG_EVERY: Duration = Duration::from_secs(10);

/// A progress bar on stderr when it is a terminal; otherwise a log line when the step changes and
/// every `PROGRESS_LOG_EVERY`, so that logs collected from a pipe or a service manager stay readable.
async fn show_progress(mut updates: watch::Receiver<RunProgress>, done: CancellationToken) {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut logged: Option<(String, Instant)> = None;
    loop {
        tokio::select! {
            changed = updates.changed() => if changed.is_err() { break },
            _ = done.cancelled() => break,
        }
        let progress = updates.borrow_and_update().clone();
        if let Some(bar) = &bar {
            draw(bar, &progress);
            continue;
        }
        let due = logged.as_ref().is_none_or(|(step, at)| *step != progress.step || at.elapsed() >= PROGRESS_LOG_EVERY);
        if due {
            tracing::info!(
                step = %progress.step,
                requests = progress.requests,
                pages = progress.pages,
                rows = progress.rows,
                bytes = progress.bytes,
                percent = progress.estimate.as_ref().map(|e| e.percent),
                "progress"
            );
            logged = Some((progress.step.clone(), Instant::now()));
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

/// A bar where the source says how much there is, a spinner where it does not.
fn draw(bar: &ProgressBar, progress: &RunProgress) {
    let template = match &progress.estimate {
        Some(estimate) => {
            bar.set_length(estimate.total);
            bar.set_position(estimate.done);
            "{spinner} [{bar:30}] {percent:>3}% {msg}"
        }
        None => "{spinner} {msg}",
    };
    bar.set_style(ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> "));
    bar.set_message(format!(
        "{}: {} requests, {} pages, {} rows, {}",
        progress.step,
        progress.requests,
        progress.pages,
        progress.rows,
        HumanBytes(progress.bytes)
    ));
}

async fn migrate(config: Config) -> anyhow::Result<ExitCode> {
    let warehouse = app::open_warehouse(&config, 1).await?;
    // A lake writer hands the migrated schema to the readers.
    warehouse.publish().await?;
    println!("{} is migrated; data version {}", warehouse.path().display(), warehouse.data_version());
    Ok(ExitCode::SUCCESS)
}

async fn backup(config: Config, dir: PathBuf) -> anyhow::Result<ExitCode> {
    // Opening would create an empty warehouse, and back that up.
    if !config.warehouse.is_file() {
        anyhow::bail!("there is no warehouse at {} (NA_WAREHOUSE) to back up", config.warehouse.display());
    }
    let warehouse = Warehouse::open(&config.warehouse, 1).await?;
    let into = dir.clone();
    let manifest = warehouse.with_connection(move |conn| backup::export(conn, &into)).await?;
    eprintln!("backed up {} into {}", config.warehouse.display(), dir.display());
    println!("{}", serde_json::to_string_pretty(&manifest)?);
    Ok(ExitCode::SUCCESS)
}

async fn restore(config: Config, dir: PathBuf, force: bool) -> anyhow::Result<ExitCode> {
    let target = config.warehouse.clone();
    let manifest = tokio::task::spawn_blocking(move || backup::restore(&dir, &target, force)).await??;
    eprintln!(
        "restored {} from the backup of {} (data version {})",
        config.warehouse.display(),
        manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        manifest.data_version
    );
    println!("{}", serde_json::to_string_pretty(&manifest)?);
    Ok(ExitCode::SUCCESS)
}

async fn eval_llm(config: Config, set: PathBuf, json: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let items: Vec<llm::eval::EvalItem> = serde_json::from_slice(
        &std::fs::read(&set).with_context(|| format!("cannot read the question set {}", set.display()))?,
    )
    .with_context(|| format!("{} is not a question set", set.display()))?;
    let Some(client) = llm::ChatClient::from_config(&config.llm, config.retry_base)? else {
        anyhow::bail!("no language model is configured; set NA_LLM_BASE_URL and NA_LLM_MODEL");
    };
    if !config.warehouse.is_file() {
        anyhow::bail!("there is no warehouse at {} (NA_WAREHOUSE) to answer from", config.warehouse.display());
    }
    let warehouse = Warehouse::open(&config.warehouse, config.max_concurrent_queries).await?;
    let tools = api::tools::WarehouseTools::new(warehouse.clone(), config.max_rows);
    let budget = llm::Budget {
        max_tool_calls: config.llm.max_tool_calls,
        max_tokens: config.llm.max_tokens,
        duration: config.llm.budget,
        max_rows: config.llm.max_rows,
    };
    let (report, calls) = llm::eval::run(&client, &tools, &items, budget).await;
    warehouse.with_connection(move |conn| llm_calls::insert(conn, &calls)).await?;
    if let Some(path) = json {
        std::fs::write(&path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    print!("{}", report.markdown());
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let interrupt = async {
        tokio::signal::ctrl_c().await.expect("a SIGINT handler");
    };
    #[cfg(unix)]
    let terminate = async {
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler")
            .recv()
            .await;
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}
