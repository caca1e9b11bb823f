//! Machine learning over the warehouse: a forecast of next week's hours and of staying on the
//! global Top 10, backtested honestly against the baselines an analyst would use anyway, and
//! served only where it beats them. No HTTP here; `api::ml` serves it.
//!
//! `history` and `features` turn the global lists into examples whose features read the origin
//! week and earlier only; `model` holds the boosters; `backtest` scores them week by week against
//! persistence and decay and applies the promotion rule; `train` is what a training run does;
//! `store` keeps models in the warehouse; `forecast` is the question `/v1/forecast` asks.
//! `similar` finds titles like a title, by content and by audience.

pub mod backtest;
pub mod features;
pub mod forecast;
pub mod history;
pub mod metrics;
pub mod model;
mod nan;
pub mod similar;
pub mod store;
pub mod train;

use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

use self::backtest::Method;
use self::model::Forecaster;
use crate::error::Result;
use crate::warehouse::Warehouse;

/// What forecasts are made with: the model when it was promoted, else the baseline it lost to,
/// and the 80% interval of ln(actual / predicted) hours that method had in the backtest.
#[derive(Serialize, Deserialize)]
pub struct Artifact {
    pub served: Method,
    pub interval: (f64, f64),
    pub forecaster: Forecaster,
}

/// A stored model, loaded.
pub struct ServedModel {
    pub id: i64,
    pub artifact: Artifact,
}

/// The model forecasts use: the newest one trained, loaded from the warehouse once and replaced
/// when a training run stores a newer one.
#[derive(Clone, Default)]
pub struct Models {
    current: Arc<RwLock<Option<Arc<ServedModel>>>>,
}

impl Models {
    /// The newest model, read from the warehouse the first time; `None` before any training.
    pub async fn current(&self, warehouse: &Warehouse) -> Result<Option<Arc<ServedModel>>> {
        if let Some(model) = self.current.read().expect("model lock").clone() {
            return Ok(Some(model));
        }
        let stored = warehouse.with_connection(store::latest_artifact).await?;
        let Some((id, json)) = stored else { return Ok(None) };
        let artifact: Artifact = tokio::task::spawn_blocking(move || store::parse_artifact(&json)).await??;
        let model = Arc::new(ServedModel { id, artifact });
        let mut current = self.current.write().expect("model lock");
        // A training run may have stored a newer model meanwhile.
        if current.as_ref().is_none_or(|c| c.id < model.id) {
            *current = Some(model);
        }
        Ok(current.clone())
    }

    pub fn replace(&self, model: ServedModel) {
        let mut current = self.current.write().expect("model lock");
        if current.as_ref().is_none_or(|c| c.id < model.id) {
            *current = Some(Arc::new(model));
        }
    }
}
