use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::cache::ResponseCache;
use super::limits::TriggerLimiter;
use super::metrics::Metrics;
use crate::config::Config;
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
    models: Models,
}

impl AppState {
    pub fn new(warehouse: Warehouse, pipeline: Pipeline, admin_token: &SecretString, config: &Config) -> AppState {
        let metrics = Arc::new(Metrics::new());
        AppState {
            inner: Arc::new(Inner {
                warehouse,
                pipeline,
                admin_token_digest: Sha256::digest(admin_token.expose_secret().as_bytes()).into(),
                shutting_down: AtomicBool::new(false),
                catalog_backfill_from: config.catalog.backfill_from,
                cache: ResponseCache::new(config.cache_max_bytes, config.cache_max_age, metrics.clone()),
                metrics,
                triggers: TriggerLimiter::new(config.trigger_rate_per_minute),
                models: Models::default(),
            }),
        }
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

    /// The forecast model served.
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
