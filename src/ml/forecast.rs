//! `/v1/forecast`: next week for every entry of a week's global lists, from the served model (or
//! the baseline served in its place), with an 80% interval from the backtest's residuals.

use std::fmt;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use super::backtest::{Method, or_half};
use super::features::{self, Example};
use super::{ServedModel, store};
use crate::analytics::top10::resolve_global_week;
use crate::analytics::{Answer, Question};
use crate::domain::{Category, WeekSelector};
use crate::error::Result;
use crate::warehouse::Snapshot;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ForecastRow {
    /// The week forecast from, and the week forecast.
    pub week: NaiveDate,
    pub forecast_week: NaiveDate,
    pub category: String,
    pub weekly_rank: u32,
    pub show_title: String,
    pub season_title: Option<String>,
    pub title_id: Option<i64>,
    pub weekly_hours_viewed: Option<i64>,
    /// Next week's hours if the entry stays on the list, and the 80% interval around them.
    pub predicted_hours: Option<i64>,
    pub predicted_hours_low: Option<i64>,
    pub predicted_hours_high: Option<i64>,
    /// Predicted hours over the runtime, where the week has a runtime (views are hours / runtime).
    pub predicted_views: Option<i64>,
    /// The probability that the entry is on the same list next week.
    pub stay_probability: f64,
    /// What made the forecast: `model`, or the baseline served because the model did not beat it.
    #[schema(example = "model")]
    pub method: Method,
    pub model_id: i64,
}

/// The forecast from one week's lists, made with one model; the model's id keys the cache.
pub struct Forecast {
    pub week: WeekSelector,
    pub category: Option<Category>,
    pub model: Arc<ServedModel>,
}

impl fmt::Debug for Forecast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Forecast")
            .field("week", &self.week)
            .field("category", &self.category)
            .field("model_id", &self.model.id)
            .finish()
    }
}

impl Question for Forecast {
    type Row = ForecastRow;
    const NAME: &'static str = "forecast";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<ForecastRow>> {
        let week = resolve_global_week(db, self.week)?;
        // Reading the history is most of an uncached forecast's cost, and it changes only with the data
        // version.
        let history = db.memo(store::history)?;
        let examples: Vec<Example> = features::examples_at(&history, week.date())
            .into_iter()
            .filter(|e| self.category.is_none_or(|c| e.key.category == c.as_str()))
            .collect();
        let mut answer = Answer::new(forecast(&self.model, &examples));
        answer.about.weeks = vec![week];
        answer.about.category = self.category.map(|c| c.as_str().to_owned());
        answer.about.file_suffix = Some(week.to_string());
        Ok(answer)
    }
}

/// Forecasts for examples of one origin week.
pub fn forecast(model: &ServedModel, examples: &[Example]) -> Vec<ForecastRow> {
    let artifact = &model.artifact;
    let refs: Vec<&Example> = examples.iter().collect();
    let predictions = artifact.forecaster.predict(&refs);
    let (low, high) = artifact.interval;
    let round = |v: f64| v.is_finite().then(|| v.round() as i64);
    examples
        .iter()
        .zip(predictions)
        .map(|(example, prediction)| {
            let (hours, stay_probability) = match artifact.served {
                Method::Model => (prediction.hours, prediction.stay_probability),
                Method::Decay => (example.hours.map(|h| h * example.decay_ratio), or_half(example.rank_stay_rate)),
                Method::Persistence => (example.hours, or_half(example.rank_stay_rate)),
            };
            let views = hours.zip(example.runtime.filter(|r| *r > 0.0)).map(|(h, r)| h / r);
            ForecastRow {
                week: example.origin,
                forecast_week: example.origin + Duration::days(7),
                category: example.key.category.clone(),
                weekly_rank: example.rank,
                show_title: example.key.show_title.clone(),
                season_title: example.key.season_title.clone(),
                title_id: example.title_id,
                weekly_hours_viewed: example.hours.and_then(round),
                predicted_hours: hours.and_then(round),
                predicted_hours_low: hours.and_then(|h| round(h * low.exp())),
                predicted_hours_high: hours.and_then(|h| round(h * high.exp())),
                predicted_views: views.and_then(round),
                stay_probability,
                method: artifact.served,
                model_id: model.id,
            }
        })
        .collect()
}
