//! Reading the history and keeping models in the warehouse (`ml.models`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use duckdb::{Connection, OptionalExt, Row, named_params};
use serde::Serialize;
use utoipa::ToSchema;

use super::Artifact;
use super::backtest::{Backtest, Method};
use super::history::{Chart, History};
use super::model::Params;
use crate::analytics::{Answer, Page, Question, sql_paged};
use crate::domain::RunId;
use crate::error::{Error, Result};
use crate::warehouse::{Snapshot, queries};

/// Every global list entry with what the other feeds say about it.
pub fn history(conn: &Connection) -> Result<History> {
    let mut statement = conn.prepare(queries::ML_HISTORY)?;
    let charts = statement.query_map([], |row| {
        let count = |i: usize| row.get::<_, Option<i64>>(i).map(|v| v.map(|v| v as u32));
        let number = |i: usize| row.get::<_, Option<i64>>(i).map(|v| v.map(|v| v as f64));
        Ok(Chart {
            week: row.get(0)?,
            category: row.get(1)?,
            rank: row.get::<_, i32>(2)? as u32,
            show_title: row.get(3)?,
            season_title: row.get(4)?,
            hours: number(5)?,
            views: number(6)?,
            runtime: row.get(7)?,
            weeks_on_list: count(8)?,
            title_id: row.get(9)?,
            countries: count(10)?,
            videos: count(11)?,
        })
    })?;
    Ok(History::new(charts.collect::<Result<_, _>>()?))
}

/// A trained model as the API shows it: everything but the artifact itself.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelRecord {
    pub id: i64,
    /// The training run, in the run history (`GET /v1/ingest/runs/{run_id}`).
    pub run_id: RunId,
    pub trained_at: DateTime<Utc>,
    /// The warehouse's data version the model learned from.
    pub data_version: u64,
    /// The latest week of the history it learned from.
    pub latest_week: NaiveDate,
    pub params: Params,
    /// Feature names, in column order.
    pub features: Vec<String>,
    /// The model against both baselines over the rolling-origin backtest.
    pub backtest: Backtest,
    /// Whether the model beat the better baseline on MAE, and so is what forecasts use.
    pub promoted: bool,
    /// What forecasts made with this record use: `model`, or the baseline served instead.
    pub served: Method,
    /// Bytes of the stored artifact (the boosters and the interval, as JSON).
    pub artifact_bytes: u64,
}

pub fn insert(conn: &Connection, record: &ModelRecord, artifact: &Artifact) -> Result<i64> {
    let artifact = json(artifact)?;
    Ok(conn.query_row(
        queries::ML_MODEL_INSERT,
        named_params! {
            "run_id": record.run_id.0,
            "trained_at": record.trained_at.naive_utc(),
            "data_version": record.data_version as i64,
            "latest_week": record.latest_week,
            "params": json(&record.params)?,
            "features": json(&record.features)?,
            "backtest": json(&record.backtest)?,
            "promoted": record.promoted,
            "served": record.served.as_str(),
            "artifact_bytes": artifact.len() as i64,
            "artifact": artifact,
        },
        |row| row.get(0),
    )?)
}

/// Every model, newest first.
pub fn list(conn: &Connection) -> Result<Vec<ModelRecord>> {
    let mut statement = conn.prepare(queries::ML_MODELS_LIST)?;
    let rows = statement.query_map([], from_row)?.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().collect()
}

/// A page of the model registry, newest first. Training adds models without changing the data
/// version, so `newest`, the newest model's id, keys the cached answer too.
#[derive(Debug)]
pub struct ModelsPage {
    pub page: Page,
    pub newest: Option<i64>,
}

impl Question for ModelsPage {
    type Row = ModelRecord;
    const NAME: &'static str = "ml-models";

    fn ask(&self, db: &Snapshot<'_>) -> Result<Answer<ModelRecord>> {
        let conn = db.conn();
        sql_paged(self.page, |limit, offset| {
            let mut statement = conn.prepare(queries::ML_MODELS_PAGE)?;
            let mut total = 0;
            let rows = statement
                .query_map(named_params! { "limit": i64::from(limit), "offset": offset as i64 }, |row| {
                    Ok((from_row(row)?, row.get::<_, i64>(11)?))
                })?
                .map(|row| {
                    row.map(|(record, rows)| {
                        total = rows as u64;
                        record
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok((rows.into_iter().collect::<Result<_>>()?, total))
        })
    }

    fn page(&self) -> Option<Page> {
        Some(self.page)
    }
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<ModelRecord>> {
    let mut statement = conn.prepare(queries::ML_MODEL_GET)?;
    statement.query_row(named_params! { "id": id }, from_row).optional()?.transpose()
}

/// The newest model's id and artifact.
pub fn latest_artifact(conn: &Connection) -> Result<Option<(i64, String)>> {
    let mut statement = conn.prepare(queries::ML_MODEL_LATEST_ARTIFACT)?;
    Ok(statement.query_row([], |row| Ok((row.get(0)?, row.get(1)?))).optional()?)
}

pub fn parse_artifact(json: &str) -> Result<Artifact> {
    serde_json::from_str(json).map_err(|e| Error::Internal(format!("the stored model does not load: {e}")))
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(format!("cannot serialise a model record: {e}")))
}

/// Values the code wrote itself failing to parse means a corrupt record: an internal error.
fn from_row(row: &Row<'_>) -> duckdb::Result<Result<ModelRecord>> {
    let id: i64 = row.get(0)?;
    let trained_at: NaiveDateTime = row.get(2)?;
    let (params, features, backtest): (String, String, String) = (row.get(5)?, row.get(6)?, row.get(7)?);
    let served: String = row.get(9)?;
    let corrupt = |what: &str| Error::Internal(format!("model {id} has an unreadable {what}"));
    let run_id = RunId(row.get(1)?);
    let data_version = row.get::<_, i64>(3)? as u64;
    let latest_week = row.get(4)?;
    let promoted = row.get(8)?;
    let artifact_bytes = row.get::<_, i64>(10)? as u64;
    Ok((|| {
        Ok(ModelRecord {
            id,
            run_id,
            trained_at: trained_at.and_utc(),
            data_version,
            latest_week,
            params: serde_json::from_str(&params).map_err(|_| corrupt("parameter set"))?,
            features: serde_json::from_str(&features).map_err(|_| corrupt("feature list"))?,
            backtest: serde_json::from_str(&backtest).map_err(|_| corrupt("backtest"))?,
            promoted,
            served: Method::parse(&served).ok_or_else(|| corrupt("served method"))?,
            artifact_bytes,
        })
    })())
}
