//! Assembling the service: warehouse, pipeline, router and listener, built from a `Config`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Extension;
use secrecy::SecretString;
use tokio::net::TcpListener;

use crate::api::{self, AppState};
use crate::config::{Config, Role};
use crate::demo;
use crate::domain::{SourceId, Trigger};
use crate::pipeline::schedule::Schedule;
use crate::pipeline::{Pipeline, RunOptions};
use crate::server;
use crate::warehouse::Warehouse;
use crate::warehouse::backup::Backups;

pub struct App {
    listener: TcpListener,
    router: axum::Router,
    state: AppState,
    generated_token: Option<SecretString>,
    shutdown_grace: Duration,
    connections: server::ConnectionLimits,
}

impl App {
    pub async fn build(mut config: Config) -> anyhow::Result<App> {
        let warehouse = open_warehouse(&config, config.max_concurrent_queries).await?;
        let replica = warehouse.is_read_replica();
        demo::apply(&mut config).await?;
        let pipeline = Pipeline::new(warehouse.clone(), &config)?;
        // A reader's run records are the writer's, and it runs nothing itself.
        let interrupted = if replica { 0 } else { pipeline.fail_interrupted_runs().await? };
        if interrupted > 0 {
            tracing::warn!(runs = interrupted, "marked runs left unfinished by the previous process as failed");
        }
        let (token, generated_token) = match config.admin_token.clone() {
            Some(token) => (token, None),
            None => {
                let token = generate_token();
                (token.clone(), Some(token))
            }
        };
        let state = AppState::new(warehouse.clone(), pipeline.clone(), &token, &config)?;
        if config.ml_retrain {
            let models = state.models().clone();
            pipeline.on_top10_changed(Arc::new(move |pipeline| {
                let models = models.clone();
                Box::pin(async move {
                    if let Err(err) = api::ml::start_training(&pipeline, &models, Trigger::Refresh).await {
                        tracing::warn!(error = %err, "could not start retraining after the Top 10 refresh");
                    }
                })
            }));
        }
        let backups = Backups::new(config.backup_dir.clone(), config.backup_keep);
        let router = api::router(state.clone(), &config).layer(Extension(backups));
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {} (NA_LISTEN)", config.listen))?;
        if !replica {
            // What a killed predecessor left unpublished (the runs just marked failed included), and a
            // copy for a new NA_PUBLISH_DIR.
            pipeline.publish().await;
            if config.demo && warehouse.data_version() == 0 {
                pipeline.trigger(SourceId::All, Trigger::Demo, RunOptions::default()).await?;
            }
            pipeline.start_schedules(Schedule::from_config(&config.schedule)).await?;
        }
        let location = if replica { "the lake".to_owned() } else { config.warehouse.display().to_string() };
        tracing::info!(
            listen = %listener.local_addr()?,
            role = ?config.role,
            warehouse = %location,
            data_version = warehouse.data_version(),
            demo = config.demo,
            "ready"
        );
        let connections =
            server::ConnectionLimits { header_read_timeout: config.header_read_timeout, drain: config.drain };
        Ok(App { listener, router, state, generated_token, shutdown_grace: config.shutdown_grace, connections })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn warehouse(&self) -> &Warehouse {
        self.state.warehouse()
    }

    pub fn pipeline(&self) -> &Pipeline {
        self.state.pipeline()
    }

    /// The admin token generated because `NA_ADMIN_TOKEN` was unset; `serve` shows it once.
    pub fn generated_token(&self) -> Option<&SecretString> {
        self.generated_token.as_ref()
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish and ingestion runs
    /// commit or roll back.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let state = self.state.clone();
        let stopping = async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight and ingestion runs");
            state.begin_shutdown();
        };
        server::serve(self.listener, self.router, self.connections, stopping).await;
        if !self.state.pipeline().shutdown(self.shutdown_grace).await {
            tracing::warn!("an ingestion run did not end in time; its transaction is rolled back on exit");
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// The warehouse this configuration names: the embedded file, or the lake as its writer or as a
/// read replica.
pub async fn open_warehouse(config: &Config, max_concurrent_queries: usize) -> crate::error::Result<Warehouse> {
    match (&config.lake, config.role) {
        (None, _) => Warehouse::open(&config.warehouse, max_concurrent_queries).await,
        (Some(lake), Role::Reader) => {
            Warehouse::open_lake_reader(lake.clone(), config.lake_poll, max_concurrent_queries).await
        }
        (Some(lake), Role::All | Role::Writer) => {
            Warehouse::open_lake_writer(&config.warehouse, lake.clone(), max_concurrent_queries).await
        }
    }
}

fn generate_token() -> SecretString {
    let bytes: [u8; 24] = rand::random();
    SecretString::from(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}
