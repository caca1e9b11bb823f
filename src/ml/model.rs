//! The forecaster: gradient-boosted trees (forust) for next week's hours, as a log ratio to this
//! week's, and for the chance of staying on the list.

use forust_ml::objective::ObjectiveType;
use forust_ml::{GradientBooster, Matrix};
use serde::{Deserialize, Serialize};

use super::features::{Example, WIDTH};
use crate::error::{Error, Result};

/// Training parameters, the same for both boosters; stored with the model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Params {
    pub iterations: usize,
    pub learning_rate: f32,
    pub max_depth: usize,
    pub min_leaf_weight: f32,
    pub l2: f32,
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Params {
        Params { iterations: 100, learning_rate: 0.08, max_depth: 4, min_leaf_weight: 20.0, l2: 1.0, seed: 16 }
    }
}

/// Both boosters, trained on the same examples.
#[derive(Serialize, Deserialize)]
pub struct Forecaster {
    hours: GradientBooster,
    stay: GradientBooster,
}

/// What the forecaster says about one entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Next week's hours; `None` when this week's are unknown.
    pub hours: Option<f64>,
    pub stay_probability: f64,
}

impl Forecaster {
    /// Learns from examples whose next week is known; hours from those that stayed.
    pub fn fit(examples: &[&Example], params: &Params) -> Result<Forecaster> {
        let labelled: Vec<&Example> = examples.iter().copied().filter(|e| e.outcome.is_some()).collect();
        let stayed: Vec<&Example> = labelled.iter().copied().filter(|e| log_change(e).is_some()).collect();
        if stayed.is_empty() || labelled.iter().all(|e| e.outcome.is_some_and(|o| o.stayed)) {
            return Err(Error::NotEnoughHistory);
        }
        let hours_target: Vec<f64> = stayed.iter().filter_map(|e| log_change(e)).collect();
        let stay_target: Vec<f64> =
            labelled.iter().map(|e| f64::from(u8::from(e.outcome.is_some_and(|o| o.stayed)))).collect();
        let hours = fit_one(&stayed, &hours_target, ObjectiveType::SquaredLoss, params)?;
        let stay = fit_one(&labelled, &stay_target, ObjectiveType::LogLoss, params)?;
        Ok(Forecaster { hours, stay })
    }

    pub fn predict(&self, examples: &[&Example]) -> Vec<Prediction> {
        let data = columns(examples);
        let matrix = Matrix::new(&data, examples.len(), WIDTH);
        let log_changes = self.hours.predict(&matrix, false);
        let log_odds = self.stay.predict(&matrix, false);
        examples
            .iter()
            .zip(log_changes.into_iter().zip(log_odds))
            .map(|(e, (change, odds))| Prediction {
                hours: e.hours.map(|h| h * change.exp()),
                stay_probability: 1.0 / (1.0 + (-odds).exp()),
            })
            .collect()
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(format!("cannot serialise the model: {e}")))
    }

    pub fn from_json(json: &str) -> Result<Forecaster> {
        serde_json::from_str(json).map_err(|e| Error::Internal(format!("the stored model does not load: {e}")))
    }
}

/// ln(next week's hours / this week's), when both are known.
pub fn log_change(example: &Example) -> Option<f64> {
    let next = example.outcome?.hours?;
    let now = example.hours?;
    (next > 0.0 && now > 0.0).then(|| (next / now).ln())
}

fn fit_one(
    examples: &[&Example],
    target: &[f64],
    objective: ObjectiveType,
    params: &Params,
) -> Result<GradientBooster> {
    let data = columns(examples);
    let matrix = Matrix::new(&data, examples.len(), WIDTH);
    let mut booster = GradientBooster::default()
        .set_objective_type(objective)
        .set_iterations(params.iterations)
        .set_learning_rate(params.learning_rate)
        .set_max_depth(params.max_depth)
        .set_min_leaf_weight(params.min_leaf_weight)
        .set_l2(params.l2)
        .set_seed(params.seed)
        .set_parallel(false);
    booster.fit_unweighted(&matrix, target, None).map_err(|e| Error::Internal(format!("training failed: {e}")))?;
    Ok(booster)
}

/// Column-major feature values, as forust reads them.
fn columns(examples: &[&Example]) -> Vec<f64> {
    (0..WIDTH).flat_map(|j| examples.iter().map(move |e| e.features[j])).collect()
}
