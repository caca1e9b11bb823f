use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::cache::ResponseCache;
use super::limits::TriggerLimiter;
use super::metrics::Metrics;
use super::tools::WarehouseTools;
use crate::config::Config;
use crate::error::Result;
use crate::llm::{Budget, ChatClient};
use crate::ml::Models;
use crate::pipeline::Pipeline;
use crate::warehouse::Warehouse;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    warehouse: Warehouse,
    pipeline: Pipeline,
    /// Only the digest is kept: comparing digests takes the same time whatever the presented
    /// token's length, and the token itself never sits in the state.
    admin_token_digest: [u8; 32],
    shutting_down: AtomicBool,
    catalog_backfill_from: i32,
    cache: ResponseCache,
    metrics: Arc<Metrics>,
    triggers: TriggerLimiter,
    max_rows: u32,
    stall_limit: Duration,
    /// `None` when no model is configured.
    llm: Option<ChatClient>,
    llm_budget: Budget,
    tools: WarehouseTools,
    /// Model calls logged by this process; part of the call log's cache key.
    llm_calls_logged: AtomicU64,
    models: Models,
}

impl AppState {
    pub fn new(
        warehouse: Warehouse,
        pipeline: Pipeline,
        admin_token: &SecretString,
        config: &Config,
    ) -> Result<AppState> {
        let metrics = Arc::new(Metrics::new());
        let llm = ChatClient::from_config(&config.llm, config.retry_base)?;
        let llm_budget = Budget {
            max_tool_calls: config.llm.max_tool_calls,
            max_tokens: config.llm.max_tokens,
            duration: config.llm.budget,
            max_rows: config.llm.max_rows,
        };
        Ok(AppState {
            inner: Arc::new(Inner {
                tools: WarehouseTools::new(warehouse.clone(), config.max_rows),
                warehouse,
                pipeline,
                admin_token_digest: Sha256::digest(admin_token.expose_secret().as_bytes()).into(),
                shutting_down: AtomicBool::new(false),
                catalog_backfill_from: config.catalog.backfill_from,
                cache: ResponseCache::new(config.cache_max_bytes, config.cache_max_age, metrics.clone()),
                metrics,
                triggers: TriggerLimiter::new(config.trigger_rate_per_minute),
                max_rows: config.max_rows,
                stall_limit: config.request_timeout,
                llm,
                llm_budget,
                llm_calls_logged: AtomicU64::new(0),
                models: Models::default(),
            }),
        })
    }

    pub fn llm(&self) -> Option<&ChatClient> {
        self.inner.llm.as_ref()
    }

    pub fn llm_budget(&self) -> Budget {
        self.inner.llm_budget
    }

    pub fn tools(&self) -> &WarehouseTools {
        &self.inner.tools
    }

    pub fn llm_calls_logged(&self) -> u64 {
        self.inner.llm_calls_logged.load(Ordering::Acquire)
    }

    pub fn llm_calls_recorded(&self, count: u64) {
        self.inner.llm_calls_logged.fetch_add(count, Ordering::AcqRel);
    }

    pub fn warehouse(&self) -> &Warehouse {
        &self.inner.warehouse
    }

    pub fn pipeline(&self) -> &Pipeline {
        &self.inner.pipeline
    }

    pub fn cache(&self) -> &ResponseCache {
        &self.inner.cache
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub fn triggers(&self) -> &TriggerLimiter {
        &self.inner.triggers
    }

    /// The most rows `limit=all` returns (`NA_MAX_ROWS`).
    pub fn max_rows(&self) -> u32 {
        self.inner.max_rows
    }

    /// The forecast model served.
    /// How long a streamed answer waits for its client to take the next chunk before it ends:
    /// `NA_REQUEST_TIMEOUT_SECS`, since a stalled download holds a warehouse slot.
    pub fn stall_limit(&self) -> Duration {
        self.inner.stall_limit
    }

    pub fn models(&self) -> &Models {
        &self.inner.models
    }

    /// The default first year of a catalog backfill (`NA_CATALOG_BACKFILL_FROM`).
    pub fn catalog_backfill_from(&self) -> i32 {
        self.inner.catalog_backfill_from
    }

    pub fn admin_token_matches(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        digest.ct_eq(&self.inner.admin_token_digest).into()
    }

    pub fn begin_shutdown(&self) {
        self.inner.shutting_down.store(true, Ordering::Release);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.inner.shutting_down.load(Ordering::Acquire)
    }
}
