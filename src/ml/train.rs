//! What a training run does once the pipeline has recorded it: read one snapshot of the history,
//! backtest the model against the baselines, fit it on the whole history, apply the promotion
//! rule, store the result with its comparison, and serve it.

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::backtest::{self, Backtest, Method};
use super::features::{self, FEATURES};
use super::history::History;
use super::model::{Forecaster, Params};
use super::store::{self, ModelRecord};
use super::{Artifact, Models, ServedModel};
use crate::domain::{Progress, RunId};
use crate::error::{Error, Result};
use crate::warehouse::Warehouse;

/// Weeks the backtest predicts, each from the weeks before it.
pub const BACKTEST_WEEKS: usize = 52;

/// What one history taught: the backtest and the model fitted on all of it.
pub struct Trained {
    pub backtest: Backtest,
    pub artifact: Artifact,
}

/// Backtests and fits; CPU-bound, for a blocking thread.
pub fn fit(history: &History, params: &Params) -> Result<Trained> {
    let examples = features::examples(history);
    let backtest = backtest::run(&examples, BACKTEST_WEEKS, params)?;
    let all: Vec<_> = examples.iter().collect();
    let forecaster = Forecaster::fit(&all, params)?;
    let scores = backtest.scores(backtest.served);
    let artifact =
        Artifact { served: backtest.served, interval: (scores.residual_q10, scores.residual_q90), forecaster };
    Ok(Trained { backtest, artifact })
}

/// A training run's work: stops at its checkpoints when the service shuts down; returns the data
/// version it learned from.
pub async fn train(
    warehouse: Warehouse,
    run_id: RunId,
    progress: Progress,
    cancel: CancellationToken,
    models: Models,
) -> Result<u64> {
    progress.step("reading the history");
    let (history, data_version) = warehouse.read(|db| Ok((store::history(db.conn())?, db.data_version()))).await?;
    let latest_week = history.latest_week().ok_or(Error::NotEnoughHistory)?;
    checkpoint(&cancel)?;
    progress.step("backtesting and fitting");
    let params = Params::default();
    let trained = tokio::task::spawn_blocking(move || fit(&history, &params)).await??;
    checkpoint(&cancel)?;
    progress.step("storing the model");
    let Trained { backtest, artifact } = trained;
    let record = ModelRecord {
        id: 0,
        run_id,
        trained_at: Utc::now(),
        data_version,
        latest_week,
        params,
        features: FEATURES.map(str::to_owned).to_vec(),
        promoted: backtest.served == Method::Model,
        served: backtest.served,
        backtest,
        artifact_bytes: 0,
    };
    let (id, artifact) =
        warehouse.with_connection(move |conn| store::insert(conn, &record, &artifact).map(|id| (id, artifact))).await?;
    tracing::info!(model_id = id, served = artifact.served.as_str(), "model trained");
    models.replace(ServedModel { id, artifact });
    Ok(data_version)
}

fn checkpoint(cancel: &CancellationToken) -> Result<()> {
    if cancel.is_cancelled() { Err(Error::Cancelled) } else { Ok(()) }
}
