//! Rolling-origin backtest: for each of the last `weeks` weeks t, train on the weeks before t and
//! predict t from the week before it, as a forecast made then would have. The two baselines are
//! scored on the same entries: persistence (next week = this week) and decay (this week times the
//! median week-over-week ratio of entries with the same weeks on the list, from history only).

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::features::Example;
use super::metrics;
use super::model::{Forecaster, Params, log_change};
use crate::error::{Error, Result};

/// The forecasts compared: the model and the baselines it must beat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Model,
    Persistence,
    Decay,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Model => "model",
            Method::Persistence => "persistence",
            Method::Decay => "decay",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        [Method::Model, Method::Persistence, Method::Decay].into_iter().find(|m| m.as_str() == text)
    }
}

/// How one method did over the backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scores {
    pub method: Method,
    /// Hours, over entries that stayed: mean absolute error and mean absolute percentage error
    /// (a fraction).
    #[serde(with = "super::nan")]
    #[schema(value_type = Option<f64>)]
    pub mae: f64,
    #[serde(with = "super::nan")]
    #[schema(value_type = Option<f64>)]
    pub mape: f64,
    /// Staying, over every entry: Brier score and ROC AUC. Both baselines give the share of
    /// entries at the same rank that stayed, in the history before the origin: the rank alone.
    #[serde(with = "super::nan")]
    #[schema(value_type = Option<f64>)]
    pub brier: f64,
    #[serde(with = "super::nan")]
    #[schema(value_type = Option<f64>)]
    pub auc: f64,
    /// Quantiles of ln(actual / predicted) hours: the 80% interval served with a forecast.
    #[serde(with = "super::nan")]
    #[schema(value_type = Option<f64>)]
    pub residual_q10: f64,
    #[serde(with = "super::nan")]
    #[schema(value_type = Option<f64>)]
    pub residual_q90: f64,
}

/// The comparison stored with a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Backtest {
    /// The first and last predicted weeks.
    pub first_week: NaiveDate,
    pub last_week: NaiveDate,
    pub weeks: usize,
    /// Entries scored on staying, and on hours (those that stayed with published hours).
    pub stay_entries: usize,
    pub hours_entries: usize,
    pub scores: Vec<Scores>,
    /// What is served: the model when it beats the better baseline on MAE, else that baseline.
    pub served: Method,
}

impl Backtest {
    pub fn scores(&self, method: Method) -> &Scores {
        self.scores.iter().find(|s| s.method == method).expect("every method is scored")
    }

    pub fn promoted(&self) -> bool {
        self.served == Method::Model
    }
}

/// The promotion rule: the model is served only if its MAE is below both baselines'.
pub fn served(model: &Scores, persistence: &Scores, decay: &Scores) -> Method {
    let best_baseline = if decay.mae <= persistence.mae { decay } else { persistence };
    if model.mae < best_baseline.mae { Method::Model } else { best_baseline.method }
}

/// Runs the backtest over the last `weeks` origins that have a known next week.
pub fn run(examples: &[Example], weeks: usize, params: &Params) -> Result<Backtest> {
    let mut origins: Vec<NaiveDate> = examples.iter().filter(|e| e.outcome.is_some()).map(|e| e.origin).collect();
    origins.dedup();
    let origins = &origins[origins.len().saturating_sub(weeks)..];
    let mut scored = Vec::new();
    // Per method: (actual, predicted) hours, and (stayed, probability).
    let mut hours: [Vec<(f64, f64)>; 3] = Default::default();
    let mut stays: [Vec<(bool, f64)>; 3] = Default::default();
    for origin in origins {
        let train: Vec<&Example> = examples.iter().filter(|e| e.origin < *origin).collect();
        let test: Vec<&Example> = examples.iter().filter(|e| e.origin == *origin).collect();
        let forecaster = match Forecaster::fit(&train, params) {
            Ok(forecaster) => forecaster,
            // The first weeks of a short history: nothing to learn from yet.
            Err(Error::NotEnoughHistory) => continue,
            Err(err) => return Err(err),
        };
        scored.push(*origin);
        for (example, prediction) in test.iter().zip(forecaster.predict(&test)) {
            let outcome = example.outcome.expect("origins have a known next week");
            let baseline_hours = example.hours.map(|h| (h, h * example.decay_ratio));
            stays[0].push((outcome.stayed, prediction.stay_probability));
            let by_rank = or_half(example.rank_stay_rate);
            stays[1].push((outcome.stayed, by_rank));
            stays[2].push((outcome.stayed, by_rank));
            if let (Some(actual), Some(predicted), Some((persisted, decayed))) =
                (log_change(example).and(outcome.hours), prediction.hours, baseline_hours)
            {
                hours[0].push((actual, predicted));
                hours[1].push((actual, persisted));
                hours[2].push((actual, decayed));
            }
        }
    }
    let scores: Vec<Scores> = [Method::Model, Method::Persistence, Method::Decay]
        .into_iter()
        .zip(hours.iter().zip(&stays))
        .map(|(method, (hours, stays))| score(method, hours, stays))
        .collect();
    let served = served(&scores[0], &scores[1], &scores[2]);
    let (Some(first), Some(last)) = (scored.first(), scored.last()) else {
        return Err(Error::NotEnoughHistory);
    };
    Ok(Backtest {
        first_week: *first + Duration::days(7),
        last_week: *last + Duration::days(7),
        weeks: scored.len(),
        stay_entries: stays[0].len(),
        hours_entries: hours[0].len(),
        scores,
        served,
    })
}

/// A rate with no history behind it (the first weeks) says nothing either way.
pub fn or_half(rate: f64) -> f64 {
    if rate.is_nan() { 0.5 } else { rate }
}

fn score(method: Method, hours: &[(f64, f64)], stays: &[(bool, f64)]) -> Scores {
    let residuals: Vec<f64> = hours.iter().map(|(actual, predicted)| (actual / predicted).ln()).collect();
    Scores {
        method,
        mae: metrics::mae(hours),
        mape: metrics::mape(hours),
        brier: metrics::brier(stays),
        auc: metrics::auc(stays),
        residual_q10: metrics::quantile(&residuals, 0.1),
        residual_q90: metrics::quantile(&residuals, 0.9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(method: Method, mae: f64) -> Scores {
        Scores { method, mae, mape: 0.0, brier: 0.0, auc: 0.5, residual_q10: 0.0, residual_q90: 0.0 }
    }

    #[test]
    fn the_model_is_served_only_when_it_beats_the_better_baseline() {
        let persistence = scores(Method::Persistence, 100.0);
        let decay = scores(Method::Decay, 65.0);
        assert_eq!(served(&scores(Method::Model, 60.0), &persistence, &decay), Method::Model);
        assert_eq!(served(&scores(Method::Model, 65.0), &persistence, &decay), Method::Decay);
        assert_eq!(served(&scores(Method::Model, 80.0), &persistence, &decay), Method::Decay);
        let worse_decay = scores(Method::Decay, 120.0);
        assert_eq!(served(&scores(Method::Model, 110.0), &persistence, &worse_decay), Method::Persistence);
        assert_eq!(served(&scores(Method::Model, f64::NAN), &persistence, &decay), Method::Decay);
    }
}
